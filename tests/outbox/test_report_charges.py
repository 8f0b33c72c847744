"""A report's charge: recorded on its text, unless it is more than a text's row holds (found
by the webhook fuzzer, tests/fuzz/test_webhooks.py: on PostgreSQL a charge of 1e9 made the
whole report fail with a 500, for ever, as Clickatell retried it)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import CallbackRecord, Message, MessageStatus


def report(client, account, message, charge: str):
    return client.post(f"/webhooks/clickatell/{account.callback_secret}/status", csrf=False,
                       data={"api_id": account.api_id, "apiMsgId": message.gateway_message_id,
                             "timestamp": str(int(datetime.now(UTC).timestamp())),
                             "status": "004", "charge": charge})


def stored(message) -> Message:
    db.session.expire_all()
    return db.session.get(Message, message.id)


def test_a_reports_charge_is_recorded_on_its_text(client, sent_text):
    account, message = sent_text
    assert report(client, account, message, "0.8").status_code == 200
    assert stored(message).charge == Decimal("0.8")


@pytest.mark.parametrize("charge", ["1e9", "1000000", "999999.99995"])
def test_a_charge_beyond_what_a_text_can_cost_is_left_out_and_the_report_applied(
        client, sent_text, charge):
    account, message = sent_text
    assert report(client, account, message, charge).status_code == 200
    row = stored(message)
    assert (row.status, row.status_code, row.charge) == (MessageStatus.DELIVERED, "004", None)
    assert f"charge={charge}" in db.session.scalar(select(CallbackRecord.payload))


def test_the_largest_charge_a_text_holds_is_recorded(client, sent_text):
    account, message = sent_text
    assert report(client, account, message, "999999.9999").status_code == 200
    assert stored(message).charge == Decimal("999999.9999")
