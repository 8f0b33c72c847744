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
