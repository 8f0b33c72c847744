"""Steps a person takes in the browser, shared by the journey tests: signing up with the
captcha read off the sandbox, signing in, adding a patient and booking, a patient's reply
on the sandbox's phone page, and a dispatch pass at the minute a reminder is due."""

from datetime import UTC, date, datetime, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import Appointment, ClickatellAccount, Reminder, ReminderStatus
from reminder_app.reminders.passes import run_pass
from tests.factories import DEFAULT_PASSWORD, make_clickatell_account, make_practice
from tests.inbound.conftest import link_to_sandbox

OWNER = {
    "Practice name": "Riverside Family Practice",
    "Address": "12 River Road, Hoboken, NJ",
    "Practice phone": "(201) 555-0100",
    "Your first name": "Dana",
    "Your surname": "Rivers",
    "Your e-mail": "dana@example.com",
    "Your mobile number": "(201) 555-0142",
    "Username": "riverside",
    "Password": "Secret123",
    "Repeat the password": "Secret123",
}
OWNER_MOBILE = "12015550142"


def fill_sign_up(page, app_url: str, sandbox, **overrides) -> None:
    """Fill the sign-up form as a person would, the captcha's code read off the sandbox."""
    page.goto(f"{app_url}/signup")
    for label, value in {**OWNER, **overrides}.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("I accept Clickatell's terms and conditions").check()
    code = sandbox.captcha_code(page.locator("#captcha_id").input_value())
    page.get_by_label("Type the characters in the picture").fill(code)
    page.get_by_role("button", name="Create my practice account").click()


def sign_in(page, app_url: str, email: str, password: str) -> None:
    page.goto(f"{app_url}/auth/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def practice_on_sandbox(sandbox, live_app):
    """Dana's practice, made by the factories, its account twinned in the sandbox so the
    sandbox's phones and the live app text each other."""
    practice = make_practice("Riverside Family Practice", owner_email="dana@example.com").practice
    link_to_sandbox(make_clickatell_account(practice, long_number="+12015550199"), sandbox,
                    live_app)
    return practice


def sign_in_as_owner(page, app_url: str) -> None:
    """Dana, the owner the factories make, with their default password."""
    sign_in(page, app_url, "dana@example.com", DEFAULT_PASSWORD)


def day_list(page, app_url: str, day) -> None:
    """The day view as a list: one row per appointment, `tr[data-appointment]`."""
    page.goto(f"{app_url}/appointments/day?date={day.isoformat()}&view=list")


def open_menu(page, button) -> None:
    """Click a Bootstrap toggle (a dropdown or the collapsed bar) until it says it is open.

    On a loaded machine a click can land before Bootstrap's script listens, or while the page
    still moves, and be missed; clicking once more then opens it (a second click on an open
    toggle is never made).
    """
    page.wait_for_load_state("load")
    for _ in range(3):
        if button.get_attribute("aria-expanded") != "true":
            button.click()
        try:
            expect(button).to_have_attribute("aria-expanded", "true", timeout=3000)
            return
        except AssertionError:
            continue
    expect(button).to_have_attribute("aria-expanded", "true")


def sign_out(page) -> None:
    """From the user's menu in the navigation bar."""
    open_menu(page, page.locator("#user-menu"))
    page.locator("#user-menu + .dropdown-menu").get_by_role("button", name="Sign out").click()


def add_patient(page, app_url: str, first: str, last: str, mobile: str) -> None:
    page.goto(f"{app_url}/patients/")
    page.get_by_role("link", name="Add patient").click()
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Mobile number").fill(mobile)
    page.get_by_label("The patient agrees to receive appointment reminders by SMS").check()
    page.get_by_role("button", name="Save patient").click()
    page.get_by_text(f"{first} {last} was added.").wait_for()


def add_provider(page, app_url: str, name: str) -> None:
    page.goto(f"{app_url}/appointments/providers")
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Add provider").click()
    page.get_by_text(name).first.wait_for()


def choose_patient(page, typed: str, name: str, label: str = "Patient") -> None:
    """Choose a patient with the picker, keyboard only: type, arrow down to them, Enter."""
    box = page.get_by_role("combobox", name=label)
    # Typed before the picker's script has set up, the keystrokes would go unheard.
    box.locator("xpath=ancestor::*[@data-picker-ready]").first.wait_for(state="attached")
    box.fill(typed)
    box.locator("xpath=..").get_by_role("option", name=name).first.wait_for()
    for _ in range(20):
        box.press("ArrowDown")
        active = page.locator(f"#{box.get_attribute('aria-activedescendant')}")
        if active.locator(".patient-picker-name").inner_text() == name:
            break
    box.press("Enter")
    assert box.input_value() == name


def book(page, app_url: str, *, patient: tuple[str, str], provider: str, day, at: str) -> None:
    """Book with the form; `patient` is (what to type, the name to choose)."""
    page.goto(f"{app_url}/appointments/day?date={day.isoformat()}")
    page.get_by_role("link", name="Book appointment").click()
    choose_patient(page, *patient)
    page.get_by_label("Provider").select_option(label=provider)
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Time").fill(at)
    page.get_by_role("button", name="Book appointment").click()
    page.get_by_text("Booked ").first.wait_for()


def tomorrow(zone) -> date:
    return datetime.now(UTC).astimezone(zone).date() + timedelta(days=1)


def only_appointment() -> Appointment:
    db.session.expire_all()
    return db.session.scalars(select(Appointment)).one()


def only_practice_account() -> ClickatellAccount:
    db.session.expire_all()
    return db.session.scalars(select(ClickatellAccount)).one()


def book_ana_tomorrow(page, app_url: str, mobile: str) -> tuple[date, Appointment]:
    """The journeys' first booking, all from the staff app: Dr. Amelia Reyes, Ana Reyes
    (consenting, on `mobile`), and Ana's appointment tomorrow at 10:00. Returns the day
    (in the practice's zone) and the appointment."""
    add_provider(page, app_url, "Dr. Amelia Reyes")
    add_patient(page, app_url, "Ana", "Reyes", f"+{mobile}")
    day = tomorrow(only_practice_account().practice.zone)
    book(page, app_url, patient=("ana re", "Reyes, Ana"), provider="Dr. Amelia Reyes",
         day=day, at="10:00")
    return day, only_appointment()


def send_due_reminder(appointment: Appointment):
    """One dispatch pass at the minute the appointment's first pending reminder is due."""
    db.session.expire_all()
    due = db.session.scalar(select(Reminder.send_at).where(
        Reminder.appointment_id == appointment.id, Reminder.status == ReminderStatus.PENDING
    ).order_by(Reminder.send_at).limit(1))
    assert due is not None, "the booking planned no reminder"
    return run_pass(now=due + timedelta(seconds=30))


def reply_from_phone(page, sandbox_url: str, msisdn: str, text: str,
                     expect: str = "Reply C to confirm") -> None:
    """On the sandbox's page for the phone: wait for the reminder, then text back."""
    page.goto(f"{sandbox_url}/sandbox/phones/{msisdn}")
    page.get_by_text(expect).first.wait_for()
    page.get_by_label("Message").fill(text)
    page.get_by_role("button", name="Send").click()
