"""Putting patients on the waitlist, changing when they can come, taking them off.

A patient has at most one entry on the list at a time; it names every provider they would
see sooner. Each function checks, then changes, in the caller's transaction (a view's, or an
opt-out's for `remove_patients`); none commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Patient, Practice, Priority, Provider, WaitlistEntry
from ..models.types import utcnow
from ..models.waitlist import waitlist_entry_provider
from ..patients.service import active_entry
from ..validation import FieldError

MAX_NOTICE_MINUTES = 14 * 24 * 60
REMOVED_BY_STAFF = "Taken off the list by staff."


class WaitlistError(FieldError):
    """An entry that cannot be stored as asked; names the field at fault."""


@dataclass(frozen=True)
class Availability:
    """When a waitlisted patient can come, as staff entered it."""

    providers: list[Provider]
    weekdays: int
    earliest_time: time
    latest_time: time
    available_from: date | None = None
    notice_minutes: int = 120
    priority: Priority = Priority.NORMAL
    note: str = ""


def _check(practice: Practice, patient: Patient, availability: Availability) -> None:
    if patient is None or patient.practice_id != practice.id:
        raise WaitlistError("patient", "Please choose one of the practice's patients.")
    if not availability.providers:
        raise WaitlistError("providers", "Choose at least one provider.")
    for provider in availability.providers:
        if provider.practice_id != practice.id or not provider.active:
            raise WaitlistError("providers", "Choose among the practice's active providers.")
    if not availability.weekdays & 0b1111111:
        raise WaitlistError("weekdays", "Choose at least one day of the week.")
    if availability.earliest_time >= availability.latest_time:
        raise WaitlistError("latest_time", "The latest time must be after the earliest.")
    if not 0 <= availability.notice_minutes <= MAX_NOTICE_MINUTES:
        raise WaitlistError("notice_hours", "The notice must be between 0 and 14 days.")
    if len(availability.note) > 500:
        raise WaitlistError("note", "The note is too long (500 characters at most).")


def _apply(entry: WaitlistEntry, availability: Availability, now: datetime) -> None:
    entry.providers = list(availability.providers)
    entry.weekdays = availability.weekdays & 0b1111111
    entry.earliest_time = availability.earliest_time
    entry.latest_time = availability.latest_time
    entry.available_from = availability.available_from
    entry.notice_minutes = availability.notice_minutes
    entry.priority = int(availability.priority)
    entry.note = availability.note.strip()
    entry.updated_at = now


def add(practice: Practice, patient: Patient, availability: Availability,
        now: datetime | None = None) -> WaitlistEntry:
    now = now or utcnow()
    _check(practice, patient, availability)
    if not patient.sms_consent:
        raise WaitlistError("patient", f"{patient.full_name} has not agreed to text messages: "
                                       "offers are made by SMS.")
    if active_entry(patient) is not None:
        raise WaitlistError("patient", f"{patient.full_name} is already on the waitlist; "
                                       "change their entry instead.")
    entry = WaitlistEntry(practice_id=practice.id, patient=patient, created_at=now)
    _apply(entry, availability, now)
    db.session.add(entry)
    db.session.flush()  # the caller (a redirect, a JSON answer) needs its id
    return entry


def change(entry: WaitlistEntry, practice: Practice, availability: Availability,
           now: datetime | None = None) -> WaitlistEntry:
    now = now or utcnow()
    if not entry.is_active:
        raise WaitlistError("patient", "This patient is no longer on the waitlist.")
    _check(practice, entry.patient, availability)
    _apply(entry, availability, now)
    return entry


def remove(entry: WaitlistEntry, now: datetime | None = None) -> WaitlistEntry:
    entry.remove(REMOVED_BY_STAFF, now or utcnow())
    return entry


def remove_patients(patients: list[Patient], reason: str, now: datetime) -> None:
    """Take these patients off the list (in the caller's transaction)."""
    patient_ids = [patient.id for patient in patients]
    if not patient_ids:
        return
    for entry in db.session.scalars(select(WaitlistEntry).where(
            WaitlistEntry.patient_id.in_(patient_ids), WaitlistEntry.removed_at.is_(None))):
        entry.remove(reason, now)


def entries(practice: Practice, provider: Provider | None = None) -> list[WaitlistEntry]:
    """The practice's list (one provider's, if given), in the order offers go out."""
    query = (select(WaitlistEntry)
             .where(WaitlistEntry.practice_id == practice.id,
                    WaitlistEntry.removed_at.is_(None))
             .options(selectinload(WaitlistEntry.patient), selectinload(WaitlistEntry.providers))
             .order_by(WaitlistEntry.priority, WaitlistEntry.created_at, WaitlistEntry.id))
    if provider is not None:
        query = query.where(WaitlistEntry.id.in_(
            select(waitlist_entry_provider.c.entry_id)
            .where(waitlist_entry_provider.c.provider_id == provider.id)))
    return list(db.session.scalars(query))
