"""The One API client and parsers against the recorded payloads, and the error classing."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from reminder_app.clickatell import (
    Balance,
    CallbackError,
    ClickatellError,
    GatewayUnavailable,
    OneApiClient,
    OneApiText,
    ProtocolError,
    Remedy,
    codes,
    parse_platform_replies,
    parse_platform_statuses,
)

from . import recorded_platform as recorded
from .stub import Canned

KEY = "dGhpcyBpcyBhIGtleQ=="


def json_answer(body: bytes, status: int) -> Canned:
    return Canned(body, status, content_type="application/json")


@pytest.fixture
def one_api(stub):
    with OneApiClient(stub.url, api_key=KEY, timeout=(1, 0.5), backoff=0) as client:
        yield client


def test_a_recorded_202_send_gives_the_message_id(stub, one_api):
    stub.answer("/v1/message", json_answer(recorded.ONE_API_SEND_202, 202))
    result = one_api.send("+2799900001", "Hello", sender="+2799900002",
                          client_message_id="r1")
    assert result.api_message_id == "02ca87d5a95446e68b0ac36a0c2057f1"
    assert (result.parts, result.encoding) == (1, "GSM-7")
    [sent] = stub.raw("/v1/message")
    assert json.loads(sent) == {"messages": [{"channel": "sms", "to": "2799900001",
                                              "content": "Hello", "from": "2799900002",
                                              "clientMessageId": "r1"}]}


def test_the_bare_key_goes_in_the_authorization_header(stub, one_api):
    seen = []

    def record(request):
        from werkzeug.wrappers import Response
        seen.append(request.headers.get("Authorization"))
        return Response(recorded.BALANCE, content_type="application/json")

    stub.route("/v1/balance", record)
    assert one_api.balance() == Balance(Decimal("1267.92865"), "ZAR")
    assert seen == [KEY]
    assert KEY not in repr(one_api)


def test_a_number_that_is_not_one_is_refused_before_sending(stub, one_api):
    with pytest.raises(ValueError):
        one_api.send_many([OneApiText("2799900001", "Hi"), OneApiText("27999abcde", "Hi")])
    assert stub.raw("/v1/message") == []


def test_a_per_message_refusal_is_that_texts_outcome(stub, one_api):
    """The recorded 207, its refused recipient made a number we would send."""
    body = recorded.ONE_API_MIXED_207.replace(b"27999abcde", b"2799900003")
    stub.answer("/v1/message", json_answer(body, 207))
    good, bad = one_api.send_many([OneApiText("2799900001", "Hi"),
                                   OneApiText("+2799900003", "Hi")])
    assert good.result.api_message_id == "cd2d90701afe42cdb15e2670218d8567"
    assert bad.error.code == "23" and bad.error.remedy is Remedy.FAIL_TEXT
    assert bad.error.description == "Invalid or missing parameter: to ."


def test_a_recorded_401_is_a_held_practice(stub, one_api):
    stub.answer("/v1/message", json_answer(recorded.ONE_API_BAD_KEY_401, 401))
    with pytest.raises(ClickatellError) as caught:
        one_api.send("2799900001", "Hi")
    assert caught.value.code == "1" and caught.value.remedy is Remedy.HOLD_PRACTICE
    assert "API key" in caught.value.meaning


def test_a_recorded_status_query(stub, one_api):
    stub.answer(f"/v1/message/{'a' * 32}", json_answer(recorded.ONE_API_STATUS, 200))
    status = one_api.status(api_message_id="a" * 32)
    assert (status.code, status.state, status.final) == ("2", "queued", False)
    with pytest.raises(ValueError):
        one_api.status(client_message_id="r1")


def test_a_503_is_unavailable_and_a_send_is_not_repeated(stub, one_api):
    stub.answer("/v1/message", json_answer(b'{"error":{"code":19,"description":"x"}}', 503))
    with pytest.raises(GatewayUnavailable) as caught:
        one_api.send("2799900001", "Hi")
    assert caught.value.maybe_processed and len(stub.raw("/v1/message")) == 1


@pytest.mark.parametrize("body", [b"", b"[]", b"<html/>", b'{"messages":[]}',
                                  b'{"messages":[{"accepted":true,"to":"2799900001"}]}'])
def test_an_unreadable_send_answer_is_a_protocol_error(stub, one_api, body):
    stub.answer("/v1/message", json_answer(body, 202))
    with pytest.raises(ProtocolError):
        one_api.send("2799900001", "Hi")


def test_a_batch_is_at_most_200(one_api):
    with pytest.raises(ValueError):
        one_api.send_many([OneApiText("2799900001", "Hi")] * 201)


def test_the_recorded_mo_callback_parses():
    [reply] = parse_platform_replies(recorded.ONE_API_MO)
    assert reply.account == "fa8090815f05d5ed015f0b5b56080cd2"
    assert reply.message_id == "3a89680503414383af44dcd0e4e5f184"
    assert reply.related_message_id == "d33eef0838a121f71069a4cc8d55c19e"
    assert (reply.sender, reply.to, reply.text) == ("+2799900001", "+2799900002", "Text")
    assert reply.received_at == datetime(2017, 9, 28, 14, 8, 18, tzinfo=UTC)


def test_the_recorded_status_callback_parses():
    [update] = parse_platform_statuses(recorded.ONE_API_STATUS_CALLBACK)
    assert update.api_message_id == "02ca87d5a95446e68b0ac36a0c2057f1"
    assert update.client_message_id == "r42"
    assert (update.status.state, update.status.final) == ("delivered", True)


def test_unknown_events_and_channels_are_ignored():
    envelope = json.loads(recorded.ONE_API_MO)
    envelope["event"]["moMedia"] = [{"channel": "whatsapp"}]
    envelope["event"]["moText"].append({"channel": "whatsapp"})
    assert len(parse_platform_replies(json.dumps(envelope))) == 1
    assert parse_platform_statuses(recorded.ONE_API_MO) == []


@pytest.mark.parametrize(("change", "field"), [
    (lambda e: e.pop("integrationId"), "integrationId"),
    (lambda e: e["event"]["moText"][0].pop("from"), "from"),
    (lambda e: e["event"]["moText"][0].update(timestamp="soon"), "timestamp"),
    (lambda e: e["event"]["moText"][0].update(content=7), "content"),
    (lambda e: e["event"]["moText"][0].update(to="+1 555"), "to"),
])
def test_a_bad_mo_callback_names_the_field(change, field):
    envelope = json.loads(recorded.ONE_API_MO)
    change(envelope)
    with pytest.raises(CallbackError) as caught:
        parse_platform_replies(json.dumps(envelope))
    assert caught.value.field == field


def test_a_callback_that_is_not_json_is_refused():
    with pytest.raises(CallbackError):
        parse_platform_statuses(b"status=4")


# ------------------------------------------------------------------ the classing table

ONE_API_CLASSES = {
    Remedy.RETRY_LATER: {18, 19, 43},
    Remedy.HOLD_PRACTICE: {1, 2, 3, 7, 20, 38, 39, 44, 45, 46, 110, 111},
    Remedy.OPT_OUT: {26},
}
LEGACY_CLASSES = {
    Remedy.RETRY_LATER: {"003", "005", "130", "901"},
    Remedy.HOLD_PRACTICE: {"001", "002", "004", "007", "106", "108", "123", "301"},
    Remedy.OPT_OUT: {"122"},
}
FACT_SHEET_CODES = {1, 2, 3, 7, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 30, 31, 32, 33,
                    38, 39, 40, 41, 42, 43, 44, 45, 46, 100, 101, 110, 111}


def test_every_one_api_code_of_the_fact_sheet_has_words_and_a_class():
    assert set(codes.ONE_API_ERRORS) == FACT_SHEET_CODES
    for remedy in Remedy:
        expected = ONE_API_CLASSES.get(remedy, FACT_SHEET_CODES - set().union(
            *ONE_API_CLASSES.values()))
        assert {c for c, row in codes.ONE_API_ERRORS.items() if row.remedy is remedy} == expected
    assert all(row.meaning.endswith(".") for row in codes.ONE_API_ERRORS.values())


def test_every_legacy_code_has_a_class():
    every = set(codes.MESSAGING_ERRORS)
    for remedy in Remedy:
        expected = LEGACY_CLASSES.get(remedy, every - set().union(*LEGACY_CLASSES.values()))
        assert {c for c in every if codes.messaging_error_remedy(c) is remedy} == expected


def test_an_unknown_code_fails_the_text_instead_of_looping():
    assert codes.one_api_error(999).remedy is Remedy.FAIL_TEXT
    assert codes.messaging_error_remedy("555") is Remedy.FAIL_TEXT


def test_one_api_statuses_rank_like_central_ones():
    assert codes.one_api_status("DEVICE_ACK").rank > codes.one_api_status("SENT_TO_SUPPLIER").rank
    assert codes.one_api_status(number=23).state == "failed"
    assert codes.one_api_status("NEW_THING").final is False


def test_the_status_query_is_repeated_after_a_503_and_the_send_is_not(stub, one_api):
    path = f"/v1/message/{'b' * 32}"
    stub.answer(path, json_answer(b'{"error":{"code":19,"description":"retry"}}', 503),
                json_answer(recorded.ONE_API_STATUS, 200))
    assert one_api.status(api_message_id="b" * 32).state == "queued"
    assert len(stub.raw(path)) == 2


def test_a_402_with_a_global_error_holds_the_practice(stub, one_api):
    stub.answer("/v1/message", json_answer(
        b'{"error":{"code":20,"description":"Insufficient account balance"}}', 402))
    with pytest.raises(ClickatellError) as caught:
        one_api.send("2799900001", "Hi")
    assert caught.value.remedy is Remedy.HOLD_PRACTICE and not caught.value.retryable


def test_an_unlisted_http_status_is_a_protocol_error(stub, one_api):
    stub.answer("/v1/balance", json_answer(recorded.BALANCE, 302))
    with pytest.raises(ProtocolError):
        one_api.balance()
