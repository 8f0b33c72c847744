"""The texts of the waitlist: the offer of a freed slot, and the answers to a reply to it
(their words are in the one catalog, reminder_app/sms_texts.py).

Like the other automatic answers (inbound/answers.py) they are GSM-7, one SMS part with a
practice and provider name of ordinary length (tests/waitlist/test_texts.py holds them to it).
"""

from __future__ import annotations

from datetime import datetime

from ..models import FreedSlot, Practice
from ..sms_texts import OfferText, clock, phone_for_patients, text, when

__all__ = ["OfferText", "render"]


def render(kind: OfferText, practice: Practice, language: str | None, slot: FreedSlot,
           until: datetime | None = None) -> str:
    """The text in the patient's language (English if it has none we write)."""
    return text(kind, language).format(
        practice=practice.name, provider=slot.provider.name, phone=phone_for_patients(practice),
        when=when(slot.starts_at, practice.zone, language),
        until=clock(until, practice.zone, language) if until else "")
