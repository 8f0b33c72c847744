"""Patients' other answers, typed on the sandbox's phone page: X cancels and the slot shows
free on the day view; after STOP, a reminder that falls due sends nothing."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.models import AppointmentStatus, Reminder, ReminderStatus
from reminder_app.reminders.passes import run_pass
from reminder_app.reminders.policy import OPTED_OUT
from reminder_app.timezones import to_utc
from tests.browser.journey import day_list, reply_from_phone, send_due_reminder, sign_in_as_owner
from tests.factories import (
    STAFF,
    make_patient,
    make_provider,
    make_ready_practice,
)
from tests.inbound.conftest import refreshed, wait_until

pytestmark = pytest.mark.browser

PHONE = "12015550123"


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


@pytest.fixture
def practice(live_app, sandbox):
    return make_ready_practice(sandbox, "Riverside Family Practice",
                               owner_email="dana@example.com").practice


def sent_to_phone(sandbox) -> list[str]:
    """Clickatell's ids of the texts the phone has received."""
    return [m["apiMsgId"] for m in sandbox.messages(to=PHONE) if m["direction"] == "mt"]


def book_in(practice, days: int, at: time = time(10, 0)):
    """A local day `days` ahead, and the UTC instant of `at` on it."""
    day = datetime.now(UTC).astimezone(practice.zone).date() + timedelta(days=days)
    return day, to_utc(day, at, practice.zone)


def test_x_on_the_phone_cancels_and_the_day_view_shows_the_slot_free(
        live_app, sandbox, page, practice):
    patient = make_patient(practice, first_name="Ana", last_name="Reyes", mobile=f"+{PHONE}")
    day, starts_at = book_in(practice, 1)
    appointment = service.book(practice, patient=patient, provider=make_provider(practice),
                               starts_at=starts_at, actor=STAFF)
    assert send_due_reminder(appointment).outbox.sent == 1

    reply_from_phone(page, sandbox.url, PHONE, "X")
    wait_until(lambda: refreshed(appointment).status is AppointmentStatus.CANCELLED_BY_PATIENT)

    sign_in_as_owner(page, live_app.url)
    day_list(page, live_app.url, day)
    row = page.locator(f'tr[data-appointment="{appointment.id}"]')
    row.get_by_text("Cancelled by patient").wait_for()
    row.get_by_text("Slot free").wait_for()
    row.get_by_text("“X”").wait_for()
    assert row.get_by_role("link", name="Cancel Ana Reyes").count() == 0


def test_after_stop_a_reminder_that_falls_due_sends_nothing(live_app, sandbox, page, practice):
    patient = make_patient(practice, first_name="Ana", last_name="Reyes", mobile=f"+{PHONE}")
    provider = make_provider(practice)
    _, soon = book_in(practice, 1)
    day, later = book_in(practice, 4)
    first = service.book(practice, patient=patient, provider=provider, starts_at=soon, actor=STAFF)
    second = service.book(practice, patient=patient, provider=provider, starts_at=later,
                          actor=STAFF)
    second_due = min(db.session.scalars(select(Reminder.send_at).where(
        Reminder.appointment_id == second.id)))
    assert send_due_reminder(first).outbox.sent == 1

    reply_from_phone(page, sandbox.url, PHONE, "STOP", expect="to confirm")  # "C1": two visits
    wait_until(lambda: refreshed(patient).opted_out_at is not None)
    run_pass()  # the one confirmation of the opt-out leaves
    texts_before = sent_to_phone(sandbox)

    result = run_pass(now=second_due + timedelta(minutes=1))
    assert result.outbox.sent == 0, result.summary()
    assert sent_to_phone(sandbox) == texts_before
    db.session.expire_all()
    assert {r.status for r in db.session.scalars(select(Reminder).where(
        Reminder.appointment_id == second.id))} == {ReminderStatus.SKIPPED}

    page.reload()
    assert page.locator(".chat li").count() == len(texts_before) + 1  # and the STOP itself
    sign_in_as_owner(page, live_app.url)
    day_list(page, live_app.url, day)
    row = page.locator(f'tr[data-appointment="{second.id}"]')
    row.get_by_text(OPTED_OUT).first.wait_for()
