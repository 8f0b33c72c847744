"""Request ids on every response, and JSON log lines that name them, without secrets or
bodies (`LOG_FORMAT=json`)."""

import io
import json
import logging

import pytest
from flask import current_app, request

from reminder_app.extensions import csrf
from reminder_app.json_logs import JsonFormatter


@pytest.fixture
def app_config(app_config):
    return {**app_config, "LOG_FORMAT": "json"}


@pytest.fixture(autouse=True)
def no_json_handler_left():
    yield
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h.formatter, JsonFormatter)]:
        root.removeHandler(handler)


@pytest.fixture
def logged(app):
    """The JSON lines written while the test runs (the handler is removed afterwards)."""
    def note(secret):
        current_app.logger.warning("callback at %s failed", request.path)
        return "noted"

    app.add_url_rule("/webhooks/clickatell/<secret>/probe", "probe", csrf.exempt(note),
                     methods=["POST"])
    root = logging.getLogger()
    (handler,) = [h for h in root.handlers if isinstance(h.formatter, JsonFormatter)]
    written = io.StringIO()
    handler.setStream(written)
    return lambda: [json.loads(line) for line in written.getvalue().splitlines()]


def test_a_log_line_is_json_with_the_request_id_and_no_secret_or_body(app, logged):
    client = app.test_client()
    response = client.post("/webhooks/clickatell/s3cr3t-callback-key/probe",
                           data={"text": "my chest hurts", "from": "12015550142"})
    (line,) = [line for line in logged() if line["logger"] == app.logger.name]
    assert line["level"] == "WARNING"
    assert line["request_id"] == response.headers["X-Request-Id"]
    assert line["message"] == "callback at /webhooks/clickatell/[redacted]/probe failed"
    assert "s3cr3t" not in json.dumps(line) and "chest" not in json.dumps(line)


def test_a_proxys_request_id_is_kept_and_a_malformed_one_replaced(client):
    kept = client.get("/healthz", headers={"X-Request-Id": "edge-7f3a9c21b4"})
    assert kept.headers["X-Request-Id"] == "edge-7f3a9c21b4"
    replaced = client.get("/healthz", headers={"X-Request-Id": "x<script>; Set-Cookie: a=b"})
    assert replaced.headers["X-Request-Id"] != "x" and len(replaced.headers["X-Request-Id"]) == 32
    assert client.get("/healthz").headers["X-Request-Id"] != kept.headers["X-Request-Id"]
