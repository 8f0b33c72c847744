"""The waitlist, and the offers that fill a cancelled slot from it.

A `WaitlistEntry` says who would come sooner, to which providers, and when they can. When
an appointment is cancelled, the time it leaves is a `FreedSlot`; each text offering it to
one waitlisted patient is an `Offer`. The rules that move them live in `waitlist/offers.py`.
"""

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .appointments import Appointment
from .constraints import same_practice, tenant_key, unique_while
from .patients import Patient, Provider
from .types import UTCDateTime, enum_type, utcnow

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: Monday to Friday, as a bit per day (Monday is bit 0, as `date.weekday()` counts).
WORKING_DAYS = 0b0011111


class Priority(enum.IntEnum):
    """Who is offered a slot first; a lower number goes first."""

    HIGH = 1
    NORMAL = 2
    LOW = 3

    @property
    def label(self) -> str:
        return self.name.capitalize()


waitlist_entry_provider = Table(
    "waitlist_entry_provider", db.metadata,
    Column("entry_id", ForeignKey("waitlist_entry.id", ondelete="CASCADE"), primary_key=True),
    Column("provider_id", ForeignKey("provider.id"), primary_key=True, index=True),
)


class WaitlistEntry(db.Model):
    """A patient who would take an earlier appointment with any of `providers`, and when
    they can come: on `weekdays`, starting no earlier than `earliest_time` and ending by
    `latest_time` (the practice's local time), from `available_from`, given at least
    `notice_minutes` of notice."""

    __table_args__ = (
        # One entry per patient on the list: staff change it (`waitlist.service.add`).
        unique_while("uq_waitlist_entry_active_patient_id", "removed_at IS NULL",
                     "patient_id"),
        tenant_key(),
        same_practice("patient_id", "patient"),
        CheckConstraint("priority BETWEEN 1 AND 3", name="priority_known"),
        CheckConstraint("weekdays BETWEEN 1 AND 127", name="weekdays_some_day"),
        CheckConstraint("earliest_time < latest_time", name="latest_after_earliest"),
        CheckConstraint("notice_minutes >= 0", name="notice_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    patient_id: Mapped[int] = mapped_column(index=True)
    priority: Mapped[int] = mapped_column(default=Priority.NORMAL)
    weekdays: Mapped[int] = mapped_column(default=WORKING_DAYS)
    earliest_time: Mapped[time] = mapped_column(Time, default=time(8, 0))
    latest_time: Mapped[time] = mapped_column(Time, default=time(18, 0))
    available_from: Mapped[date | None] = mapped_column(Date)
    notice_minutes: Mapped[int] = mapped_column(default=120)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Set when the patient leaves the list (booked from it, opted out, removed by staff).
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_reason: Mapped[str] = mapped_column(String(200), default="")

    patient: Mapped[Patient] = relationship(foreign_keys=[patient_id])
    providers: Mapped[list[Provider]] = relationship(secondary=waitlist_entry_provider,
                                                     order_by=Provider.name)

    @property
    def is_active(self) -> bool:
        return self.removed_at is None

    @property
    def priority_label(self) -> str:
        return Priority(self.priority).label

    @property
    def day_names(self) -> list[str]:
        return [name for bit, name in enumerate(WEEKDAYS) if self.weekdays & (1 << bit)]

    def remove(self, reason: str, now: datetime) -> None:
        if self.removed_at is None:
            self.removed_at, self.removed_reason = now, reason

    def __repr__(self) -> str:
        return f"<WaitlistEntry {self.id} patient={self.patient_id}>"


class SlotStatus(enum.StrEnum):
    OFFERING = "offering"
    FILLED = "filled"
    UNFILLED = "unfilled"
    STOPPED = "stopped"
    NOT_OFFERED = "not_offered"

    @property
    def label(self) -> str:
        return {"offering": "Offering to the waitlist", "filled": "Refilled from the waitlist",
                "unfilled": "Not refilled", "stopped": "Offering stopped",
                "not_offered": "Not offered"}[self.value]


class FreedSlot(db.Model):
    """The time a cancelled appointment left free, and how offering it went.

    `version` is bumped by every change to the slot or its offers; that write is the lock
    which puts concurrent answers to its offers in a line (see `waitlist/offers.py`).
    """

    __table_args__ = (
        Index("ix_freed_slot_status_next_wave_at", "status", "next_wave_at"),
        tenant_key(),
        same_practice("provider_id", "provider"),
        same_practice("appointment_id", "appointment"),
        same_practice("filled_appointment_id", "appointment"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        CheckConstraint("waves >= 0", name="waves_not_negative"),
        # Offering until it is closed (`close`), with the time it was.
        CheckConstraint("(status = 'offering') = (closed_at IS NULL)",
                        name="closed_unless_offering"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    provider_id: Mapped[int] = mapped_column()
    appointment_id: Mapped[int] = mapped_column(unique=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int]
    status: Mapped[SlotStatus] = mapped_column(enum_type(SlotStatus))
    reason: Mapped[str] = mapped_column(String(200), default="")
    waves: Mapped[int] = mapped_column(default=0)
    next_wave_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    filled_appointment_id: Mapped[int | None] = mapped_column()
    version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    provider: Mapped[Provider] = relationship(foreign_keys=[provider_id])
    appointment: Mapped[Appointment] = relationship(foreign_keys=[appointment_id])
    filled_appointment: Mapped[Appointment | None] = relationship(
        foreign_keys=[filled_appointment_id])
    offers: Mapped[list["Offer"]] = relationship(back_populates="slot", order_by="Offer.id",
                                                 foreign_keys="Offer.slot_id")

    def close(self, status: SlotStatus, reason: str, now: datetime) -> None:
        self.status, self.reason, self.closed_at, self.next_wave_at = status, reason, now, None

    @property
    def is_filled(self) -> bool:
        """Someone from the waitlist took the time: it is no longer free."""
        return self.status is SlotStatus.FILLED

    @property
    def is_offering(self) -> bool:
        return self.status is SlotStatus.OFFERING

    @property
    def open_offers(self) -> list["Offer"]:
        """The offers still waiting for an answer."""
        return [offer for offer in self.offers if offer.status is OfferStatus.OPEN]

    @property
    def taker(self) -> Patient | None:
        """The waitlisted patient who took the time, if one did."""
        return next((offer.patient for offer in self.offers
                     if offer.status is OfferStatus.ACCEPTED), None)

    @property
    def answered_offers(self) -> list["Offer"]:
        """Earlier offers that ended without taking the time (said no, expired, closed…)."""
        return [offer for offer in self.offers
                if offer.status not in (OfferStatus.OPEN, OfferStatus.ACCEPTED)]

    def __repr__(self) -> str:
        return f"<FreedSlot {self.id} {self.starts_at:%Y-%m-%d %H:%M}Z {self.status.value}>"


class OfferStatus(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    TAKEN = "taken"  # someone else took the slot first
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"  # the patient opted out
    CLOSED = "closed"  # staff stopped offering, or the slot came too close

    @property
    def label(self) -> str:
        return {"open": "Offered", "accepted": "Took it", "declined": "Said no",
                "taken": "Too late: taken", "expired": "No answer in time",
                "withdrawn": "Opted out", "closed": "Offer closed"}[self.value]


class Offer(db.Model):
    """One text offering a freed slot to one waitlisted patient, open until `expires_at`."""

    __table_args__ = (
        UniqueConstraint("slot_id", "patient_id"),
        Index("ix_offer_patient_id_offered_at", "patient_id", "offered_at"),
        # A patient holds one open offer at a time, so a YES is never ambiguous (an offer
        # past its hold stays open until its slot's next wave expires it: see `candidates`).
        unique_while("uq_offer_open_patient_id", "status = 'open'", "patient_id"),
        same_practice("slot_id", "freed_slot"),
        same_practice("patient_id", "patient"),
        same_practice("entry_id", "waitlist_entry"),
        same_practice("message_id", "message"),
        CheckConstraint("wave >= 1", name="wave_positive"),
        CheckConstraint("expires_at > offered_at", name="expires_after_offered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    slot_id: Mapped[int] = mapped_column()
    patient_id: Mapped[int] = mapped_column()
    entry_id: Mapped[int] = mapped_column()
    message_id: Mapped[int | None] = mapped_column()
    wave: Mapped[int]
    status: Mapped[OfferStatus] = mapped_column(enum_type(OfferStatus),
                                                default=OfferStatus.OPEN)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    slot: Mapped[FreedSlot] = relationship(back_populates="offers", foreign_keys=[slot_id])
    patient: Mapped[Patient] = relationship(foreign_keys=[patient_id])
    entry: Mapped[WaitlistEntry] = relationship(foreign_keys=[entry_id])

    def __repr__(self) -> str:
        return f"<Offer {self.id} slot={self.slot_id} patient={self.patient_id} {self.status}>"
