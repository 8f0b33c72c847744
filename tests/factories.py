"""Small builders for test records, so a test states only what matters to it."""

from itertools import count

from reminder_app.cli import create_practice_with_owner
from reminder_app.extensions import db
from reminder_app.models import Role, StaffUser

DEFAULT_PASSWORD = "correct-horse-1"
_numbers = count(1)


def make_practice(name: str | None = None, *, owner_email: str | None = None,
                  timezone: str = "America/New_York", country: str = "US") -> StaffUser:
    """A practice with its owner; returns the owner (the practice is `owner.practice`)."""
    n = next(_numbers)
    return create_practice_with_owner(
        practice_name=name or f"Practice {n}", owner_name=f"Owner {n}",
        email=owner_email or f"owner{n}@example.com", password=DEFAULT_PASSWORD,
        country=country, timezone=timezone, phone="+12015550100",
    )


def make_staff(practice, *, email: str | None = None, role: Role = Role.STAFF) -> StaffUser:
    n = next(_numbers)
    user = StaffUser(practice=practice, name=f"Staff {n}", email=email or f"staff{n}@example.com",
                     role=role)
    user.set_password(DEFAULT_PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user
