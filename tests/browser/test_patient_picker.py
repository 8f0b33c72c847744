"""The patient picker in a real browser: keyboard only, and among 5,000 patients."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import Appointment, Patient, WaitlistEntry
from tests.browser.journey import choose_patient, sign_in_as_owner
from tests.factories import (
    make_many_patients,
    make_patient,
    make_practice,
    make_provider,
)

pytestmark = pytest.mark.browser


def tab_to(page, element_id: str) -> None:
    """Press Tab until the field has the focus (a date or time box takes a Tab per part)."""
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_booking_with_the_picker_by_keyboard_alone(live_app, page):
    practice = make_practice("Riverside Family Practice", owner_email="dana@example.com").practice
    make_patient(practice, first_name="Ana", last_name="Reyes", mobile="+12015550123")
    ana_maria = make_patient(practice, first_name="Ana María", last_name="Reyes",
                             mobile="+12015550124")
    make_provider(practice, "Dr. Amelia Reyes")
    day = datetime.now(UTC).astimezone(practice.zone).date() + timedelta(days=1)
    sign_in_as_owner(page, live_app.url)
    page.goto(f"{live_app.url}/appointments/new?date={day.isoformat()}")

    box = page.get_by_role("combobox", name="Patient")
    box.focus()
    page.keyboard.type("reyes")
    listbox = page.get_by_role("listbox", name="Matching patients")
    listbox.get_by_role("option").nth(1).wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    second = listbox.get_by_role("option").nth(1)
    assert box.get_attribute("aria-activedescendant") == second.get_attribute("id")
    assert second.get_attribute("aria-selected") == "true"
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false" and not listbox.is_visible()
    page.keyboard.press("ArrowDown")  # opens the list again, nothing chosen yet
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # chooses: does not post the form
    assert box.input_value() == "Reyes, Ana María"
    assert "/appointments/new" in page.url

    page.keyboard.press("Tab")  # the provider: the only one is already chosen
    assert page.evaluate("document.activeElement.id") == "provider"
    tab_to(page, "time")  # past the date, prefilled from the day view's link
    page.keyboard.type("1030A")
    tab_to(page, "submit")
    page.keyboard.press("Enter")
    page.get_by_text("Booked Ana María Reyes with Dr. Amelia Reyes").wait_for()

    db.session.expire_all()
    appointment = db.session.scalars(select(Appointment)).one()
    assert appointment.patient_id == ana_maria.id


def test_a_name_typed_but_not_chosen_is_not_posted(live_app, page):
    practice = make_practice("Riverside Family Practice", owner_email="dana@example.com").practice
    make_patient(practice, first_name="Ana", last_name="Reyes")
    make_provider(practice, "Dr. Amelia Reyes")
    sign_in_as_owner(page, live_app.url)
    day = datetime.now(UTC).astimezone(practice.zone).date() + timedelta(days=1)
    page.goto(f"{live_app.url}/appointments/new?date={day.isoformat()}")
    page.get_by_role("combobox", name="Patient").fill("Reyes")
    page.get_by_label("Time").fill("10:00")
    page.get_by_role("button", name="Book appointment").click()
    page.get_by_text("Please choose a patient.").wait_for()
    assert db.session.scalar(select(Appointment)) is None


def test_the_right_patient_among_five_thousand(live_app, page):
    owner = make_practice("Riverside Family Practice", owner_email="dana@example.com")
    practice = owner.practice
    make_many_patients(practice, 5_000)
    make_provider(practice, "Dr. Amelia Reyes")
    wanted = db.session.scalar(select(Patient).where(Patient.first_name == "Sam3141"))
    sign_in_as_owner(page, live_app.url)
    page.goto(f"{live_app.url}/waitlist/new")

    born = wanted.date_of_birth
    choose_patient(page, f"{born.month:02d}/{born.day:02d}/{born.year}", "Lee, Sam3141")
    chosen = page.locator("[data-picker-chosen]").inner_text()
    assert "+1 201-200-3141" in chosen
    page.get_by_label("Dr. Amelia Reyes").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Sam3141 Lee is on the waitlist.").wait_for()
    db.session.expire_all()
    assert db.session.scalars(select(WaitlistEntry.patient_id)).all() == [wanted.id]

    page.goto(f"{live_app.url}/waitlist/new")
    box = page.get_by_role("combobox", name="Patient")
    box.fill("2003141")  # digits of the mobile
    option = page.get_by_role("listbox").get_by_role("option")
    option.first.wait_for()
    assert option.count() == 1 and "Lee, Sam3141" in option.first.inner_text()
    box.fill("lee")
    option.nth(10).wait_for()  # a page, and "More patients…"
    assert option.nth(10).inner_text() == "More patients…"
    for _ in range(11):
        box.press("ArrowDown")
    box.press("Enter")  # loads the next page
    option.nth(20).wait_for()
    assert option.nth(10).locator(".patient-picker-name").inner_text() == "Lee, Sam0010"


def test_a_text_from_an_unknown_number_is_attached_with_the_picker(client, live_app, page):
    from tests.factories import make_clickatell_account
    from tests.inbound.conftest import Texts

    practice = make_practice("Riverside Family Practice", owner_email="dana@example.com").practice
    maria = make_patient(practice, first_name="Maria", last_name="Lopez", mobile="+12015550123")
    make_patient(practice, first_name="Mario", last_name="Lopez", mobile="+12015550124")
    account = make_clickatell_account(practice, long_number="+12015550199")
    Texts(client, account).send("This is Maria's husband", sender="+12015559876")
    sign_in_as_owner(page, live_app.url)
    page.goto(f"{live_app.url}/conversations/unmatched")

    choose_patient(page, "lopez", "Lopez, Maria",
                   label="Patient for the text from +1 201-555-9876")
    page.get_by_role("button", name="Attach").click()
    page.get_by_text("The text is now in Maria Lopez's conversation.").wait_for()
    assert f"/conversations/{maria.id}" in page.url
