"""Who on the waitlist fits a freed slot, best first.

An entry fits a slot when its patient can come then: the slot is with one of the entry's
providers, on one of its days, starts no earlier than its earliest time and ends by its
latest (the practice's local time), falls on or after its first available date, and leaves
at least the notice the patient needs. On top of that, the patient must be one we may text
(consent given, not opted out), must not be the one who cancelled, must not have been
offered this slot already, must not hold another offer still open (a YES must never be
ambiguous), and must not have an appointment of their own at that time.

Best first: priority (high before normal before low), then who has waited longest.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    Appointment,
    FreedSlot,
    Offer,
    OfferStatus,
    Patient,
    Practice,
    WaitlistEntry,
)
from ..models.appointments import OPEN_STATUSES
from ..models.waitlist import waitlist_entry_provider

#: The longest appointment (appointments.service.MAX_DURATION): how far back an overlapping
#: appointment can start.
LONGEST = timedelta(hours=8)


def fits(entry: WaitlistEntry, slot: FreedSlot, practice: Practice, now: datetime) -> bool:
    """Can the entry's patient come at the slot's time (days, hours, from date, notice)?"""
    start = slot.starts_at.astimezone(practice.zone)
    end = (slot.starts_at + timedelta(minutes=slot.duration_minutes)).astimezone(practice.zone)
    return bool(
        entry.weekdays & (1 << start.weekday())
        and start.time() >= entry.earliest_time
        and end.date() == start.date() and end.time() <= entry.latest_time
        and (entry.available_from is None or start.date() >= entry.available_from)
        and slot.starts_at - now >= timedelta(minutes=entry.notice_minutes))


def _busy(patient_ids: list[int], slot: FreedSlot) -> set[int]:
    """Of these patients, those with an appointment of their own during the slot."""
    end = slot.starts_at + timedelta(minutes=slot.duration_minutes)
    rows = db.session.execute(
        select(Appointment.patient_id, Appointment.starts_at, Appointment.duration_minutes)
        .where(Appointment.patient_id.in_(patient_ids), Appointment.starts_at < end,
               Appointment.starts_at > slot.starts_at - LONGEST,
               Appointment.status.in_(OPEN_STATUSES)))
    return {patient_id for patient_id, starts_at, minutes in rows
            if starts_at + timedelta(minutes=minutes) > slot.starts_at}


def candidates(slot: FreedSlot, practice: Practice, now: datetime) -> list[WaitlistEntry]:
    """The entries to offer the slot to, best first (see the module doc)."""
    already_offered = exists().where(Offer.slot_id == slot.id,
                                     Offer.patient_id == WaitlistEntry.patient_id)
    holds_open_offer = exists().where(Offer.patient_id == WaitlistEntry.patient_id,
                                      Offer.status == OfferStatus.OPEN, Offer.expires_at > now)
    entries = list(db.session.scalars(
        select(WaitlistEntry)
        .join(waitlist_entry_provider, waitlist_entry_provider.c.entry_id == WaitlistEntry.id)
        .join(Patient, Patient.id == WaitlistEntry.patient_id)
        .where(WaitlistEntry.practice_id == practice.id, WaitlistEntry.removed_at.is_(None),
               waitlist_entry_provider.c.provider_id == slot.provider_id,
               Patient.sms_consent.is_(True),
               WaitlistEntry.patient_id != slot.appointment.patient_id,
               ~already_offered, ~holds_open_offer)
        .options(selectinload(WaitlistEntry.patient))
        .order_by(WaitlistEntry.priority, WaitlistEntry.created_at, WaitlistEntry.id)))
    entries = [entry for entry in entries if fits(entry, slot, practice, now)]
    busy = _busy([entry.patient_id for entry in entries], slot) if entries else set()
    return [entry for entry in entries if entry.patient_id not in busy]
