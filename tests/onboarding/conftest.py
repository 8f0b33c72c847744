import re
from urllib.parse import parse_qs, urlsplit

import pytest

from reminder_app.extensions import db
from reminder_app.models import ClickatellAccount
from reminder_app.onboarding import lookups

SIGN_UP = {
    "practice_name": "Riverside Family Practice",
    "address": "12 River Road, Hoboken, NJ",
    "country": "US",
    "timezone": "America/New_York",
    "phone": "(201) 555-0100",
    "first_name": "Dana",
    "surname": "Rivers",
    "email": "dana@example.com",
    "mobile": "201-555-0142",
    "username": "riverside",
    "password": "Secret123",
    "confirm": "Secret123",
    "clickatell_country": "226",
    "account_type": "9",
    "accept_terms": "y",
}
OWNER_MOBILE = "+12015550142"


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


@pytest.fixture(autouse=True)
def fresh_lookups():
    """Each test's sandbox is new: forget the reference lists cached from another one."""
    lookups.clear_cache()
    yield
    lookups.clear_cache()


def captcha_id_on(page: str) -> str:
    return re.search(r'id="captcha_id"[^>]*value="([0-9a-fA-F]+)"', page).group(1)


class SignUpActions:
    def __init__(self, client, sandbox):
        self.client = client
        self.sandbox = sandbox

    def form(self, **overrides) -> dict:
        """The sign-up form as a person would fill it in, the captcha read off the sandbox."""
        page = self.client.get("/signup").get_data(as_text=True)
        captcha_id = captcha_id_on(page)
        data = {**SIGN_UP, "captcha_id": captcha_id,
                "captcha_code": self.sandbox.captcha_code(captcha_id)}
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    def submit(self, **overrides):
        return self.client.post("/signup", data=self.form(**overrides))

    def complete(self, **overrides) -> ClickatellAccount:
        """Sign up, activate by the e-mail link, verify the mobile: ready for a number."""
        response = self.submit(**overrides)
        assert response.status_code == 303, response.get_data(as_text=True)
        email = overrides.get("email", SIGN_UP["email"])
        self.sandbox.activate(email)
        self.client.get("/onboarding")
        self.client.post("/onboarding/mobile/code")
        code = self.sandbox.sms_code(OWNER_MOBILE)
        self.client.post("/onboarding/mobile/verify", data={"code": code})
        return account_of(overrides.get("username", SIGN_UP["username"]))


def account_of(username: str) -> ClickatellAccount:
    db.session.expire_all()
    return db.session.scalar(db.select(ClickatellAccount).where(
        ClickatellAccount.username == username))


@pytest.fixture
def signup(client, sandbox):
    return SignUpActions(client, sandbox)


def come_back_with_number(client, location: str):
    """Land on the return page as Clickatell's redirect does, then press "Use this number"."""
    back = urlsplit(location)
    page = client.get(f"{back.path}?{back.query}")
    assert page.status_code == 200, page.headers.get("Location")
    query = parse_qs(back.query)
    return client.post(back.path, data={"number": query["number"][0],
                                        "state": query["state"][0]})
