"""Reminders as rows: planned when an appointment is booked, re-planned when it moves,
cancelled when it is cancelled (each inside the caller's transaction), and turned into texts
in the outbox when due (`queue_due`).

Every function takes `now`; nothing here asks the clock itself.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from .. import transactions
from ..extensions import db
from ..models import (
    Appointment,
    AppointmentStatus,
    Message,
    MessageKind,
    Patient,
    Practice,
    Reminder,
    ReminderRule,
    ReminderStatus,
)
from ..models.appointments import OPEN_STATUSES
from ..models.clickatell_account import BlockerKind
from ..models.reminders import WhenConfirmed
from ..outbox import cancel_queued, enqueue_all, new_text
from ..outbox.policy import Action, Outgoing, verdict
from ..outbox.writes import turn_to_write
from . import journey, policy, reply_codes, templates
from .policy import QUIET, RESCHEDULE_HELD, consent_problem
from .practice_rules import rules_for, rules_that_apply
from .quiet_hours import allowed_time, recipient_zone

#: How many due reminders one transaction turns into texts.
QUEUE_BATCH = 200
#: How long a due reminder waits before it is looked at again while the practice's account
#: is not set up (no text can be queued without a number; one without credit is queued,
#: and the outbox holds it).
HOLD = timedelta(minutes=5)

PASSED = "Its time had already passed when the appointment was booked."
RULE_OFF = "The rule was switched off."
NOT_FOR_IT = "The rule no longer applies to this appointment (its type or provider changed)."
MOVED = "The appointment was moved."
CANCELLED = "The appointment was cancelled."


def rule_time(starts_at: datetime, minutes_before: int, zone: ZoneInfo) -> datetime:
    """When a rule's reminder is due. Whole days count on the wall clock (48 hours before
    9:00 Monday is 9:00 Saturday, across a DST change too); the rest in real minutes."""
    days, minutes = divmod(minutes_before, 24 * 60)
    wall = starts_at.astimezone(zone).replace(tzinfo=None) - timedelta(days=days)
    return wall.replace(tzinfo=zone).astimezone(UTC) - timedelta(minutes=minutes)


def _schedule(reminder: Reminder, rule: ReminderRule, appointment: Appointment,
              practice: Practice, now: datetime) -> None:
    """Set the reminder's time and status for the appointment as it is now."""
    planned = rule_time(appointment.starts_at, rule.minutes_before,
                        appointment.zone(practice.zone))
    reminder.appointment_starts_at = appointment.starts_at
    reminder.send_at = planned
    problem = consent_problem(appointment.patient)
    if appointment.status is AppointmentStatus.RESCHEDULE_REQUESTED:
        problem = RESCHEDULE_HELD
    if problem:
        reminder.status, reminder.reason = ReminderStatus.SKIPPED, problem
        return
    if planned < now:
        reminder.status, reminder.reason = ReminderStatus.SKIPPED, PASSED
        return
    zone = recipient_zone(practice, appointment.patient, appointment)
    at = allowed_time(planned, practice=practice, before=appointment.starts_at, not_before=now,
                      zone=zone)
    if at is None:
        reminder.status, reminder.reason = ReminderStatus.SKIPPED, QUIET
        return
    reminder.send_at = at
    reminder.status = ReminderStatus.PENDING
    reminder.reason = "" if at == planned else (
        f"Moved out of quiet hours (was due {planned.astimezone(zone):%H:%M}, the patient's "
        "time).")


def _practice(appointment: Appointment) -> Practice:
    return db.session.get(Practice, appointment.practice_id)


def plan_for(appointment: Appointment, now: datetime) -> list[Reminder]:
    """One reminder per enabled rule that applies to it (`rules_that_apply`) for a newly
    booked appointment, in the caller's transaction."""
    practice = _practice(appointment)
    planned = []
    for rule in rules_that_apply(rules_for(practice), appointment):
        if not rule.enabled:
            continue
        reminder = Reminder(practice_id=practice.id, appointment=appointment, rule=rule,
                            created_at=now, updated_at=now)
        _schedule(reminder, rule, appointment, practice, now)
        db.session.add(reminder)
        planned.append(reminder)
    return planned


def _reminders_of(appointment: Appointment) -> list[Reminder]:
    if appointment.id is None:
        return []
    return list(db.session.scalars(select(Reminder).where(
        Reminder.appointment_id == appointment.id).order_by(Reminder.id)))


def _withdraw(reminder: Reminder, reason: str, now: datetime,
              status: ReminderStatus = ReminderStatus.CANCELLED) -> None:
    """Cancel (or skip, `status`) a reminder that has not gone out (a queued one only if its
    text can still be stopped)."""
    stoppable = reminder.status is ReminderStatus.PENDING or (
        reminder.status is ReminderStatus.QUEUED and reminder.message_id is not None
        and cancel_queued(reminder.practice_id, reason, now, ids=[reminder.message_id]) == 1)
    if stoppable:
        reminder.status, reminder.reason = status, reason


def replan(appointment: Appointment, now: datetime) -> None:
    """The appointment moved (or the rules, its type or its provider changed): rewrite what
    has not gone out, and give each enabled rule that applies a reminder of the current
    time; in the caller's transaction."""
    practice = _practice(appointment)
    latest: dict[int, Reminder] = {}
    for reminder in _reminders_of(appointment):
        latest[reminder.rule_id] = reminder
    rules = rules_for(practice)
    applying = {rule.id for rule in rules_that_apply(rules, appointment)}
    for rule in rules:
        reminder = latest.get(rule.id)
        if not rule.enabled or rule.id not in applying:
            if reminder is not None:
                _withdraw(reminder, RULE_OFF if not rule.enabled else NOT_FOR_IT, now)
            continue
        if reminder is not None and reminder.message_id is None:
            _schedule(reminder, rule, appointment, practice, now)  # not gone out: rewrite
            continue
        if reminder is not None and reminder.appointment_starts_at == appointment.starts_at \
                and reminder.status is not ReminderStatus.CANCELLED:
            continue  # it already told the patient about this time
        if reminder is not None:
            _withdraw(reminder, MOVED, now)
        fresh = Reminder(practice_id=practice.id, appointment=appointment, rule=rule,
                         created_at=now, updated_at=now)
        _schedule(fresh, rule, appointment, practice, now)
        db.session.add(fresh)


def cancel_for(appointment: Appointment, now: datetime, reason: str = CANCELLED) -> None:
    """The appointment was cancelled: nothing more is sent about it (in the caller's
    transaction)."""
    for reminder in _reminders_of(appointment):
        _withdraw(reminder, reason, now)


def hold_for(appointment: Appointment, now: datetime) -> None:
    """The patient asked for another time (R): what has not gone out is held, with the
    reason, instead of asking them to confirm the time they want to change. Moving the
    appointment plans its reminders again; the caller commits."""
    for reminder in _reminders_of(appointment):
        _withdraw(reminder, RESCHEDULE_HELD, now, status=ReminderStatus.SKIPPED)


def replan_upcoming(practice: Practice, now: datetime) -> int:
    """Re-plan every open appointment still ahead (after a rule or quiet-hours change)."""
    appointments = db.session.scalars(
        select(Appointment).where(Appointment.practice_id == practice.id,
                                  Appointment.starts_at > now,
                                  Appointment.status.in_(OPEN_STATUSES))
        .options(joinedload(Appointment.patient))).all()
    for appointment in appointments:
        replan(appointment, now)
    return len(appointments)


def replan_for_patient(patient: Patient, now: datetime) -> int:
    """The patient's consent changed: re-plan their appointments still ahead, and tell
    them of a booking they were not told of for want of consent (`journey.after_consent`)."""
    appointments = db.session.scalars(
        select(Appointment).where(Appointment.patient_id == patient.id,
                                  Appointment.starts_at > now,
                                  Appointment.status.in_(OPEN_STATUSES))).all()
    for appointment in appointments:
        replan(appointment, now)
        journey.after_consent(appointment, now)
    return len(appointments)


def reminders_by_appointment(appointment_ids: list[int]) -> dict[int, list[Reminder]]:
    """The reminders of many appointments, in one query (for the day view)."""
    found: dict[int, list[Reminder]] = defaultdict(list)
    if not appointment_ids:
        return found
    for reminder in db.session.scalars(
            select(Reminder).where(Reminder.appointment_id.in_(appointment_ids))
            .options(joinedload(Reminder.rule)).order_by(Reminder.send_at, Reminder.id)):
        found[reminder.appointment_id].append(reminder)
    return found


# ------------------------------------------------------------------ due reminders → texts


@dataclass
class QueueResult:
    queued: int = 0
    skipped: int = 0
    held: int = 0
    rescheduled: int = 0
    reminder_ids: list[int] = field(default_factory=list)

    def add(self, other: "QueueResult") -> None:
        self.queued += other.queued
        self.skipped += other.skipped
        self.held += other.held
        self.rescheduled += other.rescheduled


def due_in_turn(now: datetime) -> list[int]:
    """Every reminder due at `now`, practice by practice in turn: each practice's first due
    reminder, then each one's second, and so on (within a practice, in due order). Read
    once per pass, so the order costs one scan of the due reminders, not one per batch.

    A practice group's reminders fall due together at the hour's turn; taken in plain
    `send_at` order they come practice by practice (the order they were booked in), and the
    last practices' texts would enter the outbox seconds after the first practices' were
    already leaving."""
    rows = db.session.execute(
        select(Reminder.id, Reminder.practice_id)
        .where(Reminder.status == ReminderStatus.PENDING, Reminder.send_at <= now)
        .order_by(Reminder.send_at, Reminder.id)).all()
    turns: dict[int, int] = defaultdict(int)
    ranked = []
    for position, (reminder_id, practice_id) in enumerate(rows):
        ranked.append((turns[practice_id], position, reminder_id))
        turns[practice_id] += 1
    return [reminder_id for _, _, reminder_id in sorted(ranked)]


def _claim_due(ids: list[int]) -> list[int]:
    """Take those of `ids` still pending for this transaction: the conditional UPDATE only
    one claimer can win. On PostgreSQL the candidates are locked FOR UPDATE SKIP LOCKED, so
    a claimer passes over rows another is queueing instead of waiting behind it; they are
    picked once, in a MATERIALIZED CTE (as `outbox.dispatcher.claim_messages` does)."""
    candidates = (select(Reminder.id)
                  .where(Reminder.id.in_(ids), Reminder.status == ReminderStatus.PENDING)
                  .with_for_update(skip_locked=True)
                  .cte("candidates").prefix_with("MATERIALIZED"))
    claimed = db.session.execute(
        update(Reminder)
        .where(Reminder.id.in_(select(candidates.c.id)),
               Reminder.status == ReminderStatus.PENDING)
        .values(status=ReminderStatus.QUEUED)
        .returning(Reminder.id)
        .execution_options(synchronize_session=False))
    return list(claimed.scalars())


def _queue_one(reminder: Reminder, practice: Practice, now: datetime, result: QueueResult,
               visits: list[Appointment], caps: policy.CapReading
               ) -> tuple[Message, str] | None:
    """Decide one claimed reminder: skipped or moved (with the reason), or its text and the
    reason to record, for the batch to queue (`_queue_batch`)."""
    appointment = reminder.appointment
    patient = appointment.patient
    at = max(now, reminder.send_at)  # queued ahead: checked for the minute it is due

    def skip(reason: str) -> None:
        reminder.status, reminder.reason = ReminderStatus.SKIPPED, reason
        result.skipped += 1

    # The outbox's send policy, as the dispatcher will ask it again when the text leaves.
    kind = journey.message_kind(reminder)
    found = verdict(kind, Outgoing(practice, patient, appointment, batch=caps), at)
    if found is not None and found.action is Action.CANCEL:
        return skip(found.reason)
    if not reminder.rule.enabled:
        return skip(RULE_OFF)
    if stale := journey.stale(reminder, at):
        return skip(stale)
    choice = journey.confirmed_choice(reminder)
    if choice is WhenConfirmed.SKIP:
        return skip(journey.CONFIRMED_SKIP)
    if found is not None and found.action is Action.WAIT:
        reminder.status, reminder.send_at, reminder.reason = (
            ReminderStatus.PENDING, found.until, found.reason)
        result.rescheduled += 1
        return None
    if found is not None and found.blocker.kind is BlockerKind.NOT_SET_UP:
        reminder.status, reminder.send_at = ReminderStatus.PENDING, at + HOLD
        reminder.reason = found.reason
        result.held += 1
        return None
    # No credit: the text is queued all the same, and the outbox holds it until credit
    # returns (then the first pass sends it).
    template = reminder.rule.template_for(patient.language)
    body = template.body if template else templates.DEFAULT_TEMPLATES[patient.language]
    if choice is WhenConfirmed.SHORT:
        body = journey.short_body(patient)
    text = templates.render(body, templates.details_of(
        appointment, practice, reply_code=reply_codes.code_for_reminder(appointment, now, visits)))
    # Due when the reminder was due, not when it was queued: the senders take each
    # number's oldest due text first, and the send-latency metric counts from here.
    message = new_text(practice, to=patient.mobile, body=text, kind=kind, patient=patient,
                       appointment=appointment, dedupe_key=f"reminder:{reminder.id}",
                       send_after=reminder.send_at, now=now)
    if kind is MessageKind.REMINDER:
        caps.queued(patient.id, practice.id)  # it counts against the batch's next ones
    reason = found.reason if found is not None else ""
    if choice is WhenConfirmed.SHORT:
        reason = journey.CONFIRMED_SHORT
    result.queued += 1
    return message, reason


def queue_due(now: datetime, *, batch: int = QUEUE_BATCH,
              ahead: timedelta = timedelta(0)) -> QueueResult:
    """Turn every reminder due at `now` (or within `ahead` of it) into a text in the outbox
    (or skip it, with the reason, if it must not go out), one committed batch at a time, the
    practices in turn (`due_in_turn`): the first batch holds the first due reminder of every
    practice (as many as it holds), so every long number starts sending at once.

    The rule, then the send policy (`outbox.policy.verdict`: the appointment, consent, quiet
    hours, the account) are checked again, at the minute the reminder is due: much can
    change between booking and sending. A batch another process is queueing is passed over;
    the due reminders are read again once all are taken, until none is left (or all are
    someone else's).

    `ahead` (QUEUE_AHEAD_SECONDS): a text queued before its minute leaves at it, not
    before (its `send_after`), so the hour's turn finds a practice group's reminders
    already rendered and checked, and its senders only send. The outbox checks the send
    policy again as each leaves, and moving or cancelling the appointment meanwhile takes
    the waiting text back (`_withdraw`), as for any text not gone out.
    """
    total = QueueResult()
    practices: dict[int, Practice] = {}
    while True:
        with turn_to_write():
            ids = due_in_turn(now + ahead)
            transactions.commit()  # end the read
        queued_any = False
        for start in range(0, len(ids), batch):
            with turn_to_write():
                result = _queue_batch(now, ids[start:start + batch], practices)
            if result is not None:
                total.add(result)
                queued_any = True
        if not queued_any:
            return total


def _queue_batch(now: datetime, ids: list[int], practices: dict[int, Practice]
                 ) -> QueueResult | None:
    """Claim, check and queue one batch in one transaction; None when none of `ids` was
    still pending (or all were being queued by another process)."""
    ids = _claim_due(ids)
    if not ids:
        transactions.commit()
        return None
    reminders = db.session.scalars(
        select(Reminder).where(Reminder.id.in_(ids))
        .options(joinedload(Reminder.appointment).joinedload(Appointment.patient),
                 joinedload(Reminder.appointment).joinedload(Appointment.provider),
                 joinedload(Reminder.rule).selectinload(ReminderRule.templates))
        .order_by(Reminder.send_at, Reminder.id)).unique().all()
    result = QueueResult()
    # The visits on each phone of the batch, for the reply codes: one query, not one per text
    # (nothing in the batch books, moves or cancels an appointment).
    phones = reply_codes.visits_on_phones(
        {(r.practice_id, r.appointment.patient.mobile) for r in reminders}, now)
    # And what counts against each patient's cap, read once for the batch.
    caps = policy.caps_of({r.appointment.patient_id for r in reminders}, now)
    planned: list[tuple[Reminder, Message, str]] = []
    with db.session.no_autoflush:  # nothing is written until the batch's texts are
        for reminder in reminders:
            practice = practices.get(reminder.practice_id)
            if practice is None:
                practice = practices[reminder.practice_id] = db.session.get(
                    Practice, reminder.practice_id)
            text = _queue_one(reminder, practice, now, result,
                              phones[(reminder.practice_id, reminder.appointment.patient.mobile)],
                              caps)
            if text is None:
                reminder.updated_at = now
            else:
                planned.append((reminder, *text))
    # One INSERT for the batch's texts; their keys are new (the reminders were claimed just
    # now), and if one was taken after all, `enqueue_all` returns the text already there.
    texts = enqueue_all([text for _, text, _ in planned])
    for (reminder, _, reason), text in zip(planned, texts, strict=True):
        reminder.message_id, reminder.reason, reminder.updated_at = text.id, reason, now
        result.reminder_ids.append(reminder.id)
    transactions.commit()
    return result
