"""Answers at once: a text that must not wait for the next dispatcher pass (the automatic
answer to a patient's reply) is sent by the process that queued it, right after its
transaction committed, through the dispatcher's own path.

`send_at_once` claims exactly these texts by a conditional UPDATE (still `queued`, due, not
held: only one claimer can win a row, so a pass running at the same moment cannot send one
twice), then reads, checks the send policy, reserves the number's next rate-limit slot, sends and
records them as a pass does (`dispatcher.load_jobs`, `Sender`, `record`). A text whose number is
busy (its next free slot beyond the claim horizon) is left to the pass: a web process must
not sleep minutes for a slot while callbacks wait. If anything fails
on the way, the text is left to the regular pass: unclaimed it is still `queued`; claimed,
its lease expires and the pass asks Clickatell before sending it again.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from flask import current_app
from sqlalchemy import select, update

from .. import transactions
from ..extensions import db
from ..models import Direction, Message, MessageStatus, SendSlot
from ..models.types import utcnow
from .dispatcher import (
    DispatchResult,
    Sender,
    Settings,
    load_jobs,
    new_owner,
    record,
    wait_for_own_slot,
)
from .writes import turn_to_write

log = logging.getLogger(__name__)

EXTENSION = "outbox_at_once"
#: How long a request waits for its turn to send before leaving its texts to the pass.
TURN_TIMEOUT = 10.0


def _turns(app) -> threading.BoundedSemaphore:
    """At most OUTBOX_CONCURRENCY sends at once per process, as a pass has senders: a burst
    of replies must not take every database connection of the web process."""
    with _LOCK:
        return app.extensions.setdefault(EXTENSION, threading.BoundedSemaphore(
            max(1, int(app.config["OUTBOX_CONCURRENCY"]))))


_LOCK = threading.Lock()


def claim_by_id(ids: list[int], now: datetime, owner: str, lease_until: datetime) -> list[int]:
    """Lease these texts to `owner` if each is still queued, due and not held; committed.
    Returns the ids won."""
    with turn_to_write():
        claimed = db.session.execute(
            update(Message)
            .where(Message.id.in_(ids), Message.direction == Direction.OUTBOUND,
                   Message.status == MessageStatus.QUEUED, Message.send_after <= now,
                   Message.held_by.is_(None))
            .values(status=MessageStatus.SENDING, lease_owner=owner, lease_until=lease_until,
                    attempts=Message.attempts + 1)
            .returning(Message.id)
            .execution_options(synchronize_session=False))
        won = list(claimed.scalars())
        transactions.commit()
    return won


def with_a_slot_soon(ids: list[int], settings: Settings) -> list[int]:
    """Those of `ids` whose number has a free slot within the claim horizon
    (OUTBOX_CLAIM_AHEAD_SECONDS). A web process waits for its text's slot before sending,
    and while it waits it answers no callback: behind a busy number (a morning's reminders
    at one a second) that wait would be minutes, so such a text is left to the pass, which
    sends it in its turn."""
    if settings.rate_per_second <= 0:
        return ids
    horizon = time.time_ns() // 1000 + int(settings.ahead.total_seconds() * 1_000_000)
    rows = db.session.execute(
        select(Message.id, SendSlot.next_slot_us)
        .outerjoin(SendSlot, SendSlot.number == Message.sender)
        .where(Message.id.in_(ids))).all()
    return [message_id for message_id, next_slot in rows
            if next_slot is None or next_slot <= horizon]


def send_at_once(ids: list[int], now: datetime | None = None) -> DispatchResult:
    """Send these queued texts now, each exactly once, as the dispatcher would; whatever
    cannot be sent now is left to the next pass. Never raises."""
    result = DispatchResult()
    if not ids:
        return result
    turns = _turns(current_app)
    if not turns.acquire(timeout=TURN_TIMEOUT):
        return result  # busy: the next pass sends them
    try:
        settings = Settings.from_config(current_app.config)
        now = now or utcnow()
        ids = with_a_slot_soon(ids, settings)
        transactions.rollback()  # that was only read: the claim begins its own transaction
        if not ids:
            return result  # their numbers are busy: the pass sends them in turn
        owner = new_owner()
        won = claim_by_id(ids, now, owner, now + settings.lease)
        if not won:
            return result
        sender = Sender(settings, utcnow, real_clock=True)
        try:
            outcomes = []
            for job in load_jobs(won, now, sender.clients):
                if job.verdict is None:  # it is to be sent: its number's next slot
                    wait_for_own_slot(job, settings)
                outcome = sender.attempt(job)
                result.count(outcome)
                if outcome is not None:
                    outcomes.append(outcome)
            record(outcomes, owner, utcnow())
        finally:
            sender.close()
    except Exception:  # the pass sends it instead; a patient's words never reach the log
        transactions.rollback()
        log.exception("sending %d text(s) at once failed; the next pass sends them", len(ids))
    finally:
        turns.release()
    return result
