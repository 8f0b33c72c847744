"""Tokens that practice-management systems use to call the JSON API for one practice."""

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow

TOKEN_PREFIX = "rk_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(db.Model):
    """Only the token's SHA-256 is kept; the token itself is shown once, when created."""

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @classmethod
    def issue(cls, practice_id: int, name: str, now: datetime) -> tuple["ApiToken", str]:
        """A new token record and the plaintext token (to be shown once, then forgotten)."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        record = cls(practice_id=practice_id, name=name, token_hash=hash_token(token),
                     prefix=token[:10], created_at=now)
        return record, token

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix}… practice={self.practice_id}>"
