"""Every page of the staff web app carries the security headers, and nothing on it needs
them relaxed: no inline script or style, no event-handler attributes, no framing."""

import re
from pathlib import Path

import pytest

from reminder_app.security import content_security_policy

from .conftest import staff_rules, url_for_rule

TEMPLATES = Path(__file__).resolve().parents[2] / "reminder_app" / "templates"
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"(?<![\w-])style\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.IGNORECASE)


def directives(header: str) -> dict[str, list[str]]:
    return {name: values for name, *values in
            (part.split() for part in header.split(";") if part.strip())}


def assert_protected(response, what: str) -> None:
    csp = response.headers.get("Content-Security-Policy")
    assert csp, f"{what}: no Content-Security-Policy"
    policy = directives(csp)
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts and "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, what
    assert "*" not in scripts, what
    assert "'unsafe-inline'" not in policy.get("style-src", policy.get("default-src")), what
    assert (policy.get("frame-ancestors") == ["'none'"]
            or response.headers.get("X-Frame-Options") in ("DENY", "SAMEORIGIN")), what
    assert response.headers.get("X-Content-Type-Options") == "nosniff", what


def assert_no_inline_code(html: str, what: str) -> None:
    for pattern in (INLINE_SCRIPT, STYLE_ATTRIBUTE, STYLE_ELEMENT, EVENT_HANDLER,
                    JAVASCRIPT_URL):
        match = pattern.search(html)
        assert match is None, f"{what}: inline code the CSP would block: {match.group(0)!r}"


def test_every_staff_page_signed_in_carries_the_headers_and_no_inline_code(
        app, signed_in, records):
    pages = 0
    for rule in staff_rules(app, "GET"):
        url = url_for_rule(rule, records)
        response = signed_in.get(url)
        assert response.status_code < 500, f"GET {url} answered {response.status_code}"
        assert_protected(response, f"GET {url}")
        if response.mimetype == "text/html":
            assert_no_inline_code(response.get_data(as_text=True), f"GET {url}")
            pages += 1
    assert pages >= 20


@pytest.mark.parametrize("url", ["/auth/login", "/signup", "/no-such-page", "/healthz",
                                 "/api/v1/openapi.json", "/webhooks/clickatell/x/status"])
def test_public_answers_and_errors_carry_the_headers_too(client, url):
    response = client.get(url)
    assert_protected(response, f"GET {url}")
    if response.mimetype == "text/html":
        assert_no_inline_code(response.get_data(as_text=True), f"GET {url}")


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")),
                         ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_no_template_has_inline_script_or_style(template):
    assert_no_inline_code(template.read_text(), str(template.relative_to(TEMPLATES)))


def test_the_policy_allows_only_our_own_scripts_and_the_providers_form_targets():
    policy = directives(content_security_policy(["https://connect.clickatell.com/x",
                                                 "https://api.clickatell.com"]))
    assert policy["script-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["form-action"] == ["'self'", "https://api.clickatell.com",
                                     "https://connect.clickatell.com"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'self'"]


# ------------------------------------------------------------------ caching and HSTS
# Issue #20, finding 13.

def test_every_signed_in_staff_page_is_never_stored_by_a_browser_or_proxy(app, signed_in,
                                                                          records):
    for rule in staff_rules(app, "GET"):
        url = url_for_rule(rule, records)
        response = signed_in.get(url)
        assert "no-store" in response.headers.get("Cache-Control", ""), f"GET {url}"


def test_api_answers_are_never_stored_either(client, owner):
    from reminder_app.settings.service import create_api_token

    headers = {"Authorization": f"Bearer {create_api_token(owner.practice, 'PMS')[1]}"}
    for url in ("/api/v1/patients", "/api/v1/appointments", "/api/v1/patients/999"):
        response = client.get(url, headers=headers)
        assert response.headers.get("Cache-Control") == "no-store", url


@pytest.mark.parametrize("url", ["/static/css/app.css",
                                 "/bootstrap/static/css/bootstrap.min.css"])
def test_static_files_keep_their_caching(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_hsts_is_on_in_production_only():
    from config import DevelopmentConfig, ProductionConfig, TestingConfig

    assert ProductionConfig.HSTS_SECONDS >= 180 * 24 * 3600
    assert DevelopmentConfig.HSTS_SECONDS == TestingConfig.HSTS_SECONDS == 0


def test_an_app_with_hsts_sends_it_on_every_answer(app_config):
    from reminder_app import create_app

    app = create_app({**app_config, "HSTS_SECONDS": 31536000})
    client = app.test_client()
    for url in ("/auth/login", "/no-such-page", "/static/css/app.css"):
        response = client.get(url)
        assert response.headers.get("Strict-Transport-Security") == "max-age=31536000", url
        response.close()


def test_without_hsts_no_header_is_sent(client):
    assert "Strict-Transport-Security" not in client.get("/auth/login").headers
