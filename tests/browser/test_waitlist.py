"""A cancelled slot refilled from the waitlist, end to end: the patient cancels on the
sandbox's phone page, the waitlisted patient's phone shows the offer, they take it, and the
day view shows the slot refilled."""

from datetime import UTC, datetime, time, timedelta

import pytest

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.models import AppointmentStatus, FreedSlot, SlotStatus
from reminder_app.reminders.passes import run_pass
from reminder_app.waitlist import service as waitlist
from reminder_app.waitlist.service import Availability
from tests.browser.journey import day_list, reply_from_phone, send_due_reminder, sign_in_as_owner
from tests.factories import (
    STAFF,
    make_clickatell_account,
    make_patient,
    make_practice,
    make_provider,
)
from tests.inbound.conftest import link_to_sandbox, refreshed, wait_until

pytestmark = pytest.mark.browser

CANCELLING, WAITING = "12015550123", "12015550177"


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


def test_a_slot_cancelled_by_sms_is_offered_taken_and_shown_refilled(live_app, sandbox, page):
    practice = make_practice("Riverside Family Practice", owner_email="dana@example.com").practice
    practice.quiet_start = practice.quiet_end = time(0)  # the test may run at night
    account = make_clickatell_account(practice, long_number="+12015550199")
    link_to_sandbox(account, sandbox, live_app)
    provider = make_provider(practice, "Dr. Ada Quinn")
    maria = make_patient(practice, first_name="Maria", last_name="Lopez", mobile=f"+{CANCELLING}")
    nina = make_patient(practice, first_name="Nina", last_name="Park", mobile=f"+{WAITING}")
    waitlist.add(practice, nina, Availability(
        providers=[provider], weekdays=0b1111111, earliest_time=time(7),
        latest_time=time(20), notice_minutes=60))
    starts_at = (datetime.now(practice.zone) + timedelta(days=3)).replace(
        hour=14, minute=0, second=0, microsecond=0)
    appointment = service.book(practice, patient=maria, provider=provider,
                               starts_at=starts_at.astimezone(UTC), actor=STAFF)
    send_due_reminder(appointment)

    reply_from_phone(page, sandbox.url, CANCELLING, "X")
    wait_until(lambda: refreshed(appointment).status is AppointmentStatus.CANCELLED_BY_PATIENT)
    run_pass()  # the offer leaves now

    reply_from_phone(page, sandbox.url, WAITING, "YES", expect="sooner opening")
    slot = wait_until(lambda: db.session.query(FreedSlot).filter_by(
        status=SlotStatus.FILLED).one_or_none())
    run_pass()  # and the answer
    page.reload()
    page.get_by_text("it is yours").wait_for()

    sign_in_as_owner(page, live_app.url)
    day_list(page, live_app.url, starts_at.date())
    cancelled = page.locator(f'tr[data-appointment="{appointment.id}"]')
    cancelled.get_by_text("Refilled").wait_for()
    cancelled.get_by_text("taken by Nina Park").wait_for()
    refill = page.locator(f'tr[data-appointment="{slot.filled_appointment_id}"]')
    refill.get_by_role("link", name="Nina Park", exact=True).wait_for()
    refill.get_by_text("Confirmed", exact=True).wait_for()
    refill.get_by_text("From the waitlist").first.wait_for()
