"""The journey a new practice lives, in a real browser, against the app and the Clickatell
sandbox served on free local ports: sign up, activate from the e-mail, verify the mobile,
apply for a two-way number, buy credits, add a patient and book tomorrow, send the reminder
at its time, and the patient's C on the sandbox's phone shows as Confirmed on the day view."""

import re

import pytest

from reminder_app.models import AppointmentStatus
from tests.browser.journey import (
    OWNER,
    OWNER_MOBILE,
    book_ana_tomorrow,
    fill_sign_up,
    reply_from_phone,
    send_due_reminder,
)
from tests.inbound.conftest import refreshed, wait_until

pytestmark = pytest.mark.browser

PATIENT_MOBILE = "12015550123"


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


@pytest.fixture(autouse=True)
def fresh_lookups():
    from reminder_app.onboarding import lookups

    lookups.clear_cache()
    yield
    lookups.clear_cache()


def test_a_new_practice_signs_up_and_a_patient_confirms_tomorrows_reminder(
        live_app, sandbox, page):
    fill_sign_up(page, live_app.url, sandbox)
    page.locator("#step-email").wait_for()
    assert "To do" in page.locator('[data-step="email"]').inner_text()

    # The activation e-mail, opened in the sandbox's outbox.
    page.goto(f"{sandbox.url}/sandbox/outbox")
    page.get_by_text(OWNER["Your e-mail"]).first.wait_for()
    page.get_by_role("link", name="Activate the account").click()
    page.get_by_text("Your Clickatell account is activated.").wait_for()
    assert "Done" in page.locator('[data-step="email"]').inner_text()
    assert "Done" in page.locator('[data-step="connection"]').inner_text()

    page.get_by_role("button", name="Text me a code").click()
    page.get_by_text("Clickatell is texting a code").wait_for()
    checklist_url = page.url
    page.goto(f"{sandbox.url}/sandbox/phones/{OWNER_MOBILE}")
    texted = page.get_by_text("Your Clickatell activation code is").first.inner_text()
    code = re.search(r"activation code is (\w+)", texted).group(1)
    page.goto(checklist_url)
    page.get_by_label("Code from the text message").fill(code)
    page.get_by_role("button", name="Verify my mobile").click()
    page.get_by_text("Your mobile number is verified.").wait_for()

    # Clickatell's number page, and back.
    page.get_by_role("button", name="Apply for a two-way number").click()
    page.get_by_role("heading", name="Apply for a two-way number").wait_for()
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("button", name="Use this number").click()
    page.get_by_text("Your two-way number is +1").wait_for()

    # Clickatell's credit page, and back.
    page.get_by_role("button", name="Buy credits").click()
    page.get_by_label("500 credits").check()
    page.get_by_role("button", name="Pay").click()
    page.get_by_role("heading", name="Payment received").wait_for()
    page.goto(f"{live_app.url}/onboarding")
    page.get_by_text("All done: reminders can go out.").wait_for()
    assert page.locator(".step-state", has_text="To do").count() == 0

    page.get_by_role("button", name="Send a test SMS to my phone").click()
    page.get_by_text("A test message is on its way to your mobile.").wait_for()
    page.goto(f"{sandbox.url}/sandbox/phones/{OWNER_MOBILE}")
    page.get_by_text("Your appointment reminders are ready to go.").wait_for()

    day, appointment = book_ana_tomorrow(page, live_app.url, PATIENT_MOBILE)

    result = send_due_reminder(appointment)
    # The reminder, and the opt-in confirmation Ana got when she was added with consent.
    assert (result.reminders.queued, result.outbox.sent) == (1, 2), result.summary()
    page.goto(f"{sandbox.url}/sandbox/phones/{PATIENT_MOBILE}")
    page.get_by_text("you will get appointment reminders", exact=False).wait_for()

    reply_from_phone(page, sandbox.url, PATIENT_MOBILE, "C")
    wait_until(lambda: refreshed(appointment).status is AppointmentStatus.CONFIRMED)

    page.goto(f"{live_app.url}/appointments/day?date={day.isoformat()}&view=list")
    row = page.locator(f'tr[data-appointment="{appointment.id}"]')
    row.get_by_text("Confirmed", exact=True).wait_for()
    row.get_by_text("“C”").wait_for()
