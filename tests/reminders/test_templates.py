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
    assert text == "Riverside: Ana, Dr. Lee on Monday, March 16 at 9:30 AM. Reply STOP to opt out."


def test_spanish_text_uses_spanish_dates_and_reply_instructions():
    text = templates.render("{date} {time} {reply_instructions} {opt_out}", details(Language.ES))
    assert text == ("lunes 16 de marzo 09:30 Responda C: confirmar, R: cambiar. "
                    "Responda STOP para darse de baja.")


def test_unknown_placeholder_is_an_error_naming_it():
    with pytest.raises(templates.TemplateError, match=r"\{doctor\}"):
        templates.check("See {doctor} on {date}")


@pytest.mark.parametrize("body", ["Hi {patient_first_name", "Hi {time:%H}", "Hi {}",
                                  "Hi {date!r}"])
def test_malformed_placeholders_are_errors(body):
    with pytest.raises(templates.TemplateError):
        templates.check(body)


def test_doubled_braces_are_literal_braces():
    assert templates.render("{{ok}} {time} STOP", details()) == "{ok} 9:30 AM STOP"


@pytest.mark.parametrize("language", list(Language))
def test_default_texts_ask_for_c_or_r_and_never_invite_the_word_cancel(language):
    rendered = templates.render(templates.DEFAULT_TEMPLATES[language], details(language))
    assert re.search(r"\bC\b", rendered) and re.search(r"\bR\b", rendered)
    assert "cancel" not in rendered.lower() and not re.search(r"\bX\b", rendered)


@pytest.mark.parametrize("language", list(Language))
def test_default_texts_name_the_practice_day_and_time_but_not_the_doctor(language):
    rendered = templates.render(templates.DEFAULT_TEMPLATES[language], details(language))
    assert rendered.startswith("Riverside: Ana, ")
    assert ("Monday, March 16 at 9:30 AM" if language is Language.EN
            else "lunes 16 de marzo a las 09:30") in rendered
    assert "Dr. Lee" not in rendered
    assert "Dr. Lee" in templates.render(templates.default_templates(name_provider=True)[language],
                                         details(language))


@pytest.mark.parametrize(("language", "line"), [
    (Language.EN, "Reply STOP to opt out."), (Language.ES, "Responda STOP para darse de baja.")])
def test_default_texts_end_with_the_opt_out_line_in_the_patients_language(language, line):
    assert templates.render(templates.DEFAULT_TEMPLATES[language],
                            details(language)).endswith(line)


@pytest.mark.parametrize("language", list(Language))
def test_default_texts_fit_one_gsm7_sms_with_the_opt_out_line_long_names_and_dates(language):
    long_names = dict(practice_name="Riverside Family Practice", patient_first_name="Alejandra",
                      starts_at=datetime(2026, 9, 30, 14, 30, tzinfo=UTC))  # a Wednesday
    shown = templates.preview(templates.DEFAULT_TEMPLATES[language],
                              details(language, **long_names))
    assert "STOP" in shown.text
    assert (shown.encoding, shown.parts, shown.credits) == ("GSM-7", 1, 1), shown.text


def test_a_stored_text_without_the_opt_out_line_gets_it_as_it_is_sent_and_counted():
    shown = templates.preview("{practice_name}: see you {date}.", details(Language.ES))
    assert shown.text == "Riverside: see you lunes 16 de marzo. Responda STOP para darse de baja."
    assert shown.length == len(shown.text)


def test_the_editor_refuses_a_reminder_without_the_opt_out_line():
    with pytest.raises(templates.TemplateError, match="how to stop the texts"):
        templates.check_reminder("{practice_name}: see you {date}.", name_provider=False)
    for body in ("See you {date}. {opt_out}", "See you {date}. Reply STOP to opt out."):
        assert templates.check_reminder(body, name_provider=False) == body


def test_the_editor_refuses_the_provider_unless_the_practice_names_it():
    body = "See you {date} with {provider}. {opt_out}"
    with pytest.raises(templates.TemplateError, match="does not name the provider"):
        templates.check_reminder(body, name_provider=False)
    assert templates.check_reminder(body, name_provider=True) == body


def test_spanish_saturday_stays_gsm7():
    saturday = details(Language.ES, starts_at=datetime(2026, 3, 14, 13, 30, tzinfo=UTC))
    assert templates.preview("{date}", saturday).encoding == "GSM-7"


def test_preview_counts_gsm7_extended_characters_twice():
    shown = templates.preview("{patient_first_name} [€] STOP", details())
    assert shown.text == "Ana [€] STOP"
    assert (shown.encoding, shown.length) == ("GSM-7", 4 + 3 * 2 + 5)


def test_a_161_character_gsm7_text_needs_two_parts_and_two_credits():
    shown = templates.preview("STOP " + "x" * 156, details())
    assert (shown.length, shown.parts, shown.credits) == (161, 2, 2)


def test_one_emoji_makes_the_whole_text_ucs2_with_70_characters_per_sms():
    shown = templates.preview("See you soon 🙂 STOP " + "x" * 50, details())
    assert shown.encoding == "UCS-2"
    assert shown.non_gsm_characters == ("🙂",)
    assert shown.length == 71 and shown.parts == 2
