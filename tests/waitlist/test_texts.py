"""The offer and its answers: in the patient's language, naming the practice, the provider,
the day and time, one GSM-7 part."""

from datetime import UTC, datetime, timedelta

import pytest

from reminder_app.clickatell import analyse
from reminder_app.models import FreedSlot, Language, Practice, Provider
from reminder_app.waitlist.texts import OfferText, render

TEXTS = [language.value for language in Language]

STARTS_AT = datetime(2026, 3, 10, 14, 30, tzinfo=UTC)  # 10:30 in New York


def a_slot() -> tuple[Practice, FreedSlot]:
    practice = Practice(name="Riverside Family Practice", country="US",
                        timezone="America/New_York", phone="+12015550100")
    slot = FreedSlot(starts_at=STARTS_AT, duration_minutes=30,
                     provider=Provider(name="Dr. Alexandra Richardson"))  # 24 characters
    return practice, slot


@pytest.mark.parametrize("language", sorted(TEXTS))
@pytest.mark.parametrize("text", list(OfferText))
def test_every_text_names_the_practice_and_fits_one_gsm7_part(language, text):
    practice, slot = a_slot()
    body = render(text, practice, language, slot, until=STARTS_AT - timedelta(hours=20))
    segments = analyse(body)
    assert segments.encoding == "GSM-7", segments.non_gsm_chars
    assert segments.parts == 1, (len(body), body)
    assert body.startswith("Riverside Family Practice:")


def test_the_offer_says_who_when_and_until_when_to_answer():
    practice, slot = a_slot()
    until = datetime(2026, 3, 9, 18, 45, tzinfo=UTC)
    assert render(OfferText.OFFER, practice, "en", slot, until=until) == (
        "Riverside Family Practice: sooner opening Tuesday, March 10 at 10:30 AM with "
        "Dr. Alexandra Richardson. Reply YES by 2:45 PM to take it, NO to pass.")
    assert "Responda SI antes de las 14:45" in render(OfferText.OFFER, practice, "es", slot,
                                                       until=until)


def test_the_answer_deadline_is_the_practices_wall_clock():
    practice, slot = a_slot()
    midnight = datetime(2026, 7, 1, 4, 5, tzinfo=UTC)  # 00:05 in New York (summer time)
    assert "ended at 12:05 AM." in render(OfferText.EXPIRED, practice, "en", slot, midnight)
    assert "termino a las 00:05." in render(OfferText.EXPIRED, practice, "es", slot, midnight)

