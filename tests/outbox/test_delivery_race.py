"""Two delivery reports of one text applied at the same moment (found by the callback
drill, tests/drills/test_callbacks.py): the later status wins whatever the order of commits.

Each report is one conditional UPDATE, so the second waits for the first one's row (or, on
SQLite, database) lock and is then decided on the row as the first one left it."""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from reminder_app.clickatell import parse_central_statuses
from reminder_app.extensions import db
from reminder_app.models import ClickatellAccount, Message, MessageStatus
from reminder_app.outbox import delivery


def report(account, message, status: str):
    [update] = parse_central_statuses({
        "api_id": account.api_id, "apiMsgId": message.gateway_message_id, "cliMsgId": "",
        "timestamp": str(int(datetime.now(UTC).timestamp())), "to": "12015550100",
        "from": "12015550199", "status": status, "charge": "1.0"})
    return update


def stored(message):
    db.session.expire_all()
    row = db.session.get(Message, message.id)
    return row.status, row.status_code


def applied_meanwhile(app, account_id: int, delivery_report):
    """Apply a report in another request (thread, session and connection of its own)."""

    def apply() -> bool:
        with app.app_context():
            try:
                changed = delivery.apply_delivery_report(
                    db.session.get(ClickatellAccount, account_id), delivery_report)
                db.session.commit()
                return changed
            finally:
                db.session.remove()

    pool = ThreadPoolExecutor(1)
    future = pool.submit(apply)
    pool.shutdown(wait=False)
    return future


@pytest.mark.parametrize(("first", "second", "second_changes"), [
    ("004", "003", False),  # the intermediate report waits, then finds the final status
    ("003", "004", True),  # the final report waits, then still moves the status on
])
def test_two_reports_of_one_text_at_once_leave_the_later_status(
        app, sent_text, first, second, second_changes):
    account, message = sent_text
    assert delivery.apply_delivery_report(account, report(account, message, first))
    # Not committed yet: the other request's UPDATE must wait for this one.
    meanwhile = applied_meanwhile(app, account.id, report(account, message, second))
    time.sleep(0.3)
    assert not meanwhile.done()
    db.session.commit()
    assert meanwhile.result(timeout=10) is second_changes
    assert stored(message) == (MessageStatus.DELIVERED, "004")


def test_a_later_report_still_moves_the_status_on(sent_text):
    account, message = sent_text
    assert delivery.apply_delivery_report(account, report(account, message, "003"))
    assert delivery.apply_delivery_report(account, report(account, message, "004"))
    assert not delivery.apply_delivery_report(account, report(account, message, "003"))
    db.session.commit()
    db.session.expire_all()
    row = db.session.get(Message, message.id)
    assert (row.status, row.status_code) == (MessageStatus.DELIVERED, "004")
    assert row.delivered_at is not None and row.charge == 1
