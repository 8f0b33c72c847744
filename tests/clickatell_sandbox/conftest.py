"""Fixtures: a sandbox served over real HTTP, a client that speaks its protocols, and a callback
receiver that records what the sandbox pushes."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

import pytest
import requests
from lxml import etree
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from clickatell_sandbox.testing import SandboxServer

TOKEN = "c0ffee00c0ffee00c0ffee00c0ffee00"
FAST = {
    "SANDBOX_DELIVERY_STEP_SECONDS": 0.02,
    "SANDBOX_TIME_SCALE": 0.0001,
    "SANDBOX_FAULT_TIMEOUT_SECONDS": 0.6,
    "SANDBOX_DRIP_SECONDS": 0.01,
    "SANDBOX_PUSH_TIMEOUT_SECONDS": 2,
}


def wait_until(condition, timeout: float = 5.0, interval: float = 0.01):
    """Poll until `condition()` is truthy and return its value; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)


class SandboxClient:
    """Speaks the sandbox's three interfaces: Connect XML, messaging text, the JSON test API."""

    def __init__(self, server: SandboxServer, http: requests.Session) -> None:
        self.server = server
        self.url = server.url
        self.http = http

    # Connect API
    def connect_raw(self, xml: str, token: str = TOKEN) -> etree._Element:
        response = self.http.post(f"{self.url}/connect/{token}", data={"XML": xml})
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/xml")
        assert response.content.startswith(b'<?xml version="1.0"?>')
        return etree.fromstring(response.content)

    def connect(self, action: str, **params: object) -> etree._Element:
        fields = "".join(f"<{name}>{escape(str(value))}</{name}>" for name, value in params.items())
        return self.connect_raw(f"<clickatellsdk><action>{action}</action>{fields}</clickatellsdk>")

    def values(self, action: str, **params: object) -> list[dict[str, str]]:
        """The records of a successful answer, after checking the success envelope."""
        root = self.connect(action, **params)
        assert_success(root, action)
        return [{child.tag: child.text for child in value} for value in root.find("Values")]

    def error(self, action: str, **params: object) -> str:
        root = self.connect(action, **params)
        assert_error(root)
        return root.findtext("Error")

    def captcha(self) -> dict[str, str]:
        [record] = self.values("get_captcha")
        code = self.get(f"/sandbox/api/captchas/{record['captcha_id']}")["code"]
        return {"captcha_id": record["captcha_id"], "captcha_code": code}

    # Messaging API
    def http_api(self, command: str, method: str = "GET", **params: object) -> str:
        if method == "GET":
            response = self.http.get(f"{self.url}/http/{command}", params=params)
        else:
            response = self.http.post(f"{self.url}/http/{command}", data=params)
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        return response.text

    # Test API
    def get(self, path: str, **params: object):
        response = self.http.get(f"{self.url}{path}", params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def post(self, path: str, expect: int = 200, **json: object):
        response = self.http.post(f"{self.url}{path}", json=json)
        assert response.status_code == expect, response.text
        return response.json() if response.content else None

    def messages(self, **filters: str) -> list[dict]:
        return self.get("/sandbox/api/messages", **filters)

    # Ready-made accounts
    def registered(self, user: str = "alice", **overrides: object) -> dict[str, str]:
        """Register through Connect and return the credentials."""
        params = {
            "user": user,
            "password": "secret1",
            "fname": "Alice",
            "sname": "Doe",
            "email_address": f"{user}@example.com",
            "country_id": 226,
            "mobile_number": "12015550999",
            "accept_terms": 1,
            **self.captcha(),
        }
        params.update(overrides)
        assert self.values("register", **params) == []
        return {"user": user, "password": str(params["password"])}

    def activated(self, user: str = "alice", **overrides: object) -> dict[str, str]:
        credentials = self.registered(user, **overrides)
        [email] = self.get("/sandbox/api/emails", to=f"{user}@example.com")
        response = self.http.get(email["activation_url"], allow_redirects=False)
        assert response.status_code == 200
        return credentials

    def sms_activated(self, user: str = "alice") -> dict[str, str]:
        credentials = self.activated(user)
        assert self.values("send_activation_sms", **credentials) == []
        [code] = self.get("/sandbox/api/sms-codes", to="12015550999")
        assert (
            self.values("validate_activation_sms", sms_activation_code=code["code"], **credentials)
            == []
        )
        return credentials

    def demo_account(self, **fields: object) -> dict:
        """An activated account with a connection, made through the test API."""
        body = {"user": "practice", "password": "secret1", "credits": 10, **fields}
        return self.post("/sandbox/api/accounts", expect=201, **body)

    def send_from(self, account: dict, to: str = "27991234567", text: str = "Hi",
                  **params: object) -> str:
        """`sendmsg` with a demo account's credentials; `params` add or override options."""
        return self.http_api("sendmsg", api_id=account["api_id"], user="practice",
                             password="secret1", to=to, text=text, **params)


def assert_success(root: etree._Element, action: str) -> None:
    assert root.tag == "CLICKATELLSDK"
    assert [child.tag for child in root] == ["Action", "Result", "Values", "Timestamp"]
    assert root.findtext("Action") == action
    assert root.findtext("Result") == "Success"
    assert root.findtext("Timestamp").isdigit()
    assert all(value.tag == "Value" for value in root.find("Values"))


def assert_error(root: etree._Element, code: str | None = None) -> None:
    assert root.tag == "CLICKATELLSDK"
    tags = [child.tag for child in root]
    assert tags[:3] == ["Result", "Error", "Description"]
    assert tags[-1] == "Timestamp"
    assert tags[3:-1] in ([], ["Value"])
    assert root.findtext("Result") == "Error"
    assert root.findtext("Description")
    if code is not None:
        assert root.findtext("Error") == code


@dataclass
class Received:
    method: str
    path: str
    query: str
    body: bytes
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)

    @property
    def params(self) -> dict[str, str]:
        """Query or form parameters (Latin-1, as Clickatell encodes texts)."""
        raw = self.query if self.method == "GET" else self.body.decode("ascii")
        return dict(parse_qsl(raw, keep_blank_values=True, encoding="latin-1"))


class Receiver:
    """An application stand-in that records callbacks and answers with scripted status codes."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: list[int] = []
        self.default_status = 200
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.base = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        record = Received(
            method=request.method,
            path=request.path,
            query=request.query_string.decode("ascii"),
            body=request.get_data(),
            headers=dict(request.headers),
        )
        with self._lock:
            self.received.append(record)
            status = self.answers.pop(0) if self.answers else self.default_status
        return Response("ok", status=status)(environ, start_response)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        return wait_until(lambda: len(self.received) >= count and list(self.received), timeout)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@pytest.fixture
def server():
    running = SandboxServer(FAST)
    yield running
    running.stop()


@pytest.fixture
def http():
    with requests.Session() as session:
        yield session


@pytest.fixture
def api(server, http) -> SandboxClient:
    return SandboxClient(server, http)


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.stop()
