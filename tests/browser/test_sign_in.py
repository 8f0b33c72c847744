import pytest

from tests.browser.journey import sign_out
from tests.factories import DEFAULT_PASSWORD, make_practice

pytestmark = pytest.mark.browser


def test_owner_signs_in_and_out_in_a_real_browser(live_app, page):
    make_practice("Riverside Family Practice", owner_email="dana@example.com")
    page.goto(f"{live_app.url}/")
    page.get_by_label("E-mail").fill("dana@example.com")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Riverside Family Practice").wait_for()
    sign_out(page)
    page.get_by_text("You are signed out.").wait_for()


def test_a_wrong_password_shows_the_message(live_app, page):
    make_practice(owner_email="dana@example.com")
    page.goto(f"{live_app.url}/auth/login")
    page.get_by_label("E-mail").fill("dana@example.com")
    page.get_by_label("Password").fill("nope-nope")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("do not match").wait_for()


def sign_in_as_dana(live_app, page):
    make_practice("Riverside Family Practice", owner_email="dana@example.com")
    page.goto(f"{live_app.url}/auth/login")
    page.get_by_label("E-mail").fill("dana@example.com")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Riverside Family Practice").wait_for()


@pytest.fixture
def short_idle(app):
    """Eight seconds without activity sign a person out (the default is 15 minutes)."""
    app.config["SESSION_IDLE_MINUTES"] = 8 / 60


def test_inactivity_warns_then_signs_out(live_app, page, short_idle):
    sign_in_as_dana(live_app, page)
    warning = page.locator("#idle-warning")
    warning.get_by_text("You will be signed out in").wait_for(state="visible")
    page.get_by_text("You were signed out because nothing happened").wait_for(timeout=15_000)
    assert "/auth/login" in page.url
    page.goto(f"{live_app.url}/settings/practice")
    assert "/auth/login" in page.url


def test_stay_signed_in_keeps_the_session(live_app, page, short_idle):
    sign_in_as_dana(live_app, page)
    warning = page.locator("#idle-warning")
    warning.get_by_role("button", name="Stay signed in").click()
    warning.wait_for(state="hidden")
    page.wait_for_timeout(4_000)  # past the first deadline, well before the second
    page.goto(f"{live_app.url}/settings/practice")
    assert "/settings/practice" in page.url


def test_two_factor_enrolment_and_sign_in(live_app, page):
    import time

    import pyotp

    sign_in_as_dana(live_app, page)
    page.goto(f"{live_app.url}/auth/sessions")
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    page.get_by_alt_text("QR code for your authenticator app").wait_for()
    totp = pyotp.TOTP(page.locator("#totp-secret").inner_text())
    page.get_by_label("Code from your authenticator app").fill(totp.now())
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Two-factor sign-in is on").wait_for()
    assert page.locator("#recovery-codes li").count() == 10

    sign_out(page)
    page.get_by_label("E-mail").fill("dana@example.com")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Two-factor sign-in").wait_for()
    page.get_by_label("Code from your authenticator app").fill(
        totp.at(time.time() + totp.interval))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Riverside Family Practice").wait_for()
