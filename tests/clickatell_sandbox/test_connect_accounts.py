"""Registration, captchas, e-mail activation, log-in and lock-outs through the Connect API."""

import pytest

from clickatell_sandbox.testing import running_sandbox

from .conftest import FAST, SandboxClient, assert_error

VALID = {
    "user": "alice",
    "password": "secret1",
    "fname": "Alice",
    "sname": "Doe",
    "email_address": "alice@example.com",
    "country_id": 226,
    "mobile_number": "12015550999",
    "accept_terms": 1,
}


def register_error(api, **changes) -> str:
    params = {**VALID, **api.captcha(), **changes}
    params = {name: value for name, value in params.items() if value is not None}
    return api.error("register", **params)


def test_register_creates_an_inactive_account_with_free_credit_and_mails_the_link(api):
    api.registered()
    [account] = api.get("/sandbox/api/accounts")
    assert account["user"] == "alice"
    assert account["email_activated"] is False
    assert account["credits"] == 10
    [email] = api.get("/sandbox/api/emails", to="alice@example.com")
    assert email["activation_url"].startswith(f"{api.url}/sandbox/activate/")
    assert email["activation_url"] in email["body"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"user": None}, "431"),
        ({"user": "al ice"}, "431"),
        ({"user": "a" * 129}, "431"),
        ({"password": "short"}, "432"),
        ({"password": "has space1"}, "432"),
        ({"password": "x" * 33}, "432"),
        ({"fname": None}, "433"),
        ({"fname": "f" * 81}, "433"),
        ({"sname": "s" * 81}, "434"),
        ({"email_address": "not-an-address"}, "416"),
        ({"email_address": "a" * 60 + "@example.com"}, "416"),
        ({"mobile_number": "+12015550999"}, "417"),
        ({"mobile_number": "1" * 31}, "417"),
        ({"country_id": 9999}, "406"),
        ({"country_id": None}, "406"),
        ({"accept_terms": 0}, "410"),
        ({"accept_terms": None}, "410"),
        ({"accept_terms": "yes"}, "409"),
        ({"account_id": 5}, "412"),
        ({"test_mode": 2}, "411"),
        ({"force_create": "x"}, "413"),
        ({"activation_redirect": "javascript:alert(1)"}, "415"),
        ({"activation_redirect": "not a url"}, "415"),
    ],
)
def test_register_validates_every_parameter(api, changes, code):
    assert register_error(api, **changes) == code
    assert api.get("/sandbox/api/accounts") == []


def test_register_refuses_a_taken_username_with_439(api):
    api.registered()
    assert register_error(api, email_address="other@example.com") == "439"


def test_an_existing_email_is_105_unless_force_create(api):
    api.registered()
    assert register_error(api, user="alice2") == "105"
    assert register_error(api, user="alice3", email_address="ALICE@example.com") == "105"
    api.registered("alice4", email_address="alice@example.com", force_create=1)
    assert len(api.get("/sandbox/api/accounts")) == 2


def test_test_mode_validates_without_creating_or_using_the_captcha(api):
    captcha = api.captcha()
    assert api.values("register", **VALID, **captcha, test_mode=1) == []
    assert api.get("/sandbox/api/accounts") == []
    assert api.get("/sandbox/api/emails") == []
    assert api.error("register", **{**VALID, "password": "x"}, **captcha, test_mode=1) == "432"
    assert api.values("register", **VALID, **captcha) == []
    assert len(api.get("/sandbox/api/accounts")) == 1


def test_register_needs_a_captcha(api):
    assert api.error("register", **VALID) == "400"
    assert api.error("register", **VALID, captcha_id="f" * 32, captcha_code="AAAAAA") == "400"
    captcha = api.captcha()
    assert api.error("register", **VALID, captcha_id=captcha["captcha_id"]) == "401"


def test_get_captcha_returns_an_id_and_a_url_encoded_png(api):
    [record] = api.values("get_captcha")
    assert len(record["captcha_id"]) == 32
    int(record["captcha_id"], 16)
    assert record["captcha_image"].startswith("%89PNG%0D%0A%1A%0A")
    code = api.get(f"/sandbox/api/captchas/{record['captcha_id']}")["code"]
    assert 5 <= len(code) <= 6


def test_a_captcha_is_burnt_by_one_wrong_code(api):
    captcha = api.captcha()
    assert register_error(api, captcha_id=captcha["captcha_id"], captcha_code="WRONG1") == "401"
    assert api.error("register", **VALID, **captcha) == "402"


def test_a_redeemed_captcha_cannot_be_used_again(api):
    captcha = api.captcha()
    assert api.values("register", **VALID, **captcha) == []
    assert (
        api.error(
            "register", **{**VALID, "user": "bob", "email_address": "b@example.com"}, **captcha
        )
        == "403"
    )


def test_the_captcha_code_is_not_case_sensitive(api):
    captcha = api.captcha()
    assert (
        api.values(
            "register",
            **VALID,
            captcha_id=captcha["captcha_id"],
            captcha_code=captcha["captcha_code"].lower(),
        )
        == []
    )


def test_a_captcha_expires_after_its_ttl(http):
    with running_sandbox({**FAST, "SANDBOX_CAPTCHA_TTL_SECONDS": 0}) as sandbox:
        api = SandboxClient(sandbox, http)
        assert api.error("register", **VALID, **api.captcha()) == "402"


def test_the_activation_link_activates_and_redirects(api, http):
    api.registered(activation_redirect="https://app.example.com/welcome?step=2")
    assert api.error("authenticate_user", user="alice", password="secret1") == "103"
    [email] = api.get("/sandbox/api/emails", to="alice@example.com")
    response = http.get(email["activation_url"], allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"] == "https://app.example.com/welcome?step=2"
    [record] = api.values("authenticate_user", user="alice", password="secret1")
    assert int(record["Usernumber"]) > 0


def test_without_redirect_the_activation_link_shows_a_page(api, http):
    api.registered()
    [email] = api.get("/sandbox/api/emails", to="alice@example.com")
    page = http.get(email["activation_url"])
    assert page.status_code == 200 and "activated" in page.text
    assert http.get(f"{api.url}/sandbox/activate/unknown").status_code == 404


def test_authenticate_user_reports_103_with_the_email_until_activated(api):
    api.registered()
    root = api.connect("authenticate_user", user="alice", password="secret1")
    assert_error(root, "103")
    assert root.findtext("Value/Email") == "alice@example.com"


def test_bad_credentials_are_404(api):
    api.activated()
    assert api.error("authenticate_user", user="alice", password="wrong11") == "404"
    assert api.error("authenticate_user", user="nobody", password="secret1") == "404"
    assert api.error("authenticate_user", password="secret1") == "431"
    assert api.error("authenticate_user", user="alice") == "432"


def test_resend_goes_to_a_corrected_address_only(api, http):
    api.registered(email_address="alice@exmaple.com")
    assert (
        api.values(
            "resend_email_activation",
            user="alice",
            password="secret1",
            email_address="alice@example.com",
        )
        == []
    )
    assert len(api.get("/sandbox/api/emails", to="alice@exmaple.com")) == 1
    [corrected] = api.get("/sandbox/api/emails", to="alice@example.com")
    [stale] = api.get("/sandbox/api/emails", to="alice@exmaple.com")
    assert http.get(stale["activation_url"]).status_code == 404
    assert http.get(corrected["activation_url"]).status_code == 200
    assert api.error("resend_email_activation", user="alice", password="secret1") == "107"


def test_resend_validates_the_new_address(api):
    api.registered()
    assert (
        api.error("resend_email_activation", user="alice", password="secret1", email_address="bad")
        == "416"
    )


def test_forgot_password_mails_a_new_password(api):
    api.activated()
    assert api.error("forgot_password", user="alice", email_address="alice@example.com") == "400"
    assert (
        api.error("forgot_password", user="alice", email_address="x@example.com", **api.captcha())
        == "405"
    )
    assert (
        api.values(
            "forgot_password", user="alice", email_address="alice@example.com", **api.captcha()
        )
        == []
    )
    mail = api.get("/sandbox/api/emails", to="alice@example.com")[-1]
    new_password = mail["body"].rsplit(": ", 1)[1].strip()
    assert api.error("authenticate_user", user="alice", password="secret1") == "404"
    assert api.values("authenticate_user", user="alice", password=new_password)


def test_two_failed_logins_lock_the_user_behind_a_captcha(api):
    api.activated()
    for _ in range(2):
        assert api.error("authenticate_user", user="alice", password="wrong11") == "404"
    assert api.error("authenticate_user", user="alice", password="secret1") == "004"
    assert (
        api.error(
            "authenticate_user",
            user="alice",
            password="secret1",
            captcha_id="0" * 32,
            captcha_code="X",
        )
        == "400"
    )
    assert api.values("authenticate_user", user="alice", password="secret1", **api.captcha())
    assert api.values("authenticate_user", user="alice", password="secret1")


def test_a_failure_under_lock_keeps_the_lock(api):
    api.activated()
    for _ in range(2):
        api.error("authenticate_user", user="alice", password="wrong11")
    assert (
        api.error("authenticate_user", user="alice", password="wrong11", **api.captcha()) == "404"
    )
    assert api.error("authenticate_user", user="alice", password="secret1") == "004"


def test_ten_failures_from_one_ip_lock_every_user_behind_a_captcha(api):
    api.activated()
    for attempt in range(10):
        assert api.error("authenticate_user", user=f"guess{attempt}", password="wrong11") == "404"
    assert api.error("authenticate_user", user="alice", password="secret1") == "003"
    assert api.values("authenticate_user", user="alice", password="secret1", **api.captcha())
    assert api.values("authenticate_user", user="alice", password="secret1")


def test_links_use_the_public_url_when_one_is_set(http):
    config = {**FAST, "SANDBOX_PUBLIC_URL": "https://sandbox.example.test"}
    with running_sandbox(config) as sandbox:
        api = SandboxClient(sandbox, http)
        api.registered()
        [email] = api.get("/sandbox/api/emails", to="alice@example.com")
        assert email["activation_url"].startswith("https://sandbox.example.test/sandbox/activate/")


def test_new_accounts_start_with_the_configured_free_credit(http):
    with running_sandbox({**FAST, "SANDBOX_FREE_CREDITS": 3}) as sandbox:
        api = SandboxClient(sandbox, http)
        api.registered()
        assert api.get("/sandbox/api/accounts")[0]["credits"] == 3
