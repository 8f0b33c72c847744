"""A per-session token for the sandbox's own forms, without a Flask-WTF dependency."""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, request, session

FIELD = "csrf_token"


def token() -> str:
    if FIELD not in session:
        session[FIELD] = secrets.token_urlsafe(24)
    return session[FIELD]


def init_app(app: Flask, protected_blueprints: set[str]) -> None:
    """Every POST to a page blueprint must carry the session's token."""
    app.jinja_env.globals["csrf_token"] = token

    @app.before_request
    def check_csrf_token():
        if request.method != "POST" or request.blueprint not in protected_blueprints:
            return
        sent = request.form.get(FIELD, "")
        expected = session.get(FIELD, "")
        if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
            abort(400, description="The form's security token is missing or stale; reload it.")
