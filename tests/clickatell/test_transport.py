"""No answer becomes ProviderUnavailable; only calls safe to repeat are repeated."""

import logging

import pytest

from reminder_app.clickatell import (
    ConnectClient,
    MessagingClient,
    ProtocolError,
    ProviderUnavailable,
    SessionStore,
)
from reminder_app.clickatell.transport import Transport

from . import recorded
from .conftest import CONNECT_PATH, TOKEN
from .stub import Canned, refused_url


def test_connection_refused_is_provider_unavailable_and_not_processed():
    with ConnectClient(f"{refused_url()}/connect", TOKEN, retries=0) as client, \
            pytest.raises(ProviderUnavailable) as caught:
        client.register(
            user="drsmith", password="s3cretpw", fname="Ann", sname="Smith",
            email_address="ann@practice.example", country_id=1, mobile_number="15551234567",
            captcha_id="c" * 32, captcha_code="X7K2",
        )

    assert caught.value.code is None
    assert caught.value.retryable is True
    assert caught.value.maybe_processed is False
    assert "connection refused" in caught.value.reason


def test_read_timeout_is_provider_unavailable(stub, connect):
    stub.answer(CONNECT_PATH, recorded.COUNTRY_LIST, delay=2)

    with pytest.raises(ProviderUnavailable) as caught:
        connect.get_list_country()

    assert caught.value.reason == "ReadTimeout"


def test_server_error_is_provider_unavailable(stub, connect):
    stub.answer(CONNECT_PATH, b"<html>Internal Server Error</html>", status=500)

    with pytest.raises(ProviderUnavailable) as caught:
        connect.get_list_country()

    assert caught.value.status == 500


def test_idempotent_calls_are_repeated_until_an_answer_comes(stub, connect):
    stub.answer(CONNECT_PATH, Canned(b"down", 503), Canned(b"down", 503),
                recorded.COUNTRY_LIST)

    assert len(connect.get_list_country()) == 3
    assert len(stub.hits(CONNECT_PATH)) == 3


def test_idempotent_calls_give_up_after_the_configured_retries(stub, connect):
    stub.answer(CONNECT_PATH, b"down", status=503)

    with pytest.raises(ProviderUnavailable):
        connect.get_list_country()

    assert len(stub.hits(CONNECT_PATH)) == 1 + 2


def test_retries_back_off_between_attempts():
    pauses = []
    transport = Transport(retries=3, backoff=0.5, sleep=pauses.append)

    with pytest.raises(ProviderUnavailable):
        transport.post(f"{refused_url()}/x", {}, action="get_list_country", idempotent=True)
    transport.close()

    assert pauses == [0.5, 1.0, 2.0]


def test_non_idempotent_calls_are_sent_once_and_may_have_been_processed(stub, connect):
    stub.answer(CONNECT_PATH, b"down", status=502)

    with pytest.raises(ProviderUnavailable) as caught:
        connect.create_connection("drsmith", "s3cretpw", callback_url="https://a.example/")

    assert len(stub.hits(CONNECT_PATH)) == 1
    assert caught.value.maybe_processed is True


def test_a_call_carrying_a_captcha_is_not_repeated(stub, connect):
    stub.answer(CONNECT_PATH, b"down", status=503)

    with pytest.raises(ProviderUnavailable):
        connect.authenticate_user("drsmith", "s3cretpw", captcha=("c" * 32, "X7K2"))

    assert len(stub.hits(CONNECT_PATH)) == 1


def test_sendmsg_timeout_is_not_repeated_and_says_it_may_have_gone_out(stub, messaging):
    stub.answer("/http/auth", recorded.AUTH_OK)
    stub.answer("/http/sendmsg", recorded.SENDMSG_OK, delay=2)

    with pytest.raises(ProviderUnavailable) as caught:
        messaging.send("+15551234567", "Reminder", client_message_id="r42")

    assert len(stub.hits("/http/sendmsg")) == 1
    assert caught.value.maybe_processed is True


def test_querymsg_getbalance_and_getmsgcharge_are_repeated(stub, messaging):
    stub.answer("/http/auth", recorded.AUTH_OK)
    stub.answer("/http/querymsg", Canned(b"", 503), recorded.QUERYMSG)
    stub.answer("/http/getbalance", Canned(b"", 500), recorded.GETBALANCE)
    stub.answer("/http/getmsgcharge", Canned(b"", 504), recorded.GETMSGCHARGE)

    messaging.query(client_message_id="r42")
    messaging.balance()
    messaging.charge("996f364775e24b8432f45d77da8eca47")

    assert [len(stub.hits(f"/http/{c}")) for c in ("querymsg", "getbalance", "getmsgcharge")
            ] == [2, 2, 2]


def test_unexpected_http_status_is_a_protocol_error(stub, connect):
    stub.answer(CONNECT_PATH, b"not found", status=404)

    with pytest.raises(ProtocolError):
        connect.get_list_country()
    assert len(stub.hits(CONNECT_PATH)) == 1


def test_oversized_answer_is_cut_off_as_a_protocol_error(stub):
    stub.answer(CONNECT_PATH, b"<CLICKATELLSDK>" + b" " * 2_000_000 + b"</CLICKATELLSDK>")

    with ConnectClient(f"{stub.url}/connect", TOKEN, max_bytes=64 * 1024) as client, \
            pytest.raises(ProtocolError, match="larger than"):
        client.get_list_country()


def test_our_logs_name_the_action_but_never_the_password_or_token(stub, caplog):
    stub.answer("/http/auth", b"", status=503)
    stub.answer(CONNECT_PATH, b"", status=503)
    caplog.set_level(logging.DEBUG)

    with MessagingClient(stub.url, api_id="1", user="drsmith", password="s3cretpw",
                         session_store=SessionStore(), backoff=0) as client, \
            pytest.raises(ProviderUnavailable):
        client.balance()
    with ConnectClient(f"{stub.url}/connect", TOKEN, backoff=0) as client, \
            pytest.raises(ProviderUnavailable):
        client.get_list_country()

    ours = "\n".join(record.getMessage() for record in caplog.records
                     if record.name.startswith("reminder_app.clickatell"))
    assert "auth" in ours and "get_list_country" in ours
    assert "s3cretpw" not in ours
    assert TOKEN not in ours
