"""What a patient's reply means: the keyword lists, in one place, and `understand`.

A reply is normalised before it is looked up: case, accents, spaces and punctuation are
dropped ("  Sí! " → "si", "C." → "c", "Stop all" → "stopall"), as are emoji skin tones and
variation selectors, so 👍🏽 is 👍. The whole normalised reply must be a keyword; anything
else ("yes but I'll be late") is free text for staff to read.

The order of the rules matters and is the point of this module:

1. The industry's universal opt-out words (`UNIVERSAL_OPT_OUT`) always opt out, in every
   language, whatever else they could mean: carriers and Clickatell act on them, so we must.
   `CALL_BACK_OPT_OUT` are those that may also be about the appointment (CANCEL): the
   appointment is flagged for a call-back, never cancelled.
2. The words of the patient's language (`WORDS[language]`), then the English ones (reminders
   in every language ask for C/X/R or 1/2/3).
3. The practice's own words (`PracticeKeyword`), which may only add words, never redefine one
   of ours (`builtin_meaning` tells the settings page which words are taken).

In context: while a patient has an open offer of a freed slot (waitlist/offers.py says
which reply is about one), `offer_answer` reads the reply as a YES or a NO to it: every
confirm word takes the slot, `OFFER_DECLINE` and the cancel words pass. Opt-out words keep
their meaning (rule 1), and anything else is read as usual.

The lists are documented for staff in docs/replies.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from ..models import Intent

THUMBS_UP = "\N{THUMBS UP SIGN}"
CHECK_MARK = "\N{WHITE HEAVY CHECK MARK}"
HEAVY_CHECK = "\N{HEAVY CHECK MARK}"
OK_HAND = "\N{OK HAND SIGN}"
#: Emoji that survive normalisation (all other symbols are dropped like punctuation).
EMOJI = frozenset({THUMBS_UP, CHECK_MARK, HEAVY_CHECK, OK_HAND})

#: Opt-out words that carriers and Clickatell act on. They win over every other meaning.
UNIVERSAL_OPT_OUT = frozenset({
    "stop", "stopall", "stopstop", "unsubscribe", "cancel", "end", "quit", "revoke", "optout",
})
#: Opt-out words that may also mean "cancel my appointment": the appointment gets a
#: call-back flag (it is not cancelled; X or 2 cancel it).
CALL_BACK_OPT_OUT = frozenset({"cancel", "cancelar"})
#: Words that confirm, and also opt back in a patient who had opted out.
YES_WORDS = frozenset({"yes", "si"})

#: Each language's words. English also applies to patients of every other language.
WORDS: dict[str, dict[Intent, frozenset[str]]] = {
    "en": {
        Intent.CONFIRM: frozenset({"c", "confirm", "confirmed", "yes", "y", "ok", "okay", "1",
                                   THUMBS_UP, CHECK_MARK, HEAVY_CHECK, OK_HAND}),
        Intent.CANCEL_APPOINTMENT: frozenset({"x", "2", "cancelappointment", "cancelappt"}),
        Intent.RESCHEDULE: frozenset({"r", "reschedule", "3"}),
        Intent.HELP: frozenset({"help", "info"}),
        Intent.OPT_IN: frozenset({"start", "unstop"}),
    },
    "es": {
        Intent.CONFIRM: frozenset({"si", "s", "confirmar", "confirmo", "confirmado", "vale"}),
        Intent.CANCEL_APPOINTMENT: frozenset({"anular", "cancelarcita", "anularcita"}),
        Intent.RESCHEDULE: frozenset({"reprogramar", "cambiar", "cambiarcita"}),
        Intent.HELP: frozenset({"ayuda", "informacion"}),
        Intent.OPT_IN: frozenset({"alta", "comenzar"}),
        # Spanish opt-out words (for Spanish-speaking patients; the universal ones apply too).
        # CANCELAR is CANCEL's twin: opt out, and a call-back about the appointment.
        Intent.OPT_OUT: frozenset({"baja", "alto", "parar", "cancelar"}),
    },
}

#: Words that pass on an offered slot (with the cancel words: X, 2…).
OFFER_DECLINE = frozenset({"no", "n", "nope", "pass", "nothanks", "nogracias"})

MAX_WORD_LENGTH = 40
_SKIN_TONES = re.compile("[\U0001F3FB-\U0001F3FF\uFE0E\uFE0F\u200D]")


def normalise(text: str) -> str:
    """The reply as it is looked up: lower case, no accents, only letters, digits and the
    emoji that mean something; a repeated emoji counts once (👍👍 is 👍)."""
    text = _SKIN_TONES.sub("", text or "")
    decomposed = unicodedata.normalize("NFKD", text)
    kept = []
    for char in decomposed.casefold():
        if char in EMOJI or (char.isalnum() and not unicodedata.combining(char)):
            kept.append(char)
    word = "".join(kept)
    if word and len(set(word)) == 1 and word[0] in EMOJI:
        return word[0]
    return word


@dataclass(frozen=True, slots=True)
class Reading:
    """What a reply means, with the two nuances `Intent` alone cannot carry."""

    intent: Intent
    word: str  # the normalised reply
    #: An opt-out word that may also be about the appointment (CANCEL): call the patient.
    call_back: bool = False
    #: A YES: it also opts back in a patient who had opted out.
    opts_in: bool = False


def _languages(language: str | None) -> list[str]:
    if language is None:
        return list(WORDS)
    language = str(language)
    return [language, "en"] if language in WORDS and language != "en" else ["en"]


def builtin_meaning(word: str, language: str | None = None) -> Intent | None:
    """What one of our own words means (None if it is not one), after normalisation."""
    word = normalise(word)
    if word in UNIVERSAL_OPT_OUT:
        return Intent.OPT_OUT
    for name in _languages(language):
        for intent, words in WORDS[name].items():
            if word in words:
                return intent
    return None


def interpret(text: str, language: str | None = None,
              extra_words: Mapping[str, Intent] | None = None) -> Reading:
    """Read a reply from a patient whose language is `language` ("en", "es"; None: any).

    `extra_words` are the practice's own words, keyed by their normalised form.
    """
    word = normalise(text)
    if not word:
        return Reading(Intent.FREE_TEXT, word)
    intent = builtin_meaning(word, language)
    if intent is None and extra_words:
        intent = extra_words.get(word)
    if intent is None:
        return Reading(Intent.FREE_TEXT, word)
    return Reading(Intent(intent), word, call_back=word in CALL_BACK_OPT_OUT,
                   opts_in=intent is Intent.CONFIRM and word in YES_WORDS)


def understand(text: str, language: str | None = None,
               extra_words: Mapping[str, Intent] | None = None) -> Intent:
    """The intent of a reply; see `interpret` for the details a reply may carry."""
    return interpret(text, language, extra_words).intent


def mentions_opt_out(text: str) -> bool:
    """Free text with an opt-out word in it ("please stop texting me"): staff should check
    whether the patient wants no more texts."""
    words = {normalise(part) for part in re.split(r"\s+", text or "")}
    return bool(words & UNIVERSAL_OPT_OUT)


def offer_answer(reading: Reading) -> bool | None:
    """A reply to an open offer: True takes the slot, False passes, None is not an answer
    to the offer (an opt-out, HELP, free text: handled as usual)."""
    if reading.intent is Intent.CONFIRM:
        return True
    if reading.intent is Intent.CANCEL_APPOINTMENT or reading.word in OFFER_DECLINE:
        return False
    return None
