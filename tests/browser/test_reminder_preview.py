"""The live preview updates as the owner types, without inline scripts (CSP)."""

import pytest

from reminder_app.extensions import db
from reminder_app.reminders.rules import rules_for
from tests.factories import DEFAULT_PASSWORD, make_practice

pytestmark = pytest.mark.browser


def test_the_preview_follows_the_text_as_it_is_typed(live_app, page):
    practice = make_practice("Riverside", owner_email="dana@example.com").practice
    rule = rules_for(practice)[0]
    db.session.commit()
    page.goto(f"{live_app.url}/auth/login")
    page.get_by_label("E-mail").fill("dana@example.com")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_app.url}/reminders/rules/{rule.id}")

    page.get_by_label("Text in English").fill("Hi {patient_first_name} [ok] 🙂")
    preview = page.locator("#preview-en")
    preview.get_by_text("Hi Ana [ok] 🙂").wait_for()
    assert preview.locator(".preview-encoding").inner_text() == "UCS-2"
    # The opt-out line the text lacks is added, and counted: 14 (🙂 counts 2) + 23.
    assert preview.locator(".preview-text").inner_text().endswith(" Reply STOP to opt out.")
    assert preview.locator(".preview-length").inner_text() == "37"
    assert preview.locator(".preview-credits").inner_text() == "1"

    page.get_by_label("Text in English").fill("Hi {name}")
    preview.get_by_text("Unknown placeholder {name}", exact=False).wait_for()
