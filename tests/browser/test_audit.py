from pathlib import Path

import pytest

from tests.browser.test_sign_in import sign_in_as_dana

pytestmark = pytest.mark.browser


def test_an_owner_reads_the_audit_trail(live_app, page):
    sign_in_as_dana(live_app, page)
    page.goto(f"{live_app.url}/settings/practice")
    page.get_by_label("Address").fill("12 River Road, Hoboken, NJ")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Audit trail").click()
    trail = page.locator("#audit-trail")
    trail.get_by_text("Changed the practice's details").wait_for()
    trail.get_by_text("Signed in").wait_for()
    page.get_by_label("Show").select_option("sign-in")
    page.get_by_role("button", name="Filter").click()
    trail.get_by_text("Signed in").wait_for()
    assert trail.get_by_text("Changed the practice's details").count() == 0


def test_an_owner_exports_the_lines_the_filter_shows(live_app, page):
    sign_in_as_dana(live_app, page)
    page.goto(f"{live_app.url}/settings/practice")
    page.get_by_label("Address").fill("12 River Road, Hoboken, NJ")
    page.get_by_role("button", name="Save").click()
    page.goto(f"{live_app.url}/settings/audit")
    page.get_by_label("Show").select_option("sign-in")
    page.get_by_role("button", name="Filter").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export these lines (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Signed in" in text and "Changed the practice" not in text
