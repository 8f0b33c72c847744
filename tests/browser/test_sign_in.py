import pytest

from tests.factories import DEFAULT_PASSWORD, make_practice

pytestmark = pytest.mark.browser


def test_owner_signs_in_and_out_in_a_real_browser(live_app, page):
    make_practice("Riverside Family Practice", owner_email="dana@example.com")
    page.goto(f"{live_app.url}/")
    page.get_by_label("E-mail").fill("dana@example.com")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Riverside Family Practice").wait_for()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You are signed out.").wait_for()


def test_a_wrong_password_shows_the_message(live_app, page):
    make_practice(owner_email="dana@example.com")
    page.goto(f"{live_app.url}/auth/login")
    page.get_by_label("E-mail").fill("dana@example.com")
    page.get_by_label("Password").fill("nope-nope")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("do not match").wait_for()
