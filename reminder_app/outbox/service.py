"""Putting a text in the outbox, and taking it back out before it leaves."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..clickatell import analyse
from ..extensions import db
from ..models import Appointment, Message, Patient, Practice
from ..models.messages import Direction, MessageKind, MessageStatus, new_client_message_id
from ..models.types import utcnow


class OutboxError(Exception):
    """A text that cannot be queued; the message is for the person."""


def enqueue(practice: Practice, *, to: str, body: str, kind: MessageKind,
            patient: Patient | None = None, appointment: Appointment | None = None,
            dedupe_key: str | None = None, send_after: datetime | None = None,
            expires_at: datetime | None = None, now: datetime | None = None,
            key_is_new: bool = False) -> Message:
    """Queue a text from the practice's number, in the caller's transaction.

    With a `dedupe_key`, queueing the same text twice returns the first row: a callback that
    Clickatell delivers twice gets one answer. A text that has not left by `expires_at` is
    cancelled instead of sent. `key_is_new`: the caller expects no text with this key yet
    (a reminder it has just claimed), so the look-up first is skipped; the key's unique
    index still decides, and a text already there is returned all the same.
    """
    message = new_text(practice, to=to, body=body, kind=kind, patient=patient,
                       appointment=appointment, dedupe_key=dedupe_key, send_after=send_after,
                       expires_at=expires_at, now=now)
    if dedupe_key is not None and not key_is_new:
        existing = find_by_dedupe_key(practice.id, dedupe_key)
        if existing is not None:
            return existing
    return _add(message)


def new_text(practice: Practice, *, to: str, body: str, kind: MessageKind,
             patient: Patient | None = None, appointment: Appointment | None = None,
             dedupe_key: str | None = None, send_after: datetime | None = None,
             expires_at: datetime | None = None, now: datetime | None = None) -> Message:
    """A text for the outbox, checked but not added yet: `enqueue` adds one, `enqueue_all`
    a batch. Raises `OutboxError` if it cannot be sent at all."""
    account = practice.clickatell_account
    if account is None or not account.long_number:
        raise OutboxError("The practice has no two-way number to send from yet.")
    if not body.strip():
        raise OutboxError("The message is empty.")
    now = now or utcnow()
    return Message(
        practice_id=practice.id, patient=patient,
        appointment_id=appointment.id if appointment else None,
        direction=Direction.OUTBOUND, kind=kind, sender=account.long_number, recipient=to,
        body=body, parts=analyse(body).parts, status=MessageStatus.QUEUED,
        client_message_id=new_client_message_id(), dedupe_key=dedupe_key,
        send_after=send_after or now, expires_at=expires_at, created_at=now)


def enqueue_all(texts: list[Message]) -> list[Message]:
    """Queue a batch of `new_text`s whose keys the caller expects to be new (reminders it
    has just claimed) in one flush: one multi-row INSERT, not a SAVEPOINT, INSERT and
    RELEASE per text. If a key was taken after all, the batch is queued text by text
    instead, and the text already there is returned in that one's place, as `enqueue`
    does. In the caller's transaction."""
    try:
        with db.session.begin_nested():
            db.session.add_all(texts)
    except IntegrityError:  # the SAVEPOINT's rollback took the batch's texts back out
        return [_add(text) for text in texts]
    return texts


def _add(message: Message) -> Message:
    """Add one text, or return the one already queued with its dedupe key."""
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        existing = (find_by_dedupe_key(message.practice_id, message.dedupe_key)
                    if message.dedupe_key else None)
        if existing is None:
            raise
        return existing
    return message


def find_by_dedupe_key(practice_id: int, dedupe_key: str) -> Message | None:
    return db.session.scalar(select(Message).where(
        Message.practice_id == practice_id, Message.dedupe_key == dedupe_key))


def cancel_queued(practice_id: int, reason: str, now: datetime, *,
                  ids: Iterable[int] | None = None, recipient: str | None = None,
                  kinds: Iterable[MessageKind] | None = None) -> int:
    """Cancel the practice's texts still waiting in the outbox (by id, or to `recipient`, of
    `kinds`), with the reason, in the caller's transaction. A text a sender has already claimed is
    left alone: it may be leaving. Returns how many were cancelled."""
    if ids is None and recipient is None:
        raise ValueError("cancel_queued needs ids or a recipient")
    query = update(Message).where(Message.practice_id == practice_id,
                                  Message.direction == Direction.OUTBOUND,
                                  Message.status == MessageStatus.QUEUED)
    if ids is not None:
        query = query.where(Message.id.in_(list(ids)))
    if recipient is not None:
        query = query.where(Message.recipient == recipient)
    if kinds is not None:
        query = query.where(Message.kind.in_(list(kinds)))
    return db.session.execute(
        query.values(status=MessageStatus.CANCELLED, status_detail=reason[:300], held_by=None,
                     settled_at=now),
        execution_options={"synchronize_session": False}).rowcount
