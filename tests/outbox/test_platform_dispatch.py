"""A practice on Clickatell's Platform (the One API) against the sandbox, over real HTTP: its
reminders leave through the same dispatcher, with our client message id, and the status
callbacks mark them delivered. The One API cannot be asked about a text by our id, so a send
that got no answer waits for the status callback instead of being sent again."""

from datetime import timedelta

import pytest

from reminder_app.extensions import db
from reminder_app.models import ActorKind, ConsentMethod, MessageStatus, Patient, ReminderStatus
from reminder_app.models.clickatell_account import BlockerKind, sending_blocker
from reminder_app.models.consent import consent_history
from reminder_app.outbox.dispatcher import NO_REPORTS_YET
from reminder_app.reminders.passes import run_pass
from tests.factories import make_platform_practice

from .conftest import Booking, reminder_of, texts
from .test_delivery import wait_for

SECOND = timedelta(seconds=1)


@pytest.fixture
def owner(app, live_app, sandbox):
    """The setup's callback URLs point at the app served on a real port."""
    return make_platform_practice(sandbox, owner_email="dana@example.com")


def test_a_platform_reminder_leaves_with_our_id_and_its_status_callback_delivers_it(
        booking, account, sandbox):
    appointment = booking.appointment(mobile="+12015550123")
    assert run_pass(booking.due).outbox.sent == 1
    [sent] = sandbox.messages()
    [text] = texts(appointment)
    assert sent["cliMsgId"] == text.client_message_id
    assert sent["from"] == account.long_number.removeprefix("+")
    assert text.gateway_message_id == sent["apiMsgId"]
    assert wait_for(lambda: texts(appointment)[0].status is MessageStatus.DELIVERED)
    text = texts(appointment)[0]
    assert (text.status_code, text.status_detail) == ("5", "Received by the patient's phone")
    assert reminder_of(appointment).status is ReminderStatus.DELIVERED
    db.session.refresh(account)
    assert account.status_callback_at is not None


def test_an_unanswered_send_waits_for_the_status_callback_and_is_never_sent_twice(
        booking, account, sandbox):
    account.status_callback_at = booking.due  # callbacks have reached us before
    db.session.commit()
    appointment = booking.appointment(mobile="+12015550124")
    sandbox.faults(1.0, ["timeout"], endpoints=["platform"])
    result = run_pass(booking.due)  # the sandbox keeps the text but answers too late
    sandbox.clear_faults()
    assert result.outbox.retried == 1
    # The status callback carries our id: it tells the text left, and which id it has (here
    # it may even overtake the pass that waits for it).
    assert wait_for(lambda: texts(appointment)[0].status is MessageStatus.DELIVERED)
    assert run_pass(booking.due + timedelta(minutes=11)).outbox.sent == 0
    [sent] = sandbox.messages()
    assert texts(appointment)[0].gateway_message_id == sent["apiMsgId"]


def test_an_unanswered_send_with_no_callback_is_sent_again_after_the_wait(
        booking, account, sandbox):
    """A text the Platform never received (its answer lost before the send reached it) has
    no status callback to wait for: after the wait it goes out once."""
    account.status_callback_at = booking.due
    db.session.commit()
    appointment = booking.appointment(mobile="+12015550125")
    sandbox.faults(1.0, ["http500"], endpoints=["platform"])
    run_pass(booking.due)
    sandbox.clear_faults()
    assert sandbox.messages() == []
    [text] = texts(appointment)
    assert text.status is MessageStatus.QUEUED
    assert text.send_after == booking.due + timedelta(minutes=10)
    assert "Waiting for Clickatell's status report" in text.status_detail
    assert run_pass(booking.due + 9 * 60 * SECOND).outbox.sent == 0  # still waiting
    assert run_pass(booking.due + 10 * 60 * SECOND).outbox.sent == 1
    assert len(sandbox.messages()) == 1


def test_without_any_status_callback_yet_an_unanswered_send_fails_instead_of_risking_two(
        app, sandbox):
    """A setup whose status callback URL is missing (or wrong) never tells us a text left:
    a second copy cannot be ruled out, so the text fails with the reason to fix."""
    owner = make_platform_practice(sandbox, setup={"status_url": None})
    booking = Booking(owner.practice)
    appointment = booking.appointment(mobile="+12015550126")
    sandbox.faults(1.0, ["timeout"], endpoints=["platform"])
    result = run_pass(booking.due)
    sandbox.clear_faults()
    assert result.outbox.failed == 1
    [text] = texts(appointment)
    assert text.status is MessageStatus.FAILED and NO_REPORTS_YET in text.status_detail
    assert len(sandbox.messages()) == 1  # it did reach the sandbox: never a second copy


def test_a_recipient_the_platform_says_opted_out_is_opted_out_here(booking, account, sandbox):
    appointment = booking.appointment(mobile="+12015550127")
    sandbox.platform_errors(26)
    result = run_pass(booking.due)
    assert result.outbox.failed == 1
    [text] = texts(appointment)
    assert (text.status, text.status_detail) == (
        MessageStatus.FAILED, "The patient has opted out of text messages.")
    patient = db.session.get(Patient, appointment.patient_id)
    assert not patient.sms_consent and patient.opted_out_at is not None
    last = consent_history(patient)[0]  # the evidence: the gateway's refusal, by the system
    assert (last.given, last.method, last.actor_kind, last.actor_label) == (
        False, ConsentMethod.GATEWAY, ActorKind.SYSTEM, "Clickatell")


def test_a_revoked_key_holds_the_practice_with_the_reason(booking, account, sandbox):
    account.api_key = "Revoked0000000000000000="
    db.session.commit()
    appointment = booking.appointment(mobile="+12015550128")
    first = booking.appointment(mobile="+12015550129")
    result = run_pass(booking.due)
    assert result.outbox.held == 2 and sandbox.messages() == []
    db.session.refresh(account)
    assert account.held_reason.startswith("Clickatell did not accept the practice's API key")
    assert sending_blocker(account).kind is BlockerKind.NOT_SET_UP
    for each in (appointment, first):
        [text] = texts(each)
        assert (text.status, text.attempts, text.held_by) == (
            MessageStatus.QUEUED, 0, BlockerKind.NOT_SET_UP)


def test_no_credit_at_the_platform_holds_until_credit_is_read_again(booking, account,
                                                                     sandbox):
    appointment = booking.appointment(mobile="+12015550130")
    sandbox.platform_errors(20)
    assert run_pass(booking.due).outbox.held == 1
    db.session.refresh(account)
    assert account.balance == 0 and account.held_reason is None
    [text] = texts(appointment)
    assert text.held_by is BlockerKind.NO_CREDIT
