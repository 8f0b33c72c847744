"""A practice with a two-way number and a patient who texts it (tests/inbound's world), and
the browser steps the trail and export tests share."""

from tests.conftest import new_browser
from tests.factories import DEFAULT_PASSWORD, make_staff
from tests.inbound.conftest import account, patient, practice, texts  # noqa: F401


def signed_in(app, email="dana@example.com"):
    browser = new_browser(app)
    browser.post("/auth/login", data={"email": email, "password": DEFAULT_PASSWORD})
    return browser


def a_failed_sign_in_and_a_change(app, owner):
    """Sam, a staff member, mistypes their password; the owner then changes the practice's
    details. Returns the owner's browser: the trail now holds a sign-in and a change."""
    make_staff(owner.practice, email="sam@example.com")
    new_browser(app).post("/auth/login", data={"email": "sam@example.com", "password": "no"})
    browser = signed_in(app)
    browser.post("/settings/practice", data={
        "name": "Riverside", "address": "1 Main St", "phone": "(201) 555-0100",
        "timezone": "America/New_York", "country": "US"})
    return browser
