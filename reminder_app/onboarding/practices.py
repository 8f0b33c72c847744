"""A new practice and its owner: what every way of signing up creates, written once.

The Connect sign-up (a new Clickatell account) and the Platform sign-up (an existing one) ask
the same practice and owner details and refuse the same taken e-mail; each adds its own
Clickatell account row. Nothing here commits: the views do.
"""

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import Practice, Role, StaffUser

EMAIL_TAKEN = ("Someone already signs in here with that e-mail address. Sign in instead, or "
               "use another address.")


@dataclass(frozen=True)
class NewPractice:
    """The practice and its owner as the sign-up form gave them."""

    practice_name: str
    address: str
    country: str
    timezone: str
    phone: str
    first_name: str
    surname: str
    email: str
    mobile: str
    password: str

    def __repr__(self) -> str:  # never the password
        return f"{type(self).__name__}(email={self.email!r}, ...)"


def email_taken(email: str) -> bool:
    """Whether someone signs in here with this (normalised) e-mail already: sign-up never
    signs anyone in to an existing account."""
    return db.session.scalar(select(StaffUser.id).where(StaffUser.email == email)) is not None


def practice_and_owner(details: NewPractice, email: str) -> StaffUser:
    """The practice and its owner, not yet in the session (the caller adds them with the
    practice's Clickatell account); returns the owner."""
    practice = Practice(name=details.practice_name, country=details.country,
                        timezone=details.timezone, phone=details.phone, address=details.address)
    owner = StaffUser(practice=practice, email=email, role=Role.OWNER,
                      name=f"{details.first_name} {details.surname}")
    owner.set_password(details.password)
    return owner
