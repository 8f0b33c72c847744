"""What a text to a patient must satisfy at the moment it leaves: the appointment still
open, not started and not waiting for another time, the patient's consent, quiet hours on
the patient's clock, and for a reminder the cap on reminders a patient gets (a day and a
week, the practice's setting; answers to the patient's own texts are not counted).

These checks are registered with the outbox for reminders and waitlist offers
(`init_app`), so the dispatcher applies them as each text leaves, and planning asks the
same `outbox.policy.verdict` when a due reminder is about to become a text: one decision,
one set of reasons, at both stages.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import and_, or_, select

from ..extensions import db
from ..models import AppointmentStatus, Direction, Message, MessageKind, MessageStatus, Patient
from ..models.appointments import OPEN_STATUSES
from ..outbox.policy import Outgoing, Verdict, register_check
from ..timezones import start_of_day
from .quiet_hours import allowed_time, is_quiet, quiet_period, recipient_zone

NO_CONSENT = "The patient has not agreed to receive text messages."
OPTED_OUT = "The patient replied STOP: no more texts."
QUIET = "Quiet hours: no allowed time to send it before the appointment."
STARTED = "The appointment had already started."
QUIET_WAIT = "Due in quiet hours: moved to when they end."
QUIET_OFFER = "Quiet hours: an offer is not sent at night."
RESCHEDULE_HELD = "Held: the patient asked for another time (R); staff will call them."
CAP_DAY = "Not sent: the patient already got {count} reminder(s) today (the practice's cap)."
CAP_WEEK = ("Not sent: the patient already got {count} reminders in the last 7 days (the "
            "practice's cap).")

#: A reminder counts against the cap once it has left, or while it waits in the outbox ahead
#: of the one being decided (queued earlier: the one with the lower id goes first).
_ON_ITS_WAY = (MessageStatus.QUEUED, MessageStatus.SENDING)
_LEFT = (MessageStatus.SENT, MessageStatus.DELIVERED)


def consent_problem(patient: Patient) -> str | None:
    """Why the patient must not get reminders, or None."""
    if patient.opted_out_at is not None and not patient.sms_consent:
        return OPTED_OUT
    if not patient.sms_consent:
        return NO_CONSENT
    return None


def _consent(outgoing: Outgoing) -> Verdict | None:
    problem = consent_problem(outgoing.patient) if outgoing.patient is not None else None
    return Verdict.cancel(problem) if problem else None


@dataclass(frozen=True, slots=True)
class Counted:
    """A reminder of the patient's that may count against the cap (`over_cap` decides)."""

    practice_id: int
    id: int
    status: MessageStatus
    sent_at: datetime | None


class CapReading:
    """The reminders that may count against the cap of each patient of a batch of texts,
    read in one query (`read_caps`): `over_cap` then decides from it as from its own reading
    of one patient. A batch that queues a text tells it (`queued`), so that the batch's own
    texts count against the ones it plans after them."""

    def __init__(self, rows: dict[int, list[Counted]]) -> None:
        self.rows = rows

    def of(self, patient_id: int) -> list[Counted] | None:
        """The patient's reminders, or None if the batch did not read this patient."""
        return self.rows.get(patient_id)

    def queued(self, patient_id: int, practice_id: int) -> None:
        """The batch is queueing a reminder to the patient (its text has no id yet): it
        counts against every one the batch plans after it, as one on its way."""
        rows = self.rows.get(patient_id)
        if rows is not None:
            rows.append(Counted(practice_id, 0, MessageStatus.QUEUED, None))


def read_caps(outgoings: Sequence[Outgoing], now: datetime) -> CapReading:
    """One query for the cap of every patient of a batch (the outbox's `BatchRead`)."""
    return caps_of({o.patient.id for o in outgoings if o.patient is not None and o.patient.id},
                   now)


def caps_of(patient_ids: Collection[int], now: datetime) -> CapReading:
    """What counts against the cap of each of these patients, in one query."""
    rows: dict[int, list[Counted]] = {patient_id: [] for patient_id in patient_ids}
    for row in _counted(patient_ids, now):
        rows[row.patient_id].append(Counted(row.practice_id, row.id, row.status, row.sent_at))
    return CapReading(rows)


def _counted(patient_ids: Collection[int], now: datetime) -> Iterable:
    """The patients' reminders that have left in the last 8 days (a week on any clock) or
    are on their way; `over_cap` picks those that count."""
    if not patient_ids:
        return []
    return db.session.execute(select(
        Message.patient_id, Message.practice_id, Message.id, Message.status, Message.sent_at
    ).where(Message.patient_id.in_(patient_ids), Message.kind == MessageKind.REMINDER,
            Message.direction == Direction.OUTBOUND,
            or_(and_(Message.status.in_(_LEFT), Message.sent_at >= now - timedelta(days=8)),
                Message.status.in_(_ON_ITS_WAY))))


def over_cap(outgoing: Outgoing, now: datetime) -> str | None:
    """Why one more reminder to this patient at `now` would pass the practice's cap, or
    None. Days are the patient's calendar days; a week is today and the six days before.
    What counts: the patient's reminders that left this week, and those on their way ahead
    of this one (all of them while it is being planned), from the batch's reading
    (`read_caps`) or read here for this patient alone."""
    patient, practice = outgoing.patient, outgoing.practice
    if patient is None or patient.id is None:
        return None
    zone = recipient_zone(practice, patient)
    today = now.astimezone(zone).date()
    day_start = start_of_day(today, zone)
    week_start = start_of_day(today - timedelta(days=6), zone)
    reading = outgoing.batch.of(patient.id) if isinstance(outgoing.batch, CapReading) else None
    if reading is None:
        reading = read_caps([outgoing], now).of(patient.id)
    first_after = outgoing.message_id
    moments = [
        row.sent_at or now  # one on its way leaves about now
        for row in reading if row.practice_id == practice.id and (
            (row.status in _LEFT and row.sent_at is not None and row.sent_at >= week_start)
            or (row.status in _ON_ITS_WAY and (first_after is None or row.id < first_after)))]
    week = len(moments)
    day = sum(1 for moment in moments if moment >= day_start)
    if day >= practice.reminders_per_day:
        return CAP_DAY.format(count=day)
    if week >= practice.reminders_per_week:
        return CAP_WEEK.format(count=week)
    return None


def check_reminder(outgoing: Outgoing, now: datetime) -> Verdict | None:
    """A reminder leaves only for an open appointment still ahead (not one the patient asked
    to move), to a patient who agreed, within the practice's cap, outside quiet hours on the
    patient's clock (inside them it waits for the nearest allowed minute, if any)."""
    appointment, practice = outgoing.appointment, outgoing.practice
    if appointment is not None:
        if appointment.status not in OPEN_STATUSES:
            return Verdict.cancel(f"The appointment is {appointment.status.label.lower()}.")
        if appointment.starts_at <= now:
            return Verdict.cancel(STARTED)
        if appointment.status is AppointmentStatus.RESCHEDULE_REQUESTED:
            return Verdict.cancel(RESCHEDULE_HELD)
    if found := _consent(outgoing):
        return found
    zone = recipient_zone(practice, outgoing.patient, appointment)
    if appointment is not None and is_quiet(now, practice, zone):
        at = allowed_time(now, practice=practice, before=appointment.starts_at,
                          not_before=now, zone=zone)
        return Verdict.cancel(QUIET) if at is None else Verdict.wait(at, QUIET_WAIT)
    if capped := over_cap(outgoing, now):
        return Verdict.cancel(capped)
    return None


def check_offer(outgoing: Outgoing, now: datetime) -> Verdict | None:
    """An offer cannot wait for the morning: inside quiet hours (on the patient's clock) it
    is cancelled."""
    if found := _consent(outgoing):
        return found
    zone = recipient_zone(outgoing.practice, outgoing.patient)
    return Verdict.cancel(QUIET_OFFER) if is_quiet(now, outgoing.practice, zone) else None


def check_notice(outgoing: Outgoing, now: datetime) -> Verdict | None:
    """A journey notice (booked, changed, cancelled, no-show follow-up) leaves to a patient
    who agreed, outside quiet hours on the patient's clock (inside them it waits for their
    end). It is not held to the reminders' cap, and whether it still holds (the appointment
    not moved again, still a no-show) is planning's question (`reminders.journey`)."""
    if found := _consent(outgoing):
        return found
    zone = recipient_zone(outgoing.practice, outgoing.patient)
    if is_quiet(now, outgoing.practice, zone):
        return Verdict.wait(quiet_period(now, outgoing.practice, zone)[1], QUIET_WAIT)
    return None


CHECKS = {MessageKind.REMINDER: check_reminder, MessageKind.OFFER: check_offer,
          MessageKind.NOTICE: check_notice}
#: Kinds of text that need the patient's consent at the moment they leave (each check
#: above asks for it).
NEEDS_CONSENT = frozenset(CHECKS)


def init_app(app: Flask) -> None:
    for kind, check in CHECKS.items():
        register_check(app, kind, check,
                       read_batch=read_caps if kind is MessageKind.REMINDER else None)
