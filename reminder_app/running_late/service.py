"""The "running late" broadcast: one text to every patient still to be seen today, by one
provider or the whole practice, saying the practice is running late.

`plan` says, without changing anything, who will get which text and who will not and why
(the preview); `send` queues those texts through the outbox, one per appointment, linked to
it (so it shows in the conversation) and recorded as an event. A broadcast carries a key
the form made when it was opened: sending it again (a double click, a resubmitted page)
finds its texts already queued and queues nothing more.

What a late notice must satisfy as it leaves (`check_late_notice`) is registered with the
outbox in `init_app`: the visit still open and ahead, the patient's consent, quiet hours on
the patient's clock (it waits for them to end if that is still before the visit, else it is
not sent). The cap on reminders does not apply: a late notice is not a reminder, and a
patient gets at most `MAX_A_DAY` about the day's visits.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..clickatell import analyse
from ..extensions import db
from ..models import (
    Actor,
    Appointment,
    AppointmentStatus,
    Event,
    EventKind,
    Message,
    MessageKind,
    MessageStatus,
    Practice,
    Provider,
)
from ..outbox import enqueue
from ..outbox.policy import Outgoing, Verdict
from ..outbox.service import find_by_dedupe_key
from ..reminders.policy import RESCHEDULE_HELD, consent_problem
from ..reminders.quiet_hours import allowed_time, is_quiet, recipient_zone
from ..sms_texts import LateText, ReminderText, clock, render, text
from ..timezones import day_bounds, today

#: How late staff may say they are, in minutes.
MIN_MINUTES, MAX_MINUTES = 5, 240
#: At most this many running-late texts to one patient about a day's visits (a second may
#: give the new delay).
MAX_A_DAY = 2
#: A text longer than this many SMS parts is refused (each part costs credit).
MAX_PARTS = 2

STARTED = "The visit has already started or is past."
ALREADY_TOLD = "Already told twice today: no more running-late texts."
SECOND_VISIT = "Gets one text, about their earlier visit at {time}."
QUIET = "Quiet hours on the patient's clock last until after the visit."
QUIET_WAIT = "Quiet hours on the patient's clock: it waits until {time}."
NOT_OPEN = {
    AppointmentStatus.COMPLETED: "Already seen (completed).",
    AppointmentStatus.NO_SHOW: "Marked a no-show.",
    AppointmentStatus.CANCELLED_BY_PATIENT: "Cancelled by the patient.",
    AppointmentStatus.CANCELLED_BY_STAFF: "Cancelled by the practice.",
    AppointmentStatus.RESCHEDULE_REQUESTED: RESCHEDULE_HELD,
}


class Wording(enum.StrEnum):
    MINUTES = "minutes"  # "running about 30 min late"
    BEHIND = "behind"  # "running behind", no estimate

    @property
    def label(self) -> str:
        return {"minutes": "Running about … minutes late",
                "behind": "Running behind (no estimate)"}[self.value]


class LateError(Exception):
    """A broadcast that cannot be sent as asked; the message is for staff."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Broadcast:
    """What staff asked: whose patients (a provider, or None for everyone today), which
    wording, how late, and whether the text names the provider."""

    provider: Provider | None
    wording: Wording
    minutes: int | None = None
    name_provider: bool = False

    def check(self, practice: Practice) -> None:
        if self.wording is Wording.MINUTES and not (
                self.minutes is not None and MIN_MINUTES <= self.minutes <= MAX_MINUTES):
            raise LateError(f"Say how late, from {MIN_MINUTES} to {MAX_MINUTES} minutes.",
                            "minutes")
        if self.name_provider and not practice.name_provider:
            raise LateError("The practice's texts do not name providers (an owner can turn "
                            "that on with the reminder rules).", "name_provider")
        if self.name_provider and self.provider is None:
            raise LateError("Choose one provider to name them in the text.", "name_provider")

    def catalog_key(self) -> LateText:
        named = self.name_provider and self.provider is not None
        if self.wording is Wording.MINUTES:
            return LateText.MINUTES_WITH_PROVIDER if named else LateText.MINUTES
        return LateText.BEHIND_WITH_PROVIDER if named else LateText.BEHIND


@dataclass(frozen=True)
class Recipient:
    appointment: Appointment
    body: str
    parts: int
    #: Quiet hours on the patient's clock: the text waits until then (None: it leaves now).
    waits_until: datetime | None = None


@dataclass(frozen=True)
class LeftOut:
    appointment: Appointment
    reason: str


@dataclass
class Plan:
    day: date
    recipients: list[Recipient] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)

    @property
    def appointment_ids(self) -> str:
        """Who it goes to, as the preview saw it (the send form carries it back)."""
        return ",".join(str(r.appointment.id) for r in self.recipients)

    @property
    def parts(self) -> int:
        return sum(r.parts for r in self.recipients)


@dataclass(frozen=True)
class Sent:
    queued: int
    already: int  # queued by an earlier submission of the same broadcast


def body_for(practice: Practice, broadcast: Broadcast, appointment: Appointment) -> str:
    """The text one patient gets, in their language."""
    language = appointment.patient.language.value
    return render(broadcast.catalog_key(), practice, language,
                  provider=appointment.provider.name, minutes=broadcast.minutes or "",
                  time=clock(appointment.starts_at, practice.zone, language),
                  opt_out=text(ReminderText.OPT_OUT, language))


def todays_appointments(practice: Practice, provider: Provider | None, now: datetime
                        ) -> list[Appointment]:
    start, end = day_bounds(today(practice.zone, now), practice.zone)
    query = (select(Appointment).options(joinedload(Appointment.patient),
                                         joinedload(Appointment.provider))
             .where(Appointment.practice_id == practice.id, Appointment.starts_at >= start,
                    Appointment.starts_at < end)
             .order_by(Appointment.starts_at, Appointment.id))
    if provider is not None:
        query = query.where(Appointment.provider_id == provider.id)
    return list(db.session.scalars(query))


def _told_counts(appointment_ids: list[int], key: str | None) -> dict[int, int]:
    """Running-late texts about these appointments queued or sent, per patient (not those
    that did not go, nor those of the broadcast `key` itself: sending it again must find the
    same people)."""
    if not appointment_ids:
        return {}
    query = (select(Message.patient_id, func.count(Message.id))
             .where(Message.kind == MessageKind.LATE_NOTICE,
                    Message.appointment_id.in_(appointment_ids),
                    Message.status.not_in([MessageStatus.CANCELLED, MessageStatus.FAILED]))
             .group_by(Message.patient_id))
    if key is not None:
        query = query.where(or_(Message.dedupe_key.is_(None),
                                ~Message.dedupe_key.startswith(f"late:{key}:", autoescape=True)))
    return dict(db.session.execute(query).all())


def _reason_left_out(practice: Practice, appointment: Appointment, now: datetime,
                     told: int) -> str | None:
    if appointment.status in NOT_OPEN:
        return NOT_OPEN[appointment.status]
    if appointment.has_started(now):
        return STARTED
    if problem := consent_problem(appointment.patient):
        return problem
    if told >= MAX_A_DAY:
        return ALREADY_TOLD
    zone = recipient_zone(practice, appointment.patient)
    if is_quiet(now, practice, zone) and allowed_time(
            now, practice=practice, before=appointment.starts_at, not_before=now,
            zone=zone) is None:
        return QUIET
    return None


def plan(practice: Practice, broadcast: Broadcast, now: datetime, key: str | None = None
         ) -> Plan:
    """Who gets which text, and who does not and why; changes nothing. One text per patient,
    about their first visit still ahead. `key`: the broadcast's own (see `send`)."""
    broadcast.check(practice)
    appointments = todays_appointments(practice, broadcast.provider, now)
    told = _told_counts([a.id for a in appointments], key)
    result = Plan(today(practice.zone, now))
    first_visit: dict[int, Appointment] = {}
    for appointment in appointments:
        reason = _reason_left_out(practice, appointment, now,
                                  told.get(appointment.patient_id, 0))
        earlier = first_visit.get(appointment.patient_id)
        if reason is None and earlier is not None:
            reason = SECOND_VISIT.format(time=clock(earlier.starts_at, practice.zone, "en"))
        if reason is not None:
            result.left_out.append(LeftOut(appointment, reason))
            continue
        first_visit[appointment.patient_id] = appointment
        body = body_for(practice, broadcast, appointment)
        parts = analyse(body).parts
        if parts > MAX_PARTS:
            raise LateError(f"The text would take {parts} SMS parts; keep it to {MAX_PARTS}.")
        zone = recipient_zone(practice, appointment.patient)
        waits = None
        if is_quiet(now, practice, zone):
            waits = allowed_time(now, practice=practice, before=appointment.starts_at,
                                 not_before=now, zone=zone)
        result.recipients.append(Recipient(appointment, body, parts, waits))
    return result


def dedupe_key(key: str, appointment: Appointment) -> str:
    return f"late:{key}:{appointment.id}"


def send(practice: Practice, broadcast: Broadcast, key: str, actor: Actor, now: datetime,
         planned: Plan | None = None) -> Sent:
    """Queue the broadcast's texts (in the caller's transaction) and record an event for
    each. `key` is the broadcast's own: a text already queued under it is not queued again."""
    planned = planned or plan(practice, broadcast, now, key)
    queued = already = 0
    for recipient in planned.recipients:
        appointment = recipient.appointment
        if find_by_dedupe_key(practice.id, dedupe_key(key, appointment)) is not None:
            already += 1
            continue
        message = enqueue(practice, to=appointment.patient.mobile, body=recipient.body,
                          kind=MessageKind.LATE_NOTICE, patient=appointment.patient,
                          appointment=appointment, dedupe_key=dedupe_key(key, appointment),
                          send_after=recipient.waits_until or now,
                          expires_at=appointment.starts_at, now=now)
        if _record(appointment, message, actor, now):
            queued += 1
        else:
            already += 1  # another submission queued it a moment ago
    return Sent(queued, already)


def _record(appointment: Appointment, message: Message, actor: Actor, now: datetime) -> bool:
    """One event per text (the event's message is unique): False if it was recorded already."""
    try:
        with db.session.begin_nested():
            event = Event.record_change(appointment, EventKind.LATE_NOTICE, actor, now)
            event.message_id = message.id
    except IntegrityError:
        return False
    return True


def check_late_notice(outgoing: Outgoing, now: datetime) -> Verdict | None:
    """As a late notice leaves: the visit still open and ahead, the patient's consent, and
    outside quiet hours on the patient's clock (waiting for them to end if that is before
    the visit, else not sent)."""
    appointment, practice = outgoing.appointment, outgoing.practice
    if appointment is not None:
        if appointment.status in NOT_OPEN:
            return Verdict.cancel(NOT_OPEN[appointment.status])
        if appointment.has_started(now):
            return Verdict.cancel(STARTED)
    if outgoing.patient is not None and (problem := consent_problem(outgoing.patient)):
        return Verdict.cancel(problem)
    zone = recipient_zone(practice, outgoing.patient)
    if is_quiet(now, practice, zone):
        at = allowed_time(now, practice=practice, not_before=now, zone=zone,
                          before=appointment.starts_at if appointment else now)
        return Verdict.cancel(QUIET) if at is None else Verdict.wait(
            at, QUIET_WAIT.format(time=clock(at, zone, "en")))
    return None
