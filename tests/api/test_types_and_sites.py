"""/api/v1: an appointment's type and site, and the lists of both."""

from datetime import UTC, date, datetime, time

import pytest

from reminder_app.appointments import visits
from reminder_app.timezones import to_utc
from reminder_app.transactions import unit_of_work
from tests.factories import make_patient, make_practice, make_provider


@pytest.fixture
def patient(practice):
    return make_patient(practice, first_name="Ana", last_name="Reyes")


@pytest.fixture
def provider(practice):
    return make_provider(practice, "Dr. Amelia Reyes")


@pytest.fixture
def colonoscopy(practice):
    with unit_of_work():
        return visits.add_type(practice, name="Colonoscopy", default_duration_minutes=45)


@pytest.fixture
def north(practice):
    with unit_of_work():
        return visits.add_location(practice, name="North", address="1 Main St",
                                   timezone="America/Chicago")


def starts(practice) -> str:
    day = date(datetime.now(UTC).year + 1, 6, 1)
    return to_utc(day, time(9, 30), practice.zone).isoformat().replace("+00:00", "Z")


def test_the_lists_of_types_and_sites(api, colonoscopy, north):
    assert api.get("/appointment-types").get_json() == {"appointment_types": [
        {"id": colonoscopy.id, "name": "Colonoscopy", "default_duration_minutes": 45,
         "active": True}]}
    assert api.get("/locations").get_json() == {"locations": [
        {"id": north.id, "name": "North", "address": "1 Main St",
         "timezone": "America/Chicago", "active": True}]}


def test_booking_with_a_type_and_no_length_takes_the_types_length(
        api, practice, patient, provider, colonoscopy, north):
    response = api.post("/appointments", json={
        "patient_id": patient.id, "provider_id": provider.id, "starts_at": starts(practice),
        "appointment_type_id": colonoscopy.id, "location_id": north.id})
    appointment = response.get_json()["appointment"]
    assert response.status_code == 201
    assert (appointment["appointment_type_id"], appointment["location_id"],
            appointment["duration_minutes"]) == (colonoscopy.id, north.id, 45)


def test_another_practices_type_or_site_reads_like_a_missing_one(
        api, practice, patient, provider):
    other = make_practice("Elsewhere").practice
    with unit_of_work():
        theirs = visits.add_type(other, name="Checkup", default_duration_minutes=20)
        site = visits.add_location(other, name="Uptown")
    for field, record in (("appointment_type_id", theirs), ("location_id", site)):
        response = api.post("/appointments", json={
            "patient_id": patient.id, "provider_id": provider.id,
            "starts_at": starts(practice), field: record.id})
        assert response.status_code == 422
        assert response.get_json()["fields"] == {field: ["No such record."]}
    assert api.get("/appointments").get_json()["total"] == 0


def test_a_patch_sets_or_clears_the_type_and_leaves_what_it_does_not_name(
        api, practice, patient, provider, colonoscopy, north):
    created = api.post("/appointments", json={
        "patient_id": patient.id, "provider_id": provider.id, "starts_at": starts(practice),
        "location_id": north.id}).get_json()["appointment"]
    changed = api.patch(f"/appointments/{created['id']}",
                        json={"appointment_type_id": colonoscopy.id}).get_json()["appointment"]
    assert (changed["appointment_type_id"], changed["location_id"]) == (colonoscopy.id, north.id)
    cleared = api.patch(f"/appointments/{created['id']}",
                        json={"location_id": None}).get_json()["appointment"]
    assert (cleared["appointment_type_id"], cleared["location_id"]) == (colonoscopy.id, None)
