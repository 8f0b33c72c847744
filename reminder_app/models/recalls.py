"""Recalls: a patient due for a visit with no appointment yet ("6-month check-up", "Annual
physical"), and each text that asks them to book it.

A `Recall` is open until the patient books (an appointment that `recalls.service.
recall_ended_by` says ends it), replies, or staff close it. While open it is texted when its
due day comes, then again every `Practice.recall_interval_days`, at most
`Practice.recall_max_texts` times; each of those texts is one `RecallNotice` row, unique per
step, so a step is texted once whichever worker gets there (`recalls/texting.py`).
"""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .appointments import Appointment
from .constraints import same_practice, tenant_key, unique_while
from .messages import Message
from .patients import Patient, Provider
from .types import UTCDateTime, enum_type, utcnow
from .visits import AppointmentType

#: Ordinary recall reasons, offered in the form (staff may type another).
COMMON_REASONS = ("6-month check-up", "Annual physical", "Dental cleaning", "Eye exam",
                  "Follow-up visit")


class RecallStatus(enum.StrEnum):
    """open (due or coming due: texted on its steps) → booked, replied (staff call them;
    a booking still ends it) or closed by staff."""

    OPEN = "open"
    REPLIED = "replied"
    BOOKED = "booked"
    CLOSED = "closed"

    @property
    def is_live(self) -> bool:
        """Not settled yet: a booking still ends it."""
        return self in (RecallStatus.OPEN, RecallStatus.REPLIED)


class Recall(db.Model):
    """One patient due for one kind of visit from `due_on` (the practice's calendar day)."""

    __table_args__ = (
        Index("ix_recall_status_next_text_at", "status", "next_text_at"),
        Index("ix_recall_practice_id_due_on", "practice_id", "due_on"),
        # One live recall per patient and reason: staff change its date rather than add one.
        unique_while("uq_recall_live_patient_id_reason", "status IN ('open', 'replied')",
                     "patient_id", "reason"),
        tenant_key(),
        same_practice("patient_id", "patient"),
        same_practice("provider_id", "provider"),
        same_practice("appointment_type_id", "appointment_type"),
        same_practice("booked_appointment_id", "appointment"),
        same_practice("reply_message_id", "message"),
        CheckConstraint("steps >= 0", name="steps_not_negative"),
        CheckConstraint("(status = 'booked') = (booked_appointment_id IS NOT NULL)",
                        name="booked_iff_appointment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    patient_id: Mapped[int] = mapped_column(index=True)
    #: The provider the patient should see; None: any.
    provider_id: Mapped[int | None] = mapped_column()
    #: The kind of visit that ends it; None: any appointment does.
    appointment_type_id: Mapped[int | None] = mapped_column()
    reason: Mapped[str] = mapped_column(String(80))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[RecallStatus] = mapped_column(enum_type(RecallStatus),
                                                 default=RecallStatus.OPEN)
    #: When the next text is due (UTC); None when no more will be sent.
    next_text_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Steps texted so far (each queued once in the outbox), and when the last was.
    steps: Mapped[int] = mapped_column(default=0)
    last_texted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why the last step was not texted (no consent, opted out), for staff.
    note: Mapped[str] = mapped_column(String(300), default="")
    booked_appointment_id: Mapped[int | None] = mapped_column()
    reply_message_id: Mapped[int | None] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    patient: Mapped[Patient] = relationship(foreign_keys=[patient_id])
    provider: Mapped[Provider | None] = relationship(foreign_keys=[provider_id])
    appointment_type: Mapped[AppointmentType | None] = relationship(
        foreign_keys=[appointment_type_id])
    booked_appointment: Mapped[Appointment | None] = relationship(
        foreign_keys=[booked_appointment_id])
    reply_message: Mapped[Message | None] = relationship(foreign_keys=[reply_message_id])
    notices: Mapped[list["RecallNotice"]] = relationship(
        back_populates="recall", order_by="RecallNotice.step",
        foreign_keys="RecallNotice.recall_id")

    def is_overdue(self, today: date, overdue_after_days: int) -> bool:
        """Still not booked this many days after it was due."""
        return self.status.is_live and (today - self.due_on).days > overdue_after_days

    def __repr__(self) -> str:
        return f"<Recall {self.id} patient={self.patient_id} {self.due_on} {self.status.value}>"


class RecallNotice(db.Model):
    """The text of one step of a recall (1: it is due, 2…: again), queued once."""

    __table_args__ = (
        UniqueConstraint("recall_id", "step"),
        same_practice("recall_id", "recall"),
        same_practice("message_id", "message"),
        CheckConstraint("step >= 1", name="step_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    recall_id: Mapped[int] = mapped_column()
    step: Mapped[int]
    message_id: Mapped[int] = mapped_column(index=True)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime)

    recall: Mapped[Recall] = relationship(back_populates="notices", foreign_keys=[recall_id])
    message: Mapped[Message] = relationship(foreign_keys=[message_id])
