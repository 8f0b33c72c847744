"""The practice's appointment types and sites: added and changed from the settings pages.

A name is needed and not already used in the practice (whatever its case); a type's default
length is one an appointment may have; a site's time zone is a real one, or none (the
practice's). Nothing is ever deleted: a type or site no longer used is retired (`active`),
and the appointments that had it keep it. Like every service it never commits.
"""

from datetime import datetime
from zoneinfo import available_timezones

from sqlalchemy import select

from ..extensions import db
from ..models import Appointment, AppointmentType, Location, Practice
from ..models.appointments import OPEN_STATUSES
from ..models.types import utcnow
from ..reminders import planning
from ..validation import FieldError
from .service import MAX_DURATION, MIN_DURATION

__all__ = ["add_location", "add_type", "change_location", "change_type", "locations_of",
           "types_of"]

MAX_PREP_NOTE = 300


def types_of(practice: Practice, *, active_only: bool = False) -> list[AppointmentType]:
    query = select(AppointmentType).where(AppointmentType.practice_id == practice.id)
    if active_only:
        query = query.where(AppointmentType.active.is_(True))
    return list(db.session.scalars(query.order_by(AppointmentType.name, AppointmentType.id)))


def locations_of(practice: Practice, *, active_only: bool = False) -> list[Location]:
    query = select(Location).where(Location.practice_id == practice.id)
    if active_only:
        query = query.where(Location.active.is_(True))
    return list(db.session.scalars(query.order_by(Location.name, Location.id)))


def _name(name: str | None, taken: list, record, what: str, longest: int) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise FieldError("name", f"Please give the {what}'s name.")
    if len(name) > longest:
        raise FieldError("name", f"The name is too long ({longest} characters at most).")
    if any(other.name.casefold() == name.casefold() and other is not record
           for other in taken):
        raise FieldError("name", f"Another {what} already has that name.")
    return name


def _duration(minutes: int | None) -> int:
    if not isinstance(minutes, int) or not MIN_DURATION <= minutes <= MAX_DURATION:
        raise FieldError("default_duration_minutes",
                         f"The length must be between {MIN_DURATION} minutes and "
                         f"{MAX_DURATION // 60} hours.")
    return minutes


def _note(text: str | None, field: str) -> str:
    text = " ".join((text or "").split())
    if len(text) > MAX_PREP_NOTE:
        raise FieldError(field, f"The note is too long ({MAX_PREP_NOTE} characters at most).")
    if "{" in text or "}" in text:
        raise FieldError(field, "The note cannot contain braces.")
    return text


def _fill_type(record: AppointmentType, practice: Practice, *, name: str,
               default_duration_minutes: int, prep_note: str, prep_note_es: str) -> None:
    record.name = _name(name, types_of(practice), record, "appointment type", 80)
    record.default_duration_minutes = _duration(default_duration_minutes)
    record.prep_note = _note(prep_note, "prep_note")
    record.prep_note_es = _note(prep_note_es, "prep_note_es")


def add_type(practice: Practice, *, name: str, default_duration_minutes: int,
             prep_note: str = "", prep_note_es: str = "") -> AppointmentType:
    """A new kind of visit, offered when booking from now on."""
    record = AppointmentType(practice_id=practice.id, active=True)
    _fill_type(record, practice, name=name, default_duration_minutes=default_duration_minutes,
               prep_note=prep_note, prep_note_es=prep_note_es)
    db.session.add(record)
    db.session.flush()
    return record


def change_type(record: AppointmentType, practice: Practice, *, name: str,
                default_duration_minutes: int, prep_note: str = "", prep_note_es: str = "",
                active: bool = True) -> AppointmentType:
    """New details. Appointments already booked keep their length; their reminders not yet
    sent carry the new note."""
    _fill_type(record, practice, name=name, default_duration_minutes=default_duration_minutes,
               prep_note=prep_note, prep_note_es=prep_note_es)
    record.active = active
    return record


def _zone(timezone: str | None) -> str | None:
    timezone = (timezone or "").strip()
    if not timezone:
        return None
    if timezone not in available_timezones():
        raise FieldError("timezone", "Please choose a time zone from the list.")
    return timezone


def _fill_location(record: Location, practice: Practice, *, name: str, address: str,
                   phone: str, timezone: str | None) -> None:
    record.name = _name(name, locations_of(practice), record, "site", 120)
    address = " ".join((address or "").split())
    if len(address) > 300:
        raise FieldError("address", "The address is too long (300 characters at most).")
    record.address = address
    record.phone = phone or ""
    zone = _zone(timezone)
    # The practice's own zone is not "a zone of its own": the site follows the practice's.
    record.timezone = None if zone == practice.timezone else zone


def add_location(practice: Practice, *, name: str, address: str = "", phone: str = "",
                 timezone: str | None = None) -> Location:
    """A new site appointments can be booked at."""
    record = Location(practice_id=practice.id, active=True)
    _fill_location(record, practice, name=name, address=address, phone=phone,
                   timezone=timezone)
    db.session.add(record)
    db.session.flush()
    return record


def change_location(record: Location, practice: Practice, *, name: str, address: str = "",
                    phone: str = "", timezone: str | None = None, active: bool = True,
                    now: datetime | None = None) -> Location:
    """New details. Appointments already booked keep their instant; with a new time zone,
    the reminders of those still ahead are timed again on the site's new clock."""
    before = record.timezone
    _fill_location(record, practice, name=name, address=address, phone=phone,
                   timezone=timezone)
    record.active = active
    if record.timezone != before:
        now = now or utcnow()
        db.session.flush()
        for appointment in db.session.scalars(select(Appointment).where(
                Appointment.location_id == record.id, Appointment.starts_at > now,
                Appointment.status.in_(OPEN_STATUSES))):
            planning.replan(appointment, now)
    return record
