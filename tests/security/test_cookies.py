"""The session and remember-me cookies: HttpOnly, SameSite=Lax, and Secure in production."""

from config import ProductionConfig


def cookie_headers(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def flags(header: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]} | {
        part.strip().lower() for part in header.split(";")[1:]}


def test_the_session_cookie_is_httponly_and_lax(client, auth, owner):
    response = auth.login("a@example.com", remember=True)
    cookies = cookie_headers(response)
    for name in ("session", "remember_token"):
        assert name in cookies, f"no {name} cookie set at sign-in"
        assert "httponly" in flags(cookies[name]), cookies[name]
        assert "samesite=lax" in flags(cookies[name]), cookies[name]


def test_production_sends_both_cookies_over_https_only(monkeypatch):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.REMEMBER_COOKIE_SECURE is True
    assert ProductionConfig.SESSION_COOKIE_HTTPONLY and ProductionConfig.REMEMBER_COOKIE_HTTPONLY


def test_a_secure_app_marks_the_cookies_secure(app, client, auth, owner):
    app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    response = auth.login("a@example.com", remember=True)
    for name, header in cookie_headers(response).items():
        assert "secure" in flags(header), f"{name}: {header}"


def test_signing_out_clears_the_remember_cookie(client, auth, owner):
    auth.login("a@example.com", remember=True)
    response = auth.logout()
    cleared = cookie_headers(response).get("remember_token", "")
    assert "expires=thu, 01 jan 1970" in cleared.lower() or "max-age=0" in cleared.lower()
