"""The offer and its answers: in the patient's language, naming the practice, the provider,
the day and time, one GSM-7 part."""

from datetime import UTC, datetime, timedelta

import pytest

from reminder_app.clickatell import analyse
from reminder_app.models import FreedSlot, Practice, Provider
from reminder_app.waitlist.texts import TEXTS, OfferText, clock_time, render

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


def test_every_language_has_every_text():
    for texts in TEXTS.values():
        assert set(texts) == set(OfferText)


def test_the_offer_says_who_when_and_until_when_to_answer():
    practice, slot = a_slot()
    until = datetime(2026, 3, 9, 18, 45, tzinfo=UTC)
    assert render(OfferText.OFFER, practice, "en", slot, until=until) == (
        "Riverside Family Practice: a sooner appointment is free with Dr. Alexandra Richardson "
        "on Tue Mar 10 at 10:30 AM. Reply YES by 2:45 PM to take it, or NO to pass.")
    assert "Responda SI antes de las 14:45" in render(OfferText.OFFER, practice, "es", slot,
                                                       until=until)


def test_clock_time_is_the_practices_wall_clock():
    practice, _ = a_slot()
    assert clock_time(datetime(2026, 7, 1, 4, 5, tzinfo=UTC), practice, "en") == "12:05 AM"
    assert clock_time(datetime(2026, 7, 1, 4, 5, tzinfo=UTC), practice, "es") == "00:05"
