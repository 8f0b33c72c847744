"""Delivery reports through the real webhook URL: authenticated by the account's secret,
stored raw, applied to the text and its reminder; repeats and late reports change nothing."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from reminder_app.extensions import db
from reminder_app.models import CallbackRecord, MessageStatus, ReminderStatus
from reminder_app.reminders.passes import run_pass
from tests.factories import make_ready_practice

from .conftest import reminder_of, texts


@pytest.fixture
def owner(app, live_app, sandbox):
    """The account's callback URLs point at the app served on a real port."""
    return make_ready_practice(sandbox, owner_email="dana@example.com")


@pytest.fixture
def sent(booking):
    """A reminder sent through the sandbox: (appointment, its text)."""
    appointment = booking.appointment(mobile="+12015550123")
    run_pass(booking.due)
    return appointment, texts(appointment)[0]


def report(client, account, message, status, *, secret=None, when=None, **extra):
    params = {"api_id": account.api_id, "apiMsgId": message.gateway_message_id,
              "cliMsgId": message.client_message_id, "to": message.recipient[1:],
              "from": message.sender[1:], "status": status, "charge": "1.000000",
              "timestamp": str(int((when or datetime.now(UTC)).timestamp()))}
    params.update(extra)
    return client.post(f"/webhooks/clickatell/{secret or account.callback_secret}/status",
                       data=params, csrf=False)


def wait_for(predicate, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.expire_all()
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_the_sandbox_reports_reach_the_app_and_mark_text_and_reminder_delivered(
        sent, sandbox):
    appointment, message = sent
    assert wait_for(lambda: texts(appointment)[0].status is MessageStatus.DELIVERED)
    text = texts(appointment)[0]
    assert (text.status_code, text.status_detail) == ("004", "Received by the patient's phone")
    assert text.delivered_at is not None and text.charge == 1
    reminder = reminder_of(appointment)
    assert (reminder.status, reminder.reason) == (ReminderStatus.DELIVERED,
                                                  "Received by the patient's phone")
    pushed = [p for p in sandbox.pushes() if p["kind"] == "status"]
    assert pushed and all(p["status_code"] == 200 for p in pushed)


def test_a_report_with_a_wrong_secret_is_refused_and_stores_nothing(sent, client, account):
    appointment, message = sent
    assert wait_for(lambda: texts(appointment)[0].status_code == "004")  # pushes are done
    stored = db.session.scalar(select(func.count()).select_from(CallbackRecord))
    response = report(client, account, message, "007", secret="not-the-secret")
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(CallbackRecord)) == stored


def test_a_failed_delivery_shows_the_meaning_of_the_status(booking, client, account):
    appointment = booking.appointment()
    run_pass(booking.due)
    message = texts(appointment)[0]
    message.status, message.status_code = MessageStatus.SENT, None  # before any report
    db.session.commit()
    assert report(client, account, message, "007").status_code == 200
    text = texts(appointment)[0]
    assert text.status is MessageStatus.FAILED
    assert text.status_detail == "Not delivered: the phone network could not deliver it"
    assert reminder_of(appointment).status is ReminderStatus.FAILED


def test_a_repeated_report_changes_nothing(sent, client, account):
    appointment, message = sent
    assert wait_for(lambda: texts(appointment)[0].status_code == "004")
    records = db.session.scalar(select(func.count()).select_from(CallbackRecord))
    before = texts(appointment)[0].delivered_at
    response = report(client, account, message, "004",
                      when=datetime.now(UTC) + timedelta(hours=1))
    assert response.status_code == 200
    assert texts(appointment)[0].delivered_at == before
    assert db.session.scalar(select(func.count()).select_from(CallbackRecord)) == records


def test_a_late_report_never_moves_a_final_status_backwards(sent, client, account):
    appointment, message = sent
    assert wait_for(lambda: texts(appointment)[0].status_code == "004")
    for earlier in ("003", "002", "008", "007"):
        assert report(client, account, message, earlier).status_code == 200
    text = texts(appointment)[0]
    assert (text.status, text.status_code) == (MessageStatus.DELIVERED, "004")
    assert reminder_of(appointment).status is ReminderStatus.DELIVERED


def settled_then_reopened(appointment):
    """Wait until the sandbox's own reports are in, then put the text back to 'passed to the
    network' (003), so a wrongly applied report would visibly change it."""
    assert wait_for(lambda: texts(appointment)[0].status_code == "004")
    text = texts(appointment)[0]
    text.status, text.status_code = MessageStatus.SENT, "003"
    db.session.commit()
    return text


def test_a_report_about_an_unknown_text_is_acknowledged_and_changes_nothing(
        sent, client, account):
    appointment, _message = sent
    message = settled_then_reopened(appointment)
    response = report(client, account, message, "005", apiMsgId="f" * 32, cliMsgId="e" * 32)
    assert response.status_code == 200
    assert texts(appointment)[0].status_code == "003"
    record = db.session.scalar(select(CallbackRecord).where(
        CallbackRecord.dedupe_key == f"status:{'f' * 32}:005"))
    assert record is not None and record.processed_at is not None  # kept raw


def test_a_report_never_touches_another_practices_text(sent, client, sandbox):
    appointment, _message = sent
    message = settled_then_reopened(appointment)
    other = make_ready_practice(sandbox, owner_email="other@example.com")
    response = report(client, other.practice.clickatell_account, message, "005")
    assert response.status_code == 200
    assert texts(appointment)[0].status_code == "003"


def test_a_report_that_overtakes_the_recorded_send_is_matched_by_our_id(
        booking, client, account):
    appointment = booking.appointment()
    run_pass(booking.due)
    assert wait_for(lambda: texts(appointment)[0].status_code == "004")
    message = texts(appointment)[0]
    real_id = message.gateway_message_id
    # as if the sandbox had not answered our send yet
    message.gateway_message_id, message.status_code = None, None
    message.status = MessageStatus.SENDING
    db.session.commit()
    assert report(client, account, message, "008", apiMsgId=real_id).status_code == 200
    text = texts(appointment)[0]
    assert (text.gateway_message_id, text.status, text.status_code) == (
        real_id, MessageStatus.SENT, "008")


def test_a_malformed_report_is_a_400_and_kept_raw(sent, client, account):
    _appointment, message = sent
    response = report(client, account, message, "abc")
    assert response.status_code == 400
