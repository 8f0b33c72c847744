"""Every input has a range (issue #20, finding 12): appointments and the days the calendar
shows lie within five years of today, birth dates from 1900 to today, page numbers below
what a database integer holds, and text holds no lone surrogate. Out of range is a clear
400 or 422, never a 500 (each of these was one)."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from reminder_app.appointments import service as appointments
from reminder_app.patients.service import create_patient
from reminder_app.settings.service import create_api_token
from reminder_app.validation import FieldError
from tests.factories import STAFF, make_patient, make_provider

NOW = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)


def test_the_appointment_days_are_five_years_either_side_of_today():
    from reminder_app.validation import appointment_days

    assert appointment_days(date(2026, 3, 9)) == (date(2021, 3, 9), date(2031, 3, 9))
    assert appointment_days(date(2028, 2, 29)) == (date(2023, 2, 28), date(2033, 2, 28))


@pytest.mark.parametrize("url", [
    "/appointments/day?date=9999-12-31", "/appointments/day?date=0001-01-01",
    "/appointments/week?start=0001-01-01", "/appointments/week?start=9999-12-27",
    "/appointments/new?date=9999-12-31", "/patients/?page=99999999999999999999",
    "/conversations?page=99999999999999999999", "/patients/?page=-3"])
def test_a_calendar_day_or_page_out_of_range_is_a_400_saying_what_is_allowed(signed_in, url):
    response = signed_in.get(url)
    assert response.status_code == 400
    assert "Choose a" in response.get_data(as_text=True)


def test_a_day_within_the_range_is_shown(signed_in):
    shown = date.today() + timedelta(days=4 * 365)
    assert signed_in.get(f"/appointments/day?date={shown.isoformat()}").status_code == 200


def test_booking_further_than_five_years_ahead_is_refused(owner):
    practice = owner.practice
    with pytest.raises(FieldError, match="Choose a day from 2021-03-09 to 2031-03-09"):
        appointments.book(practice, patient=make_patient(practice),
                          provider=make_provider(practice),
                          starts_at=NOW.replace(year=2031, month=3, day=10), now=NOW,
                          actor=STAFF)


@pytest.mark.parametrize("born", [date(1899, 12, 31), date(1, 1, 1), date(2026, 3, 10)])
def test_a_birth_date_before_1900_or_in_the_future_is_refused(owner, born):
    with pytest.raises(FieldError) as refused:
        create_patient(owner.practice, first_name="Ann", last_name="Old",
                       mobile="+12015550144", date_of_birth=born, now=NOW)
    assert refused.value.field == "date_of_birth"


@pytest.fixture
def api(client, owner):
    headers = {"Authorization": f"Bearer {create_api_token(owner.practice, 'PMS')[1]}"}

    def call(method: str, url: str, body: str):
        return client.open(f"/api/v1{url}", method=method, data=body, headers=headers,
                           content_type="application/json")

    return call


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_a_lone_surrogate_in_an_api_name_is_a_422_naming_the_field(api, field):
    names = {"first_name": "Ann", "last_name": "Lee", field: "A\ud800b"}
    # json.dumps writes the lone surrogate as the escape a client would send: \ud800
    response = api("POST", "/patients", json.dumps({**names, "mobile": "+12015550188"}))
    assert response.status_code == 422
    assert field in response.get_json()["fields"]


@pytest.mark.parametrize("starts_at", ["9999-12-31T23:00:00-05:00", "9999-12-31T10:00:00Z",
                                       "0001-01-01T00:00:00+05:00", "2040-01-07T10:00:00Z"])
def test_an_api_appointment_out_of_range_is_a_422(api, owner, starts_at):
    patient, provider = make_patient(owner.practice), make_provider(owner.practice)
    response = api("POST", "/appointments", json.dumps(
        {"patient_id": patient.id, "provider_id": provider.id, "starts_at": starts_at}))
    assert response.status_code == 422, response.get_data(as_text=True)
    assert "starts_at" in response.get_json()["fields"]
    listed = api("GET", f"/appointments?from={starts_at.replace('+', '%2B')}", "")
    assert listed.status_code in (200, 422)
