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
