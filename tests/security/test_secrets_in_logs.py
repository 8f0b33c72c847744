"""No secret reaches the logs, even at DEBUG: a whole life is lived with every logger
captured (sign-up at Clickatell, a two-way number, an API token used, a reminder sent,
delivery reports and a reply pushed back by the sandbox), then the log is searched for the
Clickatell password, the Connect token, the API token and the callback secret.

Two of them travel in URL paths that request logs print (werkzeug's and gunicorn's access
lines, urllib3 at DEBUG): `reminder_app.logs` redacts them there."""

import logging
import time

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
    come_back_with_number,
    fresh_lookups,  # noqa: F401  (a fixture)
)

pytestmark = pytest.mark.usefixtures("fresh_lookups")


@pytest.fixture
def signup(client, sandbox):
    return SignUpActions(client, sandbox)


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


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
    come_back_with_number(client, chosen.headers["Location"])
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


def test_a_patient_search_is_not_logged():
    """The picker asks at every keystroke; what was typed names a patient."""
    line = '127.0.0.1 - - "GET /patients/search?q=ana+03%2F14%2F1980&page=1 HTTP/1.1" 200 -'
    assert redact(line) == f'127.0.0.1 - - "GET /patients/search?{REDACTED} HTTP/1.1" 200 -'
    assert redact('"GET /patients/?q=reyes HTTP/1.1"') == f'"GET /patients/?{REDACTED} HTTP/1.1"'
    assert redact('"GET /patients/12/edit HTTP/1.1"') == '"GET /patients/12/edit HTTP/1.1"'


def test_the_filter_rewrites_formatted_records(app):
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '"%s %s %s" %s',
                               ("GET", "/webhooks/clickatell/abc/inbound?x=1", "HTTP/1.1", 200),
                               None)
    assert RedactSecretsInPaths().filter(record)
    assert record.getMessage() == f'"GET /webhooks/clickatell/{REDACTED}/inbound?{REDACTED} ' \
                                  'HTTP/1.1" 200'
    assert any(isinstance(f, RedactSecretsInPaths)
               for f in logging.getLogger("werkzeug").filters)


# ------------------------------------------------------------------ failed and GET callbacks
# Issue #20, finding 10: a webhook 500 logged the secret (Flask's "Exception on <path>") and,
# through SQLAlchemy, the patient's text; a GET callback's access line printed the patient's
# number and text.

PATIENT_TEXT = "Kidney results worry me 7731"
PATIENT_DIGITS = "12015550177"


@pytest.fixture
def texting(app):
    from tests.factories import make_clickatell_account, make_practice
    from tests.inbound.conftest import Texts

    owner = make_practice()
    make_patient(owner.practice, mobile="+" + PATIENT_DIGITS)
    return make_clickatell_account(owner.practice, long_number="+12015550199"), Texts


def _failing_on_the_database(account, message):
    """Processing that fails in the database with the patient's text as a value."""
    from sqlalchemy import text

    db.session.execute(text("INSERT INTO no_such_table (body) VALUES (:body)"),
                       {"body": message.text})


def _logged(caplog) -> str:
    return "\n".join(f"{r.name} {r.getMessage()}\n{r.exc_text or ''}" for r in caplog.records) \
        + caplog.text


def test_a_failing_callback_logs_neither_the_secret_nor_the_text(app, client, texting, caplog,
                                                                 monkeypatch):
    account, Texts = texting
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 as in production, logged by Flask
    monkeypatch.setattr("reminder_app.inbound.replies.handle_inbound", _failing_on_the_database)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # SQL echo, values and all
    response = Texts(client, account).send(PATIENT_TEXT, sender="+" + PATIENT_DIGITS)
    assert response.status_code == 500
    log = _logged(caplog)
    assert "Exception on /webhooks/clickatell/" in log and "no_such_table" in log
    assert account.callback_secret not in log
    assert PATIENT_TEXT not in log and PATIENT_TEXT.replace(" ", "+") not in log
    assert PATIENT_DIGITS not in log


@pytest.mark.parametrize("kind", ["inbound", "status"])
def test_a_get_callbacks_access_line_shows_no_number_text_or_secret(app, live_app, texting,
                                                                    caplog, kind):
    account, Texts = texting
    caplog.set_level(logging.INFO)
    query = Texts(None, account).params(PATIENT_TEXT, sender="+" + PATIENT_DIGITS)
    response = requests.get(f"{live_app.url}/webhooks/clickatell/{account.callback_secret}"
                            f"/{kind}?{query}", timeout=10)
    assert response.status_code in (200, 400)
    log = _logged(caplog)
    assert f"/webhooks/clickatell/{REDACTED}/{kind}?{REDACTED}" in log
    for what in (account.callback_secret, PATIENT_DIGITS, "Kidney", "7731"):
        assert what not in log, what


def test_a_gunicorn_access_record_is_redacted_too():
    """gunicorn logs its access line as a format with a dict of atoms."""
    line = "/webhooks/clickatell/s3cr3t/inbound?from=12015550177&text=Kidney"
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, '"%(r)s" %(s)s',
                               None, None)
    record.args = {"r": f"GET {line} HTTP/1.1", "s": "200"}
    assert RedactSecretsInPaths().filter(record)
    assert record.getMessage() == \
        f'"GET /webhooks/clickatell/{REDACTED}/inbound?{REDACTED} HTTP/1.1" 200'
