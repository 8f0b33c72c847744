"""Data retention: after `RETENTION_DAYS`, what a patient wrote and their number leave the
old texts and callbacks (`flask purge-old-texts`).

The rows stay, with their kind, status, times, patient and appointment links and events, so
every count the dashboard shows (reminders sent and failed, confirmations, replies read,
credit used) is the same afterwards; only the words and the phone numbers are gone. Texts
still waiting to leave are never touched, nor callbacks not yet processed.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, or_, select, update

from .extensions import db
from .models import (
    Appointment,
    CallbackRecord,
    Direction,
    Message,
    MessageStatus,
    QuestionStatus,
    ReplyCode,
    ReplyQuestion,
)

#: What an old text's body becomes (a conversation then shows this instead of the words).
REMOVED_BODY = "[removed after the retention period]"
NOT_FINISHED = (MessageStatus.QUEUED, MessageStatus.SENDING)


@dataclass
class Purge:
    texts: int
    callbacks: int


def purge_old_texts(days: int, now: datetime) -> Purge:
    """Strip bodies and patients' numbers from texts and callbacks older than `days` (the
    caller commits). Running it again changes nothing more."""
    if days < 1:
        raise ValueError("keep at least one day of texts")
    cutoff = now - timedelta(days=days)
    texts = db.session.execute(
        update(Message)
        .where(Message.created_at < cutoff, Message.status.not_in(NOT_FINISHED),
               Message.body != REMOVED_BODY)
        .values(body=REMOVED_BODY,
                # the patient's side of the text: who we wrote to, or who wrote to us
                recipient=case((Message.direction == Direction.OUTBOUND, ""),
                               else_=Message.recipient),
                sender=case((Message.direction == Direction.INBOUND, ""), else_=Message.sender))
        .execution_options(synchronize_session=False)).rowcount
    callbacks = db.session.execute(
        update(CallbackRecord)
        .where(CallbackRecord.received_at < cutoff, CallbackRecord.payload != "",
               or_(CallbackRecord.processed_at.is_not(None), CallbackRecord.error != ""))
        .values(payload="")
        .execution_options(synchronize_session=False)).rowcount
    _forget_old_phones(cutoff)
    return Purge(texts, callbacks)


def _forget_old_phones(cutoff: datetime) -> None:
    """Families (issue 19): the phone a reply code or a "which visit?" question was for goes
    too. A code whose visit began before the cutoff names nothing any more: it is removed (a
    blank number would clash with another's); a closed question keeps its row, not its
    number."""
    over = select(Appointment.id).where(Appointment.starts_at < cutoff)
    db.session.execute(delete(ReplyCode).where(ReplyCode.appointment_id.in_(over))
                       .execution_options(synchronize_session=False))
    db.session.execute(
        update(ReplyQuestion)
        .where(ReplyQuestion.asked_at < cutoff, ReplyQuestion.status != QuestionStatus.OPEN,
               ReplyQuestion.mobile != "")
        .values(mobile="").execution_options(synchronize_session=False))
