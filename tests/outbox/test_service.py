"""The outbox's own writes: `enqueue` and `enqueue_all` queue a text once per key,
`cancel_queued` stops only texts still waiting, and `MessageStatus.has_left` is the one
meaning of "went out"."""

from datetime import UTC, datetime

import pytest

from reminder_app.extensions import db
from reminder_app.models import Message, MessageKind, MessageStatus
from reminder_app.models.messages import LEFT_STATUSES
from reminder_app.outbox import OutboxError, cancel_queued, enqueue, enqueue_all, new_text
from tests.factories import make_clickatell_account, make_patient, make_practice

NOW = datetime(2026, 6, 15, 16, 30, tzinfo=UTC)


def practice_with_texts():
    practice = make_practice().practice
    make_clickatell_account(practice)
    ana, ben = make_patient(practice), make_patient(practice)

    def text(patient, kind=MessageKind.AUTO_REPLY):
        return enqueue(practice, to=patient.mobile, body="Hello", kind=kind, patient=patient,
                       now=NOW)

    return practice, ana, ben, text


def test_cancel_queued_stops_the_waiting_texts_to_a_number_and_of_the_kinds_asked(app):
    practice, ana, ben, text = practice_with_texts()
    answer, reminder, leaving, other = (text(ana), text(ana, MessageKind.REMINDER), text(ana),
                                        text(ben))
    leaving.status = MessageStatus.SENDING  # a sender has it: it may be leaving
    db.session.commit()

    assert cancel_queued(practice.id, "Opted out.", NOW, recipient=ana.mobile,
                         kinds=[MessageKind.AUTO_REPLY]) == 1
    db.session.commit()
    db.session.expire_all()
    assert (answer.status, answer.status_detail, answer.settled_at) == (
        MessageStatus.CANCELLED, "Opted out.", NOW)
    assert [reminder.status, leaving.status, other.status] == [
        MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.QUEUED]


def test_cancel_queued_by_id_never_touches_another_practice(app):
    practice, ana, _ben, text = practice_with_texts()
    elsewhere, their_ana, _their_ben, other_text = practice_with_texts()
    mine, theirs = text(ana), other_text(their_ana)
    db.session.commit()
    assert cancel_queued(practice.id, "Moved.", NOW, ids=[mine.id, theirs.id]) == 1
    db.session.expire_all()
    assert (mine.status, theirs.status) == (MessageStatus.CANCELLED, MessageStatus.QUEUED)
    assert cancel_queued(practice.id, "Again.", NOW, ids=[mine.id]) == 0  # already settled


def test_cancel_queued_refuses_to_cancel_everything(app):
    with pytest.raises(ValueError):
        cancel_queued(1, "All of them?", NOW)


@pytest.mark.parametrize("status", list(MessageStatus))
def test_a_text_has_left_once_a_sender_has_it(status):
    left = status in (MessageStatus.SENDING, MessageStatus.SENT, MessageStatus.DELIVERED)
    assert status.has_left is left
    assert (status in LEFT_STATUSES) is left


def test_a_key_the_caller_thinks_new_still_queues_its_text_once(app):
    """`key_is_new` skips the look-up, not the guarantee: the unique index finds the text
    already queued with the key, and it is returned instead of a second one."""
    practice, ana, _ben, _text = practice_with_texts()

    def queue(key_is_new: bool):
        return enqueue(practice, to=ana.mobile, body="Reminder", kind=MessageKind.REMINDER,
                       patient=ana, dedupe_key="reminder:7", now=NOW, key_is_new=key_is_new)

    first = queue(key_is_new=True)
    db.session.commit()
    again = queue(key_is_new=True)
    db.session.commit()
    assert again.id == first.id
    assert db.session.scalar(db.select(db.func.count()).select_from(type(first))) == 1


def test_a_batch_is_queued_in_one_go_and_a_key_already_taken_keeps_its_text(app):
    """`enqueue_all` inserts a batch at once; if one key was taken after all, the others are
    still queued and the text already there stands in for that one (never a second copy)."""
    practice, ana, ben, _text = practice_with_texts()

    def batch(*keys):
        return [new_text(practice, to=who.mobile, body=f"Reminder {key}",
                         kind=MessageKind.REMINDER, patient=who, dedupe_key=key, now=NOW)
                for who, key in zip((ana, ben, ana), keys, strict=False)]

    first = enqueue_all(batch("reminder:1", "reminder:2"))
    db.session.commit()
    assert [text.id is not None for text in first] == [True, True]
    again = enqueue_all(batch("reminder:3", "reminder:2", "reminder:4"))
    db.session.commit()
    assert again[1].id == first[1].id and again[1].body == "Reminder reminder:2"
    keys = db.session.scalars(db.select(Message.dedupe_key).order_by(Message.id)).all()
    assert keys == ["reminder:1", "reminder:2", "reminder:3", "reminder:4"]


def test_a_text_that_cannot_be_sent_is_refused_before_it_is_queued(app):
    practice = make_practice().practice
    with pytest.raises(OutboxError, match="no two-way number"):
        new_text(practice, to="+12025550100", body="Hi", kind=MessageKind.REMINDER)
    make_clickatell_account(practice)
    with pytest.raises(OutboxError, match="empty"):
        new_text(practice, to="+12025550100", body="  ", kind=MessageKind.REMINDER)
