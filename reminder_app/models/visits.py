"""What a visit is (its appointment type) and where it happens (the practice's sites).

Both are optional: a practice with one site and one kind of visit never sees them. A type
gives its default length, a preparation note reminders can carry (`{prep_note}`), and (by
the reminder rules scoped to it, see `ReminderRule`) which reminders its appointments get.
A site gives texts its name and address (`{location}`, `{location_address}`) and, where it
lies in another time zone than the practice, the clock its appointments' reminders are
timed on.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .constraints import tenant_key
from .patients import Language
from .types import UTCDateTime, utcnow


class AppointmentType(db.Model):
    """A kind of visit the practice books, e.g. "Phone consultation", "Colonoscopy"."""

    __table_args__ = (
        tenant_key(),
        CheckConstraint("default_duration_minutes > 0", name="default_duration_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    default_duration_minutes: Mapped[int] = mapped_column(default=15)
    #: What the patient must do before coming ("Please fast from midnight."), in English and
    #: in Spanish; a reminder template includes it with `{prep_note}`.
    prep_note: Mapped[str] = mapped_column(String(300), default="")
    prep_note_es: Mapped[str] = mapped_column(String(300), default="")
    #: Still offered when booking; a retired type stays on the appointments that had it.
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def prep_note_for(self, language: Language) -> str:
        """The note in the patient's language (the English one if it has no translation)."""
        if Language(language) is Language.ES and self.prep_note_es:
            return self.prep_note_es
        return self.prep_note

    def __repr__(self) -> str:
        return f"<AppointmentType {self.id} {self.name!r}>"


class Location(db.Model):
    """One of the practice's sites; its own time zone only where it differs."""

    __table_args__ = (tenant_key(),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    #: An IANA zone; None: the practice's.
    timezone: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def zone(self, practice_zone: ZoneInfo) -> ZoneInfo:
        return site_zone(self, practice_zone)

    def __repr__(self) -> str:
        return f"<Location {self.id} {self.name!r}>"


def site_zone(site: Location | None, practice_zone: ZoneInfo) -> ZoneInfo:
    """The clock a visit at `site` is booked, shown and reminded on: the site's own zone,
    else the practice's (`practice_zone`), also when no site is named. The one place that
    decides it: forms, pages and texts all ask here."""
    if site is not None and site.timezone:
        return ZoneInfo(site.timezone)
    return practice_zone
