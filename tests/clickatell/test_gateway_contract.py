"""Contract: both gateway implementations against the emulator over real HTTP, through the one
`SmsGateway` interface, in the same scenarios: send from the practice's two-way number, follow
the text to delivery by query and by callback, read the balance, read a reply, and meet no
credit, an opted-out patient and a timeout the same way."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import pytest
import requests

from clickatell_sandbox.testing import SandboxServer
from reminder_app.clickatell import (
    CentralGateway,
    ClickatellError,
    GatewayUnavailable,
    MessagingClient,
    OneApiClient,
    Remedy,
    SessionStore,
    SmsGateway,
)

from .stub import StubServer

SETTINGS = {"SANDBOX_DELIVERY_STEP_SECONDS": 0.02, "SANDBOX_FAULT_TIMEOUT_SECONDS": 3.0,
            "SANDBOX_TIME_SCALE": 0.001}
GENERATIONS = ["central", "platform"]


def wait_for(condition, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s")
        time.sleep(0.02)
    return value


@pytest.fixture(scope="module")
def sandbox():
    server = SandboxServer(SETTINGS)
    yield server
    server.stop()


@dataclass
class World:
    gateway: SmsGateway
    number: str  # the practice's two-way number, E.164
    sandbox_url: str
    receiver: StubServer

    def test_api(self, path: str, **body):
        response = requests.post(f"{self.sandbox_url}/sandbox/api{path}", json=body, timeout=5)
        response.raise_for_status()
        return response

    def callbacks(self, path: str) -> list[tuple[dict, bytes]]:
        return list(zip(self.receiver.hits(path), self.receiver.raw(path), strict=True))


def _central(sandbox, receiver, number, credits) -> CentralGateway:
    user = f"p{uuid.uuid4().hex[:10]}"
    account = requests.post(f"{sandbox.url}/sandbox/api/accounts", json={
        "user": user, "password": "secret1", "credits": credits, "long_number": number,
        "callback_url": receiver.url + "/hooks/status",
        "mo_callback_url": receiver.url + "/hooks/mo"}, timeout=5).json()
    client = MessagingClient(sandbox.url, api_id=str(account["api_id"]), user=user,
                             password="secret1", timeout=(2, 1.5), backoff=0,
                             session_store=SessionStore())
    return CentralGateway(client, callback_level=3)


def _platform(sandbox, receiver, number, credits) -> OneApiClient:
    created = requests.post(f"{sandbox.url}/sandbox/api/platform/setups", json={
        "user": f"p{uuid.uuid4().hex[:10]}", "credits": credits, "number": number,
        "stop_handling": True, "status_url": receiver.url + "/hooks/status",
        "reply_url": receiver.url + "/hooks/mo"}, timeout=5).json()
    return OneApiClient(sandbox.url, api_key=created["api_key"], timeout=(2, 1.5), backoff=0)


@pytest.fixture(params=GENERATIONS)
def world(request, sandbox, receiver):
    number = f"1201{uuid.uuid4().int % 10_000_000:07d}"
    make = _central if request.param == "central" else _platform
    gateway = make(sandbox, receiver, number, 10)
    yield World(gateway, f"+{number}", sandbox.url, receiver)
    gateway.close()


def patient() -> str:
    return f"+1202{uuid.uuid4().int % 10_000_000:07d}"


def test_both_are_gateways(world):
    assert isinstance(world.gateway, SmsGateway)


def test_a_text_goes_from_the_practice_number_and_is_delivered(world):
    sent = world.gateway.send(patient(), "See you at 9.", sender=world.number,
                              client_message_id=f"r{uuid.uuid4().hex[:12]}")
    assert sent.parts == 1
    final = wait_for(lambda: (s := world.gateway.status(api_message_id=sent.api_message_id))
                     .final and s)
    assert final.state == "delivered"


def test_the_balance_drops_per_part(world):
    before = world.gateway.balance().amount
    world.gateway.send(patient(), "x" * 200, sender=world.number)
    assert world.gateway.balance().amount == before - 2


def updates_for(world: World, api_message_id: str) -> list:
    return [update
            for params, body in world.callbacks("/hooks/status")
            for update in world.gateway.parse_status_callback(params, body)
            if update.api_message_id == api_message_id]


def test_status_callbacks_parse_into_the_same_updates(world):
    client_id = "c" + uuid.uuid4().hex[:12]
    sent = world.gateway.send(patient(), "Hello", sender=world.number,
                              client_message_id=client_id)
    updates = wait_for(lambda: (found := updates_for(world, sent.api_message_id))
                       and any(update.status.final for update in found) and found)
    assert [update.status.state for update in updates][-2:] == ["sent", "delivered"]
    assert {update.client_message_id for update in updates} == {client_id}


def test_a_reply_parses_into_the_same_reply(world):
    phone = patient()
    world.gateway.send(phone, "Reply YES to confirm", sender=world.number)
    world.test_api("/inbound", **{"from": phone, "to": world.number, "text": "YES"})
    params, body = wait_for(lambda: world.callbacks("/hooks/mo"))[0]
    [reply] = world.gateway.parse_reply_callback(params, body)
    assert (reply.sender, reply.to, reply.text) == (phone, world.number, "YES")


def test_no_credit_holds_the_practice(world):
    while world.gateway.balance().amount >= 1:
        world.gateway.send(patient(), "Hello", sender=world.number)
    with pytest.raises(ClickatellError) as caught:
        world.gateway.send(patient(), "Hello", sender=world.number)
    assert caught.value.remedy is Remedy.HOLD_PRACTICE


def test_a_timeout_on_send_may_have_been_processed(world):
    world.gateway.balance()  # signed in (Central) before the faults start
    world.test_api("/faults", rate=1.0, kinds=["timeout"], endpoints=["messaging", "platform"])
    try:
        with pytest.raises(GatewayUnavailable) as caught:
            world.gateway.send(patient(), "Hello", sender=world.number)
    finally:
        requests.delete(f"{world.sandbox_url}/sandbox/api/faults", timeout=5)
    assert caught.value.maybe_processed and caught.value.remedy is Remedy.RETRY_LATER


def test_the_platform_refuses_an_opted_out_patient_with_opt_out(sandbox, receiver):
    number, phone = f"1201{uuid.uuid4().int % 10_000_000:07d}", patient()
    with _platform(sandbox, receiver, number, 10) as gateway:
        requests.post(f"{sandbox.url}/sandbox/api/inbound",
                      json={"from": phone, "to": number, "text": "STOP"}, timeout=5)
        with pytest.raises(ClickatellError) as caught:
            gateway.send(phone, "Hello", sender=number)
    assert caught.value.code == "26" and caught.value.remedy is Remedy.OPT_OUT


def test_a_central_client_finds_by_our_id_and_the_platform_does_not(world):
    client_id = "q" + uuid.uuid4().hex[:12]
    sent = world.gateway.send(patient(), "Hello", sender=world.number,
                              client_message_id=client_id)
    if world.gateway.finds_by_client_id:
        assert world.gateway.status(client_message_id=client_id).api_message_id == \
            sent.api_message_id
    else:
        with pytest.raises(ValueError):
            world.gateway.status(client_message_id=client_id)
