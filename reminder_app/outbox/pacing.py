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

from sqlalchemy import and_, bindparam, func, or_, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

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


def _numbers_with_due_texts(now: datetime) -> list[tuple[str, datetime, int | None]]:
    """Every number with a due text: (number, its oldest due text's `send_after`, its next
    slot or None if it has no slot row yet).

    Read from the `(status, sender, send_after, id)` index, so the cost follows the numbers,
    not the backlog: the numbers with queued texts one index step each (a loose index scan:
    the next number after the last), then each one's oldest due text, one probe each. The
    texts whose lease ran out are few (at most what the senders held) and read directly.
    Outbound only: a queued or sending text is outbound (`received_iff_inbound`)."""
    queued = MessageStatus.QUEUED
    after = aliased(Message)
    numbers = (select(func.min(Message.sender).label("number"))
               .where(Message.status == queued).cte("numbers", recursive=True))
    numbers = numbers.union_all(
        select(select(func.min(after.sender)).where(after.status == queued,
                                                    after.sender > numbers.c.number)
               .scalar_subquery())
        .where(numbers.c.number.is_not(None)))
    oldest_due = (select(func.min(Message.send_after))
                  .where(Message.status == queued, Message.sender == numbers.c.number,
                         Message.send_after <= now)
                  .scalar_subquery())
    found = {number: (oldest, next_slot) for number, oldest, next_slot in db.session.execute(
        select(numbers.c.number, oldest_due, slots.c.next_slot_us)
        .select_from(numbers).outerjoin(slots, slots.c.number == numbers.c.number)
        .where(numbers.c.number.is_not(None)))
        if oldest is not None}
    for number, oldest, next_slot in db.session.execute(
            select(Message.sender, func.min(Message.send_after), slots.c.next_slot_us)
            .select_from(Message).outerjoin(slots, slots.c.number == Message.sender)
            .where(Message.status == MessageStatus.SENDING, Message.lease_until < now)
            .group_by(Message.sender, slots.c.next_slot_us)):
        if number not in found or oldest < found[number][0]:
            found[number] = (oldest, next_slot)
    return [(number, oldest, next_slot) for number, (oldest, next_slot) in found.items()]


def _first_due_texts(now: datetime, quota: dict[str, int]) -> list[tuple[int, str, int]]:
    """Each number's first due texts in due order, as many as its quota: (id, number, rank).
    One probe of the index per number (its texts whose lease ran out read directly), so a
    long backlog behind a number costs nothing."""
    branches = [select(Message.id, Message.sender, Message.send_after)
                .where(Message.status == MessageStatus.QUEUED, Message.sender == number,
                       Message.send_after <= now)
                .order_by(Message.send_after, Message.id).limit(count).subquery()
                for number, count in quota.items()]
    texts = union_all(*[select(branch.c.id, branch.c.sender, branch.c.send_after)
                        for branch in branches],
                      select(Message.id, Message.sender, Message.send_after)
                      .where(Message.status == MessageStatus.SENDING,
                             Message.lease_until < now, Message.sender.in_(list(quota))))
    by_number: dict[str, list[tuple[datetime, int]]] = {}
    for text_id, number, send_after in db.session.execute(texts):
        by_number.setdefault(number, []).append((send_after, text_id))
    return [(text_id, number, rank)
            for number, texts in by_number.items()
            for rank, (_, text_id) in enumerate(sorted(texts)[:quota[number]], start=1)]


def claim_paced(now: datetime, now_us: int, owner: str, *, limit: int, lease: timedelta,
                per_second: float, ahead: timedelta) -> PacedClaim:
    """Lease to `owner` up to `limit` due texts that their numbers can send within `ahead`
    of `now_us` (the real clock), and reserve each one's slot. In the caller's transaction,
    which must be committed at once (`dispatcher.claim_messages`)."""
    step = interval_us(per_second)
    horizon = now_us + max(0, int(ahead.total_seconds() * 1_000_000))
    # 1. The numbers with due texts and a slot free within the horizon, the oldest due first.
    due_numbers = _numbers_with_due_texts(now)
    free = sorted(((oldest, number, next_slot) for number, oldest, next_slot in due_numbers
                   if next_slot is None or next_slot <= horizon))[:limit]
    if not free:
        waiting = [next_slot for _, _, next_slot in due_numbers if next_slot is not None]
        return PacedClaim([], min(waiting) if waiting else None)
    new = [number for _, number, next_slot in free if next_slot is None]
    if new:
        _ensure_slot_rows(new)
    # 2. Lock them; one that another claim is reserving now is left to it.
    locked = dict(db.session.execute(
        select(slots.c.number, slots.c.next_slot_us)
        .where(slots.c.number.in_([number for _, number, _ in free]),
               slots.c.next_slot_us <= horizon)
        .with_for_update(skip_locked=True)).all())
    if not locked:
        return PacedClaim([], now_us)  # all being reserved by other claims: try again soon
    quota = {number: (horizon - max(next_slot, now_us)) // step + 1
             for number, next_slot in locked.items()}
    # 3. Each number's first texts, in due order, as many as its quota; the first text of
    # every number before the second of any.
    chosen = sorted(_first_due_texts(now, quota), key=lambda row: (row[2], row[0]))[:limit]
    # 4. Lease them (only those still due: a lease that ran out may have been renewed).
    taken = set(db.session.execute(
        update(Message).where(Message.id.in_([text_id for text_id, _, _ in chosen]), due(now))
        .values(status=MessageStatus.SENDING, lease_owner=owner, lease_until=now + lease,
                attempts=Message.attempts + 1)
        .returning(Message.id)
        .execution_options(synchronize_session=False)).scalars())
    # 5. Their slots, one interval apart from the number's next free slot, in due order.
    claimed, advanced = [], {}
    for text_id, number, _ in sorted((row for row in chosen if row[0] in taken),
                                     key=lambda row: (row[1], row[2])):
        slot = advanced.get(number, max(locked[number], now_us))
        claimed.append(Claimed(text_id, slot))
        advanced[number] = slot + step
    if advanced:
        db.session.connection().execute(_ADVANCE, [{"b_number": number, "b_next": next_slot}
                                      for number, next_slot in advanced.items()])
    claimed.sort(key=lambda one: one.slot_us)
    return PacedClaim(claimed)


def give_back(number: str, first_us: int, end_us: int) -> bool:
    """Return the slots from `first_us` to `end_us` (exclusive) to `number`, if they are the
    last it has reserved (no claim has reserved one after them): its next free slot moves
    back to `first_us`. In the caller's transaction; True if they were given back."""
    return db.session.execute(
        update(slots).where(slots.c.number == number, slots.c.next_slot_us == end_us)
        .values(next_slot_us=first_us)
        .execution_options(synchronize_session=False)).rowcount == 1

