"""Hostile input is refused cleanly, never with a 500 or a crash.

From the provider's side: answers with external entities, entity expansion, a huge or a
truncated body, garbage, reach the app's real flows (the sign-up page, a dispatch pass)
over HTTP. From callers of the webhooks: a wrong secret, an oversized or chunked body, bad
encodings, injection strings in every field. (The parser-level cases are in
tests/clickatell/test_xml.py and test_transport.py; these go through the app.)"""

from urllib.parse import quote, urlencode

import pytest
import requests
from sqlalchemy import func, select

from reminder_app.extensions import db
from reminder_app.models import CallbackRecord, Message, MessageStatus, Patient
from reminder_app.outbox.dispatcher import dispatch_due
from reminder_app.outbox.service import enqueue
from tests.clickatell.stub import Canned, StubServer
from tests.clickatell.test_xml import BILLION_LAUGHS, XXE_FILE, XXE_NETWORK, XXE_UTF16
from tests.factories import make_clickatell_account, make_patient, make_practice
from tests.inbound.conftest import PATIENT_MOBILE, Texts, mo_timestamp

TOKEN = "c0ffee00c0ffee00c0ffee00c0ffee00"
HUGE = b"<CLICKATELLSDK><Result>Success</Result>" + b"<Values>" + b"<v>x</v>" * 200_000
TRUNCATED = b"<CLICKATELLSDK><Result>Success</Result><Values><Value><country_id>226"
HOSTILE_XML = {"xxe-file": XXE_FILE, "xxe-network": XXE_NETWORK,
               "billion-laughs": BILLION_LAUGHS, "xxe-utf16": XXE_UTF16, "huge": HUGE,
               "truncated": TRUNCATED, "html": b"<html><body>502 Bad Gateway</body></html>",
               "binary": bytes(range(256)) * 4, "empty": b""}
HOSTILE_TEXT = {"huge": b"ID: " + b"9" * 2_000_000, "garbage": bytes(range(256)) * 4,
                "truncated": b"ID: ", "html": b"<html>502</html>", "empty": b"",
                "xml": XXE_FILE, "wrong-error": b"ERR: abc, \x00\xff"}
INJECTIONS = ["' OR '1'='1' --", "\"; DROP TABLE message; --", "<script>alert(1)</script>",
              "{{ config.SECRET_KEY }}", "${jndi:ldap://127.0.0.1/x}", "\r\nSet-Cookie: x=1",
              "../../etc/passwd", "%00\x00", "\u202etxet", "A" * 5000, "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☃"]


@pytest.fixture
def stub():
    server = StubServer()
    yield server
    server.stop()


@pytest.fixture
def app_config(app_config, stub):
    return {**app_config, "CLICKATELL_CONNECT_URL": f"{stub.url}/connect",
            "CLICKATELL_API_URL": stub.url, "CLICKATELL_READ_TIMEOUT": 2.0}


# ------------------------------------------------------------------ the provider's answers

@pytest.mark.parametrize("name", HOSTILE_XML)
def test_the_sign_up_page_meets_a_hostile_connect_answer_with_a_plain_503(client, stub, name):
    from reminder_app.onboarding import lookups

    lookups.clear_cache()
    stub.answer(f"/connect/{TOKEN}", Canned(HOSTILE_XML[name], content_type="text/xml"))
    response = client.get("/signup")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "root:" not in page and "lollol" not in page
    lookups.clear_cache()


@pytest.mark.parametrize("name", HOSTILE_TEXT)
def test_a_hostile_messaging_answer_never_marks_a_text_sent(app, stub, name):
    owner = make_practice()
    make_clickatell_account(owner.practice)
    patient = make_patient(owner.practice)
    stub.answer("/http/auth", b"OK: 0123456789abcdef0123456789abcdef")
    stub.answer("/http/sendmsg", Canned(HOSTILE_TEXT[name]))
    stub.answer("/http/querymsg", Canned(HOSTILE_TEXT[name]))
    message = _queue(owner.practice, patient)
    result = dispatch_due()
    db.session.expire_all()
    message = db.session.get(Message, message.id)
    assert message.status in (MessageStatus.QUEUED, MessageStatus.FAILED), message.status
    assert message.gateway_message_id is None
    assert message.status_detail and len(message.status_detail) <= 300
    assert result.sent == 0


def _queue(practice, patient) -> Message:
    from reminder_app.models import MessageKind

    return enqueue(practice, to=patient.mobile, body="Your test text.", kind=MessageKind.TEST,
                   patient=patient)


# ------------------------------------------------------------------ callers of the webhooks

@pytest.fixture
def account(app):
    owner = make_practice()
    make_patient(owner.practice, mobile=PATIENT_MOBILE)
    return make_clickatell_account(owner.practice, long_number="+12015550199")


@pytest.fixture
def texts(client, account):
    return Texts(client, account)


def stored() -> list[CallbackRecord]:
    db.session.expire_all()
    return list(db.session.scalars(select(CallbackRecord)))


@pytest.mark.parametrize("kind", ["inbound", "status"])
@pytest.mark.parametrize("secret", ["wrong", "x" * 65, "' OR '1'='1", "%00", "..", "a/b"])
def test_a_wrong_secret_is_refused_on_both_webhooks_and_nothing_is_stored(
        client, account, kind, secret):
    for method in ("GET", "POST"):
        response = client.open(f"/webhooks/clickatell/{quote(secret, safe='')}/{kind}",
                               method=method, data={"apiMsgId": "1", "status": "004"})
        assert response.status_code in (403, 404), (method, secret, response.status_code)
    assert stored() == []


@pytest.mark.parametrize("kind", ["inbound", "status"])
def test_an_oversized_body_is_refused_even_when_chunked(app, live_app, account, kind):
    url = f"{live_app.url}/webhooks/clickatell/{account.callback_secret}/{kind}"
    sized = requests.post(url, data=b"text=" + b"C" * 70_000, timeout=10, headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    chunked = requests.post(url, data=(b"text=" + b"C" * 8_000 for _ in range(10)), timeout=10,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (sized.status_code, chunked.status_code) == (413, 413)
    assert stored() == []


@pytest.mark.parametrize("form", [
    "text=%D8%3D%DD&charset=UTF-16BE",     # half a surrogate pair
    "text=%00%41%00&charset=UTF-16BE",     # an odd number of bytes
    "text=%FF%FE%FD&charset=UTF-8",        # not UTF-8
    "text=abc&charset=EBCDIC-NOPE",        # a charset nobody knows
    "text=%%%%%ZZ&charset=ISO-8859-1",     # broken percent-encoding
])
def test_a_badly_encoded_text_is_a_400_and_kept_for_a_person_to_read(texts, form):
    base = {"api_id": "3523864", "from": PATIENT_MOBILE[1:], "to": "12015550199",
            "timestamp": mo_timestamp(), "moMsgId": "f" * 32}
    response = texts.send_raw(f"{urlencode(base)}&{form}")
    assert response.status_code in (200, 400), response.status_code
    [record] = stored()
    assert record.payload
    assert response.status_code == 200 or record.error


@pytest.mark.parametrize("field", ["text", "from", "to", "moMsgId", "timestamp", "api_id",
                                   "charset", "udh"])
def test_injection_strings_in_any_inbound_field_are_stored_or_refused_never_a_500(
        texts, field):
    for n, value in enumerate(INJECTIONS):
        form = {"api_id": "3523864", "from": PATIENT_MOBILE[1:], "to": "12015550199",
                "timestamp": mo_timestamp(), "text": "C", "charset": "UTF-8", "udh": "",
                "moMsgId": f"{field}{n:04d}" + "a" * 20}
        form[field] = value
        response = texts.send_raw(urlencode(form))
        assert response.status_code in (200, 400, 413), (field, value, response.status_code)


@pytest.mark.parametrize("field", ["apiMsgId", "cliMsgId", "status", "charge", "timestamp",
                                   "to", "from", "api_id"])
def test_injection_strings_in_any_delivery_report_field_never_give_a_500(
        client, account, field):
    url = f"/webhooks/clickatell/{account.callback_secret}/status"
    for n, value in enumerate(INJECTIONS):
        form = {"api_id": "3523864", "apiMsgId": f"{field}{n}", "cliMsgId": "x",
                "timestamp": "1428393100", "to": "12015550123", "from": "12015550199",
                "status": "004", "charge": "1.0"}
        form[field] = value
        response = client.post(url, data=form, csrf=False)
        assert response.status_code in (200, 400), (field, value, response.status_code)


def test_a_script_texted_by_a_patient_is_shown_as_text_to_staff(client, auth, texts, account):
    assert texts.send("<script>alert(1)</script><img src=x onerror=alert(2)>").status_code \
        == 200
    auth.login(_owner_email(account))
    [message] = db.session.scalars(select(Message).where(Message.body.contains("script")))
    for url in ("/conversations", f"/conversations/{message.patient_id}", "/"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in page and "<img src=x" not in page, url


def _owner_email(account) -> str:
    from reminder_app.models import StaffUser

    return db.session.scalar(select(StaffUser.email).where(
        StaffUser.practice_id == account.practice_id))


# ------------------------------------------------------------------ NUL characters
# Found on PostgreSQL (which refuses NUL in text): each of these was a 500 there.

def test_a_nul_in_a_staff_form_is_a_400_and_stores_nothing(client, auth, account):
    auth.login(_owner_email(account))
    before = db.session.scalar(select(func.count(Patient.id)))
    response = client.post("/patients/new", data={
        "first_name": "Ana\x00", "last_name": "Nul", "mobile": "+12015550188"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Patient.id))) == before


def test_a_nul_in_an_api_query_or_body_is_a_422_naming_the_field(client, account):
    from reminder_app.settings.service import create_api_token

    headers = {"Authorization": f"Bearer {create_api_token(account.practice, 'PMS')[1]}"}
    response = client.get("/api/v1/patients?q=%00", headers=headers)
    assert response.status_code == 422 and "q" in response.get_json()["fields"]
    response = client.post("/api/v1/patients", headers=headers, json={
        "first_name": "A\u0000", "last_name": "B", "mobile": "+12015550188"})
    assert response.status_code == 422 and "first_name" in response.get_json()["fields"]


def test_a_nul_in_a_reply_is_dropped_and_the_reply_kept(texts, account):
    assert texts.send("C\x00").status_code == 200
    [message] = db.session.scalars(select(Message).where(Message.body == "C"))
    assert message.direction.value == "in"


@pytest.mark.parametrize("field", ["moMsgId", "charset", "from", "network"])
def test_a_nul_in_any_inbound_field_is_a_clean_answer(texts, field):
    form = {"api_id": "3523864", "from": PATIENT_MOBILE[1:], "to": "12015550199",
            "timestamp": mo_timestamp(), "text": "C", "charset": "ISO-8859-1", "udh": "",
            "moMsgId": "ab" * 16, field: "x\x00y"}
    response = texts.send_raw(urlencode(form))
    assert response.status_code in (200, 400)
    assert len(stored()) == 1


@pytest.mark.parametrize("kind", ["inbound", "status"])
def test_ids_longer_than_any_real_one_are_stored_without_a_key_and_refused(client, account,
                                                                             kind):
    url = f"/webhooks/clickatell/{account.callback_secret}/{kind}"
    response = client.post(url, csrf=False, data={
        "moMsgId": "A" * 150, "apiMsgId": "A" * 150, "status": "004"})
    assert response.status_code == 400
    [record] = stored()
    assert record.dedupe_key is None and record.error


# ------------------------------------------------------------------ out-of-range values
# Found by the outside review (issue #20, finding 10): each was a 500.

@pytest.mark.parametrize("field, value", [
    ("timestamp", "0001-01-01 00:00:00"), ("timestamp", "9999-12-31 23:59:59"),
    ("timestamp", "1970-01-01 00:00:00"),
    ("from", "9" * 20), ("to", "9" * 20), ("from", "1" * 16)])
def test_an_inbound_value_out_of_range_is_a_400_and_kept(texts, field, value):
    form = {"api_id": "3523864", "from": PATIENT_MOBILE[1:], "to": "12015550199",
            "timestamp": mo_timestamp(), "text": "C", "charset": "ISO-8859-1", "udh": "",
            "moMsgId": "cd" * 16, field: value}
    response = texts.send_raw(urlencode(form))
    assert response.status_code == 400
    [record] = stored()
    assert record.error and field in record.error


@pytest.mark.parametrize("field, value", [
    ("timestamp", "0"), ("timestamp", "-62135596800"), ("timestamp", "253402300799"),
    ("to", "9" * 20), ("from", "9" * 20)])
def test_a_delivery_report_value_out_of_range_is_a_400(client, account, field, value):
    form = {"api_id": "3523864", "apiMsgId": "abc123", "cliMsgId": "x",
            "timestamp": "1428393100", "to": "12015550123", "from": "12015550199",
            "status": "004", "charge": "1.0", field: value}
    response = client.post(f"/webhooks/clickatell/{account.callback_secret}/status",
                           data=form, csrf=False)
    assert response.status_code == 400
