"""Unacknowledged pushes are retried on Clickatell's schedules, compressed by the time scale."""

from clickatell_sandbox.push import MO_RETRY_MINUTES, REPORT_RETRY_MINUTES
from clickatell_sandbox.testing import running_sandbox

from .conftest import FAST, SandboxClient, wait_until

SCALE = 0.00001


def attempts(api, kind):
    return [entry for entry in api.get("/sandbox/api/pushes") if entry["kind"] == kind]


def test_a_report_is_retried_eight_times_on_the_schedule_then_dropped(http, receiver):
    receiver.default_status = 500
    with running_sandbox({**FAST, "SANDBOX_TIME_SCALE": SCALE}) as sandbox:
        api = SandboxClient(sandbox, http)
        account = api.demo_account(callback_url=receiver.url("/status"))
        api.send_from(
            account,
            to="27991234567",
            text="Hi",
            callback=2,
        )
        receiver.wait_for(9, timeout=10)
        wait_until(lambda: len(attempts(api, "status")) == 9)
        log = attempts(api, "status")
        assert [entry["attempt"] for entry in log] == list(range(1, 10))
        assert all(entry["status_code"] == 500 for entry in log)
        gaps = [b.at - a.at for a, b in zip(receiver.received, receiver.received[1:], strict=False)]
        for gap, minutes in zip(gaps, REPORT_RETRY_MINUTES, strict=True):
            assert gap >= minutes * 60 * SCALE * 0.9
        assert gaps[-1] > 2 * gaps[-2]
        wait_until(lambda: sandbox.sandbox.scheduler.pending() == 0)
        assert len(receiver.received) == 9


def test_a_report_stops_being_retried_once_acknowledged(api, receiver):
    receiver.answers = [500, 404]
    account = api.demo_account(callback_url=receiver.url("/status"))
    api.send_from(
        account,
        to="27991234567",
        text="Hi",
        callback=2,
    )
    receiver.wait_for(3)
    wait_until(lambda: len(attempts(api, "status")) == 3)
    assert [entry["status_code"] for entry in attempts(api, "status")] == [500, 404, 200]
    assert {request.params["status"] for request in receiver.received} == {"004"}


def test_an_unreachable_callback_is_retried_too(api, receiver):
    account = api.demo_account(callback_url="http://127.0.0.1:9/nothing-listens-here")
    api.send_from(
        account,
        to="27991234567",
        text="Hi",
        callback=2,
    )
    log = wait_until(lambda: len(attempts(api, "status")) >= 2 and attempts(api, "status"))
    assert log[0]["status_code"] is None and "ConnectionError" in log[0]["error"]


def test_an_mo_push_is_retried_five_times(api, receiver):
    receiver.default_status = 503
    api.demo_account(long_number="12015550100", mo_callback_url=receiver.url("/mo"))
    api.post(
        "/sandbox/api/inbound",
        expect=202,
        **{"from": "27991234567", "to": "12015550100", "text": "YES"},
    )
    receiver.wait_for(6)
    wait_until(lambda: len(attempts(api, "mo")) == 6)
    assert [entry["attempt"] for entry in attempts(api, "mo")] == [1, 2, 3, 4, 5, 6]
    gaps = [b.at - a.at for a, b in zip(receiver.received, receiver.received[1:], strict=False)]
    for gap, minutes in zip(gaps, MO_RETRY_MINUTES, strict=True):
        assert gap >= minutes * 60 * FAST["SANDBOX_TIME_SCALE"] * 0.9
    wait_until(lambda: api.server.sandbox.scheduler.pending() == 0)
    assert len(receiver.received) == 6


def test_pending_retries_survive_a_restart(tmp_path, http, receiver):
    receiver.default_status = 500
    config = {
        **FAST,
        "SANDBOX_TIME_SCALE": 0.01,
        "SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'kept.db'}",
    }
    with running_sandbox(config) as first:
        api = SandboxClient(first, http)
        account = api.demo_account(callback_url=receiver.url("/status"))
        api.send_from(
            account,
            to="27991234567",
            text="Hi",
            callback=2,
        )
        receiver.wait_for(1)
    receiver.default_status = 200
    with running_sandbox(config) as second:
        api = SandboxClient(second, http)
        receiver.wait_for(2, timeout=5)
        wait_until(lambda: [e["status_code"] for e in attempts(api, "status")] == [500, 200])
