"""The texts of the waitlist: the offer of a freed slot, and the answers to a reply to it.

Like the other automatic answers (inbound/answers.py) they are GSM-7, one SMS part with a
practice and provider name of ordinary length (tests/waitlist/test_texts.py holds them to it).
"""

from __future__ import annotations

import enum
from datetime import datetime

from ..models import FreedSlot, Practice
from ..patient_texts import phone_for_patients, when


class OfferText(enum.StrEnum):
    OFFER = "offer"
    BOOKED = "booked"
    TAKEN = "taken"
    EXPIRED = "expired"
    DECLINED = "declined"
    CLOSED = "closed"


TEXTS: dict[str, dict[OfferText, str]] = {
    "en": {
        OfferText.OFFER: "{practice}: a sooner appointment is free with {provider} on {when}. "
                         "Reply YES by {until} to take it, or NO to pass.",
        OfferText.BOOKED: "{practice}: it is yours. You are booked with {provider} on {when}. "
                          "Questions? Call {phone}.",
        OfferText.TAKEN: "{practice}: sorry, that time was just taken. You stay on our "
                         "waitlist; we will text you when another opens.",
        OfferText.EXPIRED: "{practice}: sorry, that offer ended at {until}. You stay on our "
                           "waitlist; we will text you when another opens.",
        OfferText.DECLINED: "{practice}: no problem. You stay on our waitlist; we will text "
                            "you when another time opens.",
        OfferText.CLOSED: "{practice}: sorry, that time is no longer available. You stay on "
                          "our waitlist. Questions? Call {phone}.",
    },
    "es": {
        OfferText.OFFER: "{practice}: hay una cita antes con {provider} el {when}. Responda "
                         "SI antes de las {until} para tomarla, o NO si no.",
        OfferText.BOOKED: "{practice}: es suya. Tiene cita con {provider} el {when}. "
                          "Preguntas? Llame al {phone}.",
        OfferText.TAKEN: "{practice}: lo sentimos, esa hora ya se ha ocupado. Sigue en la "
                         "lista de espera; le avisaremos de otra.",
        OfferText.EXPIRED: "{practice}: lo sentimos, la oferta termino a las {until}. Sigue en "
                           "la lista de espera; le avisaremos de otra.",
        OfferText.DECLINED: "{practice}: de acuerdo. Sigue en la lista de espera; le "
                            "avisaremos de otra hora.",
        OfferText.CLOSED: "{practice}: lo sentimos, esa hora ya no esta libre. Sigue en la "
                          "lista de espera. Tel. {phone}.",
    },
}


def clock_time(moment: datetime, practice: Practice, language: str) -> str:
    """A time of day as the patient reads it ("10:45 AM", or "10:45" in Spanish)."""
    moment = moment.astimezone(practice.zone)
    if language == "es":
        return f"{moment:%H:%M}"
    return f"{moment.hour % 12 or 12}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def render(text: OfferText, practice: Practice, language: str | None, slot: FreedSlot,
           until: datetime | None = None) -> str:
    language = language if language in TEXTS else "en"
    return TEXTS[language][text].format(
        practice=practice.name, provider=slot.provider.name, phone=phone_for_patients(practice),
        when=when(slot.starts_at, practice.zone, language),
        until=clock_time(until, practice, language) if until else "")
