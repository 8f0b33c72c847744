"""What becomes of a reserved slot that its text cannot use: a text a sender reaches late
takes its number's next free slot (sent once, never dropped), and a text the send policy
stops gives its slot to the next text of its number, or back to the number."""

import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import Message, MessageStatus, SendSlot
from reminder_app.outbox import dispatcher
from reminder_app.outbox.pacing import give_back
from reminder_app.reminders.passes import run_pass
from reminder_app.reminders.planning import queue_due
from tests.factories import make_ready_practice

from .conftest import Booking, warm_session
from .test_pacing import NOW_US, SECOND, claim, queue_texts


def three_due_texts(sandbox) -> Booking:
    """One practice (one long number) with three reminders due at once, 1 text a second,
    one sender thread."""
    current_app.config.update(OUTBOX_RATE_PER_SECOND=1.0, OUTBOX_CONCURRENCY=1)
    booking = Booking(make_ready_practice(sandbox).practice)
    for _ in range(3):
        booking.appointment()
    warm_session(booking.practice.clickatell_account)
    return booking


def in_due_order() -> list[Message]:
    db.session.expire_all()
    return list(db.session.scalars(select(Message).order_by(Message.send_after, Message.id)))


def next_slot_of(number: str) -> int:
    db.session.expire_all()
    return db.session.get(SendSlot, number).next_slot_us


def test_a_text_reached_late_moves_up_its_number_keeps_due_order_and_each_leaves_once(
        app, sandbox, monkeypatch):
    booking = three_due_texts(sandbox)
    claim_with_slots, attempt = dispatcher.claim_with_slots, dispatcher.Sender.attempt
    new_slot = dispatcher.new_slot
    reserved, used, new_slots = {}, {}, []

    def recorded_claim(*args):
        found = claim_with_slots(*args)
        reserved.update((one.id, one.slot_us) for one in found.claimed)
        return found

    def slow_first_answer(self, job):
        used[job.id] = job.slot_us
        outcome = attempt(self, job)
        if len(used) == 1:  # Clickatell takes 1.6 s to answer the first text
            time.sleep(1.6)
        return outcome

    def recorded_new_slot(job, settings):
        new_slots.append(new_slot(job, settings))
        return new_slots[-1]

    monkeypatch.setattr(dispatcher, "claim_with_slots", recorded_claim)
    monkeypatch.setattr(dispatcher.Sender, "attempt", slow_first_answer)
    monkeypatch.setattr(dispatcher, "new_slot", recorded_new_slot)
    result = run_pass(booking.due)

    texts = in_due_order()
    second = texts[1]
    # The second text's slot (a second after the first's) had passed when the sender was
    # free again: it moved up to a later slot, and the number took a new one at its end.
    assert used[second.id] > reserved[second.id]
    assert new_slots and next_slot_of(second.sender) == max(new_slots) + SECOND
    # Not dropped, not sent twice, in due order, each at its own slot a second or more
    # after the one before.
    assert result.outbox.sent == 3
    sent = sorted(sandbox.messages(), key=lambda m: m["created"])
    assert [m["cliMsgId"] for m in sent] == [text.client_message_id for text in texts]
    slots = [used[text.id] for text in texts]
    assert all(later - earlier >= SECOND for earlier, later in zip(slots, slots[1:], strict=False))
    assert all(text.status is MessageStatus.SENT and text.attempts == 1 for text in texts)


def test_a_text_stopped_as_it_leaves_gives_its_slot_to_the_next_text_of_its_number(
        app, sandbox, monkeypatch):
    booking = three_due_texts(sandbox)
    queue_due(booking.due)
    stopped = in_due_order()[0]
    stopped.patient.opt_out(booking.due)  # STOP between queueing and sending
    db.session.commit()
    claims, compacted = [], []
    claim_with_slots, return_unused = dispatcher.claim_with_slots, dispatcher.return_unused_slots

    def recorded_claim(*args):
        found = claim_with_slots(*args)
        claims.append(sorted(one.slot_us for one in found.claimed))
        return found

    def recorded_return(jobs, settings):
        returned = return_unused(jobs, settings)
        compacted.append(({job.id: job.slot_us for job in jobs}, returned,
                          next_slot_of(jobs[0].sender)))
        return returned

    monkeypatch.setattr(dispatcher, "claim_with_slots", recorded_claim)
    monkeypatch.setattr(dispatcher, "return_unused_slots", recorded_return)
    result = dispatcher.dispatch_due(booking.due)

    assert (result.cancelled, result.sent) == (1, 2)
    _, second, third = in_due_order()
    reserved = claims[0]  # the claim reserved three slots, a second apart
    assert len(reserved) == 3
    slots, returned, next_slot = compacted[0]
    # The two texts that are to leave take the first two slots, in due order; the stopped
    # one none; the third slot goes back to the number.
    assert slots == {second.id: reserved[0], third.id: reserved[1], stopped.id: 0}
    assert (returned, next_slot) == (1, reserved[2])
    sent = sorted(sandbox.messages(), key=lambda m: m["created"])
    assert [m["cliMsgId"] for m in sent] == [second.client_message_id,
                                             third.client_message_id]


def test_slots_are_given_back_only_while_no_claim_has_reserved_one_after_them(app):
    ids = queue_texts({"+14155550001": 6})
    claim("sender-1", ahead=1.0)  # slots at 0 and 1 s
    assert next_slot_of("+14155550001") == NOW_US + 2 * SECOND
    claim("sender-2", NOW_US + 2 * SECOND, ahead=0.0)  # the slot at 2 s
    # sender-1's slot at 1 s is not the number's last reserved: it is not given back
    assert not give_back("+14155550001", NOW_US + SECOND, NOW_US + 2 * SECOND)
    assert next_slot_of("+14155550001") == NOW_US + 3 * SECOND
    # sender-2's is
    assert give_back("+14155550001", NOW_US + 2 * SECOND, NOW_US + 3 * SECOND)
    db.session.commit()
    assert next_slot_of("+14155550001") == NOW_US + 2 * SECOND
    # and the next claim takes that slot for the number's next text
    found = claim("sender-3", NOW_US + 2 * SECOND, ahead=0.0)
    assert [(one.id, one.slot_us) for one in found.claimed] == [
        (ids["+14155550001"][3], NOW_US + 2 * SECOND)]


def test_nothing_is_given_back_when_every_text_of_a_claim_leaves(app):
    queue_texts({"+14155550001": 2})
    claim("sender-1", ahead=1.0)
    jobs = [dispatcher.Job(id=n, attempts=1, recipient="+12015550100", body="Reminder",
                           sender="+14155550001", client_message_id=f"c{n}", account_id=1,
                           lease_until=dispatcher.utcnow() + timedelta(minutes=1),
                           slot_us=NOW_US + n * SECOND) for n in range(2)]
    settings = dispatcher.Settings.from_config(current_app.config | {
        "OUTBOX_RATE_PER_SECOND": 1.0})
    assert dispatcher.return_unused_slots(jobs, settings) == 0
    assert [job.slot_us for job in jobs] == [NOW_US, NOW_US + SECOND]
    assert next_slot_of("+14155550001") == NOW_US + 2 * SECOND
