"""Callback drill: 1,000 callbacks (replies from patients and delivery reports), each
delivered twice, concurrently, in a shuffled order (so many a final report overtakes the
intermediate one). Each is acted on exactly once and no final status moves backwards: on both
Clickatell generations (Central's forms, the Platform's JSON envelopes)."""

import json
import random
import secrets
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import requests
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import (
    Appointment,
    AppointmentStatus,
    CallbackRecord,
    Direction,
    Message,
    MessageKind,
    MessageStatus,
    Patient,
)
from tests.factories import (
    make_appointment,
    make_clickatell_account,
    make_platform_account,
    make_practice,
)
from tests.inbound.conftest import mo_timestamp

from .conftest import scaled

pytestmark = pytest.mark.slow

PRACTICE_NUMBER = "+12015550199"
#: What each patient texts back, in turn, and what it must lead to.
REPLIES = ["C", "X", "R", "HELP", "STOP", "Running late, see you soon"]
ANSWERED = {"C", "X", "R", "HELP", "STOP"}
APPOINTMENT_AFTER = {"C": AppointmentStatus.CONFIRMED,
                     "X": AppointmentStatus.CANCELLED_BY_PATIENT,
                     "R": AppointmentStatus.RESCHEDULE_REQUESTED}


def final_code(n: int, generation: str = "central") -> str:
    """Delivered, or failed for a patient whose reply is free text (a reply to a text that
    failed is, rightly, not taken as being about its appointment)."""
    if generation == "platform":
        return {5: "23", 11: "20"}.get(n % 12, "5")
    return {5: "007", 11: "005"}.get(n % 12, "004")


FINAL_STATUS = {"004": MessageStatus.DELIVERED, "005": MessageStatus.FAILED,
                "007": MessageStatus.FAILED, "5": MessageStatus.DELIVERED,
                "23": MessageStatus.FAILED, "20": MessageStatus.FAILED}
#: The One API's names of the status numbers used here.
ONE_API_NAMES = {"4": "SENT_TO_SUPPLIER", "5": "DEVICE_ACK", "23": "DELIVERY_FAILURE",
                 "20": "EXPIRED"}


def seed(count: int, generation: str = "central"):
    owner = make_practice("Callback Drill Practice")
    practice = owner.practice
    make_account = make_platform_account if generation == "platform" \
        else make_clickatell_account
    account = make_account(practice, long_number=PRACTICE_NUMBER)
    starts = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=1)
    texts = []
    for n in range(count):
        appointment = make_appointment(practice, starts_at=starts + timedelta(minutes=n),
                                       commit=False)
        appointment.patient.mobile = f"+1202555{n:04d}"
        db.session.flush()
        texts.append(Message(
            practice_id=practice.id, patient_id=appointment.patient_id,
            appointment_id=appointment.id, direction=Direction.OUTBOUND,
            kind=MessageKind.REMINDER, sender=PRACTICE_NUMBER,
            recipient=appointment.patient.mobile, body="Reminder. Reply C, X or R.",
            status=MessageStatus.SENT, client_message_id=secrets.token_hex(16),
            gateway_message_id=secrets.token_hex(16),
            sent_at=datetime.now(UTC) - timedelta(minutes=5)))
    db.session.add_all(texts)
    db.session.commit()
    return account, texts


def platform_callbacks(texts) -> list[tuple[str, str, str]]:
    """(kind, identity, JSON body) for every callback, in the One API's envelopes: one
    `moText` per patient, two `messageStatusUpdate`s per text (4, then its final status)."""
    made = []
    now = int(time.time() * 1000)

    def envelope(kind: str, event: dict) -> str:
        return json.dumps({"integrationId": "fa8090815f05d5ed015f0b5b56080cd2",
                           "integrationName": "Drill", "event": {kind: [event]}})

    for n, text in enumerate(texts):
        for code in ("4", final_code(n, "platform")):
            made.append(("status", f"{text.gateway_message_id}:{code}", envelope(
                "messageStatusUpdate", {
                    "channel": "sms", "messageId": text.gateway_message_id,
                    "clientMessageId": text.client_message_id, "timestamp": now + int(code),
                    "statusCode": int(code), "status": ONE_API_NAMES[code]})))
        made.append(("inbound", f"mo{n:08d}", envelope("moText", {
            "channel": "sms", "messageId": f"mo{n:08d}" + secrets.token_hex(8),
            "relatedMessageId": text.gateway_message_id, "relatedClientMessageId": None,
            "from": text.recipient[1:], "to": PRACTICE_NUMBER[1:], "timestamp": now,
            "content": REPLIES[n % len(REPLIES)], "charset": "UTF-8"})))
    return made


def callbacks(account, texts) -> list[tuple[str, str, dict]]:
    """(kind, identity, form) for every callback: one reply per patient, two reports per
    text (003 on its way, then its final status)."""
    made = []
    now = int(time.time())
    for n, text in enumerate(texts):
        for code in ("003", final_code(n)):
            made.append(("status", f"{text.gateway_message_id}:{code}", {
                "api_id": account.api_id, "apiMsgId": text.gateway_message_id,
                "cliMsgId": text.client_message_id, "timestamp": str(now + int(code)),
                "to": text.recipient[1:], "from": PRACTICE_NUMBER[1:], "status": code,
                "charge": "1.0"}))
        made.append(("inbound", f"mo{n:08d}", {
            "api_id": account.api_id, "moMsgId": f"mo{n:08d}" + secrets.token_hex(8),
            "from": text.recipient[1:], "to": PRACTICE_NUMBER[1:],
            "timestamp": mo_timestamp(), "text": REPLIES[n % len(REPLIES)],
            "charset": "ISO-8859-1", "udh": ""}))
    return made


@pytest.mark.parametrize("generation", ["central", "platform"])
def test_every_callback_twice_and_out_of_order_is_acted_on_once(app, live_app,
                                                                 quiet_werkzeug, generation):
    count = scaled(334, minimum=30)
    account, texts = seed(count, generation)
    on_platform = generation == "platform"
    made = platform_callbacks(texts) if on_platform else callbacks(account, texts)
    deliveries = made * 2
    random.Random(7).shuffle(deliveries)
    base = f"{live_app.url}/webhooks/clickatell/{account.callback_secret}"
    if on_platform:
        base += "/platform"
    content_type = "application/json" if on_platform else "application/x-www-form-urlencoded"
    local = threading.local()

    def deliver(callback) -> int:
        kind, _, form = callback
        http = getattr(local, "http", None) or requests.Session()
        local.http = http
        body = form if on_platform else urlencode(form)
        for attempt in range(5):  # as Clickatell does: anything but a 2xx is tried again
            response = http.post(f"{base}/{kind}", data=body, timeout=30, headers={
                "Content-Type": content_type})
            if response.status_code == 200:
                return attempt
            time.sleep(0.2)
        raise AssertionError(f"{kind} {form}: {response.status_code} {response.text[:200]}")

    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        retries = sum(pool.map(deliver, deliveries))
    elapsed = time.perf_counter() - started
    db.session.expire_all()

    records = list(db.session.scalars(select(CallbackRecord)))
    assert len(records) == len(made), "a callback was stored twice (or not at all)"
    assert all(r.processed_at is not None and not r.error for r in records)

    inbound = list(db.session.scalars(select(Message).where(
        Message.direction == Direction.INBOUND)))
    assert len(inbound) == count and len({m.gateway_message_id for m in inbound}) == count
    answers = Counter(m.dedupe_key for m in db.session.scalars(select(Message).where(
        Message.kind == MessageKind.AUTO_REPLY)))
    assert all(n == 1 for n in answers.values()), "a reply was answered twice"
    for n, message in enumerate(sorted(inbound, key=lambda m: m.gateway_message_id)):
        word = REPLIES[n % len(REPLIES)]
        assert message.body == word
        assert (f"reply:{message.gateway_message_id}" in answers) == (word in ANSWERED), word
        patient = db.session.get(Patient, message.patient_id)
        assert patient is not None, "a reply from a known mobile was not matched"
        appointment = next(t for t in texts if t.patient_id == patient.id).appointment_id
        if word in APPOINTMENT_AFTER:
            assert db.session.get(Appointment, appointment).status is APPOINTMENT_AFTER[word]
        if word == "STOP":
            assert not patient.sms_consent

    for n, text in enumerate(texts):
        text = db.session.get(Message, text.id)
        final = final_code(n, generation)
        assert (text.status, text.status_code) == (FINAL_STATUS[final], final), \
            f"text {n} regressed"
    print(f"\ncallback drill ({generation}): {len(made)} callbacks delivered twice "
          f"({len(deliveries)} requests, shuffled, 8 at a time) in {elapsed:.1f} s; "
          f"{retries} retried after a non-2xx answer")
