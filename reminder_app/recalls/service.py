"""Adding, changing and closing recalls, and ending one when its patient books.

Every function changes the session in the caller's transaction (a view's, the booking's for
`appointment_booked`); none commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import joinedload, selectinload

from ..appointments import signals
from ..extensions import db
from ..models import (
    Actor,
    Appointment,
    AppointmentType,
    Patient,
    Practice,
    Provider,
    Recall,
    RecallNotice,
    RecallStatus,
)
from ..models.types import utcnow
from ..outbox import cancel_queued
from ..reminders.quiet_hours import recipient_zone
from ..timezones import today
from ..validation import FieldError

#: A recall's texts leave at this time on the patient's clock (well inside 08:00–20:00).
TEXT_TIME = time(10, 0)
#: A live recall this many days past its due day is shown as overdue.
OVERDUE_AFTER_DAYS = 30
#: A due day further back or ahead than this is a typing mistake.
LONGEST_AHEAD_DAYS = 5 * 366
LONGEST_BACK_DAYS = 366

#: The statuses of a recall a booking still ends (`RecallStatus.is_live`).
LIVE = (RecallStatus.OPEN, RecallStatus.REPLIED)

BOOKED = "Booked."
CLOSED_BY_STAFF = "Closed by staff."


class RecallError(FieldError):
    """A recall that cannot be stored as asked; names the field at fault."""


@dataclass(frozen=True)
class RecallDetails:
    """What staff enter: the visit's label, when it is due, whom to see (None: anyone), and
    the kind of visit whose booking ends it (None: any appointment)."""

    reason: str
    due_on: date
    provider: Provider | None = None
    appointment_type: AppointmentType | None = None


def _check(practice: Practice, patient: Patient | None, details: RecallDetails,
           now: datetime, *, had_type: AppointmentType | None = None) -> None:
    """Raises RecallError on the first field at fault. `had_type`: the recall's type before
    the change, kept even if the practice has retired it since."""
    if patient is None or patient.practice_id != practice.id:
        raise RecallError("patient", "Please choose one of the practice's patients.")
    provider = details.provider
    if provider is not None and (provider.practice_id != practice.id or not provider.active):
        raise RecallError("provider", "Choose one of the practice's active providers.")
    kind = details.appointment_type
    if kind is not None and (kind.practice_id != practice.id
                             or not (kind.active or kind is had_type)):
        raise RecallError("appointment_type", "Choose one of the practice's appointment types.")
    reason = details.reason.strip()
    if not reason:
        raise RecallError("reason", "Say what the patient is due for (e.g. 6-month check-up).")
    if len(reason) > 80:
        raise RecallError("reason", "The reason is too long (80 characters at most).")
    days_ahead = (details.due_on - today(practice.zone, now)).days
    if not -LONGEST_BACK_DAYS <= days_ahead <= LONGEST_AHEAD_DAYS:
        raise RecallError("due_on", "Choose a due date within the last year or the next five.")


def text_time(practice: Practice, patient: Patient, day: date) -> datetime:
    """`TEXT_TIME` on `day`, on the patient's clock, as UTC."""
    zone = recipient_zone(practice, patient)
    return datetime.combine(day, TEXT_TIME, tzinfo=zone).astimezone(UTC)


def live_recall(patient: Patient, reason: str) -> Recall | None:
    return db.session.scalar(select(Recall).where(
        Recall.patient_id == patient.id, Recall.reason == reason.strip(),
        Recall.status.in_(LIVE)))


def add(practice: Practice, patient: Patient | None, details: RecallDetails, *, actor: Actor,
        now: datetime | None = None) -> Recall:
    """A new open recall; its first text is due on `due_on` (at once if that has passed)."""
    now = now or utcnow()
    _check(practice, patient, details, now)
    if live_recall(patient, details.reason) is not None:
        raise RecallError("reason", f"{patient.full_name} already has an open recall for "
                                    f"{details.reason.strip()}: change that one instead.")
    recall = Recall(practice_id=practice.id, patient=patient, provider=details.provider,
                    appointment_type=details.appointment_type,
                    reason=details.reason.strip(), due_on=details.due_on,
                    status=RecallStatus.OPEN, created_by=actor.label[:200], created_at=now)
    recall.next_text_at = max(text_time(practice, patient, details.due_on), now)
    db.session.add(recall)
    db.session.flush()
    return recall


def change(recall: Recall, practice: Practice, details: RecallDetails,
           now: datetime | None = None) -> Recall:
    """New reason, due day, provider or type; a recall not texted yet is texted on the new
    day."""
    now = now or utcnow()
    _check(practice, recall.patient, details, now, had_type=recall.appointment_type)
    other = live_recall(recall.patient, details.reason)
    if other is not None and other.id != recall.id:
        raise RecallError("reason", "The patient already has an open recall for that.")
    recall.reason, recall.due_on, recall.provider = (details.reason.strip(), details.due_on,
                                                     details.provider)
    recall.appointment_type = details.appointment_type
    if recall.status is RecallStatus.OPEN and recall.steps == 0:
        recall.next_text_at = max(text_time(practice, recall.patient, details.due_on), now)
    return recall


def _stop_texts(recall: Recall, reason: str, now: datetime) -> None:
    """No more steps; a text of it still waiting in the outbox does not leave."""
    recall.next_text_at = None
    waiting = [notice.message_id for notice in recall.notices]
    if waiting:
        cancel_queued(recall.practice_id, reason, now, ids=waiting)


def close(recall: Recall, now: datetime | None = None) -> Recall:
    """Staff settled it otherwise (the patient moved away, booked elsewhere)."""
    now = now or utcnow()
    if recall.status.is_live:
        recall.status, recall.settled_at = RecallStatus.CLOSED, now
        _stop_texts(recall, CLOSED_BY_STAFF, now)
    return recall


def mark_replied(recall: Recall, message_id: int, now: datetime) -> None:
    """The patient answered a recall text: no more texts; staff call them (the reply stays
    unread in the conversations until someone does)."""
    if recall.status is RecallStatus.OPEN:
        recall.status, recall.reply_message_id, recall.settled_at = (
            RecallStatus.REPLIED, message_id, now)
        _stop_texts(recall, "The patient replied.", now)


# ---------------------------------------------------------------- booking ends a recall

def recall_ended_by(recall: Recall, appointment: Appointment) -> bool:
    """Does booking `appointment` end `recall`? The same patient, the recall's provider if
    it names one, an appointment of the recall's type if it names one (a phone consultation
    does not end a recall for an annual physical), booked after the recall was made."""
    # Through the relationships: a booking not flushed yet has its patient, not its ids.
    kind = appointment.appointment_type
    return (recall.status.is_live and appointment.patient.id == recall.patient_id
            and (recall.provider_id is None or appointment.provider.id == recall.provider_id)
            and (recall.appointment_type_id is None
                 or (kind is not None and kind.id == recall.appointment_type_id))
            and appointment.created_at >= recall.created_at)


def appointment_booked(appointment: Appointment, now: datetime) -> list[Recall]:
    """An appointment was just booked (the `appointment_booked` signal, in the booking's
    transaction): each live recall of the patient it satisfies is booked. Returns those."""
    ended = []
    for recall in db.session.scalars(select(Recall).where(
            Recall.practice_id == appointment.practice_id,
            Recall.patient_id == appointment.patient.id,
            Recall.status.in_(LIVE)).order_by(Recall.id)):
        if recall_ended_by(recall, appointment):
            recall.status, recall.booked_appointment, recall.settled_at = (
                RecallStatus.BOOKED, appointment, now)
            _stop_texts(recall, BOOKED, now)
            ended.append(recall)
    return ended


def init_app(app) -> None:
    """Booking ends recalls (appointments/signals.py); connecting twice changes nothing."""
    signals.appointment_booked.connect(appointment_booked)


# ---------------------------------------------------------------- the list

@dataclass(frozen=True)
class RecallRow:
    """A recall as the list shows it: how many texts left, the last one's time."""

    recall: Recall
    texted: int
    last_texted_at: datetime | None
    overdue: bool


FILTERS = {
    "live": "Open", "due": "Due now", "texted": "Texted, not booked", "overdue": "Overdue",
    "replied": "Replied: call them", "booked": "Booked", "closed": "Closed", "all": "All",
}


def shown(show: str, day: date) -> ColumnElement[bool] | None:
    """Which recalls a filter of `FILTERS` shows on the practice's calendar day `day` (None:
    all): the list and the dashboard's counts ask the same question.

    due: open and due by today; texted: open, texted at least once and not answered;
    overdue: not settled `OVERDUE_AFTER_DAYS` days after it was due (`Recall.is_overdue`)."""
    match show:
        case "live":
            return Recall.status.in_(LIVE)
        case "due":
            return (Recall.status == RecallStatus.OPEN) & (Recall.due_on <= day)
        case "texted":
            return (Recall.status == RecallStatus.OPEN) & (Recall.steps > 0)
        case "overdue":
            return Recall.status.in_(LIVE) & (
                Recall.due_on < day - timedelta(days=OVERDUE_AFTER_DAYS))
        case "replied" | "booked" | "closed":
            return Recall.status == RecallStatus(show)
    return None


def recall_rows(practice: Practice, *, show: str = "live", provider: Provider | None = None,
                patient: Patient | None = None, now: datetime | None = None
                ) -> list[RecallRow]:
    """The practice's recalls for the list (of one provider, of one patient), earliest due
    first."""
    now = now or utcnow()
    day = today(practice.zone, now)
    query = select(Recall).where(Recall.practice_id == practice.id).options(
        joinedload(Recall.patient), joinedload(Recall.provider),
        joinedload(Recall.appointment_type),
        joinedload(Recall.booked_appointment).joinedload(Appointment.provider),
        selectinload(Recall.notices).joinedload(RecallNotice.message))
    if provider is not None:
        query = query.where(Recall.provider_id == provider.id)
    if patient is not None:
        query = query.where(Recall.patient_id == patient.id)
    if (condition := shown(show, day)) is not None:
        query = query.where(condition)
    rows = []
    for recall in db.session.scalars(query.order_by(Recall.due_on, Recall.id)):
        left = [notice.message for notice in recall.notices if notice.message.status.has_left]
        rows.append(RecallRow(
            recall, len(left), max((m.sent_at or m.created_at for m in left), default=None),
            recall.is_overdue(day, OVERDUE_AFTER_DAYS)))
    return rows



#: The dashboard's recall figures, each a filter of the list it links to.
COUNTED = ("due", "texted", "overdue")


def recall_counts(practice: Practice, now: datetime | None = None) -> dict[str, int]:
    """How many of the practice's recalls each filter of `COUNTED` shows today, in one
    query."""
    now = now or utcnow()
    day = today(practice.zone, now)
    counts = db.session.execute(
        select(*(func.count(Recall.id).filter(shown(show, day)) for show in COUNTED))
        .where(Recall.practice_id == practice.id)).one()
    return dict(zip(COUNTED, counts, strict=True))
