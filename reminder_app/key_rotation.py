"""`flask rotate-field-keys`: every stored secret re-encrypted with the newest field key.

Rotating `FIELD_ENCRYPTION_KEY`: put the new key in front (`new,old`), restart, run this,
then drop the old key. Until then both keys read; afterwards nothing needs the old one.
"""

from dataclasses import dataclass

from sqlalchemy import select

from . import crypto
from .extensions import db
from .models import ClickatellAccount, StaffUser

#: Every column that holds a secret encrypted with `crypto` (model, attribute).
ENCRYPTED_COLUMNS = (
    (ClickatellAccount, "password_encrypted"),
    (ClickatellAccount, "api_key_encrypted"),
    (StaffUser, "totp_secret_encrypted"),
)


@dataclass
class Rotation:
    rotated: int = 0
    unreadable: int = 0  # encrypted with a key no longer configured: left as it is


def rotate_stored_secrets() -> Rotation:
    """Re-encrypt each secret in the session (the caller commits). A secret no configured
    key can read is counted and left untouched, never overwritten."""
    result = Rotation()
    for model, attribute in ENCRYPTED_COLUMNS:
        column = getattr(model, attribute)
        for record in db.session.scalars(select(model).where(column.is_not(None))
                                         .order_by(model.id)):
            try:
                setattr(record, attribute, crypto.rotate(getattr(record, attribute)))
            except ValueError:
                result.unreadable += 1
                continue
            result.rotated += 1
    return result
