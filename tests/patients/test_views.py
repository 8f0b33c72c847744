"""The patient pages: list and search, add, edit, field errors, duplicate warning."""

import pytest
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import Language, Patient
from tests.factories import make_appointment, make_patient, make_practice

NEW_PATIENT = {"first_name": "Ana", "last_name": "Reyes", "mobile": "(201) 555-0123",
               "date_of_birth": "1980-04-23", "language": "es", "sms_consent": "y",
               "notes": "Prefers mornings"}


@pytest.fixture
def owner(app, auth):
    owner = make_practice(owner_email="dana@example.com")
    auth.login("dana@example.com")
    return owner


def test_patient_pages_need_sign_in(client, app):
    assert client.get("/patients/").status_code == 302
    assert client.get("/patients/new").status_code == 302


def test_the_list_shows_the_practice_patients_by_last_name(client, owner):
    make_patient(owner.practice, first_name="Zoe", last_name="Adams")
    make_patient(owner.practice, first_name="Ana", last_name="Reyes")
    page = client.get("/patients/").get_data(as_text=True)
    assert page.index("Adams, Zoe") < page.index("Reyes, Ana")


def test_search_by_name_or_number_narrows_the_list(client, owner):
    make_patient(owner.practice, first_name="Zoe", last_name="Adams", mobile="+12125550199")
    make_patient(owner.practice, first_name="Ana", last_name="Reyes", mobile="+12015550123")
    by_name = client.get("/patients/?q=rey").get_data(as_text=True)
    assert "Reyes, Ana" in by_name and "Adams" not in by_name
    by_number = client.get("/patients/?q=212-555").get_data(as_text=True)
    assert "Adams, Zoe" in by_number and "Reyes" not in by_number
    nothing = client.get("/patients/?q=nobody").get_data(as_text=True)
    assert "No patient matches" in nothing


def test_adding_a_patient_stores_the_mobile_in_e164(client, owner):
    response = client.post("/patients/new", data=NEW_PATIENT)
    assert response.status_code == 303
    patient = db.session.scalar(select(Patient))
    assert patient.mobile == "+12015550123" and patient.language is Language.ES
    assert patient.sms_consent and patient.practice_id == owner.practice_id
    assert response.headers["Location"].endswith(f"/patients/{patient.id}/edit")


def test_an_invalid_mobile_is_shown_on_the_mobile_field(client, owner):
    response = client.post("/patients/new", data=dict(NEW_PATIENT, mobile="555-12"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "not a valid phone number" in page and "is-invalid" in page
    assert db.session.scalar(select(Patient)) is None


def test_missing_names_are_field_errors(client, owner):
    page = client.post("/patients/new", data=dict(NEW_PATIENT, first_name="", last_name="")
                       ).get_data(as_text=True)
    assert page.count("This field is required.") == 2


def test_adding_a_patient_with_a_known_mobile_warns_but_saves(client, owner):
    make_patient(owner.practice, first_name="Luis", last_name="Reyes", mobile="+12015550123")
    page = client.post("/patients/new", data=NEW_PATIENT, follow_redirects=True
                       ).get_data(as_text=True)
    assert "Luis Reyes already has this mobile number" in page
    assert len(db.session.scalars(select(Patient)).all()) == 2


def test_editing_shows_the_stored_fields_and_saves_changes(client, owner):
    patient = make_patient(owner.practice, first_name="Ana", last_name="Reyes",
                           mobile="+12015550123")
    make_appointment(owner.practice, patient=patient, reason="Flu shot")
    page = client.get(f"/patients/{patient.id}/edit").get_data(as_text=True)
    assert 'value="Ana"' in page and "+1 201-555-0123" in page and "Flu shot" not in page
    assert "Booked" in page
    response = client.post(f"/patients/{patient.id}/edit",
                           data=dict(NEW_PATIENT, first_name="Anabel", sms_consent=""))
    assert response.status_code == 303
    db.session.expire_all()
    assert patient.first_name == "Anabel" and patient.sms_consent is False
    assert patient.opted_out_at is not None


def test_an_invalid_edit_keeps_the_stored_patient(client, owner):
    patient = make_patient(owner.practice, first_name="Ana", mobile="+12015550123")
    page = client.post(f"/patients/{patient.id}/edit",
                       data=dict(NEW_PATIENT, first_name="Anabel", mobile="12")
                       ).get_data(as_text=True)
    assert "not a valid phone number" in page
    db.session.expire_all()
    assert patient.first_name == "Ana" and patient.mobile == "+12015550123"


def test_an_opted_out_patient_page_says_nothing_is_sent(client, owner):
    from datetime import UTC, datetime

    patient = make_patient(owner.practice)
    patient.opt_out(datetime.now(UTC))
    db.session.commit()
    assert "Opted out of SMS" in client.get(f"/patients/{patient.id}/edit").get_data(
        as_text=True)


def test_a_patient_gets_a_time_zone_for_quiet_hours_defaulting_to_the_practices(client, owner):
    patient = make_patient(owner.practice, first_name="Ana", mobile="+12015550123")
    page = client.get(f"/patients/{patient.id}/edit").get_data(as_text=True)
    assert '<option selected value="">The practice&#39;s (America/New_York)</option>' in page
    response = client.post(f"/patients/{patient.id}/edit",
                           data=dict(NEW_PATIENT, timezone="America/Los_Angeles"))
    assert response.status_code == 303
    db.session.expire_all()
    assert patient.timezone == "America/Los_Angeles"
    client.post(f"/patients/{patient.id}/edit", data=dict(NEW_PATIENT, timezone=""))
    db.session.expire_all()
    assert patient.timezone is None
    page = client.post(f"/patients/{patient.id}/edit",
                       data=dict(NEW_PATIENT, timezone="Mars/Olympus")).get_data(as_text=True)
    assert "Not a valid choice" in page
