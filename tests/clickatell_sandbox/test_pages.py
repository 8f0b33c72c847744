"""The pages a person uses, and the odds and ends of the test API."""


def test_the_pages_show_what_the_sandbox_knows(api, http):
    api.registered()
    account = api.demo_account(
        long_number="12015550100",
        callback_url="https://app.example.com/s",
        mo_callback_url="https://app.example.com/mo",
    )
    api.send_from(
        account,
        to="27991234567",
        text="See you at 10",
        **{"from": "12015550100"},
    )
    index = http.get(f"{api.url}/sandbox/")
    assert index.status_code == 200 and "/sandbox/phones" in index.text
    accounts = http.get(f"{api.url}/sandbox/accounts").text
    for shown in (
        "alice",
        "practice",
        "not activated",
        str(account["api_id"]),
        "+12015550100",
        "https://app.example.com/s",
        "https://app.example.com/mo",
    ):
        assert shown in accounts
    outbox = http.get(f"{api.url}/sandbox/outbox").text
    [email] = api.get("/sandbox/api/emails", to="alice@example.com")
    assert f'href="{email["activation_url"]}"' in outbox
    phones = http.get(f"{api.url}/sandbox/phones").text
    assert "/sandbox/phones/27991234567" in phones and "/sandbox/phones/12015550100" not in phones
    assert "See you at 10" in http.get(f"{api.url}/sandbox/phones/27991234567").text
    assert http.get(f"{api.url}/sandbox/phones/not-a-number").status_code == 404
    assert http.get(f"{api.url}/sandbox/pushes").status_code == 200


def test_every_form_field_has_a_label(api, http):
    account = api.demo_account(long_number="12015550100")
    api.send_from(
        account,
        to="27991234567",
        text="Hi",
        **{"from": "12015550100"},
    )
    page = http.get(f"{api.url}/sandbox/phones/27991234567").text
    assert '<label for="to">' in page and 'id="to"' in page
    assert '<label for="text">' in page and 'id="text"' in page


def test_the_test_api_filters_messages(api):
    account = api.demo_account()
    credentials = {"api_id": account["api_id"], "user": "practice", "password": "secret1"}
    api.http_api("sendmsg", **credentials, to="27991234567,447911123456", text="Hi")
    assert len(api.messages()) == 2
    assert [m["to"] for m in api.messages(to="+447911123456")] == ["447911123456"]
    assert [m["to"] for m in api.messages(to="447911123456")] == ["447911123456"]
    assert api.http.get(f"{api.url}/sandbox/api/messages", params={"to": "x"}).status_code == 400
    assert api.http.get(f"{api.url}/sandbox/api/captchas/{'0' * 32}").status_code == 404


def test_the_test_api_refuses_bad_accounts(api):
    for body in (
        {"user": "a b", "password": "secret1"},
        {"user": "ok", "password": "x"},
        {"user": "ok", "password": "secret1", "long_number": "abc"},
        {"user": "ok", "password": "secret1", "callback_url": "nope"},
    ):
        assert api.http.post(f"{api.url}/sandbox/api/accounts", json=body).status_code == 400
    api.demo_account()
    again = api.http.post(
        f"{api.url}/sandbox/api/accounts", json={"user": "practice", "password": "secret1"}
    )
    assert again.status_code == 400
    assert api.get("/sandbox/api/accounts")[0]["credits"] == 10


def test_reset_empties_everything(api):
    api.registered()
    api.post("/sandbox/api/faults", rate=1, kinds=["slow"], seed=1)
    assert api.http.post(f"{api.url}/sandbox/api/reset").status_code == 204
    assert api.get("/sandbox/api/accounts") == []
    assert api.get("/sandbox/api/emails") == []
    assert api.get("/sandbox/api/faults") is None
    assert api.values("get_list_account")
