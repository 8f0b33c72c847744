"""Claims paced by each long number's rate (`outbox.pacing`): a claim takes only what each
number can send soon, reserves those slots for good, and keeps due order within a number."""

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import insert, select

from reminder_app.extensions import db
from reminder_app.models import Direction, Message, MessageKind, MessageStatus, SendSlot
from reminder_app.outbox.pacing import claim_paced
from reminder_app.reminders.passes import run_pass
from tests.factories import make_patient, make_practice, make_ready_practice

from .conftest import Booking, warm_session

NOW = datetime(2026, 6, 15, 16, 30, tzinfo=UTC)
NOW_US = 1_800_000_000_000_000
SECOND = 1_000_000
LEASE = timedelta(seconds=60)


def queue_texts(numbers: dict[str, int]) -> dict[str, list[int]]:
    """For each number, that many due texts (the oldest first); their ids per number."""
    practice = make_practice().practice
    patient = make_patient(practice)
    ids = {}
    for offset, (number, count) in enumerate(numbers.items()):
        ids[number] = list(db.session.execute(
            insert(Message).returning(Message.id, sort_by_parameter_order=True), [
                {"practice_id": practice.id, "patient_id": patient.id,
                 "direction": Direction.OUTBOUND, "kind": MessageKind.REMINDER,
                 "sender": number, "recipient": patient.mobile, "body": "Reminder",
                 "status": MessageStatus.QUEUED,
                 "send_after": NOW - timedelta(minutes=100 - n, seconds=offset),
                 "attempts": 0} for n in range(count)]).scalars())
    db.session.commit()
    return ids


def claim(owner: str, now_us: int = NOW_US, *, limit: int = 20, ahead: float = 2.0):
    found = claim_paced(NOW, now_us, owner, limit=limit, lease=LEASE, per_second=1.0,
                        ahead=timedelta(seconds=ahead))
    db.session.commit()
    return found


def test_a_claim_takes_what_each_number_can_send_within_the_horizon(app):
    ids = queue_texts({"+14155550001": 10, "+14155550002": 10})
    found = claim("sender-1", ahead=2.0)
    # 1 text a second, a 2-second horizon: the slots at 0, 1 and 2 s of each number
    assert sorted((one.id, one.slot_us - NOW_US) for one in found.claimed) == sorted(
        (ids[number][k], k * SECOND) for number in ids for k in range(3))
    assert db.session.get(SendSlot, "+14155550001").next_slot_us == NOW_US + 3 * SECOND


def test_the_first_text_of_every_number_comes_before_the_second_of_any(app):
    ids = queue_texts({f"+1415555000{n}": 5 for n in range(4)})
    found = claim("sender-1", limit=4)
    assert sorted(one.id for one in found.claimed) == sorted(ids[n][0] for n in ids)


def test_a_number_whose_slots_are_taken_is_skipped_and_the_next_claim_follows_on(app):
    ids = queue_texts({"+14155550001": 6, "+14155550002": 6})
    first = claim("sender-1", ahead=1.0)
    assert len(first.claimed) == 4
    # Another sender, half a second later: both numbers are reserved beyond its horizon.
    second = claim("sender-2", NOW_US + SECOND // 2, ahead=1.0)
    assert second.claimed == []
    assert second.next_slot_us == NOW_US + 2 * SECOND  # when a claim can find more
    # At that moment, each number's next texts, in due order, after the slots already taken.
    third = claim("sender-2", NOW_US + 2 * SECOND, ahead=1.0)
    slots = defaultdict(list)
    for one in first.claimed + third.claimed:
        slots[db.session.get(Message, one.id).sender].append((one.slot_us, one.id))
    for number, taken in slots.items():
        assert [slot for slot, _ in sorted(taken)] == [NOW_US + k * SECOND for k in range(4)]
        assert [text for _, text in sorted(taken)] == ids[number][:4]


def test_nothing_due_is_said_so(app):
    ids = queue_texts({"+14155550001": 1})
    db.session.get(Message, ids["+14155550001"][0]).send_after = NOW + timedelta(minutes=1)
    db.session.commit()
    found = claim("sender-1")
    assert found.claimed == [] and found.next_slot_us is None


def test_a_sender_never_waits_on_one_number_while_another_has_a_text_ready(app, sandbox):
    """One sender thread, two practices of three texts each at 2 texts a second: the second
    practice's first text leaves before the first practice's last (before, the sender waited
    out a whole batch of one number first)."""
    current_app.config.update(OUTBOX_RATE_PER_SECOND=2.0, OUTBOX_CONCURRENCY=1)
    bookings = [Booking(make_ready_practice(sandbox).practice) for _ in range(2)]
    for booking in bookings:
        for _ in range(3):
            booking.appointment()
        warm_session(booking.practice.clickatell_account)
    result = run_pass(bookings[0].due)
    assert result.outbox.sent == 6
    numbers = {b.practice.clickatell_account.long_number[1:] for b in bookings}
    sent = sorted(sandbox.messages(), key=lambda m: m["created"])
    assert {m["from"] for m in sent} == numbers
    first_of_each = {number: min(i for i, m in enumerate(sent) if m["from"] == number)
                     for number in numbers}
    last_of_each = {number: max(i for i, m in enumerate(sent) if m["from"] == number)
                    for number in numbers}
    assert max(first_of_each.values()) < min(last_of_each.values())  # interleaved
    # within a practice, in due order: the texts leave in the order they were queued
    for number in numbers:
        ours = db.session.scalars(select(Message).where(Message.sender == f"+{number}")
                                  .order_by(Message.send_after, Message.id)).all()
        assert [m["cliMsgId"] for m in sent if m["from"] == number] == [
            m.client_message_id for m in ours]
