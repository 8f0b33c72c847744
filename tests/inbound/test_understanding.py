"""What a reply means: the keyword lists, normalisation, and which rule wins."""

import re
from pathlib import Path

import pytest

from reminder_app.inbound.understanding import (
    COURTESY,
    OFFER_DECLINE,
    UNIVERSAL_OPT_OUT,
    WORDS,
    Intent,
    builtin_meaning,
    interpret,
    mentions_opt_out,
    normalise,
    understand,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "replies.md"


@pytest.mark.parametrize("text", ["C", "c", "  c  ", "C.", "c!", "Confirm", "CONFIRMED", "YES",
                                  "yes!!", "Y", "1", "1.", "OK", "o.k.", "Okay", "👍", "👍🏽",
                                  "👍👍", " 👍 ", "✅", "✔️", "👌"])
def test_confirm_words_in_any_case_spacing_punctuation_or_emoji(text):
    assert understand(text, "en") is Intent.CONFIRM


@pytest.mark.parametrize("text", ["X", "x", "x.", " X ", "2", "Cancel appointment"])
def test_x_and_2_cancel_the_appointment(text):
    assert understand(text, "en") is Intent.CANCEL_APPOINTMENT


@pytest.mark.parametrize("text", ["R", "r.", "Reschedule", "RESCHEDULE!", "3"])
def test_r_reschedule_and_3_ask_to_reschedule(text):
    assert understand(text, "en") is Intent.RESCHEDULE


@pytest.mark.parametrize("text", ["HELP", "help?", "Info", "INFO."])
def test_help_and_info_ask_for_help(text):
    assert understand(text, "en") is Intent.HELP


@pytest.mark.parametrize("text", ["START", "start", "Unstop", "UNSTOP!"])
def test_start_and_unstop_opt_back_in(text):
    assert understand(text, "en") is Intent.OPT_IN


@pytest.mark.parametrize("language", ["en", "es", None])
@pytest.mark.parametrize("text", ["STOP", "stop", "Stop.", "STOPALL", "Stop all", "STOP STOP",
                                  "UNSUBSCRIBE", "Cancel", "CANCEL!", "END", "quit", "REVOKE",
                                  "OPTOUT", "opt-out", "Opt out"])
def test_universal_opt_out_words_always_opt_out_in_every_language(text, language):
    assert understand(text, language) is Intent.OPT_OUT


def test_cancel_opts_out_and_asks_for_a_call_back_but_stop_does_not():
    assert interpret("CANCEL", "en").call_back is True
    assert interpret("Cancelar", "es").call_back is True
    assert interpret("STOP", "en").call_back is False


def test_opt_out_words_win_over_a_practices_own_words():
    assert understand("stop", "en", {"stop": Intent.CONFIRM}) is Intent.OPT_OUT
    assert understand("cancel", "en", {"cancel": Intent.CANCEL_APPOINTMENT}) is Intent.OPT_OUT


@pytest.mark.parametrize(("text", "intent"), [
    ("SI", Intent.CONFIRM), ("Sí", Intent.CONFIRM), ("¡sí!", Intent.CONFIRM),
    ("CONFIRMAR", Intent.CONFIRM), ("¿Confirmo?", Intent.CONFIRM), ("vale", Intent.CONFIRM),
    ("ANULAR", Intent.CANCEL_APPOINTMENT), ("Cancelar cita", Intent.CANCEL_APPOINTMENT),
    ("REPROGRAMAR", Intent.RESCHEDULE), ("cambiar", Intent.RESCHEDULE),
    ("AYUDA", Intent.HELP), ("Información", Intent.HELP),
    ("BAJA", Intent.OPT_OUT), ("CANCELAR", Intent.OPT_OUT), ("alta", Intent.OPT_IN),
    # The English words work for Spanish-speaking patients too: reminders ask for C, X, R.
    ("C", Intent.CONFIRM), ("X", Intent.CANCEL_APPOINTMENT), ("R", Intent.RESCHEDULE),
    ("YES", Intent.CONFIRM), ("START", Intent.OPT_IN), ("👍", Intent.CONFIRM),
])
def test_spanish_words_for_spanish_speaking_patients(text, intent):
    assert understand(text, "es") is intent


@pytest.mark.parametrize(("text", "intent"), [
    ("SI", Intent.CONFIRM), ("Confirmar", Intent.CONFIRM), ("claro", Intent.CONFIRM),
    ("Ayuda", Intent.HELP), ("Baja", Intent.OPT_OUT), ("Cancelar", Intent.OPT_OUT),
    ("gracias, ahí estaré", Intent.CONFIRM), ("dejen de escribirme", Intent.OPT_OUT),
])
def test_spanish_words_are_understood_from_every_patient(text, intent):
    assert understand(text, "en") is intent
    assert understand(text, None) is intent


def test_s_is_si_only_from_a_spanish_speaking_patient():
    assert understand("S", "es") is Intent.CONFIRM
    assert understand("S", "en") is Intent.FREE_TEXT


def test_no_word_means_two_things_in_two_languages():
    meanings: dict[str, set] = {}
    for lists in WORDS.values():
        for intent, words in lists.items():
            for word in words:
                meanings.setdefault(word, set()).add(intent)
    assert {word for word, found in meanings.items() if len(found) > 1} == set()
    assert not (COURTESY & set(meanings)) and not (COURTESY & UNIVERSAL_OPT_OUT)


def test_politeness_around_a_word_keeps_its_meaning_and_says_so():
    reading = interpret("Yes please 👍", "en")
    assert (reading.intent, reading.opts_in, reading.in_plain_words) == \
        (Intent.CONFIRM, True, True)
    assert interpret("OK thanks", "en").opts_in is False  # only YES and SÍ opt back in
    assert interpret("Yes", "en").in_plain_words is False


def test_a_practices_own_word_works_with_politeness_too():
    assert understand("Ven, gracias", "es", {"ven": Intent.CONFIRM}) is Intent.CONFIRM


def test_cancel_with_other_words_is_for_staff_but_flagged():
    for text in ("Cancel please", "I want to cancel", "cancelar por favor"):
        assert understand(text, "en") is Intent.FREE_TEXT
        assert mentions_opt_out(text)


def test_a_long_text_is_read_only_sentence_by_sentence():
    long = "I have a question about my bill " * 10
    assert understand(long + "yes", "en") is Intent.FREE_TEXT
    assert understand(long + ". Stop texting me", "en") is Intent.OPT_OUT


@pytest.mark.parametrize("text", ["yes but I'll be 10 minutes late", "Can I come at 3?", "",
                                  "   ", "🙂", "?!", "no", "thanks", "yes no", "Yes 👎"])
def test_anything_else_is_free_text(text):
    assert understand(text, "en") is Intent.FREE_TEXT


def test_yes_and_si_also_opt_back_in_but_c_does_not():
    assert interpret("Yes!", "en").opts_in is True
    assert interpret("sí", "es").opts_in is True
    assert interpret("C", "en").opts_in is False


def test_a_practices_own_word_is_read_after_normalisation():
    assert understand(" Ven! ", "en", {"ven": Intent.CONFIRM}) is Intent.CONFIRM
    assert understand("Ven", "en") is Intent.FREE_TEXT


def test_normalise_drops_case_accents_spaces_punctuation_and_skin_tones():
    assert normalise("  Sí, Confirmo! ") == "siconfirmo"
    assert normalise("👍🏿👍") == "👍"
    assert normalise("O.K.") == "ok"


def test_builtin_meaning_knows_every_listed_word():
    assert builtin_meaning("Cancel") is Intent.OPT_OUT
    assert builtin_meaning("si") is Intent.CONFIRM
    assert builtin_meaning("ven") is None


def test_free_text_mentioning_an_opt_out_word_is_noticed():
    assert mentions_opt_out("Please STOP texting me")
    assert mentions_opt_out("why no more texts?")
    assert mentions_opt_out("Wrong number")
    assert not mentions_opt_out("See you tomorrow")


def _documented_words() -> set[str]:
    text = DOCS.read_text(encoding="utf-8")
    words = set()
    for row in re.findall(r"^\|[^|]+\|([^|]+)\|", text, flags=re.MULTILINE):
        for word in re.sub(r"\([^)]*\)", "", row).split(","):
            if word.strip() and not set(word.strip()) <= set("-"):
                words.add(normalise(word))
    return words


def test_docs_list_every_builtin_word():
    listed = set(UNIVERSAL_OPT_OUT)
    for lists in WORDS.values():
        for words in lists.values():
            listed |= words
    listed |= OFFER_DECLINE | COURTESY
    documented = _documented_words()
    assert listed - documented == set(), "add these words to docs/replies.md"
    assert {w for w in documented if builtin_meaning(w) is None} <= \
        {"words"} | OFFER_DECLINE | COURTESY
