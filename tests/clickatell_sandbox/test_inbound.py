"""Replies from phones (MO): stored, then pushed to the long number's reply callback URL."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, unquote_to_bytes

from .conftest import wait_until

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def practice(api, receiver, **fields):
    account = api.demo_account(
        long_number="+12015550100", mo_callback_url=receiver.url("/mo"), **fields
    )
    return {"api_id": account["api_id"], "user": "practice", "password": "secret1"}


def raw_params(body: bytes) -> dict[str, bytes]:
    return {
        key: unquote_to_bytes(value.replace("+", " "))
        for key, value in (pair.split("=", 1) for pair in body.decode("ascii").split("&"))
    }


def test_an_inbound_text_is_pushed_as_clickatell_posts_it(api, receiver):
    credentials = practice(api, receiver)
    before = datetime.now(UTC)
    answer = api.post(
        "/sandbox/api/inbound",
        expect=202,
        **{"from": "+27991234567", "to": "12015550100", "text": "Yes, café"},
    )
    assert re.fullmatch(r"[0-9a-f]{32}", answer["moMsgId"])
    [push] = receiver.wait_for(1)
    assert push.method == "POST" and push.path == "/mo"
    assert push.headers["User-Agent"] == "Clickatell MO Callback"
    params = push.params
    assert params["api_id"] == str(credentials["api_id"])
    assert params["moMsgId"] == answer["moMsgId"]
    assert params["from"] == "27991234567"
    assert params["to"] == "12015550100"
    assert params["text"] == "Yes, café"
    assert params["charset"] == "ISO-8859-1"
    assert b"caf%E9" in push.body
    assert params["udh"] == ""
    assert "network" in params
    stamp = datetime.strptime(params["timestamp"], "%Y-%m-%d %H:%M:%S")
    gmt_plus_2 = before.replace(tzinfo=None, microsecond=0) + timedelta(hours=2)
    assert gmt_plus_2 <= stamp <= gmt_plus_2 + timedelta(seconds=5)
    [stored] = api.messages(**{"from": "27991234567"})
    assert stored["apiMsgId"] == answer["moMsgId"] and stored["to"] == "12015550100"


def test_a_text_beyond_latin1_is_sent_as_utf16be_bytes(api, receiver):
    practice(api, receiver)
    api.post(
        "/sandbox/api/inbound",
        expect=202,
        **{"from": "27991234567", "to": "12015550100", "text": "Да 👍"},
    )
    [push] = receiver.wait_for(1)
    raw = raw_params(push.body)
    assert raw["charset"] == b"UTF-16BE"
    assert raw["text"].decode("utf-16-be") == "Да 👍"


def test_a_number_set_to_get_receives_replies_in_the_query(api, receiver):
    practice(api, receiver, mo_method="GET")
    api.post(
        "/sandbox/api/inbound",
        expect=202,
        **{"from": "27991234567", "to": "12015550100", "text": "STOP"},
    )
    [push] = receiver.wait_for(1)
    assert push.method == "GET"
    assert dict(parse_qsl(push.query))["text"] == "STOP"


def test_inbound_to_an_unknown_number_is_404(api):
    response = api.http.post(
        f"{api.url}/sandbox/api/inbound",
        json={"from": "27991234567", "to": "12015550111", "text": "Hi"},
    )
    assert response.status_code == 404
    bad = api.http.post(f"{api.url}/sandbox/api/inbound", json={"from": "x", "to": "y"})
    assert bad.status_code == 400


def test_a_person_replies_from_the_phone_page(api, receiver, http):
    credentials = practice(api, receiver)
    api.http_api(
        "sendmsg",
        **credentials,
        to="27991234567",
        text="Reply YES to confirm",
        mo=1,
        **{"from": "12015550100"},
    )
    page = http.get(f"{api.url}/sandbox/phones/27991234567")
    assert "Reply YES to confirm" in page.text
    assert '<option value="12015550100">' in page.text
    token = CSRF.search(page.text).group(1)
    reply_url = f"{api.url}/sandbox/phones/27991234567/reply"
    assert http.post(reply_url, data={"to": "12015550100", "text": "YES"}).status_code == 400
    assert (
        http.post(
            reply_url, data={"to": "12015550199", "text": "YES", "csrf_token": token}
        ).status_code
        == 400
    )
    response = http.post(
        reply_url,
        allow_redirects=False,
        data={"to": "12015550100", "text": "YES", "csrf_token": token},
    )
    assert response.status_code == 303
    [push] = receiver.wait_for(1)
    assert push.params["text"] == "YES" and push.params["from"] == "27991234567"
    page = http.get(f"{api.url}/sandbox/phones/27991234567").text
    assert page.index("Reply YES to confirm") < page.index(">YES<")


def test_switching_a_phone_off_on_its_page_makes_texts_fail(api, receiver, http):
    credentials = practice(api, receiver)
    page = http.get(f"{api.url}/sandbox/phones/27991234567")
    http.post(
        f"{api.url}/sandbox/phones/27991234567/reachability",
        data={"reachable": "0", "csrf_token": CSRF.search(page.text).group(1)},
    )
    api.http_api("sendmsg", **credentials, to="27991234567", text="Hi")
    assert wait_until(lambda: api.messages(to="27991234567")[0]["status"] == "007")
