"""A patient answers a real reminder on the sandbox's phone page; staff see it on the day
view and answer from the conversation page; the phone receives the answer."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.models import AppointmentStatus, Reminder
from reminder_app.reminders.passes import run_pass
from tests.browser.journey import day_list, practice_on_sandbox, sign_in_as_owner
from tests.factories import (
    STAFF,
    make_patient,
    make_provider,
)
from tests.inbound.conftest import refreshed, wait_until

pytestmark = pytest.mark.browser

PHONE = "12015550123"


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


def test_a_reply_on_the_phone_confirms_and_staff_answer_from_the_conversation(
        live_app, sandbox, page):
    practice = practice_on_sandbox(sandbox, live_app)
    patient = make_patient(practice, first_name="Maria", last_name="Lopez", mobile=f"+{PHONE}")
    starts_at = (datetime.now(practice.zone) + timedelta(days=3)).replace(
        hour=14, minute=0, second=0, microsecond=0)
    appointment = service.book(practice, patient=patient, provider=make_provider(practice),
                               starts_at=starts_at.astimezone(UTC), actor=STAFF)
    first_due = min(db.session.scalars(select(Reminder.send_at)))
    run_pass(now=first_due + timedelta(minutes=1))  # the reminder really goes to the phone

    page.goto(f"{sandbox.url}/sandbox/phones/{PHONE}")
    page.get_by_text("Reply C to confirm").wait_for()
    page.get_by_label("Message").fill("C")
    page.get_by_role("button", name="Send").click()
    wait_until(lambda: refreshed(appointment).status is AppointmentStatus.CONFIRMED)

    sign_in_as_owner(page, live_app.url)
    day_list(page, live_app.url, starts_at.date())
    row = page.locator(f'tr[data-appointment="{appointment.id}"]')
    row.get_by_text("Confirmed", exact=True).wait_for()
    row.get_by_text("“C”").wait_for()

    page.get_by_role("link", name="Conversations").click()
    page.get_by_role("link", name="Lopez, Maria").click()
    page.get_by_text("read as: Confirm").wait_for()
    page.get_by_label("Answer").fill("See you on Thursday, Maria! Parking is free.")
    page.get_by_text("1 SMS part · 1 credit").wait_for()
    page.get_by_role("button", name="Send answer").click()
    page.get_by_text("is on its way").wait_for()

    run_pass()
    page.goto(f"{sandbox.url}/sandbox/phones/{PHONE}")
    page.get_by_text("See you on Thursday, Maria! Parking is free.").wait_for()
