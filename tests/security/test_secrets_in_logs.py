"""No secret reaches the logs, even at DEBUG: a whole life is lived with every logger
captured (sign-up at Clickatell, a two-way number, an API token used, a reminder sent,
delivery reports and a reply pushed back by the sandbox), then the log is searched for the
Clickatell password, the Connect token, the API token and the callback secret.

Two of them travel in URL paths that request logs print (werkzeug's and gunicorn's access
lines, urllib3 at DEBUG): `reminder_app.logs` redacts them there."""

import logging
import time
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import func, select

from reminder_app.extensions import db
from reminder_app.logs import REDACTED, RedactSecretsInPaths, redact
from reminder_app.models import CallbackRecord, Direction, Message
from reminder_app.reminders.passes import run_pass
from reminder_app.settings.service import create_api_token
from tests.factories import make_patient, make_provider
from tests.onboarding.conftest import (
    SIGN_UP,
    SignUpActions,
    account_of,
    fresh_lookups,  # noqa: F401  (a fixture)
)

pytestmark = pytest.mark.usefixtures("fresh_lookups")


@pytest.fixture
def signup(client, sandbox):
    return SignUpActions(client, sandbox)


@pytest.fixture
def app_config(provider_config):
    return provider_config


def wait_for(condition, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
        db.session.expire_all()


def test_a_whole_flow_logged_at_debug_shows_no_secret(app, live_app, client, sandbox, signup,
                                                      caplog):
    caplog.set_level(logging.DEBUG)
    account = signup.complete()
    response = client.post("/onboarding/number/apply")
    chosen = sandbox.pick_number(response.headers["Location"])
    client.get("/onboarding/number/assigned?" + urlsplit(chosen.headers["Location"]).query)
    account = account_of(SIGN_UP["username"])
    practice = account.practice
    _, api_token = create_api_token(practice, "PMS")
    patient = make_patient(practice, mobile="+12015550177")
    provider = make_provider(practice)
    booked = requests.post(f"{live_app.url}/api/v1/appointments", timeout=10,
                           headers={"Authorization": f"Bearer {api_token}"},
                           json={"patient_id": patient.id, "provider_id": provider.id,
                                 "starts_at": "2030-01-07T10:00:00-05:00"})
    assert booked.status_code == 201, booked.text
    result = run_pass(_due(booked.json()["appointment"]))
    assert result.outbox.sent == 1, result.summary()
    sandbox.inbound(patient.mobile, account.long_number, "C")
    wait_for(lambda: db.session.scalar(select(func.count(CallbackRecord.id))
                                       .where(CallbackRecord.processed_at.is_not(None))) >= 3)
    wait_for(lambda: db.session.scalar(select(func.count(Message.id)).where(
        Message.direction == Direction.INBOUND)) == 1)

    log = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    secrets = {"Clickatell password": SIGN_UP["password"],
               "Connect token": app.config["CLICKATELL_CONNECT_TOKEN"],
               "API token": api_token, "callback secret": account.callback_secret}
    assert "/webhooks/clickatell/" in log and REDACTED in log  # the request lines were seen
    for name, secret in secrets.items():
        assert secret not in log, f"the {name} is in the log"


def _due(appointment: dict):
    """The instant the appointment's first reminder is due."""
    from reminder_app.models import Reminder

    return min(db.session.scalars(select(Reminder.send_at).where(
        Reminder.appointment_id == appointment["id"])))


def test_redaction_keeps_the_rest_of_the_line():
    line = '127.0.0.1 - - "POST /webhooks/clickatell/s3cr3t-AbC_9/status HTTP/1.1" 200 -'
    assert redact(line) == f'127.0.0.1 - - "POST /webhooks/clickatell/{REDACTED}/status ' \
                           'HTTP/1.1" 200 -'
    assert redact("http://127.0.0.1:5001 \"POST /connect/c0ffee00c0ffee00 HTTP/1.1\" 200 7") \
        == f"http://127.0.0.1:5001 \"POST /connect/{REDACTED} HTTP/1.1\" 200 7"


def test_the_filter_rewrites_formatted_records(app):
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '"%s %s %s" %s',
                               ("GET", "/webhooks/clickatell/abc/inbound?x=1", "HTTP/1.1", 200),
                               None)
    assert RedactSecretsInPaths().filter(record)
    assert record.getMessage() == f'"GET /webhooks/clickatell/{REDACTED}/inbound?x=1 ' \
                                  'HTTP/1.1" 200'
    assert any(isinstance(f, RedactSecretsInPaths)
               for f in logging.getLogger("werkzeug").filters)
