"""Signing staff in, with throttling that slows a guesser without locking out the real user.

Three counts of failed sign-ins within one window (`LOGIN_WINDOW_MINUTES`), kept in the
database so they hold across every app process:

- one account from one address (`LOGIN_MAX_FAILURES`): the guesser at that address stops;
- one address, whatever the accounts (`LOGIN_MAX_ADDRESS_FAILURES`): password spraying stops;
- one account from anywhere (`LOGIN_MAX_ACCOUNT_FAILURES`), since its last success: a
  distributed guesser stops, but a browser where this person has signed in before (a
  "known device", `known_device=True`) is exempt, so a stranger cannot lock the real user out.

While a count is over its limit even the right password is refused and the try is not
counted, so a guesser learns nothing and cannot extend the lock. The address is
`request.remote_addr`, which names the client behind a proxy only when `PROXY_COUNT` says how
many proxies to trust (see `create_app`). The functions record attempts and never commit.
"""

from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from ..extensions import db
from ..models import LoginAttempt, StaffUser
from ..models.types import utcnow


class LoginRefused(Exception):
    """A sign-in that did not succeed; the message is safe to show to the person."""


class TooManyAttempts(LoginRefused):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def recent_failures(*, email: str | None = None, address: str | None = None,
                    now: datetime) -> int:
    since = now - timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    query = select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False)
    )
    if email is not None:
        last_success = select(func.max(LoginAttempt.at)).where(
            LoginAttempt.email == email, LoginAttempt.succeeded.is_(True)
        ).scalar_subquery()
        query = query.where(LoginAttempt.email == email,
                            (last_success.is_(None)) | (LoginAttempt.at > last_success))
    if address is not None:
        query = query.where(LoginAttempt.address == address)
    return db.session.scalar(query)


def check_not_throttled(email: str, address: str, *, known_device: bool,
                        now: datetime) -> None:
    config = current_app.config
    over = (
        recent_failures(email=email, address=address, now=now) >= config["LOGIN_MAX_FAILURES"]
        or recent_failures(address=address, now=now) >= config["LOGIN_MAX_ADDRESS_FAILURES"]
        or (not known_device and recent_failures(email=email, now=now)
            >= config["LOGIN_MAX_ACCOUNT_FAILURES"])
    )
    if over:
        raise TooManyAttempts(
            f"Too many failed sign-ins. For your security, please wait "
            f"{config['LOGIN_WINDOW_MINUTES']} minutes and try again, or sign in from a "
            "computer you have used here before."
        )


@cache
def dummy_hash(method: str) -> str:
    return generate_password_hash("not anyone's password", method=method)


def password_matches(user: StaffUser | None, password: str) -> bool:
    """Check the password; for an unknown e-mail, check it against a dummy hash of the same
    cost, so the answer's timing does not tell which addresses have accounts."""
    if user is None:
        StaffUser(password_hash=dummy_hash(
            current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))).check_password(password)
        return False
    return user.check_password(password)


def record_attempt(email: str, address: str, succeeded: bool, now: datetime) -> None:
    db.session.add(LoginAttempt(email=email, address=address, succeeded=succeeded, at=now))


def authenticate(email: str, password: str, address: str, *, known_device: bool = False,
                 now: datetime | None = None) -> StaffUser:
    """Return the staff member, or raise LoginRefused with a message for the person.

    The attempt is recorded either way; the caller (a view) commits it, also when it is refused."""
    now = now or utcnow()
    email = normalise_email(email)
    check_not_throttled(email, address, known_device=known_device, now=now)
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
    succeeded = password_matches(user, password)
    record_attempt(email, address, succeeded, now)
    if not succeeded:
        raise LoginRefused("That e-mail address and password do not match.")
    return user


class PasswordChangeRefused(Exception):
    """The message is for the person."""


def change_password(user: StaffUser, current: str, new: str) -> None:
    """Set a new password; the caller then ends the person's other sessions."""
    if not user.check_password(current):
        raise PasswordChangeRefused("Your current password is not right.")
    if current == new:
        raise PasswordChangeRefused("Choose a password you have not been using.")
    user.set_password(new)
