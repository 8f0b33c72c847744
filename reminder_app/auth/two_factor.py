"""Two-factor sign-in: a TOTP authenticator app (RFC 6238, with pyotp), and recovery codes.

HIPAA's security rule asks for "person or entity authentication"; a password alone is one
phishing e-mail from a practice's records. Here:

- enrolling shows a new secret (as a QR code and as text) and keeps it only once the person
  has typed a code from their app, so nobody is locked out by a half-done set-up;
- a code is accepted within one 30-second step either side (clocks drift), and never twice
  (`totp_last_step`), so a code seen over a shoulder is worth nothing afterwards;
- ten recovery codes, shown once, each working once, stand in for a lost phone;
- an owner can require it for the whole practice (`Practice.require_two_factor`): staff who
  have not enrolled are sent to enrol before any other page.

The functions change rows and never commit; the views own the transaction.
"""

import base64
import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from flask import flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import delete, func, select

from .. import crypto
from ..extensions import db
from ..models import RecoveryCode, StaffUser
from ..models.staff import hash_token
from ..models.types import utcnow

ISSUER = "Reminder App"
RECOVERY_CODES = 10


class CodeRefused(Exception):
    """The message is for the person."""


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: StaffUser, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_data_uri(uri: str) -> str:
    """The enrolment QR code as an SVG data URI (the page's CSP allows data: images)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def matching_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step the code belongs to (this one or one either side), or None; a step at
    or before the last one used is refused, so no code works twice."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = int(now.timestamp()) // totp.interval
    for candidate in (step, step - 1, step + 1):
        if last_step is not None and candidate <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def enrol(user: StaffUser, secret: str, code: str, now: datetime | None = None) -> list[str]:
    """Turn two-factor sign-in on with this secret once a code from it is right; returns
    the recovery codes, to be shown once."""
    now = now or utcnow()
    step = matching_step(secret, code, now, None)
    if step is None:
        raise CodeRefused("That code is not right. Type the 6 digits your app shows now.")
    user.totp_secret_encrypted = crypto.encrypt(secret)
    user.two_factor_since = now
    user.totp_last_step = step
    return new_recovery_codes(user)


def new_recovery_codes(user: StaffUser) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_token(code))
                       for code in codes)
    return codes


def verify(user: StaffUser, code: str, now: datetime | None = None) -> bool:
    """A code from the app, or an unused recovery code; either is then used up."""
    now = now or utcnow()
    if not user.has_two_factor:
        return False
    step = matching_step(crypto.decrypt(user.totp_secret_encrypted), code, now,
                         user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        return True
    recovery = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
        RecoveryCode.code_hash == hash_token(code.strip().lower())))
    if recovery is None:
        return False
    recovery.used_at = now
    return True


def recovery_codes_left(user: StaffUser) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def turn_off(user: StaffUser) -> None:
    if user.practice.require_two_factor:
        raise CodeRefused("Your practice requires two-factor sign-in, so it stays on.")
    user.totp_secret_encrypted = None
    user.two_factor_since = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def must_enrol(user: StaffUser) -> bool:
    return user.practice.require_two_factor and not user.has_two_factor


#: Where someone who must enrol may still go: the enrolment itself, signing out, assets.
OPEN_WHILE_ENROLLING = frozenset({"auth.two_factor_setup", "auth.logout", "auth.idle_status",
                                  "auth.keep_alive", "static", "bootstrap.static"})


def require_enrolment():
    """Before each request: a practice that requires two-factor sign-in gets it from
    everyone, before any of its records are shown."""
    if (current_user.is_authenticated and request.endpoint not in OPEN_WHILE_ENROLLING
            and must_enrol(current_user)):
        flash("Your practice requires two-factor sign-in. Set it up to go on.", "info")
        return redirect(url_for("auth.two_factor_setup"))
    return None


def init_app(app) -> None:
    app.before_request(require_enrolment)
