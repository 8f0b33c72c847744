"""The practice: the customer of this product, and the tenant every record belongs to."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import CheckConstraint, String, Time
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow

#: No reminder leaves between these local times (the practice can change them).
DEFAULT_QUIET_START = time(21, 0)
DEFAULT_QUIET_END = time(8, 0)


class Practice(db.Model):
    __table_args__ = (
        CheckConstraint("offer_notice_minutes >= 0", name="offer_notice_not_negative"),
        CheckConstraint("offer_wave_size >= 1", name="offer_wave_size_positive"),
        CheckConstraint("offer_hold_minutes >= 1", name="offer_hold_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2), default="US")
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    phone: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    quiet_start: Mapped[time] = mapped_column(Time, default=DEFAULT_QUIET_START)
    quiet_end: Mapped[time] = mapped_column(Time, default=DEFAULT_QUIET_END)
    #: Offer a cancelled slot to the waitlist when it starts at least this far ahead…
    offer_slots: Mapped[bool] = mapped_column(default=True)
    offer_notice_minutes: Mapped[int] = mapped_column(default=120)
    #: …to this many patients at a time, each wave holding the offer this long.
    offer_wave_size: Mapped[int] = mapped_column(default=3)
    offer_hold_minutes: Mapped[int] = mapped_column(default=15)
    #: Every staff member must sign in with a second factor (an owner's choice).
    require_two_factor: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def __repr__(self) -> str:
        return f"<Practice {self.id} {self.name!r}>"
