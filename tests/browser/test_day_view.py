"""The day view in columns, as the front desk works from it: book from a free time in one
click, move by choosing a new free time, cancel (the time shows free again, with what the
waitlist does with it), and see a patient's reply arrive as a mark whose detail opens on
hover and on keyboard focus."""

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from reminder_app.appointments import service, visits
from reminder_app.extensions import db
from reminder_app.models import Appointment, AppointmentStatus, Reminder, ReminderStatus
from reminder_app.reminders.passes import run_pass
from reminder_app.timezones import to_utc
from reminder_app.transactions import unit_of_work
from tests.browser.journey import choose_patient, practice_on_sandbox, sign_in_as_owner
from tests.factories import (
    STAFF,
    make_patient,
    make_practice,
    make_provider,
)
from tests.inbound.conftest import refreshed, wait_until

pytestmark = pytest.mark.browser

PHONE = "12015550123"


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


def day_after_tomorrow(practice):
    return datetime.now(UTC).astimezone(practice.zone).date() + timedelta(days=2)


def block(page, appointment_id: int):
    return page.locator(f'#day-columns li[data-appointment="{appointment_id}"]')


def only_appointment() -> Appointment:
    db.session.expire_all()
    return db.session.scalars(select(Appointment)).one()


def test_book_move_and_cancel_from_the_columns(live_app, page):
    practice = make_practice("Riverside Family Practice", owner_email="dana@example.com").practice
    make_patient(practice, first_name="Ana", last_name="Reyes", mobile="+12015550123")
    make_provider(practice, "Dr. Amelia Reyes")
    make_provider(practice, "Dr. Ben Okafor")
    day = day_after_tomorrow(practice)
    sign_in_as_owner(page, live_app.url)
    page.goto(f"{live_app.url}/appointments/day?date={day.isoformat()}")
    columns = page.locator("#day-columns h2.day-column-head")
    assert columns.all_inner_texts() == ["Dr. Amelia Reyes", "Dr. Ben Okafor"]

    # one click on a free time: the form comes with the provider, the day and the time
    page.get_by_role("link", name="Book Dr. Ben Okafor at 10:00").click()
    assert page.get_by_label("Provider").locator("option:checked").inner_text() == "Dr. Ben Okafor"
    assert page.get_by_label("Date").input_value() == day.isoformat()
    assert page.get_by_label("Time").input_value() == "10:00"
    choose_patient(page, "reyes", "Reyes, Ana")
    page.get_by_label("Length (minutes)").fill("30")
    page.get_by_role("button", name="Book appointment").click()
    page.get_by_text("Booked Ana Reyes with Dr. Ben Okafor").wait_for()
    appointment = only_appointment()
    booked = block(page, appointment.id)
    assert booked.locator(".day-block-link").inner_text() == "10:00 Ana Reyes"
    okafor = page.locator("#day-columns .day-column", has_text="Dr. Ben Okafor")
    assert okafor.locator(f'li[data-appointment="{appointment.id}"]').count() == 1
    # its half hour is no longer offered; the quarter after it is
    assert page.get_by_role("link", name="Book Dr. Ben Okafor at 10:15").count() == 0
    assert page.get_by_role("link", name="Book Dr. Ben Okafor at 10:30").count() == 1
    half_hour = booked.bounding_box()["height"]
    quarter = page.get_by_role("link", name="Book Dr. Ben Okafor at 10:30").bounding_box()
    assert half_hour > 1.8 * quarter["height"]  # drawn as long as it lasts

    # move: from the appointment's page, choose a free time (another provider's, here)
    booked.locator(".day-block-link").click()
    page.get_by_role("link", name="Move to a free time").click()
    page.get_by_text("Moving Ana Reyes").wait_for()
    # its own time is offered too (a quarter hour later), over its block
    later = page.get_by_role("button", name="Move here to 10:15 with Dr. Ben Okafor")
    later.hover()  # fails if the block were drawn above it
    assert later.is_visible()
    page.get_by_role("button", name="Move here to 11:30 with Dr. Amelia Reyes").click()
    page.get_by_text(re.compile(r"Moved Ana Reyes to .* at 11:30")).wait_for()
    db.session.expire_all()
    moved = only_appointment()
    assert moved.provider.name == "Dr. Amelia Reyes"
    assert moved.starts_at == to_utc(day, time(11, 30), practice.zone)
    reyes = page.locator("#day-columns .day-column", has_text="Dr. Amelia Reyes")
    assert "11:30 Ana Reyes" in reyes.locator(f'li[data-appointment="{moved.id}"]').inner_text()
    assert page.get_by_role("link", name="Book Dr. Ben Okafor at 10:00").count() == 1

    # cancel: the time shows free again, bookable, with the waitlist's state
    block(page, moved.id).locator(".day-block-link").click()
    page.get_by_role("link", name="Cancel appointment").click()
    page.get_by_label("The patient asked to cancel").check()
    page.get_by_role("button", name="Cancel appointment").click()
    page.get_by_text("Cancelled Ana Reyes's appointment at 11:30.").wait_for()
    freed = block(page, moved.id)
    assert "day-freed" in freed.get_attribute("class")
    freed.get_by_text("Slot free").wait_for()
    freed.get_by_role("link", name="Book Dr. Amelia Reyes at 11:30").wait_for()
    assert only_appointment().status is AppointmentStatus.CANCELLED_BY_PATIENT


def test_a_reply_arrives_as_a_mark_whose_detail_opens_on_focus_and_hover(live_app, sandbox,
                                                                         page):
    practice = practice_on_sandbox(sandbox, live_app)
    patient = make_patient(practice, first_name="Maria", last_name="Lopez", mobile=f"+{PHONE}")
    day = day_after_tomorrow(practice)
    appointment = service.book(practice, patient=patient, provider=make_provider(practice),
                               starts_at=to_utc(day, time(14), practice.zone), actor=STAFF)
    db.session.commit()
    sign_in_as_owner(page, live_app.url)
    page.goto(f"{live_app.url}/appointments/day?date={day.isoformat()}")
    marks = block(page, appointment.id).locator(".day-marks-toggle")
    assert "Booked" in marks.get_attribute("aria-label")
    assert "replied" not in marks.get_attribute("aria-label")

    # The first reminder still to come (after 14:00 in New York, the 48-hour one's time
    # has passed at booking: it is skipped, and only the 2-hour one is left).
    first_due = min(db.session.scalars(select(Reminder.send_at).where(
        Reminder.status == ReminderStatus.PENDING)))
    run_pass(now=first_due + timedelta(minutes=1))
    page.goto(f"{sandbox.url}/sandbox/phones/{PHONE}")
    page.get_by_text("Reply C to confirm").wait_for()
    page.get_by_label("Message").fill("C")
    page.get_by_role("button", name="Send").click()
    wait_until(lambda: refreshed(appointment).status is AppointmentStatus.CONFIRMED)

    page.goto(f"{live_app.url}/appointments/day?date={day.isoformat()}")
    label = marks.get_attribute("aria-label")
    assert label.startswith("Maria Lopez: Confirmed") and label.endswith("replied"), label
    assert "status-confirmed" in block(page, appointment.id).get_attribute("class")
    detail = page.locator(f"#{marks.get_attribute('aria-controls')}")
    assert not detail.is_visible()
    marks.focus()  # by keyboard: the detail shows while the mark has focus
    detail.get_by_text("“C”").wait_for()
    assert detail.get_by_text("Confirmed", exact=True).is_visible()
    page.keyboard.press("Escape")
    detail.wait_for(state="hidden")
    page.keyboard.press("Enter")  # pressed: it stays open
    assert marks.get_attribute("aria-expanded") == "true" and detail.is_visible()
    page.keyboard.press("Enter")
    page.locator("h1").click()
    detail.wait_for(state="hidden")
    marks.hover()  # and with the pointer
    detail.get_by_text("“C”").wait_for()


def test_a_visit_at_a_site_on_another_clock_shows_and_moves_on_that_clock(live_app, page):
    """Rows run on the practice's (New York) clock; a Denver visit reads as Denver's time,
    and a free time it is moved to means the same instant on Denver's clock."""
    denver_zone = ZoneInfo("America/Denver")
    practice = make_practice("Riverside Family Practice", owner_email="dana@example.com").practice
    patient = make_patient(practice, first_name="Ana", last_name="Reyes", mobile="+12015550123")
    provider = make_provider(practice, "Dr. Amelia Reyes")
    day = day_after_tomorrow(practice)
    with unit_of_work():
        denver = visits.add_location(practice, name="Denver", timezone="America/Denver")
        appointment = service.book(practice, patient=patient, provider=provider,
                                   starts_at=to_utc(day, time(9), denver_zone), location=denver,
                                   actor=STAFF)
    zone_name = to_utc(day, time(9), denver_zone).astimezone(denver_zone).tzname()
    sign_in_as_owner(page, live_app.url)
    page.goto(f"{live_app.url}/appointments/day?date={day.isoformat()}")
    assert block(page, appointment.id).locator(".day-block-link").inner_text() == (
        f"09:00 {zone_name} Ana Reyes")

    page.goto(f"{live_app.url}/appointments/day?date={day.isoformat()}&moving={appointment.id}")
    page.get_by_role("button", name=f"Move here to 11:00 {zone_name} with Dr. Amelia Reyes").click()
    page.get_by_text(re.compile(rf"Moved Ana Reyes to .* at 11:00 {zone_name}")).wait_for()
    assert only_appointment().starts_at == to_utc(day, time(11), denver_zone)
