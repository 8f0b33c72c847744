"""Quiet hours: the nightly window in which no reminder leaves, on the recipient's clock
(20:00–08:00 by default: texts go out from 08:00 to 20:00, as Florida's and Oklahoma's
rules and common carrier practice expect). The window is the practice's setting; the clock
is the patient's time zone (`Patient.timezone`), else the zone of the site the appointment
is at (`Location.timezone`), else the practice's.

A reminder due inside them moves to the nearest allowed minute that is still before the
appointment (and not in the past): the last minute before they began, or the minute they
end. If neither qualifies it is skipped, with that reason.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..models import Appointment, Patient, Practice

LAST_MINUTE = timedelta(minutes=1)


def recipient_zone(practice: Practice, patient: Patient | None,
                   appointment: Appointment | None = None) -> ZoneInfo:
    """The clock quiet hours are read on: the patient's zone, else that of the site of the
    appointment the text is about, else the practice's."""
    fallback = appointment.zone(practice.zone) if appointment is not None else practice.zone
    return patient.zone(fallback) if patient is not None else fallback


def _instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """A local wall-clock time as UTC (a time inside a spring-forward gap lands after it)."""
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def _quiet_time(wall: time, practice: Practice) -> bool:
    start, end = practice.quiet_start, practice.quiet_end
    if start == end:
        return False
    if start < end:
        return start <= wall < end
    return wall >= start or wall < end


def is_quiet(moment: datetime, practice: Practice, zone: ZoneInfo | None = None) -> bool:
    """Is `moment` (aware) inside the practice's quiet hours, on the clock of `zone` (the
    practice's if None)?"""
    return _quiet_time(moment.astimezone(zone or practice.zone).time(), practice)


def quiet_period(moment: datetime, practice: Practice, zone: ZoneInfo | None = None
                 ) -> tuple[datetime, datetime]:
    """[begin, end) in UTC of the quiet period that contains `moment` (which must be quiet)."""
    zone = zone or practice.zone
    local = moment.astimezone(zone)
    day, wall = local.date(), local.time()
    start, end = practice.quiet_start, practice.quiet_end
    if start < end:
        return _instant(day, start, zone), _instant(day, end, zone)
    if wall >= start:
        return _instant(day, start, zone), _instant(day + timedelta(days=1), end, zone)
    return _instant(day - timedelta(days=1), start, zone), _instant(day, end, zone)


def allowed_time(send_at: datetime, *, practice: Practice, before: datetime,
                 not_before: datetime, zone: ZoneInfo | None = None) -> datetime | None:
    """When a reminder planned for `send_at` may leave: `send_at` itself outside quiet hours,
    else the nearest allowed minute in [not_before, before); None if there is none. Quiet
    hours are read on the clock of `zone` (the recipient's; the practice's if None)."""
    if not is_quiet(send_at, practice, zone):
        return send_at if not_before <= send_at < before else None
    begin, end = quiet_period(send_at, practice, zone)
    candidates = [moment for moment in (begin - LAST_MINUTE, end)
                  if not_before <= moment < before and not is_quiet(moment, practice, zone)]
    if not candidates:
        return None
    return min(candidates, key=lambda moment: (abs(moment - send_at), -moment.timestamp()))
