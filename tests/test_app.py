import pytest
from sqlalchemy import func, select

from reminder_app import create_app
from reminder_app.extensions import db
from reminder_app.models import StaffUser
from tests.factories import make_practice


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    from config import ProductionConfig

    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "dev-only-secret-key-change-me")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI":
                      "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_a_post_without_csrf_token_is_refused_and_changes_nothing(client, auth):
    make_practice(owner_email="dana@example.com")
    auth.login("dana@example.com")
    before = db.session.scalar(select(func.count()).select_from(StaffUser))
    response = client.post("/settings/staff", csrf=False, data={
        "name": "Sam", "email": "sam@example.com", "role": "staff",
        "password": "long-enough-1", "confirm": "long-enough-1"})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(StaffUser)) == before


def test_login_without_csrf_token_is_refused(client):
    make_practice(owner_email="dana@example.com")
    response = client.post("/auth/login", csrf=False,
                           data={"email": "dana@example.com", "password": "correct-horse-1"})
    assert response.status_code == 400


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "We could not find that page." in response.get_data(as_text=True)


def test_every_answer_carries_security_headers(client):
    headers = client.get("/auth/login").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_pages_use_local_bootstrap_assets_only(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert "cdn.jsdelivr" not in page and "https://" not in page
    assert "/bootstrap/static/css/bootstrap.min.css" in page


def test_every_input_on_the_login_page_has_a_label(client):
    import re

    page = client.get("/auth/login").get_data(as_text=True)
    kinds = "(?:text|email|password|checkbox)"
    ids = re.findall(rf'<input[^>]*\bid="([^"]+)"[^>]*type="{kinds}"', page)
    ids += re.findall(rf'<input[^>]*type="{kinds}"[^>]*\bid="([^"]+)"', page)
    assert ids
    for field_id in set(ids):
        assert f'for="{field_id}"' in page, f"input {field_id} has no label"


def test_seed_demo_creates_one_owner_and_prints_the_login_once(app, runner):
    app.config["CLICKATELL_API_URL"] = "http://127.0.0.1:9"  # no sandbox (see test_demo.py)
    first = runner.invoke(args=["seed-demo"])
    assert "owner@demo.example" in first.output and "password:" in first.output
    second = runner.invoke(args=["seed-demo"])
    assert "nothing seeded" in second.output
    assert db.session.scalar(select(func.count()).select_from(StaffUser)) == 1
