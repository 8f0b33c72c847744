"""The send-rate limit per long number (US long numbers carry about one text a second).

The pace is kept in the database (`SendSlot`), so it holds across threads, processes and
machines: taking a slot is one atomic UPDATE that moves the number's next free slot on by one
interval and returns it. Real time, always: `send-due --at` changes what is due, not how
fast texts may leave.
"""

import time
from collections.abc import Callable

from sqlalchemy import case, insert, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import SendSlot
from .writes import turn_to_write

slots = SendSlot.__table__


def take_slot(number: str, now_us: int, interval_us: int) -> int:
    """Reserve the next slot of `number`; return the microsecond it begins."""
    advance = (update(slots).where(slots.c.number == number)
               .values(next_slot_us=case((slots.c.next_slot_us > now_us, slots.c.next_slot_us),
                                         else_=now_us) + interval_us)
               .returning(slots.c.next_slot_us))
    for _ in range(2):
        with turn_to_write(), db.engine.begin() as connection:
            next_slot = connection.execute(advance).scalar()
        if next_slot is not None:
            return next_slot - interval_us
        try:
            with turn_to_write(), db.engine.begin() as connection:
                connection.execute(insert(slots).values(number=number,
                                                        next_slot_us=now_us + interval_us))
            return now_us
        except IntegrityError:  # another sender made the row first: take the next slot
            continue
    raise RuntimeError(f"could not take a send slot for {number}")  # pragma: no cover


class RateLimiter:
    """Waits until `number` may send again; `per_second` 0 switches the limit off."""

    def __init__(self, per_second: float, *, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.per_second = per_second
        self._clock = clock
        self._sleep = sleep

    @property
    def enabled(self) -> bool:
        return self.per_second > 0

    def wait(self, number: str) -> float:
        """Block until this number's next slot; return how long we waited (seconds)."""
        if not self.enabled:
            return 0.0
        interval_us = max(1, round(1_000_000 / self.per_second))
        now_us = int(self._clock() * 1_000_000)
        start_us = take_slot(number, now_us, interval_us)
        delay = (start_us - now_us) / 1_000_000
        if delay > 0:
            self._sleep(delay)
        return max(delay, 0.0)
