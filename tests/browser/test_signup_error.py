"""A registration Clickatell refuses shows its meaning in plain words, next to the field at
fault, and the person can correct it and carry on."""

import pytest

from reminder_app.clickatell.codes import CONNECT_ERRORS
from tests.browser.journey import fill_sign_up

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


@pytest.fixture(autouse=True)
def fresh_lookups():
    from reminder_app.onboarding import lookups

    lookups.clear_cache()
    yield
    lookups.clear_cache()


def test_a_username_taken_at_clickatell_is_explained_next_to_the_field(
        live_app, sandbox, page):
    sandbox.create_account(user="riverside", password="Other1234")  # someone else's

    fill_sign_up(page, live_app.url, sandbox, Username="riverside")

    message = "That username is already taken at Clickatell. Choose another."
    assert CONNECT_ERRORS["439"] == message
    page.locator(".alert", has_text=message).wait_for()
    field_error = page.locator("#username ~ .invalid-feedback")
    assert field_error.inner_text().strip() == message
    assert "439" not in page.locator("main").inner_text()  # no code, only the meaning

    fill_sign_up(page, live_app.url, sandbox, Username="riverside2")
    page.locator("#step-email").wait_for()
    assert [a["user"] for a in sandbox.accounts()] == ["riverside", "riverside2"]
