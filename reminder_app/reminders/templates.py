"""Reminder texts: placeholders, rendering, and what a text will cost.

A template is plain text with placeholders in braces, e.g. `Hi {patient_first_name}`.
`{{` and `}}` stand for literal braces. A name that is not in `PLACEHOLDERS` is an error the
editor shows; the dispatcher never meets one, because only checked templates are stored.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from string import Formatter
from zoneinfo import ZoneInfo

from .. import sms_texts
from ..clickatell import analyse
from ..models import Language
from ..sms_texts import FamilyText, ReminderText

_STOP = re.compile(r"\bSTOP\b")
#: `{prep_note}` and the space before it, to leave out when there is no note.
_PREP_NOTE = re.compile(r" ?(?<!\{)\{prep_note\}(?!\})")

#: Every placeholder a template may use, with what it stands for (shown in the editor).
PLACEHOLDERS = {
    "patient_first_name": "The patient's first name",
    "patient_last_name": "The patient's last name",
    "practice_name": "The practice's name",
    "practice_phone": "The practice's phone number",
    "provider": "The doctor (provider) the appointment is with (only if the practice names "
                "the provider in texts)",
    "date": "The appointment's day, e.g. Monday, March 14",
    "time": "The appointment's time, e.g. 9:30 AM",
    "reply_instructions": "How to answer: C to confirm, R to reschedule (C2, R2 when the "
                          "patient's phone has several visits coming)",
    "opt_out": "How to stop the texts: Reply STOP to opt out (every reminder must say it)",
    "prep_note": "The appointment type's preparation note, e.g. Please fast from midnight "
                 "(empty when it has none)",
    "location": "The site the appointment is at (the practice's name when it has no site)",
    "location_address": "The site's address (the practice's when it has no site)",
}

#: Patients answer C or R (X still cancels). Never "CANCEL": carriers treat it as an
#: opt-out word. The words are in the one catalog of patients' texts.
REPLY_INSTRUCTIONS = {language: sms_texts.text(ReminderText.REPLY_INSTRUCTIONS, language)
                      for language in Language}
#: The opt-out line every reminder carries, in the patient's language.
OPT_OUT_LINES = {language: sms_texts.text(ReminderText.OPT_OUT, language)
                 for language in Language}

#: Written to fit one GSM-7 SMS (160 characters) with a long practice name and date, opt-out
#: line included. They name the practice, the day and the time, not the doctor.
DEFAULT_TEMPLATES = {language: sms_texts.text(ReminderText.DEFAULT, language)
                     for language in Language}
#: For a practice that chose to name the provider (it may take two parts).
DEFAULT_TEMPLATES_WITH_PROVIDER = {
    language: sms_texts.text(ReminderText.DEFAULT_WITH_PROVIDER, language)
    for language in Language}

#: Clickatell charges one credit per SMS part.
CREDITS_PER_PART = 1

NO_OPT_OUT = ("Every reminder must tell patients how to stop the texts: add {opt_out} "
              "(“Reply STOP to opt out.”) or write that sentence yourself.")
PROVIDER_NOT_NAMED = ("Your practice does not name the provider in texts: remove {provider}, "
                      "or turn on “Name the provider in reminders” first.")


def reply_instructions(language: Language, code: int | None) -> str:
    """How to answer: "Reply C to confirm, R to reschedule.", or with the visit's code."""
    if code is None:
        return REPLY_INSTRUCTIONS[language]
    return sms_texts.text(FamilyText.REPLY_INSTRUCTIONS_CODED, language).format(code=code)


def default_templates(name_provider: bool) -> dict[Language, str]:
    """The default texts of a practice's new rules."""
    return dict(DEFAULT_TEMPLATES_WITH_PROVIDER if name_provider else DEFAULT_TEMPLATES)


class TemplateError(ValueError):
    """A template that cannot be used; the message is for the person editing it."""


def placeholders_in(body: str) -> list[str]:
    """The placeholder names a template uses, in order; raises TemplateError if malformed."""
    try:
        parsed = list(Formatter().parse(body))
    except ValueError as error:
        raise TemplateError("A brace is not closed. Write placeholders like {patient_first_name}"
                            "; for a literal brace write {{ or }}.") from error
    names = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name or spec or conversion:
            raise TemplateError(f"“{{{name}{'!' + conversion if conversion else ''}"
                                f"{':' + spec if spec else ''}}}” is not a placeholder. "
                                "Write placeholders like {patient_first_name}.")
        names.append(name)
    return names


def check(body: str) -> str:
    """The template, if it can be used; TemplateError naming what is wrong otherwise."""
    if not body.strip():
        raise TemplateError("The text is empty.")
    unknown = [name for name in placeholders_in(body) if name not in PLACEHOLDERS]
    if unknown:
        listed = ", ".join("{" + name + "}" for name in dict.fromkeys(unknown))
        raise TemplateError(f"Unknown placeholder {listed}. You can use: "
                            + ", ".join("{" + name + "}" for name in PLACEHOLDERS) + ".")
    return body


def carries_opt_out(body: str) -> bool:
    """Does the template tell patients how to stop the texts ({opt_out}, or STOP itself)?"""
    return "opt_out" in placeholders_in(body) or bool(_STOP.search(body))


def check_reminder(body: str, *, name_provider: bool) -> str:
    """A reminder template as the editor accepts it: usable, with the opt-out line, and
    naming the provider only if the practice chose to."""
    check(body)
    if not carries_opt_out(body):
        raise TemplateError(NO_OPT_OUT)
    if not name_provider and "provider" in placeholders_in(body):
        raise TemplateError(PROVIDER_NOT_NAMED)
    return body


@dataclass(frozen=True)
class Details:
    """What a reminder talks about, independent of where it comes from (a real appointment
    or the editor's sample)."""

    patient_first_name: str
    patient_last_name: str
    practice_name: str
    practice_phone: str
    provider: str
    starts_at: datetime  # aware
    zone: ZoneInfo
    language: Language
    prep_note: str = ""
    location: str = ""
    location_address: str = ""
    #: The visit's reply code when its phone has several visits coming ("Reply C2 …",
    #: reminders/reply_codes.py); None: "Reply C …".
    reply_code: int | None = None


def details_of(appointment, practice, *, reply_code: int | None = None) -> Details:
    """The details of one of the practice's appointments; its day and time on the clock of
    its site."""
    patient = appointment.patient
    site, kind = appointment.location, appointment.appointment_type
    return Details(
        patient_first_name=patient.first_name, patient_last_name=patient.last_name,
        practice_name=practice.name, practice_phone=sms_texts.phone_for_patients(practice),
        provider=appointment.provider.name, starts_at=appointment.starts_at,
        zone=appointment.zone(practice.zone), language=patient.language,
        prep_note=kind.prep_note_for(patient.language) if kind is not None else "",
        location=site.name if site is not None else practice.name,
        location_address=site.address if site is not None else practice.address,
        reply_code=reply_code)


def render(body: str, details: Details) -> str:
    """The text a patient receives: placeholders filled in, times in the practice's zone.
    A template stored without the opt-out line (written before it was required) gets it
    added at the end: no reminder leaves without it."""
    language = Language(details.language)
    if not carries_opt_out(check(body)):
        body = f"{body.rstrip()} {{opt_out}}"
    values = {
        "patient_first_name": details.patient_first_name,
        "patient_last_name": details.patient_last_name,
        "practice_name": details.practice_name,
        "practice_phone": details.practice_phone,
        "provider": details.provider,
        "date": sms_texts.day(details.starts_at, details.zone, language),
        "time": sms_texts.clock(details.starts_at, details.zone, language),
        "reply_instructions": reply_instructions(language, details.reply_code),
        "opt_out": OPT_OUT_LINES[language],
        "prep_note": details.prep_note,
        "location": details.location,
        "location_address": details.location_address,
    }
    if not details.prep_note:  # nothing to prepare: no gap where the note would be
        body = _PREP_NOTE.sub("", body)
    return body.format_map(values)


@dataclass(frozen=True)
class Preview:
    text: str
    length: int  # characters as counted for the encoding (GSM-7 extension characters: 2)
    encoding: str  # "GSM-7" or "UCS-2"
    parts: int
    credits: int
    non_gsm_characters: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"text": self.text, "length": self.length, "encoding": self.encoding,
                "parts": self.parts, "credits": self.credits,
                "non_gsm_characters": list(self.non_gsm_characters)}


def preview(body: str, details: Details) -> Preview:
    """The rendered text and what it costs, counted exactly as the sender counts it."""
    text = render(body, details)
    segments = analyse(text)
    return Preview(text=text, length=segments.length_units, encoding=segments.encoding,
                   parts=segments.parts, credits=segments.parts * CREDITS_PER_PART,
                   non_gsm_characters=segments.non_gsm_chars)
