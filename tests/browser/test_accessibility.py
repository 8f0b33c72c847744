"""An accessibility audit of every staff page of the demo, and a booking made by keyboard
alone.

axe-core (vendored under tests/browser/vendor/axe-core/, see its README) is run in each page
the app's own links reach, signed in as the demo's owner with its data present: the walk
starts at the dashboard and follows every link to this app, one page per kind (the same path
with other ids or dates is the same template). No page may have a serious or critical
violation (WCAG 2.x A and AA rules, and axe's best practices). axe is evaluated through the
DevTools protocol, so the page's Content-Security-Policy stays as strict as in production.
"""

import re
from collections import deque
from datetime import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from devtools import demo
from reminder_app.extensions import db
from reminder_app.models import Appointment
from reminder_app.models.types import utcnow
from reminder_app.timezones import local
from tests.browser.journey import sign_in
from tests.factories import DEFAULT_PASSWORD, make_patient, make_practice, make_provider

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
BLOCKING = ("serious", "critical")
#: Links that are not pages to audit: files, feeds, and what leaves the staff's pages.
NOT_PAGES = re.compile(r"\.(ics|csv|json|png|svg)$|^/static/|^/calendar/|^/api/")
#: Query arguments that change what a page shows (others, like the day, do not).
SHOWING = {"view", "moving"}
MOST_PAGES = 80


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


def kind_of(url: str) -> str:
    """One page per template and mode: ids become N, and only `SHOWING` arguments count."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+", "/N", parts.path.rstrip("/") or "/")
    shown = sorted((k, "N" if v.isdigit() else v) for k, v in parse_qsl(parts.query)
                   if k in SHOWING)
    return path + ("?" + "&".join(f"{k}={v}" for k, v in shown) if shown else "")


def audit(page) -> list[dict]:
    """axe's serious and critical violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    return page.evaluate("""async (blocking) => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.filter(v => blocking.includes(v.impact)).map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": " + n.failureSummary)}));
    }""", list(BLOCKING))


def links_on(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    return [href.split("#")[0] for href in hrefs if href.startswith(origin)]


def test_the_vendored_axe_is_the_pinned_version(live_app, page):
    page.goto(f"{live_app.url}/auth/login")
    page.evaluate(AXE.read_text())
    assert page.evaluate("() => axe.version") == AXE_VERSION


def test_every_staff_page_of_the_demo_passes_axe(live_app, sandbox, page):
    seed = demo.seed_demo()
    sign_in(page, live_app.url, seed.owner_email, seed.password)
    page.get_by_role("heading", name=seed.practice.name).wait_for()
    origin = live_app.url
    moving = db.session.scalars(db.select(Appointment.id).where(  # one of the owner's
        Appointment.practice_id == seed.practice.id,
        Appointment.starts_at > utcnow()).order_by(Appointment.starts_at)).first()
    queue = deque([f"{origin}/", f"{origin}/appointments/day?moving={moving}"])
    seen: dict[str, str] = {}
    problems = {}
    opened = 0
    while queue and len(seen) < MOST_PAGES:
        url = queue.popleft()
        path = url[len(origin):] or "/"
        kind = kind_of(path)
        if kind in seen or NOT_PAGES.search(urlsplit(path).path) or "logout" in path:
            continue
        response = page.goto(url)
        seen[kind] = path
        if response.status != 200 or "text/html" not in response.headers["content-type"]:
            continue
        assert "/auth/login" not in page.url, f"{path} signed the owner out"
        if violations := audit(page):
            problems[path] = violations
        details = page.locator(".day-marks-toggle")
        if details.count():  # the day's marks: their detail too, opened
            details.first.click()
            opened += 1
            if violations := audit(page):
                problems[f"{path} (a mark's detail open)"] = violations
        queue.extend(links_on(page, origin))
    print(f"axe audited {len(seen)} kinds of page:", *sorted(seen), sep="\n  ")
    assert len(seen) >= 20, f"the walk reached only {sorted(seen)}"
    assert opened >= 2, "no day view with a mark to open was audited"
    assert {"/", "/appointments/day", "/appointments/day?view=list",
            "/appointments/day?moving=N", "/appointments/week", "/patients",
            "/conversations", "/waitlist", "/appointments/providers", "/reminders/rules",
            "/appointments/import", "/settings/practice", "/appointments/new",
            "/appointments/N"} <= set(seen), "\n".join(sorted(seen))
    assert not problems, "\n".join(
        f"{path}: {v['impact']} {v['id']} ({v['help']})\n    " + "\n    ".join(v["nodes"])
        for path, violations in problems.items() for v in violations)


def focus_by_tab(page, target, most: int = 80) -> None:
    """Press Tab until `target` (a locator: by role and name, or by label) has the focus."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def test_an_appointment_is_booked_with_the_keyboard_alone(live_app, page):
    practice = make_practice("Riverside Family Practice", owner_email="dana@example.com").practice
    make_patient(practice, first_name="Ana", last_name="Reyes", mobile="+12015550123")
    make_provider(practice, "Dr. Amelia Reyes")
    page.goto(f"{live_app.url}/auth/login")
    focus_by_tab(page, page.get_by_label("E-mail"))
    page.keyboard.type("dana@example.com")
    focus_by_tab(page, page.get_by_label("Password"))
    page.keyboard.type(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Riverside Family Practice").wait_for()

    focus_by_tab(page, page.get_by_role("link", name="Today", exact=True).first)
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Next day →").wait_for()
    focus_by_tab(page, page.get_by_role("link", name="Next day →"))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=re.compile("Today")).wait_for(state="detached")
    focus_by_tab(page, page.get_by_role("link", name="Skip to the page's content"), most=1)
    page.keyboard.press("Enter")  # past the navigation
    focus_by_tab(page, page.get_by_role("link", name="Book Dr. Amelia Reyes at 09:00",
                                        exact=True), most=30)
    page.keyboard.press("Enter")

    page.get_by_role("heading", name="Book an appointment").wait_for()
    focus_by_tab(page, page.get_by_role("combobox", name="Patient"))
    page.keyboard.type("reyes")
    page.get_by_role("option", name=re.compile("Reyes, Ana")).wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    # the provider, the day and the time came with the free time
    focus_by_tab(page, page.get_by_label("Time"))
    assert page.evaluate("document.activeElement.value") == "09:00"
    focus_by_tab(page, page.get_by_label("Length (minutes)"))
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("20")
    focus_by_tab(page, page.get_by_label("Reason"))
    page.keyboard.type("Flu shot")
    page.keyboard.press("Enter")
    page.get_by_text("Booked Ana Reyes with Dr. Amelia Reyes").wait_for()

    db.session.expire_all()
    booked = db.session.scalars(db.select(Appointment)).one()
    assert (booked.duration_minutes, booked.reason) == (20, "Flu shot")
    assert booked.provider.name == "Dr. Amelia Reyes"
    assert local(booked.starts_at, practice.zone).time() == time(9, 0)
