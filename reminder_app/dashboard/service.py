"""The figures of the dashboard: today at a glance, and the last 30 days.

Each function takes the practice and `now`, and asks the database a single aggregate
question (the chart asks two), so the page costs a handful of queries however busy the
practice is. Views pass `tenancy.current_practice()`; nothing here reads the request.
What happened in the past comes from the event record (`models/events.py`), never from
re-reading old replies: a word added to the practice's list today does not change how last
week's replies count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, func, select

from ..extensions import db
from ..inbound import conversations
from ..models import (
    Appointment,
    AppointmentStatus,
    Direction,
    Event,
    EventKind,
    FreedSlot,
    Message,
    Practice,
    Reminder,
    ReminderStatus,
    SlotStatus,
)
from ..models.events import reading_label
from ..reminders import journey
from ..reminders.templates import CREDITS_PER_PART
from ..timezones import day_bounds, days_bounds, today

#: Credit use is averaged over this many days to say how long the balance lasts.
USAGE_DAYS = 14
#: The chart's span.
CHART_DAYS = 30
#: Failed and skipped reminders are listed for appointments from this many days back.
PROBLEM_DAYS = 7


# ---------------------------------------------------------------- today

@dataclass(frozen=True)
class StatusCount:
    status: AppointmentStatus
    count: int


def appointments_today(practice: Practice, now: datetime) -> list[StatusCount]:
    """Today's appointments (the practice's day) by status, in the order of the statuses."""
    start, end = day_bounds(today(practice.zone, now), practice.zone)
    counts = dict(db.session.execute(
        select(Appointment.status, func.count(Appointment.id))
        .where(Appointment.practice_id == practice.id, Appointment.starts_at >= start,
               Appointment.starts_at < end)
        .group_by(Appointment.status)).all())
    return [StatusCount(status, counts[status]) for status in AppointmentStatus
            if counts.get(status)]


def unhandled_replies(practice: Practice) -> int:
    return conversations.unread_count(practice)


@dataclass(frozen=True)
class ReminderProblem:
    status: ReminderStatus
    reason: str
    count: int


def reminder_problems(practice: Practice, now: datetime,
                      days: int = PROBLEM_DAYS) -> list[ReminderProblem]:
    """Reminders that failed, or were skipped, for appointments from `days` days ago on,
    grouped by why; failures first, then the most frequent."""
    rows = db.session.execute(
        select(Reminder.status, Reminder.reason, func.count(Reminder.id))
        .where(Reminder.practice_id == practice.id,
               Reminder.status.in_((ReminderStatus.FAILED, ReminderStatus.SKIPPED)),
               Reminder.reason.not_in(journey.CHOSEN_SKIPS),
               Reminder.appointment_starts_at >= now - timedelta(days=days))
        .group_by(Reminder.status, Reminder.reason)).all()
    problems = [ReminderProblem(status, reason or "No reason recorded.", count)
                for status, reason, count in rows]
    return sorted(problems, key=lambda p: (p.status is not ReminderStatus.FAILED, -p.count,
                                           p.reason))


@dataclass(frozen=True)
class Credit:
    balance: Decimal | None
    checked_at: datetime | None
    per_day: Decimal | None  # average credits used per day over USAGE_DAYS; None: no use
    days_left: int | None

    @property
    def enough_history(self) -> bool:
        return self.per_day is not None


def credit(practice: Practice, now: datetime, days: int = USAGE_DAYS) -> Credit:
    """The balance last read from Clickatell, and how many days it lasts at the average use
    of the last `days` days (a text's charge as Clickatell reported it, else its parts)."""
    account = practice.clickatell_account
    balance = account.balance if account is not None else None
    checked_at = account.balance_checked_at if account is not None else None
    used = db.session.scalar(
        select(func.sum(func.coalesce(Message.charge, Message.parts * CREDITS_PER_PART)))
        .where(Message.practice_id == practice.id, Message.direction == Direction.OUTBOUND,
               Message.sent_at.is_not(None), Message.sent_at >= now - timedelta(days=days),
               Message.sent_at <= now))
    if not used:
        return Credit(balance, checked_at, None, None)
    per_day = Decimal(used) / days
    days_left = None
    if balance is not None:
        days_left = int((Decimal(balance) / per_day).to_integral_value(ROUND_HALF_UP)) \
            if balance > 0 else 0
    return Credit(balance, checked_at, per_day.quantize(Decimal("0.1")), days_left)


# ---------------------------------------------------------------- the last 30 days

@dataclass(frozen=True)
class Day:
    day: date
    appointments: int  # all but those the practice cancelled
    confirmed: int  # confirmed by the patient (a recorded confirmation, or the status)
    attended: int  # completed
    no_shows: int

    @property
    def confirmation_rate(self) -> float | None:
        return self.confirmed / self.appointments if self.appointments else None

    @property
    def no_show_rate(self) -> float | None:
        closed = self.attended + self.no_shows
        return self.no_shows / closed if closed else None


@dataclass(frozen=True)
class Period:
    days: list[Day]

    def _total(self, name: str) -> int:
        return sum(getattr(day, name) for day in self.days)

    @property
    def confirmation_rate(self) -> float | None:
        appointments = self._total("appointments")
        return self._total("confirmed") / appointments if appointments else None

    @property
    def no_show_rate(self) -> float | None:
        closed = self._total("attended") + self._total("no_shows")
        return self._total("no_shows") / closed if closed else None

    @property
    def has_data(self) -> bool:
        return self._total("appointments") > 0


def last_days(practice: Practice, now: datetime, days: int = CHART_DAYS) -> Period:
    """Each of the `days` days before today (today is not over, and has its own figures):
    appointments, confirmations, no-shows.

    An appointment counts as confirmed if it is confirmed now, or if a confirmation of it is
    recorded (a confirmed appointment later becomes completed or a no-show, but it was
    confirmed all the same); a cancelled one never does.
    """
    zone = practice.zone
    first = today(zone, now) - timedelta(days=days)
    start, end = days_bounds(first, days, zone)
    in_period = and_(Appointment.practice_id == practice.id, Appointment.starts_at >= start,
                     Appointment.starts_at < end,
                     Appointment.status != AppointmentStatus.CANCELLED_BY_STAFF)
    appointments = db.session.execute(
        select(Appointment.id, Appointment.starts_at, Appointment.status)
        .where(in_period)).all()
    confirmed_before = set(db.session.scalars(
        select(Event.appointment_id).join(Appointment, Appointment.id == Event.appointment_id)
        .where(in_period, Event.practice_id == practice.id,
               Event.kind == EventKind.CONFIRMED)))

    figures: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for appointment_id, starts_at, status in appointments:
        counts = figures[starts_at.astimezone(zone).date()]
        counts["appointments"] += 1
        if status is AppointmentStatus.CONFIRMED or (
                appointment_id in confirmed_before and not status.is_cancelled):
            counts["confirmed"] += 1
        if status is AppointmentStatus.COMPLETED:
            counts["attended"] += 1
        elif status is AppointmentStatus.NO_SHOW:
            counts["no_shows"] += 1
    fields = ("appointments", "confirmed", "attended", "no_shows")
    return Period([Day(day, *(figures[day][name] for name in fields))
                   for day in (first + timedelta(days=n) for n in range(days))])


@dataclass(frozen=True)
class Refills:
    """Cancelled slots of the last days, and how many the waitlist filled again."""

    freed: int
    refilled: int
    minutes_refilled: int

    @property
    def refill_rate(self) -> float | None:
        return self.refilled / self.freed if self.freed else None


def refills(practice: Practice, now: datetime, days: int = CHART_DAYS) -> Refills:
    """Slots freed by a cancellation in the last `days` days (of appointments still ahead
    when cancelled), those refilled from the waitlist, and the minutes they hold: time the
    practice would have lost."""
    refilled = FreedSlot.status == SlotStatus.FILLED
    freed, filled, minutes = db.session.execute(
        select(func.count(FreedSlot.id),
               func.count(FreedSlot.id).filter(refilled),
               func.coalesce(func.sum(FreedSlot.duration_minutes).filter(refilled), 0))
        .where(FreedSlot.practice_id == practice.id,
               FreedSlot.created_at >= now - timedelta(days=days),
               FreedSlot.created_at <= now)).one()
    return Refills(freed, filled, int(minutes))


@dataclass(frozen=True)
class ReplyCount:
    label: str
    count: int


def replies_read(practice: Practice, now: datetime, days: int = CHART_DAYS) -> list[ReplyCount]:
    """Patients' replies of the last `days` days by how each was read when it arrived (a YES
    to a waitlist offer apart from a confirmation), the most frequent first."""
    rows = db.session.execute(
        select(Event.intent, Event.accepted, func.count(Event.id))
        .where(Event.practice_id == practice.id, Event.kind == EventKind.REPLY_READ,
               Event.at >= now - timedelta(days=days), Event.at <= now)
        .group_by(Event.intent, Event.accepted)).all()
    counts: dict[str, int] = defaultdict(int)
    for intent, accepted, count in rows:
        counts[reading_label(intent, accepted)] += count
    return sorted((ReplyCount(label, count) for label, count in counts.items()),
                  key=lambda row: (-row.count, row.label))
