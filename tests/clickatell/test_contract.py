"""Contract: the real clients against the emulator (`clickatell_sandbox`) over real HTTP.

Everything the product does with Clickatell, end to end: sign-up with captchas, every error
the sign-up and log-in forms can meet, activation by e-mail link and by SMS code, API
connection, credit and two-way number links, sending, asking, balance, session expiry,
delivery reports and replies pushed back to us. Codes and phone texts are read through the
sandbox's test API, as a person would read them from the screen or the phone.
"""

from __future__ import annotations

import itertools
import time
import uuid
from decimal import Decimal
from urllib.parse import parse_qsl

import pytest
import requests

from clickatell_sandbox.testing import SandboxServer
from reminder_app.clickatell import (
    ClickatellError,
    ConnectClient,
    GatewayUnavailable,
    MessagingClient,
    Registration,
    SessionStore,
    SmsActivation,
    codes,
    parse_delivery_report,
    parse_inbound,
)

TOKEN = "c0ffee00c0ffee00c0ffee00c0ffee00"
PASSWORD = "s3cretpw1"
SANDBOX_SETTINGS = {
    "SANDBOX_DELIVERY_STEP_SECONDS": 0.02,
    "SANDBOX_FAULT_TIMEOUT_SECONDS": 1.0,
    "SANDBOX_TIME_SCALE": 0.001,
}
_numbers = itertools.count(1)


class SandboxAPI:
    """The sandbox's JSON test API: what a person would see on screen or on the phone."""

    def __init__(self, url: str) -> None:
        self.url = f"{url}/sandbox/api"
        self.http = requests.Session()

    def close(self) -> None:
        self.http.close()

    def _get(self, path: str, **params):
        response = self.http.get(f"{self.url}{path}", params=params, timeout=5)
        response.raise_for_status()
        return response.json()

    def _post(self, path: str, data: dict | None = None):
        response = self.http.post(f"{self.url}{path}", json=data or {}, timeout=5)
        response.raise_for_status()
        return response.json() if response.content else None

    def captcha_code(self, captcha_id: str) -> str:
        return self._get(f"/captchas/{captcha_id}")["code"]

    def emails(self, to: str) -> list[dict]:
        return self._get("/emails", to=to)

    def messages(self, to: str) -> list[dict]:
        return self._get("/messages", to=to)

    def create_account(self, **data) -> dict:
        return self._post("/accounts", data)

    def expire_sessions(self) -> None:
        self._post("/sessions/expire")

    def faults(self, **plan) -> None:
        self._post("/faults", plan)

    def clear_faults(self) -> None:
        self.http.delete(f"{self.url}/faults", timeout=5).raise_for_status()

    def inbound(self, sender: str, to: str, text: str) -> dict:
        return self._post("/inbound", {"from": sender, "to": to, "text": text})


@pytest.fixture(scope="module")
def sandbox():
    server = SandboxServer(SANDBOX_SETTINGS)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def api(sandbox):
    client = SandboxAPI(sandbox.url)
    yield client
    client.close()


@pytest.fixture
def connect(sandbox):
    with ConnectClient(f"{sandbox.url}/connect", TOKEN, timeout=(2, 5), backoff=0) as client:
        yield client


def unique(prefix: str = "dr") -> str:
    return f"{prefix}{next(_numbers)}{uuid.uuid4().hex[:8]}"


def mobile() -> str:
    return f"+1555{uuid.uuid4().int % 10_000_000:07d}"


def solved_captcha(connect: ConnectClient, api: SandboxAPI) -> tuple[str, str]:
    captcha = connect.get_captcha()
    return captcha.id, api.captcha_code(captcha.id)


def registration(connect, api, **changes) -> Registration:
    user = unique()
    captcha_id, captcha_code = solved_captcha(connect, api)
    fields = {
        "user": user, "password": PASSWORD, "fname": "Ann", "sname": "Smith",
        "email_address": f"{user}@practice.example", "country_id": 226,
        "mobile_number": mobile(), "captcha_id": captcha_id, "captcha_code": captcha_code,
        "company": "Smith Family Practice",
    } | changes
    return Registration(**fields)


def activate_by_email(api: SandboxAPI, address: str) -> None:
    [email] = api.emails(address)[-1:]
    requests.get(email["activation_url"], timeout=5, allow_redirects=False).raise_for_status()


def registered(connect, api, *, activated: bool = True, **changes) -> Registration:
    form = registration(connect, api, **changes)
    connect.register(form)
    if activated:
        activate_by_email(api, form.email_address)
    return form


def refusal(call, *args, **kwargs) -> ClickatellError:
    with pytest.raises(ClickatellError) as caught:
        call(*args, **kwargs)
    return caught.value


def wait_for(condition, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


# ------------------------------------------------------------------ lists and captcha


def test_lists_come_back_typed(connect):
    countries = {country.name: country.id for country in connect.get_list_country()}
    accounts = {account.id: account.name for account in connect.get_list_account()}

    assert countries["United States"] == 226
    assert accounts[9] == "US Only Account (Small Business)"
    assert {c.id: c.name for c in connect.get_list_callback()}[1] == "HTTP Post"
    assert {c.id: c.name for c in connect.get_list_connection()}[2] == "HTTP API"
    assert any(p.prefix == "1" for p in connect.get_list_country_prefix())


def test_the_lists_match_the_code_tables_of_the_client(connect):
    assert {a.id: a.name for a in connect.get_list_account()} == {
        key: info.name for key, info in codes.ACCOUNT_TYPES.items()}
    assert {c.id: c.name for c in connect.get_list_callback()} == dict(codes.CALLBACK_TYPES)
    assert {c.id: c.name for c in connect.get_list_connection()} == dict(
        codes.CONNECTION_TYPES)


def test_terms_url_for_a_country(connect):
    url = connect.get_list_terms(country_id=226, terms_format=2)

    assert requests.get(url, timeout=5).status_code == 200


def test_captcha_is_a_png_whose_code_the_test_api_reveals(connect, api):
    captcha = connect.get_captcha()

    assert captcha.png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(captcha.id) == 32
    assert api.captcha_code(captcha.id)


# ------------------------------------------------------------------ sign-up


def test_register_in_test_mode_creates_nothing_and_keeps_the_captcha_usable(connect, api):
    form = registration(connect, api, test_mode=True)

    connect.register(form)

    assert refusal(connect.authenticate_user, form.user, PASSWORD).code == "404"
    connect.register(form.__class__(**{**_fields(form), "test_mode": False}))
    assert api.emails(form.email_address)


def _fields(form: Registration) -> dict:
    return {name: getattr(form, name) for name in form.__dataclass_fields__}


def test_register_then_activate_by_email_link_then_log_in(connect, api):
    form = registration(connect, api, account_id=9,
                        activation_redirect="https://app.example/welcome")
    connect.register(form)

    not_yet = refusal(connect.authenticate_user, form.user, PASSWORD)
    assert not_yet.code == "103"
    assert not_yet.values == {"Email": form.email_address}

    [email] = api.emails(form.email_address)
    landing = requests.get(email["activation_url"], timeout=5, allow_redirects=False)
    assert landing.headers["Location"] == "https://app.example/welcome"

    assert connect.authenticate_user(form.user, PASSWORD).isdigit()


def test_taken_username_is_439_on_the_user_field(connect, api):
    first = registered(connect, api, activated=False)

    error = refusal(connect.register, registration(connect, api, user=first.user))

    assert (error.code, error.field) == ("439", "user")
    assert error.meaning == "That username is already taken at Clickatell. Choose another."


@pytest.mark.parametrize("field, value, code", [
    ("email_address", "not-an-address", "416"),
    ("mobile_number", "555-CALL-NOW", "417"),
    ("password", "short", "432"),
    ("fname", "", "433"),
])
def test_invalid_sign_up_details_name_their_field(connect, api, field, value, code):
    error = refusal(connect.register, registration(connect, api, **{field: value}))

    assert (error.code, error.field) == (code, field)


def test_wrong_captcha_is_401_and_the_captcha_cannot_be_tried_again(connect, api):
    form = registration(connect, api, captcha_code="WRONG")

    first = refusal(connect.register, form)
    again = refusal(connect.register, form.__class__(**{
        **_fields(form), "captcha_code": api.captcha_code(form.captcha_id)}))

    assert (first.code, first.field) == ("401", "captcha_code")
    assert (again.code, again.field) == ("402", "captcha_code")


def test_expired_captcha_is_402():
    with SandboxServer({"SANDBOX_CAPTCHA_TTL_SECONDS": 0.05}) as server, \
            ConnectClient(f"{server.url}/connect", TOKEN) as connect:
        api = SandboxAPI(server.url)
        form = registration(connect, api)
        time.sleep(0.1)

        error = refusal(connect.register, form)
        api.close()

    assert (error.code, error.field) == ("402", "captcha_code")


def test_a_redeemed_captcha_is_403(connect, api):
    first = registered(connect, api, activated=False)

    error = refusal(connect.register, registration(
        connect, api, captcha_id=first.captcha_id, captcha_code=first.captcha_code))

    assert (error.code, error.field) == ("403", "captcha_code")


def test_an_unknown_captcha_is_400(connect, api):
    error = refusal(connect.register, registration(connect, api, captcha_id="0" * 32))

    assert (error.code, error.field) == ("400", "captcha_code")


def test_an_email_already_in_use_is_105_unless_force_create(connect, api):
    first = registered(connect, api, activated=False)

    error = refusal(connect.register,
                    registration(connect, api, email_address=first.email_address))
    connect.register(registration(connect, api, email_address=first.email_address,
                                  force_create=True))

    assert (error.code, error.field) == ("105", "email_address")


def test_resend_activation_to_a_corrected_address(connect, api):
    form = registered(connect, api, activated=False)
    corrected = f"{form.user}@corrected.example"

    connect.resend_email_activation(form.user, PASSWORD, email_address=corrected)
    activate_by_email(api, corrected)

    assert connect.authenticate_user(form.user, PASSWORD)
    assert refusal(connect.resend_email_activation, form.user, PASSWORD).code == "107"


# ------------------------------------------------------------------ log-in


def test_wrong_password_is_404_and_two_failures_lock_the_user_behind_a_captcha(connect, api):
    form = registered(connect, api)

    failures = [refusal(connect.authenticate_user, form.user, "wrongpass1").code
                for _ in range(2)]
    locked = refusal(connect.authenticate_user, form.user, PASSWORD)
    user_number = connect.authenticate_user(form.user, PASSWORD,
                                            captcha=solved_captcha(connect, api))

    assert failures == ["404", "404"]
    assert locked.code == "004"
    assert "picture" in locked.meaning
    assert user_number.isdigit()
    assert connect.authenticate_user(form.user, PASSWORD) == user_number  # lock lifted


def test_forgot_password_mails_a_new_one(connect, api):
    form = registered(connect, api)

    connect.forgot_password(form.user, form.email_address, solved_captcha(connect, api))

    assert any("password" in email["subject"].lower() for email in api.emails(
        form.email_address))
    assert refusal(connect.authenticate_user, form.user, PASSWORD).code == "404"


# ------------------------------------------------------------------ SMS activation


def test_sms_activation_with_the_code_texted_to_the_owner(connect, api):
    form = registered(connect, api)

    assert connect.sms_activation_status(form.user, PASSWORD) == SmsActivation(
        False, form.mobile_number.removeprefix("+"))
    connect.send_activation_sms(form.user, PASSWORD)
    [text] = [m["text"] for m in api.messages(form.mobile_number)]
    code = text.rsplit(" ", 1)[-1]

    wrong = refusal(connect.validate_activation_sms, form.user, PASSWORD, "NOPE1")
    connect.validate_activation_sms(form.user, PASSWORD, code)

    assert (wrong.code, wrong.field) == ("418", "sms_activation_code")
    assert connect.sms_activation_status(form.user, PASSWORD).activated is True


def activated_account(connect, api) -> Registration:
    form = registered(connect, api)
    connect.send_activation_sms(form.user, PASSWORD)
    text = api.messages(form.mobile_number)[-1]["text"]
    connect.validate_activation_sms(form.user, PASSWORD, text.rsplit(" ", 1)[-1])
    return form


# ------------------------------------------------------------------ account set-up


def test_connection_credit_and_two_way_number_links(connect, api):
    form = activated_account(connect, api)

    api_id = connect.create_connection(form.user, PASSWORD,
                                       callback_url="https://app.example/hooks/status/k3y",
                                       api_description="Reminders")
    buy_url = connect.buy_credits_url(form.user, PASSWORD)
    apply_url = connect.two_way_number_url(
        form.user, PASSWORD, country_id=226, return_url="https://app.example/numbers",
        callback_url="https://app.example/hooks/mo/k3y")

    assert api_id.isdigit()
    assert requests.get(buy_url, timeout=5).status_code == 200
    assert requests.get(apply_url, timeout=5).status_code == 200


def test_set_up_refuses_a_callback_url_that_is_not_a_url(connect, api):
    form = activated_account(connect, api)

    error = refusal(connect.create_connection, form.user, PASSWORD, callback_url="not a url")

    assert (error.code, error.field) == ("423", "callback_url")


# ------------------------------------------------------------------ messaging


@pytest.fixture
def account(api, receiver):
    user = unique("pr")
    long_number = f"1201555{uuid.uuid4().int % 10_000:04d}"
    created = api.create_account(
        user=user, password=PASSWORD, account_id=9, credits=20,
        callback_url=f"{receiver.url}/hooks/status", callback_type_id=1,
        long_number=long_number, mo_callback_url=f"{receiver.url}/hooks/mo",
    )
    return created | {"password": PASSWORD}


@pytest.fixture
def messaging(sandbox, account):
    with MessagingClient(sandbox.url, api_id=str(account["api_id"]), user=account["user"],
                         password=PASSWORD, timeout=(2, 5), backoff=0,
                         session_store=SessionStore()) as client:
        yield client


def test_send_then_query_by_either_id_and_pay_per_part(messaging, api, account):
    patient = mobile()
    before = messaging.balance()

    sent = messaging.send(patient, "Reminder: Dr Smith, Tue 10:30. Reply C to confirm.",
                          sender="+" + account["long_number"], client_message_id="rem1")

    [seen] = api.messages(patient)
    assert (seen["apiMsgId"], seen["cliMsgId"], seen["from"]) == (
        sent.api_message_id, "rem1", account["long_number"])
    assert seen["text"] == "Reminder: Dr Smith, Tue 10:30. Reply C to confirm."
    assert messaging.query(api_message_id=sent.api_message_id).api_message_id == (
        sent.api_message_id)
    assert messaging.query(client_message_id="rem1").api_message_id == sent.api_message_id
    assert before - messaging.balance() == Decimal(1)
    assert messaging.charge(sent.api_message_id).charge == Decimal(1)


def test_unicode_and_long_texts_arrive_whole(messaging, api):
    patient = mobile()
    text = "Rappel : rendez-vous mardi à 10h30 ✓ " * 3

    sent = messaging.send(patient, text)

    assert (sent.encoding, sent.parts) == ("UCS-2", 2)
    assert api.messages(patient)[0]["text"] == text


def test_reports_walk_to_delivered_and_are_pushed_to_our_callback(messaging, receiver):
    sent = messaging.send(mobile(), "Reminder", client_message_id="rem2")

    final = wait_for(lambda: (s := messaging.query(api_message_id=sent.api_message_id)).final
                     and s)
    reports = wait_for(lambda: [parse_delivery_report(hit)
                                for hit in receiver.hits("/hooks/status")
                                if hit.get("apiMsgId") == sent.api_message_id
                                and hit.get("status") == final.code])

    assert final.state == "delivered"
    assert reports[0].client_message_id == "rem2"


@pytest.mark.parametrize("reply", ["C ✓ gracias 👍", "Très bien, à mardi"],
                         ids=["utf-16be", "latin-1"])
def test_a_reply_is_pushed_to_the_number_s_callback(api, account, receiver, reply):
    patient = mobile()

    api.inbound(patient, account["long_number"], reply)
    raw = wait_for(lambda: receiver.raw("/hooks/mo"))[0]
    params = receiver.hits("/hooks/mo")[0]
    message = parse_inbound(dict(parse_qsl(raw.decode("latin-1"), encoding="latin-1")), raw)

    assert message.sender == patient
    assert message.to == "+" + account["long_number"]
    assert message.text == reply
    assert parse_inbound(params, raw) == message


def test_an_unregistered_sender_is_123_and_permanent(messaging):
    error = refusal(messaging.send, mobile(), "Reminder", sender="+15550000000")

    assert (error.code, error.retryable) == ("123", False)


def test_send_many_reports_each_number(messaging, api):
    patients = [mobile(), "+123456", mobile()]  # the middle one is too short to exist

    outcomes = messaging.send_many(patients, "Clinic closed Friday.")

    assert [outcome.ok for outcome in outcomes] == [True, False, True]
    assert outcomes[1].error.code == "105"
    assert api.messages(patients[2])[0]["apiMsgId"] == outcomes[2].result.api_message_id


def test_an_id_the_gateway_never_saw_is_104(messaging):
    assert refusal(messaging.query, client_message_id="neverSent").code == "104"


def test_an_expired_session_is_renewed_without_the_caller_noticing(messaging, api):
    messaging.balance()
    api.expire_sessions()

    assert messaging.balance() >= 0


def test_no_credit_is_301_and_permanent(api, sandbox):
    user = unique("pr")
    created = api.create_account(user=user, password=PASSWORD, credits=0)
    with MessagingClient(sandbox.url, api_id=str(created["api_id"]), user=user,
                         password=PASSWORD, session_store=SessionStore()) as client:
        error = refusal(client.send, mobile(), "Reminder")

    assert (error.code, error.retryable) == ("301", False)


# ------------------------------------------------------------------ faults


def test_a_send_that_timed_out_is_found_by_its_client_id(sandbox, api, account):
    with MessagingClient(sandbox.url, api_id=str(account["api_id"]), user=account["user"],
                         password=PASSWORD, timeout=(2, 0.3),
                         session_store=SessionStore()) as client:
        client.balance()  # signed in before the fault
        api.faults(rate=1.0, kinds=["timeout"], endpoints=["messaging"])
        try:
            with pytest.raises(GatewayUnavailable) as caught:
                client.send(mobile(), "Reminder", client_message_id="rem3")
        finally:
            api.clear_faults()

        assert caught.value.maybe_processed is True
        assert client.query(client_message_id="rem3").code in {"002", "003", "004", "008"}


def test_server_errors_become_provider_unavailable(sandbox, api, connect):
    api.faults(rate=1.0, kinds=["http500"], endpoints=["connect"])
    try:
        with pytest.raises(GatewayUnavailable) as caught:
            connect.get_list_country()
    finally:
        api.clear_faults()

    assert caught.value.status == 500
