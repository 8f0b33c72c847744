"""Filling a cancelled slot from the waitlist, by SMS, in waves.

1. **Freed.** `slot_freed` runs inside the cancellation's transaction. A slot far enough
   ahead (the practice's notice, 2 hours by default) is offered at once; a nearer one is
   recorded as not offered, so the day view and the dashboard still count it.
2. **Waves.** `run_wave` texts the best few who fit (`matching.candidates`, 3 by default),
   each offer open for the hold (15 minutes). When the hold ends, the `advance` job expires
   what went unanswered and sends the next wave, until someone takes the slot, staff stop
   offering it, or it comes closer than the notice. While no one (else) fits, it looks again
   every hold: someone may join the list. No wave leaves in quiet hours: it waits for their
   end.
3. **Answers.** `answer` settles a patient's YES or NO. The first YES on an open offer wins:
   the slot is booked for that patient (with reminders, like any booking) and everyone
   else's offer is closed as taken. A later YES hears that it was taken, or that the offer
   had expired.

**Exactly one winner.** Every change to a slot or its offers starts by bumping the slot's
`version` (`_lock`): on PostgreSQL that write locks the slot's row until commit, on SQLite it
takes the database's write lock. Concurrent answers, a wave and staff's "stop offering" so
queue up on the slot, and each re-reads the slot and the offer after its turn comes, so the
second YES sees the slot filled. Always the slot first, then its offers: one lock order,
no deadlock.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import exists, select, update

from .. import transactions
from ..appointments import signals
from ..appointments.service import AppointmentError, book
from ..extensions import db
from ..models import (
    Actor,
    Appointment,
    Direction,
    FreedSlot,
    Message,
    MessageKind,
    Offer,
    OfferStatus,
    Patient,
    Practice,
    SlotStatus,
)
from ..models.events import WAITLIST, Event, EventKind
from ..models.messages import ABOUT_A_VISIT, LEFT_STATUSES
from ..models.types import utcnow
from ..outbox import OutboxError, cancel_queued, enqueue
from ..reminders.quiet_hours import is_quiet, quiet_period
from .matching import LONGEST, candidates
from .service import remove_patients
from .texts import OfferText, render

log = logging.getLogger(__name__)

#: An offer left unanswered this long is no longer what a patient's reply is about.
ANSWER_WINDOW = timedelta(hours=24)
#: What a reply can mean for an offer.
ACCEPT, DECLINE = True, False

NOT_OFFERING = "The practice does not offer cancelled slots to its waitlist."
TOO_CLOSE = "It was less than {notice} away when it was cancelled."
COME_CLOSE = "Less than {notice} away now: no more offers."
NO_ONE = "No one on the waitlist fits this time yet."
NO_ONE_ELSE = "Everyone on the waitlist who fits has been offered it."
STOPPED = "Stopped by staff."
BOOKED_BY_STAFF = "Someone else was booked at that time."
BOOKED_FROM_LIST = "Booked from the waitlist."
REASON = "From the waitlist"


def _notice(practice: Practice) -> timedelta:
    return timedelta(minutes=practice.offer_notice_minutes)


def _hours(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes % 60:
        return f"{minutes} minutes"
    return "1 hour" if minutes == 60 else f"{minutes // 60} hours"


def _practice(slot: FreedSlot) -> Practice:
    return db.session.get(Practice, slot.practice_id)


def _lock(slot_id: int, *extra) -> bool:
    """Take the slot's turn (see the module doc); False if `extra` conditions do not hold."""
    taken = db.session.execute(
        update(FreedSlot).where(FreedSlot.id == slot_id, *extra)
        .values(version=FreedSlot.version + 1)
        .execution_options(synchronize_session=False)).rowcount == 1
    if taken:  # what we read before our turn may be stale: read it again
        db.session.expire_all()
    return taken


# ---------------------------------------------------------------- freed, and waves

def init_app(app) -> None:
    """The waitlist reacts to appointments (appointments/signals.py), in their transaction:
    a cancelled time is offered, a time someone was booked or moved into stops being
    offered. Connecting again (another app) changes nothing."""
    signals.appointment_cancelled.connect(slot_freed)
    signals.appointment_booked.connect(time_taken)
    signals.appointment_moved.connect(time_taken)


def slot_freed(appointment: Appointment, now: datetime) -> FreedSlot | None:
    """The appointment was just cancelled: record the time it frees, and offer it (in the
    caller's transaction). None for an appointment that has already started."""
    if appointment.starts_at <= now:
        return None
    practice = db.session.get(Practice, appointment.practice_id)
    slot = FreedSlot(practice_id=practice.id, provider_id=appointment.provider_id,
                     appointment=appointment, starts_at=appointment.starts_at,
                     duration_minutes=appointment.duration_minutes, status=SlotStatus.OFFERING,
                     next_wave_at=now, created_at=now)
    db.session.add(slot)
    if not practice.offer_slots:
        slot.close(SlotStatus.NOT_OFFERED, NOT_OFFERING, now)
    elif appointment.starts_at - now < _notice(practice):
        slot.close(SlotStatus.NOT_OFFERED, TOO_CLOSE.format(notice=_hours(_notice(practice))),
                   now)
    db.session.flush()
    if slot.status is SlotStatus.OFFERING:
        run_wave(slot, practice, now)
    return slot


def _close_offers(slot: FreedSlot, status: OfferStatus, now: datetime) -> None:
    """Close the slot's open offers; their texts that have not left yet never will."""
    closing = [offer for offer in slot.offers if offer.status is OfferStatus.OPEN]
    for offer in closing:
        offer.status = status
    message_ids = [offer.message_id for offer in closing if offer.message_id]
    if message_ids:
        cancel_queued(slot.practice_id, "The slot is no longer offered.", now, ids=message_ids)


def _expire(slot: FreedSlot, now: datetime) -> list[Offer]:
    """Offers whose hold is over are expired; returns those still open."""
    still_open = []
    for offer in slot.offers:
        if offer.status is OfferStatus.OPEN and offer.expires_at <= now:
            offer.status = OfferStatus.EXPIRED
        elif offer.status is OfferStatus.OPEN:
            still_open.append(offer)
    return still_open


def _expire_held_elsewhere(patient_ids: list[int], now: datetime) -> None:
    """Expire these patients' offers of other slots whose hold is over but whose slot's next
    wave has not come yet: a patient holds one open offer (`uq_offer_open_patient_id`), and
    such an offer is expired for a YES already (`answer`)."""
    db.session.execute(
        update(Offer).where(Offer.patient_id.in_(patient_ids), Offer.status == OfferStatus.OPEN,
                            Offer.expires_at <= now)
        .values(status=OfferStatus.EXPIRED))


def run_wave(slot: FreedSlot, practice: Practice, now: datetime) -> list[Offer]:
    """Expire what is over, then text the next few who fit, or close the slot if no one is
    left and no offer is open. Returns the offers made. The caller holds the slot's turn."""
    still_open = _expire(slot, now)
    if slot.starts_at - now < _notice(practice):
        _close_offers(slot, OfferStatus.CLOSED, now)
        slot.close(SlotStatus.UNFILLED, COME_CLOSE.format(notice=_hours(_notice(practice))),
                   now)
        return []
    if is_quiet(now, practice):
        slot.next_wave_at = quiet_period(now, practice)[1]
        return []
    hold = timedelta(minutes=max(1, practice.offer_hold_minutes))
    picks = candidates(slot, practice, now)[:max(1, practice.offer_wave_size)]
    if not picks:  # look again later: someone may join the list, or finish another offer
        slot.reason = NO_ONE_ELSE if slot.waves else NO_ONE
        slot.next_wave_at = max([offer.expires_at for offer in still_open] or [now + hold])
        return []
    slot.waves, slot.reason = slot.waves + 1, ""
    expires_at = now + hold
    _expire_held_elsewhere([entry.patient_id for entry in picks], now)
    made = []
    for entry in picks:
        patient = entry.patient
        try:
            message = enqueue(
                practice, to=patient.mobile, kind=MessageKind.OFFER, patient=patient,
                body=render(OfferText.OFFER, practice, patient.language.value, slot,
                            until=expires_at),
                dedupe_key=f"offer:{slot.id}:{patient.id}", now=now, expires_at=expires_at)
        except OutboxError as error:
            slot.close(SlotStatus.UNFILLED, str(error), now)
            return made
        offer = Offer(practice_id=practice.id, slot=slot, patient=patient, entry=entry,
                      message_id=message.id, wave=slot.waves, offered_at=now,
                      expires_at=expires_at)
        db.session.add(offer)
        made.append(offer)
    slot.next_wave_at = expires_at
    db.session.flush()
    return made


def advance(now: datetime | None = None, *, limit: int = 50) -> int:
    """The scheduled job: run the next wave of every slot whose hold is over. Each slot in
    its own transaction; a slot another process is advancing is skipped. Returns how many
    slots were advanced."""
    now = now or utcnow()
    due = list(db.session.scalars(
        select(FreedSlot.id).where(FreedSlot.status == SlotStatus.OFFERING,
                                   FreedSlot.next_wave_at <= now)
        .order_by(FreedSlot.next_wave_at).limit(limit)))
    transactions.rollback()  # end the read: each slot is its own unit of work
    advanced = 0
    for slot_id in due:
        if _lock(slot_id, FreedSlot.status == SlotStatus.OFFERING,
                 FreedSlot.next_wave_at <= now):
            slot = db.session.get(FreedSlot, slot_id)
            run_wave(slot, _practice(slot), now)
            advanced += 1
        transactions.commit()
    return advanced


def time_taken(appointment: Appointment, now: datetime) -> int:
    """Someone was just booked (or moved) into a time that is being offered: offering it
    stops, so no waitlisted patient is booked on top of them (in the caller's transaction).
    Returns how many slots stopped."""
    ends_at = appointment.starts_at + timedelta(minutes=appointment.duration_minutes)
    offered = [slot_id for slot_id, starts_at, minutes in db.session.execute(
        select(FreedSlot.id, FreedSlot.starts_at, FreedSlot.duration_minutes)
        .where(FreedSlot.provider_id == appointment.provider_id,
               FreedSlot.status == SlotStatus.OFFERING, FreedSlot.starts_at < ends_at,
               FreedSlot.starts_at > appointment.starts_at - LONGEST))
        if starts_at + timedelta(minutes=minutes) > appointment.starts_at]
    for slot_id in offered:
        if _lock(slot_id, FreedSlot.status == SlotStatus.OFFERING):
            slot = db.session.get(FreedSlot, slot_id)
            _close_offers(slot, OfferStatus.CLOSED, now)
            slot.close(SlotStatus.STOPPED, BOOKED_BY_STAFF, now)
    return len(offered)


def stop_offering(slot: FreedSlot, now: datetime | None = None) -> FreedSlot:
    """Staff no longer want the slot offered (they filled it by phone, say)."""
    now = now or utcnow()
    if not _lock(slot.id, FreedSlot.status == SlotStatus.OFFERING):
        return slot  # already settled: nothing to stop
    _close_offers(slot, OfferStatus.CLOSED, now)
    slot.close(SlotStatus.STOPPED, STOPPED, now)
    return slot


# ---------------------------------------------------------------- replies

def _unanswered(now: datetime) -> tuple:
    """An offer that left, within the last day, and is not answered (joined to its text)."""
    return (Offer.answered_at.is_(None), Offer.offered_at > now - ANSWER_WINDOW,
            Message.status.in_(LEFT_STATUSES))


def may_have_open_offer(patient_id, now: datetime):
    """SQL: the patient has an offer `open_offer_for` would look at (its first test, as a
    condition to put in the caller's query: a reply from a patient without one need not
    ask)."""
    return exists().where(Offer.patient_id == patient_id, Message.id == Offer.message_id,
                          *_unanswered(now))


#: Texts that, sent after an offer, make a reply about them instead: whatever the patient
#: last read about a visit of theirs (a reminder, a booked, changed or cancelled notice, a
#: no-show follow-up, a "running late" text, a recall), so an "OK" to the newest text never
#: takes a slot. Not the automatic answers to their own texts (HELP leaves the offer open)
#: nor staff's words in the thread.
LATER_TEXTS = tuple(kind for kind in ABOUT_A_VISIT if kind is not MessageKind.OFFER)


def open_offer_for(practice: Practice, patients: list[Patient], now: datetime) -> Offer | None:
    """The offer a reply from these patients is about: the newest offer to them that left,
    within the last day, not yet answered, and with none of the `LATER_TEXTS` sent to them
    after it (a reply after a reminder or a notice is about that)."""
    if not patients:
        return None
    offer = db.session.scalar(
        select(Offer).join(Message, Message.id == Offer.message_id)
        .where(Offer.practice_id == practice.id,
               Offer.patient_id.in_([patient.id for patient in patients]), *_unanswered(now))
        .order_by(Offer.offered_at.desc(), Offer.id.desc()).limit(1))
    if offer is None:
        return None
    reminded_since = db.session.scalar(
        select(Message.id).where(Message.practice_id == practice.id,
                                 Message.patient_id == offer.patient_id,
                                 Message.direction == Direction.OUTBOUND,
                                 Message.kind.in_(LATER_TEXTS),
                                 Message.status.in_(LEFT_STATUSES),
                                 Message.sent_at > offer.offered_at).limit(1))
    return None if reminded_since else offer


#: What a YES is told once its offer is no longer open.
AFTER_THE_FACT = {OfferStatus.ACCEPTED: OfferText.BOOKED, OfferStatus.DECLINED: OfferText.DECLINED,
                  OfferStatus.TAKEN: OfferText.TAKEN, OfferStatus.EXPIRED: OfferText.EXPIRED,
                  OfferStatus.WITHDRAWN: OfferText.CLOSED, OfferStatus.CLOSED: OfferText.CLOSED}


def answer(offer: Offer, accepted: bool, now: datetime, *, actor: Actor) -> OfferText:
    """Settle a patient's YES (`ACCEPT`) or NO (`DECLINE`) to an offer, in the caller's
    transaction; returns what to tell them. `actor` is who answered (the patient)."""
    _lock(offer.slot_id)
    slot = offer.slot
    offer.answered_at = now
    if offer.status is OfferStatus.OPEN and offer.expires_at <= now:
        offer.status = OfferStatus.EXPIRED
    if not accepted:
        if offer.status is OfferStatus.OPEN:
            offer.status = OfferStatus.DECLINED
            if slot.status is SlotStatus.OFFERING and not _expire(slot, now):
                slot.next_wave_at = now  # everyone in this wave has said no: next wave now
        return OfferText.DECLINED
    if offer.status is not OfferStatus.OPEN:
        return AFTER_THE_FACT[offer.status]
    if slot.status is not SlotStatus.OFFERING or slot.starts_at <= now:
        offer.status = OfferStatus.CLOSED
        return OfferText.CLOSED
    return _book(offer, slot, now, actor)


def _book(offer: Offer, slot: FreedSlot, now: datetime, actor: Actor) -> OfferText:
    """The winner: the slot becomes their appointment, booked by the waitlist and confirmed
    by the patient's YES (`actor`), with reminders planned like any other."""
    practice = _practice(slot)
    try:
        with db.session.begin_nested():
            slot.close(SlotStatus.FILLED, "", now)  # before booking: see `time_taken`
            appointment = book(
                practice, patient=offer.patient, provider=slot.provider,
                starts_at=slot.starts_at, duration_minutes=slot.duration_minutes,
                reason=REASON, actor=WAITLIST, now=now)
            appointment.confirm()
            Event.record_change(appointment, EventKind.CONFIRMED, actor, now)
            db.session.flush()
    except AppointmentError as error:  # the provider stopped taking appointments, say
        log.warning("slot %s could not be booked: %s", slot.id, error.message)
        offer.status = OfferStatus.CLOSED
        _close_offers(slot, OfferStatus.CLOSED, now)
        slot.close(SlotStatus.UNFILLED, error.message, now)
        return OfferText.CLOSED
    offer.status = OfferStatus.ACCEPTED
    _close_offers(slot, OfferStatus.TAKEN, now)
    slot.filled_appointment_id = appointment.id
    offer.entry.remove(BOOKED_FROM_LIST, now)
    return OfferText.BOOKED


def withdraw(patients: list[Patient], reason: str, now: datetime) -> int:
    """These patients opted out: their open offers are withdrawn (a wave whose offers are
    all settled moves on at once) and they leave the waitlist. Returns offers withdrawn."""
    patient_ids = [patient.id for patient in patients]
    slot_ids = list(db.session.scalars(
        select(Offer.slot_id).where(Offer.patient_id.in_(patient_ids),
                                    Offer.status == OfferStatus.OPEN)
        .order_by(Offer.slot_id))) if patient_ids else []
    withdrawn = 0
    for slot_id in slot_ids:
        _lock(slot_id)
        slot = db.session.get(FreedSlot, slot_id)
        for offer in slot.offers:
            if offer.patient_id in patient_ids and offer.status is OfferStatus.OPEN:
                offer.status = OfferStatus.WITHDRAWN
                withdrawn += 1
        if slot.status is SlotStatus.OFFERING and not _expire(slot, now):
            slot.next_wave_at = now
    remove_patients(patients, reason, now)
    return withdrawn
