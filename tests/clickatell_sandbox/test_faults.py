"""Injected faults: what each kind does to a request, and that a seed makes them repeatable."""

import time

import pytest
import requests

from .conftest import assert_error, wait_until

GET_COUNTRIES = "<clickatellsdk><action>get_list_country</action></clickatellsdk>"


@pytest.fixture
def practice(api):
    account = api.demo_account()
    return {"api_id": account["api_id"], "user": "practice", "password": "secret1"}


def set_faults(api, **plan):
    api.post("/sandbox/api/faults", **{"rate": 1.0, "seed": 7, **plan})


def test_http500_answers_500_and_does_nothing(api, practice, http):
    set_faults(api, kinds=["http500"])
    response = http.get(
        f"{api.url}/http/sendmsg", params={**practice, "to": "27991234567", "text": "Hi"}
    )
    assert response.status_code == 500
    assert api.messages() == []


def test_error_code_answers_999_or_901_and_does_nothing(api, practice):
    set_faults(api, kinds=["error_code"])
    assert_error(api.connect("get_list_country"), "999")
    assert api.http_api("sendmsg", **practice, to="27991234567", text="Hi") == (
        "ERR: 901, Internal error"
    )
    assert api.messages() == []


def test_timeout_takes_effect_before_the_answer_is_held_back(api, practice, http):
    set_faults(api, kinds=["timeout"], endpoints=["messaging"])
    with pytest.raises(requests.exceptions.ReadTimeout):
        http.get(
            f"{api.url}/http/sendmsg",
            timeout=0.2,
            params={**practice, "to": "27991234567", "text": "Hi", "climsgid": "t1"},
        )
    api.http.delete(f"{api.url}/sandbox/api/faults")
    assert api.http_api("querymsg", **practice, climsgid="t1").startswith("ID: ")
    assert len(api.messages(to="27991234567")) == 1


def test_slow_answers_late_but_normally(api):
    set_faults(api, kinds=["slow"])
    started = time.monotonic()
    assert api.values("get_list_account")
    assert 0.3 <= time.monotonic() - started < 3


def test_drip_takes_effect_and_sends_the_whole_answer_a_byte_at_a_time(api, practice, http):
    set_faults(api, kinds=["drip"], endpoints=["messaging"])
    response = http.get(f"{api.url}/http/sendmsg", stream=True, params={
        **practice, "to": "27991234567", "text": "Hi", "climsgid": "d1"})
    pieces = list(iter(lambda: response.raw.read1(1024), b""))
    assert b"".join(pieces).startswith(b"ID: ")
    assert len(pieces) > 1  # not one read: the bytes came apart
    assert len(b"".join(pieces)) == int(response.headers["Content-Length"])
    api.http.delete(f"{api.url}/sandbox/api/faults")
    assert len(api.messages(to="27991234567")) == 1


def test_duplicate_callback_pushes_everything_twice(api, receiver):
    account = api.demo_account(user="hooked", callback_url=receiver.url("/status"))
    set_faults(api, kinds=["duplicate_callback"])
    api.http_api(
        "sendmsg",
        api_id=account["api_id"],
        user="hooked",
        password="secret1",
        to="27991234567",
        text="Hi",
        callback=3,
    )
    receiver.wait_for(4)
    assert [r.params["status"] for r in receiver.received] == ["003", "003", "004", "004"]
    assert wait_until(
        lambda: [e["duplicate"] for e in api.get("/sandbox/api/pushes")] == [False, True] * 2
    )


def test_faults_only_touch_the_chosen_endpoints(api, practice):
    set_faults(api, kinds=["error_code"], endpoints=["connect"])
    assert api.http_api("getbalance", **practice) == "Credit: 10.0"
    assert api.error("get_list_country") == "999"


def outcomes(api, seed: int) -> list[str]:
    set_faults(api, rate=0.5, kinds=["error_code"], seed=seed)
    return [api.connect_raw(GET_COUNTRIES).findtext("Result") for _ in range(16)]


def test_a_seed_repeats_the_same_faults(api):
    first = outcomes(api, seed=3)
    assert outcomes(api, seed=3) == first
    assert {"Success", "Error"} == set(first)
    assert outcomes(api, seed=4) != first


def test_deleting_faults_restores_normal_answers(api):
    set_faults(api, kinds=["error_code"])
    assert api.get("/sandbox/api/faults")["kinds"] == ["error_code"]
    assert api.http.delete(f"{api.url}/sandbox/api/faults").status_code == 204
    assert api.values("get_list_country")


@pytest.mark.parametrize(
    "plan",
    [
        {"rate": 2, "kinds": ["slow"]},
        {"rate": 1, "kinds": []},
        {"rate": 1, "kinds": ["fire"]},
        {"rate": 1, "kinds": ["slow"], "endpoints": ["pages"]},
    ],
)
def test_a_bad_fault_plan_is_refused(api, plan):
    assert api.http.post(f"{api.url}/sandbox/api/faults", json=plan).status_code == 400
    assert api.get("/sandbox/api/faults") is None
