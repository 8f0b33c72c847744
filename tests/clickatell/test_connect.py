"""The Connect client over real HTTP against a stub playing back recorded answers."""

import pytest
from lxml import etree

from reminder_app.clickatell import (
    TWO_WAY_NUMBER,
    AccountType,
    Captcha,
    ClickatellError,
    ConnectClient,
    Country,
    ProtocolError,
    Registration,
    SmsActivation,
)

from . import recorded
from .conftest import CONNECT_PATH, TOKEN


def sent(stub) -> list[etree._Element]:
    """The request documents the stub received, parsed."""
    return [etree.fromstring(form["XML"].encode()) for form in stub.hits(CONNECT_PATH)]


def params_of(document: etree._Element) -> dict[str, str]:
    return {child.tag: child.text or "" for child in document}


def success(action: str, values: str = "") -> bytes:
    inner = f"<Values>{values}</Values>" if values else "<Values/>"
    return (f'<?xml version="1.0"?><CLICKATELLSDK><Action>{action}</Action>'
            f"<Result>Success</Result>{inner}<Timestamp>1</Timestamp></CLICKATELLSDK>").encode()


def error(code: str, context: str = "") -> bytes:
    return (f"<CLICKATELLSDK><Result>Error</Result><Error>{code}</Error>"
            f"<Description>x</Description>{context}</CLICKATELLSDK>").encode()


def test_each_call_posts_one_xml_form_field_to_the_token_url(stub, connect):
    stub.answer(CONNECT_PATH, recorded.COUNTRY_LIST)

    connect.get_list_country()

    [form] = stub.hits(CONNECT_PATH)
    assert list(form) == ["XML"]
    assert TOKEN not in form["XML"]
    assert params_of(sent(stub)[0]) == {"action": "get_list_country"}


def test_country_list_becomes_typed_countries(stub, connect):
    stub.answer(CONNECT_PATH, recorded.COUNTRY_LIST)

    countries = connect.get_list_country()

    assert countries[:2] == [Country(1, "United States"), Country(44, "United Kingdom")]


def test_account_types_include_small_business(stub, connect):
    stub.answer(CONNECT_PATH, recorded.ACCOUNT_LIST)

    assert AccountType(9, "US Only Account (Small Business)") in connect.get_list_account()


def test_captcha_image_is_url_decoded_to_png_bytes(stub, connect):
    stub.answer(CONNECT_PATH, recorded.captcha_answer("a" * 32))

    captcha = connect.get_captcha()

    assert captcha == Captcha("a" * 32, recorded.CAPTCHA_PNG)
    assert captcha.png.startswith(b"\x89PNG")


def test_register_sends_every_field_with_small_business_as_default_account(stub, connect):
    stub.answer(CONNECT_PATH, recorded.REGISTER_OK)

    result = connect.register(
        user="drsmith", password="s3cretpw", fname="Ann", sname="Smith",
        email_address="ann@practice.example", country_id=1, mobile_number="+15551234567",
        captcha_id="c" * 32, captcha_code="X7K2",
    )

    assert result is None
    assert params_of(sent(stub)[0]) == {
        "action": "register", "user": "drsmith", "password": "s3cretpw", "fname": "Ann",
        "sname": "Smith", "email_address": "ann@practice.example", "country_id": "1",
        "mobile_number": "15551234567", "captcha_id": "c" * 32, "captcha_code": "X7K2",
        "accept_terms": "1", "account_id": "9",
    }


def test_register_test_mode_and_force_create_are_sent_only_when_asked(stub, connect):
    stub.answer(CONNECT_PATH, recorded.REGISTER_OK)
    registration = Registration(
        user="drsmith", password="s3cretpw", fname="Ann", sname="Smith",
        email_address="ann@practice.example", country_id=1, mobile_number="15551234567",
        captcha_id="c" * 32, captcha_code="X7K2", test_mode=True, force_create=True,
        company="Smith Family Practice", activation_redirect="https://app.example/welcome",
    )

    connect.register(registration)

    params = params_of(sent(stub)[0])
    assert params["test_mode"] == "1" and params["force_create"] == "1"
    assert params["company"] == "Smith Family Practice"
    assert params["activation_redirect"] == "https://app.example/welcome"
    assert "s3cretpw" not in repr(registration)


def test_register_is_never_repeated_after_a_timeout(stub, connect):
    from reminder_app.clickatell import GatewayUnavailable

    stub.answer(CONNECT_PATH, recorded.REGISTER_OK, delay=2)

    with pytest.raises(GatewayUnavailable) as caught:
        connect.register(
            user="drsmith", password="s3cretpw", fname="Ann", sname="Smith",
            email_address="ann@practice.example", country_id=1, mobile_number="15551234567",
            captcha_id="c" * 32, captcha_code="X7K2",
        )

    assert len(stub.hits(CONNECT_PATH)) == 1
    assert caught.value.maybe_processed


def test_error_carries_code_plain_meaning_and_form_field(stub, connect):
    stub.answer(CONNECT_PATH, recorded.USERNAME_TAKEN)

    with pytest.raises(ClickatellError) as caught:
        connect.register(
            user="drsmith", password="s3cretpw", fname="Ann", sname="Smith",
            email_address="ann@practice.example", country_id=1, mobile_number="15551234567",
            captcha_id="c" * 32, captcha_code="X7K2",
        )

    error = caught.value
    assert (error.action, error.code, error.field) == ("register", "439", "user")
    assert error.meaning == "That username is already taken at Clickatell. Choose another."
    assert error.retryable is False
    assert "439" in str(error)


def test_every_error_of_a_multi_error_answer_is_reported_with_its_field(stub, connect):
    stub.answer(CONNECT_PATH, recorded.REGISTER_TWO_ERRORS)

    with pytest.raises(ClickatellError) as caught:
        connect.register(
            user="drsmith", password="s3cretpw", fname="Ann", sname="Smith",
            email_address="not-an-address", country_id=1, mobile_number="15551234567",
            captcha_id="c" * 32, captcha_code="X7K2",
        )

    assert caught.value.code == "416"
    assert [(d.code, d.field) for d in caught.value.details] == [
        ("416", "email_address"), ("417", "mobile_number"),
    ]


def test_not_activated_error_keeps_the_address_it_was_sent_to(stub, connect):
    stub.answer(CONNECT_PATH, recorded.NOT_EMAIL_ACTIVATED)

    with pytest.raises(ClickatellError) as caught:
        connect.authenticate_user("drsmith", "s3cretpw")

    assert caught.value.code == "103"
    assert caught.value.values == {"Email": "manager@practice.example"}
    assert "s3cretpw" not in str(caught.value) + repr(caught.value)


def test_authenticate_user_returns_the_user_number(stub, connect):
    stub.answer(CONNECT_PATH, recorded.AUTHENTICATE_USER)

    assert connect.authenticate_user("drsmith", "s3cretpw") == "1234567"


def test_captcha_pair_is_sent_as_captcha_id_and_code(stub, connect):
    stub.answer(CONNECT_PATH, recorded.AUTHENTICATE_USER)

    connect.authenticate_user("drsmith", "s3cretpw", captcha=("c" * 32, "X7K2"))

    params = params_of(sent(stub)[0])
    assert (params["captcha_id"], params["captcha_code"]) == ("c" * 32, "X7K2")


def test_not_sms_activated_is_an_answer_not_an_error(stub, connect):
    stub.answer(CONNECT_PATH, recorded.NOT_SMS_ACTIVATED, recorded.SMS_ACTIVATED)

    assert connect.sms_activation_status("drsmith", "s3cretpw") == SmsActivation(
        False, "15551234567")
    assert connect.sms_activation_status("drsmith", "s3cretpw") == SmsActivation(
        True, "15551234567", "1234567")


def test_sms_activation_code_is_sent_under_its_protocol_name(stub, connect):
    stub.answer(CONNECT_PATH, success("validate_activation_sms"))

    connect.validate_activation_sms("drsmith", "s3cretpw", " 8K2PQ ")

    assert params_of(sent(stub)[0])["sms_activation_code"] == "8K2PQ"


def test_create_connection_returns_the_api_id_and_sends_the_callback(stub, connect):
    stub.answer(CONNECT_PATH, recorded.CREATE_CONNECTION)

    api_id = connect.create_connection(
        "drsmith", "s3cretpw", callback_url="https://app.example/hooks/status/k3y")

    assert api_id == "3523864"
    params = params_of(sent(stub)[0])
    assert params["callback_url"] == "https://app.example/hooks/status/k3y"
    assert (params["callback_type_id"], params["connection_id"]) == ("1", "2")


def test_buy_credits_and_terms_return_their_urls(stub, connect):
    stub.answer(CONNECT_PATH,
                success("buy_credits_url", "<Value><buy_url>https://b.example/x</buy_url>"
                                           "</Value>"),
                success("get_list_terms", "<Value><URL_location>https://t.example/terms"
                                          "</URL_location></Value>"))

    assert connect.buy_credits_url("drsmith", "s3cretpw") == "https://b.example/x"
    assert connect.get_list_terms(country_id=1) == "https://t.example/terms"


def test_two_way_number_url_uses_the_assumed_action_and_parameter_names(stub, connect):
    stub.answer(CONNECT_PATH, success(
        TWO_WAY_NUMBER.action,
        f"<Value><{TWO_WAY_NUMBER.result_field}>https://a.example/apply"
        f"</{TWO_WAY_NUMBER.result_field}></Value>"))

    url = connect.two_way_number_url(
        "drsmith", "s3cretpw", country_id=1, return_url="https://app.example/back",
        callback_url="https://app.example/hooks/mo/k3y")

    assert url == "https://a.example/apply"
    params = params_of(sent(stub)[0])
    assert params["action"] == "two_way_number_url"
    assert params["return_url"] == "https://app.example/back"
    assert params["callback_url"] == "https://app.example/hooks/mo/k3y"
    assert params["country_id"] == "1"


def test_success_without_the_promised_value_is_a_protocol_error(stub, connect):
    stub.answer(CONNECT_PATH, success("create_connection"))

    with pytest.raises(ProtocolError):
        connect.create_connection("drsmith", "s3cretpw", callback_url="https://a.example/")


def test_the_token_never_appears_in_errors_or_repr(stub):
    client = ConnectClient(f"{stub.url}/connect", TOKEN, timeout=(1, 0.25), retries=0)
    stub.answer(CONNECT_PATH, b"", status=503)

    with client, pytest.raises(ClickatellError) as caught:
        client.get_list_country()

    assert TOKEN not in str(caught.value) + repr(caught.value) + repr(client)


def test_captcha_bytes_round_trip_every_byte_value(stub, connect):
    png = bytes(range(256))
    stub.answer(CONNECT_PATH, recorded.captcha_answer("b" * 32, png))

    assert connect.get_captcha().png == png
