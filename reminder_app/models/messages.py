"""Every text in and out of a practice's number, and every callback Clickatell made to us."""

import enum
import secrets
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .clickatell_account import BlockerKind
from .constraints import same_practice, tenant_key
from .patients import Patient
from .types import UTCDateTime, enum_type, utcnow


class Direction(enum.StrEnum):
    INBOUND = "in"
    OUTBOUND = "out"


class MessageKind(enum.StrEnum):
    """Why we sent a text (outbound), or `reply` for what a patient sent us."""

    REMINDER = "reminder"
    AUTO_REPLY = "auto_reply"
    STAFF_REPLY = "staff_reply"
    TEST = "test"
    OFFER = "offer"
    REPLY = "reply"
    LATE_NOTICE = "late_notice"  # the day view's "running late" broadcast
    RECALL = "recall"
    NOTICE = "notice"  # booked / changed / cancelled notices, the no-show follow-up

    @property
    def label(self) -> str:
        """Who wrote the text, as staff read it in a conversation."""
        return {"reminder": "Reminder", "auto_reply": "Automatic answer",
                "staff_reply": "Staff answer", "test": "Test text", "offer": "Offer",
                "reply": "Patient", "late_notice": "Running late", "recall": "Recall",
                "notice": "Notice"}[self.value]


#: The texts a patient reads as being about one of their visits, and may answer: a reply
#: that comes after one of them is about the newest (see `waitlist.offers.LATER_TEXTS` and
#: `recalls.replies.LATER_TEXTS`, each this less its own kind). Not the automatic answers
#: to the patient's own texts, nor staff's words, nor a test text.
ABOUT_A_VISIT = (MessageKind.REMINDER, MessageKind.NOTICE, MessageKind.LATE_NOTICE,
                 MessageKind.RECALL, MessageKind.OFFER)


class MessageStatus(enum.StrEnum):
    """Where a text is. Outbound: queued → sending → sent → delivered, or failed/cancelled."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"
    RECEIVED = "received"

    @property
    def label(self) -> str:
        return "Not sent" if self is MessageStatus.CANCELLED else self.value.capitalize()

    @property
    def is_final(self) -> bool:
        return self in (MessageStatus.DELIVERED, MessageStatus.FAILED, MessageStatus.CANCELLED,
                        MessageStatus.RECEIVED)

    @property
    def has_left(self) -> bool:
        """The text went out, or is leaving right now (a sender has it): the patient may
        have it, so a reply can be about it, and it can no longer be stopped."""
        return self in LEFT_STATUSES


#: `MessageStatus.has_left`, for SQL (`Message.status.in_(LEFT_STATUSES)`).
LEFT_STATUSES = frozenset({MessageStatus.SENDING, MessageStatus.SENT, MessageStatus.DELIVERED})


def new_client_message_id() -> str:
    """Our own id for an outbound text (Clickatell's `climsgid`: ≤32 letters and digits)."""
    return secrets.token_hex(16)


class Message(db.Model):
    """One SMS. Outbound rows are also the outbox: the dispatcher claims `queued` rows, and
    only the outbox (`reminder_app.outbox`) writes them once queued.

    `dedupe_key` makes enqueueing idempotent: the answer to an inbound message is keyed by
    that message's id, so a callback delivered twice still gets one answer.
    """

    __table_args__ = (
        UniqueConstraint("practice_id", "dedupe_key"),
        Index("ix_message_status_send_after", "status", "send_after"),
        # Each long number's queue in due order: the paced claim reads the numbers with
        # queued texts and each one's first due texts from it (outbox/pacing.py).
        Index("ix_message_status_sender_send_after_id", "status", "sender", "send_after",
              "id"),
        Index("ix_message_practice_id_patient_id_created_at", "practice_id", "patient_id",
              "created_at"),
        # Has the practice texted this number (inbound/answer_policy.py)?
        Index("ix_message_practice_id_recipient", "practice_id", "recipient"),
        tenant_key(),
        same_practice("patient_id", "patient"),
        same_practice("appointment_id", "appointment"),
        # What a patient sent us is received, and only that; the rest is a text we send.
        CheckConstraint("(direction = 'in') = (status = 'received')",
                        name="received_iff_inbound"),
        CheckConstraint("(direction = 'in') = (kind = 'reply')", name="reply_iff_inbound"),
        CheckConstraint("parts >= 1", name="parts_positive"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    patient_id: Mapped[int | None] = mapped_column()
    appointment_id: Mapped[int | None] = mapped_column(index=True)
    direction: Mapped[Direction] = mapped_column(enum_type(Direction))
    kind: Mapped[MessageKind] = mapped_column(enum_type(MessageKind))
    sender: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    parts: Mapped[int] = mapped_column(default=1)

    status: Mapped[MessageStatus] = mapped_column(enum_type(MessageStatus))
    status_code: Mapped[str | None] = mapped_column(String(3))
    status_detail: Mapped[str] = mapped_column(String(300), default="")
    client_message_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    gateway_message_id: Mapped[str | None] = mapped_column(String(64), index=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    charge: Mapped[Decimal | None] = mapped_column(Numeric(10, 4))

    send_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: A text that is pointless later (an offer) is cancelled if it has not left by then.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set while the outbox holds a queued text because the account cannot send (no
    #: credit); the first pass after the blocker has gone releases it.
    held_by: Mapped[BlockerKind | None] = mapped_column(enum_type(BlockerKind))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Inbound: when staff read it (or the app answered it completely). None: unread.
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Outbound: when the outbox settled a text that did not leave (cancelled or failed).
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    patient: Mapped[Patient | None] = relationship(foreign_keys=[patient_id])

    def __repr__(self) -> str:
        return f"<Message {self.id} {self.direction.value} {self.kind.value} {self.status.value}>"


class CallbackKind(enum.StrEnum):
    INBOUND = "inbound"
    STATUS = "status"


class CallbackRecord(db.Model):
    """A callback exactly as Clickatell sent it, stored before anything acts on it.

    `dedupe_key` (the inbound message id, or a report's message id and status) is unique
    per account, so a repeated callback is recognised and changes nothing; the same id in
    another practice's callback is another callback (ids are Clickatell's, and nothing
    promises they are unique across accounts).
    """

    __table_args__ = (UniqueConstraint("account_id", "dedupe_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CallbackKind] = mapped_column(enum_type(CallbackKind))
    account_id: Mapped[int] = mapped_column(ForeignKey("clickatell_account.id"))
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    method: Mapped[str] = mapped_column(String(8))
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str] = mapped_column(String(300), default="")
