"""SMS activation, API connections, buying credits and applying for a two-way number."""

import re
from urllib.parse import parse_qs, urlsplit

import phonenumbers
import pytest

from .conftest import assert_error

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def form_token(page: str) -> str:
    return CSRF.search(page).group(1)


def test_send_activation_sms_needs_email_activation(api):
    credentials = api.registered()
    root = api.connect("send_activation_sms", **credentials)
    assert_error(root, "103")
    assert root.findtext("Value/Email") == "alice@example.com"


def test_sms_activation_code_reaches_the_owners_phone(api, http):
    credentials = api.activated()
    root = api.connect("sms_activation_status", **credentials)
    assert_error(root, "104")
    assert root.findtext("Value/Cellphone") == "12015550999"
    assert api.values("send_activation_sms", **credentials) == []
    [sms] = api.messages(to="+12015550999")
    code = re.search(r"\d{6}", sms["text"]).group(0)
    assert len(code) <= 11
    assert code in http.get(f"{api.url}/sandbox/phones/12015550999").text
    assert (
        api.error("validate_activation_sms", **credentials, sms_activation_code="000000x") == "418"
    )
    assert api.error("validate_activation_sms", **credentials) == "418"
    assert api.values("validate_activation_sms", **credentials, sms_activation_code=code) == []
    [status] = api.values("sms_activation_status", **credentials)
    assert status["Cellphone"] == "12015550999" and int(status["UserNumber"]) > 0
    assert api.error("validate_activation_sms", **credentials, sms_activation_code=code) == "108"
    assert api.error("send_activation_sms", **credentials) == "108"


def test_a_new_mobile_number_replaces_the_old_one(api):
    credentials = api.activated()
    assert api.error("send_activation_sms", **credentials, mobile_number="+44") == "417"
    assert api.values("send_activation_sms", **credentials, mobile_number="447911123456") == []
    assert len(api.messages(to="447911123456")) == 1
    assert api.messages(to="12015550999") == []
    [code] = api.get("/sandbox/api/sms-codes", to="447911123456")
    assert (
        api.values("validate_activation_sms", **credentials, sms_activation_code=code["code"]) == []
    )


def test_more_than_five_activation_texts_is_102(api):
    credentials = api.activated()
    for _ in range(5):
        assert api.values("send_activation_sms", **credentials) == []
    assert api.error("send_activation_sms", **credentials) == "102"


def test_create_connection_returns_a_numeric_api_id_and_keeps_the_callback(api):
    credentials = api.registered()
    assert api.error("create_connection", **credentials) == "103"
    api.http.get(api.get("/sandbox/api/emails")[0]["activation_url"])
    [record] = api.values(
        "create_connection",
        **credentials,
        connection_id=2,
        callback_url="https://app.example.com/status",
        callback_type_id=1,
        callback_username="hook",
        callback_password="pw",
    )
    assert record["api_id"].isdigit()
    [account] = api.get("/sandbox/api/accounts")
    assert account["connections"] == [
        {
            "api_id": int(record["api_id"]),
            "callback_url": "https://app.example.com/status",
            "callback_type_id": 1,
        }
    ]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"connection_id": 3}, "419"),
        ({"callback_url": "ftp://x"}, "423"),
        ({"callback_type_id": 4}, "424"),
        ({"ip_address": "300.1.1.1"}, "422"),
        ({"dial_prefix": "abc"}, "421"),
        ({"api_description": "d" * 201}, "428"),
        ({"callback_username": "u" * 65}, "425"),
        ({"callback_password": "p" * 65}, "426"),
    ],
)
def test_create_connection_validates(api, params, code):
    credentials = api.activated()
    assert api.error("create_connection", **credentials, **params) == code


def test_buying_credits_needs_sms_activation(api):
    credentials = api.activated()
    assert api.error("buy_credits_url", **credentials) == "104"


def test_the_buy_page_adds_a_package_and_links_back(api, http):
    credentials = api.sms_activated()
    [record] = api.values("buy_credits_url", **credentials)
    buy_url = record["buy_url"]
    assert buy_url.startswith(f"{api.url}/sandbox/buy/")
    page = http.get(buy_url, params={"return_url": "https://app.example.com/credits"})
    assert page.status_code == 200 and "Pay" in page.text
    assert http.post(buy_url, data={"package": "500"}).status_code == 400  # no CSRF token
    done = http.post(
        buy_url,
        data={
            "package": "500",
            "csrf_token": form_token(page.text),
            "return_url": "https://app.example.com/credits",
        },
    )
    assert done.status_code == 200
    assert 'href="https://app.example.com/credits"' in done.text
    assert api.get("/sandbox/api/accounts")[0]["credits"] == 510
    assert http.get(buy_url).status_code == 404


def test_the_number_page_assigns_a_number_and_redirects(api, http):
    credentials = api.activated()
    [connection] = api.values("create_connection", **credentials)
    [record] = api.values(
        "two_way_number_url",
        **credentials,
        country_id=226,
        return_url="https://app.example.com/numbers?x=1",
        callback_url="https://app.example.com/mo",
    )
    apply_url = record["apply_url"]
    assert apply_url.startswith(f"{api.url}/sandbox/numbers/apply/")
    page = http.get(apply_url)
    offered = re.findall(r'name="number" value="(\d+)"', page.text)
    assert len(offered) >= 3
    for number in offered:
        assert phonenumbers.is_valid_number(phonenumbers.parse(f"+{number}"))
    assert 'value="https://app.example.com/mo"' in page.text
    response = http.post(
        apply_url,
        allow_redirects=False,
        data={
            "number": offered[1],
            "callback_url": "https://app.example.com/mo2",
            "csrf_token": form_token(page.text),
        },
    )
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert location.netloc == "app.example.com" and location.path == "/numbers"
    assert parse_qs(location.query) == {"x": ["1"], "number": [offered[1]]}
    [account] = api.get("/sandbox/api/accounts")
    assert account["long_numbers"] == [
        {"number": offered[1], "mo_callback_url": "https://app.example.com/mo2"}
    ]
    assert http.get(apply_url).status_code == 404
    assert connection["api_id"]


def test_two_way_number_url_validates(api):
    credentials = api.registered()
    assert api.error("two_way_number_url", **credentials) == "103"
    api.http.get(api.get("/sandbox/api/emails")[0]["activation_url"])
    assert api.error("two_way_number_url", **credentials, country_id=9999) == "406"
    assert api.error("two_way_number_url", **credentials, country_id=224) == "101"
    assert api.error("two_way_number_url", **credentials, return_url="nope") == "436"
    assert api.error("two_way_number_url", **credentials, callback_url="nope") == "423"
    assert api.error("two_way_number_url", user="alice", password="wrong11") == "404"


def test_an_assigned_number_is_not_offered_again(api, http):
    credentials = api.activated()
    [first] = api.values("two_way_number_url", **credentials)
    page = http.get(first["apply_url"])
    taken = re.findall(r'name="number" value="(\d+)"', page.text)[0]
    done = http.post(
        first["apply_url"], data={"number": taken, "csrf_token": form_token(page.text)}
    )
    assert done.status_code == 200 and taken in done.text
    [second] = api.values("two_way_number_url", **credentials)
    assert taken not in http.get(second["apply_url"]).text
