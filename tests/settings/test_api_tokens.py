"""Owners create API tokens (shown once, stored hashed) and revoke them."""

import re

import pytest
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import ApiToken
from reminder_app.models.api_tokens import hash_token
from reminder_app.settings.service import create_api_token
from tests.factories import make_practice, make_staff


@pytest.fixture
def owner(app):
    return make_practice(owner_email="dana@example.com")


def test_an_owner_creates_a_token_shown_once_and_stored_hashed(client, auth, owner):
    auth.login("dana@example.com")
    response = client.post("/settings/api-tokens", data={"name": "Practice PMS"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = re.search(r'id="new-token">(rk_[^<]+)<', page).group(1)
    record = db.session.scalar(select(ApiToken))
    assert record.token_hash == hash_token(token) and record.name == "Practice PMS"
    assert record.practice_id == owner.practice_id
    later = client.get("/settings/api-tokens").get_data(as_text=True)
    assert token not in later and f"{record.prefix}…" in later and "Practice PMS" in later
    assert client.get("/api/v1/providers",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_token_needs_a_name(client, auth, owner):
    auth.login("dana@example.com")
    page = client.post("/settings/api-tokens", data={"name": ""}).get_data(as_text=True)
    assert "This field is required." in page and 'id="new-token"' not in page
    assert db.session.scalar(select(ApiToken)) is None


def test_an_owner_revokes_a_token(client, auth, owner):
    record, token = create_api_token(owner.practice, "Old PMS")
    auth.login("dana@example.com")
    response = client.post(f"/settings/api-tokens/{record.id}/revoke")
    assert response.status_code == 303
    db.session.expire_all()
    assert record.revoked_at is not None
    assert "Revoked" in client.get("/settings/api-tokens").get_data(as_text=True)
    assert client.get("/api/v1/providers",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_staff_who_are_not_owners_cannot_see_create_or_revoke_tokens(client, auth, owner):
    record, _ = create_api_token(owner.practice, "PMS")
    make_staff(owner.practice, email="sam@example.com")
    auth.login("sam@example.com")
    assert client.get("/settings/api-tokens").status_code == 403
    assert client.post("/settings/api-tokens", data={"name": "Mine"}).status_code == 403
    assert client.post(f"/settings/api-tokens/{record.id}/revoke").status_code == 403
    db.session.expire_all()
    assert record.revoked_at is None and len(db.session.scalars(select(ApiToken)).all()) == 1
    assert "API tokens" not in client.get("/settings/staff").get_data(as_text=True)


def test_revoking_without_csrf_changes_nothing(client, auth, owner):
    record, _ = create_api_token(owner.practice, "PMS")
    auth.login("dana@example.com")
    assert client.post(f"/settings/api-tokens/{record.id}/revoke", csrf=False
                       ).status_code == 400
    db.session.expire_all()
    assert record.revoked_at is None
