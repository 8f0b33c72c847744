"""`make screenshots`: the README's pictures, taken from a freshly seeded demo.

It serves the Clickatell sandbox and the app on free local ports, each with a temporary
database, seeds the demo practice (`devtools.demo`) as `make run` does, signs in with
headless Chromium (the Playwright set-up of the browser tests: Debian's /usr/bin/chromium,
never a downloaded browser) and saves PNGs into docs/screenshots/.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clickatell_sandbox.testing import running_sandbox  # noqa: E402
from devtools import demo  # noqa: E402
from devtools.sandbox_api import SandboxAPI  # noqa: E402
from reminder_app import create_app  # noqa: E402
from reminder_app.extensions import db  # noqa: E402
from reminder_app.models import Appointment, AppointmentStatus  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 375, "height": 812}
#: The navigation bar at each width the front desk uses, from a phone to a wide monitor.
NAVIGATION_WIDTHS = (375, 768, 1280, 1920)
#: The demo patient whose phone and conversation are shown.
FREE_TEXT_PATIENT = "Priya Patel"
SIGN_UP = {
    "Practice name": "Hillside Pediatrics", "Address": "4 Hill Street, Montclair, NJ",
    "Practice phone": "(973) 555-0190", "Your first name": "Robin", "Your surname": "Hale",
    "Your e-mail": "robin@hillside.example", "Your mobile number": "(973) 555-0191",
    "Username": "hillside", "Password": "Hillside2026", "Repeat the password": "Hillside2026",
}


def serve_app(app) -> tuple[object, str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    return server, f"http://127.0.0.1:{server.server_port}"


def wait_for(predicate, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the demo did not settle in time")
        time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing (apt-get install chromium): no screenshots taken.")
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="screenshots-") as directory, running_sandbox(
            {"SANDBOX_DELIVERY_STEP_SECONDS": 0.05, "SANDBOX_TIME_SCALE": 0.001}) as sandbox:
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(directory) / 'reminder.db'}",
            "SECRET_KEY": "screenshots-only-secret-key-0123456789",
            "CLICKATELL_CONNECT_URL": f"{sandbox.url}/connect",
            "CLICKATELL_API_URL": sandbox.url,
            "CLICKATELL_PLATFORM_URL": sandbox.url,
        })
        server, url = serve_app(app)
        app.config["PUBLIC_BASE_URL"] = url
        with app.app_context():
            db.create_all()
            seed = demo.seed_demo()
        # Serve only now, as `make run` does: the sandbox's pushes that found no app retry.
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            shoot(app, url, sandbox, seed, args.out)
        finally:
            server.shutdown()
            thread.join(5)
            with app.app_context():
                db.engine.dispose()
    for png in sorted(args.out.glob("*.png")):
        print(f"saved {png}")
    return 0


def delivered(sandbox_url: str) -> bool:
    """The sandbox's pushes that found no app (it was not serving yet) have been retried:
    the latest attempt of each was answered 2xx."""
    latest = {}
    for push in SandboxAPI(sandbox_url, timeout=5).pushes():
        latest[push["job"]] = push
    return all(push["status_code"] and push["status_code"] < 300 for push in latest.values())


def shoot(app, url: str, sandbox, seed, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    wait_for(lambda: delivered(sandbox.url), timeout=30)
    with app.app_context():
        free_text = db.session.scalar(db.select(Appointment).where(
            Appointment.last_reply_text.like("Running%"),
            Appointment.status == AppointmentStatus.BOOKED))
        patient_id, mobile = free_text.patient_id, free_text.patient.mobile
        free_text_day = free_text.starts_at.astimezone(seed.practice.zone).date()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        context = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
        page = context.new_page()
        page.goto(f"{url}/auth/login")
        page.get_by_label("E-mail").fill(seed.owner_email)
        page.get_by_label("Password").fill(seed.password)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name=seed.practice.name).wait_for()
        page.screenshot(path=str(out / "dashboard.png"), full_page=True)
        for name, size in (("tablet", TABLET), ("phone", PHONE)):
            page.set_viewport_size(size)
            page.screenshot(path=str(out / f"dashboard-{name}.png"), full_page=True)
        shoot_navigation(page, out)
        page.set_viewport_size(DESKTOP)
        shoot_patient_picker(page, url, out)
        shoot_day(page, url, free_text_day, free_text.id, out)
        page.goto(f"{url}/waitlist/")
        page.screenshot(path=str(out / "waitlist.png"), full_page=True)
        page.goto(f"{url}/conversations/{patient_id}")
        page.screenshot(path=str(out / "conversation.png"), full_page=True)
        page.goto(f"{sandbox.url}/sandbox/phones/{mobile.removeprefix('+')}")
        page.screenshot(path=str(out / "sandbox-phone.png"), full_page=True)
        context.close()

        # A new practice signing up: the form, then its checklist half-way.
        context = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
        page = context.new_page()
        page.goto(f"{url}/signup")
        for label, value in SIGN_UP.items():
            page.get_by_label(label, exact=True).fill(value)
        page.get_by_label("I accept Clickatell's terms and conditions").check()
        captcha_id = page.locator("#captcha_id").input_value()
        code = SandboxAPI(sandbox.url, timeout=5).captcha_code(captcha_id)
        page.get_by_label("Type the characters in the picture").fill(code)
        page.screenshot(path=str(out / "signup.png"), full_page=True)
        page.get_by_role("button", name="Create my practice account").click()
        page.locator("#step-email").wait_for()
        activation = SandboxAPI(sandbox.url, timeout=5).emails(SIGN_UP["Your e-mail"])[-1]
        page.goto(activation["activation_url"])
        page.locator("#step-mobile").wait_for()
        page.screenshot(path=str(out / "onboarding-checklist.png"), full_page=True)
        context.close()
        browser.close()
    print(f"demo seeded at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


def shoot_navigation(page, out: Path) -> None:
    """The bar on one line on monitors; on a phone and a tablet, collapsed and then opened
    with the user's menu showing."""
    for width in NAVIGATION_WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        toggle = page.get_by_role("button", name="Toggle navigation")
        if toggle.is_visible():
            toggle.click()
            page.locator("#main-nav.show").wait_for()
        page.locator("#user-menu").click()
        menu = page.locator("#user-menu + .dropdown-menu")
        menu.wait_for()
        bottom = max(box["y"] + box["height"] for box in (
            page.locator("nav.navbar").bounding_box(), menu.bounding_box()))
        page.screenshot(path=str(out / f"navigation-{width}.png"),
                        clip={"x": 0, "y": 0, "width": width, "height": bottom + 16})
        page.keyboard.press("Escape")


def shoot_day(page, url: str, day, appointment_id: int, out: Path) -> None:
    """The day in columns, one appointment's marks pressed open (its reminders and the
    patient's free-text reply); then the same day as the printable list."""
    page.goto(f"{url}/appointments/day?date={day.isoformat()}")
    marks = page.locator(f'li[data-appointment="{appointment_id}"] .day-marks-toggle')
    marks.click()
    page.locator(f"#marks-{appointment_id}").wait_for()
    page.mouse.move(0, 0)
    page.screenshot(path=str(out / "day-view.png"), full_page=True)
    page.goto(f"{url}/appointments/day?date={day.isoformat()}&view=list")
    page.screenshot(path=str(out / "day-view-list.png"), full_page=True)


def shoot_patient_picker(page, url: str, out: Path) -> None:
    """Booking: the picker opened by ArrowDown (the first page of patients), one active."""
    page.goto(f"{url}/appointments/new")
    box = page.get_by_role("combobox", name="Patient")
    box.press("ArrowDown")
    page.get_by_role("listbox").get_by_role("option").nth(1).wait_for()
    box.press("ArrowDown")
    box.press("ArrowDown")
    page.screenshot(path=str(out / "patient-picker.png"), clip={
        "x": 0, "y": 0, "width": DESKTOP["width"], "height": 560})


if __name__ == "__main__":
    sys.exit(main())
