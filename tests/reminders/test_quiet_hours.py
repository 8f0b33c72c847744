from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from reminder_app.models import Practice
from reminder_app.reminders.quiet_hours import allowed_time, is_quiet

NY = "America/New_York"


def practice(start=time(21), end=time(8)) -> Practice:
    return Practice(name="P", timezone=NY, quiet_start=start, quiet_end=end)


def ny(day, hour, minute=0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=practice().zone).astimezone(UTC)


def test_default_quiet_hours_are_21_to_8_local():
    p = practice()
    assert is_quiet(ny(10, 21), p) and is_quiet(ny(10, 7, 59), p) and is_quiet(ny(10, 2), p)
    assert not is_quiet(ny(10, 8), p) and not is_quiet(ny(10, 20, 59), p)


def test_time_outside_quiet_hours_is_kept():
    assert allowed_time(ny(10, 15), practice=practice(), before=ny(12, 9),
                        not_before=ny(9, 0)) == ny(10, 15)


def test_late_evening_reminder_moves_back_to_the_last_minute_before_quiet_hours():
    # due 22:00, appointment two days later: 20:59 is 1 hour away, 08:00 is 10 hours away
    assert allowed_time(ny(10, 22), practice=practice(), before=ny(12, 9),
                        not_before=ny(9, 0)) == ny(10, 20, 59)


def test_early_morning_reminder_moves_to_the_end_of_quiet_hours_when_that_is_before_the_visit():
    # 2 hours before a 9:30 visit is 7:30: 08:00 is nearer than 20:59 the evening before
    assert allowed_time(ny(10, 7, 30), practice=practice(), before=ny(10, 9, 30),
                        not_before=ny(9, 0)) == ny(10, 8)


def test_early_visit_reminder_moves_to_the_evening_before():
    # 2 hours before an 8:15 visit is 6:15; 08:00 is allowed (before 8:15) and nearer
    assert allowed_time(ny(10, 6, 15), practice=practice(), before=ny(10, 8, 15),
                        not_before=ny(9, 0)) == ny(10, 8)
    # before a 7:00 visit (inside quiet hours), only the evening before remains
    assert allowed_time(ny(10, 5), practice=practice(), before=ny(10, 7),
                        not_before=ny(9, 0)) == ny(9, 20, 59)


def test_no_allowed_time_before_the_visit_means_none():
    # booked at 22:00 for 7:00 next morning: the evening is past, the morning is too late
    assert allowed_time(ny(10, 5), practice=practice(), before=ny(10, 7),
                        not_before=ny(9, 22)) is None


def test_daytime_quiet_hours_and_no_quiet_hours():
    lunch = practice(time(12), time(13))
    assert is_quiet(ny(10, 12, 30), lunch) and not is_quiet(ny(10, 22), lunch)
    assert not is_quiet(ny(10, 3), practice(time(0), time(0)))


def test_quiet_hours_can_be_read_on_the_recipients_clock():
    p = practice(time(20), time(8))
    los_angeles = ZoneInfo("America/Los_Angeles")  # three hours behind New York
    assert not is_quiet(ny(10, 10, 30), p) and is_quiet(ny(10, 10, 30), p, los_angeles)
    assert allowed_time(ny(10, 10), practice=p, before=ny(10, 14), not_before=ny(10, 9),
                        zone=los_angeles) == ny(10, 11)  # 8:00 in Los Angeles
