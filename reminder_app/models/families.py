"""Several patients on one mobile (a parent for children), or several visits on one phone:
the reply code each such visit carries, and the "which one?" question a reply may need.

A `ReplyCode` is a small number, unique among the visits on one phone of one practice,
that a reminder names ("Reply C2 to confirm") when that phone has several visits coming, so
that a reply names its visit. A `ReplyQuestion` is what the app asks when a reply could
mean several visits ("Reply 1 for Emma Tue 9:00 AM, 2 for Noah Tue 9:30 AM"); its options
are those visits, numbered by their reply codes. The rules live in
`reminders/reply_codes.py` and `inbound/which_visit.py`; docs/replies.md tells staff.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .appointments import Appointment
from .constraints import same_practice, tenant_key, unique_while
from .keywords import Intent
from .types import UTCDateTime, enum_type


class ReplyCode(db.Model):
    """The number that names `appointment` in replies from `mobile` (the phone it was given
    for: a code means nothing from another phone). One appointment keeps one code; a code is
    given again only once the visit it named is over (`reminders/reply_codes.py`)."""

    __table_args__ = (
        UniqueConstraint("practice_id", "mobile", "code"),
        UniqueConstraint("appointment_id"),
        same_practice("appointment_id", "appointment"),
        CheckConstraint("code BETWEEN 1 AND 99", name="code_two_digits"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    mobile: Mapped[str] = mapped_column(String(20))  # E.164
    code: Mapped[int] = mapped_column()
    appointment_id: Mapped[int] = mapped_column()
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)

    appointment: Mapped[Appointment] = relationship(foreign_keys=[appointment_id])

    def __repr__(self) -> str:
        return f"<ReplyCode {self.code} appointment {self.appointment_id}>"


class QuestionStatus(enum.StrEnum):
    """Where a "which one?" question is: open until answered, or until it ends."""

    OPEN = "open"
    ANSWERED = "answered"
    EXPIRED = "expired"
    REPLACED = "replaced"  # a newer question to the same phone took its place
    WITHDRAWN = "withdrawn"  # the phone opted out


class ReplyQuestion(db.Model):
    """The app asked the phone `mobile` which visit its reply `message_id` was about. The
    answer applies the reply's `intent` (or the letter given with the number) to the visit
    chosen. At most one question is open per phone and practice."""

    __table_args__ = (
        unique_while("uq_reply_question_open_mobile", "status = 'open'",
                     "practice_id", "mobile"),
        tenant_key(),
        same_practice("chosen_appointment_id", "appointment"),
        CheckConstraint("intent IN ('confirm', 'cancel_appointment', 'reschedule')",
                        name="intent_about_a_visit"),
        CheckConstraint("(status = 'answered') = (chosen_appointment_id IS NOT NULL)",
                        name="chosen_iff_answered"),
        CheckConstraint("expires_at > asked_at", name="expires_after_asked"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    mobile: Mapped[str] = mapped_column(String(20))  # E.164
    #: The reply that raised the question, and the question text we queued.
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), unique=True)
    question_message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))
    intent: Mapped[Intent] = mapped_column(enum_type(Intent))
    status: Mapped[QuestionStatus] = mapped_column(enum_type(QuestionStatus),
                                                   default=QuestionStatus.OPEN)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer_message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))
    chosen_appointment_id: Mapped[int | None] = mapped_column()

    chosen: Mapped[Appointment | None] = relationship(foreign_keys=[chosen_appointment_id],
                                                      viewonly=True)
    options: Mapped[list[QuestionOption]] = relationship(
        back_populates="question", order_by="QuestionOption.code",
        cascade="all, delete-orphan")

    def option(self, code: int) -> QuestionOption | None:
        return next((option for option in self.options if option.code == code), None)

    def close(self, status: QuestionStatus, now: datetime, *,
              answer_message_id: int | None = None,
              appointment: Appointment | None = None) -> None:
        self.status, self.closed_at = status, now
        self.answer_message_id = answer_message_id
        self.chosen_appointment_id = appointment.id if appointment is not None else None

    def __repr__(self) -> str:
        return f"<ReplyQuestion {self.id} {self.intent.value} {self.status.value}>"


class QuestionOption(db.Model):
    """One visit a question offered, under the number the patient answers with (the
    visit's reply code when it was asked)."""

    __table_args__ = (
        UniqueConstraint("question_id", "code"),
        Index("ix_question_option_appointment_id", "appointment_id"),
        same_practice("question_id", "reply_question"),
        same_practice("appointment_id", "appointment"),
        CheckConstraint("code BETWEEN 1 AND 99", name="code_two_digits"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    question_id: Mapped[int] = mapped_column()
    code: Mapped[int] = mapped_column()
    appointment_id: Mapped[int] = mapped_column()

    question: Mapped[ReplyQuestion] = relationship(back_populates="options",
                                                   foreign_keys=[question_id])
    appointment: Mapped[Appointment] = relationship(foreign_keys=[appointment_id])
