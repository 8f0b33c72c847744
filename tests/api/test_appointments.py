"""/api/v1/appointments and /providers: list, book, change, cancel."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from reminder_app.models import AppointmentStatus
from reminder_app.timezones import to_utc
from tests.factories import make_appointment, make_patient, make_provider


@pytest.fixture
def patient(practice):
    return make_patient(practice, first_name="Ana", last_name="Reyes")


@pytest.fixture
def provider(practice):
    return make_provider(practice, "Dr. Amelia Reyes")


def next_year(month: int, day: int, hour: int, minute: int = 0, zone=None) -> datetime:
    d = date(datetime.now(UTC).year + 1, month, day)
    return to_utc(d, time(hour, minute), zone)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def booking(patient, provider, starts_at: datetime, **extra) -> dict:
    return {"patient_id": patient.id, "provider_id": provider.id, "starts_at": iso(starts_at),
            **extra}


def test_list_providers(api, practice, provider):
    make_provider(practice, "Dr. Ben Okafor", active=False)
    assert api.get("/providers").get_json() == {"providers": [
        {"id": provider.id, "name": "Dr. Amelia Reyes", "active": True},
        {"id": provider.id + 1, "name": "Dr. Ben Okafor", "active": False}]}


def test_book_an_appointment(api, practice, patient, provider):
    starts_at = next_year(6, 1, 9, 30, practice.zone)
    response = api.post("/appointments", json=booking(patient, provider, starts_at,
                                                      duration_minutes=30, reason="Check-up"))
    body = response.get_json()
    appointment = body["appointment"]
    assert response.status_code == 201 and body["warnings"] == []
    assert appointment["starts_at"] == iso(starts_at)
    assert appointment["starts_at_local"].endswith("T09:30:00-04:00")
    assert appointment["ends_at"] == iso(starts_at + timedelta(minutes=30))
    assert appointment["status"] == "booked" and appointment["reason"] == "Check-up"
    assert response.headers["Location"].endswith(f"/appointments/{appointment['id']}")


def test_a_start_with_any_offset_means_the_same_instant(api, practice, patient, provider):
    starts_at = next_year(6, 1, 9, 30, practice.zone)
    body = api.post("/appointments", json={
        "patient_id": patient.id, "provider_id": provider.id,
        "starts_at": starts_at.astimezone(practice.zone).isoformat()}).get_json()
    assert body["appointment"]["starts_at"] == iso(starts_at)


def test_an_overlapping_booking_is_made_with_a_warning(api, practice, patient, provider):
    starts_at = next_year(6, 1, 9, 30, practice.zone)
    make_appointment(practice, provider=provider, starts_at=starts_at)
    response = api.post("/appointments", json=booking(patient, provider, starts_at))
    assert response.status_code == 201
    assert "already has an appointment" in response.get_json()["warnings"][0]


@pytest.mark.parametrize(("change", "fields"), [
    ({"starts_at": "2020-01-01T09:00:00Z"}, {"starts_at": [
        "That time has already passed; appointments can only be booked in the future."]}),
    ({"starts_at": "2030-01-01T09:00:00"}, {"starts_at": [
        "Give the UTC offset too, like 2026-03-09T14:30:00-04:00 or 2026-03-09T18:30:00Z."]}),
    ({"starts_at": "next tuesday"}, {"starts_at": [
        "Must be a date and time like 2026-03-09T14:30:00-04:00."]}),
    ({"duration_minutes": 1000}, {"duration_minutes": ["Must be at most 480."]}),
    ({"duration_minutes": "30"}, {"duration_minutes": ["Must be a whole number."]}),
    ({"patient_id": 999999}, {"patient_id": ["No such record."]}),
    ({"provider_id": None}, {"provider_id": ["Must be a whole number."]}),
])
def test_invalid_bookings_are_422_with_messages_by_field(api, practice, patient, provider,
                                                         change, fields):
    body = {**booking(patient, provider, next_year(6, 1, 9, 0, practice.zone)), **change}
    response = api.post("/appointments", json=body)
    assert response.status_code == 422
    assert response.get_json()["fields"] == fields
    assert api.get("/appointments").get_json()["total"] == 0


def test_booking_an_inactive_provider_is_a_field_error(api, practice, patient):
    retired = make_provider(practice, active=False)
    response = api.post("/appointments", json=booking(
        patient, retired, next_year(6, 1, 9, 0, practice.zone)))
    assert response.status_code == 422 and "provider_id" in response.get_json()["fields"]


def test_list_appointments_filters_by_time_provider_patient_and_status(api, practice, patient,
                                                                       provider):
    other = make_provider(practice)
    first = make_appointment(practice, patient=patient, provider=provider,
                             starts_at=next_year(6, 1, 9, 0, practice.zone))
    second = make_appointment(practice, provider=other,
                              starts_at=next_year(6, 2, 9, 0, practice.zone),
                              status=AppointmentStatus.CONFIRMED)

    def ids(query: str) -> list[int]:
        return [a["id"] for a in api.get(f"/appointments?{query}").get_json()["appointments"]]

    assert ids("") == [first.id, second.id]
    assert ids(f"provider_id={other.id}") == [second.id]
    assert ids(f"patient_id={patient.id}") == [first.id]
    assert ids("status=confirmed") == [second.id]
    split = iso(next_year(6, 2, 0, 0, practice.zone))
    assert ids(f"from={split}") == [second.id] and ids(f"to={split}") == [first.id]


@pytest.mark.parametrize(("query", "field"), [("from=yesterday", "from"),
                                              ("status=late", "status"),
                                              ("patient_id=ana", "patient_id")])
def test_bad_list_filters_are_validation_errors(api, query, field):
    response = api.get(f"/appointments?{query}")
    assert response.status_code == 422 and field in response.get_json()["fields"]


def test_get_appointment(api, practice, patient, provider):
    appointment = make_appointment(practice, patient=patient, provider=provider)
    body = api.get(f"/appointments/{appointment.id}").get_json()
    assert body["appointment"]["patient_id"] == patient.id


def test_moving_through_the_api_asks_for_a_new_confirmation(api, practice, patient, provider):
    appointment = make_appointment(practice, patient=patient, provider=provider,
                                   starts_at=next_year(6, 1, 9, 0, practice.zone),
                                   status=AppointmentStatus.CONFIRMED)
    new_start = next_year(6, 3, 15, 0, practice.zone)
    other = make_provider(practice)
    body = api.patch(f"/appointments/{appointment.id}", json={
        "starts_at": iso(new_start), "provider_id": other.id, "reason": "Moved"}).get_json()
    assert body["appointment"]["starts_at"] == iso(new_start)
    assert body["appointment"]["provider_id"] == other.id
    assert body["appointment"]["status"] == "booked" and body["appointment"]["reason"] == "Moved"


def test_changing_only_the_reason_keeps_the_confirmation(api, practice, patient, provider):
    appointment = make_appointment(practice, patient=patient, provider=provider,
                                   starts_at=next_year(6, 1, 9, 0, practice.zone),
                                   status=AppointmentStatus.CONFIRMED)
    body = api.patch(f"/appointments/{appointment.id}", json={"reason": "Flu shot"}).get_json()
    assert body["appointment"]["status"] == "confirmed"


def test_an_invalid_change_is_422_and_changes_nothing(api, practice, patient, provider):
    appointment = make_appointment(practice, patient=patient, provider=provider,
                                   starts_at=next_year(6, 1, 9, 0, practice.zone))
    response = api.patch(f"/appointments/{appointment.id}", json={
        "reason": "Moved", "starts_at": "2020-01-01T00:00:00Z"})
    assert response.status_code == 422 and list(response.get_json()["fields"]) == ["starts_at"]
    assert api.get(f"/appointments/{appointment.id}").get_json()["appointment"]["reason"] == (
        "Check-up")


def test_patient_id_cannot_be_changed(api, practice, patient, provider):
    appointment = make_appointment(practice, patient=patient, provider=provider)
    response = api.patch(f"/appointments/{appointment.id}",
                         json={"patient_id": make_patient(practice).id})
    assert response.get_json()["fields"] == {"patient_id": ["Unknown field."]}


@pytest.mark.parametrize(("body", "status"), [(None, "cancelled_by_staff"),
                                              ({"by": "patient"}, "cancelled_by_patient"),
                                              ({"by": "staff"}, "cancelled_by_staff")])
def test_cancel_an_appointment(api, practice, patient, provider, body, status):
    appointment = make_appointment(practice, patient=patient, provider=provider)
    kwargs = {} if body is None else {"json": body}
    response = api.post(f"/appointments/{appointment.id}/cancel", **kwargs)
    assert response.status_code == 200
    assert response.get_json()["appointment"]["status"] == status


def test_cancel_validates_who_cancelled(api, practice, patient, provider):
    appointment = make_appointment(practice, patient=patient, provider=provider)
    response = api.post(f"/appointments/{appointment.id}/cancel", json={"by": "robot"})
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"by": ["Must be one of: patient, staff."]}


def test_a_closed_appointment_cannot_be_cancelled_or_moved_409(api, practice, patient,
                                                               provider):
    appointment = make_appointment(practice, patient=patient, provider=provider,
                                   status=AppointmentStatus.COMPLETED)
    assert api.post(f"/appointments/{appointment.id}/cancel").status_code == 409
    response = api.patch(f"/appointments/{appointment.id}", json={
        "starts_at": iso(next_year(6, 1, 9, 0, practice.zone))})
    assert response.status_code == 409 and "completed" in response.get_json()["error"]


def test_unknown_appointments_are_404(api):
    assert api.get("/appointments/999999").status_code == 404
    assert api.patch("/appointments/999999", json={}).status_code == 404
    assert api.post("/appointments/999999/cancel").status_code == 404
