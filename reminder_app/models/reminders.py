"""Reminder rules, their texts per language, and the reminders themselves.

A reminder is a row, not a scheduler job: booking writes one per enabled rule with the UTC
instant it is due (`send_at`); the dispatcher turns due rows into texts in the outbox.
"""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .appointments import Appointment
from .constraints import same_practice, tenant_key, unique_while
from .patients import Language, Provider
from .types import UTCDateTime, enum_type, utcnow
from .visits import AppointmentType


class ReminderRule(db.Model):
    """"Text the patient this long before the appointment", for one practice.

    A rule may be scoped to one appointment type and/or one provider: it then applies only to
    their appointments, and for them it takes the place of the less specific rules of the same
    lead time (`reminders.practice_rules.rules_that_apply`). That one idea gives a type or a
    provider its own text, its own extra reminder, or (a scoped rule switched off) none.
    """

    __table_args__ = (UniqueConstraint("practice_id", "position"), tenant_key(),
                      CheckConstraint("minutes_before > 0", name="minutes_before_positive"),
                      same_practice("appointment_type_id", "appointment_type"),
                      same_practice("provider_id", "provider"))

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    minutes_before: Mapped[int]
    enabled: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Only for appointments of this type / with this provider (None: any).
    appointment_type_id: Mapped[int | None] = mapped_column(index=True)
    provider_id: Mapped[int | None] = mapped_column(index=True)

    appointment_type: Mapped[AppointmentType | None] = relationship(
        foreign_keys=[appointment_type_id])
    provider: Mapped[Provider | None] = relationship(foreign_keys=[provider_id])
    templates: Mapped[list["ReminderTemplate"]] = relationship(
        back_populates="rule", cascade="all, delete-orphan", order_by="ReminderTemplate.language")

    @property
    def label(self) -> str:
        """"48 hours before", "90 minutes before", "2 days 3 hours before"."""
        return f"{describe_duration(self.minutes_before)} before"

    @property
    def is_scoped(self) -> bool:
        return self.appointment_type_id is not None or self.provider_id is not None

    @property
    def specificity(self) -> int:
        """How narrowly it is scoped: a type counts more than a provider, both most."""
        return ((2 if self.appointment_type_id is not None else 0)
                + (1 if self.provider_id is not None else 0))

    def applies_to(self, appointment: Appointment) -> bool:
        """Its scopes (if any) match the appointment's type and provider (read through the
        relationships: an appointment being booked or changed has no flushed ids yet)."""
        kind, provider = appointment.appointment_type, appointment.provider
        return ((self.appointment_type_id is None
                 or (kind is not None and self.appointment_type_id == kind.id))
                and (self.provider_id is None
                     or (provider is not None and self.provider_id == provider.id)))

    @property
    def scope_label(self) -> str:
        """"All appointments", "Phone consultation", "Dr. Reyes", "Checkup with Dr. Reyes"."""
        parts = []
        if self.appointment_type is not None:
            parts.append(self.appointment_type.name)
        if self.provider is not None:
            parts.append(("with " if parts else "") + self.provider.name)
        return " ".join(parts) or "All appointments"

    def template_for(self, language: Language) -> "ReminderTemplate | None":
        by_language = {template.language: template for template in self.templates}
        return by_language.get(Language(language)) or by_language.get(Language.EN)

    def __repr__(self) -> str:
        return f"<ReminderRule {self.id} {self.label} {'on' if self.enabled else 'off'}>"


def describe_duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


class ReminderTemplate(db.Model):
    """The text of one rule in one language, with placeholders (see `reminders.templates`)."""

    __table_args__ = (UniqueConstraint("rule_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("reminder_rule.id"))
    language: Mapped[Language] = mapped_column(enum_type(Language))
    body: Mapped[str] = mapped_column(Text)

    rule: Mapped[ReminderRule] = relationship(back_populates="templates")


class ReminderStatus(enum.StrEnum):
    """pending → queued (a text in the outbox) → sent → delivered; or failed, skipped
    (never to be sent, with the reason), cancelled (the appointment moved or was cancelled)."""

    PENDING = "pending"
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def is_ahead(self) -> bool:
        """Not gone out yet, and still meant to: staff see when it will."""
        return self in (ReminderStatus.PENDING, ReminderStatus.QUEUED)

    @property
    def went_out(self) -> bool:
        """A text was (or is being) sent for it."""
        return self in (ReminderStatus.QUEUED, ReminderStatus.SENT, ReminderStatus.DELIVERED,
                        ReminderStatus.FAILED)


class Reminder(db.Model):
    """One reminder of one appointment, by one rule, due at `send_at` (UTC).

    `appointment_starts_at` is the appointment time the reminder announces: after a move, a
    reminder that already went out announced the old time, and the rule gets a new one.
    """

    __table_args__ = (
        Index("ix_reminder_status_send_at", "status", "send_at"),
        # One reminder still to send per rule: a move rewrites it, or (once one went out)
        # adds a new one (`reminders.planning.replan`).
        unique_while("uq_reminder_pending_appointment_id_rule_id", "status = 'pending'",
                     "appointment_id", "rule_id"),
        same_practice("appointment_id", "appointment"),
        same_practice("rule_id", "reminder_rule"),
        same_practice("message_id", "message"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    appointment_id: Mapped[int] = mapped_column(index=True)
    rule_id: Mapped[int] = mapped_column(index=True)
    send_at: Mapped[datetime] = mapped_column(UTCDateTime)
    appointment_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[ReminderStatus] = mapped_column(enum_type(ReminderStatus),
                                                   default=ReminderStatus.PENDING)
    reason: Mapped[str] = mapped_column(String(300), default="")
    message_id: Mapped[int | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    appointment: Mapped[Appointment] = relationship(foreign_keys=[appointment_id])
    rule: Mapped[ReminderRule] = relationship(foreign_keys=[rule_id])

    def __repr__(self) -> str:
        return f"<Reminder {self.id} {self.send_at:%Y-%m-%d %H:%M}Z {self.status.value}>"
