"""A practice's own reply words, on top of the built-in ones (inbound/understanding.py)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..inbound.understanding import Intent
from .types import UTCDateTime, enum_type, utcnow


class PracticeKeyword(db.Model):
    """One more word patients of this practice may reply with, e.g. "VEN" for confirm.

    `word` is stored normalised (lower case, no accents, spaces or punctuation), as replies
    are looked up.
    """

    __table_args__ = (UniqueConstraint("practice_id", "word"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))  # the unique index
    word: Mapped[str] = mapped_column(String(40))
    intent: Mapped[Intent] = mapped_column(enum_type(Intent))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<PracticeKeyword {self.word!r} → {self.intent}>"
