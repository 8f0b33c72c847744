"""Sending a text at once (the answer to a reply): the dispatcher's claim, send and record,
for these texts only, exactly once, and left to the pass when anything goes wrong."""

import time
from datetime import timedelta

from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import MessageKind, MessageStatus, SendSlot
from reminder_app.outbox import at_once, enqueue
from reminder_app.outbox.at_once import send_at_once
from reminder_app.outbox.dispatcher import claim_messages, dispatch_due
from tests.factories import make_patient

from .conftest import texts


def an_answer(practice, mobile="+12015550150"):
    patient = make_patient(practice, mobile=mobile)
    message = enqueue(practice, to=patient.mobile, body="Thank you, confirmed.",
                      kind=MessageKind.AUTO_REPLY, patient=patient)
    db.session.commit()
    return message


def test_a_queued_answer_is_sent_at_once_and_only_once(practice, sandbox):
    message = an_answer(practice)
    other = an_answer(practice, "+12015550151")
    assert send_at_once([message.id]).sent == 1
    assert send_at_once([message.id]).sent == 0
    assert dispatch_due().sent == 1  # only the other one is left for the pass
    assert [m["to"] for m in sandbox.messages()] == ["12015550150", "12015550151"]
    assert {m.status for m in texts()} == {MessageStatus.SENT} and other.id


def test_a_text_a_pass_has_claimed_is_not_sent_again_at_once(practice, sandbox):
    message = an_answer(practice)
    db.session.expire_all()
    assert claim_messages(message.send_after, "a-pass", limit=10,
                          lease=timedelta(minutes=2)) == [message.id]
    assert send_at_once([message.id]).sent == 0
    assert sandbox.messages() == []


def test_when_sending_at_once_fails_the_pass_sends_it_once(practice, sandbox, monkeypatch):
    message = an_answer(practice)

    def broken(*_args):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(at_once, "load_jobs", broken)
    assert send_at_once([message.id]).sent == 0
    [claimed] = texts()
    assert claimed.status is MessageStatus.SENDING
    assert dispatch_due(claimed.lease_until + timedelta(seconds=1)).sent == 1
    assert len(sandbox.messages()) == 1


def test_with_the_rate_limit_each_answer_takes_its_numbers_next_slot(app, practice, sandbox):
    """An answer at once goes through the number's slots like a pass's texts, so it never
    leaves in a slot a pass has reserved for another text of that number."""
    app.config["OUTBOX_RATE_PER_SECOND"] = 20.0  # slots 50 ms apart: the test stays short
    first, second = an_answer(practice), an_answer(practice, "+12015550151")
    started_us = time.time_ns() // 1000
    assert send_at_once([first.id]).sent == 1
    assert send_at_once([second.id]).sent == 1
    number = practice.clickatell_account.long_number
    next_free = db.session.scalar(select(SendSlot.next_slot_us).where(SendSlot.number == number))
    assert next_free is not None and next_free >= started_us + 2 * 50_000  # two slots taken
    assert len(sandbox.messages()) == 2


def test_behind_a_busy_number_the_answer_is_left_to_the_pass(app, practice, sandbox):
    """A web process does not wait for a slot minutes ahead (it would answer no callback
    meanwhile): the text stays queued, and the pass sends it in its turn."""
    app.config["OUTBOX_RATE_PER_SECOND"] = 1.0
    message = an_answer(practice)
    number = practice.clickatell_account.long_number
    busy_until_us = time.time_ns() // 1000 + 300 * 1_000_000  # five minutes of reminders
    db.session.add(SendSlot(number=number, next_slot_us=busy_until_us))
    db.session.commit()
    assert send_at_once([message.id]).sent == 0
    [left] = texts()
    assert left.status is MessageStatus.QUEUED and left.attempts == 0
    assert sandbox.messages() == []
