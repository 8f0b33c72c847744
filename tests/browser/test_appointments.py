import re
from datetime import UTC, datetime, timedelta

import pytest

from reminder_app.extensions import db
from reminder_app.models import Appointment, AppointmentStatus
from reminder_app.timezones import to_utc
from tests.browser.journey import choose_patient
from tests.factories import DEFAULT_PASSWORD, make_patient, make_practice, make_provider

pytestmark = pytest.mark.browser


def test_staff_book_move_and_cancel_an_appointment_from_the_list(live_app, page):
    owner = make_practice("Riverside Family Practice", owner_email="dana@example.com")
    practice = owner.practice
    make_patient(practice, first_name="Ana", last_name="Reyes", mobile="+12015550123")
    make_provider(practice, "Dr. Amelia Reyes")
    tomorrow = datetime.now(UTC).astimezone(practice.zone).date() + timedelta(days=1)

    page.goto(f"{live_app.url}/auth/login")
    page.get_by_label("E-mail").fill("dana@example.com")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Today").click()
    page.get_by_role("link", name="Book appointment").click()
    choose_patient(page, "reyes", "Reyes, Ana")
    page.get_by_label("Provider").select_option(label="Dr. Amelia Reyes")
    page.get_by_label("Date").fill(tomorrow.isoformat())
    page.get_by_label("Time").fill("10:00")
    page.get_by_label("Length (minutes)").fill("30")
    page.get_by_label("Reason").fill("Annual check-up")
    page.get_by_role("button", name="Book appointment").click()
    page.get_by_text("Booked Ana Reyes with Dr. Amelia Reyes").wait_for()
    page.get_by_role("link", name="List", exact=True).click()
    page.locator("#appointments").wait_for()
    row = page.locator("#appointments tbody tr", has_text="Ana Reyes")
    assert "10:00–10:30" in row.inner_text() and "Booked" in row.inner_text()

    row.get_by_role("link", name="Move Ana Reyes").click()
    page.get_by_label("Time").fill("11:30")
    page.get_by_role("button", name="Move appointment").click()
    page.get_by_text(re.compile(r"Moved Ana Reyes to .* at 11:30")).wait_for()
    page.get_by_role("link", name="List", exact=True).click()
    page.locator("#appointments").wait_for()
    assert "11:30–12:00" in row.inner_text()

    row.get_by_role("link", name="Cancel Ana Reyes").click()
    page.get_by_label("The patient asked to cancel").check()
    page.get_by_role("button", name="Cancel appointment").click()
    page.get_by_text("Cancelled Ana Reyes's appointment at 11:30.").wait_for()
    page.get_by_role("link", name="List", exact=True).click()
    page.locator("#appointments").wait_for()
    assert "Cancelled by patient" in row.inner_text()

    db.session.expire_all()
    appointment = db.session.scalars(db.select(Appointment)).one()
    assert appointment.status is AppointmentStatus.CANCELLED_BY_PATIENT
    assert appointment.starts_at == to_utc(tomorrow, datetime.strptime("11:30", "%H:%M").time(),
                                           practice.zone)
