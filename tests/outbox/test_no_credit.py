"""No credit holds a practice's texts, it never fails them: they stay queued with the reason
(and staff see it on every page), no send is attempted, and the first pass after credit
returns sends each of them once. Against the sandbox, over real HTTP."""

from datetime import timedelta

from reminder_app.extensions import db
from reminder_app.models import MessageStatus, ReminderStatus
from reminder_app.models.clickatell_account import BlockerKind
from reminder_app.reminders.passes import run_pass
from tests.factories import make_ready_practice

from .conftest import Booking, reminder_of, texts

ON_HOLD = "Reminders are on hold: the Clickatell account has no credit."
MINUTE = timedelta(minutes=1)


def broke_practice(sandbox, email: str, known_balance: int) -> Booking:
    """A practice with no credit left at Clickatell, whose last known balance is given."""
    owner = make_ready_practice(sandbox, owner_email=email, credits=0)
    owner.practice.clickatell_account.balance = known_balance
    db.session.commit()
    return Booking(owner.practice)


def sends_tried(caplog) -> int:
    """How many sends reached the sandbox (its request log)."""
    return sum("/http/sendmsg" in record.getMessage() for record in caplog.records)


def assert_held(appointment) -> None:
    [text] = texts(appointment)
    assert (text.status, text.held_by, text.status_detail, text.attempts) == (
        MessageStatus.QUEUED, BlockerKind.NO_CREDIT, ON_HOLD, 0)
    reminder = reminder_of(appointment)
    assert (reminder.status, reminder.reason) == (ReminderStatus.QUEUED, ON_HOLD)


def test_a_known_balance_of_0_holds_the_texts_and_buying_credit_sends_each_once(
        sandbox, client, auth, caplog):
    booking = broke_practice(sandbox, "broke@example.com", known_balance=0)
    appointments = [booking.appointment() for _ in range(2)]

    result = run_pass(booking.due)
    assert (result.reminders.queued, result.outbox.held) == (2, 2)
    assert (result.outbox.sent, result.outbox.failed, result.outbox.retried) == (0, 0, 0)
    for appointment in appointments:
        assert_held(appointment)
    assert sandbox.messages() == [] and sends_tried(caplog) == 0
    auth.login("broke@example.com")
    assert ON_HOLD in client.get("/").get_data(as_text=True)

    assert run_pass(booking.due + MINUTE).outbox.sent == 0  # still no credit: still held
    for appointment in appointments:
        assert_held(appointment)
    assert sends_tried(caplog) == 0

    bought = client.post("/onboarding/credits/buy")
    assert sandbox.buy_credits(bought.headers["Location"], 100).status_code == 200
    client.get("/onboarding")  # reads the new balance from Clickatell
    assert ON_HOLD not in client.get("/").get_data(as_text=True)

    result = run_pass(booking.due + 2 * MINUTE)  # the next pass, not one 5 minutes later
    assert (result.outbox.sent, result.outbox.held) == (2, 0)
    assert run_pass(booking.due + 10 * MINUTE).outbox.sent == 0
    sent = sandbox.messages()
    assert len(sent) == 2 and len({m["cliMsgId"] for m in sent}) == 2
    for appointment in appointments:
        [text] = texts(appointment)
        assert (text.status, text.held_by) == (MessageStatus.SENT, None)
        assert reminder_of(appointment).status is ReminderStatus.SENT


def test_clickatell_saying_no_credit_holds_the_texts_and_sets_the_balance_to_0(
        sandbox, client, auth, caplog):
    booking = broke_practice(sandbox, "stale@example.com", known_balance=50)  # out of date
    appointments = [booking.appointment() for _ in range(2)]

    result = run_pass(booking.due)  # the first send is refused with 301
    assert (result.outbox.held, result.outbox.failed, result.outbox.sent) == (2, 0, 0)
    assert sends_tried(caplog) == 1  # the second text was held without trying
    for appointment in appointments:
        assert_held(appointment)
    account = booking.practice.clickatell_account
    db.session.refresh(account)
    assert account.balance == 0
    auth.login("stale@example.com")
    assert ON_HOLD in client.get("/").get_data(as_text=True)
    assert sandbox.messages() == []
    run_pass(booking.due + MINUTE)
    assert sends_tried(caplog) == 1  # the balance of 0 holds them now


def test_an_unread_balance_does_not_hold_texts(booking, account, sandbox):
    account.balance = None  # never read: Clickatell will say if there is none
    db.session.commit()
    booking.appointment()
    assert run_pass(booking.due).outbox.sent == 1
