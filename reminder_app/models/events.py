"""What happened, recorded once as it happened: the append-only event record.

Every change to an appointment is an `Event` with its `Actor` (who did it: a staff member,
the patient by SMS, an API token, the waitlist, the system), and so is every reading of a
patient's reply (what it was read as, against which appointment or waitlist offer, and the
word that matched). History, the dashboard's past figures and the conversation view read
these rows; none of them re-reads old text with today's rules.

Rows are only ever added: the model's one write API is `Event.record_change` /
`Event.record_reading`, and a flush that would update or delete an event raises
`AppendOnly` (the migration adds an UPDATE trigger at the database too).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy import event as orm_event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .appointments import Appointment, AppointmentStatus
from .keywords import Intent
from .types import UTCDateTime, enum_type


class ActorKind(enum.StrEnum):
    STAFF = "staff"
    PATIENT = "patient"
    API_TOKEN = "api_token"
    WAITLIST = "waitlist"
    SYSTEM = "system"
    UNKNOWN = "unknown"  # rows from before the event record (the migration's backfill)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something: kind, the id of the staff user, patient or API token (None for
    the waitlist, the system and the unknown), and a label kept as it was at the time (a
    staff member may leave, a token be renamed)."""

    kind: ActorKind
    id: int | None = None
    label: str = ""

    @classmethod
    def staff(cls, user) -> Actor:
        return cls(ActorKind.STAFF, user.id, user.name)

    @classmethod
    def patient(cls, patient) -> Actor:
        return cls(ActorKind.PATIENT, patient.id, patient.full_name)

    @classmethod
    def unknown_sender(cls) -> Actor:
        return cls(ActorKind.PATIENT, None, "an unknown number")

    @classmethod
    def api_token(cls, token) -> Actor:
        return cls(ActorKind.API_TOKEN, token.id, token.name)

    def describe(self) -> str:
        """The actor as the end of a sentence: "Booked by Ana Lopez (staff)"."""
        match self.kind:
            case ActorKind.STAFF:
                return f"by {self.label} (staff)"
            case ActorKind.PATIENT if self.id is None:
                return f"by {self.label} by SMS"
            case ActorKind.PATIENT:
                return "by the patient by SMS"
            case ActorKind.API_TOKEN:
                return f"via the API (token '{self.label}')"
            case ActorKind.WAITLIST:
                return "from the waitlist"
            case ActorKind.SYSTEM:
                return "by the system"
        return "by someone unknown (before the event record)"


WAITLIST = Actor(ActorKind.WAITLIST, label="the waitlist")
SYSTEM = Actor(ActorKind.SYSTEM, label="the system")
UNKNOWN = Actor(ActorKind.UNKNOWN, label="unknown (before the event record)")


class EventKind(enum.StrEnum):
    BOOKED = "booked"
    MOVED = "moved"  # a new start or provider
    CHANGED = "changed"  # length or reason
    CONFIRMED = "confirmed"
    RESCHEDULE_REQUESTED = "reschedule_requested"
    CANCELLED = "cancelled"  # `status` says by whom: the patient or the practice
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    REPLY_READ = "reply_read"
    LATE_NOTICE = "late_notice"  # a "running late" text queued for the appointment

    @property
    def label(self) -> str:
        return EVENT_LABELS[self]


EVENT_LABELS = {
    EventKind.BOOKED: "Booked", EventKind.MOVED: "Moved", EventKind.CHANGED: "Changed",
    EventKind.CONFIRMED: "Confirmed", EventKind.RESCHEDULE_REQUESTED: "Reschedule requested",
    EventKind.CANCELLED: "Cancelled", EventKind.COMPLETED: "Marked completed",
    EventKind.NO_SHOW: "Marked a no-show", EventKind.REPLY_READ: "Reply read",
    EventKind.LATE_NOTICE: "Texted that the practice is running late",
}


class AppendOnly(Exception):
    """Something tried to change or remove a recorded event."""


class Event(db.Model):
    """One thing that happened. Appointment changes carry `appointment_id` and the status
    and time they left it with; a reply's reading carries `message_id` (once per message),
    its `intent`, the `matched_word` and what it was read against (`appointment_id` or
    `offer_id`, with `accepted` for a YES or NO to an offer)."""

    __table_args__ = (
        Index("ix_event_practice_id_kind_at", "practice_id", "kind", "at"),
        Index("ix_event_appointment_id_at", "appointment_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Not foreign keys: the record outlives a removed staff member or token.
    actor_kind: Mapped[ActorKind] = mapped_column(enum_type(ActorKind))
    actor_id: Mapped[int | None]
    actor_label: Mapped[str] = mapped_column(String(200))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id"))
    status: Mapped[AppointmentStatus | None] = mapped_column(enum_type(AppointmentStatus))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    previous_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"), unique=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offer.id"))
    intent: Mapped[Intent | None] = mapped_column(enum_type(Intent))
    matched_word: Mapped[str | None] = mapped_column(String(40))
    practice_word: Mapped[bool | None]
    accepted: Mapped[bool | None]

    appointment: Mapped[Appointment | None] = relationship()

    @property
    def actor(self) -> Actor:
        return Actor(self.actor_kind, self.actor_id, self.actor_label)

    @property
    def summary(self) -> str:
        """ "Cancelled by the patient by SMS": what happened, and who did it."""
        return f"{self.kind.label} {self.actor.describe()}"

    @property
    def reading_label(self) -> str:
        return reading_label(self.intent, self.accepted)

    @classmethod
    def record_change(cls, appointment: Appointment, kind: EventKind, actor: Actor,
                      now: datetime, *, previous_starts_at: datetime | None = None) -> Event:
        """Record a change just made to `appointment` (in the caller's transaction)."""
        event = cls(practice_id=appointment.practice_id, kind=kind, at=now,
                    appointment=appointment, status=appointment.status,
                    starts_at=appointment.starts_at, previous_starts_at=previous_starts_at,
                    provider_id=appointment.provider_id if appointment.provider_id is not None
                    else appointment.provider.id, **_actor_columns(actor))
        db.session.add(event)
        return event

    @classmethod
    def record_reading(cls, message, reading, actor: Actor, now: datetime, *,
                       appointment: Appointment | None = None, offer=None,
                       accepted: bool | None = None) -> Event:
        """Record how the reply `message` was read (`understanding.Reading`), and against
        what: the appointment it was about, or the waitlist offer it answered."""
        matched = reading.intent is not Intent.FREE_TEXT
        event = cls(practice_id=message.practice_id, kind=EventKind.REPLY_READ, at=now,
                    message_id=message.id, appointment=appointment,
                    offer_id=offer.id if offer is not None else None, accepted=accepted,
                    intent=reading.intent, matched_word=reading.word if matched else None,
                    practice_word=reading.practice_word if matched else None,
                    **_actor_columns(actor))
        db.session.add(event)
        return event


def reading_label(intent: Intent | None, accepted: bool | None) -> str:
    """How a reply was read, in its context, for staff: an answer to a waitlist offer
    (`accepted` set) says so, whatever word it used."""
    if accepted is not None:
        return "Yes to a waitlist offer" if accepted else "No to a waitlist offer"
    return (intent or Intent.FREE_TEXT).label


def _actor_columns(actor: Actor) -> dict:
    return {"actor_kind": actor.kind, "actor_id": actor.id, "actor_label": actor.label[:200]}


@orm_event.listens_for(Event, "before_update")
@orm_event.listens_for(Event, "before_delete")
def _refuse_changes(mapper, connection, target: Event) -> None:
    raise AppendOnly(f"event {target.id} is part of the record: it cannot be changed "
                     "or removed")
