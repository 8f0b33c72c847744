"""Delivery reports: statuses walk 002 -> 003 -> 004 (or 007) and are pushed per `callback`."""

import base64
import time

import pytest

from .conftest import wait_until

LEVELS = {
    0: [],
    1: ["003"],
    2: ["004"],
    3: ["003", "004"],
    4: [],
    5: ["003"],
    6: ["004"],
    7: ["003", "004"],
}
UNREACHABLE_LEVELS = {
    0: [],
    1: ["003"],
    2: ["007"],
    3: ["003", "007"],
    4: ["007"],
    5: ["003", "007"],
    6: ["007"],
    7: ["003", "007"],
}


def practice_with_callback(api, receiver, **connection):
    account = api.demo_account(
        long_number="12015550100", callback_url=receiver.url("/status"), **connection
    )
    return {"api_id": account["api_id"], "user": "practice", "password": "secret1"}


def send_and_settle(api, practice, to: str, callback: int) -> str:
    """Send, wait for the final status and for its report to have been attempted."""
    api_msg_id = api.http_api(
        "sendmsg",
        **practice,
        to=to,
        text="Hello",
        callback=callback,
        climsgid=f"cb{callback}",
        **{"from": "12015550100"},
    )[4:]
    wait_until(lambda: api.messages(to=to)[-1]["status"] in {"004", "007"})
    time.sleep(0.15)
    return api_msg_id


@pytest.mark.parametrize(("level", "expected"), LEVELS.items())
def test_callback_level_chooses_the_reports_pushed(api, receiver, level, expected):
    practice = practice_with_callback(api, receiver)
    send_and_settle(api, practice, "27991234567", level)
    assert [request.params["status"] for request in receiver.received] == expected


@pytest.mark.parametrize(("level", "expected"), UNREACHABLE_LEVELS.items())
def test_an_unreachable_phone_ends_in_007(api, receiver, level, expected):
    practice = practice_with_callback(api, receiver)
    assert api.post("/sandbox/api/phones/+27991234567", reachable=False) == {
        "msisdn": "27991234567",
        "reachable": False,
    }
    send_and_settle(api, practice, "27991234567", level)
    assert api.messages(to="27991234567")[0]["status"] == "007"
    assert [request.params["status"] for request in receiver.received] == expected


def test_reports_carry_clickatells_parameters_by_get(api, receiver):
    practice = practice_with_callback(api, receiver)
    before = int(time.time())
    api_msg_id = send_and_settle(api, practice, "27991234567", 3)
    first, second = receiver.received
    assert first.method == "GET" and first.path == "/status"
    assert set(first.params) == {
        "api_id",
        "apiMsgId",
        "cliMsgId",
        "to",
        "from",
        "timestamp",
        "status",
        "charge",
    }
    assert first.params["api_id"] == str(practice["api_id"])
    assert first.params["apiMsgId"] == api_msg_id
    assert first.params["cliMsgId"] == "cb3"
    assert first.params["to"] == "27991234567"
    assert first.params["from"] == "12015550100"
    assert first.params["charge"] == "1.000000"
    assert before <= int(first.params["timestamp"]) <= int(second.params["timestamp"])
    assert first.at <= second.at


def test_reports_are_posted_with_basic_auth_when_configured(api, receiver):
    practice = practice_with_callback(
        api, receiver, callback_type_id=1, callback_username="hook", callback_password="s3cret"
    )
    send_and_settle(api, practice, "27991234567", 2)
    [report] = receiver.received
    assert report.method == "POST"
    assert report.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert report.params["status"] == "004"
    expected = base64.b64encode(b"hook:s3cret").decode()
    assert report.headers["Authorization"] == f"Basic {expected}"


def test_reports_of_many_messages_each_arrive_in_order(api, receiver):
    practice = practice_with_callback(api, receiver)
    recipients = [f"2799123450{n}" for n in range(6)]
    api.http_api("sendmsg", **practice, to=",".join(recipients), text="Hi", callback=7)
    receiver.wait_for(12)
    for recipient in recipients:
        statuses = [r.params["status"] for r in receiver.received if r.params["to"] == recipient]
        assert statuses == ["003", "004"]


def test_a_scheduled_message_stopped_pushes_nothing_at_level_7(api, receiver):
    """Level 7 is intermediate + final + errors: neither 011 nor 006 is among them."""
    practice = practice_with_callback(api, receiver)
    api_msg_id = api.http_api(
        "sendmsg", **practice, to="27991234567", text="Later", deliv_time=600, callback=7
    )[4:]
    assert api.http_api("delmsg", **practice, apimsgid=api_msg_id).endswith("Status: 006")
    # A report sent to mark the end: once it has arrived, anything pushed before it has too.
    send_and_settle(api, practice, "27991234568", 2)
    assert [(r.params["to"], r.params["status"]) for r in receiver.received] == [
        ("27991234568", "004")
    ]


def test_a_report_carries_from_even_when_the_text_had_no_sender(api, receiver):
    practice = practice_with_callback(api, receiver)
    api.http_api("sendmsg", **practice, to="27991234567", text="Hello", callback=2)
    [report] = receiver.wait_for(1)
    assert "from=" in report.query.split("&")
    assert report.params["from"] == ""
