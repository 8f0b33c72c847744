"""API tokens: only a valid, unrevoked token gets in, and only to its own practice."""

from datetime import UTC, datetime, timedelta

import pytest

from reminder_app.extensions import db
from reminder_app.models import ApiToken, AppointmentStatus
from reminder_app.settings.service import create_api_token, revoke_api_token
from tests.api.conftest import ApiClient
from tests.factories import make_appointment, make_patient, make_practice, make_provider

ALL_CALLS = [
    ("GET", "/patients"), ("POST", "/patients"), ("GET", "/patients/1"),
    ("PATCH", "/patients/1"), ("GET", "/providers"), ("GET", "/appointments"),
    ("POST", "/appointments"), ("GET", "/appointments/1"), ("PATCH", "/appointments/1"),
    ("POST", "/appointments/1/cancel"),
]


@pytest.mark.parametrize(("method", "path"), ALL_CALLS)
@pytest.mark.parametrize("header", [None, "Bearer rk_not-a-real-token", "Basic ZGFuYTp4",
                                    "Bearer "])
def test_every_call_needs_a_valid_token(api, method, path, header):
    headers = {"Authorization": header} if header else {}
    response = api.open(method, path, token=None, headers=headers, json={})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused(app, practice):
    record, token = create_api_token(practice, "Old PMS")
    client = ApiClient(app.test_client(), token)
    assert client.get("/patients").status_code == 200
    revoke_api_token(record)
    assert client.get("/patients").status_code == 401


def test_only_the_token_hash_is_stored_and_its_use_is_noted(app, practice):
    record, token = create_api_token(practice, "PMS")
    assert token.startswith("rk_") and len(token) > 40
    assert token not in (record.token_hash, record.prefix) and token.startswith(record.prefix)
    assert record.last_used_at is None
    ApiClient(app.test_client(), token).get("/providers")
    db.session.expire_all()
    assert db.session.get(ApiToken, record.id).last_used_at is not None


def test_last_use_is_written_at_most_once_a_minute(app, practice):
    from reminder_app.api.auth import token_for

    record, token = create_api_token(practice, "PMS")
    first = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    token_for(f"Bearer {token}", first)
    token_for(f"Bearer {token}", first + timedelta(seconds=30))
    assert record.last_used_at == first
    token_for(f"Bearer {token}", first + timedelta(minutes=2))
    assert record.last_used_at == first + timedelta(minutes=2)


def test_the_openapi_document_needs_no_token(api):
    response = api.get("/openapi.json", token=None)
    assert response.status_code == 200 and response.get_json()["openapi"] == "3.1.0"


@pytest.fixture
def practice_b_records(app):
    owner_b = make_practice("Practice B", owner_email="b@example.com")
    appointment = make_appointment(owner_b.practice)
    return appointment


def test_a_token_of_practice_a_never_reads_or_touches_practice_b(api, practice,
                                                                 practice_b_records):
    b = practice_b_records
    b_patient, b_provider = b.patient, b.provider
    calls = [
        ("GET", f"/patients/{b_patient.id}", None),
        ("PATCH", f"/patients/{b_patient.id}", {"first_name": "Hacked"}),
        ("GET", f"/appointments/{b.id}", None),
        ("PATCH", f"/appointments/{b.id}", {"reason": "Hacked"}),
        ("POST", f"/appointments/{b.id}/cancel", {"by": "staff"}),
    ]
    for method, path, body in calls:
        response = api.open(method, path, json=body)
        assert response.status_code == 404, f"{method} {path} gave {response.status_code}"
    for path in ["/patients", "/appointments", "/providers"]:
        body = api.get(path).get_json()
        assert all(item["id"] not in (b_patient.id, b.id, b_provider.id)
                   for key in body if isinstance(body[key], list) for item in body[key]), path
    db.session.expire_all()
    assert b.status is AppointmentStatus.BOOKED and b.reason == "Check-up"
    assert b.patient.first_name != "Hacked"


def test_a_token_of_practice_a_cannot_book_practice_b_patient_or_provider(
        api, practice, practice_b_records):
    b = practice_b_records
    mine_patient, mine_provider = make_patient(practice), make_provider(practice)
    start = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0).isoformat()
    for body, field in [
        ({"patient_id": b.patient_id, "provider_id": mine_provider.id}, "patient_id"),
        ({"patient_id": mine_patient.id, "provider_id": b.provider_id}, "provider_id"),
    ]:
        response = api.post("/appointments", json={**body, "starts_at": start})
        assert response.status_code == 422
        assert response.get_json()["fields"] == {field: ["No such record."]}
    assert api.get("/appointments").get_json()["total"] == 0
    moved = make_appointment(practice, patient=mine_patient, provider=mine_provider)
    response = api.patch(f"/appointments/{moved.id}", json={"provider_id": b.provider_id})
    assert response.status_code == 422


def test_a_signed_in_browser_session_is_no_api_credential(client, auth, owner):
    auth.login("dana@example.com")
    response = client.get("/api/v1/patients")
    assert response.status_code == 401


def test_api_posts_need_no_csrf_token(api, practice):
    assert api.post("/patients", json={"first_name": "Ana", "last_name": "Reyes",
                                       "mobile": "2015550123"}).status_code == 201
