"""`safe_next`: a `next=` after sign-in, or after stopping a waitlist offer, only ever leads
to a page of our own, whatever spelling of another host it is given."""

from urllib.parse import quote

import pytest

from reminder_app.urls import safe_next
from tests.factories import DEFAULT_PASSWORD, make_practice

#: Known open-redirect bypasses (as they arrive, already percent-decoded once by the query
#: or form parser) and, for the encoded ones, what a browser would make of them.
HOSTILE = [
    "//evil.example/x", "///evil.example", "////evil.example",
    "/\\evil.example", "\\\\evil.example", "/\\/evil.example", "\\/evil.example",
    "/\t/evil.example/x", "/\n/evil.example", "/\r\n/evil.example", "/\r\nSet-Cookie: x=1",
    " //evil.example", "\t//evil.example", " /", "\x00//evil.example", "/\x00/evil.example",
    "http://evil.example", "https:evil.example", "HTTP://evil.example", "javascript:alert(1)",
    "JaVaScRiPt:alert(1)", "data:text/html,<script>", "evil.example", "@evil.example",
    "//user@evil.example", "//127.0.0.1%2f@evil.example", "/\u3000/evil.example",
    "/\uff0f\uff0fevil.example", "/\u2028//evil.example", "", None,
]
LOCAL = ["/", "/appointments/day?date=2026-03-09&provider=2", "/waitlist/#slot-3",
         "/%2F%2Fevil.example", "/@evil.example", "/a/b;c?x=a@b"]


@pytest.mark.parametrize("target", HOSTILE, ids=repr)
def test_another_host_in_any_spelling_falls_back(target):
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", LOCAL)
def test_a_path_of_our_own_is_kept(target):
    assert safe_next(target, "/home") == target


@pytest.fixture
def owner(app):
    return make_practice(owner_email="dana@example.com")


@pytest.mark.parametrize("target", [t for t in HOSTILE if t and "\x00" not in t], ids=repr)
def test_sign_in_never_redirects_to_another_host(client, owner, target):
    """(A NUL is refused before sign-in even starts: tests/security/test_hostile_input.py.)"""
    response = client.post(f"/auth/login?next={quote(target, safe='')}",
                           data={"email": "dana@example.com", "password": DEFAULT_PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
