"""The day view's columns: one per provider, time running down, computed here so the page
needs no inline style and no script to lay itself out.

The day is cut into rows of `ROW_MINUTES`; each block (an appointment, a cancelled time, a
free time) says on which row it starts and how many it spans, and the page turns those into
CSS classes (`dg-r<row>`, `dg-s<span>`: static/css/day-grid.css, made by
scripts/day_grid_css.py). Rows count real minutes from the first shown hour, so a day with a
clock change is as long as it really is.

What is free: the provider's time no live appointment takes, from now on, offered as pieces
of `FREE_MINUTES` (aligned on the quarter hour) to book in one click; and a cancelled
appointment's time while it stays free (`Appointment.leaves_time_free`), shown with what the
waitlist is doing with it. Two live appointments of one provider that share time (the
service's `double_booked`) are drawn side by side, in lanes.
"""

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..models import Appointment, FreedSlot, Provider
from ..timezones import day_bounds, local
from . import service

ROW_MINUTES = 5
FREE_MINUTES = 15
#: The hours always shown, even when nothing is booked in them (the practice's clock).
OPENING, CLOSING = time(8), time(18)
#: A block shorter than this has room for one line only.
SHORT_MINUTES = 25
#: At most this many appointments side by side in one column; more share the last lane.
MAX_LANES = 4
#: The most rows a day can have (a 25-hour day); the stylesheet has a class for each.
MAX_ROWS = 25 * 60 // ROW_MINUTES

__all__ = ["Block", "BlockKind", "Column", "DaySchedule", "FREE_MINUTES", "MAX_LANES",
           "MAX_ROWS", "ROW_MINUTES", "build"]


class BlockKind(enum.StrEnum):
    APPOINTMENT = "appointment"
    FREED = "freed"  # a cancelled appointment whose time is free again
    CANCELLED = "cancelled"  # a cancelled appointment whose time is past, or taken since
    FREE = "free"


@dataclass
class Block:
    kind: BlockKind
    starts_at: datetime
    ends_at: datetime
    row: int
    span: int
    appointment: Appointment | None = None
    slot: FreedSlot | None = None
    #: 0 for the whole column's width, else the lane (1…) of a double booking.
    lane: int = 0

    @property
    def is_appointment(self) -> bool:
        return self.kind is BlockKind.APPOINTMENT

    @property
    def is_free(self) -> bool:
        return self.kind is BlockKind.FREE

    @property
    def is_freed(self) -> bool:
        """A cancelled appointment's time, free to book again."""
        return self.kind is BlockKind.FREED

    @property
    def css(self) -> str:
        lane = f"lane-{self.lane}" if self.lane else "lane-all"
        short = " day-short" if self.span * ROW_MINUTES < SHORT_MINUTES else ""
        return f"day-block day-{self.kind.value} dg-r{self.row} dg-s{self.span} {lane}{short}"


@dataclass
class Column:
    provider: Provider
    blocks: list[Block] = field(default_factory=list)
    lanes: int = 1


@dataclass
class DaySchedule:
    day: date
    starts_at: datetime
    ends_at: datetime
    rows: int
    #: (row, "09:00") for each hour line down the side.
    hours: list[tuple[int, str]]
    columns: list[Column]

    def row_of(self, moment: datetime) -> int:
        return int((moment - self.starts_at) / timedelta(minutes=ROW_MINUTES)) + 1


def build(day: date, zone: ZoneInfo, providers: Iterable[Provider],
          appointments: list[Appointment], slots: dict[int, FreedSlot], now: datetime,
          clashing: set[int] | None = None, moving: Appointment | None = None) -> DaySchedule:
    """The day's columns: every active provider, and any other with an appointment that day
    (`providers` as given, in order). `clashing` is `service.double_booked(appointments)`,
    if the caller has it already. The time of the appointment being `moving` counts as
    free, so it can move by a quarter hour into its own time."""
    starts_at, ends_at = _window(day, zone, appointments)
    rows = int((ends_at - starts_at) / timedelta(minutes=ROW_MINUTES))
    hours = []
    hour = starts_at
    while hour < ends_at:
        hours.append((int((hour - starts_at) / timedelta(minutes=ROW_MINUTES)) + 1,
                      f"{local(hour, zone):%H:%M}"))
        hour += timedelta(hours=1)
    schedule = DaySchedule(day, starts_at, ends_at, rows, hours, [])
    booked_with = {a.provider_id for a in appointments}
    if clashing is None:
        clashing = service.double_booked(appointments)
    for provider in providers:
        if not provider.active and provider.id not in booked_with:
            continue
        own = [a for a in appointments if a.provider_id == provider.id]
        schedule.columns.append(_column(schedule, provider, own, slots, clashing, now,
                                        moving))
    return schedule


def _window(day: date, zone: ZoneInfo, appointments: list[Appointment]
            ) -> tuple[datetime, datetime]:
    """From opening (or the hour of the first appointment, if earlier) to closing (or the
    end of the hour the last one ends in), within the day."""
    first, last = day_bounds(day, zone)
    opening = datetime.combine(day, OPENING, tzinfo=zone).astimezone(UTC)
    closing = datetime.combine(day, CLOSING, tzinfo=zone).astimezone(UTC)
    for appointment in appointments:
        opening = min(opening, _hour_of(appointment.starts_at, zone))
        ends_hour = _hour_of(appointment.ends_at, zone)
        closing = max(closing, ends_hour if ends_hour == appointment.ends_at
                      else ends_hour + timedelta(hours=1))
    return max(opening, first), min(closing, last)


def _hour_of(moment: datetime, zone: ZoneInfo) -> datetime:
    """The start of the practice's clock hour `moment` falls in."""
    return local(moment, zone).replace(minute=0, second=0, microsecond=0).astimezone(UTC)


def _column(schedule: DaySchedule, provider: Provider, own: list[Appointment],
            slots: dict[int, FreedSlot], clashing: set[int], now: datetime,
            moving: Appointment | None) -> Column:
    column = Column(provider)
    live = [a for a in own if not a.status.is_cancelled]
    taken: list[tuple[datetime, datetime]] = [(a.starts_at, a.ends_at) for a in live
                                              if a is not moving]
    for appointment in live:
        column.blocks.append(_block(schedule, BlockKind.APPOINTMENT, appointment.starts_at,
                                    appointment.ends_at, appointment=appointment,
                                    slot=slots.get(appointment.id)))
    for appointment in (a for a in own if a.status.is_cancelled):
        if service.overlapping(provider, appointment.starts_at, appointment.duration_minutes,
                               among=live):
            continue  # its time went to someone else: the list mode still shows it
        if any(start < appointment.ends_at and appointment.starts_at < end
               for start, end in taken):
            continue  # cancelled twice over the same time: one block says it
        slot = slots.get(appointment.id)
        free = appointment.leaves_time_free(now, refilled=bool(slot and slot.is_filled))
        column.blocks.append(_block(schedule, BlockKind.FREED if free else BlockKind.CANCELLED,
                                    appointment.starts_at, appointment.ends_at,
                                    appointment=appointment, slot=slot))
        taken.append((appointment.starts_at, appointment.ends_at))
    column.blocks.extend(_free_blocks(schedule, taken, now))
    column.lanes = _assign_lanes([b for b in column.blocks if b.appointment is not None
                                  and b.appointment.id in clashing])
    # the free pieces over a moving appointment come after it, to be drawn above it
    column.blocks.sort(key=lambda b: (b.starts_at, b.lane, b.is_free))
    return column


def _block(schedule: DaySchedule, kind: BlockKind, starts_at: datetime, ends_at: datetime,
           **parts) -> Block:
    shown_from = max(starts_at, schedule.starts_at)
    shown_to = min(ends_at, schedule.ends_at)
    row = schedule.row_of(shown_from)
    span = max(1, math.ceil((shown_to - shown_from) / timedelta(minutes=ROW_MINUTES)))
    span = min(span, schedule.rows - row + 1)
    return Block(kind, starts_at, ends_at, row, span, **parts)


def _free_blocks(schedule: DaySchedule, taken: list[tuple[datetime, datetime]],
                 now: datetime) -> list[Block]:
    """The time between what is taken, from now on, in bookable pieces on the quarter hour."""
    free = []
    cursor = schedule.starts_at
    piece = timedelta(minutes=FREE_MINUTES)
    for start, end in [*sorted(taken), (schedule.ends_at, schedule.ends_at)]:
        while cursor < min(start, schedule.ends_at):
            offset = (cursor - schedule.starts_at) % piece
            piece_end = min(cursor + piece - offset, start, schedule.ends_at)
            if cursor >= now:
                free.append(_block(schedule, BlockKind.FREE, cursor, piece_end))
            cursor = piece_end
        cursor = max(cursor, end)
    return free


def _assign_lanes(blocks: list[Block]) -> int:
    """Side by side for what shares time: each in the first lane free at its start."""
    lane_ends: list[datetime] = []
    for block in sorted(blocks, key=lambda b: (b.starts_at, b.appointment.id)):
        lane = next((n for n, end in enumerate(lane_ends) if end <= block.starts_at), None)
        if lane is None:
            lane = min(len(lane_ends), MAX_LANES - 1)
            if lane == len(lane_ends):
                lane_ends.append(block.ends_at)
        lane_ends[lane] = max(lane_ends[lane], block.ends_at)
        block.lane = lane + 1
    return max(1, len(lane_ends))


def grid_stylesheet() -> str:
    """static/css/day-grid.css: a class per start row and per span, and the lanes, so a
    block is placed by classes alone (the Content-Security-Policy allows no inline style).
    Written by scripts/day_grid_css.py; a test checks the file is current."""
    lines = ["/* Made by scripts/day_grid_css.py from appointments/day_schedule.py: do not edit."
             " */"]
    lines += [f".dg-r{n}{{grid-row-start:{n}}}" for n in range(1, MAX_ROWS + 1)]
    lines += [f".dg-s{n}{{grid-row-end:span {n}}}" for n in range(1, MAX_ROWS + 1)]
    lines += [f".day-track.lanes-{n}{{grid-template-columns:repeat({n},minmax(0,1fr))}}"
              for n in range(1, MAX_LANES + 1)]
    lines += [f".lane-{n}{{grid-column:{n}}}" for n in range(1, MAX_LANES + 1)]
    lines.append(".lane-all{grid-column:1/-1}")
    return "\n".join(lines) + "\n"
