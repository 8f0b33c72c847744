"""Claims paced by each long number's rate: the texts a sender takes are ones it can send now.

With the per-number rate limit on (US long numbers carry about one text a second), a claim
does not take a batch of due texts and then wait out each one's slot in turn (one practice's
batch would hold up every other practice's texts behind it). It takes, from each number
whose next slot begins within `ahead`, only the texts that number can send within `ahead`,
and reserves their slots in the same transaction (`SendSlot`, shared by every process and
machine). A sender then sends each text at its own slot, in slot order whatever the number,
and never sleeps on one number while another number's text is ready: that one is in another
claim, its slot already its own.

- **Fair between practices**: the numbers whose oldest due text is oldest come first, and a
  claim takes the first text of every number before the second of any.
- **Due order within a practice**: a number's slots are reserved under a lock on its
  `SendSlot` row (`FOR UPDATE SKIP LOCKED`: a number another claim is reserving right now is
  skipped, not waited for), in due order, after any slot reserved before.
- **The rate limit across processes**: the next free slot of a number is moved on in the
  claim's transaction; no two claims reserve the same slot.
- **Leases outlast what a sender holds**: a reserved slot begins at most `ahead` after the
  claim, and `Settings` keeps `ahead` under half the lease less the longest call.

A claim costs a few statements however many numbers are due; `bench/claim_cost.py` measures
them from 1 to 1,000 numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import Direction, Message, MessageStatus, SendSlot

slots = SendSlot.__table__


def due(now: datetime):
    """Texts a sender may claim at `now`: queued and due, or leased by a sender whose lease
    has run out."""
    return and_(Message.direction == Direction.OUTBOUND, or_(
        and_(Message.status == MessageStatus.QUEUED, Message.send_after <= now),
        and_(Message.status == MessageStatus.SENDING, Message.lease_until < now)))


@dataclass(frozen=True)
class Claimed:
    """A claimed text and the microsecond (since the Unix epoch) its slot begins."""

    id: int
    slot_us: int


@dataclass
class PacedClaim:
    claimed: list[Claimed]
    #: When nothing was claimed although texts are due: the earliest microsecond a number
    #: of theirs has a slot free (None: nothing is due at all).
    next_slot_us: int | None = None


_ADVANCE = (update(slots).where(slots.c.number == bindparam("b_number"))
            .values(next_slot_us=bindparam("b_next")))


def interval_us(per_second: float) -> int:
    return max(1, round(1_000_000 / per_second))


def _ensure_slot_rows(numbers: list[str]) -> None:
    """A `SendSlot` row for each number (free at once), so that every claim can lock it."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    # Sorted: two claims that insert the same numbers wait for each other in one order.
    db.session.execute(dialect.insert(slots).values([
        {"number": number, "next_slot_us": 0} for number in sorted(numbers)])
        .on_conflict_do_nothing())


def claim_paced(now: datetime, now_us: int, owner: str, *, limit: int, lease: timedelta,
                per_second: float, ahead: timedelta) -> PacedClaim:
    """Lease to `owner` up to `limit` due texts that their numbers can send within `ahead`
    of `now_us` (the real clock), and reserve each one's slot. In the caller's transaction,
    which must be committed at once (`dispatcher.claim_messages`)."""
    step = interval_us(per_second)
    horizon = now_us + max(0, int(ahead.total_seconds() * 1_000_000))
    free_by = or_(slots.c.next_slot_us.is_(None), slots.c.next_slot_us <= horizon)
    # 1. The numbers with due texts and a slot free within the horizon, the oldest due first.
    numbers = db.session.execute(
        select(Message.sender, func.count(slots.c.number))
        .select_from(Message).outerjoin(slots, slots.c.number == Message.sender)
        .where(due(now), free_by)
        .group_by(Message.sender).order_by(func.min(Message.send_after)).limit(limit)).all()
    if not numbers:
        waiting = db.session.scalar(
            select(func.min(slots.c.next_slot_us)).select_from(Message)
            .join(slots, slots.c.number == Message.sender).where(due(now)))
        return PacedClaim([], waiting)
    new = [number for number, known in numbers if not known]
    if new:
        _ensure_slot_rows(new)
    # 2. Lock them; one that another claim is reserving now is left to it.
    locked = dict(db.session.execute(
        select(slots.c.number, slots.c.next_slot_us)
        .where(slots.c.number.in_([number for number, _ in numbers]),
               slots.c.next_slot_us <= horizon)
        .with_for_update(skip_locked=True)).all())
    if not locked:
        return PacedClaim([], now_us)  # all being reserved by other claims: try again soon
    quota = {number: (horizon - max(next_slot, now_us)) // step + 1
             for number, next_slot in locked.items()}
    # 3. Each number's first texts, in due order, as many as its quota.
    ranked = (select(Message.id, Message.sender, func.row_number().over(
        partition_by=Message.sender, order_by=(Message.send_after, Message.id)).label("rank"))
        .where(due(now), Message.sender.in_(list(locked))).subquery())
    rows = db.session.execute(
        select(ranked.c.id, ranked.c.sender, ranked.c.rank)
        .where(ranked.c.rank <= max(quota.values()))
        .order_by(ranked.c.rank, ranked.c.id)).all()
    chosen = [row for row in rows if row.rank <= quota[row.sender]][:limit]
    # 4. Lease them (only those still due: a lease that ran out may have been renewed).
    taken = set(db.session.execute(
        update(Message).where(Message.id.in_([row.id for row in chosen]), due(now))
        .values(status=MessageStatus.SENDING, lease_owner=owner, lease_until=now + lease,
                attempts=Message.attempts + 1)
        .returning(Message.id)
        .execution_options(synchronize_session=False)).scalars())
    # 5. Their slots, one interval apart from the number's next free slot, in due order.
    claimed, advanced = [], {}
    for row in sorted((row for row in chosen if row.id in taken),
                      key=lambda row: (row.sender, row.rank)):
        slot = advanced.get(row.sender, max(locked[row.sender], now_us))
        claimed.append(Claimed(row.id, slot))
        advanced[row.sender] = slot + step
    if advanced:
        db.session.connection().execute(_ADVANCE, [{"b_number": number, "b_next": next_slot}
                                      for number, next_slot in advanced.items()])
    claimed.sort(key=lambda one: one.slot_us)
    return PacedClaim(claimed)

