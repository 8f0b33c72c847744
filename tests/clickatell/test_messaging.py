"""The messaging client over real HTTP: sessions, sending, asking, errors."""

import threading
from decimal import Decimal

import pytest
from werkzeug.wrappers import Response

from reminder_app.clickatell import (
    ClickatellError,
    MessageCharge,
    MessageStatus,
    MessagingClient,
    ProtocolError,
    SendResult,
    SessionStore,
)

from . import recorded

SESSION = "5f3c2b1a0e9d8c7b6a5f4e3d2c1b0a99"
MESSAGE_ID = "996f364775e24b8432f45d77da8eca47"


@pytest.fixture
def signed_in(stub):
    stub.answer("/http/auth", recorded.AUTH_OK)
    return stub


def test_auth_sends_the_credentials_once_then_calls_carry_only_the_session(signed_in,
                                                                           messaging):
    signed_in.answer("/http/getbalance", recorded.GETBALANCE)

    messaging.balance()
    messaging.balance()

    assert signed_in.hits("/http/auth") == [
        {"api_id": "3523864", "user": "drsmith", "password": "s3cretpw"}]
    assert signed_in.hits("/http/getbalance") == [{"session_id": SESSION}] * 2


def test_sessions_are_shared_by_clients_of_the_same_account(signed_in, session_store):
    signed_in.answer("/http/getbalance", recorded.GETBALANCE)
    clients = [MessagingClient(signed_in.url, api_id="3523864", user="drsmith",
                               password="s3cretpw", session_store=session_store)
               for _ in range(2)]

    for client in clients:
        client.balance()
        client.close()

    assert len(signed_in.hits("/http/auth")) == 1


def test_concurrent_first_calls_sign_in_once(signed_in, messaging):
    signed_in.answer("/http/getbalance", recorded.GETBALANCE)
    threads = [threading.Thread(target=messaging.balance) for _ in range(8)]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(signed_in.hits("/http/auth")) == 1
    assert len(signed_in.hits("/http/getbalance")) == 8


def test_expired_session_signs_in_again_and_repeats_the_call_once(stub, messaging):
    sessions = iter(["OK: aaaa1111", "OK: bbbb2222"])
    stub.route("/http/auth", lambda request: Response(next(sessions)))
    stub.route("/http/sendmsg", lambda request: Response(
        recorded.SENDMSG_OK if request.form["session_id"] == "bbbb2222"
        else recorded.ERR_SESSION_EXPIRED))

    result = messaging.send("+15551234567", "Reminder")

    assert result.api_message_id == MESSAGE_ID
    assert [hit["session_id"] for hit in stub.hits("/http/sendmsg")] == ["aaaa1111",
                                                                          "bbbb2222"]


def test_a_session_refused_twice_is_reported_not_looped(signed_in, messaging):
    signed_in.answer("/http/getbalance", recorded.ERR_SESSION_EXPIRED)

    with pytest.raises(ClickatellError) as caught:
        messaging.balance()

    assert caught.value.code == "003"
    assert len(signed_in.hits("/http/getbalance")) == 2


def test_wrong_credentials_are_a_permanent_auth_error(stub, messaging):
    stub.answer("/http/auth", recorded.ERR_AUTH_FAILED)

    with pytest.raises(ClickatellError) as caught:
        messaging.balance()

    assert (caught.value.action, caught.value.code, caught.value.retryable) == (
        "auth", "001", False)
    assert "s3cretpw" not in str(caught.value)


def test_ping_keeps_the_session(signed_in, messaging):
    signed_in.answer("/http/ping", recorded.PING_OK)

    messaging.ping()

    assert signed_in.hits("/http/ping") == [{"session_id": SESSION}]


def test_send_converts_numbers_and_asks_for_replies_and_all_reports(signed_in, messaging):
    signed_in.answer("/http/sendmsg", recorded.SENDMSG_OK)

    result = messaging.send("+15551234567", "See you Tuesday 10:30. Reply C to confirm.",
                            sender="+15557654321", client_message_id="r42")

    assert result == SendResult(MESSAGE_ID, 1, "GSM-7")
    assert signed_in.hits("/http/sendmsg") == [{
        "session_id": SESSION, "to": "15551234567", "from": "15557654321",
        "text": "See you Tuesday 10:30. Reply C to confirm.", "mo": "1", "callback": "7",
        "climsgid": "r42",
    }]


def test_send_uses_unicode_hex_for_text_outside_gsm7(signed_in, messaging):
    signed_in.answer("/http/sendmsg", recorded.SENDMSG_OK)

    result = messaging.send("+15551234567", "Rappel: rendez-vous à 10h ✓")

    [form] = signed_in.hits("/http/sendmsg")
    assert form["unicode"] == "1"
    assert bytes.fromhex(form["text"]).decode("utf-16-be") == "Rappel: rendez-vous à 10h ✓"
    assert result.encoding == "UCS-2"


def test_send_sets_concat_to_the_number_of_parts(signed_in, messaging):
    signed_in.answer("/http/sendmsg", recorded.SENDMSG_OK)

    result = messaging.send("+15551234567", "x" * 161)

    assert signed_in.hits("/http/sendmsg")[0]["concat"] == "2"
    assert result.parts == 2


def test_send_refuses_more_parts_than_allowed_without_a_request(signed_in, messaging):
    with pytest.raises(ClickatellError) as caught:
        messaging.send("+15551234567", "x" * 400, max_parts=2)

    assert caught.value.code == "113" and caught.value.retryable is False
    assert signed_in.hits("/http/sendmsg") == []


@pytest.mark.parametrize("bad", [
    {"to": "555-CALL-NOW"}, {"text": ""}, {"client_message_id": "has space"},
    {"callback": 8}, {"deliver_in_minutes": 10081},
])
def test_send_refuses_arguments_the_protocol_cannot_carry(signed_in, messaging, bad):
    arguments = {"to": "+15551234567", "text": "Reminder"} | bad
    to, text = arguments.pop("to"), arguments.pop("text")

    with pytest.raises(ValueError):
        messaging.send(to, text, **arguments)
    assert signed_in.hits("/http/sendmsg") == []


def test_send_error_line_becomes_an_error_with_meaning_and_retryability(signed_in, messaging):
    signed_in.answer("/http/sendmsg", recorded.ERR_NO_CREDIT, recorded.ERR_INTERNAL)

    with pytest.raises(ClickatellError) as no_credit:
        messaging.send("+15551234567", "Reminder")
    with pytest.raises(ClickatellError) as internal:
        messaging.send("+15551234567", "Reminder")

    assert (no_credit.value.code, no_credit.value.retryable) == ("301", False)
    assert "no credits left" in no_credit.value.meaning
    assert (internal.value.code, internal.value.retryable) == ("901", True)


def test_send_many_gives_each_recipient_its_own_outcome_in_order(signed_in, messaging):
    signed_in.answer("/http/sendmsg", recorded.SENDMSG_MANY)
    recipients = ["+15551230001", "+15551230002", "+15551230003"]

    outcomes = messaging.send_many(recipients, "Clinic closed Friday.")

    assert signed_in.hits("/http/sendmsg")[0]["to"] == "15551230001,15551230002,15551230003"
    assert [outcome.to for outcome in outcomes] == recipients
    assert [outcome.ok for outcome in outcomes] == [True, False, True]
    assert outcomes[0].result.api_message_id == "2fa8ce7a9bc1a34a6e1d4e0f0f1b2c3d"
    assert outcomes[1].error.code == "105" and not outcomes[1].error.retryable


def test_send_many_raises_an_error_that_concerns_the_whole_call(signed_in, messaging):
    signed_in.answer("/http/sendmsg", recorded.ERR_NO_CREDIT)

    with pytest.raises(ClickatellError, match="301"):
        messaging.send_many(["+15551230001", "+15551230002"], "Clinic closed Friday.")


def test_send_many_reports_a_recipient_missing_from_the_answer(signed_in, messaging):
    signed_in.answer("/http/sendmsg", b"ID: 2fa8ce7a9bc1a34a6e1d4e0f0f1b2c3d To: 15551230001")

    outcomes = messaging.send_many(["+15551230001", "+15551230009"], "Hello")

    assert outcomes[0].ok
    assert isinstance(outcomes[1].error, ProtocolError)


@pytest.mark.parametrize("by", ["api_message_id", "client_message_id"])
def test_query_by_either_id_gives_status_meaning_and_state(signed_in, messaging, by):
    signed_in.answer("/http/querymsg", recorded.QUERYMSG)

    status = messaging.query(**{by: MESSAGE_ID if by == "api_message_id" else "r42"})

    assert status == MessageStatus(MESSAGE_ID, "004", "Received by the patient's phone",
                                   True, "delivered")
    sent_key = "apimsgid" if by == "api_message_id" else "climsgid"
    assert sent_key in signed_in.hits("/http/querymsg")[0]


def test_query_needs_exactly_one_id(messaging):
    with pytest.raises(ValueError):
        messaging.query()
    with pytest.raises(ValueError):
        messaging.query(api_message_id=MESSAGE_ID, client_message_id="r42")


def test_query_for_an_id_clickatell_never_saw_is_error_104(signed_in, messaging):
    signed_in.answer("/http/querymsg", recorded.ERR_UNKNOWN_CLIENT_ID)

    with pytest.raises(ClickatellError) as caught:
        messaging.query(client_message_id="r42")

    assert caught.value.code == "104"


@pytest.mark.parametrize("answer, expected", [
    (recorded.GETMSGCHARGE, (Decimal("0.300000"), "004")),
    (recorded.GETMSGCHARGE_OTHER_SHAPE, (Decimal("1.5"), "003")),
])
def test_charge_accepts_both_answer_shapes(signed_in, messaging, answer, expected):
    signed_in.answer("/http/getmsgcharge", answer)

    charge = messaging.charge(MESSAGE_ID)

    assert isinstance(charge, MessageCharge)
    assert (charge.api_message_id, charge.charge, charge.status.code) == (MESSAGE_ID,
                                                                         *expected)


def test_cancel_returns_the_status_after_delmsg(signed_in, messaging):
    signed_in.answer("/http/delmsg", recorded.DELMSG)

    status = messaging.cancel(client_message_id="r42")

    assert (status.code, status.state, status.final) == ("006", "cancelled", True)


def test_balance_is_a_decimal(signed_in, messaging):
    signed_in.answer("/http/getbalance", recorded.GETBALANCE)

    assert messaging.balance() == Decimal("217.5")


@pytest.mark.parametrize("answer", [b"", b"Credit: lots", b"Credit: NaN", b"<html/>"])
def test_unreadable_balance_is_a_protocol_error(signed_in, messaging, answer):
    signed_in.answer("/http/getbalance", answer)

    with pytest.raises(ProtocolError):
        messaging.balance()


def test_password_is_not_in_repr(messaging):
    assert "s3cretpw" not in repr(messaging)


def test_each_store_keeps_its_own_sessions(signed_in):
    signed_in.answer("/http/getbalance", recorded.GETBALANCE)

    for _ in range(2):
        with MessagingClient(signed_in.url, api_id="3523864", user="drsmith",
                             password="s3cretpw", session_store=SessionStore()) as client:
            client.balance()

    assert len(signed_in.hits("/http/auth")) == 2
