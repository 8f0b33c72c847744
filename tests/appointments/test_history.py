"""Every change to an appointment is recorded with who made it, and its page tells the story."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.models import ActorKind, Appointment, AppointmentStatus, Event, EventKind
from tests.appointments.conftest import at
from tests.appointments.test_views import form
from tests.factories import STAFF, make_appointment, make_practice, make_staff


def changes(appointment) -> list[tuple[EventKind, ActorKind, int | None]]:
    db.session.expire_all()
    return [(event.kind, event.actor_kind, event.actor_id)
            for event in service.history(appointment)]


def test_staff_pages_record_each_change_as_the_signed_in_staff_member(
        client, auth, practice, patient, provider, tomorrow):
    sam = make_staff(practice, email="sam@example.com")
    auth.logout()
    auth.login("sam@example.com")
    client.post("/appointments/new", data=form(patient, provider, tomorrow))
    appointment = db.session.scalar(select(Appointment))
    client.post(f"/appointments/{appointment.id}/move",
                data={"provider": str(provider.id), "date": tomorrow.isoformat(),
                      "time": "11:00"})
    client.post(f"/appointments/{appointment.id}/cancel", data={"by": "patient"})

    staff = (ActorKind.STAFF, sam.id)
    assert changes(appointment) == [(EventKind.BOOKED, *staff), (EventKind.MOVED, *staff),
                                    (EventKind.CANCELLED, *staff)]
    moved = service.history(appointment)[1]
    assert (moved.previous_starts_at, moved.starts_at) == (at(practice, tomorrow, 10),
                                                            at(practice, tomorrow, 11))
    page = client.get(f"/appointments/{appointment.id}").get_data(as_text=True)
    assert f"Booked by {sam.name} (staff)" in page
    assert f"Cancelled by {sam.name} (staff)" in page and "at the patient's request" in page
    assert "from " in page and " 10:00 to " in page


def test_closing_an_appointment_is_recorded_with_who_closed_it(client, owner, practice,
                                                               patient, provider):
    appointment = make_appointment(practice, patient=patient, provider=provider,
                                   starts_at=datetime.now(UTC) - timedelta(days=1))
    client.post(f"/appointments/{appointment.id}/no-show")
    client.post(f"/appointments/{appointment.id}/complete")
    assert changes(appointment) == [(EventKind.NO_SHOW, ActorKind.STAFF, owner.id),
                                    (EventKind.COMPLETED, ActorKind.STAFF, owner.id)]


def test_an_edit_records_what_changed_and_nothing_when_nothing_did(practice, patient,
                                                                   provider, tomorrow):
    appointment = service.book(practice, patient=patient, provider=provider,
                               starts_at=at(practice, tomorrow, 9), actor=STAFF)
    service.edit(appointment, practice, reason=appointment.reason, actor=STAFF)
    service.edit(appointment, practice, reason="Flu shot", actor=STAFF)
    service.edit(appointment, practice, starts_at=at(practice, tomorrow, 10),
                 duration_minutes=45, actor=STAFF)
    assert [kind for kind, _, _ in changes(appointment)] == [
        EventKind.BOOKED, EventKind.CHANGED, EventKind.MOVED, EventKind.CHANGED]
    assert all(event.actor_label == "Test Staff" for event in service.history(appointment))


def test_each_event_keeps_the_status_it_left(practice, patient, provider, tomorrow):
    appointment = service.book(practice, patient=patient, provider=provider,
                               starts_at=at(practice, tomorrow, 9), actor=STAFF)
    service.confirm(appointment, actor=STAFF)
    service.cancel(appointment, actor=STAFF)
    assert [event.status for event in service.history(appointment)] == [
        AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED,
        AppointmentStatus.CANCELLED_BY_STAFF]


def test_the_history_page_is_the_practices_own(client, owner, practice, patient, provider):
    other = make_practice().practice
    theirs = make_appointment(other)
    assert client.get(f"/appointments/{theirs.id}").status_code == 404
    ours = make_appointment(practice, patient=patient, provider=provider)
    page = client.get(f"/appointments/{ours.id}").get_data(as_text=True)
    assert "Nothing recorded for this appointment." in page


def test_the_day_view_links_each_appointment_to_its_history(client, owner, practice, patient,
                                                            provider, tomorrow):
    appointment = make_appointment(practice, patient=patient, provider=provider,
                                   starts_at=at(practice, tomorrow, 9))
    page = client.get(f"/appointments/day?date={tomorrow}").get_data(as_text=True)
    assert f'href="/appointments/{appointment.id}"' in page


def test_unchanged_events_are_kept_as_they_were(practice, patient, provider, tomorrow):
    appointment = service.book(practice, patient=patient, provider=provider,
                               starts_at=at(practice, tomorrow, 9), actor=STAFF)
    count = db.session.scalar(select(db.func.count(Event.id)))
    service.move(appointment, practice, starts_at=at(practice, tomorrow, 11), actor=STAFF)
    assert db.session.scalar(select(db.func.count(Event.id))) == count + 1
    assert service.history(appointment)[0].starts_at == at(practice, tomorrow, 9)
