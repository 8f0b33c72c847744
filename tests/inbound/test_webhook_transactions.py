"""One transaction per callback: the raw callback and its processing are committed together,
once; a processing failure rolls back the processing only, and the raw callback is kept with
the error for Clickatell's retry, which processes it once."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select

from reminder_app.extensions import db
from reminder_app.inbound import replies
from reminder_app.models import AppointmentStatus, CallbackRecord, MessageStatus
from tests.factories import make_sent_text
from tests.inbound.conftest import answers, callback_records, inbound_messages, refreshed


@pytest.fixture
def commits(app):
    """The COMMITs the app's engine sends, counted."""
    count = []
    listener = lambda _connection: count.append(1)  # noqa: E731
    event.listen(db.engine, "commit", listener)
    yield count
    event.remove(db.engine, "commit", listener)


def stored_callback() -> CallbackRecord:
    db.session.expire_all()
    return db.session.scalar(select(CallbackRecord))


def status_report(client, account, message, status: str):
    return client.post(f"/webhooks/clickatell/{account.callback_secret}/status", csrf=False,
                       data={"api_id": account.api_id, "apiMsgId": message.gateway_message_id,
                             "cliMsgId": "", "to": message.recipient[1:],
                             "from": message.sender[1:], "status": status, "charge": "1.0",
                             "timestamp": str(int(datetime.now(UTC).timestamp()))})


@pytest.mark.parametrize("text", ["C", "Running 10 minutes late"])
def test_a_reply_is_stored_and_processed_in_one_commit(texts, appointment, commits, text):
    assert texts.send(text).status_code == 200
    assert len(commits) == 1
    assert stored_callback().processed_at is not None
    assert len(inbound_messages()) == 1


def test_a_delivery_report_is_stored_and_applied_in_one_commit(client, practice, account,
                                                               patient, commits):
    message = make_sent_text(practice, patient=patient)
    message.gateway_message_id = "d" * 32
    db.session.commit()
    commits.clear()
    assert status_report(client, account, message, "004").status_code == 200
    assert len(commits) == 1
    assert refreshed(message).status is MessageStatus.DELIVERED
    assert stored_callback().processed_at is not None


def test_a_repeat_changes_nothing_and_commits_nothing(texts, appointment, commits):
    form = texts.params("C", mo_id="e" * 32)
    assert texts.send_raw(form).status_code == 200
    commits.clear()
    assert texts.send_raw(form).status_code == 200
    assert commits == []
    assert len(answers()) == 1


def failing_after(real):
    def process(account, message):
        real(account, message)
        raise RuntimeError("the processing broke down")

    return process


def test_a_processing_failure_rolls_back_the_processing_and_keeps_the_raw_callback(
        texts, appointment, monkeypatch):
    monkeypatch.setattr(replies, "handle_inbound", failing_after(replies.handle_inbound))
    form = texts.params("Running 10 minutes late", mo_id="f" * 32)
    with pytest.raises(RuntimeError):  # a 500 outside tests: Clickatell tries again
        texts.send_raw(form)
    record = stored_callback()
    assert record.payload == form
    assert record.processed_at is None
    assert record.error == "RuntimeError: the processing broke down"
    assert inbound_messages() == []  # the processing's own writes are undone
    assert refreshed(appointment).last_reply_text is None


def test_the_retry_after_a_processing_failure_processes_the_callback_once(
        texts, appointment, monkeypatch):
    form = texts.params("C", mo_id="a1" * 16)
    with monkeypatch.context() as patched:
        patched.setattr(replies, "handle_inbound", failing_after(replies.handle_inbound))
        with pytest.raises(RuntimeError):
            texts.send_raw(form)
    assert texts.send_raw(form).status_code == 200
    assert texts.send_raw(form).status_code == 200
    record = stored_callback()
    assert record.processed_at is not None and record.error == ""
    assert callback_records() == 1
    assert len(inbound_messages()) == 1
    assert len(answers()) == 1
    assert refreshed(appointment).status is AppointmentStatus.CONFIRMED


def test_a_reply_that_cancels_and_frees_the_time_is_still_one_commit(texts, appointment,
                                                                     commits):
    """Cancelling runs the appointment service, the reminders and the waitlist's reaction:
    none of them commits (services never do), so the callback stays one transaction."""
    assert texts.send("X").status_code == 200
    assert len(commits) == 1
    assert refreshed(appointment).status is AppointmentStatus.CANCELLED_BY_PATIENT
    assert stored_callback().processed_at is not None
