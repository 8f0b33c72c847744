"""A practice's own reply words, on top of the built-in ones (inbound/understanding.py)."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, enum_type, utcnow


class Intent(enum.StrEnum):
    """What a patient's reply means. Here, with the words that store it, so that models never
    import the inbound package that reads replies (inbound/understanding.py)."""

    CONFIRM = "confirm"
    CANCEL_APPOINTMENT = "cancel_appointment"
    RESCHEDULE = "reschedule"
    HELP = "help"
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    FREE_TEXT = "free_text"

    @property
    def label(self) -> str:
        return INTENT_LABELS[self]


INTENT_LABELS = {
    Intent.CONFIRM: "Confirm",
    Intent.CANCEL_APPOINTMENT: "Cancel the appointment",
    Intent.RESCHEDULE: "Reschedule request",
    Intent.HELP: "Help",
    Intent.OPT_OUT: "Opt out (STOP)",
    Intent.OPT_IN: "Opt back in (START)",
    Intent.FREE_TEXT: "Free text",
}


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
