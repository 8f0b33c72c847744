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


class RuleKind(enum.StrEnum):
    """When a rule's text goes out: a set time before the visit (the reminders), or as
    something happens to the appointment (the journey notices, `reminders.journey`)."""

    BEFORE_VISIT = "before_visit"
    BOOKED = "booked"
    CHANGED = "changed"  # moved by the practice: the new time
    CANCELLED = "cancelled"  # cancelled by the practice: how to book again
    NO_SHOW = "no_show"  # marked a no-show: "we missed you", R to rebook

    @property
    def label(self) -> str:
        return RULE_KIND_LABELS[self]


RULE_KIND_LABELS = {
    RuleKind.BEFORE_VISIT: "Reminder", RuleKind.BOOKED: "Booked notice",
    RuleKind.CHANGED: "Change notice", RuleKind.CANCELLED: "Cancellation notice",
    RuleKind.NO_SHOW: "No-show follow-up",
}
#: The kinds a practice has one rule of, fixed in place (a negative position: the
#: before-visit rules count up from 1).
JOURNEY_KINDS = (RuleKind.BOOKED, RuleKind.CHANGED, RuleKind.CANCELLED, RuleKind.NO_SHOW)
#: The kinds of which an appointment gets one text at most, ever.
ONCE_KINDS = (RuleKind.BOOKED, RuleKind.CANCELLED, RuleKind.NO_SHOW)


class WhenConfirmed(enum.StrEnum):
    """What a before-visit rule does once the patient confirmed."""

    SEND = "send"  # the reminder as usual
    SKIP = "skip"  # nothing (recorded as skipped, with the reason)
    SHORT = "short"  # a short "see you at 9:30" instead

    @property
    def label(self) -> str:
        return {"send": "Send the reminder as usual", "skip": "Skip it",
                "short": "Send a short “see you at 9:30” instead"}[self.value]


class ReminderRule(db.Model):
    """"Text the patient this long before the appointment", for one practice; or, for the
    other kinds, "text the patient when this happens to the appointment".

    `minutes_before` is the lead time of a before-visit rule; for a booked notice, the
    least lead time worth a notice (an appointment sooner than that gets none).
    `delay_minutes` is how long after the no-show is marked its follow-up goes out.

    A before-visit rule may be scoped to one appointment type and/or one provider: it then
    applies only to their appointments, and for them it takes the place of the less specific
    rules of the same lead time (`reminders.practice_rules.rules_that_apply`). That one idea
    gives a type or a provider its own text, its own extra reminder, or (a scoped rule
    switched off) none.
    """

    __table_args__ = (UniqueConstraint("practice_id", "position"), tenant_key(),
                      CheckConstraint("minutes_before > 0", name="minutes_before_positive"),
                      CheckConstraint("delay_minutes >= 0", name="delay_minutes_not_negative"),
                      same_practice("appointment_type_id", "appointment_type"),
                      same_practice("provider_id", "provider"))

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    kind: Mapped[RuleKind] = mapped_column(enum_type(RuleKind), default=RuleKind.BEFORE_VISIT,
                                           server_default=RuleKind.BEFORE_VISIT.value)
    minutes_before: Mapped[int]
    delay_minutes: Mapped[int] = mapped_column(default=0, server_default="0")
    when_confirmed: Mapped[WhenConfirmed] = mapped_column(
        enum_type(WhenConfirmed), default=WhenConfirmed.SEND,
        server_default=WhenConfirmed.SEND.value)
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
        """"48 hours before", "90 minutes before"; "Booked notice" for the other kinds."""
        if self.kind is RuleKind.BEFORE_VISIT or self.kind is None:
            return f"{describe_duration(self.minutes_before)} before"
        return self.kind.label

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
        # A booked notice, a cancellation notice, a no-show follow-up: once per appointment.
        unique_while("uq_reminder_once_appointment_id_rule_id",
                     "kind IN ('booked', 'cancelled', 'no_show')", "appointment_id", "rule_id"),
        same_practice("appointment_id", "appointment"),
        same_practice("rule_id", "reminder_rule"),
        same_practice("message_id", "message"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    appointment_id: Mapped[int] = mapped_column(index=True)
    rule_id: Mapped[int] = mapped_column(index=True)
    #: The rule's kind, copied (so the database can hold the once-only kinds to once).
    kind: Mapped[RuleKind] = mapped_column(enum_type(RuleKind), default=RuleKind.BEFORE_VISIT,
                                           server_default=RuleKind.BEFORE_VISIT.value)
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
