"""The practice's patients, and the providers (doctors) they see."""

import enum
import secrets
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .constraints import tenant_key
from .types import UTCDateTime, enum_type, utcnow


class Language(enum.StrEnum):
    """The language a patient's messages are written in."""

    EN = "en"
    ES = "es"

    @property
    def label(self) -> str:
        return {"en": "English", "es": "Español"}[self.value]


class Patient(db.Model):
    """Someone the practice sends reminders to; nothing is sent without `sms_consent`."""

    __table_args__ = (
        Index("ix_patient_practice_id_mobile", "practice_id", "mobile"),
        Index("ix_patient_practice_id_last_name", "practice_id", "last_name"),
        tenant_key(),
        # `opt_in` clears the opt-out, `opt_out` withdraws consent: never both at once.
        CheckConstraint("NOT (sms_consent AND opted_out_at IS NOT NULL)",
                        name="consent_or_opted_out"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))  # indexed below
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    mobile: Mapped[str] = mapped_column(String(20))  # E.164, e.g. +12015550123
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    language: Mapped[Language] = mapped_column(enum_type(Language), default=Language.EN)
    #: Where the patient lives (an IANA zone): quiet hours are on their clock. None: the
    #: practice's zone.
    timezone: Mapped[str | None] = mapped_column(String(64))
    sms_consent: Mapped[bool] = mapped_column(default=False)
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def zone(self, practice_zone: ZoneInfo) -> ZoneInfo:
        """The patient's time zone (the practice's, `practice_zone`, unless one was given)."""
        return ZoneInfo(self.timezone) if self.timezone else practice_zone

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def sorting_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    def opt_in(self, now: datetime) -> None:
        """The patient agreed to receive SMS (told staff, or texted START)."""
        if not self.sms_consent:
            self.sms_consent = True
            self.consented_at = now
        self.opted_out_at = None

    def opt_out(self, now: datetime) -> None:
        """The patient withdrew consent (a STOP reply, or told staff): nothing more is sent."""
        if self.sms_consent or self.opted_out_at is None:
            self.opted_out_at = now
        self.sms_consent = False

    def __repr__(self) -> str:
        return f"<Patient {self.id} {self.full_name!r}>"


class Provider(db.Model):
    """A doctor (or nurse, hygienist…) whom patients have appointments with."""

    __table_args__ = (tenant_key(),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
    #: The secret in the address of the provider's calendar feed; None: no feed.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def new_calendar_link(self) -> None:
        """Give the calendar feed a new secret address; the previous one stops working."""
        self.calendar_token = secrets.token_urlsafe(32)

    def turn_off_calendar_feed(self) -> None:
        self.calendar_token = None

    def __repr__(self) -> str:
        return f"<Provider {self.id} {self.name!r}>"
