"""Managing who works at a practice and its API tokens, in the caller's transaction."""

from datetime import datetime

from sqlalchemy import func, select

from ..auth.service import normalise_email
from ..extensions import db
from ..models import ApiToken, Practice, Role, StaffUser
from ..models.types import utcnow


class StaffError(Exception):
    """A change to the staff list that cannot be made; the message is for the person."""


def add_staff(practice: Practice, *, name: str, email: str, password: str,
              role: Role = Role.STAFF) -> StaffUser:
    email = normalise_email(email)
    if db.session.scalar(select(StaffUser.id).where(StaffUser.email == email)):
        raise StaffError("Someone already signs in with that e-mail address.")
    user = StaffUser(practice=practice, name=name.strip(), email=email, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()  # the caller (a redirect, a JSON answer) needs its id
    return user


def remove_staff(user: StaffUser, *, acting: StaffUser) -> None:
    if user.id == acting.id:
        raise StaffError("You cannot remove yourself.")
    if user.is_owner:
        owners = db.session.scalar(select(func.count()).select_from(StaffUser).where(
            StaffUser.practice_id == user.practice_id, StaffUser.role == Role.OWNER))
        if owners <= 1:
            raise StaffError("A practice needs at least one owner.")
    db.session.delete(user)


def create_api_token(practice: Practice, name: str,
                     now: datetime | None = None) -> tuple[ApiToken, str]:
    """A new API token for the practice; the plaintext is returned once and never stored."""
    record, token = ApiToken.issue(practice.id, name.strip(), now or utcnow())
    db.session.add(record)
    db.session.flush()  # the caller (a redirect, a JSON answer) needs its id
    return record, token


def revoke_api_token(record: ApiToken, now: datetime | None = None) -> None:
    """From now on, calls with this token are refused."""
    record.revoke(now or utcnow())
