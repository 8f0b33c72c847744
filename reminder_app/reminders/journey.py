"""The appointment's journey besides the reminders: a notice when it is booked, when the
practice moves or cancels it, a follow-up when the patient did not come; and what a
before-visit reminder does once the patient confirmed.

Each notice is a `Reminder` row of its rule (`RuleKind`), planned here as the appointment
changes (`appointments.service` calls these in the change's own transaction) and turned into
a text by the same dispatcher pass as the reminders (`planning.queue_due` asks `stale`,
`confirmed_choice` and `short_body`): held, skipped and sent exactly like them, once (the
row's id is the text's dedupe key; the once-only kinds have a unique index).

Nothing is sent about what the patient did by SMS: they already got an answer. Every
function takes `now`.
"""

from datetime import datetime, timedelta

from sqlalchemy import exists, select

from .. import sms_texts
from ..extensions import db
from ..models import (
    Actor,
    ActorKind,
    Appointment,
    AppointmentStatus,
    CancelledBy,
    Direction,
    Message,
    MessageKind,
    Patient,
    Practice,
    Reminder,
    ReminderRule,
    ReminderStatus,
)
from ..models.appointments import OPEN_STATUSES
from ..models.messages import LEFT_STATUSES
from ..models.reminders import RuleKind, WhenConfirmed
from ..sms_texts import JourneyText
from .journey_defaults import journey_rule
from .policy import NO_CONSENT, OPTED_OUT, QUIET_WAIT, STARTED, consent_problem
from .quiet_hours import is_quiet, quiet_period, recipient_zone

TOO_SOON = ("It starts too soon for a booked notice to help (the rule's least lead time): "
            "the reminders before the visit tell the patient.")
BY_SMS = "The patient booked it by SMS and got an answer then."
NOT_NO_SHOW = "It is no longer marked a no-show."
BOOKED_AGAIN = "The patient has another appointment booked."
CONFIRMED_SKIP = "The patient confirmed; the practice skips this reminder then."
CONFIRMED_SHORT = "The patient confirmed: a short “see you” instead."
#: Skips the practice chose (its rules say so): not texts that "did not go out" on the
#: dashboard.
CHOSEN_SKIPS = (TOO_SOON, BY_SMS, CONFIRMED_SKIP, BOOKED_AGAIN)
#: An R is read as a request for a new time for a missed appointment this long after its
#: follow-up went out.
FOLLOW_UP_ANSWERABLE = timedelta(days=14)


def _practice(appointment: Appointment) -> Practice:
    return db.session.get(Practice, appointment.practice_id)


def _enabled_rule(appointment: Appointment, kind: RuleKind) -> ReminderRule | None:
    rule = journey_rule(appointment.practice_id, kind)
    return rule if rule is not None and rule.enabled else None


def _schedule(reminder: Reminder, appointment: Appointment, practice: Practice,
              due: datetime) -> None:
    """Due at `due`, or when quiet hours end on the patient's clock; skipped, with the
    reason, for a patient who did not agree or replied STOP."""
    reminder.appointment_starts_at = appointment.starts_at
    reminder.send_at = due
    if problem := consent_problem(appointment.patient):
        reminder.status, reminder.reason = ReminderStatus.SKIPPED, problem
        return
    zone = recipient_zone(practice, appointment.patient)
    reminder.status, reminder.reason = ReminderStatus.PENDING, ""
    if is_quiet(due, practice, zone):
        reminder.send_at, reminder.reason = quiet_period(due, practice, zone)[1], QUIET_WAIT


def _new(appointment: Appointment, rule: ReminderRule, now: datetime) -> Reminder:
    reminder = Reminder(practice_id=appointment.practice_id, appointment=appointment,
                        rule=rule, kind=rule.kind, send_at=now,
                        appointment_starts_at=appointment.starts_at, created_at=now,
                        updated_at=now)
    db.session.add(reminder)
    return reminder


def _of(appointment: Appointment, kind: RuleKind) -> list[Reminder]:
    if appointment.id is None:
        return []
    return list(db.session.scalars(select(Reminder).where(
        Reminder.appointment_id == appointment.id, Reminder.kind == kind)
        .order_by(Reminder.id)))


def on_booked(appointment: Appointment, actor: Actor, now: datetime) -> Reminder | None:
    """A booked notice, at once, unless the appointment starts too soon for it to help
    (the rule's `minutes_before`) or the patient booked it themselves by SMS (a waitlist
    YES: the offer's answer told them); both recorded as skipped, with the reason."""
    rule = _enabled_rule(appointment, RuleKind.BOOKED)
    if rule is None:
        return None
    reminder = _new(appointment, rule, now)
    _schedule(reminder, appointment, _practice(appointment), now)
    if reminder.status is ReminderStatus.SKIPPED:
        return reminder
    if actor.kind in (ActorKind.WAITLIST, ActorKind.PATIENT):
        reminder.status, reminder.reason = ReminderStatus.SKIPPED, BY_SMS
    elif appointment.starts_at - now < timedelta(minutes=rule.minutes_before):
        reminder.status, reminder.reason = ReminderStatus.SKIPPED, TOO_SOON
    return reminder


def after_consent(appointment: Appointment, now: datetime) -> Reminder | None:
    """The patient's consent changed after booking: a booked notice skipped for want of
    consent is planned now, at once, if the patient agrees to texts and the visit is still
    far enough ahead for it to help (the rule's `minutes_before`, as at booking). The
    skipped row itself is revived, so there is never a second one (the once-only index);
    one that is pending, went out, or was skipped for another reason stays as it is."""
    rule = _enabled_rule(appointment, RuleKind.BOOKED)
    if rule is None or appointment.status not in OPEN_STATUSES \
            or consent_problem(appointment.patient):
        return None
    notice = next((r for r in _of(appointment, RuleKind.BOOKED) if r.rule_id == rule.id), None)
    if notice is None or notice.status is not ReminderStatus.SKIPPED \
            or notice.reason not in (NO_CONSENT, OPTED_OUT) or notice.message_id is not None:
        return None
    if appointment.starts_at - now < timedelta(minutes=rule.minutes_before):
        return None  # too soon to help: the reminders before the visit tell the patient
    notice.updated_at = now
    _schedule(notice, appointment, _practice(appointment), now)
    return notice


def on_moved(appointment: Appointment, actor: Actor, now: datetime) -> Reminder | None:
    """The practice moved it: the patient is told the new time (one notice still to send
    per appointment: a second move before it left rewrites it). Not when the patient has
    not been told of the old time yet (the booked notice, pending, will say the new one)."""
    rule = _enabled_rule(appointment, RuleKind.CHANGED)
    if rule is None or actor.kind is ActorKind.PATIENT:
        return None
    if any(booked.status is ReminderStatus.PENDING
           for booked in _of(appointment, RuleKind.BOOKED)):
        return None
    pending = [r for r in _of(appointment, RuleKind.CHANGED)
               if r.status is ReminderStatus.PENDING]
    reminder = pending[0] if pending else _new(appointment, rule, now)
    reminder.updated_at = now
    _schedule(reminder, appointment, _practice(appointment), now)
    return reminder


def on_cancelled(appointment: Appointment, by: CancelledBy, actor: Actor,
                 now: datetime) -> Reminder | None:
    """The practice cancelled it: the patient is told, and how to book again. Not when the
    patient asked for it (by SMS, or by calling: they know), and once."""
    rule = _enabled_rule(appointment, RuleKind.CANCELLED)
    if (rule is None or CancelledBy(by) is CancelledBy.PATIENT
            or actor.kind is ActorKind.PATIENT or _of(appointment, RuleKind.CANCELLED)):
        return None
    reminder = _new(appointment, rule, now)
    _schedule(reminder, appointment, _practice(appointment), now)
    return reminder


def on_no_show(appointment: Appointment, now: datetime) -> Reminder | None:
    """Marked a no-show: "we missed you", the rule's delay later (inside allowed hours),
    once per appointment (marking it again after a correction sends nothing more)."""
    rule = _enabled_rule(appointment, RuleKind.NO_SHOW)
    if rule is None or _of(appointment, RuleKind.NO_SHOW):
        return None
    reminder = _new(appointment, rule, now)
    _schedule(reminder, appointment, _practice(appointment),
              now + timedelta(minutes=rule.delay_minutes))
    return reminder


# ------------------------------------------------------------- when a row becomes a text


def message_kind(reminder: Reminder) -> MessageKind:
    return MessageKind.REMINDER if reminder.kind is RuleKind.BEFORE_VISIT else \
        MessageKind.NOTICE


def _has_another_ahead(appointment: Appointment, now: datetime) -> bool:
    return db.session.scalar(select(exists().where(
        Appointment.practice_id == appointment.practice_id,
        Appointment.patient_id == appointment.patient_id, Appointment.id != appointment.id,
        Appointment.status.in_(OPEN_STATUSES), Appointment.starts_at > now)))


def stale(reminder: Reminder, now: datetime) -> str | None:
    """Why a due notice no longer holds (the reason it is skipped with), or None. Consent
    and quiet hours are the send policy's (`policy.check_notice`)."""
    appointment = reminder.appointment
    match reminder.kind:
        case RuleKind.BOOKED | RuleKind.CHANGED:
            if appointment.status not in OPEN_STATUSES:
                return f"The appointment is {appointment.status.label.lower()}."
            if appointment.starts_at <= now:
                return STARTED
            if appointment.status is AppointmentStatus.RESCHEDULE_REQUESTED:
                return "The patient asked for another time (R)."
        case RuleKind.NO_SHOW:
            if appointment.status is not AppointmentStatus.NO_SHOW:
                return NOT_NO_SHOW
            if _has_another_ahead(appointment, now):
                return BOOKED_AGAIN
    return None


def confirmed_choice(reminder: Reminder) -> WhenConfirmed:
    """What a before-visit reminder does: as usual, unless the patient confirmed and its
    rule says to skip it or send the short text."""
    if (reminder.kind is not RuleKind.BEFORE_VISIT
            or reminder.appointment.status is not AppointmentStatus.CONFIRMED):
        return WhenConfirmed.SEND
    return reminder.rule.when_confirmed


def short_body(patient: Patient) -> str:
    """The short "see you" text (a reminder template: placeholders, the STOP line)."""
    return sms_texts.text(JourneyText.CONFIRMED_SHORT, patient.language)


# ----------------------------------------------------------- the reply to the follow-up


def followed_up_no_show(practice: Practice, patients: list[Patient],
                        now: datetime) -> Appointment | None:
    """The missed appointment whose follow-up ("reply R for a new time") went out to these
    patients lately, the latest first: what an R answers when no appointment ahead does."""
    if not patients:
        return None
    sent = (select(Reminder.appointment_id)
            .join(Message, Message.id == Reminder.message_id)
            .where(Reminder.practice_id == practice.id, Reminder.kind == RuleKind.NO_SHOW,
                   Message.direction == Direction.OUTBOUND,
                   Message.status.in_(LEFT_STATUSES),
                   Message.created_at > now - FOLLOW_UP_ANSWERABLE))
    return db.session.scalar(
        select(Appointment)
        .where(Appointment.practice_id == practice.id,
               Appointment.patient_id.in_([patient.id for patient in patients]),
               Appointment.status == AppointmentStatus.NO_SHOW,
               Appointment.id.in_(sent))
        .order_by(Appointment.starts_at.desc(), Appointment.id.desc()).limit(1))
