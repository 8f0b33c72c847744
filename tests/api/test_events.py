"""Changes made through the API are recorded as the token's."""

from datetime import UTC, datetime, timedelta

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.models import ActorKind, Appointment, EventKind
from reminder_app.settings.service import create_api_token
from tests.api.conftest import ApiClient
from tests.factories import make_patient, make_provider


def test_booking_moving_and_cancelling_by_api_are_the_tokens(app, practice):
    record, token = create_api_token(practice, "EHR sync")
    api = ApiClient(app.test_client(), token)
    patient, provider = make_patient(practice), make_provider(practice)
    starts_at = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    body = api.post("/appointments", json={
        "patient_id": patient.id, "provider_id": provider.id,
        "starts_at": starts_at.isoformat()}).get_json()
    appointment_id = body["appointment"]["id"]
    api.patch(f"/appointments/{appointment_id}",
              json={"starts_at": (starts_at + timedelta(hours=1)).isoformat()})
    api.post(f"/appointments/{appointment_id}/cancel")

    events = service.history(db.session.get(Appointment, appointment_id))
    assert [(e.kind, e.actor_kind, e.actor_id) for e in events] == [
        (EventKind.BOOKED, ActorKind.API_TOKEN, record.id),
        (EventKind.MOVED, ActorKind.API_TOKEN, record.id),
        (EventKind.CANCELLED, ActorKind.API_TOKEN, record.id)]
    assert events[-1].summary == "Cancelled via the API (token 'EHR sync')"
