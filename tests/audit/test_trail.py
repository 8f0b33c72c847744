"""The audit trail: every change through the staff app or the API is recorded with who,
when, from where and which records; what did not happen is never recorded as done; owners
read and export it."""

import csv
import io

import pytest
from sqlalchemy import select

from reminder_app.audit import ACTIONS, changes_something
from reminder_app.audit.service import safe_cell
from reminder_app.extensions import db
from reminder_app.models import AuditEntry, Patient
from reminder_app.permissions import is_staff_endpoint
from tests.audit.conftest import a_failed_sign_in_and_a_change, signed_in
from tests.factories import make_patient, make_practice, make_staff


@pytest.fixture
def owner(app):
    return make_practice("Riverside", owner_email="dana@example.com")


def entries() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_every_route_that_changes_something_has_words_in_the_trail(app):
    missing = sorted({rule.endpoint for rule in app.url_map.iter_rules()
                      if any(changes_something(rule.endpoint, method)
                             for method in rule.methods - {"GET", "HEAD", "OPTIONS"})
                      and (is_staff_endpoint(rule.endpoint) or rule.endpoint.startswith("api."))
                      and rule.endpoint not in ACTIONS})
    assert missing == []


def test_a_change_is_recorded_with_who_when_and_from_where(app, owner):
    browser = signed_in(app)
    browser.post("/settings/practice", data={
        "name": "Riverside Family Practice", "address": "1 Main St", "phone": "(201) 555-0100",
        "timezone": "America/New_York", "country": "US"})
    [entry] = entries()
    assert (entry.action, entry.actor_label, entry.actor_kind, entry.address) == (
        "Changed the practice's details", owner.name, "staff", "127.0.0.1")
    assert entry.practice_id == owner.practice_id


def test_the_records_a_change_named_are_in_the_trail_but_not_their_contents(app, owner):
    patient = make_patient(owner.practice, first_name="Nina", last_name="Park")
    browser = signed_in(app)
    browser.post(f"/patients/{patient.id}/edit", data={
        "first_name": "Nina", "last_name": "Parker", "mobile": patient.mobile,
        "language": "en", "sms_consent": "y"})
    [entry] = entries()
    assert entry.action == "Changed a patient" and entry.target == f"patient {patient.id}"
    assert "Park" not in entry.action + entry.target


def test_a_form_shown_again_with_errors_is_not_recorded(app, owner):
    browser = signed_in(app)
    browser.post("/settings/practice", data={"name": "", "timezone": "Mars/Base"})
    assert entries() == []


def test_a_refusal_is_recorded_as_refused_with_what_the_person_was_told(app, owner):
    make_staff(owner.practice, email="sam@example.com")
    browser = signed_in(app)
    browser.post(f"/settings/staff/{owner.id}/remove")
    [entry] = entries()
    assert entry.action == "Removed a staff member — Refused: You cannot remove yourself."


def test_nothing_is_recorded_for_what_a_role_may_not_do(app, owner):
    make_staff(owner.practice, email="sam@example.com")
    browser = signed_in(app, "sam@example.com")
    assert browser.post("/settings/practice", data={"name": "Hijacked"}).status_code == 403
    assert entries() == []


def test_a_view_s_uncommitted_changes_never_ride_along_with_the_trail(app, owner, monkeypatch):
    from reminder_app.settings import views

    def fails_after_changing(*args, **kwargs):
        owner.practice.name = "Half done"
        raise views.StaffError("That e-mail address is in use.")

    monkeypatch.setattr(views, "add_staff", fails_after_changing)
    browser = signed_in(app)
    browser.post("/settings/staff", data={"name": "Sam", "email": "sam@example.com",
                                          "password": "long-enough-1", "role": "staff"})
    db.session.expire_all()
    assert owner.practice.name == "Riverside"


def test_api_changes_are_recorded_with_the_token(app, owner):
    from reminder_app.settings.service import create_api_token

    record, token = create_api_token(owner.practice, "EHR sync")
    db.session.commit()
    response = app.test_client().post("/api/v1/patients", json={
        "first_name": "Nina", "last_name": "Park", "mobile": "+12015550188",
        "sms_consent": True}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_json()
    patient_id = db.session.scalar(select(Patient.id))
    [entry] = entries()
    assert (entry.action, entry.actor_kind, entry.actor_label) == (
        f"Added a patient (API) — consent to texts given (patient {patient_id})",
        "api_token", "EHR sync")


def test_the_audit_page_shows_changes_appointments_and_sign_ins_to_owners_only(app, owner):
    browser = a_failed_sign_in_and_a_change(app, owner)
    page = browser.get("/settings/audit").get_data(as_text=True)
    assert "Changed the practice&#39;s details" in page
    assert "Failed sign-in" in page and "sam@example.com" in page
    assert "Signed in" in page
    only_sign_ins = browser.get("/settings/audit?kind=sign-in").get_data(as_text=True)
    assert "Changed the practice" not in only_sign_ins
    staff = signed_in(app, "sam@example.com")
    assert staff.get("/settings/audit").status_code == 403


def test_an_export_is_itself_recorded_and_neutralises_formulas(app, owner):
    make_patient(owner.practice, first_name="=HYPERLINK(\"http://evil\")", last_name="Park")
    browser = signed_in(app)
    response = browser.post("/settings/export", data={"what": "consents"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["patient", "mobile", "consents"]
    assert rows[1][0].startswith("'=HYPERLINK")
    [entry] = entries()
    assert (entry.action, entry.target) == ("Exported records", "consents")


@pytest.mark.parametrize("value, written", [
    ("=1+1", "'=1+1"), ("+1 201 555 0100", "'+1 201 555 0100"), ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tcmd", "'\tcmd"), ("Nina", "Nina"), (None, ""), (3, "3"),
])
def test_cells_a_spreadsheet_would_run_are_written_as_text(value, written):
    assert safe_cell(value) == written
