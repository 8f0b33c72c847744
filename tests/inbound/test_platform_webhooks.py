"""The Platform's two JSON callbacks (a One API setup's status and inbound URLs): the same
secret in the URL, raw storage, de-duplication and one transaction as Central's; a callback
about another practice's message or number changes nothing and is answered 200, so the
Platform does not retry it forever."""

import json
import secrets
from datetime import UTC, datetime

import pytest

from reminder_app.extensions import db
from reminder_app.models import AppointmentStatus, CallbackRecord, MessageStatus
from tests.factories import make_patient, make_platform_account, make_practice, make_sent_text
from tests.inbound.conftest import (
    PATIENT_MOBILE,
    answers,
    callback_records,
    inbound_messages,
    refreshed,
    reminded_appointment,
    wait_until,
)

PRACTICE_NUMBER = "+12015550299"
INTEGRATION = "fa8090815f05d5ed015f0b5b56080cd2"


@pytest.fixture
def practice(app):
    """A practice on the Platform; `account`, `patient` and `appointment` come from the
    conftest, built on this practice."""
    owner = make_practice("Lakeside Clinic", owner_email="lee@example.com")
    make_platform_account(owner.practice, long_number=PRACTICE_NUMBER)
    return owner.practice


def now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


def post(client, account, kind: str, event: dict, *, secret: str | None = None):
    body = {"integrationId": INTEGRATION, "integrationName": "Reminders",
            "event": {"moText" if kind == "inbound" else "messageStatusUpdate": [event]}}
    return client.post(
        f"/webhooks/clickatell/{secret or account.callback_secret}/platform/{kind}",
        data=json.dumps(body), content_type="application/json", csrf=False)


def reply(text: str, *, sender: str = PATIENT_MOBILE, to: str = PRACTICE_NUMBER,
          message_id: str | None = None) -> dict:
    return {"channel": "sms", "messageId": message_id or secrets.token_hex(16),
            "relatedMessageId": None, "relatedClientMessageId": None,
            "from": sender.removeprefix("+"), "to": to.removeprefix("+"),
            "timestamp": now_ms(), "content": text, "charset": "UTF-8",
            "sms": {"network": "Test"}}


def status(message, code: int, name: str) -> dict:
    return {"channel": "sms", "messageId": message.gateway_message_id,
            "clientMessageId": message.client_message_id, "timestamp": now_ms(),
            "statusCode": code, "status": name}


@pytest.fixture
def sent(practice, patient):
    message = make_sent_text(practice, patient=patient)
    message.gateway_message_id = "b" * 32
    db.session.commit()
    return message


def test_the_callback_urls_of_a_platform_account_are_its_own(app, account):
    from reminder_app.gateways import callback_url

    with app.test_request_context():
        assert callback_url(account, "status").endswith(
            f"/webhooks/clickatell/{account.callback_secret}/platform/status")
        assert callback_url(account, "inbound").endswith("/platform/inbound")


@pytest.mark.parametrize("kind", ["status", "inbound"])
def test_a_wrong_secret_gets_403_and_stores_nothing(client, account, sent, kind):
    event = status(sent, 5, "DEVICE_ACK") if kind == "status" else reply("C")
    response = post(client, account, kind, event, secret="not-the-secret")
    assert response.status_code == 403
    assert callback_records() == 0
    assert refreshed(sent).status is MessageStatus.SENT


def test_a_status_update_marks_the_text_delivered_once_and_turns_callbacks_green(
        client, account, sent):
    assert account.status_callback_at is None
    event = status(sent, 5, "DEVICE_ACK")
    assert post(client, account, "status", event).status_code == 200
    assert post(client, account, "status", event).status_code == 200  # the Platform retries
    text = refreshed(sent)
    assert (text.status, text.status_code) == (MessageStatus.DELIVERED, "5")
    assert callback_records() == 1
    assert refreshed(account).status_callback_at is not None


def test_a_status_that_arrives_late_never_moves_a_delivered_text_back(client, account, sent):
    post(client, account, "status", status(sent, 5, "DEVICE_ACK"))
    post(client, account, "status", status(sent, 4, "SENT_TO_SUPPLIER"))
    assert refreshed(sent).status is MessageStatus.DELIVERED


def test_a_status_update_found_by_our_id_alone_records_clickatells(client, account, sent):
    """A send whose answer was lost: the callback is how we learn Clickatell's id."""
    from reminder_app.models.messages import new_client_message_id

    sent.gateway_message_id = None
    sent.client_message_id = new_client_message_id()
    sent.status = MessageStatus.QUEUED
    db.session.commit()
    event = {**status(sent, 2, "QUEUED"), "messageId": "c" * 32}
    assert post(client, account, "status", event).status_code == 200
    text = refreshed(sent)
    assert (text.status, text.gateway_message_id) == (MessageStatus.SENT, "c" * 32)


def test_a_status_update_about_another_practices_text_changes_nothing_and_gets_200(
        client, account, sent):
    other = make_practice("Hillside", owner_email="hill@example.com").practice
    make_platform_account(other)
    theirs = make_sent_text(other, patient=make_patient(other, mobile=PATIENT_MOBILE))
    theirs.gateway_message_id = "d" * 32
    db.session.commit()
    assert post(client, account, "status", status(theirs, 5, "DEVICE_ACK")).status_code == 200
    assert refreshed(theirs).status is MessageStatus.SENT


def test_a_malformed_status_callback_is_stored_with_the_error_and_gets_400(
        client, account, sent):
    response = post(client, account, "status", {"channel": "sms", "statusCode": 5})
    assert response.status_code == 400
    [record] = db.session.scalars(db.select(CallbackRecord)).all()
    assert record.processed_at is None and "messageId" in record.error
    assert refreshed(sent).status is MessageStatus.SENT


def test_a_reply_confirms_the_appointment_once_and_is_answered_once(
        client, account, appointment):
    event = reply("C")
    assert post(client, account, "inbound", event).status_code == 200
    assert post(client, account, "inbound", event).status_code == 200
    assert refreshed(appointment).status is AppointmentStatus.CONFIRMED
    [inbound] = inbound_messages()
    assert (inbound.body, inbound.gateway_message_id) == ("C", event["messageId"])
    assert len(answers()) == 1 and callback_records() == 1


def test_a_reply_to_another_number_changes_nothing_and_gets_200(client, account, appointment):
    response = post(client, account, "inbound", reply("C", to="+12015550777"))
    assert response.status_code == 200
    assert refreshed(appointment).status is AppointmentStatus.BOOKED
    [inbound] = inbound_messages()
    assert inbound.patient_id is None and answers() == []


def test_a_whatsapp_event_is_ignored_and_acknowledged(client, account, appointment):
    response = post(client, account, "inbound", {**reply("C"), "channel": "whatsapp"})
    assert response.status_code == 200
    assert inbound_messages() == []
    assert refreshed(appointment).status is AppointmentStatus.BOOKED


def test_the_sandbox_phone_reply_reaches_the_app_through_the_platform_callback(
        app, live_app, sandbox):
    from tests.factories import make_platform_practice

    owner = make_platform_practice(sandbox)
    practice = owner.practice
    patient = make_patient(practice, mobile="+12015550150")
    appointment = reminded_appointment(practice, patient)
    sandbox.inbound(patient.mobile, practice.clickatell_account.long_number, "C")
    wait_until(lambda: refreshed(appointment).status is AppointmentStatus.CONFIRMED)
    [inbound] = inbound_messages(practice)
    assert inbound.body == "C"
