"""The automatic answers to patients' replies, in each patient language (their words are in
the one catalog, reminder_app/sms_texts.py).

Every answer names the practice and gives its phone, and is written in the GSM-7 alphabet
so it stays one SMS part with a practice name of ordinary length.
tests/inbound/test_answers.py holds them to that.

HELP says what CTIA's handbook asks of a HELP answer: who sends (the practice), how to reach
it (its phone), how often ("reminders for your appointments"), "Msg & data rates may apply"
and how to opt out. It is the one answer besides the opt-out confirmation that also goes to
a number that has opted out (`REACHES_OPTED_OUT`).
"""

from __future__ import annotations

from datetime import datetime

from .. import sms_texts
from ..models import Practice
from ..sms_texts import Answer, when

__all__ = ["REACHES_OPTED_OUT", "Answer", "render"]

#: Answers sent even to a patient who has opted out: the confirmation of the opt-out itself,
#: and HELP (a person asking who texts them must be told, and how to stop it).
REACHES_OPTED_OUT = frozenset({Answer.OPTED_OUT, Answer.OPTED_OUT_CALL_BACK, Answer.HELP})


def render(answer: Answer, practice: Practice, language: str | None,
           starts_at: datetime | None = None, *, per_visit: int = 2) -> str:
    """The answer in the patient's language (English if it has none we write);
    `per_visit` is how many reminders an appointment gets (the opt-in confirmation says)."""
    return sms_texts.render(answer, practice, language, per_visit=per_visit,
                            when=when(starts_at, practice.zone, language) if starts_at else "")
