"""The messaging HTTP API: authentication, sessions, sending, credits, queries."""

import re
import time

import pytest
from sqlalchemy import update

from clickatell_sandbox.storage import Account
from clickatell_sandbox.testing import running_sandbox

from .conftest import FAST, SandboxClient, wait_until

ID_LINE = re.compile(r"^ID: ([0-9a-f]{32})$")


@pytest.fixture
def practice(api):
    account = api.demo_account(long_number="+12015550100")
    return {"api_id": account["api_id"], "user": "practice", "password": "secret1"}


def send(api, practice, method="GET", **params) -> str:
    return api.http_api("sendmsg", method, **practice, **params)


def test_auth_answers_a_session_that_works_for_every_command(api, practice):
    answer = api.http_api("auth", **practice)
    session_id = re.fullmatch(r"OK: ([0-9a-f]{32})", answer).group(1)
    assert api.http_api("ping", session_id=session_id) == "OK:"
    assert api.http_api("getbalance", session_id=session_id) == "Credit: 10.0"
    sent = api.http_api("sendmsg", "POST", session_id=session_id, to="27991234567", text="Hi")
    assert ID_LINE.match(sent)


def test_authentication_errors(api, practice):
    assert api.http_api("getbalance") == "ERR: 005, Missing session ID"
    assert api.http_api("ping") == "ERR: 005, Missing session ID"
    assert api.http_api("getbalance", **{**practice, "password": "nope123"}) == (
        "ERR: 001, Authentication failed"
    )
    assert api.http_api("getbalance", **{**practice, "user": "ghost"}) == (
        "ERR: 001, Authentication failed"
    )
    assert api.http_api("getbalance", **{**practice, "api_id": "999"}) == (
        "ERR: 108, Invalid or missing API ID"
    )
    assert api.http_api("getbalance", **{**practice, "api_id": "x"}) == (
        "ERR: 108, Invalid or missing API ID"
    )
    assert api.http_api("getbalance", session_id="0" * 32) == "ERR: 003, Session ID expired"


def test_an_api_id_of_another_account_is_108(api, practice):
    other = api.demo_account(user="other")
    assert api.http_api("getbalance", **{**practice, "api_id": other["api_id"]}) == (
        "ERR: 108, Invalid or missing API ID"
    )


def test_sessions_expire_when_idle_and_ping_renews_them(http):
    with running_sandbox({**FAST, "SANDBOX_SESSION_TTL_SECONDS": 1.0}) as sandbox:
        api = SandboxClient(sandbox, http)
        account = api.demo_account()
        session_id = api.http_api(
            "auth", api_id=account["api_id"], user="practice", password="secret1"
        )[4:]
        for _ in range(3):
            time.sleep(0.4)
            assert api.http_api("ping", session_id=session_id) == "OK:"
        time.sleep(1.1)
        assert api.http_api("ping", session_id=session_id) == "ERR: 003, Session ID expired"


def test_the_test_api_expires_every_session(api, practice):
    session_id = api.http_api("auth", **practice)[4:]
    assert api.post("/sandbox/api/sessions/expire") == {"expired": 1}
    assert api.http_api("getbalance", session_id=session_id) == "ERR: 003, Session ID expired"


def test_sendmsg_stores_the_message_and_charges_per_part(api, practice):
    answer = send(
        api,
        practice,
        to="27991234567",
        text="Your appointment is at 10:00",
        climsgid="rem42",
        **{"from": "12015550100"},
    )
    api_msg_id = ID_LINE.match(answer).group(1)
    [message] = api.messages(to="+27991234567")
    assert message["apiMsgId"] == api_msg_id
    assert message["cliMsgId"] == "rem42"
    assert message["from"] == "12015550100"
    assert message["to"] == "27991234567"
    assert message["text"] == "Your appointment is at 10:00"
    assert message["created"].endswith("Z")
    assert api.http_api("getbalance", **practice) == "Credit: 9.0"
    charge = api.http_api("getmsgcharge", **practice, apimsgid=api_msg_id)
    # The status moves on in the background, so only its shape is fixed here.
    assert re.fullmatch(rf"apiMsgId: {api_msg_id} charge: 1 status: \d{{3}}", charge)


@pytest.mark.parametrize(
    ("text", "concat", "credits_left"),
    [
        ("a" * 160, 1, 9.0),
        ("a" * 161, 2, 8.0),
        ("a" * 306, 2, 8.0),
        ("a" * 307, 3, 7.0),
        ("[" * 80, 1, 9.0),
        ("[" * 81, 2, 8.0),
    ],
)
def test_gsm7_parts(api, practice, text, concat, credits_left):
    assert ID_LINE.match(send(api, practice, "POST", to="27991234567", text=text, concat=concat))
    assert api.http_api("getbalance", **practice) == f"Credit: {credits_left}"


def test_a_text_needing_more_parts_than_concat_is_113(api, practice):
    assert send(api, practice, to="27991234567", text="a" * 161) == (
        "ERR: 113, Maximum message parts exceeded"
    )
    assert api.http_api("getbalance", **practice) == "Credit: 10.0"


def test_unicode_text_is_utf16be_hex_and_counts_ucs2_parts(api, practice):
    text = "Привет " * 10  # 70 characters
    answer = send(api, practice, to="27991234567", unicode=1, text=text.encode("utf-16-be").hex())
    assert ID_LINE.match(answer)
    assert api.messages(to="27991234567")[0]["text"] == text
    assert api.http_api("getbalance", **practice) == "Credit: 9.0"
    longer = ("Привет " * 10 + "!").encode("utf-16-be").hex().upper()
    assert ID_LINE.match(send(api, practice, to="27991234567", unicode=1, text=longer, concat=2))
    assert api.http_api("getbalance", **practice) == "Credit: 7.0"
    assert send(api, practice, to="27991234567", unicode=1, text="zz12") == (
        "ERR: 116, Invalid Unicode data"
    )
    assert send(api, practice, to="27991234567", unicode=1, text="D800") == (
        "ERR: 116, Invalid Unicode data"
    )


def test_several_recipients_get_one_line_each(api, practice):
    answer = send(api, practice, to="27991234567,+27991234568,447911123456", text="Hi")
    lines = answer.split("\n")
    assert re.fullmatch(r"ID: [0-9a-f]{32} To: 27991234567", lines[0])
    assert lines[1] == "ERR: 105, Invalid destination address To: +27991234568"
    assert re.fullmatch(r"ID: [0-9a-f]{32} To: 447911123456", lines[2])
    assert api.http_api("getbalance", **practice) == "Credit: 8.0"


@pytest.mark.parametrize("to", ["+27991234567", "0027991234567", "0791234567", "27-99", "abc"])
def test_destinations_must_be_international_digits(api, practice, to):
    assert send(api, practice, to=to, text="Hi") == "ERR: 105, Invalid destination address"


def test_send_parameter_errors(api, practice):
    assert send(api, practice, to="27991234567", text="") == "ERR: 107, Empty message"
    assert send(api, practice, text="Hi") == "ERR: 101, Invalid or missing parameters"
    assert send(api, practice, to="27991234567", text="Hi", callback=8) == (
        "ERR: 101, Invalid or missing parameters"
    )
    assert send(api, practice, to="27991234567", text="Hi", climsgid="has space") == (
        "ERR: 101, Invalid or missing parameters"
    )
    assert send(api, practice, to="27991234567", text="Hi", deliv_time=10081) == (
        "ERR: 120, Invalid delivery time"
    )
    assert send(api, practice, to="27991234567", text="Hi", max_credits=0.5) == (
        "ERR: 302, Max allowed credit"
    )


def test_a_sender_that_is_not_the_accounts_number_is_123(api, practice):
    api.demo_account(user="other", long_number="12015550101")
    for sender in ("12015550101", "+12015550100", "Clinic"):
        assert send(api, practice, to="27991234567", text="Hi", **{"from": sender}) == (
            "ERR: 123, Invalid sender ID"
        )


def test_no_credit_left_is_301(api):
    account = api.demo_account(credits=1)
    practice = {"api_id": account["api_id"], "user": "practice", "password": "secret1"}
    assert ID_LINE.match(send(api, practice, to="27991234567", text="one"))
    assert send(api, practice, to="27991234567", text="two") == "ERR: 301, No credit left"
    assert len(api.messages()) == 1


def test_credits_per_part_is_configurable(http):
    with running_sandbox({**FAST, "SANDBOX_CREDITS_PER_PART": 0.8}) as sandbox:
        api = SandboxClient(sandbox, http)
        account = api.demo_account(credits=2)
        practice = {"api_id": account["api_id"], "user": "practice", "password": "secret1"}
        api_msg_id = send(api, practice, to="27991234567", text="a" * 200, concat=2)[4:]
        assert api.http_api("getbalance", **practice) == "Credit: 0.4"
        assert api.http_api("getmsgcharge", **practice, apimsgid=api_msg_id).split(" ")[3] == "1.6"


def test_a_frozen_account_cannot_send(api):
    credentials = api.activated()
    [record] = api.values("create_connection", **credentials)
    with api.server.sandbox.store.session() as session:
        session.execute(update(Account).values(email_activated_at=None))
        session.commit()
    assert (
        api.http_api("sendmsg", api_id=record["api_id"], **credentials, to="27991234567", text="Hi")
        == "ERR: 004, Account frozen"
    )


def test_querymsg_by_either_id(api, practice):
    api_msg_id = send(api, practice, to="27991234567", text="Hi", climsgid="abc123")[4:]
    status_line = re.compile(rf"^ID: {api_msg_id} Status: 00[234]$")
    assert status_line.match(api.http_api("querymsg", **practice, apimsgid=api_msg_id))
    assert status_line.match(api.http_api("querymsg", **practice, climsgid="abc123"))
    assert api.http_api("querymsg", **practice, apimsgid="f" * 32) == (
        "ERR: 103, Unknown API message ID"
    )
    assert api.http_api("querymsg", **practice, climsgid="nope") == (
        "ERR: 104, Unknown client message ID"
    )
    assert api.http_api("querymsg", **practice) == "ERR: 109, Missing message ID"
    assert wait_until(
        lambda: (
            api.http_api("querymsg", **practice, apimsgid=api_msg_id)
            == f"ID: {api_msg_id} Status: 004"
        )
    )


def test_another_accounts_message_is_unknown(api, practice):
    api_msg_id = send(api, practice, to="27991234567", text="Hi")[4:]
    other = api.demo_account(user="other")
    assert (
        api.http_api(
            "querymsg",
            api_id=other["api_id"],
            user="other",
            password="secret1",
            apimsgid=api_msg_id,
        )
        == "ERR: 103, Unknown API message ID"
    )


def test_delmsg_stops_only_a_scheduled_message(api, practice):
    scheduled = send(api, practice, to="27991234567", text="Later", deliv_time=600)[4:]
    assert api.http_api("querymsg", **practice, apimsgid=scheduled) == (
        f"ID: {scheduled} Status: 011"
    )
    assert api.http_api("delmsg", **practice, apimsgid=scheduled) == f"ID: {scheduled} Status: 006"
    sent = send(api, practice, to="27991234567", text="Now", climsgid="now1")[4:]
    wait_until(lambda: api.messages(to="27991234567")[-1]["status"] == "004")
    assert api.http_api("delmsg", **practice, climsgid="now1") == f"ID: {sent} Status: 004"


def test_a_scheduled_message_is_delivered_at_its_time(http):
    with running_sandbox({**FAST, "SANDBOX_TIME_SCALE": 0.001}) as sandbox:
        api = SandboxClient(sandbox, http)
        account = api.demo_account()
        practice = {"api_id": account["api_id"], "user": "practice", "password": "secret1"}
        api_msg_id = send(api, practice, to="27991234567", text="Later", deliv_time=5)[4:]
        assert api.messages()[0]["status"] == "011"
        assert wait_until(
            lambda: api.http_api("querymsg", **practice, apimsgid=api_msg_id).endswith(
                "Status: 004"
            ),
            timeout=5,
        )


def test_an_unknown_command_is_404(api, http):
    assert http.get(f"{api.url}/http/launch").status_code == 404


def test_ip_lockdown_is_007(api):
    credentials = api.activated()
    [record] = api.values("create_connection", **credentials, ip_address="10.9.9.9")
    assert api.http_api("getbalance", api_id=record["api_id"], **credentials) == (
        "ERR: 007, IP lockdown violation"
    )
