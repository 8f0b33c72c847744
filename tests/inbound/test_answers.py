"""The automatic answers: in the patient's language, naming the practice and its phone, one
GSM-7 part."""

from datetime import UTC, datetime

import pytest

from reminder_app.clickatell import analyse
from reminder_app.inbound.answers import Answer, render
from reminder_app.models import Language, Practice
from reminder_app.sms_texts import phone_for_patients

TEXTS = [language.value for language in Language]

STARTS_AT = datetime(2026, 3, 10, 14, 30, tzinfo=UTC)


def a_practice(name="Riverside Family Practice", phone="+12015550100") -> Practice:
    return Practice(name=name, country="US", timezone="America/New_York", phone=phone)


@pytest.mark.parametrize("language", sorted(TEXTS))
@pytest.mark.parametrize("answer", list(Answer))
def test_every_answer_names_the_practice_and_fits_one_gsm7_part(language, answer):
    practice = a_practice("Riverside Family Practice Hoboken")  # 33 characters
    text = render(answer, practice, language, STARTS_AT)
    segments = analyse(text)
    assert segments.encoding == "GSM-7", segments.non_gsm_chars
    assert segments.parts == 1, (len(text), text)
    assert "Riverside Family Practice Hoboken" in text
    if answer is not Answer.OPTED_IN:
        assert "(201) 555-0100" in text


def test_the_appointment_is_written_as_in_every_other_text_on_the_practices_clock():
    assert "on Tuesday, March 10 at 10:30 AM is confirmed" in render(
        Answer.CONFIRMED, a_practice(), "en", STARTS_AT)
    assert "su cita del martes 10 de marzo a las 10:30 queda" in render(
        Answer.CONFIRMED, a_practice(), "es", STARTS_AT)


def test_a_practice_without_a_phone_gives_its_two_way_number(app):
    from tests.factories import make_clickatell_account, make_practice

    practice = make_practice().practice
    practice.phone = ""
    make_clickatell_account(practice, long_number="+12015550199")
    assert phone_for_patients(practice) == "(201) 555-0199"


def test_a_foreign_phone_is_written_internationally():
    assert phone_for_patients(a_practice(phone="+442071234567")) == "+44 20 7123 4567"


def test_an_unknown_language_falls_back_to_english():
    assert render(Answer.HELP, a_practice(), "fr") == render(Answer.HELP, a_practice(), "en")


@pytest.mark.parametrize(("language", "frequency", "rates", "opt_out"), [
    ("en", "reminders for your appointments", "Msg & data rates may apply", "Reply STOP"),
    ("es", "avisos de sus citas", "Pueden aplicar tarifas de mensajes y datos",
     "Responda STOP"),
])
@pytest.mark.parametrize("phone", ["+12015550100", "+442071234567"])
def test_help_says_who_how_often_what_it_costs_and_how_to_stop_in_one_part(
        language, frequency, rates, opt_out, phone):
    practice = a_practice("Riverside Family Practice Hoboken", phone=phone)
    text = render(Answer.HELP, practice, language)
    for part in ("Riverside Family Practice Hoboken", phone_for_patients(practice), frequency,
                 rates, opt_out):
        assert part in text
    segments = analyse(text)
    assert (segments.encoding, segments.parts) == ("GSM-7", 1), (len(text), text)

