"""The Platform's older SMS integrations: REST (`POST /messages`), HTTP
(`GET /messages/http/send`), `/public-client/balance` and `/public-client/message/status`,
with the same send rules as the One API and their own flat callbacks."""

import json

from .conftest import wait_until
from .test_platform import PRACTICE_NUMBER, US_PATIENT, setup


def rest(api, key, **body):
    return api.http.post(f"{api.url}/messages", json=body, headers={"Authorization": key})


def http_send(api, **params):
    return api.http.get(f"{api.url}/messages/http/send", params=params)


def test_rest_sends_to_several_and_answers_202_per_recipient(api):
    key = setup(api, kind="rest")["api_key"]
    response = rest(api, key, content="Hi", to=[f"+{US_PATIENT}", "27111111111x"],
                    **{"from": PRACTICE_NUMBER, "clientMessageId": "r1"})
    assert response.status_code == 202
    good, bad = response.json()["messages"]
    assert good["accepted"] and len(good["apiMessageId"]) == 32 and good["errorCode"] is None
    assert bad == {"apiMessageId": None, "accepted": False, "to": "27111111111x",
                   "errorCode": 105, "error": "Invalid destination address.",
                   "errorDescription": "The destination address is not valid."}
    assert response.json()["error"] is None


def test_the_http_api_answers_errors_with_200(api):
    key = setup(api, kind="http", two_way=False, number=None)["api_key"]
    bad_key = http_send(api, apiKey="nope", to=US_PATIENT, content="Hi")
    assert bad_key.status_code == 200
    assert bad_key.json() == {"messages": [], "errorCode": 108,
                              "error": "Invalid or missing integration API Key.",
                              "errorDescription": "The integration API key is either incorrect "
                                                  "or has not been included in the API call."}
    us = http_send(api, apiKey=key, to=US_PATIENT, content="Hi")
    assert (us.status_code, us.json()["messages"][0]["errorCode"]) == (200, 106)
    ok = http_send(api, apiKey=key, to="27991234567", content="Hi")
    assert ok.status_code == 200 and ok.json()["messages"][0]["accepted"] is True


def test_keys_open_only_their_own_api(api):
    rest_key = setup(api, kind="rest")["api_key"]
    one_api = api.http.get(f"{api.url}/v1/balance", headers={"Authorization": rest_key})
    assert one_api.json()["error"]["code"] == 1
    assert http_send(api, apiKey=rest_key, to="27991234567", content="Hi").json()[
        "errorCode"] == 108


def test_public_client_balance_and_status(api):
    key = setup(api, kind="rest")["api_key"]
    headers = {"Authorization": key}
    [answer] = rest(api, key, content="Hi", to=[US_PATIENT],
                    **{"from": PRACTICE_NUMBER}).json()["messages"]
    balance = api.http.get(f"{api.url}/public-client/balance", headers=headers).json()
    assert balance["balance"] == 9.0 and balance["currency"]
    status = wait_until(lambda: (found := api.http.get(
        f"{api.url}/public-client/message/status", headers=headers,
        params={"messageId": answer["apiMessageId"]}).json())["status"]
        == "RECEIVED_BY_RECIPIENT" and found)
    assert status["statusCode"] == 4 and status["messageId"] == answer["apiMessageId"]


def test_rest_callbacks_are_flat_json(api, receiver):
    key = setup(api, kind="rest", status_url=receiver.url("/status"),
                reply_url=receiver.url("/reply"))["api_key"]
    [answer] = rest(api, key, content="Hi", to=[US_PATIENT],
                    **{"from": PRACTICE_NUMBER, "clientMessageId": "r5"}).json()["messages"]
    statuses = [json.loads(r.body) for r in receiver.wait_for(2)]
    assert [(s["statusCode"], s["status"]) for s in statuses] == [
        (3, "DELIVERED_TO_GATEWAY"), (4, "RECEIVED_BY_RECIPIENT")]
    assert {(s["messageId"], s["clientMessageId"]) for s in statuses} == {
        (answer["apiMessageId"], "r5")}
    api.post("/sandbox/api/inbound", expect=202,
             **{"from": US_PATIENT, "to": PRACTICE_NUMBER, "text": "yes please"})
    reply = json.loads(receiver.wait_for(3)[2].body)
    assert reply["messageId"] == answer["apiMessageId"]
    assert (reply["fromNumber"], reply["toNumber"], reply["text"], reply["keyword"]) == (
        US_PATIENT, PRACTICE_NUMBER, "yes please", "YES")
    assert reply["replyMessageId"] != reply["messageId"]
