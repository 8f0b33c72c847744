import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from reminder_app.models import Language
from reminder_app.reminders import templates

NEW_YORK = ZoneInfo("America/New_York")


def details(language=Language.EN, **overrides):
    values = dict(patient_first_name="Ana", patient_last_name="Reyes",
                  practice_name="Riverside", practice_phone="+12015550100",
                  provider="Dr. Lee", starts_at=datetime(2026, 3, 16, 13, 30, tzinfo=UTC),
                  zone=NEW_YORK, language=language)
    values.update(overrides)
    return templates.Details(**values)


def test_placeholders_are_filled_in_with_the_practice_local_time():
    text = templates.render("{practice_name}: {patient_first_name}, {provider} on {date} at "
                            "{time}.", details())
    assert text == "Riverside: Ana, Dr. Lee on Monday, March 16 at 9:30 AM."


def test_spanish_text_uses_spanish_dates_and_reply_instructions():
    text = templates.render("{date} {time} {reply_instructions}", details(Language.ES))
    assert text == "lunes 16 de marzo 09:30 Responda C: confirmar, X: cancelar, R: cambiar."


def test_unknown_placeholder_is_an_error_naming_it():
    with pytest.raises(templates.TemplateError, match=r"\{doctor\}"):
        templates.check("See {doctor} on {date}")


@pytest.mark.parametrize("body", ["Hi {patient_first_name", "Hi {time:%H}", "Hi {}",
                                  "Hi {date!r}"])
def test_malformed_placeholders_are_errors(body):
    with pytest.raises(templates.TemplateError):
        templates.check(body)


def test_doubled_braces_are_literal_braces():
    assert templates.render("{{ok}} {time}", details()) == "{ok} 9:30 AM"


def test_default_texts_ask_for_c_or_x_and_never_say_cancel_in_capitals():
    for language in Language:
        rendered = templates.render(templates.DEFAULT_TEMPLATES[language], details(language))
        assert re.search(r"\bC\b", rendered) and re.search(r"\bX\b", rendered)
        assert "CANCEL" not in rendered and "STOP" not in rendered


def test_default_texts_fit_one_gsm7_sms_even_with_long_names_and_dates():
    long_names = dict(practice_name="Riverside Family Practice", provider="Dr. Amelia Reyes",
                      starts_at=datetime(2026, 9, 30, 14, 30, tzinfo=UTC))  # a Wednesday
    for language in Language:
        shown = templates.preview(templates.DEFAULT_TEMPLATES[language],
                                  details(language, **long_names))
        assert (shown.encoding, shown.parts, shown.credits) == ("GSM-7", 1, 1), shown.text


def test_spanish_saturday_stays_gsm7():
    saturday = details(Language.ES, starts_at=datetime(2026, 3, 14, 13, 30, tzinfo=UTC))
    assert templates.preview("{date}", saturday).encoding == "GSM-7"


def test_preview_counts_gsm7_extended_characters_twice():
    shown = templates.preview("{patient_first_name} [€]", details())
    assert shown.text == "Ana [€]"
    assert (shown.encoding, shown.length) == ("GSM-7", 4 + 3 * 2)


def test_a_161_character_gsm7_text_needs_two_parts_and_two_credits():
    shown = templates.preview("x" * 161, details())
    assert (shown.length, shown.parts, shown.credits) == (161, 2, 2)


def test_one_emoji_makes_the_whole_text_ucs2_with_70_characters_per_sms():
    shown = templates.preview("See you soon 🙂 " + "x" * 55, details())
    assert shown.encoding == "UCS-2"
    assert shown.non_gsm_characters == ("🙂",)
    assert shown.length == 71 and shown.parts == 2
