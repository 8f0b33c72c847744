"""The audit trail of what staff did: one row per change made through the staff app or the
API, and per export. With the event record (`models/events.py`, appointment changes and
reply readings) and the sign-in attempts (`LoginAttempt`), it answers HIPAA's audit controls:
who did what, to which record, when and from where."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class AuditEntry(db.Model):
    """Written after the change has been committed, so it never records what did not
    happen; only added, never changed."""

    __table_args__ = (Index("ix_audit_entry_practice_id_at", "practice_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: "staff" (a signed-in person) or "api_token"; the id and the name as they were then.
    actor_kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None]
    actor_label: Mapped[str] = mapped_column(String(200))
    #: What was done, in words ("Changed the practice's details"), and the route's name.
    action: Mapped[str] = mapped_column(String(200))
    endpoint: Mapped[str] = mapped_column(String(100))
    #: The records the request named ("appointment 12"), never their contents.
    target: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(45), default="")
