"""The appointment pages: book, edit, move, cancel, complete, no-show."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import Appointment, AppointmentStatus
from tests.appointments.conftest import at
from tests.factories import make_appointment, make_patient, make_provider, make_staff

S = AppointmentStatus


def form(patient, provider, day, hh_mm="10:00", **extra):
    return {"patient": str(patient.id), "provider": str(provider.id), "date": day.isoformat(),
            "time": hh_mm, "duration_minutes": "30", "reason": "Check-up", **extra}


@pytest.mark.parametrize("path", ["/appointments/day", "/appointments/week",
                                  "/appointments/new", "/appointments/providers",
                                  "/appointments/import"])
def test_appointment_pages_need_sign_in(client, app, path):
    response = client.get(path)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_plain_staff_can_book(client, auth, practice, patient, provider, tomorrow):
    make_staff(practice, email="sam@example.com")
    auth.logout()
    auth.login("sam@example.com")
    assert client.post("/appointments/new", data=form(patient, provider, tomorrow)
                       ).status_code == 303


def test_booking_stores_the_practice_wall_clock_time_in_utc(client, practice, patient,
                                                            provider, tomorrow):
    response = client.post("/appointments/new", data=form(patient, provider, tomorrow))
    appointment = db.session.scalar(select(Appointment))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/appointments/day?date={tomorrow}")
    assert appointment.starts_at == at(practice, tomorrow, 10)
    assert appointment.status is S.BOOKED and appointment.duration_minutes == 30
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Booked Ana Reyes with Dr. Amelia Reyes" in page and "10:00–10:30" in page


def test_the_new_form_prefills_patient_provider_and_day(client, patient, provider, tomorrow):
    page = client.get(f"/appointments/new?patient={patient.id}&provider={provider.id}"
                      f"&date={tomorrow}").get_data(as_text=True)
    assert f'name="patient" type="hidden" value="{patient.id}"' in page
    assert 'value="Reyes, Ana" data-picker-input' in page
    assert f'value="{tomorrow.isoformat()}"' in page


def test_the_new_form_asks_for_patients_and_providers_first(client, owner):
    assert "Add a patient" in client.get("/appointments/new").get_data(as_text=True)


def test_booking_in_the_past_is_refused_on_the_form(client, practice, patient, provider):
    yesterday = datetime.now(UTC).astimezone(practice.zone).date() - timedelta(days=1)
    page = client.post("/appointments/new", data=form(patient, provider, yesterday)
                       ).get_data(as_text=True)
    assert "already passed" in page
    assert db.session.scalar(select(Appointment)) is None


def test_a_time_skipped_by_spring_forward_is_a_form_error(client, patient, provider):
    from datetime import date

    next_spring = next(date(year, 3, day) for year in range(2027, 2040) for day in range(8, 15)
                       if date(year, 3, day).weekday() == 6)  # second Sunday in March
    page = client.post("/appointments/new", data=form(patient, provider, next_spring, "02:30")
                       ).get_data(as_text=True)
    assert "02:30 does not exist" in page
    assert db.session.scalar(select(Appointment)) is None


@pytest.mark.parametrize(("field", "value", "message"), [
    ("duration_minutes", "2", "Number must be between 5 and 480"),
    ("date", "", "This field is required."),
    ("time", "", "This field is required."),
    ("patient", "999999", "Please choose one of the practice&#39;s patients."),
    ("patient", "", "Please choose a patient."),
    ("patient", "ana", "Not a valid integer value."),
    ("reason", "x" * 201, "Field cannot be longer than 200 characters."),
])
def test_booking_form_validates_each_field(client, patient, provider, tomorrow, field, value,
                                           message):
    page = client.post("/appointments/new",
                       data={**form(patient, provider, tomorrow), field: value}
                       ).get_data(as_text=True)
    assert message in page
    assert db.session.scalar(select(Appointment)) is None


def test_an_inactive_provider_is_not_offered(client, practice, patient, provider, tomorrow):
    retired = make_provider(practice, "Dr. Retired", active=False)
    assert "Dr. Retired" not in client.get("/appointments/new").get_data(as_text=True)
    page = client.post("/appointments/new", data=form(patient, retired, tomorrow)
                       ).get_data(as_text=True)
    assert "Not a valid choice" in page


def test_an_overlapping_booking_is_saved_with_a_warning(client, practice, patient, provider,
                                                        tomorrow):
    make_appointment(practice, patient=make_patient(practice, first_name="Luis"),
                     provider=provider, starts_at=at(practice, tomorrow, 9, 45),
                     duration_minutes=30)
    page = client.post("/appointments/new", data=form(patient, provider, tomorrow),
                       follow_redirects=True).get_data(as_text=True)
    assert "Dr. Amelia Reyes already has an appointment at that time: 09:45 (Luis" in page
    assert len(db.session.scalars(select(Appointment)).all()) == 2
    assert page.count("Overlaps") == 2


def test_editing_changes_length_and_reason(client, practice, patient, provider, tomorrow):
    appointment = make_appointment(practice, patient=patient, provider=provider,
                                   starts_at=at(practice, tomorrow, 10))
    page = client.get(f"/appointments/{appointment.id}/edit").get_data(as_text=True)
    assert 'value="10:00"' in page and f'value="{tomorrow.isoformat()}"' in page
    response = client.post(f"/appointments/{appointment.id}/edit", data={
        "provider": str(provider.id), "date": tomorrow.isoformat(), "time": "10:00",
        "duration_minutes": "45", "reason": "Follow-up"})
    assert response.status_code == 303
    db.session.expire_all()
    assert (appointment.duration_minutes, appointment.reason) == (45, "Follow-up")


def test_moving_changes_time_and_provider(client, practice, patient, provider, tomorrow):
    appointment = make_appointment(practice, patient=patient, provider=provider,
                                   starts_at=at(practice, tomorrow, 10),
                                   status=S.CONFIRMED)
    other = make_provider(practice, "Dr. Ben Okafor")
    response = client.post(f"/appointments/{appointment.id}/move", data={
        "provider": str(other.id), "date": tomorrow.isoformat(), "time": "14:15"})
    assert response.status_code == 303
    db.session.expire_all()
    assert appointment.starts_at == at(practice, tomorrow, 14, 15)
    assert appointment.provider_id == other.id and appointment.status is S.BOOKED


def test_moving_into_the_past_is_refused_on_the_form(client, practice, patient, provider,
                                                     tomorrow):
    appointment = make_appointment(practice, patient=patient, provider=provider,
                                   starts_at=at(practice, tomorrow, 10))
    page = client.post(f"/appointments/{appointment.id}/move", data={
        "provider": str(provider.id), "date": "2020-01-01", "time": "10:00"}
    ).get_data(as_text=True)
    assert "already passed" in page
    db.session.expire_all()
    assert appointment.starts_at == at(practice, tomorrow, 10)


def test_a_cancelled_appointment_cannot_be_moved(client, practice, patient, provider, tomorrow):
    appointment = make_appointment(practice, patient=patient, provider=provider,
                                   starts_at=at(practice, tomorrow, 10),
                                   status=S.CANCELLED_BY_STAFF)
    assert "can no longer be changed" in client.get(
        f"/appointments/{appointment.id}/move").get_data(as_text=True)
    page = client.post(f"/appointments/{appointment.id}/move", follow_redirects=True, data={
        "provider": str(provider.id), "date": tomorrow.isoformat(), "time": "11:00"}
    ).get_data(as_text=True)
    assert "can no longer be moved" in page
    db.session.expire_all()
    assert appointment.starts_at == at(practice, tomorrow, 10)


@pytest.mark.parametrize(("by", "status", "label"), [
    ("patient", S.CANCELLED_BY_PATIENT, "Cancelled by patient"),
    ("staff", S.CANCELLED_BY_STAFF, "Cancelled by practice")])
def test_cancelling_asks_who_cancelled(client, practice, patient, provider, tomorrow, by,
                                       status, label):
    appointment = make_appointment(practice, patient=patient, provider=provider,
                                   starts_at=at(practice, tomorrow, 10))
    assert "Who cancelled?" in client.get(f"/appointments/{appointment.id}/cancel"
                                          ).get_data(as_text=True)
    response = client.post(f"/appointments/{appointment.id}/cancel", data={"by": by},
                           follow_redirects=True)
    db.session.expire_all()
    assert appointment.status is status
    assert label in response.get_data(as_text=True)


def test_cancelling_twice_says_it_is_already_cancelled(client, practice, patient, provider,
                                                      tomorrow):
    appointment = make_appointment(practice, patient=patient, provider=provider,
                                   starts_at=at(practice, tomorrow, 10),
                                   status=S.CANCELLED_BY_PATIENT)
    page = client.post(f"/appointments/{appointment.id}/cancel", data={"by": "staff"},
                       follow_redirects=True).get_data(as_text=True)
    assert "cannot be cancelled" in page
    db.session.expire_all()
    assert appointment.status is S.CANCELLED_BY_PATIENT


def test_a_started_appointment_is_marked_completed_or_no_show(client, practice, patient,
                                                              provider):
    started = make_appointment(practice, patient=patient, provider=provider,
                               starts_at=datetime.now(UTC) - timedelta(minutes=5))
    assert client.post(f"/appointments/{started.id}/no-show").status_code == 303
    db.session.expire_all()
    assert started.status is S.NO_SHOW
    client.post(f"/appointments/{started.id}/complete")
    db.session.expire_all()
    assert started.status is S.COMPLETED


def test_a_future_appointment_cannot_be_marked_completed(client, practice, patient, provider,
                                                         tomorrow):
    appointment = make_appointment(practice, patient=patient, provider=provider,
                                   starts_at=at(practice, tomorrow, 10))
    page = client.post(f"/appointments/{appointment.id}/complete", follow_redirects=True
                       ).get_data(as_text=True)
    assert "has not started yet" in page
    db.session.expire_all()
    assert appointment.status is S.BOOKED


def test_closing_buttons_without_csrf_change_nothing(client, practice, patient, provider):
    started = make_appointment(practice, patient=patient, provider=provider,
                               starts_at=datetime.now(UTC) - timedelta(minutes=5))
    assert client.post(f"/appointments/{started.id}/complete", csrf=False).status_code == 400
    db.session.expire_all()
    assert started.status is S.BOOKED
