"""What a patient's reply means: the keyword lists, in one place, and `interpret`.

A reply is normalised before it is looked up: case, accents, spaces and punctuation are
dropped ("  Sí! " → "si", "C." → "c", "Stop all" → "stopall"), as are emoji skin tones and
variation selectors, so 👍🏽 is 👍. A word may be several ("Stop texting me" is
"stoptextingme", one of the opt-out words).

Patients write more than a word, so a reply is read in three steps:

1. **The whole reply is one of our words** (after normalisation): that is its meaning.
2. **The reply is our words and politeness** (`COURTESY`: "please", "thanks", "hi",
   "gracias"…), read word by word: "yes please", "OK thanks 👍", "Yes I'll be there",
   "Confirmed ✅", "gracias, ahí estaré". Every word must be ours or politeness, and all of
   ours must mean the same thing: "yes but can we move it", "yes no", "yes I need to
   cancel" are free text. A letter typed several times counts once ("yesss", "okkk").
   CANCEL and CANCELAR are read only alone (they also mean "cancel my appointment"), so
   "I want to cancel" is for staff.
3. **One sentence of it asks to stop the texts** (an opt-out word or phrase with only
   politeness around it, between . , ; ! ? or a line break): "Stop texting me. I moved." opts
   out. The FCC (April 2025) lets consent be revoked by any reasonable means; a text that
   only might mean it ("why did you stop texting me?") stays free text, and
   `mentions_opt_out` flags it for staff.

Which words win, in order:

1. The industry's universal opt-out words (`UNIVERSAL_OPT_OUT`) always opt out, in every
   language, whatever else they could mean: carriers and Clickatell act on them, so we must.
   `CALL_BACK_OPT_OUT` are those that may also be about the appointment (CANCEL): the
   appointment is flagged for a call-back, never cancelled.
2. Our words (`WORDS`), of every language for every patient (reminders in every language ask
   for C/X/R or 1/2/3, and "sí" means yes from anyone), except the few that are only clear
   in the patient's own language (`OWN_LANGUAGE_ONLY`: S for sí).
3. The practice's own words (`PracticeKeyword`), which may only add words, never redefine one
   of ours (`builtin_meaning` tells the settings page which words are taken).

In context: while a patient has an open offer of a freed slot (waitlist/offers.py says
which reply is about one), `offer_answer` reads the reply as a YES or a NO to it: every
confirm word takes the slot, `OFFER_DECLINE` and the cancel words pass. Opt-out words keep
their meaning (rule 1), and anything else is read as usual.

The lists are documented for staff in docs/replies.md; tests/inbound/test_reply_table.py
holds more than a hundred real-world replies to them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from ..models import Intent

THUMBS_UP = "\N{THUMBS UP SIGN}"
CHECK_MARK = "\N{WHITE HEAVY CHECK MARK}"
HEAVY_CHECK = "\N{HEAVY CHECK MARK}"
OK_HAND = "\N{OK HAND SIGN}"
OK_BUTTON = "\N{SQUARED OK}"
#: Emoji that mean yes (all other symbols are dropped like punctuation, but see `DOUBTFUL`).
EMOJI = frozenset({THUMBS_UP, CHECK_MARK, HEAVY_CHECK, OK_HAND, OK_BUTTON})
#: Emoji that say no or ask a question: kept, so "Yes 👎" or "OK ❓" is never a yes.
DOUBTFUL = frozenset({"\N{THUMBS DOWN SIGN}", "\N{CROSS MARK}", "\N{BLACK QUESTION MARK ORNAMENT}",
                      "\N{THINKING FACE}", "\N{NO ENTRY SIGN}", "\N{HEAVY MULTIPLICATION X}"})

#: Opt-out words that carriers and Clickatell act on. They win over every other meaning.
UNIVERSAL_OPT_OUT = frozenset({
    "stop", "stopall", "stopstop", "unsubscribe", "cancel", "end", "quit", "revoke", "optout",
})
#: Opt-out words that may also mean "cancel my appointment": the appointment gets a
#: call-back flag (it is not cancelled; X or 2 cancel it). Read only when they are the
#: whole reply: "I want to cancel" is for staff.
CALL_BACK_OPT_OUT = frozenset({"cancel", "cancelar"})
#: Words that confirm, and also opt back in a patient who had opted out.
YES_WORDS = frozenset({"yes", "si"})

#: Each language's words, understood from every patient (but see `OWN_LANGUAGE_ONLY`).
#: A phrase is one word once normalised ("I'll be there" is "illbethere").
WORDS: dict[str, dict[Intent, frozenset[str]]] = {
    "en": {
        Intent.CONFIRM: frozenset({
            "c", "confirm", "confirmed", "iconfirm", "confirming", "yes", "y", "ok", "okay",
            "1", THUMBS_UP, CHECK_MARK, HEAVY_CHECK, OK_HAND, OK_BUTTON,
            "yep", "yeah", "yea", "yup", "ya", "k", "kk", "okey", "okie", "sure", "absolutely",
            "definitely", "soundsgood", "willdo",
            "illbethere", "iwillbethere", "willbethere", "wellbethere", "wewillbethere",
            "seeyouthen", "seeyousoon", "seeyoutomorrow", "seeyouthere",
            # Typos seen in replies.
            "confrim", "comfirm", "confim", "confirmd", "yse", "oky",
        }),
        Intent.CANCEL_APPOINTMENT: frozenset({"x", "2", "cancelappointment", "cancelappt",
                                              "cancelmyappointment", "cancelmyappt"}),
        Intent.RESCHEDULE: frozenset({"r", "reschedule", "3", "reschedulemyappointment"}),
        Intent.HELP: frozenset({"help", "info"}),
        Intent.OPT_IN: frozenset({"start", "unstop"}),
        # Plain words that clearly ask to stop the texts (the universal words apply too).
        Intent.OPT_OUT: frozenset({
            "stoptextingme", "stoptexting", "stoptextme", "stoptexts", "stopthetexts",
            "stopthesetexts", "stopalltexts", "stopsendingmetexts", "stopsendingtexts",
            "stopsendingmemessages", "stopmessages", "stopthemessages", "stopmessagingme",
            "stopcontactingme", "stopreminders", "stopit",
            "nomoretexts", "nomoretext", "nomoremessages", "nomoretextmessages",
            "nomorereminders", "unsubscribeme", "unsub", "optmeout", "remove", "removeme",
            "removemefromyourlist", "removemefromthelist", "removemefromlist",
            "removemynumber", "takemeoff", "takemeoffyourlist", "takemeoffthelist",
            "donttextme", "donottextme", "donttextmeanymore", "donottextmeanymore",
            "dontmessageme", "donotmessageme", "dontcontactme", "donotcontactme",
            "idontwantthesetexts", "idontwantanymoretexts", "idontwantthesemessages",
            "idontwanttexts", "leavemealone",
        }),
    },
    "es": {
        Intent.CONFIRM: frozenset({
            "si", "s", "confirmar", "confirmo", "confirmado", "confirmada", "vale", "claro",
            "claroquesi", "dale", "deacuerdo", "asistire", "ahiestare", "alliestare",
            "allaestare", "estareahi", "ahiestaremos", "nosvemos",
        }),
        Intent.CANCEL_APPOINTMENT: frozenset({"anular", "cancelarcita", "anularcita",
                                              "cancelarmicita", "anularmicita"}),
        Intent.RESCHEDULE: frozenset({"reprogramar", "cambiar", "cambiarcita",
                                      "cambiarmicita"}),
        Intent.HELP: frozenset({"ayuda", "informacion"}),
        Intent.OPT_IN: frozenset({"alta", "comenzar"}),
        # Spanish opt-out words (the universal ones apply too). CANCELAR is CANCEL's twin:
        # opt out, and a call-back about the appointment.
        Intent.OPT_OUT: frozenset({
            "baja", "alto", "parar", "cancelar",
            "nomas", "nomasmensajes", "nomastextos", "dejendeescribirme", "dejedeescribirme",
            "dejendeenviarmemensajes", "dejendemandarmemensajes", "dejendemandarmensajes",
            "dejendeenviarmensajes", "nomemandenmasmensajes", "nomeenvienmasmensajes",
            "nomeescribanmas", "noquieromasmensajes", "noquierorecibirmensajes",
            "noquierorecibirmasmensajes", "yanoquieromensajes", "darmedebaja",
            "demedebaja", "denmedebaja", "quitenmedelalista", "borrenmedelalista",
        }),
    },
}
#: Words clear only in the patient's own language ("S" is sí only to a Spanish speaker).
OWN_LANGUAGE_ONLY: dict[str, frozenset[str]] = {"es": frozenset({"s"})}

#: Politeness that may surround our words without changing them ("yes please", "hi, C",
#: "gracias, ahí estaré"). Alone it means nothing: "thanks" is free text.
COURTESY = frozenset({
    "please", "pls", "plz", "thanks", "thank", "thankyou", "thanku", "thx", "thnx", "tks",
    "ty", "tysm", "thanksalot", "thankssomuch", "thankyousomuch", "thankyouverymuch",
    "manythanks", "cheers", "appreciateit", "hi", "hello", "hey", "goodmorning",
    "goodafternoon", "goodevening", "morning", "sorry", "great", "perfect", "awesome", "cool",
    "wonderful", "canyou", "canu", "couldyou", "wouldyou", "canyouplease", "couldyouplease",
    "iwouldliketo", "idliketo", "iwantto",
    "gracias", "muchasgracias", "milgracias", "porfavor", "porfa", "xfa", "hola", "buenas",
    "buenosdias", "buenastardes", "buenasnoches", "saludos", "perfecto", "excelente",
    "genial",
})

#: Words that pass on an offered slot (with the cancel words: X, 2…).
OFFER_DECLINE = frozenset({"no", "n", "nope", "nah", "pass", "nothanks", "nothankyou",
                           "nogracias"})

MAX_WORD_LENGTH = 40
#: Longer replies are not read word by word (only sentence by sentence, for an opt-out).
MAX_READ_WORDS = 40
_SKIN_TONES = re.compile("[\U0001F3FB-\U0001F3FF\uFE0E\uFE0F\u200D]")
_SENTENCE_ENDS = re.compile(r"[.,;:!?¡¿\n\r]+")
_APOSTROPHES = frozenset("'’`´")
_KEPT_SYMBOLS = EMOJI | DOUBTFUL


def normalise(text: str) -> str:
    """The reply as it is looked up: lower case, no accents, only letters, digits and the
    emoji that mean something; a repeated emoji counts once (👍👍 is 👍)."""
    word = "".join(_tokens(text))
    if word and len(set(word)) == 1 and word[0] in EMOJI:
        return word[0]
    return word


def _tokens(text: str) -> list[str]:
    """The reply's words, normalised, in order: an emoji that means something is a word of
    its own even when glued to one ("Yes👍" is "yes", "👍"); apostrophes join ("I'll")."""
    tokens: list[str] = []
    current: list[str] = []
    for char in unicodedata.normalize("NFKD", _SKIN_TONES.sub("", text or "")).casefold():
        if unicodedata.combining(char) or char in _APOSTROPHES:
            continue
        if char.isalnum():
            current.append(char)
            continue
        if current:
            tokens.append("".join(current))
            current = []
        if char in _KEPT_SYMBOLS:
            tokens.append(char)
    if current:
        tokens.append("".join(current))
    return tokens


@dataclass(frozen=True, slots=True)
class Reading:
    """What a reply means, with the nuances `Intent` alone cannot carry."""

    intent: Intent
    word: str  # the normalised reply
    #: An opt-out word that may also be about the appointment (CANCEL): call the patient.
    call_back: bool = False
    #: A YES: it also opts back in a patient who had opted out.
    opts_in: bool = False
    #: The word is one of the practice's own, not ours.
    practice_word: bool = False
    #: Read from several words ("yes please", "stop texting me. I moved"), not one.
    in_plain_words: bool = False
    #: Free text that passes on an offered slot ("no thank you").
    declines: bool = False


def _languages(language: str | None) -> list[str]:
    """The patient's language first, then every other one."""
    language = str(language) if language is not None else None
    return sorted(WORDS, key=lambda name: name != language)


@functools.lru_cache(maxsize=4096)
def builtin_meaning(word: str, language: str | None = None) -> Intent | None:
    """What one of our own words means (None if it is not one), after normalisation.
    With no language, every word of every language counts. Remembered: a reply is read
    run by run, each run looked up once per language and length, and the lists are
    constants."""
    word = normalise(word)
    if word in UNIVERSAL_OPT_OUT:
        return Intent.OPT_OUT
    for name in _languages(language):
        if language is not None and name != language and \
                word in OWN_LANGUAGE_ONLY.get(name, ()):
            continue
        for intent, words in WORDS[name].items():
            if word in words:
                return intent
    return None


_COURTESY = "courtesy"
_DECLINE = "decline"


def _squeezed(word: str) -> str:
    """A letter typed several times counts once ("yesss" → "yes")."""
    return re.sub(r"([a-z])\1+", r"\1", word)


def _meaning(key: str, language: str | None, extra_words: Mapping[str, Intent]):
    """What one run of words means: one of ours, the practice's, politeness or a pass;
    else None. CANCEL and CANCELAR count only alone (see the module doc)."""
    if key in CALL_BACK_OPT_OUT:
        return None
    intent = builtin_meaning(key, language) or extra_words.get(key)
    if intent is not None:
        return Intent(intent)
    if key in COURTESY:
        return _COURTESY
    if key in OFFER_DECLINE:
        return _DECLINE
    return None


def _lookup(key: str, language: str | None, extra_words: Mapping[str, Intent]):
    found = _meaning(key, language, extra_words)
    squeezed = _squeezed(key)
    if found is None and squeezed != key and len(squeezed) > 1:
        found = _meaning(squeezed, language, extra_words)
    return found


def _segments(tokens: list[str], language: str | None,
              extra_words: Mapping[str, Intent]) -> list[tuple[str, object]] | None:
    """Split the words into runs that each mean something (longest first), or None if some
    word means nothing to us. Returns (run, meaning) pairs."""
    if not tokens or len(tokens) > MAX_READ_WORDS:
        return None
    failed: set[int] = set()

    def split(start: int) -> list[tuple[str, object]] | None:
        if start == len(tokens):
            return []
        if start in failed:
            return None
        for end in range(min(len(tokens), start + 8), start, -1):
            key = "".join(tokens[start:end])
            meaning = _lookup(key, language, extra_words)
            if meaning is not None:
                rest = split(end)
                if rest is not None:
                    return [(key, meaning), *rest]
        failed.add(start)
        return None

    return split(0)


def _one_intent(segments) -> tuple[Intent, list[str]] | None:
    """The one intent of our words among politeness, with the words that carry it."""
    intents = {meaning for _, meaning in segments if isinstance(meaning, Intent)}
    if len(intents) != 1 or any(meaning == _DECLINE for _, meaning in segments):
        return None
    [intent] = intents
    return intent, [key for key, meaning in segments if meaning == intent]


def interpret(text: str, language: str | None = None,
              extra_words: Mapping[str, Intent] | None = None) -> Reading:
    """Read a reply from a patient whose language is `language` ("en", "es"; None: any).

    `extra_words` are the practice's own words, keyed by their normalised form.
    """
    word = normalise(text)
    if extra_words is None:  # not `or`: asking a lazy mapping's length would read it
        extra_words = {}
    if not word:
        return Reading(Intent.FREE_TEXT, word)
    builtin = builtin_meaning(word, language)
    practice_word = builtin is None and word in extra_words
    intent = builtin or extra_words.get(word)
    if intent is not None:
        return Reading(Intent(intent), word, call_back=word in CALL_BACK_OPT_OUT,
                       opts_in=intent is Intent.CONFIRM and word in YES_WORDS,
                       practice_word=practice_word)
    segments = _segments(_tokens(text), language, extra_words)
    found = _one_intent(segments) if segments else None
    if found is not None:
        intent, keys = found
        return Reading(intent, word, opts_in=intent is Intent.CONFIRM and bool(
            {_squeezed(key) for key in keys} & YES_WORDS), in_plain_words=True)
    if _a_sentence_opts_out(text, language, extra_words):
        return Reading(Intent.OPT_OUT, word, in_plain_words=True)
    declines = bool(segments) and any(meaning == _DECLINE for _, meaning in segments) \
        and all(meaning in (_COURTESY, _DECLINE) for _, meaning in segments)
    return Reading(Intent.FREE_TEXT, word, declines=declines)


def _a_sentence_opts_out(text: str, language: str | None,
                         extra_words: Mapping[str, Intent]) -> bool:
    for sentence in _SENTENCE_ENDS.split(text or ""):
        segments = _segments(_tokens(sentence), language, extra_words)
        found = _one_intent(segments) if segments else None
        if found is not None and found[0] is Intent.OPT_OUT:
            return True
    return False


def understand(text: str, language: str | None = None,
               extra_words: Mapping[str, Intent] | None = None) -> Intent:
    """The intent of a reply; see `interpret` for the details a reply may carry."""
    return interpret(text, language, extra_words).intent


def _opt_out_phrases() -> frozenset[str]:
    found = set(UNIVERSAL_OPT_OUT)
    for lists in WORDS.values():
        found |= lists.get(Intent.OPT_OUT, frozenset())
    return frozenset(found)


_OPT_OUT_PHRASES = _opt_out_phrases()
#: Words that might mean "no more texts" inside a longer reply: staff should look.
MIGHT_OPT_OUT = frozenset({"wrongnumber", "spam"})


def mentions_opt_out(text: str) -> bool:
    """Free text with an opt-out word or phrase in it ("can you please stop texting me?",
    "wrong number"): staff should check whether the patient wants no more texts."""
    tokens = _tokens(text)[:200]
    for start in range(len(tokens)):
        for end in range(start + 1, min(len(tokens), start + 8) + 1):
            key = "".join(tokens[start:end])
            if key in _OPT_OUT_PHRASES or key in MIGHT_OPT_OUT:
                return True
    return False


def offer_answer(reading: Reading) -> bool | None:
    """A reply to an open offer: True takes the slot, False passes, None is not an answer
    to the offer (an opt-out, HELP, free text: handled as usual)."""
    if reading.intent is Intent.CONFIRM:
        return True
    if (reading.intent is Intent.CANCEL_APPOINTMENT or reading.word in OFFER_DECLINE
            or reading.declines):
        return False
    return None
