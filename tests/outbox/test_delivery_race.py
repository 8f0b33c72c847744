"""Two delivery reports of one text applied at the same moment (found by the callback
drill, tests/drills/test_callbacks.py): the later status wins whatever the order of commits."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from reminder_app.clickatell import parse_delivery_report
from reminder_app.extensions import db
from reminder_app.models import Message, MessageStatus
from reminder_app.outbox import delivery
from tests.factories import make_clickatell_account, make_patient, make_practice, make_sent_text


@pytest.fixture
def text(app):
    practice = make_practice().practice
    account = make_clickatell_account(practice)
    message = make_sent_text(practice, patient=make_patient(practice))
    message.provider_message_id = "a" * 32
    db.session.commit()
    return account, message


def report(account, message, status: str):
    return parse_delivery_report({
        "api_id": account.api_id, "apiMsgId": message.provider_message_id, "cliMsgId": "",
        "timestamp": str(int(datetime.now(UTC).timestamp())), "to": "12015550100",
        "from": "12015550199", "status": status, "charge": "1.0"})


def test_an_intermediate_report_read_before_the_final_one_was_written_changes_nothing(
        text, monkeypatch):
    account, message = text
    stale = db.session.get(Message, message.id)  # as the 003's request read it: sent, no code
    # Meanwhile the 004's request committed:
    db.session.execute(update(Message).where(Message.id == message.id).values(
        status=MessageStatus.DELIVERED, status_code="004").execution_options(
        synchronize_session=False))
    monkeypatch.setattr(delivery, "find_message", lambda *_: stale)

    assert delivery.apply_delivery_report(account, report(account, message, "003")) is False
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Message, message.id)
    assert (stored.status, stored.status_code) == (MessageStatus.DELIVERED, "004")


def test_a_later_report_still_moves_the_status_on(text):
    account, message = text
    assert delivery.apply_delivery_report(account, report(account, message, "003"))
    assert delivery.apply_delivery_report(account, report(account, message, "004"))
    assert not delivery.apply_delivery_report(account, report(account, message, "003"))
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Message, message.id)
    assert (stored.status, stored.status_code) == (MessageStatus.DELIVERED, "004")
    assert stored.delivered_at is not None and stored.charge == 1
