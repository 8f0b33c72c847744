"""The recall pass: each open recall whose next text is due becomes a text in the outbox,
once per step (the scheduler's job `recalls`, or `flask recalls send-due --at`).

A step is claimed by a conditional UPDATE of the recall (`next_text_at` still due): of two
workers on one recall, one wins and the other's UPDATE matches nothing. The text's dedupe
key and the unique `(recall_id, step)` of `RecallNotice` hold the same line in the database.
What the send policy says (`recalls.policy`, through `outbox.policy.verdict`) decides:

- no consent or opted out: nothing is sent and no step is spent; asked again in a day;
- quiet hours on the patient's clock: the step waits for their end;
- the account not set up: asked again in a few minutes (no credit: queued, the outbox holds it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import MessageKind, Practice, Recall, RecallNotice, RecallStatus
from ..models.clickatell_account import BlockerKind
from ..models.types import utcnow
from ..outbox import OutboxError, enqueue
from ..outbox.policy import Action, Outgoing, verdict
from ..reminders.quiet_hours import recipient_zone
from .service import text_time
from .texts import for_step, render_for

#: How long a recall whose patient cannot be texted waits before it is looked at again.
RECHECK = timedelta(days=1)
#: …and one whose practice cannot send yet.
HOLD = timedelta(minutes=5)
PASS_LIMIT = 200

NOT_TEXTED = "Not texted: {reason}"


@dataclass
class RecallPassResult:
    queued: int = 0
    waiting: int = 0
    not_texted: int = 0

    def summary(self) -> str:
        return (f"recalls: {self.queued} texts queued, {self.waiting} waiting, "
                f"{self.not_texted} not texted")


def _claim(recall_id: int, due_at: datetime, now: datetime) -> bool:
    """Take this recall's due step for this transaction (see the module doc)."""
    return db.session.execute(
        update(Recall).where(Recall.id == recall_id, Recall.status == RecallStatus.OPEN,
                             Recall.next_text_at == due_at, Recall.next_text_at <= now)
        .values(next_text_at=None)
        .execution_options(synchronize_session=False)).rowcount == 1


def send_due(now: datetime | None = None, *, limit: int = PASS_LIMIT) -> RecallPassResult:
    """Queue the text of every recall step due at `now`, in the caller's transaction."""
    now = now or utcnow()
    result = RecallPassResult()
    due = db.session.execute(
        select(Recall.id, Recall.next_text_at)
        .where(Recall.status == RecallStatus.OPEN, Recall.next_text_at <= now)
        .order_by(Recall.next_text_at, Recall.id).limit(limit)).all()
    practices: dict[int, Practice] = {}
    for recall_id, due_at in due:
        if not _claim(recall_id, due_at, now):
            continue  # another worker has it
        recall = db.session.scalar(select(Recall).where(Recall.id == recall_id)
                                   .options(joinedload(Recall.patient))
                                   .execution_options(populate_existing=True))
        practice = practices.get(recall.practice_id) or db.session.get(Practice,
                                                                        recall.practice_id)
        practices[practice.id] = practice
        _text_step(recall, practice, now, result)
    db.session.flush()
    return result


def _text_step(recall: Recall, practice: Practice, now: datetime,
               result: RecallPassResult) -> None:
    patient = recall.patient
    found = verdict(MessageKind.RECALL, Outgoing(practice, patient), now)
    if found is not None and found.action is Action.CANCEL:
        recall.next_text_at, recall.note = now + RECHECK, NOT_TEXTED.format(
            reason=found.reason)
        result.not_texted += 1
        return
    if found is not None and found.action is Action.WAIT:
        recall.next_text_at, recall.note = found.until, found.reason
        result.waiting += 1
        return
    if found is not None and found.blocker.kind is BlockerKind.NOT_SET_UP:
        recall.next_text_at, recall.note = now + HOLD, found.reason
        result.waiting += 1
        return
    step = recall.steps + 1
    try:
        message = enqueue(practice, to=patient.mobile, kind=MessageKind.RECALL,
                          patient=patient, body=render_for(for_step(step), practice, patient),
                          dedupe_key=f"recall:{recall.id}:{step}", now=now)
    except OutboxError as error:
        recall.next_text_at, recall.note = now + HOLD, str(error)
        result.waiting += 1
        return
    db.session.add(RecallNotice(practice_id=practice.id, recall=recall, step=step,
                                message_id=message.id, queued_at=now))
    recall.steps, recall.last_texted_at = step, now
    recall.note = found.reason if found is not None else ""
    recall.next_text_at = _next_step_at(recall, practice, now)
    result.queued += 1


def _next_step_at(recall: Recall, practice: Practice, now: datetime) -> datetime | None:
    """`recall_interval_days` after today, at the texts' time; None after the last step."""
    if recall.steps >= practice.recall_max_texts:
        return None
    day = now.astimezone(recipient_zone(practice, recall.patient)).date()
    return text_time(practice, recall.patient,
                     day + timedelta(days=practice.recall_interval_days))
