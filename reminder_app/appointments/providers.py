"""The practice's providers (its doctors): added, and stopped or allowed to take bookings.

The rules live here, not in the views: a name is needed and not already used in the
practice (whatever its case), and stopping bookings leaves existing appointments as they
are. Like every service it changes the session and never commits; the view does.
"""

from sqlalchemy import select

from ..extensions import db
from ..models import Practice, Provider
from ..validation import FieldError

__all__ = ["add_provider", "set_bookable"]


def active_providers(practice: Practice) -> list[Provider]:
    """The practice's bookable providers, by name: the choices of every filter and form."""
    return list(db.session.scalars(
        select(Provider).where(Provider.practice_id == practice.id, Provider.active.is_(True))
        .order_by(Provider.name)))


def add_provider(practice: Practice, name: str) -> Provider:
    """A new provider who can be booked from now on."""
    name = (name or "").strip()
    if not name:
        raise FieldError("name", "Please give the provider's name.")
    names = db.session.scalars(select(Provider.name).where(Provider.practice_id == practice.id))
    if any(other.casefold() == name.casefold() for other in names):
        raise FieldError("name", "A provider already has that name.")
    provider = Provider(practice_id=practice.id, name=name)
    db.session.add(provider)
    return provider


def set_bookable(provider: Provider, bookable: bool) -> None:
    """Let the provider take new bookings, or stop them. Existing appointments stay as they
    are either way: they are the patients' and are moved or cancelled one by one."""
    provider.active = bookable
