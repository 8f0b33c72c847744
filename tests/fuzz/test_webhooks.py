"""Fuzz the two webhooks end to end (hypothesis), with the practice's own secret: any form
Clickatell, or anyone who has the secret, could send, by POST or GET, is stored raw once and
answered 200 or 400 (never a 500), on SQLite and on PostgreSQL; sent again, it changes
nothing. Unlike tests/fuzz/test_parsers.py, this goes through storage and processing.

FUZZ_EXAMPLES (default 100) sets the number of callbacks per webhook; `make fuzz` runs more.
"""

import os
import string
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from reminder_app.extensions import db
from reminder_app.models import CallbackRecord, Message
from tests.factories import (
    make_appointment,
    make_clickatell_account,
    make_patient,
    make_practice,
    make_sent_text,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
fuzz = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow,
                                       HealthCheck.function_scoped_fixture])

PRACTICE_NUMBER = "+12015550199"
PATIENT_MOBILE = "+12015550123"
API_MESSAGE_ID = "a" * 32

ids = st.text(alphabet=string.hexdigits, min_size=1, max_size=40) | st.text(max_size=130)
numbers = st.sampled_from([PATIENT_MOBILE[1:], PRACTICE_NUMBER[1:], "2015550123", ""]) \
    | st.text(alphabet=string.digits + "+ -()", max_size=20) | st.text(max_size=20)
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1))
anything = st.text(max_size=60)

inbound_forms = st.fixed_dictionaries({}, optional={
    "api_id": st.just("3523864") | anything, "moMsgId": ids, "from": numbers,
    "to": numbers, "timestamp": moments.map(lambda m: f"{m:%Y-%m-%d %H:%M:%S}") | anything,
    "text": st.sampled_from(["C", "X", "R", "STOP", "HELP", "START", "Sí", "YES", "NO"])
    | st.text(max_size=400),
    "charset": st.sampled_from(["ISO-8859-1", "UTF-16BE", "UTF-8", "", "x-nope"]) | anything,
    "udh": anything, "network": anything})
report_forms = st.fixed_dictionaries({}, optional={
    "api_id": st.just("3523864") | anything,
    "apiMsgId": st.just(API_MESSAGE_ID) | ids, "cliMsgId": ids,
    "timestamp": moments.map(lambda m: str(int(m.replace(tzinfo=UTC).timestamp())))
    | anything,
    "to": numbers, "from": numbers,
    "status": st.sampled_from(["001", "002", "003", "004", "005", "006", "007", "008", "009",
                               "010", "011", "012", "014", "4", "000", "999"]) | anything,
    "charge": st.sampled_from(["1.0", "0", "-1", "1e9", "NaN", "inf"]) | anything})


@pytest.fixture
def account(app):
    practice = make_practice("Fuzzed Practice").practice
    account = make_clickatell_account(practice, long_number=PRACTICE_NUMBER)
    patient = make_patient(practice, mobile=PATIENT_MOBILE)
    appointment = make_appointment(practice, patient=patient,
                                   starts_at=datetime.now(UTC) + timedelta(days=1))
    text = make_sent_text(practice, patient=patient, appointment=appointment)
    text.gateway_message_id = API_MESSAGE_ID
    db.session.commit()
    return account


def counts() -> tuple[int, int]:
    """(callbacks stored, messages stored)."""
    db.session.expire_all()
    return (db.session.scalar(select(func.count(CallbackRecord.id))),
            db.session.scalar(select(func.count(Message.id))))


def check_callback(client, account, kind: str, form: dict, method: str) -> None:
    db.session.execute(delete(CallbackRecord))  # each example starts with none known
    db.session.commit()
    body = urlencode(form)
    url = f"/webhooks/clickatell/{account.callback_secret}/{kind}"

    def deliver():
        if method == "GET":
            return client.get(f"{url}?{body}")
        return client.post(url, data=body, csrf=False,
                           content_type="application/x-www-form-urlencoded")

    first = deliver()
    assert first.status_code in (200, 400), (first.status_code, first.get_data()[:300])
    db.session.expire_all()
    assert db.session.scalar(select(func.count(CallbackRecord.id)).where(
        CallbackRecord.payload == body)) >= 1, "not stored raw"
    before = counts()
    again = deliver()
    assert again.status_code == first.status_code
    if first.status_code == 200:  # processed: the repeat is recognised and changes nothing
        assert counts() == before


@fuzz
@given(form=inbound_forms, method=st.sampled_from(["POST", "GET"]))
def test_any_inbound_callback_is_stored_once_and_answered_200_or_400(client, account, form,
                                                                     method):
    check_callback(client, account, "inbound", form, method)


@fuzz
@given(form=report_forms, method=st.sampled_from(["POST", "GET"]))
def test_any_delivery_report_is_stored_once_and_answered_200_or_400(client, account, form,
                                                                    method):
    check_callback(client, account, "status", form, method)
