"""Tenancy in one place: every staff request sees only its own practice's records.

Views never filter by practice themselves; they ask `scoped(Model)` for a query or
`get_or_404(Model, id)` for one record. Another practice's record is a 404, never a leak.
An API request's practice is its token's (set by the `api` blueprint on `g`), and the same
helpers scope it. `current_actor()` says who is acting, for the event record: views pass it
to the services, which never read the request themselves.
"""

from datetime import datetime
from typing import TypeVar

from flask import abort, g
from flask_login import current_user
from sqlalchemy import Select, select

from .extensions import db
from .models import Actor, Practice
from .timezones import local

T = TypeVar("T")

#: The largest id a table can hold (PostgreSQL's INTEGER): a larger one names no record,
#: and must not reach the database, which would refuse to compare with it (a 500).
MAX_ID = 2**31 - 1


def current_practice() -> Practice:
    api_practice = g.get("api_practice")
    if api_practice is not None:
        return api_practice
    if not current_user.is_authenticated:
        abort(401)
    return current_user.practice


def current_actor() -> Actor:
    """Who this request acts as: its API token, or the signed-in staff member."""
    api_token = g.get("api_token")
    if api_token is not None:
        return Actor.api_token(api_token)
    if not current_user.is_authenticated:
        abort(401)
    return Actor.staff(current_user)
def local_time(moment: datetime | None, pattern: str = "%H:%M") -> str:
    """An instant as the current practice's wall-clock time (the templates' `local` filter)."""
    if moment is None:
        return ""
    return local(moment, current_practice().zone).strftime(pattern)


def scoped(model: type[T]) -> Select[tuple[T]]:
    return select(model).where(model.practice_id == current_practice().id)


def get_or_404(model: type[T], record_id: int) -> T:
    if not 0 < record_id <= MAX_ID:
        abort(404)
    record = db.session.scalar(scoped(model).where(model.id == record_id))
    if record is None:
        abort(404)
    return record
