from datetime import timedelta

import pytest

from reminder_app.auth.service import LoginRefused, TooManyAttempts, authenticate
from reminder_app.models.types import utcnow
from tests.factories import DEFAULT_PASSWORD, make_practice


@pytest.fixture
def owner(app):
    return make_practice(owner_email="dana@example.com")


def test_right_password_signs_in_and_shows_the_dashboard(client, auth, owner):
    response = auth.login("dana@example.com")
    assert response.status_code == 303
    page = client.get("/")
    assert page.status_code == 200
    assert owner.practice.name in page.get_data(as_text=True)


def test_email_is_not_case_sensitive(client, auth, owner):
    assert auth.login("  Dana@Example.COM ").status_code == 303


def test_wrong_password_is_refused_with_a_message(client, auth, owner):
    response = auth.login("dana@example.com", "wrong-password")
    assert response.status_code == 200
    assert "do not match" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_pages_need_a_signed_in_user(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_five_failures_lock_the_account_even_for_the_right_password(client, auth, owner):
    for _ in range(5):
        auth.login("dana@example.com", "wrong-password")
    response = auth.login("dana@example.com")
    assert response.status_code == 200
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_the_lock_lifts_after_the_window(app, owner):
    start = utcnow() - timedelta(minutes=20)
    for _ in range(5):
        with pytest.raises(LoginRefused):
            authenticate("dana@example.com", "wrong", "10.0.0.1", now=start)
    with pytest.raises(TooManyAttempts):
        authenticate("dana@example.com", DEFAULT_PASSWORD, "10.0.0.2",
                     now=start + timedelta(minutes=1))
    assert authenticate("dana@example.com", DEFAULT_PASSWORD, "10.0.0.2").id == owner.id


def test_failures_from_one_address_across_accounts_lock_that_address(app, owner):
    now = utcnow()
    for n in range(5):
        with pytest.raises(LoginRefused):
            authenticate(f"nobody{n}@example.com", "guess", "10.9.9.9", now=now)
    with pytest.raises(TooManyAttempts):
        authenticate("dana@example.com", DEFAULT_PASSWORD, "10.9.9.9", now=now)
    assert authenticate("dana@example.com", DEFAULT_PASSWORD, "10.1.1.1", now=now).id == owner.id


def test_a_success_clears_the_account_failures(app, owner):
    now = utcnow()
    for _ in range(4):
        with pytest.raises(LoginRefused):
            authenticate("dana@example.com", "wrong", "10.0.0.1", now=now)
    authenticate("dana@example.com", DEFAULT_PASSWORD, "10.0.0.2", now=now)
    for _ in range(4):
        with pytest.raises(LoginRefused):
            authenticate("dana@example.com", "wrong", "10.0.0.3", now=now)
    assert authenticate("dana@example.com", DEFAULT_PASSWORD, "10.0.0.4", now=now).id == owner.id


def test_logout_ends_the_session(client, auth, owner):
    auth.login("dana@example.com")
    assert auth.logout().status_code == 303
    assert client.get("/").status_code == 302


def test_remember_me_sets_an_httponly_lax_cookie(client, auth, owner):
    response = auth.login("dana@example.com", remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert remember and "HttpOnly" in remember[0] and "SameSite=Lax" in remember[0]
    session = [c for c in cookies if c.startswith("session=")]
    assert session and "HttpOnly" in session[0] and "SameSite=Lax" in session[0]


def test_next_parameter_never_leaves_the_site(client, owner):
    response = client.post("/auth/login?next=//evil.example/x",
                           data={"email": "dana@example.com", "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/"
