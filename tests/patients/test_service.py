"""Patients: E.164 mobiles, consent with dates, search, duplicate warnings."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import Language, Patient
from reminder_app.patients import service
from reminder_app.validation import FieldError
from tests.factories import make_patient, make_practice

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def practice(app):
    return make_practice().practice


@pytest.mark.parametrize(("typed", "country", "e164"), [
    ("(201) 555-0123", "US", "+12015550123"),
    ("201.555.0123", "US", "+12015550123"),
    ("+44 7911 123456", "US", "+447911123456"),
    ("0412 345 678", "AU", "+61412345678"),
    ("+1 201 555 0123", "AU", "+12015550123"),
])
def test_mobile_is_stored_in_e164_with_the_practice_country_as_default(typed, country, e164):
    assert service.parse_mobile(typed, country) == e164


@pytest.mark.parametrize(("typed", "message"), [
    ("", "Please enter a mobile number"),
    ("call me", "Please enter a mobile number"),
    ("12345", "not a valid phone number"),
    ("+1 201 555 01234", "not a valid phone number"),
])
def test_an_invalid_mobile_is_an_error_on_the_mobile_field(typed, message):
    with pytest.raises(FieldError, match=message) as raised:
        service.parse_mobile(typed, "US")
    assert raised.value.field == "mobile"


def test_a_landline_is_refused_where_the_country_tells_them_apart():
    with pytest.raises(FieldError, match="landline"):
        service.parse_mobile("(02) 9876 5432", "AU")


def test_create_patient_stores_every_field(practice):
    patient = service.create_patient(
        practice, first_name=" Ana ", last_name="Reyes", mobile="(201) 555-0123",
        date_of_birth=date(1980, 4, 23), language=Language.ES, sms_consent=True,
        notes="Prefers mornings", now=NOW)
    stored = db.session.get(Patient, patient.id)
    assert (stored.first_name, stored.last_name, stored.mobile) == ("Ana", "Reyes",
                                                                   "+12015550123")
    assert stored.date_of_birth == date(1980, 4, 23) and stored.language is Language.ES
    assert stored.sms_consent and stored.consented_at == NOW and stored.opted_out_at is None
    assert stored.notes == "Prefers mornings" and stored.practice_id == practice.id


def test_a_new_patient_has_no_sms_consent_unless_given(practice):
    patient = service.create_patient(practice, first_name="Ana", last_name="Reyes",
                                     mobile="2015550123", now=NOW)
    assert patient.sms_consent is False and patient.consented_at is None


@pytest.mark.parametrize(("fields", "field"), [
    ({"first_name": "  "}, "first_name"),
    ({"last_name": ""}, "last_name"),
    ({"first_name": "x" * 81}, "first_name"),
    ({"mobile": "555"}, "mobile"),
    ({"date_of_birth": date(2026, 3, 2)}, "date_of_birth"),
])
def test_create_patient_names_the_field_at_fault_and_saves_nothing(practice, fields, field):
    values = {"first_name": "Ana", "last_name": "Reyes", "mobile": "2015550123", **fields}
    with pytest.raises(FieldError) as raised:
        service.create_patient(practice, now=NOW, **values)
    assert raised.value.field == field
    assert db.session.scalar(select(Patient)) is None


def test_a_stop_reply_clears_consent_and_dates_the_opt_out(practice):
    patient = make_patient(practice, sms_consent=True)
    patient.opt_out(NOW)
    assert patient.sms_consent is False and patient.opted_out_at == NOW


def test_opting_in_again_restores_consent_and_clears_the_opt_out(practice):
    patient = make_patient(practice, sms_consent=False)
    patient.opt_out(NOW)
    patient.opt_in(NOW.replace(day=2))
    assert patient.sms_consent and patient.opted_out_at is None
    assert patient.consented_at == NOW.replace(day=2)


def test_unticking_consent_in_an_update_is_an_opt_out(practice):
    patient = make_patient(practice, sms_consent=True)
    service.update_patient(patient, practice, sms_consent=False, now=NOW)
    assert patient.sms_consent is False and patient.opted_out_at == NOW


def test_update_changes_only_the_fields_given(practice):
    patient = make_patient(practice, first_name="Ana", last_name="Reyes")
    service.update_patient(patient, practice, mobile="+44 7911 123456", now=NOW)
    assert patient.mobile == "+447911123456" and patient.first_name == "Ana"


def test_an_invalid_update_changes_nothing(practice):
    patient = make_patient(practice, first_name="Ana", mobile="+12015550123")
    with pytest.raises(FieldError):
        service.update_patient(patient, practice, first_name="Anabel", mobile="nope", now=NOW)
    db.session.rollback()
    assert db.session.get(Patient, patient.id).first_name == "Ana"


def test_a_shared_mobile_gives_a_warning_naming_the_other_patient(practice):
    first = make_patient(practice, first_name="Ana", last_name="Reyes", mobile="+12015550123")
    second = make_patient(practice, first_name="Luis", last_name="Reyes",
                          mobile="+12015550123")
    assert service.same_mobile(second) == [first]
    assert "Ana Reyes already has this mobile number" in service.duplicate_warning(second)


def test_a_mobile_shared_with_another_practice_is_no_duplicate(practice):
    other = make_practice().practice
    make_patient(other, mobile="+12015550123")
    patient = make_patient(practice, mobile="+12015550123")
    assert service.duplicate_warning(patient) is None


@pytest.mark.parametrize(("typed", "found"), [
    ("ana", {"Ana Reyes"}), ("REY", {"Ana Reyes", "Luis Reyes"}), ("ana rey", {"Ana Reyes"}),
    ("(201) 555-0123", {"Ana Reyes"}), ("0199", {"Luis Reyes"}), ("555", {"Ana Reyes",
                                                                          "Luis Reyes"}),
    ("eyes", set()), ("%", set()),
])
def test_search_finds_patients_by_start_of_name_or_digits_of_mobile(practice, typed, found):
    make_patient(practice, first_name="Ana", last_name="Reyes", mobile="+12015550123")
    make_patient(practice, first_name="Luis", last_name="Reyes", mobile="+12125550199")
    query = service.search(select(Patient).where(Patient.practice_id == practice.id), typed)
    assert {p.full_name for p in db.session.scalars(query)} == found


def test_a_time_zone_that_does_not_exist_is_refused_on_its_field(practice):
    with pytest.raises(FieldError) as error:
        service.create_patient(practice, first_name="Ana", last_name="Reyes",
                               mobile="(201) 555-0123", timezone="Mars/Olympus")
    assert error.value.field == "timezone"
    patient = service.create_patient(practice, first_name="Ana", last_name="Reyes",
                                     mobile="(201) 555-0123", timezone="America/Chicago")
    assert patient.zone(practice.zone).key == "America/Chicago"
