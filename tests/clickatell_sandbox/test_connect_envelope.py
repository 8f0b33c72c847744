"""The Connect transport: token, HTTPS, envelopes, parsing, lists."""

import requests
from lxml import etree

from clickatell_sandbox import create_app
from clickatell_sandbox.testing import running_sandbox

from .conftest import FAST, TOKEN, assert_error, assert_success


def test_lists_answer_in_the_success_envelope(api):
    countries = api.values("get_list_country")
    names = {record["name"]: record["country_id"] for record in countries}
    for name in (
        "United States",
        "United Kingdom",
        "South Africa",
        "Ireland",
        "India",
        "Canada",
        "Mexico",
        "Spain",
    ):
        assert name in names
    prefixes = {
        record["country_id"]: record["prefix"] for record in api.values("get_list_country_prefix")
    }
    assert prefixes[names["United States"]] == "1"
    assert prefixes[names["South Africa"]] == "27"
    assert [(r["account_id"], r["account_type"]) for r in api.values("get_list_account")] == [
        ("1", "International"),
        ("2", "South Africa Only"),
        ("3", "UK Only"),
        ("4", "US Only (Enterprize)"),
        ("6", "Ireland Only"),
        ("7", "India Only"),
        ("9", "US Only Account (Small Business)"),
    ]
    assert [r["callback_type_id"] for r in api.values("get_list_callback")] == [
        "0",
        "1",
        "2",
        "3",
        "5",
        "6",
    ]
    assert {
        r["connection_type_id"]: r["connection_type"] for r in api.values("get_list_connection")
    }["2"] == "HTTP API"


def test_element_names_are_read_in_any_case(api):
    root = api.connect_raw("<CLICKATELLSDK><Action>GET_LIST_ACCOUNT</Action></CLICKATELLSDK>")
    assert_success(root, "get_list_account")


def test_an_action_without_data_answers_an_empty_values_element(api):
    api.activated()
    root = api.connect("resend_email_activation", user="alice", password="secret1")
    assert_error(root, "107")
    credentials = api.registered("bob", email_address="bob@example.com")
    root = api.connect("resend_email_activation", **credentials)
    assert_success(root, "resend_email_activation")
    assert b"<Values/>" in etree.tostring(root)


def test_a_wrong_token_is_error_005(api):
    root = api.connect_raw(
        "<clickatellsdk><action>get_list_country</action></clickatellsdk>", token="0" * 32
    )
    assert_error(root, "005")
    assert root.findtext("Description") == "invalid unique URL (token)"


def test_an_unknown_or_missing_action_is_error_430(api):
    assert api.error("make_coffee") == "430"
    root = api.connect_raw("<clickatellsdk><user>x</user></clickatellsdk>")
    assert_error(root, "430")


def test_malformed_xml_is_error_999(api):
    assert_error(api.connect_raw("<clickatellsdk><action>get_list_country"), "999")
    assert_error(api.connect_raw(""), "999")
    assert_error(api.connect_raw("<other><action>get_list_country</action></other>"), "999")


def test_entities_are_not_expanded(api):
    xml = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        "<clickatellsdk><action>get_list_terms</action><country_id>&e;</country_id>"
        "</clickatellsdk>"
    )
    root = api.connect_raw(xml)
    assert b"root:" not in etree.tostring(root)


def test_plain_http_is_refused_with_009_when_https_is_required(http):
    with running_sandbox({**FAST, "SANDBOX_REQUIRE_HTTPS": True}) as sandbox:
        response = http.post(
            f"{sandbox.url}/connect/{TOKEN}",
            data={"XML": "<clickatellsdk><action>get_list_country</action></clickatellsdk>"},
        )
        assert_error(etree.fromstring(response.content), "009")
        answer = http.get(f"{sandbox.url}/http/getbalance", params={"session_id": "x"})
        assert answer.text == "ERR: 001, Authentication failed"


def test_https_requests_pass_when_https_is_required(tmp_path):
    app = create_app(
        {
            **FAST,
            "SANDBOX_REQUIRE_HTTPS": True,
            "SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}",
        }
    )
    try:
        client = app.test_client()
        response = client.post(
            f"/connect/{TOKEN}",
            base_url="https://localhost",
            data={"XML": "<clickatellsdk><action>get_list_country</action></clickatellsdk>"},
        )
        assert_success(etree.fromstring(response.data), "get_list_country")
    finally:
        app.extensions["sandbox"].shutdown()


def test_get_list_terms_by_country_or_ip(api, http):
    [record] = api.values("get_list_terms", country_id=224, terms_format=2)
    page = http.get(record["URL_location"])
    assert page.status_code == 200 and "United Kingdom" in page.text
    [record] = api.values("get_list_terms", country_id=0, client_ip_address="10.1.2.3")
    assert "country_id=226" in record["URL_location"]
    assert api.error("get_list_terms", country_id=12345) == "406"
    assert api.error("get_list_terms", client_ip_address="not-an-ip") == "429"
    assert api.error("get_list_terms") == "429"
    assert api.error("get_list_terms", country_id=226, terms_format=7) == "427"


def test_the_database_survives_a_restart(tmp_path):
    url = f"sqlite:///{tmp_path / 'kept.db'}"
    with running_sandbox({**FAST, "SANDBOX_DATABASE_URL": url}) as first, requests.Session() as s:
        assert (
            s.post(
                f"{first.url}/sandbox/api/accounts", json={"user": "kept", "password": "secret1"}
            ).status_code
            == 201
        )
    with running_sandbox({**FAST, "SANDBOX_DATABASE_URL": url}) as second, requests.Session() as s:
        users = [account["user"] for account in s.get(f"{second.url}/sandbox/api/accounts").json()]
        assert users == ["kept"]
