"""Providers: the practice's doctors, added and stopped from taking bookings."""

import pytest
from sqlalchemy import select

from reminder_app.appointments import providers
from reminder_app.extensions import db
from reminder_app.models import AppointmentStatus, Provider
from reminder_app.validation import FieldError
from tests.factories import make_appointment, make_patient, make_practice, make_provider


def test_staff_add_a_provider(client, practice):
    response = client.post("/appointments/providers", data={"name": "Dr. Amelia Reyes"})
    assert response.status_code == 303
    provider = db.session.scalar(select(Provider))
    assert provider.name == "Dr. Amelia Reyes" and provider.active
    assert provider.practice_id == practice.id
    assert "Dr. Amelia Reyes" in client.get("/appointments/providers").get_data(as_text=True)


def test_a_provider_needs_a_name_not_already_used(client, practice):
    make_provider(practice, "Dr. Amelia Reyes")
    assert "This field is required." in client.post(
        "/appointments/providers", data={"name": ""}).get_data(as_text=True)
    assert "already has that name" in client.post(
        "/appointments/providers", data={"name": "dr. amelia reyes"}).get_data(as_text=True)
    assert len(db.session.scalars(select(Provider)).all()) == 1


def test_a_provider_can_stop_and_resume_taking_bookings(client, practice):
    provider = make_provider(practice, "Dr. Amelia Reyes")
    assert client.post(f"/appointments/providers/{provider.id}/deactivate").status_code == 303
    db.session.expire_all()
    assert provider.active is False
    client.post(f"/appointments/providers/{provider.id}/activate")
    db.session.expire_all()
    assert provider.active is True


def test_a_name_is_taken_whatever_its_case_even_beyond_ascii(app, practice):
    make_provider(practice, "Dr. Ángela Núñez")
    with pytest.raises(FieldError) as refused:
        providers.add_provider(practice, "  dr. ángela núñez ")
    assert refused.value.field == "name" and "already has that name" in refused.value.message
    added = providers.add_provider(practice, "  Dr. Ben Okafor ")
    assert added.name == "Dr. Ben Okafor" and added.practice_id == practice.id


def test_another_practices_provider_does_not_take_the_name(app, practice):
    make_provider(make_practice().practice, "Dr. Amelia Reyes")
    assert providers.add_provider(practice, "Dr. Amelia Reyes").practice_id == practice.id


def test_stopping_bookings_leaves_the_providers_appointments_as_they_are(app, practice):
    provider = make_provider(practice, "Dr. Amelia Reyes")
    booked = make_appointment(practice, patient=make_patient(practice), provider=provider)
    providers.set_bookable(provider, False)
    db.session.commit()
    db.session.expire_all()
    assert provider.active is False and booked.status is AppointmentStatus.BOOKED
