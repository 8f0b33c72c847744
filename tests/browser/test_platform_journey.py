"""The journey of a practice that already has a Clickatell Platform account, in a real
browser, against the app and the sandbox served on free local ports: connect with the SMS
setup's key and number, paste the two callback URLs, send a test text (its status report
turns the checklist green), add a patient and book tomorrow, send the reminder at its time;
the patient's C on the sandbox's phone confirms, and the status callback marks the reminder
delivered."""

import pytest
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import AppointmentStatus, Reminder, ReminderStatus
from tests.browser.journey import (
    book_ana_tomorrow,
    only_practice_account,
    reply_from_phone,
    send_due_reminder,
)
from tests.inbound.conftest import refreshed, wait_until

pytestmark = pytest.mark.browser

NUMBER = "12015550777"
OWNER_MOBILE = "12015550142"
PATIENT_MOBILE = "12015550123"
OWNER = {
    "Practice name": "Lakeside Clinic",
    "Address": "1 Lake Road, Hoboken, NJ",
    "Practice phone": "(201) 555-0100",
    "Your first name": "Lee",
    "Your surname": "Lake",
    "Your e-mail": "lee@example.com",
    "Your mobile number": "(201) 555-0142",
    "Password for this app": "Secret123",
    "Repeat the password": "Secret123",
    "Two-way number": "(201) 555-0777",
}


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


def sent_reminder(appointment) -> Reminder:
    """The appointment's reminder that became a text (the status callback moves it on)."""
    db.session.expire_all()
    return db.session.scalars(select(Reminder).where(
        Reminder.appointment_id == appointment.id, Reminder.message_id.is_not(None))).one()


def test_a_practice_connects_its_platform_account_and_a_patient_confirms(
        live_app, sandbox, page):
    setup = sandbox.create_platform_setup(user="lakeside", credits=100, number=NUMBER,
                                          stop_handling=True)
    page.goto(f"{live_app.url}/signup")
    page.get_by_role("link", name="I already have a Clickatell account").click()
    for label, value in OWNER.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("One API key").fill(setup["api_key"])
    page.get_by_role("button", name="Check the key and create my practice account").click()
    page.get_by_text("Your practice is connected to your Clickatell account.").wait_for()

    # The portal step: paste the two callback URLs into the SMS setup.
    sandbox.set_platform_callbacks(
        setup["integration_id"],
        status_url=page.locator("#status-callback-url").input_value(),
        reply_url=page.locator("#inbound-callback-url").input_value())

    page.goto(f"{live_app.url}/onboarding")
    assert page.locator('[data-step="email"]').count() == 0
    assert "To do" in page.locator('[data-step="callbacks"]').inner_text()

    page.get_by_role("link", name="Replace the key, or send a test text").click()
    page.get_by_role("button", name="Send a test text").click()
    page.get_by_text(f"A test text is on its way to +{OWNER_MOBILE}.").wait_for()
    page.goto(f"{sandbox.url}/sandbox/phones/{OWNER_MOBILE}")
    page.get_by_text("Your appointment reminders are ready to go.").wait_for()
    wait_until(lambda: only_practice_account().status_callback_at is not None)
    page.goto(f"{live_app.url}/onboarding")
    page.get_by_text("All done: reminders can go out.").wait_for()
    assert "Done" in page.locator('[data-step="callbacks"]').inner_text()

    day, appointment = book_ana_tomorrow(page, live_app.url, PATIENT_MOBILE)

    result = send_due_reminder(appointment)
    # The reminder, and the opt-in confirmation Ana got when she was added with consent.
    assert result.outbox.sent == 2, result.summary()
    wait_until(lambda: sent_reminder(appointment).status is ReminderStatus.DELIVERED)

    reply_from_phone(page, sandbox.url, PATIENT_MOBILE, "C")
    wait_until(lambda: refreshed(appointment).status is AppointmentStatus.CONFIRMED)
    page.goto(f"{live_app.url}/appointments/day?date={day.isoformat()}&view=list")
    row = page.locator(f'tr[data-appointment="{appointment.id}"]')
    row.get_by_text("Confirmed", exact=True).wait_for()
