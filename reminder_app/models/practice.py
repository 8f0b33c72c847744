"""The practice: the customer of this product, and the tenant every record belongs to."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import CheckConstraint, String, Time
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow

#: No reminder leaves between these times, on the recipient's clock (the practice can change
#: them): texts go out from 08:00 to 20:00, as Florida's and Oklahoma's rules and common
#: carrier practice expect.
DEFAULT_QUIET_START = time(20, 0)
DEFAULT_QUIET_END = time(8, 0)
#: At most this many reminder texts to one patient a day, and a week (answers to the
#: patient's own texts do not count).
DEFAULT_REMINDERS_PER_DAY = 1
DEFAULT_REMINDERS_PER_WEEK = 3


class Practice(db.Model):
    __table_args__ = (
        CheckConstraint("offer_notice_minutes >= 0", name="offer_notice_not_negative"),
        CheckConstraint("offer_wave_size >= 1", name="offer_wave_size_positive"),
        CheckConstraint("offer_hold_minutes >= 1", name="offer_hold_positive"),
        CheckConstraint("reminders_per_day >= 1 AND reminders_per_week >= reminders_per_day",
                        name="reminder_caps_consistent"),
        CheckConstraint("recall_interval_days >= 1 AND recall_max_texts >= 1",
                        name="recall_pace_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2), default="US")
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    phone: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    quiet_start: Mapped[time] = mapped_column(Time, default=DEFAULT_QUIET_START)
    quiet_end: Mapped[time] = mapped_column(Time, default=DEFAULT_QUIET_END)
    reminders_per_day: Mapped[int] = mapped_column(default=DEFAULT_REMINDERS_PER_DAY)
    reminders_per_week: Mapped[int] = mapped_column(default=DEFAULT_REMINDERS_PER_WEEK)
    #: Reminders name the doctor (an owner's choice: by default they say no more than the
    #: practice, the day and the time, for a shared phone or a lock screen).
    name_provider: Mapped[bool] = mapped_column(default=False)
    #: Offer a cancelled slot to the waitlist when it starts at least this far ahead…
    offer_slots: Mapped[bool] = mapped_column(default=True)
    offer_notice_minutes: Mapped[int] = mapped_column(default=120)
    #: …to this many patients at a time, each wave holding the offer this long.
    offer_wave_size: Mapped[int] = mapped_column(default=3)
    offer_hold_minutes: Mapped[int] = mapped_column(default=15)
    #: Every staff member must sign in with a second factor (an owner's choice).
    require_two_factor: Mapped[bool] = mapped_column(default=False)
    #: A recall is texted when it comes due, then again this many days later, at most
    #: `recall_max_texts` times in all, until the patient books or replies.
    recall_interval_days: Mapped[int] = mapped_column(default=14)
    recall_max_texts: Mapped[int] = mapped_column(default=3)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def __repr__(self) -> str:
        return f"<Practice {self.id} {self.name!r}>"
