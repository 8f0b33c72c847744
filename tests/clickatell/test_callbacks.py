"""Delivery reports and inbound messages, as Clickatell sends them."""

from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import parse_qsl, quote_from_bytes

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder

from reminder_app.clickatell import (
    CallbackError,
    DeliveryReport,
    InboundMessage,
    parse_delivery_report,
    parse_inbound,
)
from reminder_app.clickatell.callbacks import MAX_INBOUND_TEXT

from . import recorded


def form_of(body: bytes) -> MultiDict:
    """The form as Flask/werkzeug hands it to a view (decoded as UTF-8)."""
    request = EnvironBuilder(method="POST", data=body,
                             content_type="application/x-www-form-urlencoded").get_request()
    return request.form


def test_delivery_report_query_string_from_the_protocol_file():
    report = parse_delivery_report(dict(parse_qsl(recorded.DELIVERY_REPORT_QUERY)))

    assert report == DeliveryReport(
        api_id="12345",
        api_message_id="996f364775e24b8432f45d77da8eca47",
        client_message_id="abc123",
        to="+279995631564",
        sender="+27833001171",
        timestamp=datetime(2008, 8, 6, 7, 30, 14, tzinfo=UTC),
        status="003",
        charge=Decimal("0.300000"),
    )
    assert report.status_info.state == "sent"


def test_delivery_report_reads_a_werkzeug_multidict():
    params = MultiDict(parse_qsl(recorded.DELIVERY_REPORT_QUERY))

    assert parse_delivery_report(params).api_message_id == "996f364775e24b8432f45d77da8eca47"


@pytest.mark.parametrize("field", ["api_id", "apiMsgId", "timestamp", "status"])
def test_delivery_report_without_a_required_field_names_it(field):
    params = dict(parse_qsl(recorded.DELIVERY_REPORT_QUERY))
    del params[field]

    with pytest.raises(CallbackError) as caught:
        parse_delivery_report(params)

    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("field, value", [
    ("timestamp", "yesterday"), ("status", "OK"), ("status", "1234"), ("charge", "free"),
    ("charge", "-1"), ("apiMsgId", "../../etc"), ("to", "not a number"), ("api_id", "abc"),
])
def test_delivery_report_with_an_invalid_field_names_it(field, value):
    params = dict(parse_qsl(recorded.DELIVERY_REPORT_QUERY)) | {field: value}

    with pytest.raises(CallbackError) as caught:
        parse_delivery_report(params)

    assert caught.value.field == field


def test_delivery_report_without_client_id_or_charge_still_parses():
    params = dict(parse_qsl(recorded.DELIVERY_REPORT_QUERY))
    params["cliMsgId"] = ""
    del params["charge"]

    report = parse_delivery_report(params)

    assert report.client_message_id is None and report.charge is None


def test_inbound_post_body_from_the_protocol_file():
    message = parse_inbound(form_of(recorded.MO_POST_BODY), recorded.MO_POST_BODY)

    assert message == InboundMessage(
        api_id="3523864",
        mo_message_id="d2b66016178dda7c3b4a701056797755",
        sender="+919676026708",
        to="+447860024227",
        received_at=datetime(2015, 2, 4, 7, 30, 36, tzinfo=UTC),
        text="Test",
        charset="ISO-8859-1",
        udh="",
        network=None,
    )


def test_inbound_timestamp_is_gmt_plus_2_converted_to_utc_across_midnight():
    params = dict(parse_qsl(recorded.MO_POST_BODY.decode())) | {
        "timestamp": "2015-03-01 01:15:00"}

    assert parse_inbound(params).received_at == datetime(2015, 2, 28, 23, 15, tzinfo=UTC)


def mo_body(text_bytes: bytes, charset: str) -> bytes:
    return (b"api_id=3523864&from=15551234567&timestamp=2015-02-04+09%3A30%3A36&text="
            + quote_from_bytes(text_bytes).encode() + b"&charset=" + charset.encode()
            + b"&udh=&moMsgId=d2b66016178dda7c3b4a701056797755&to=15557654321")


def test_unicode_reply_is_decoded_from_the_raw_utf16be_bytes():
    reply = "Sí, gracias 👍"
    body = mo_body(reply.encode("utf-16-be"), "UTF-16BE")

    message = parse_inbound(form_of(body), body)

    assert message.text == reply and message.charset == "UTF-16BE"


def test_unicode_reply_decodes_from_a_form_the_framework_decoded_as_latin1():
    body = mo_body("Oui, à mardi".encode("utf-16-be"), "UTF-16BE")
    params = dict(parse_qsl(body.decode("ascii"), encoding="latin-1"))

    assert parse_inbound(params).text == "Oui, à mardi"


def test_latin1_reply_is_exact_with_the_raw_body_although_werkzeug_mangled_it():
    body = mo_body("Très bien, confirmé".encode("latin-1"), "ISO-8859-1")
    form = form_of(body)
    assert form["text"] != "Très bien, confirmé"  # decoded as UTF-8: replacement chars

    assert parse_inbound(form, body).text == "Très bien, confirmé"


def test_latin1_reply_from_a_form_decoded_as_latin1():
    body = mo_body("Très bien".encode("latin-1"), "ISO-8859-1")
    params = dict(parse_qsl(body.decode("ascii"), encoding="latin-1"))

    assert parse_inbound(params).text == "Très bien"


def test_unicode_reply_that_cannot_be_recovered_is_refused():
    params = dict(parse_qsl(mo_body(b"", "UTF-16BE").decode())) | {"text": "👍"}

    with pytest.raises(CallbackError) as caught:
        parse_inbound(params)

    assert caught.value.field == "text"


def test_odd_length_utf16_bytes_are_refused():
    body = mo_body(b"\x00A\x00", "UTF-16BE")

    with pytest.raises(CallbackError, match="text"):
        parse_inbound(form_of(body), body)


@pytest.mark.parametrize("charset", ["UTF-8\x00", "no-such-charset", "undefined", "base64",
                                     ""])
def test_a_charset_that_names_no_text_codec_is_refused_not_a_crash(charset):
    # Found by tests/security: a NUL in the charset made bytes.decode raise ValueError (a 500).
    body = mo_body(b"C", "ISO-8859-1").replace(b"charset=ISO-8859-1",
                                               b"charset=" + charset.encode("latin-1"))
    params = form_of(body)
    if not charset:
        assert parse_inbound(params, body).text == "C"  # no charset: ISO-8859-1
        return
    with pytest.raises(CallbackError, match="text"):
        parse_inbound(params, body)


def test_overlong_text_is_refused():
    body = mo_body(b"x" * (MAX_INBOUND_TEXT + 1), "ISO-8859-1")

    with pytest.raises(CallbackError, match="too long"):
        parse_inbound(form_of(body), body)


@pytest.mark.parametrize("field", ["api_id", "moMsgId", "from", "to", "timestamp", "text"])
def test_inbound_without_a_required_field_names_it(field):
    params = dict(parse_qsl(recorded.MO_POST_BODY.decode(), keep_blank_values=True))
    del params[field]

    with pytest.raises(CallbackError) as caught:
        parse_inbound(params)

    assert caught.value.field == field


@pytest.mark.parametrize("field, value", [("timestamp", "1423035036"),
                                          ("from", "Clinic"), ("udh", "zz")])
def test_inbound_with_an_invalid_field_names_it(field, value):
    params = dict(parse_qsl(recorded.MO_POST_BODY.decode(), keep_blank_values=True))
    params[field] = value

    with pytest.raises(CallbackError) as caught:
        parse_inbound(params)

    assert caught.value.field == field


def test_inbound_keeps_network_and_udh():
    params = dict(parse_qsl(recorded.MO_POST_BODY.decode(), keep_blank_values=True)) | {
        "udh": "050003CC0201", "network": "T-Mobile US"}

    message = parse_inbound(params)

    assert (message.udh, message.network) == ("050003CC0201", "T-Mobile US")
