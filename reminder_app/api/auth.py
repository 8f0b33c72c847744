"""Who is calling: the practice of a valid API token, or nobody."""

from datetime import datetime, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import ApiToken
from ..models.api_tokens import hash_token

LAST_USED_PRECISION = timedelta(minutes=1)


def bearer_token(authorization: str | None) -> str | None:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def token_for(authorization: str | None, now: datetime) -> ApiToken | None:
    """The active token the header carries, with its last use noted (to the minute) in the
    caller's transaction."""
    token = bearer_token(authorization)
    if token is None:
        return None
    record = db.session.scalar(select(ApiToken).where(
        ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None)))
    if record is not None and (record.last_used_at is None
                               or now - record.last_used_at >= LAST_USED_PRECISION):
        record.last_used_at = now
    return record
