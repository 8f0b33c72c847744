"""What the business is made of. Each area of the product keeps its models in a module here;
importing this package registers them all with SQLAlchemy (and so with Alembic)."""

from .practice import Practice
from .staff import LoginAttempt, Role, StaffUser

__all__ = ["LoginAttempt", "Practice", "Role", "StaffUser"]
