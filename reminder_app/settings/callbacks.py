"""Replacing the practice's callback secret: the key in the addresses Clickatell calls.

Whoever holds the secret can forge replies and delivery reports (and, before the answer
policy, make the practice text any number), so an owner who thinks it was seen replaces it.
Clickatell keeps calling the old addresses until the owner gives it the new ones, and the
Connect API has no call that changes an existing connection's callback URL (only
`create_connection` takes one), so the old secret is accepted for an overlap
(`CALLBACK_SECRET_OVERLAP_HOURS`, default 24) and refused after it. What the app configures
itself follows the new secret: a messaging connection created, or a number applied for,
after the change is given the new addresses (`gateways.callback_url` reads the secret when
called).
"""

from datetime import datetime, timedelta

from flask import current_app

from ..models import ClickatellAccount
from ..models.types import utcnow


def replace_callback_secret(account: ClickatellAccount,
                            now: datetime | None = None) -> datetime:
    """Give the account a new secret; return until when the old one still works."""
    overlap = timedelta(hours=current_app.config["CALLBACK_SECRET_OVERLAP_HOURS"])
    account.rotate_callback_secret(now or utcnow(), overlap)
    return account.previous_secret_until


def old_secret_works_until(account: ClickatellAccount,
                           now: datetime | None = None) -> datetime | None:
    """Until when the replaced secret is still accepted; None if none is."""
    return account.previous_secret_until if account.previous_secret_works(now or utcnow()) \
        else None
