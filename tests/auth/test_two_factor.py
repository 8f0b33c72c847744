"""Two-factor sign-in: enrolling, signing in with a code or a recovery code, the practice's
requirement, and turning it off."""

import re
import time

import pyotp
import pytest

from reminder_app.extensions import db
from reminder_app.models import StaffUser
from tests.conftest import new_browser
from tests.factories import DEFAULT_PASSWORD, make_practice, make_staff


@pytest.fixture
def owner(app):
    return make_practice("Riverside", owner_email="dana@example.com")


def sign_in(browser, email="dana@example.com"):
    return browser.post("/auth/login", data={"email": email, "password": DEFAULT_PASSWORD})


def enrol(browser) -> tuple[str, list[str]]:
    page = browser.get("/auth/two-factor/setup").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert 'src="data:image/svg+xml;base64,' in page
    page = browser.post("/auth/two-factor/setup",
                        data={"code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    codes = re.findall(r"<li>([0-9a-f]{6}-[0-9a-f]{6})</li>", page)
    return secret, codes


def user(email="dana@example.com") -> StaffUser:
    db.session.expire_all()
    return db.session.scalar(db.select(StaffUser).where(StaffUser.email == email))


def signed_in(browser) -> bool:
    return browser.get("/settings/practice").status_code == 200


def test_enrolling_keeps_the_secret_only_after_a_right_code(app, owner):
    browser = new_browser(app)
    sign_in(browser)
    browser.get("/auth/two-factor/setup")
    page = browser.post("/auth/two-factor/setup", data={"code": "000000"})
    assert "That code is not right" in page.get_data(as_text=True)
    assert not user().has_two_factor
    secret, codes = enrol(browser)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert user().has_two_factor
    assert secret not in (user().totp_secret_encrypted or "")


def test_a_password_alone_no_longer_signs_in(app, owner):
    browser = new_browser(app)
    sign_in(browser)
    secret, _ = enrol(browser)
    browser.post("/auth/logout")
    response = sign_in(browser)
    assert response.headers["Location"].endswith("/auth/two-factor")
    assert not signed_in(browser)
    page = browser.post("/auth/two-factor", data={"code": "123456"}).get_data(as_text=True)
    assert "That code is not right, or was used already." in page
    assert not signed_in(browser)


def test_a_code_signs_in_once_and_never_again(app, owner):
    browser = new_browser(app)
    sign_in(browser)
    secret, _ = enrol(browser)
    browser.post("/auth/logout")
    totp = pyotp.TOTP(secret)
    # The enrolment used this step's code: the next step's is the first one left.
    code = totp.at(time.time() + totp.interval)
    sign_in(browser)
    assert browser.post("/auth/two-factor", data={"code": code}).status_code == 303
    assert signed_in(browser)
    browser.post("/auth/logout")
    sign_in(browser)
    page = browser.post("/auth/two-factor", data={"code": code}).get_data(as_text=True)
    assert "was used already" in page and not signed_in(browser)


def test_a_recovery_code_works_once(app, owner):
    browser = new_browser(app)
    sign_in(browser)
    _, codes = enrol(browser)
    browser.post("/auth/logout")
    sign_in(browser)
    assert browser.post("/auth/two-factor", data={"code": codes[3].upper()}).status_code == 303
    assert signed_in(browser)
    assert "9 recovery codes left" in browser.get("/auth/sessions").get_data(as_text=True)
    browser.post("/auth/logout")
    sign_in(browser)
    browser.post("/auth/two-factor", data={"code": codes[3]})
    assert not signed_in(browser)


def test_wrong_codes_are_throttled(app, owner):
    browser = new_browser(app)
    sign_in(browser)
    secret, _ = enrol(browser)
    browser.post("/auth/logout")
    sign_in(browser)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        browser.post("/auth/two-factor", data={"code": "111111"})
    response = browser.post("/auth/two-factor", data={"code": pyotp.TOTP(secret).now()},
                            follow_redirects=True)
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    assert not signed_in(browser)


def test_the_second_step_must_follow_the_first_within_minutes(app, owner):
    browser = new_browser(app)
    sign_in(browser)
    secret, _ = enrol(browser)
    browser.post("/auth/logout")
    sign_in(browser)
    with browser.session_transaction() as session:
        pending = session["two_factor_pending"]
        session["two_factor_pending"] = dict(pending, at=pending["at"] - 301)
    response = browser.post("/auth/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert response.headers["Location"].endswith("/auth/login")
    assert not signed_in(browser)


def test_a_practice_that_requires_it_sends_everyone_to_enrol_first(app, owner):
    make_staff(owner.practice, email="sam@example.com")
    dana = new_browser(app)
    sign_in(dana)
    enrol(dana)
    assert dana.post("/settings/two-factor", data={"require": "y"}).status_code == 303
    sam = new_browser(app)
    sign_in(sam, "sam@example.com")
    for url in ("/", "/patients/", "/settings/practice", "/api/v1/patients"):
        response = sam.get(url)
        if not url.startswith("/api/"):
            assert response.headers["Location"].endswith("/auth/two-factor/setup"), url
    enrol(sam)
    assert signed_in(sam)
    page = sam.get("/auth/sessions").get_data(as_text=True)
    assert "Turn two-factor sign-in off" not in page


def test_staff_cannot_require_it_for_the_practice(app, owner):
    make_staff(owner.practice, email="sam@example.com")
    sam = new_browser(app)
    sign_in(sam, "sam@example.com")
    assert sam.post("/settings/two-factor", data={"require": "y"}).status_code == 403
    db.session.expire_all()
    assert not owner.practice.require_two_factor


def test_turning_it_off_takes_the_password(app, owner):
    browser = new_browser(app)
    sign_in(browser)
    enrol(browser)
    browser.post("/auth/two-factor/off", data={"password": "not-it"})
    assert user().has_two_factor
    browser.post("/auth/two-factor/off", data={"password": DEFAULT_PASSWORD})
    assert not user().has_two_factor
