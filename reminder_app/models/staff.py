"""People who work at a practice, and the signed-in sessions through which they use the app."""

import enum
import hashlib
import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .practice import Practice
from .types import UTCDateTime, enum_type, utcnow


class Role(enum.StrEnum):
    """What each role may do is listed in `reminder_app.permissions`."""

    OWNER = "owner"
    STAFF = "staff"
    READ_ONLY = "read_only"


class StaffUser(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(enum_type(Role), default=Role.STAFF)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Two-factor sign-in (`auth.two_factor`): the TOTP secret, encrypted like the Clickatell
    #: password; when it was turned on; the last time step used, so no code works twice.
    totp_secret_encrypted: Mapped[str | None] = mapped_column(String(256))
    two_factor_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None]

    practice: Mapped[Practice] = relationship()
    sessions: Mapped[list["StaffSession"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True)

    #: The raw token of the session this object was loaded through (set per request by
    #: `auth.sessions`, never stored).
    session_token = None
    #: When that session's idle sign-out falls, if it has one (also set per request).
    session_idle_ends = None
    #: And that session's row id (also per request).
    session_id = None

    def get_id(self) -> str | None:
        """What Flask-Login puts in the session and the remember cookie: the token of one
        signed-in session, never the row id, so a cookie dies with its session and can never
        name another user (ids of removed staff could be reused; tokens are not)."""
        return self.session_token

    @property
    def has_two_factor(self) -> bool:
        return self.two_factor_since is not None

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(
            password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<StaffUser {self.id} {self.email!r}>"


class LoginAttempt(db.Model):
    """One sign-in try, kept in the database so throttling holds across app processes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(45), index=True)
    succeeded: Mapped[bool]
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class StaffSession(db.Model):
    """One signed-in browser: what the session and remember cookies point at.

    Only a hash of the token is stored, so the table itself opens nothing. Deleting the row
    ends the session at once, everywhere its cookies are; removing the user deletes them all.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"),
                                         index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(45), default="")

    user: Mapped[StaffUser] = relationship(back_populates="sessions")

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class RecoveryCode(db.Model):
    """A one-time code for signing in when the authenticator app is lost; only its hash is
    kept, and using it marks it used."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"),
                                         index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
