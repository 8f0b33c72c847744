"""A practice with a two-way number, a patient with a reminded appointment, and a way to
deliver a patient's text to the MO webhook as Clickatell does (real parameter names, the
text percent-encoded in its charset, by POST or GET)."""

import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import quote_from_bytes, urlencode

import pytest
from sqlalchemy import func, select

from reminder_app.extensions import db
from reminder_app.models import (
    CallbackRecord,
    Direction,
    Language,
    Message,
    MessageKind,
)
from tests.factories import (
    make_appointment,
    make_clickatell_account,
    make_patient,
    make_practice,
    make_sent_text,
)

PRACTICE_NUMBER = "+12015550199"
PRACTICE_PHONE_DISPLAY = "(201) 555-0100"
PATIENT_MOBILE = "+12015550123"


def mo_timestamp(moment: datetime | None = None) -> str:
    """Clickatell's MO timestamp: GMT+2, no zone."""
    moment = (moment or datetime.now(UTC)) + timedelta(hours=2)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def encode_text(text: str) -> tuple[str, str]:
    """(charset, percent-encoded text) as Clickatell sends them."""
    try:
        return "ISO-8859-1", quote_from_bytes(text.encode("latin-1"))
    except UnicodeEncodeError:
        return "UTF-16BE", quote_from_bytes(text.encode("utf-16-be"))


class Texts:
    """Patients texting the practice's number, delivered to the webhook by the test client."""

    def __init__(self, client, account):
        self.client = client
        self.account = account

    def url(self, secret: str | None = None) -> str:
        return f"/webhooks/clickatell/{secret or self.account.callback_secret}/inbound"

    def params(self, text: str, *, sender: str = PATIENT_MOBILE, to: str | None = None,
               mo_id: str | None = None, charset: str | None = None) -> str:
        """The form, in Clickatell's order (as in the protocol file's example)."""
        detected, encoded = encode_text(text)
        fields = [("api_id", "3523864"), ("from", sender.removeprefix("+")),
                  ("timestamp", mo_timestamp())]
        body = urlencode(fields) + f"&text={encoded}&" + urlencode([
            ("charset", charset or detected), ("udh", ""),
            ("moMsgId", mo_id or secrets.token_hex(16)),
            ("to", (to or self.account.long_number).removeprefix("+"))])
        return body

    def send(self, text: str, *, method: str = "POST", secret: str | None = None, **fields):
        return self.send_raw(self.params(text, **fields), method=method, secret=secret)

    def send_raw(self, form: str | bytes, *, method: str = "POST", secret: str | None = None):
        headers = {"User-Agent": "Clickatell MO Callback"}
        if method == "GET":
            query = form.decode("ascii") if isinstance(form, bytes) else form
            return self.client.get(f"{self.url(secret)}?{query}", headers=headers)
        return self.client.post(self.url(secret), data=form, csrf=False, headers=headers,
                                content_type="application/x-www-form-urlencoded")


@pytest.fixture
def practice(app):
    owner = make_practice("Riverside Family Practice", owner_email="dana@example.com")
    make_clickatell_account(owner.practice, long_number=PRACTICE_NUMBER)
    return owner.practice


@pytest.fixture
def account(practice):
    return practice.clickatell_account


@pytest.fixture
def texts(client, account):
    return Texts(client, account)


@pytest.fixture
def patient(practice):
    return make_patient(practice, first_name="Maria", last_name="Lopez", mobile=PATIENT_MOBILE)


@pytest.fixture
def spanish_patient(practice):
    return make_patient(practice, first_name="Sofia", last_name="Garcia", mobile=PATIENT_MOBILE,
                        language=Language.ES)


def reminded_appointment(practice, patient, *, in_hours: float = 24, **fields):
    """An appointment ahead, whose reminder already went out."""
    starts_at = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=in_hours)
    appointment = make_appointment(practice, patient=patient, starts_at=starts_at, **fields)
    make_sent_text(practice, patient=patient, appointment=appointment)
    return appointment


@pytest.fixture
def appointment(practice, patient):
    return reminded_appointment(practice, patient)


def inbound_messages(practice=None) -> list[Message]:
    query = select(Message).where(Message.direction == Direction.INBOUND).order_by(Message.id)
    if practice is not None:
        query = query.where(Message.practice_id == practice.id)
    db.session.expire_all()
    return list(db.session.scalars(query))


def answers(practice=None) -> list[Message]:
    query = select(Message).where(Message.kind == MessageKind.AUTO_REPLY).order_by(Message.id)
    if practice is not None:
        query = query.where(Message.practice_id == practice.id)
    db.session.expire_all()
    return list(db.session.scalars(query))


def callback_records() -> int:
    return db.session.scalar(select(func.count(CallbackRecord.id)))


def refreshed(record):
    db.session.expire_all()
    return db.session.get(type(record), record.id)


def link_to_sandbox(account, sandbox, live_app, *, mo_method: str = "POST") -> None:
    """Give the practice's account a twin in the sandbox: same user, number and callback
    URLs (to the live app), so the sandbox's phones can text the practice and back."""
    from decimal import Decimal

    base = f"{live_app.url}/webhooks/clickatell/{account.callback_secret}"
    created = sandbox.create_account(
        user=account.username, password=account.password, email=account.email,
        mobile=account.mobile.removeprefix("+"), account_id=9, credits=100,
        long_number=account.long_number.removeprefix("+"), callback_url=f"{base}/status",
        callback_type_id=1, mo_callback_url=f"{base}/inbound", mo_method=mo_method)
    account.api_id = str(created["api_id"])
    account.balance = Decimal(100)
    db.session.commit()


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.05):
    """Poll until `predicate()` is truthy (the sandbox pushes from its own threads)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        db.session.expire_all()
        db.session.rollback()
        result = predicate()
        if result or time.monotonic() > deadline:
            assert result, "timed out waiting"
            return result
        time.sleep(interval)
