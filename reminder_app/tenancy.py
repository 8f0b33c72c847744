"""Tenancy in one place: every staff request sees only its own practice's records.

Views never filter by practice themselves; they ask `scoped(Model)` for a query or
`get_or_404(Model, id)` for one record. Another practice's record is a 404, never a leak.
An API request's practice is its token's (set by the `api` blueprint on `g`), and the same
helpers scope it. `current_actor()` says who is acting, for the event record: views pass it
to the services, which never read the request themselves.
"""

from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from flask import abort, g
from flask_login import current_user
from sqlalchemy import Select, select

from .extensions import db
from .models import Actor, Appointment, Location, Practice, site_zone
from .timezones import local, on_site_clock

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


def site_clock(site: Location | None) -> ZoneInfo:
    """The clock a visit at `site` is entered and shown on, for the current practice."""
    return site_zone(site, current_practice().zone)


def site_time(appointment: Appointment, pattern: str = "%H:%M",
              moment: datetime | None = None) -> str:
    """When an appointment starts (or `moment`, e.g. its end) on its site's clock, with the
    zone's name where that differs from the practice's (the templates' `site_time` filter)."""
    return on_site_clock(moment or appointment.starts_at, site_clock(appointment.location),
                         current_practice().zone, pattern)


def site_span(appointment: Appointment) -> str:
    """Its start and end on its site's clock, the zone named once: "09:00–09:15 MST"."""
    starts = local(appointment.starts_at, site_clock(appointment.location)).strftime("%H:%M")
    return f"{starts}–{site_time(appointment, moment=appointment.ends_at)}"


def site_local(moment: datetime, site: Location | None, pattern: str = "%H:%M",
               named: bool = False) -> str:
    """An instant as a form for `site` would take it (the day view's free-time links);
    `named`: with the zone's name where the site's clock differs from the practice's."""
    if named:
        return on_site_clock(moment, site_clock(site), current_practice().zone, pattern)
    return local(moment, site_clock(site)).strftime(pattern)


def scoped(model: type[T]) -> Select[tuple[T]]:
    return select(model).where(model.practice_id == current_practice().id)


def get_or_404(model: type[T], record_id: int) -> T:
    if not 0 < record_id <= MAX_ID:
        abort(404)
    record = db.session.scalar(scoped(model).where(model.id == record_id))
    if record is None:
        abort(404)
    return record
