"""Providers: the practice's doctors, added and stopped from taking bookings."""

from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import Provider
from tests.factories import make_provider


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
