"""A recall, end to end: staff add it from the recall list (for one provider and one
appointment type), the worker's pass texts the patient (read on the sandbox's phone page),
the patient answers R, the list says to call them, and "Book" opens the booking form for
that patient, provider and type; once booked, the recall shows the appointment, and the
dashboard's recall figures lead to the list."""

from datetime import UTC, datetime, time, timedelta

import pytest

from reminder_app.appointments import visits
from reminder_app.extensions import db
from reminder_app.models import Recall, RecallStatus
from reminder_app.reminders.passes import run_pass
from reminder_app.timezones import today
from reminder_app.transactions import unit_of_work
from tests.browser.journey import (
    choose_patient,
    practice_on_sandbox,
    reply_from_phone,
    sign_in_as_owner,
)
from tests.factories import make_patient, make_provider
from tests.inbound.conftest import wait_until
from tests.recalls.conftest import run_recalls

pytestmark = pytest.mark.browser

MARIA = "12015550123"


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


def test_a_recall_from_the_list_to_a_booked_appointment(live_app, sandbox, page):
    practice = practice_on_sandbox(sandbox, live_app)
    practice.quiet_start = practice.quiet_end = time(0)  # the test may run at night
    db.session.commit()
    make_provider(practice, "Dr. Ada Quinn")
    make_provider(practice, "Dr. Ben Ortiz")
    with unit_of_work():
        visits.add_type(practice, name="Phone consultation", default_duration_minutes=10)
        visits.add_type(practice, name="6-month check-up", default_duration_minutes=20)
    make_patient(practice, first_name="Maria", last_name="Lopez", mobile=f"+{MARIA}")
    now = datetime.now(UTC)
    yesterday = today(practice.zone, now) - timedelta(days=1)

    sign_in_as_owner(page, live_app.url)
    page.get_by_role("link", name="Patients").first.click()
    page.get_by_role("link", name="Recalls", exact=True).click()
    page.get_by_role("link", name="Add a recall").click()
    choose_patient(page, "maria", "Lopez, Maria")
    page.get_by_label("Due for").fill("6-month check-up")
    page.get_by_label("Due on").fill(yesterday.isoformat())
    page.get_by_label("Provider").select_option(label="Dr. Ada Quinn")
    page.get_by_label("Appointment type").select_option(label="6-month check-up")
    page.get_by_role("button", name="Save recall").click()
    page.get_by_text("Maria Lopez is due for 6-month check-up.").wait_for()
    row = page.locator("#recalls tbody tr").filter(has_text="Maria Lopez")
    row.get_by_text("Not yet").wait_for()
    row.locator(".recall-type").filter(has_text="6-month check-up").wait_for()

    run_recalls(datetime.now(UTC))  # the worker's recall job, then its dispatch pass
    run_pass()
    reply_from_phone(page, sandbox.url, MARIA, "R", expect="time to book your next visit")
    recall = wait_until(lambda: db.session.query(Recall).filter_by(
        status=RecallStatus.REPLIED).one_or_none())
    run_pass()  # the answer, if it did not leave at once
    page.reload()
    page.get_by_text("we will call you to book your visit").wait_for()

    page.goto(f"{live_app.url}/recalls/")
    row = page.locator(f'tr[data-recall="{recall.id}"]')
    row.get_by_text("Replied: call them").wait_for()
    row.get_by_text("1 time, last").wait_for()
    row.get_by_role("link", name="Book Maria Lopez").click()

    # The booking form, for Maria with Dr. Ada Quinn and the check-up already chosen.
    assert page.get_by_role("combobox", name="Patient").input_value() == "Lopez, Maria"
    provider = page.get_by_label("Provider")
    assert provider.locator("option:checked").inner_text() == "Dr. Ada Quinn"
    kind = page.get_by_label("Appointment type")
    assert kind.locator("option:checked").inner_text() == "6-month check-up"
    assert page.get_by_label("Length (minutes)").input_value() == "20"
    day = today(practice.zone, now) + timedelta(days=5)
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Time").fill("09:30")
    page.get_by_role("button", name="Book appointment").click()
    page.get_by_text("Booked Maria Lopez with Dr. Ada Quinn").wait_for()

    page.goto(f"{live_app.url}/recalls/?show=booked")
    row = page.locator(f'tr[data-recall="{recall.id}"]')
    row.get_by_text("Booked", exact=True).wait_for()
    row.get_by_role("link", name="09:30 with Dr. Ada Quinn").wait_for()
    page.goto(f"{live_app.url}/recalls/")
    page.get_by_text("No recalls here.").wait_for()

    page.goto(f"{live_app.url}/")
    figures = page.locator("#recalls-due")
    assert figures.locator('[data-recalls="due"] .figure-value').inner_text() == "0"
    figures.get_by_role("link", name="Open the recall list").click()
    page.get_by_role("heading", name="Recalls").wait_for()

