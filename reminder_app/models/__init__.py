"""What the business is made of. Each area of the product keeps its models in a module here;
importing this package registers them all with SQLAlchemy (and so with Alembic)."""

from .clickatell_account import ClickatellAccount
from .practice import Practice
from .staff import LoginAttempt, Role, StaffUser

__all__ = ["ClickatellAccount", "LoginAttempt", "Practice", "Role", "StaffUser"]
