"""Local wall-clock times become UTC instants correctly on both sides of every DST change."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from reminder_app.timezones import NonexistentLocalTime, day_bounds, days_bounds, local, to_utc

NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")


@pytest.mark.parametrize(("zone", "day", "wall", "expected_utc"), [
    # New York: clocks spring forward 8 March 2026 at 02:00 (EST -5 → EDT -4)
    (NEW_YORK, date(2026, 3, 7), time(9, 0), datetime(2026, 3, 7, 14, 0, tzinfo=UTC)),
    (NEW_YORK, date(2026, 3, 8), time(9, 0), datetime(2026, 3, 8, 13, 0, tzinfo=UTC)),
    (NEW_YORK, date(2026, 3, 9), time(9, 0), datetime(2026, 3, 9, 13, 0, tzinfo=UTC)),
    # New York: clocks fall back 1 November 2026 at 02:00 (EDT -4 → EST -5)
    (NEW_YORK, date(2026, 10, 31), time(9, 0), datetime(2026, 10, 31, 13, 0, tzinfo=UTC)),
    (NEW_YORK, date(2026, 11, 1), time(9, 0), datetime(2026, 11, 1, 14, 0, tzinfo=UTC)),
    (NEW_YORK, date(2026, 11, 2), time(9, 0), datetime(2026, 11, 2, 14, 0, tzinfo=UTC)),
    # Sydney, south of the equator: DST ends 5 April 2026 at 03:00 (+11 → +10)
    (SYDNEY, date(2026, 4, 4), time(9, 0), datetime(2026, 4, 3, 22, 0, tzinfo=UTC)),
    (SYDNEY, date(2026, 4, 5), time(9, 0), datetime(2026, 4, 4, 23, 0, tzinfo=UTC)),
    (SYDNEY, date(2026, 4, 6), time(9, 0), datetime(2026, 4, 5, 23, 0, tzinfo=UTC)),
    # Sydney: DST starts 4 October 2026 at 02:00 (+10 → +11)
    (SYDNEY, date(2026, 10, 3), time(9, 0), datetime(2026, 10, 2, 23, 0, tzinfo=UTC)),
    (SYDNEY, date(2026, 10, 4), time(9, 0), datetime(2026, 10, 3, 22, 0, tzinfo=UTC)),
    (SYDNEY, date(2026, 10, 5), time(9, 0), datetime(2026, 10, 4, 22, 0, tzinfo=UTC)),
])
def test_nine_in_the_morning_is_the_right_instant_around_dst_changes(zone, day, wall,
                                                                    expected_utc):
    instant = to_utc(day, wall, zone)
    assert instant == expected_utc
    assert local(instant, zone).replace(tzinfo=None) == datetime.combine(day, wall)


@pytest.mark.parametrize(("zone", "day", "wall"), [
    (NEW_YORK, date(2026, 3, 8), time(2, 30)),
    (SYDNEY, date(2026, 10, 4), time(2, 30)),
])
def test_a_time_skipped_by_spring_forward_is_refused(zone, day, wall):
    with pytest.raises(NonexistentLocalTime, match="does not exist"):
        to_utc(day, wall, zone)


@pytest.mark.parametrize(("zone", "day", "wall", "first_occurrence"), [
    (NEW_YORK, date(2026, 11, 1), time(1, 30), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
    (SYDNEY, date(2026, 4, 5), time(2, 30), datetime(2026, 4, 4, 15, 30, tzinfo=UTC)),
])
def test_a_time_repeated_by_fall_back_means_its_first_occurrence(zone, day, wall,
                                                                first_occurrence):
    assert to_utc(day, wall, zone) == first_occurrence


@pytest.mark.parametrize(("zone", "day", "hours"), [
    (NEW_YORK, date(2026, 3, 8), 23), (NEW_YORK, date(2026, 11, 1), 25),
    (NEW_YORK, date(2026, 6, 1), 24),
    (SYDNEY, date(2026, 10, 4), 23), (SYDNEY, date(2026, 4, 5), 25),
    (SYDNEY, date(2026, 6, 1), 24),
])
def test_the_practice_day_lasts_23_or_25_hours_on_dst_days(zone, day, hours):
    start, end = day_bounds(day, zone)
    assert end - start == timedelta(hours=hours)
    assert local(start, zone).replace(tzinfo=None) == datetime.combine(day, time(0))


def test_a_week_spanning_a_dst_change_is_seven_local_days():
    start, end = days_bounds(date(2026, 3, 2), 7, NEW_YORK)
    assert end - start == timedelta(days=7, hours=-1)
