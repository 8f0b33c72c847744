"""The phone module: how a texter's number, as Clickatell sends it, is read."""

from reminder_app.phones import sender_candidates


def test_international_digits_read_as_they_stand():
    assert sender_candidates("447911123456", "US") == ["+447911123456"]


def test_national_digits_read_in_the_practices_country():
    assert sender_candidates("07911 123456", "GB") == ["+447911123456"]


def test_digits_valid_both_ways_give_both_international_first():
    assert sender_candidates("2015550123", "US") == ["+2015550123", "+12015550123"]


def test_digits_valid_neither_way_are_kept_as_given():
    assert sender_candidates("12", "US") == ["+12"]
