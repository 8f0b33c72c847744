"""Reminder texts: placeholders, rendering, and what a text will cost.

A template is plain text with placeholders in braces, e.g. `Hi {patient_first_name}`.
`{{` and `}}` stand for literal braces. A name that is not in `PLACEHOLDERS` is an error the
editor shows; the dispatcher never meets one, because only checked templates are stored.
"""

from dataclasses import dataclass
from datetime import datetime
from string import Formatter
from zoneinfo import ZoneInfo

from ..clickatell import analyse
from ..models import Language

#: Every placeholder a template may use, with what it stands for (shown in the editor).
PLACEHOLDERS = {
    "patient_first_name": "The patient's first name",
    "patient_last_name": "The patient's last name",
    "practice_name": "The practice's name",
    "practice_phone": "The practice's phone number",
    "provider": "The doctor (provider) the appointment is with",
    "date": "The appointment's day, e.g. Monday, March 14",
    "time": "The appointment's time, e.g. 9:30 AM",
    "reply_instructions": "How to answer: C to confirm, X to cancel, R to reschedule",
}

#: Patients answer C, X or R. Never "CANCEL": carriers treat it as an opt-out word.
REPLY_INSTRUCTIONS = {
    Language.EN: "Reply C to confirm, X to cancel, R to reschedule.",
    Language.ES: "Responda C: confirmar, X: cancelar, R: cambiar.",
}

#: Written to fit one GSM-7 SMS (160 characters) with a long practice name and date.
DEFAULT_TEMPLATES = {
    Language.EN: ("{practice_name}: {patient_first_name}, see you {date} at {time} with "
                  "{provider}. {reply_instructions}"),
    Language.ES: ("{practice_name}: {patient_first_name}, le esperamos el {date} a las {time} "
                  "con {provider}. {reply_instructions}"),
}

#: Clickatell charges one credit per SMS part.
CREDITS_PER_PART = 1

#: "sabado" without its accent: á is not in GSM-7 and would make every Saturday reminder
#: UCS-2 (70 characters per SMS). é (miércoles) is in GSM-7.
_ES_DAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sabado", "domingo")
_ES_MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
              "septiembre", "octubre", "noviembre", "diciembre")


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


def format_date(moment: datetime, language: Language) -> str:
    if Language(language) is Language.ES:
        return f"{_ES_DAYS[moment.weekday()]} {moment.day} de {_ES_MONTHS[moment.month - 1]}"
    return f"{moment:%A, %B} {moment.day}"


def format_time(moment: datetime, language: Language) -> str:
    if Language(language) is Language.ES:
        return f"{moment:%H:%M}"
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


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


def details_of(appointment, practice) -> Details:
    """The details of one of the practice's appointments."""
    patient = appointment.patient
    return Details(
        patient_first_name=patient.first_name, patient_last_name=patient.last_name,
        practice_name=practice.name, practice_phone=practice.phone,
        provider=appointment.provider.name, starts_at=appointment.starts_at,
        zone=practice.zone, language=patient.language)


def render(body: str, details: Details) -> str:
    """The text a patient receives: placeholders filled in, times in the practice's zone."""
    local_start = details.starts_at.astimezone(details.zone)
    language = Language(details.language)
    values = {
        "patient_first_name": details.patient_first_name,
        "patient_last_name": details.patient_last_name,
        "practice_name": details.practice_name,
        "practice_phone": details.practice_phone,
        "provider": details.provider,
        "date": format_date(local_start, language),
        "time": format_time(local_start, language),
        "reply_instructions": REPLY_INSTRUCTIONS[language],
    }
    return check(body).format_map(values)


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
