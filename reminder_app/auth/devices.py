"""The "known device" cookie: this browser has signed in as these people before.

It exempts the real user from the account-wide lock that a stranger's failed guesses can
raise (see `auth.service`), the OWASP "device cookie" defence. It names no one: it holds
keyed hashes of the e-mail addresses, signed so it cannot be made up.
"""

import hashlib
import hmac

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "known_device"
MAX_ACCOUNTS = 5
MAX_AGE = 180 * 24 * 3600


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="known-device")


def _mark(email: str) -> str:
    key = current_app.secret_key.encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


def _marks() -> list[str]:
    try:
        marks = _serializer().loads(request.cookies.get(COOKIE, ""))
    except BadSignature:
        return []
    return [m for m in marks if isinstance(m, str)] if isinstance(marks, list) else []


def is_known(email: str) -> bool:
    return _mark(email) in _marks()


def remember(response, email: str) -> None:
    marks = [m for m in _marks() if m != _mark(email)]
    marks = [_mark(email), *marks][:MAX_ACCOUNTS]
    response.set_cookie(COOKIE, _serializer().dumps(marks), max_age=MAX_AGE, httponly=True,
                        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
