"""Signing staff in, with throttling that holds across every app process."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

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


def authenticate(email: str, password: str, address: str,
                 now: datetime | None = None) -> StaffUser:
    """Return the staff member, or raise LoginRefused with a message for the person.

    While an account or an address is throttled, even the right password is refused and the
    try is not counted, so a guesser learns nothing and cannot extend the lock forever.
    """
    now = now or utcnow()
    email = normalise_email(email)
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    minutes = current_app.config["LOGIN_WINDOW_MINUTES"]
    if (recent_failures(email=email, now=now) >= limit
            or recent_failures(address=address, now=now) >= limit):
        raise TooManyAttempts(
            f"Too many failed sign-ins. For your security, please wait {minutes} minutes "
            "and try again."
        )
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
    succeeded = user is not None and user.check_password(password)
    db.session.add(LoginAttempt(email=email, address=address, succeeded=succeeded, at=now))
    db.session.commit()
    if not succeeded:
        raise LoginRefused("That e-mail address and password do not match.")
    return user
