"""The recall's texts: in the patient's language, the practice's name first, the opt-out
line where a text starts a conversation, nothing about the visit's reason or the doctor,
one GSM-7 part with a long practice name and a long first name."""

import pytest

from reminder_app.clickatell import analyse
from reminder_app.models import Language, Patient, Practice
from reminder_app.recalls.texts import RecallText, for_step, render_for

LONG_PRACTICE = "Riverside Family Practice, NJ"  # 29 characters
LONG_FIRST_NAME = "Maximiliano"


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("kind", list(RecallText))
def test_every_text_names_the_practice_first_and_fits_one_gsm7_part(language, kind):
    practice = Practice(name=LONG_PRACTICE, country="US", timezone="America/New_York",
                        phone="+12015550100")
    patient = Patient(first_name=LONG_FIRST_NAME, language=language)
    body = render_for(kind, practice, patient)
    segments = analyse(body)
    assert segments.encoding == "GSM-7", segments.non_gsm_chars
    assert segments.parts == 1, (len(body), body)
    assert body.startswith(f"{LONG_PRACTICE}:") and "(201) 555-0100" in body
    if kind is not RecallText.WILL_CALL:  # an answer to the patient's own text needs none
        assert body.endswith("Reply STOP to opt out." if language is Language.EN
                             else "Responda STOP para darse de baja.")
        assert LONG_FIRST_NAME in body


def test_the_first_step_says_it_is_due_and_the_later_ones_that_it_still_is():
    assert [for_step(step) for step in (1, 2, 3)] == [
        RecallText.DUE, RecallText.AGAIN, RecallText.AGAIN]


def test_no_text_invites_the_word_cancel():
    practice = Practice(name="Riverside", country="US", phone="+12015550100")
    for language in Language:
        for kind in RecallText:
            body = render_for(kind, practice, Patient(first_name="Ann", language=language))
            assert "cancel" not in body.lower()
