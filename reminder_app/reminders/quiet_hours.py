"""Quiet hours: the practice's nightly window (21:00–08:00 local by default) in which no
reminder leaves.

A reminder due inside them moves to the nearest allowed minute that is still before the
appointment (and not in the past): the last minute before they began, or the minute they
end. If neither qualifies it is skipped, with that reason.
"""

from datetime import UTC, date, datetime, time, timedelta

from ..models import Practice

LAST_MINUTE = timedelta(minutes=1)


def _instant(day: date, wall: time, practice: Practice) -> datetime:
    """A local wall-clock time as UTC (a time inside a spring-forward gap lands after it)."""
    return datetime.combine(day, wall, tzinfo=practice.zone).astimezone(UTC)


def _quiet_time(wall: time, practice: Practice) -> bool:
    start, end = practice.quiet_start, practice.quiet_end
    if start == end:
        return False
    if start < end:
        return start <= wall < end
    return wall >= start or wall < end


def is_quiet(moment: datetime, practice: Practice) -> bool:
    """Is `moment` (aware) inside the practice's quiet hours?"""
    return _quiet_time(moment.astimezone(practice.zone).time(), practice)


def quiet_period(moment: datetime, practice: Practice) -> tuple[datetime, datetime]:
    """[begin, end) in UTC of the quiet period that contains `moment` (which must be quiet)."""
    local = moment.astimezone(practice.zone)
    day, wall = local.date(), local.time()
    start, end = practice.quiet_start, practice.quiet_end
    if start < end:
        return _instant(day, start, practice), _instant(day, end, practice)
    if wall >= start:
        return _instant(day, start, practice), _instant(day + timedelta(days=1), end, practice)
    return _instant(day - timedelta(days=1), start, practice), _instant(day, end, practice)


def allowed_time(send_at: datetime, *, practice: Practice, before: datetime,
                 not_before: datetime) -> datetime | None:
    """When a reminder planned for `send_at` may leave: `send_at` itself outside quiet hours,
    else the nearest allowed minute in [not_before, before); None if there is none."""
    if not is_quiet(send_at, practice):
        return send_at if not_before <= send_at < before else None
    begin, end = quiet_period(send_at, practice)
    candidates = [moment for moment in (begin - LAST_MINUTE, end)
                  if not_before <= moment < before and not is_quiet(moment, practice)]
    if not candidates:
        return None
    return min(candidates, key=lambda moment: (abs(moment - send_at), -moment.timestamp()))
