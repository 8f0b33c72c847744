"""No answer becomes GatewayUnavailable; only calls safe to repeat are repeated."""

import logging

import pytest

from reminder_app.clickatell import (
    ConnectClient,
    GatewayUnavailable,
    MessagingClient,
    ProtocolError,
    SessionStore,
)
from reminder_app.clickatell.transport import Transport

from . import recorded
from .conftest import CONNECT_PATH, TOKEN
from .stub import Canned, refused_url


def test_connection_refused_is_gateway_unavailable_and_not_processed():
    with ConnectClient(f"{refused_url()}/connect", TOKEN, retries=0) as client, \
            pytest.raises(GatewayUnavailable) as caught:
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

    with pytest.raises(GatewayUnavailable) as caught:
        connect.get_list_country()

    assert caught.value.reason == "ReadTimeout"


def test_server_error_is_provider_unavailable(stub, connect):
    stub.answer(CONNECT_PATH, b"<html>Internal Server Error</html>", status=500)

    with pytest.raises(GatewayUnavailable) as caught:
        connect.get_list_country()

    assert caught.value.status == 500


def test_idempotent_calls_are_repeated_until_an_answer_comes(stub, connect):
    stub.answer(CONNECT_PATH, Canned(b"down", 503), Canned(b"down", 503),
                recorded.COUNTRY_LIST)

    assert len(connect.get_list_country()) == 3
    assert len(stub.hits(CONNECT_PATH)) == 3


def test_idempotent_calls_give_up_after_the_configured_retries(stub, connect):
    stub.answer(CONNECT_PATH, b"down", status=503)

    with pytest.raises(GatewayUnavailable):
        connect.get_list_country()

    assert len(stub.hits(CONNECT_PATH)) == 1 + 2


def test_retries_back_off_between_attempts():
    pauses = []
    transport = Transport(retries=3, backoff=0.5, sleep=pauses.append)

    with pytest.raises(GatewayUnavailable):
        transport.post(f"{refused_url()}/x", {}, action="get_list_country", idempotent=True)
    transport.close()

    assert pauses == [0.5, 1.0, 2.0]


def test_non_idempotent_calls_are_sent_once_and_may_have_been_processed(stub, connect):
    stub.answer(CONNECT_PATH, b"down", status=502)

    with pytest.raises(GatewayUnavailable) as caught:
        connect.create_connection("drsmith", "s3cretpw", callback_url="https://a.example/")

    assert len(stub.hits(CONNECT_PATH)) == 1
    assert caught.value.maybe_processed is True


def test_a_call_carrying_a_captcha_is_not_repeated(stub, connect):
    stub.answer(CONNECT_PATH, b"down", status=503)

    with pytest.raises(GatewayUnavailable):
        connect.authenticate_user("drsmith", "s3cretpw", captcha=("c" * 32, "X7K2"))

    assert len(stub.hits(CONNECT_PATH)) == 1


def test_sendmsg_timeout_is_not_repeated_and_says_it_may_have_gone_out(stub, messaging):
    stub.answer("/http/auth", recorded.AUTH_OK)
    stub.answer("/http/sendmsg", recorded.SENDMSG_OK, delay=2)

    with pytest.raises(GatewayUnavailable) as caught:
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
            pytest.raises(GatewayUnavailable):
        client.balance()
    with ConnectClient(f"{stub.url}/connect", TOKEN, backoff=0) as client, \
            pytest.raises(GatewayUnavailable):
        client.get_list_country()

    ours = "\n".join(record.getMessage() for record in caplog.records
                     if record.name.startswith("reminder_app.clickatell"))
    assert "auth" in ours and "get_list_country" in ours
    assert "s3cretpw" not in ours
    assert TOKEN not in ours


# ------------------------------------------------------------------ the overall deadline
# Issue #20, finding 15: an answer dripping a byte at a time held a request for as long as
# the provider liked, since each byte came well within the read timeout.

@pytest.fixture
def sandbox_settings(sandbox_settings):
    return {**sandbox_settings, "SANDBOX_DRIP_SECONDS": 0.05}


@pytest.fixture
def dripping(sandbox):
    """A sandbox account whose every messaging answer drips (36 bytes: about 2 s)."""
    account = sandbox.create_account(user="drip", password="Drip12345", credits=5)
    sandbox.faults(1.0, ["drip"], endpoints=["messaging"])
    return account


def test_an_answer_that_trickles_in_is_cut_off_at_the_deadline(sandbox, dripping):
    """Over real HTTP: every byte arrives within the read timeout, the whole does not
    within the deadline."""
    with MessagingClient(sandbox.url, api_id=str(dripping["api_id"]), user="drip",
                         password="Drip12345", timeout=(1, 1), deadline=0.5,
                         session_store=SessionStore()) as client, \
            pytest.raises(GatewayUnavailable) as caught:
        client.ping()
    assert caught.value.reason == "no whole answer within 0.5 s"
    assert caught.value.retryable


def test_the_same_answer_arrives_whole_within_a_longer_deadline(sandbox, dripping):
    with MessagingClient(sandbox.url, api_id=str(dripping["api_id"]), user="drip",
                         password="Drip12345", timeout=(1, 1), deadline=30,
                         session_store=SessionStore()) as client:
        client.ping()


class SteppingClock:
    """Ten seconds pass each time anyone looks."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 10.0
        return self.now


def test_no_retry_is_started_once_the_deadline_has_passed(stub):
    stub.answer(CONNECT_PATH, b"down", status=503)
    transport = Transport(retries=5, backoff=0, deadline=15, clock=SteppingClock(),
                          sleep=lambda _: None)
    with pytest.raises(GatewayUnavailable):
        transport.post(f"{stub.url}{CONNECT_PATH}", {}, action="ping", idempotent=True)
    assert len(stub.hits(CONNECT_PATH)) == 1  # not 1 + 5


def test_each_attempt_waits_no_longer_than_the_deadline_left():
    transport = Transport(timeout=(3.05, 10.0), deadline=15, clock=lambda: 100.0)
    assert transport._timeouts(until=104.0) == (3.05, 4.0)
    assert transport._timeouts(until=120.0) == (3.05, 10.0)


def test_the_app_builds_its_clients_with_the_configured_deadline(app):
    from reminder_app import gateways

    assert app.config["CLICKATELL_TOTAL_TIMEOUT"] == 15.0
    app.config["CLICKATELL_TOTAL_TIMEOUT"] = 7.5
    assert gateways.connect_client()._transport.deadline == 7.5
