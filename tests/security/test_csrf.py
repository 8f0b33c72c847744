"""Every form of the staff web app is protected against cross-site request forgery: a
POST without the session's CSRF token is refused with 400 and changes nothing. (The API
is token-authenticated and the webhooks secret-authenticated: neither reads a cookie.)"""

from itsdangerous import URLSafeTimedSerializer

from .conftest import snapshot, staff_rules, url_for_rule

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def unsafe_rules(app):
    return [(rule, method) for method in UNSAFE for rule in staff_rules(app, method)]


def test_every_staff_form_is_covered_by_this_walk(app):
    assert len(unsafe_rules(app)) >= 30  # a regression in the walk itself shows here


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(app, signed_in, records):
    before = snapshot()
    refused = []
    for rule, method in unsafe_rules(app):
        url = url_for_rule(rule, records)
        response = signed_in.open(url, method=method, data={"name": "Forged"})
        assert response.status_code == 400, f"{method} {url} answered {response.status_code}"
        refused.append(url)
    assert snapshot() == before, "a request without a CSRF token changed the database"
    assert "/auth/logout" in refused and "/signup" in refused


def test_a_token_from_another_session_is_refused_too(app, signed_in, records):
    # A token as the app signs them, but for another session's secret (fetched through
    # another client it would be this one: the tests share one app context, so `g` caches it).
    foreign = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps("0" * 40)
    before = snapshot()
    response = signed_in.post("/patients/new", csrf=False, data={
        "csrf_token": foreign, "first_name": "Forged", "last_name": "Patient",
        "mobile": "+12015550199"})
    assert response.status_code == 400
    assert snapshot() == before


# ------------------------------------------------------------------ tokens that end
# Issue #20, finding 14: tokens never expired and survived signing in.

def test_a_token_read_before_signing_in_is_refused_afterwards(client, auth, owner):
    before = client.csrf_token()
    assert auth.login("a@example.com").status_code == 303
    response = client.post("/auth/logout", csrf=False, data={"csrf_token": before})
    assert response.status_code == 400
    assert client.post("/auth/logout").status_code == 303  # a fresh token works


def test_a_token_read_while_signed_in_is_refused_after_signing_out(client, auth, owner):
    auth.login("a@example.com")
    signed_in_token = client.csrf_token()
    assert auth.logout().status_code == 303
    response = client.post("/auth/login", csrf=False, data={
        "csrf_token": signed_in_token, "email": "a@example.com", "password": "x"})
    assert response.status_code == 400


def _hours_later(monkeypatch, hours: float) -> None:
    from itsdangerous.timed import TimestampSigner

    now = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda self: now(self) + int(hours * 3600))


def test_a_token_lasts_a_working_day(client, auth, owner, monkeypatch):
    auth.login("a@example.com")
    token = client.csrf_token()
    _hours_later(monkeypatch, 7.9)
    assert client.post("/auth/logout", csrf=False, data={"csrf_token": token}).status_code \
        == 303


def test_a_token_older_than_eight_hours_is_refused(client, auth, owner, monkeypatch):
    auth.login("a@example.com")
    token = client.csrf_token()
    _hours_later(monkeypatch, 8.1)
    response = client.post("/auth/logout", csrf=False, data={"csrf_token": token})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
