"""Every staff route, with every role, against the one table of `reminder_app.permissions`:
a role is refused (403) exactly where the table says it lacks the permission."""

import pytest

from reminder_app.models import Role
from reminder_app.permissions import (
    OWN_ACCOUNT,
    ROLE_PERMISSIONS,
    Permission,
    is_staff_endpoint,
    needed,
)
from tests.conftest import new_browser
from tests.factories import (
    DEFAULT_PASSWORD,
    make_clickatell_account,
    make_practice,
    make_staff,
    one_record_of_each,
)
from tests.security.conftest import url_for_rule

METHODS = ("GET", "POST")


def staff_routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not is_staff_endpoint(rule.endpoint) or rule.endpoint in OWN_ACCOUNT:
            continue
        for method in METHODS:
            if method in rule.methods:
                yield rule, method


def test_the_table_gives_each_role_what_its_work_needs():
    assert needed("appointments.day", "GET") == Permission.SEE
    assert needed("appointments.new", "POST") == Permission.ACT
    assert needed("settings.staff", "GET") == Permission.SEE
    assert needed("settings.staff", "POST") == Permission.MANAGE
    assert needed("settings.api_tokens", "GET") == Permission.MANAGE
    assert needed("onboarding.send_test_sms", "POST") == Permission.MANAGE
    assert needed("reminders.preview", "POST") == Permission.SEE
    assert needed("auth.password", "POST") is None
    assert ROLE_PERMISSIONS[Role.READ_ONLY] == {Permission.SEE}


@pytest.mark.parametrize("role", list(Role))
def test_every_route_refuses_exactly_what_the_role_may_not_do(app, role):
    owner = make_practice("Practice A", owner_email="a@example.com")
    make_clickatell_account(owner.practice)
    records = one_record_of_each(owner.practice)
    person = owner if role == Role.OWNER else make_staff(owner.practice, email="p@example.com",
                                                         role=role)
    browser = new_browser(app)
    allowed = ROLE_PERMISSIONS[role]
    checked, mismatches = 0, []
    for rule, method in staff_routes(app):
        if browser.get("/settings/practice").status_code != 200:  # signed out by a route
            browser.post("/auth/login", data={"email": person.email,
                                              "password": DEFAULT_PASSWORD})
        url = url_for_rule(rule, records)
        response = browser.open(url, method=method) if method == "GET" else \
            browser.post(url, data={"name": "x"})
        refused = response.status_code == 403
        should_refuse = needed(rule.endpoint, method) not in allowed
        if refused != should_refuse:
            mismatches.append(f"{method} {url}: {response.status_code}")
        checked += 1
    assert checked >= 60
    assert mismatches == []


def test_a_read_only_member_changes_nothing(app):
    from sqlalchemy import func, select

    from reminder_app.extensions import db
    from reminder_app.models import Patient

    owner = make_practice("Practice A", owner_email="a@example.com")
    make_staff(owner.practice, email="reader@example.com", role=Role.READ_ONLY)
    browser = new_browser(app)
    browser.post("/auth/login", data={"email": "reader@example.com",
                                      "password": DEFAULT_PASSWORD})
    assert browser.get("/patients/").status_code == 200
    response = browser.post("/patients/new", data={
        "first_name": "Nina", "last_name": "Park", "mobile": "(201) 555-0188",
        "sms_consent": "y"})
    assert response.status_code == 403
    assert "Your role at this practice does not allow that." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Patient)) == 0


def test_staff_cannot_see_the_api_tokens(app):
    owner = make_practice("Practice A", owner_email="a@example.com")
    make_staff(owner.practice, email="sam@example.com")
    browser = new_browser(app)
    browser.post("/auth/login", data={"email": "sam@example.com", "password": DEFAULT_PASSWORD})
    assert browser.get("/settings/api-tokens").status_code == 403
    assert browser.get("/settings/staff").status_code == 200
