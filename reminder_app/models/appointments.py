"""Appointments, and the few ways their status may change."""

import enum
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .constraints import same_practice, tenant_key
from .patients import Patient, Provider
from .types import UTCDateTime, enum_type, utcnow
from .visits import AppointmentType, Location, site_zone


class AppointmentStatus(enum.StrEnum):
    BOOKED = "booked"
    CONFIRMED = "confirmed"
    CANCELLED_BY_PATIENT = "cancelled_by_patient"
    CANCELLED_BY_STAFF = "cancelled_by_staff"
    RESCHEDULE_REQUESTED = "reschedule_requested"
    COMPLETED = "completed"
    NO_SHOW = "no_show"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def is_open(self) -> bool:
        """Still ahead of us: it can be confirmed, moved or cancelled."""
        return self in OPEN_STATUSES

    @property
    def is_cancelled(self) -> bool:
        return self in (AppointmentStatus.CANCELLED_BY_PATIENT,
                        AppointmentStatus.CANCELLED_BY_STAFF)


STATUS_LABELS = {
    AppointmentStatus.BOOKED: "Booked",
    AppointmentStatus.CONFIRMED: "Confirmed",
    AppointmentStatus.CANCELLED_BY_PATIENT: "Cancelled by patient",
    AppointmentStatus.CANCELLED_BY_STAFF: "Cancelled by practice",
    AppointmentStatus.RESCHEDULE_REQUESTED: "Reschedule requested",
    AppointmentStatus.COMPLETED: "Completed",
    AppointmentStatus.NO_SHOW: "No-show",
}
OPEN_STATUSES = frozenset({AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED,
                           AppointmentStatus.RESCHEDULE_REQUESTED})


class CancelledBy(enum.StrEnum):
    PATIENT = "patient"
    STAFF = "staff"


class StatusChangeRefused(Exception):
    """A status change that does not apply to the appointment now; the message is for people."""


class Appointment(db.Model):
    __table_args__ = (
        Index("ix_appointment_practice_id_starts_at", "practice_id", "starts_at"),
        Index("ix_appointment_provider_id_starts_at", "provider_id", "starts_at"),
        tenant_key(),
        same_practice("patient_id", "patient"),
        same_practice("provider_id", "provider"),
        same_practice("appointment_type_id", "appointment_type"),
        same_practice("location_id", "location"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    patient_id: Mapped[int] = mapped_column(index=True)
    provider_id: Mapped[int] = mapped_column()
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(default=15)
    reason: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[AppointmentStatus] = mapped_column(enum_type(AppointmentStatus),
                                                      default=AppointmentStatus.BOOKED)
    needs_callback: Mapped[bool] = mapped_column(default=False)
    last_reply_text: Mapped[str | None] = mapped_column(Text)
    last_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: What kind of visit, and at which site (both optional: see `models.visits`).
    appointment_type_id: Mapped[int | None] = mapped_column(index=True)
    location_id: Mapped[int | None] = mapped_column(index=True)

    patient: Mapped[Patient] = relationship(foreign_keys=[patient_id])
    provider: Mapped[Provider] = relationship(foreign_keys=[provider_id])
    appointment_type: Mapped[AppointmentType | None] = relationship(
        foreign_keys=[appointment_type_id])
    location: Mapped[Location | None] = relationship(foreign_keys=[location_id])

    def zone(self, practice_zone: ZoneInfo) -> ZoneInfo:
        """The clock of the site it happens at (the practice's, `practice_zone`, unless the
        site has its own)."""
        return site_zone(self.location, practice_zone)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    def has_started(self, now: datetime) -> bool:
        return self.starts_at <= now

    def leaves_time_free(self, now: datetime, *, refilled: bool = False) -> bool:
        """Cancelled, still ahead, and not refilled: the provider's time is free to book (the
        calendars show "Slot free" there)."""
        return self.status.is_cancelled and self.starts_at > now and not refilled

    def can_mark_completed(self, now: datetime) -> bool:
        """Whether staff may mark it completed now (it has started; a no-show can be
        corrected)."""
        return self.has_started(now) and (
            self.status.is_open or self.status is AppointmentStatus.NO_SHOW)

    def can_mark_no_show(self, now: datetime) -> bool:
        """Whether staff may mark it a no-show now (it has started; a completion can be
        corrected)."""
        return self.has_started(now) and (
            self.status.is_open or self.status is AppointmentStatus.COMPLETED)

    def _require_open(self, action: str) -> None:
        if not self.status.is_open:
            raise StatusChangeRefused(
                f"This appointment is {self.status.label.lower()}; it cannot be {action}.")

    def confirm(self) -> None:
        """The patient said they will come."""
        self._require_open("confirmed")
        self.status = AppointmentStatus.CONFIRMED

    def cancel(self, by: CancelledBy) -> None:
        self._require_open("cancelled")
        self.status = (AppointmentStatus.CANCELLED_BY_PATIENT if CancelledBy(by) is
                       CancelledBy.PATIENT else AppointmentStatus.CANCELLED_BY_STAFF)
        self.needs_callback = False

    def request_reschedule(self) -> None:
        """The patient asked for another time: staff must call them back."""
        self._require_open("rescheduled")
        self.status = AppointmentStatus.RESCHEDULE_REQUESTED
        self.needs_callback = True

    def rebook(self) -> None:
        """It was given a new time or provider: the patient has yet to confirm it."""
        self._require_open("moved")
        self.status = AppointmentStatus.BOOKED
        self.needs_callback = False

    def mark_completed(self) -> None:
        """The patient was seen (a no-show marked by mistake can be corrected)."""
        if not (self.status.is_open or self.status is AppointmentStatus.NO_SHOW):
            raise StatusChangeRefused(
                f"This appointment is {self.status.label.lower()}; it cannot be completed.")
        self.status = AppointmentStatus.COMPLETED
        self.needs_callback = False

    def mark_no_show(self) -> None:
        """The patient did not come (a completion marked by mistake can be corrected)."""
        if not (self.status.is_open or self.status is AppointmentStatus.COMPLETED):
            raise StatusChangeRefused(
                f"This appointment is {self.status.label.lower()}; it cannot be a no-show.")
        self.status = AppointmentStatus.NO_SHOW

    def __repr__(self) -> str:
        return f"<Appointment {self.id} {self.starts_at:%Y-%m-%d %H:%M}Z {self.status.value}>"
