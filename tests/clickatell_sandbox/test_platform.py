"""The One API (`/v1/...`): keys per SMS setup, the send rules, credit per part, every error
code, the two JSON callbacks with retries, and the phones working for both generations."""

import json

import pytest

from clickatell_sandbox.platform import codes

from .conftest import wait_until

US_PATIENT = "12015550123"
PRACTICE_NUMBER = "12015550100"


def setup(api, kind="oneapi", **fields):
    body = {"user": "practice", "credits": 10, "two_way": True, "number": PRACTICE_NUMBER,
            "stop_handling": True, "api": kind, **fields}
    return api.post("/sandbox/api/platform/setups", expect=201, **body)


def one_api(api, method, path, key, **kwargs):
    return api.http.request(method, f"{api.url}/v1{path}", headers={"Authorization": key},
                            **kwargs)


def send(api, key, *items):
    return one_api(api, "POST", "/message", key, json={"messages": list(items)})


def text(to=US_PATIENT, content="Your appointment is tomorrow at 9.", **extra):
    return {"channel": "sms", "to": to, "content": content, "from": PRACTICE_NUMBER, **extra}


def test_a_send_is_accepted_with_202_and_charged_per_part(api):
    key = setup(api)["api_key"]
    response = send(api, key, text(content="x" * 161, clientMessageId="r1"))
    assert response.status_code == 202
    [answer] = response.json()["messages"]
    assert answer["accepted"] is True and answer["to"] == US_PATIENT
    assert len(answer["apiMessageId"]) == 32 and answer["error"] is None
    assert response.json()["error"] is None
    assert one_api(api, "GET", "/balance", key).json() == {"currency": codes.CURRENCY,
                                                           "balance": 8.0}
    [stored] = api.messages(to=US_PATIENT)
    assert (stored["parts"], stored["cliMsgId"], stored["from"]) == (2, "r1", PRACTICE_NUMBER)


@pytest.mark.parametrize("header", ["", "Bearer {key}", "wrong"])
def test_only_the_bare_key_authenticates(api, header):
    key = setup(api)["api_key"]
    response = one_api(api, "GET", "/balance", header.format(key=key))
    assert response.status_code == 401
    assert response.json() == {"error": {"code": 1,
                                         "description": "Invalid or missing integration API Key"}}


def test_a_mixed_batch_answers_207_and_an_all_refused_one_400(api):
    key = setup(api)["api_key"]
    mixed = send(api, key, text(), text(to="27999abcde"))
    assert mixed.status_code == 207
    good, bad = mixed.json()["messages"]
    assert good["accepted"] and not bad["accepted"]
    assert bad["error"]["code"] == 25 and "apiMessageId" not in bad
    refused = send(api, key, text(content=""))
    assert refused.status_code == 400
    assert refused.json()["messages"][0]["error"] == {
        "code": 23, "description": "Invalid or missing parameter: content ."}


def test_a_batch_holds_at_most_200(api):
    key = setup(api, credits=1000)["api_key"]
    assert send(api, key, *[text(to=f"2799{n:07d}") for n in range(201)]).json()["error"][
        "code"] == 22
    assert send(api, key, *[text(to=f"2799{n:07d}") for n in range(200)]).status_code == 202


@pytest.mark.parametrize(("fields", "item", "code"), [
    ({}, {"from": "12015550999"}, 45),
    ({"two_way": False, "number": None}, {"from": None}, 110),
    ({"stop_handling": False}, {}, 111),
    ({"sandbox": True}, {}, 28),
    ({"credits": 0}, {}, 20),
    ({}, {"content": "x" * 153 * (codes.MAX_PARTS + 1)}, 100),
    ({}, {"channel": "whatsapp"}, 39),
])
def test_the_send_rules_refuse_with_their_codes(api, fields, item, code):
    key = setup(api, **fields)["api_key"]
    message = {key_: value for key_, value in text(**item).items() if value is not None}
    response = send(api, key, message)
    assert response.json()["messages"][0]["error"]["code"] == code
    assert response.status_code == (402 if code == 20 else 400)
    assert api.messages(to=US_PATIENT) == []


def test_a_sandbox_setup_texts_its_verified_test_phones_for_free(api):
    key = setup(api, sandbox=True)["api_key"]
    for phone in (US_PATIENT, "12015550124"):
        api.post("/sandbox/api/platform/test-phones", expect=204, user="practice", msisdn=phone)
    third = api.http.post(f"{api.url}/sandbox/api/platform/test-phones",
                          json={"user": "practice", "msisdn": "12015550125"})
    assert third.status_code == 400
    assert send(api, key, text()).status_code == 202
    assert one_api(api, "GET", "/balance", key).json()["balance"] == 10.0


@pytest.mark.parametrize("code", sorted(codes.ERRORS))
def test_every_error_code_can_be_reached(api, code):
    key = setup(api)["api_key"]
    api.post("/sandbox/api/platform/errors", expect=204, code=code)
    response = send(api, key, text())
    status, level, _ = codes.ERRORS[code]
    body = response.json()
    error = body["error"] if level != "message" else body["messages"][0]["error"]
    assert error["code"] == code
    assert error["description"].startswith(codes.ERRORS[code][2].split("{}")[0])
    assert response.status_code == status
    assert send(api, key, text()).status_code == 202  # forced once only


def test_wrong_methods_and_paths_have_their_codes(api):
    key = setup(api)["api_key"]
    assert one_api(api, "GET", "/message", key).json()["error"]["code"] == 42
    missing = one_api(api, "GET", "/nothing", key)
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, 41)
    assert one_api(api, "POST", "/message", key, data="{").json()["error"]["code"] == 21


def test_an_inactive_setup_is_refused(api):
    key = setup(api, active=False)["api_key"]
    assert one_api(api, "GET", "/balance", key).json()["error"]["code"] == 3


def test_the_status_query_follows_the_walk(api):
    key = setup(api)["api_key"]
    message_id = send(api, key, text()).json()["messages"][0]["apiMessageId"]
    final = wait_until(lambda: one_api(api, "GET", f"/message/{message_id}", key).json()
                       ["sms"]["status"] == "DEVICE_ACK")
    assert final
    unknown = one_api(api, "GET", f"/message/{'0' * 32}", key).json()
    assert unknown["status"] == "UNKNOWN" and isinstance(unknown["timestamp"], int)


def test_status_updates_are_posted_as_json_in_the_envelope(api, receiver):
    created = setup(api, status_url=receiver.url("/status"))
    message_id = send(api, created["api_key"], text(clientMessageId="r7")).json()[
        "messages"][0]["apiMessageId"]
    received = receiver.wait_for(3)
    assert {r.headers["Content-Type"] for r in received} == {"application/json"}
    events = [json.loads(r.body) for r in received]
    assert {(e["integrationId"], e["integrationName"]) for e in events} == {
        (created["integration_id"], "SMS setup")}
    updates = [e["event"]["messageStatusUpdate"][0] for e in events]
    assert [(u["statusCode"], u["status"]) for u in updates] == [
        (2, "QUEUED"), (4, "SENT_TO_SUPPLIER"), (5, "DEVICE_ACK")]
    assert {(u["channel"], u["messageId"], u["clientMessageId"]) for u in updates} == {
        ("sms", message_id, "r7")}


def test_callback_urls_pasted_later_are_where_the_pushes_go(api, receiver):
    """The portal step of pasting a setup's URLs after it was made (the app shows them
    only once the practice is connected)."""
    created = setup(api)
    path = f"/sandbox/api/platform/setups/{created['integration_id']}/callbacks"
    api.post(path, expect=400, status_url="ftp://nowhere")
    changed = api.post(path, expect=200, status_url=receiver.url("/status"))
    assert (changed["status_url"], changed["reply_url"]) == (receiver.url("/status"), None)
    send(api, created["api_key"], text())
    assert len(receiver.wait_for(3)) == 3


def test_a_failed_push_is_retried(api, receiver):
    receiver.answers = [500]
    setup(api, status_url=receiver.url("/status"))
    api.post("/sandbox/api/faults", rate=0.0, kinds=["timeout"])  # no faults, just retries
    send(api, api.get("/sandbox/api/platform/setups")[0]["api_key"], text())
    received = receiver.wait_for(4)
    assert received[0].body == received[1].body  # the refused push came again


def test_a_reply_is_posted_as_mo_text_linked_to_the_last_text(api, receiver):
    created = setup(api, reply_url=receiver.url("/reply"))
    message_id = send(api, created["api_key"], text(clientMessageId="r9")).json()[
        "messages"][0]["apiMessageId"]
    api.post("/sandbox/api/inbound", expect=202, **{"from": US_PATIENT, "to": PRACTICE_NUMBER,
                                                     "text": "Yes, I'll be there ✓"})
    [reply] = receiver.wait_for(1)
    envelope = json.loads(reply.body)
    [event] = envelope["event"]["moText"]
    assert envelope["integrationId"] == created["integration_id"]
    assert event["relatedMessageId"] == message_id
    assert event["relatedClientMessageId"] == "r9"
    assert (event["from"], event["to"], event["content"]) == (
        US_PATIENT, PRACTICE_NUMBER, "Yes, I'll be there ✓")
    assert event["charset"] == "UTF-8" and len(event["messageId"]) == 32


def test_stop_opts_the_phone_out_and_subscribe_back_in(api, receiver):
    key = setup(api, reply_url=receiver.url("/reply"))["api_key"]
    api.post("/sandbox/api/inbound", expect=202, **{"from": US_PATIENT, "to": PRACTICE_NUMBER,
                                                     "text": " stop "})
    assert send(api, key, text()).json()["messages"][0]["error"]["code"] == 26
    api.post("/sandbox/api/inbound", expect=202, **{"from": US_PATIENT, "to": PRACTICE_NUMBER,
                                                     "text": "SUBSCRIBE"})
    assert send(api, key, text()).status_code == 202


def test_faults_reach_the_one_api_too(api):
    key = setup(api)["api_key"]
    api.post("/sandbox/api/faults", rate=1.0, kinds=["http500"], endpoints=["platform"])
    assert send(api, key, text()).status_code == 500
    api.post("/sandbox/api/faults", rate=1.0, kinds=["error_code"], endpoints=["platform"])
    response = send(api, key, text())
    assert (response.status_code, response.json()["error"]["code"]) == (503, 19)
    assert api.messages(to=US_PATIENT) == []


def test_the_phone_page_shows_one_api_texts(api):
    key = setup(api)["api_key"]
    send(api, key, text(content="Seen on the phone"))
    page = api.http.get(f"{api.url}/sandbox/phones/{US_PATIENT}")
    assert page.status_code == 200 and "Seen on the phone" in page.text
    assert PRACTICE_NUMBER in page.text  # the phone can answer the setup's number
