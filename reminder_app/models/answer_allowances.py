"""How many automatic answers a number that is no patient's has had lately
(`inbound/answer_policy.py`): kept in the database, so every process counts the same."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class AnswerAllowance(db.Model):
    """One row per practice and number: the answers sent to it since `window_started_at`.

    Taken by one conditional UPDATE (`answer_policy.take_allowance`), so two callbacks from
    the same number answered at once by two processes cannot both take the last answer.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    number: Mapped[str] = mapped_column(String(20))
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answers: Mapped[int]

    __table_args__ = (
        UniqueConstraint("practice_id", "number"),
        CheckConstraint("answers >= 0", name="answers_not_negative"),
    )
