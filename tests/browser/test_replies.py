"""A patient answers a real reminder on the sandbox's phone page; staff see it on the day
view and answer from the conversation page; the phone receives the answer."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.models import AppointmentStatus, Reminder
from reminder_app.reminders.passes import run_pass
from tests.factories import (
    DEFAULT_PASSWORD,
    STAFF,
    make_clickatell_account,
    make_patient,
    make_practice,
    make_provider,
)
from tests.inbound.conftest import link_to_sandbox, refreshed, wait_until

pytestmark = pytest.mark.browser

PHONE = "12015550123"


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


def test_a_reply_on_the_phone_confirms_and_staff_answer_from_the_conversation(
        live_app, sandbox, page):
    practice = make_practice("Riverside Family Practice", owner_email="dana@example.com").practice
    account = make_clickatell_account(practice, long_number="+12015550199")
    link_to_sandbox(account, sandbox, live_app)
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

    page.goto(f"{live_app.url}/auth/login")
    page.get_by_label("E-mail").fill("dana@example.com")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_app.url}/appointments/day?date={starts_at.date().isoformat()}&view=list")
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
