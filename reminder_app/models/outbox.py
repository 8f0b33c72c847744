"""The send-rate limit per long number, shared by every app process through the database."""

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class SendSlot(db.Model):
    """When the next text from `number` may leave, in microseconds since the Unix epoch.

    A sender takes a slot with one atomic UPDATE that moves `next_slot_us` on by one interval,
    so processes on several machines share one pace per number.
    """

    number: Mapped[str] = mapped_column(String(20), primary_key=True)
    next_slot_us: Mapped[int] = mapped_column(BigInteger, default=0)
