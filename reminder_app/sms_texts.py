"""Every text a patient receives, in one catalog keyed by language, and the one way a day and
a time are written in them.

Reminders (reminders/templates.py fills a practice's template), the automatic answers to
replies (inbound/answers.py) and the waitlist's texts (waitlist/texts.py) all take their
words from `CATALOG` and their dates from `day`, `clock` and `when`, so one appointment reads
the same in all three: "Tuesday, March 10 at 10:30 AM", "martes 10 de marzo a las 10:30".

Everything here is written in the GSM-7 alphabet so that a text stays one SMS part with names
of ordinary length (Spanish without the accents GSM-7 lacks: á í ó ú; é is in it). The tests
of each kind of text hold them to that, counting parts with the code that counts credits.

No text invites the word CANCEL: carriers and Clickatell read it as an opt-out word, so a
patient who typed the word they read would be opted out of every text (docs/replies.md).
"""

from __future__ import annotations

import enum
from datetime import datetime
from zoneinfo import ZoneInfo

from .models import Language, Practice
from .phones import as_dialled_from


class Answer(enum.StrEnum):
    """The automatic answers to a patient's reply."""

    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    RESCHEDULE = "reschedule"
    HELP = "help"
    OPTED_OUT = "opted_out"
    OPTED_OUT_CALL_BACK = "opted_out_call_back"
    OPTED_IN = "opted_in"
    NO_APPOINTMENT = "no_appointment"


class OfferText(enum.StrEnum):
    """The waitlist's texts: the offer of a freed slot, and the answers to a reply to it."""

    OFFER = "offer"
    BOOKED = "booked"
    TAKEN = "taken"
    EXPIRED = "expired"
    DECLINED = "declined"
    CLOSED = "closed"


class ConsentText(enum.StrEnum):
    """The words a patient is shown (or read) when asked to agree to texts."""

    REQUEST = "consent_request"


class ReminderText(enum.StrEnum):
    """The pieces of a reminder: the default templates and what their placeholders say."""

    DEFAULT = "reminder"
    DEFAULT_WITH_PROVIDER = "reminder_with_provider"
    REPLY_INSTRUCTIONS = "reply_instructions"
    OPT_OUT = "opt_out"


#: Every kind of text in the catalog (their values are distinct, so one dict holds them all).
KINDS = (ReminderText, ConsentText, Answer, OfferText)

#: Every text, by language. Answers and offers use {practice}, {phone}, {when}, {provider},
#: {until}; reminder templates use the placeholders of reminders/templates.py.
CATALOG: dict[Language, dict[enum.StrEnum, str]] = {
    Language.EN: {
        # Minimum necessary: the practice, the day and the time; not the doctor or the reason,
        # unless the practice chose to name the provider (DEFAULT_WITH_PROVIDER).
        ReminderText.DEFAULT: "{practice_name}: {patient_first_name}, see you {date} at "
                              "{time}. {reply_instructions} {opt_out}",
        ReminderText.DEFAULT_WITH_PROVIDER: "{practice_name}: {patient_first_name}, see you "
                                            "{date} at {time} with {provider}. "
                                            "{reply_instructions} {opt_out}",
        ReminderText.REPLY_INSTRUCTIONS: "Reply C to confirm, R to reschedule.",
        ReminderText.OPT_OUT: "Reply STOP to opt out.",
        ConsentText.REQUEST: "May {practice} text you appointment reminders at this number, "
                             "about {per_visit} per visit? Msg & data rates may apply. Reply "
                             "HELP for help, STOP to opt out.",

        Answer.CONFIRMED: "{practice}: thank you, your appointment on {when} is confirmed. "
                          "Questions? Call {phone}.",
        Answer.CANCELLED: "{practice}: your appointment on {when} is cancelled. "
                          "To book a new time, call {phone}.",
        Answer.RESCHEDULE: "{practice}: we will call you to find a new time for your "
                           "appointment on {when}. Or call us: {phone}.",
        Answer.HELP: "{practice}: reminders for your appointments. Call {phone}. Msg & data "
                     "rates may apply. Reply STOP to opt out, C to confirm.",
        Answer.OPTED_OUT: "{practice}: you will get no more texts from us. Reply START to get "
                          "them again. Call {phone}.",
        Answer.OPTED_OUT_CALL_BACK: "{practice}: you will get no more texts from us (reply "
                                    "START to undo). About your appointment, we will call you "
                                    "or call {phone}.",
        # The opt-in confirmation: the first time a patient is opted in, and after START,
        # UNSTOP or YES after STOP. Who, what, how often, rates, HELP, STOP.
        Answer.OPTED_IN: "{practice}: you will get appointment reminders, about {per_visit} "
                         "per visit. Msg & data rates may apply. Reply HELP for help, STOP to "
                         "opt out.",
        Answer.NO_APPOINTMENT: "{practice}: we found no upcoming appointment your reply could "
                               "apply to. Please call {phone}.",

        OfferText.OFFER: "{practice}: sooner opening {when} with {provider}. Reply YES by "
                         "{until} to take it, NO to pass.",
        OfferText.BOOKED: "{practice}: it is yours. You are booked with {provider} on {when}. "
                          "Questions? Call {phone}.",
        OfferText.TAKEN: "{practice}: sorry, that time was just taken. You stay on our "
                         "waitlist; we will text you when another opens.",
        OfferText.EXPIRED: "{practice}: sorry, that offer ended at {until}. You stay on our "
                           "waitlist; we will text you when another opens.",
        OfferText.DECLINED: "{practice}: no problem. You stay on our waitlist; we will text "
                            "you when another time opens.",
        OfferText.CLOSED: "{practice}: sorry, that time is no longer available. You stay on "
                          "our waitlist. Questions? Call {phone}.",
    },
    Language.ES: {
        ReminderText.DEFAULT: "{practice_name}: {patient_first_name}, cita el {date} a las "
                              "{time}. {reply_instructions} {opt_out}",
        ReminderText.DEFAULT_WITH_PROVIDER: "{practice_name}: {patient_first_name}, cita el "
                                            "{date} a las {time} con {provider}. "
                                            "{reply_instructions} {opt_out}",
        ReminderText.REPLY_INSTRUCTIONS: "Responda C: confirmar, R: cambiar.",
        ReminderText.OPT_OUT: "Responda STOP para darse de baja.",
        ConsentText.REQUEST: "Podemos ({practice}) enviarle avisos de sus citas a este numero, "
                             "unos {per_visit} por cita? Pueden aplicar tarifas de mensajes y "
                             "datos. AYUDA: ayuda. STOP: baja.",

        Answer.CONFIRMED: "{practice}: gracias, su cita del {when} queda confirmada. "
                          "Preguntas? Llame al {phone}.",
        Answer.CANCELLED: "{practice}: su cita del {when} queda cancelada. Para pedir otra "
                          "cita, llame al {phone}.",
        Answer.RESCHEDULE: "{practice}: le llamaremos para cambiar su cita del {when}. "
                           "O llamenos al {phone}.",
        Answer.HELP: "{practice}: avisos de sus citas. Tel. {phone}. Pueden aplicar tarifas "
                     "de mensajes y datos. Responda STOP para no recibirlos.",
        Answer.OPTED_OUT: "{practice}: no recibira mas mensajes nuestros. Responda START para "
                          "volver a recibirlos. Tel. {phone}.",
        Answer.OPTED_OUT_CALL_BACK: "{practice}: no recibira mas mensajes (START para "
                                    "deshacer). Sobre su cita, le llamaremos, o llame al "
                                    "{phone}.",
        Answer.OPTED_IN: "{practice}: recibira avisos de sus citas, unos {per_visit} por "
                         "cita. Pueden aplicar tarifas de mensajes y datos. AYUDA: ayuda. STOP: "
                         "baja.",
        Answer.NO_APPOINTMENT: "{practice}: no encontramos ninguna cita proxima a la que "
                               "aplicar su respuesta. Llame al {phone}.",

        OfferText.OFFER: "{practice}: cita antes: {when} con {provider}. Responda SI antes "
                         "de las {until} para tomarla, NO si no.",
        OfferText.BOOKED: "{practice}: es suya. Tiene cita con {provider} el {when}. "
                          "Preguntas? Llame al {phone}.",
        OfferText.TAKEN: "{practice}: lo sentimos, esa hora ya se ha ocupado. Sigue en la "
                         "lista de espera; le avisaremos de otra.",
        OfferText.EXPIRED: "{practice}: lo sentimos, la oferta termino a las {until}. Sigue en "
                           "la lista de espera; le avisaremos de otra.",
        OfferText.DECLINED: "{practice}: de acuerdo. Sigue en la lista de espera; le "
                            "avisaremos de otra hora.",
        OfferText.CLOSED: "{practice}: lo sentimos, esa hora ya no esta libre. Sigue en la "
                          "lista de espera. Tel. {phone}.",
    },
}

_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
#: "sabado" without its accent: á is not in GSM-7 and would make every Saturday text UCS-2
#: (70 characters per part). é (miércoles) is in GSM-7.
_ES_DAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sabado", "domingo")
_ES_MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
              "septiembre", "octubre", "noviembre", "diciembre")


def language_of(language: str | None) -> Language:
    """The patient's language as the catalog knows it (English for anything else)."""
    try:
        return Language(language)
    except ValueError:
        return Language.EN


def text(kind: enum.StrEnum, language: str | None) -> str:
    """The catalog's text of `kind` in `language` (placeholders not filled in)."""
    return CATALOG[language_of(language)][kind]


def day(moment: datetime, zone: ZoneInfo, language: str | None) -> str:
    """The day of `moment` in `zone`: "Tuesday, March 10", "martes 10 de marzo"."""
    local = moment.astimezone(zone)
    if language_of(language) is Language.ES:
        return f"{_ES_DAYS[local.weekday()]} {local.day} de {_ES_MONTHS[local.month - 1]}"
    return f"{_EN_DAYS[local.weekday()]}, {_EN_MONTHS[local.month - 1]} {local.day}"


def clock(moment: datetime, zone: ZoneInfo, language: str | None) -> str:
    """The time of day of `moment` in `zone`: "10:30 AM", "10:30" (24-hour in Spanish)."""
    local = moment.astimezone(zone)
    if language_of(language) is Language.ES:
        return f"{local:%H:%M}"
    return f"{local.hour % 12 or 12}:{local:%M} {'AM' if local.hour < 12 else 'PM'}"


def when(moment: datetime, zone: ZoneInfo, language: str | None) -> str:
    """An appointment's start: "Tuesday, March 10 at 10:30 AM", "martes 10 de marzo a las
    10:30"."""
    joiner = "a las" if language_of(language) is Language.ES else "at"
    return f"{day(moment, zone, language)} {joiner} {clock(moment, zone, language)}"


def phone_for_patients(practice: Practice) -> str:
    """The practice's phone as its patients dial it (national form at home); its two-way
    number if no phone was given."""
    number = practice.phone or getattr(practice.clickatell_account, "long_number", None) or ""
    return as_dialled_from(number, practice.country)


def render(kind: enum.StrEnum, practice: Practice, language: str | None, **values) -> str:
    """A catalog text filled in: the practice's name and phone, and `values`."""
    return text(kind, language).format(practice=practice.name,
                                       phone=phone_for_patients(practice), **values)


# ------------------------------------------------------------------ running late (issue #19)

class LateText(enum.StrEnum):
    """The day view's "running late" broadcast: minutes late, or behind with no estimate;
    each without the provider (the default: a lock screen shows no doctor) or naming them,
    when the practice names providers in its texts and staff chose to. Placeholders:
    {practice}, {provider}, {minutes}, {time} (the visit's start), {opt_out}."""

    MINUTES = "late_minutes"
    MINUTES_WITH_PROVIDER = "late_minutes_with_provider"
    BEHIND = "late_behind"
    BEHIND_WITH_PROVIDER = "late_behind_with_provider"


KINDS = (*KINDS, LateText)

CATALOG[Language.EN].update({
    LateText.MINUTES: "{practice}: we are running about {minutes} min late today. Your visit "
                      "at {time} is still on; no need to reply. {opt_out}",
    LateText.MINUTES_WITH_PROVIDER: "{practice}: {provider} is running about {minutes} min "
                                    "late today. Your visit at {time} is still on; no need "
                                    "to reply. {opt_out}",
    LateText.BEHIND: "{practice}: we are running behind today. Your visit at {time} is still "
                     "on; please expect a wait. No need to reply. {opt_out}",
    LateText.BEHIND_WITH_PROVIDER: "{practice}: {provider} is running behind today. Your "
                                   "visit at {time} is still on; please expect a wait. No "
                                   "need to reply. {opt_out}",
})
CATALOG[Language.ES].update({
    LateText.MINUTES: "{practice}: hoy vamos con unos {minutes} min de retraso. Su cita de "
                      "las {time} sigue en pie; no hace falta responder. {opt_out}",
    LateText.MINUTES_WITH_PROVIDER: "{practice}: hoy {provider} va con unos {minutes} min de "
                                    "retraso. Su cita de las {time} sigue en pie; no hace "
                                    "falta responder. {opt_out}",
    LateText.BEHIND: "{practice}: hoy vamos con retraso. Su cita de las {time} sigue en pie. "
                     "No hace falta responder. {opt_out}",
    LateText.BEHIND_WITH_PROVIDER: "{practice}: hoy {provider} va con retraso. Su cita de "
                                   "las {time} sigue en pie. No hace falta responder. "
                                   "{opt_out}",
})


# ---------------------------------------------------------------- recalls (reminder_app/recalls/)

class RecallText(enum.StrEnum):
    """The recall's texts: it is due, the same again later, and the answer to a reply that
    asks to book. Minimum necessary: the practice and the patient's first name, never the
    reason or the doctor (a shared phone, a lock screen)."""

    DUE = "recall_due"
    AGAIN = "recall_again"
    WILL_CALL = "recall_will_call"


KINDS += (RecallText,)

CATALOG[Language.EN].update({
    RecallText.DUE: "{practice}: {first_name}, time to book your next visit. Reply R and we "
                    "will call you, or call {phone}. Reply STOP to opt out.",
    RecallText.AGAIN: "{practice}: {first_name}, your next visit is still due. Reply R and "
                      "we will call you, or call {phone}. Reply STOP to opt out.",
    RecallText.WILL_CALL: "{practice}: thank you, we will call you to book your visit. Or "
                          "call us: {phone}.",
})
CATALOG[Language.ES].update({
    RecallText.DUE: "{practice}: {first_name}, toca pedir su proxima cita. Responda R y le "
                    "llamamos, o llame al {phone}. Responda STOP para darse de baja.",
    RecallText.AGAIN: "{practice}: {first_name}, aun falta pedir su cita. Responda R y le "
                      "llamamos, o llame al {phone}. Responda STOP para darse de baja.",
    RecallText.WILL_CALL: "{practice}: gracias, le llamaremos para darle cita. O llamenos al "
                          "{phone}.",
})


# ------------------------------------------------------------------ families (issue 19)
# Several patients on one mobile, several visits on one phone: the reply code a reminder
# names, and the "which one?" question (inbound/which_visit.py). Minimum necessary: first
# names and day and time only. No text here invites CANCEL (nor CANCELAR): "call off",
# "anular".


class FamilyText(enum.StrEnum):
    """The texts of a phone with several visits coming."""

    REPLY_INSTRUCTIONS_CODED = "reply_instructions_coded"
    WHICH_TO_CONFIRM = "which_to_confirm"
    WHICH_TO_CANCEL = "which_to_cancel"
    WHICH_TO_RESCHEDULE = "which_to_reschedule"
    CHOICE = "choice"
    CHOICE_SAME_PATIENT = "choice_same_patient"


KINDS = (*KINDS, FamilyText)

CATALOG[Language.EN].update({
    FamilyText.REPLY_INSTRUCTIONS_CODED: "Reply C{code} to confirm, R{code} to reschedule.",
    FamilyText.WHICH_TO_CONFIRM: "{practice}: which visit do you confirm? Reply {choices}.",
    FamilyText.WHICH_TO_CANCEL: "{practice}: which visit do you want to call off? Reply "
                                "{choices}.",
    FamilyText.WHICH_TO_RESCHEDULE: "{practice}: which visit do you want to move? Reply "
                                    "{choices}.",
    FamilyText.CHOICE: "{code} for {first_name} {when}",
    FamilyText.CHOICE_SAME_PATIENT: "{code} for {when}",
})
CATALOG[Language.ES].update({
    FamilyText.REPLY_INSTRUCTIONS_CODED: "Responda C{code}: confirmar, R{code}: cambiar.",
    FamilyText.WHICH_TO_CONFIRM: "{practice}: que cita confirma? Responda {choices}.",
    FamilyText.WHICH_TO_CANCEL: "{practice}: que cita quiere anular? Responda {choices}.",
    FamilyText.WHICH_TO_RESCHEDULE: "{practice}: que cita quiere cambiar? Responda "
                                    "{choices}.",
    FamilyText.CHOICE: "{code} para {first_name} {when}",
    FamilyText.CHOICE_SAME_PATIENT: "{code} para {when}",
})

_EN_SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: Without accents GSM-7 lacks (á); é is in it.
_ES_SHORT_DAYS = ("lun", "mar", "mié", "jue", "vie", "sab", "dom")


def short_when(moment: datetime, zone: ZoneInfo, language: str | None, *,
               with_date: bool = False) -> str:
    """A visit in a few characters, for a question listing several: "Tue 9:00 AM",
    "mar 9:00"; with the date when the visits are not all within the coming week
    ("Tue 3/10 9:00 AM", "mar 10/3 9:00")."""
    local = moment.astimezone(zone)
    spanish = language_of(language) is Language.ES
    name = (_ES_SHORT_DAYS if spanish else _EN_SHORT_DAYS)[local.weekday()]
    if with_date:
        name += f" {local.day}/{local.month}" if spanish else f" {local.month}/{local.day}"
    return f"{name} {clock(moment, zone, language)}"


# ------------------------------------------------------------ the journey (issue #19, journey)


class JourneyText(enum.StrEnum):
    """The default templates of the journey's rules (`reminders.journey`): told when the
    appointment is booked, moved or cancelled by the practice, missed; and the short text a
    before-visit rule may send once the patient confirmed. Reminder placeholders."""

    BOOKED = "journey_booked"
    CHANGED = "journey_changed"
    CANCELLED = "journey_cancelled"
    NO_SHOW = "journey_no_show"
    CONFIRMED_SHORT = "journey_confirmed_short"


KINDS = (*KINDS, JourneyText)

CATALOG[Language.EN].update({
    JourneyText.BOOKED: "{practice_name}: {patient_first_name}, you are booked for {date} at "
                        "{time}. {reply_instructions} {opt_out}",
    JourneyText.CHANGED: "{practice_name}: {patient_first_name}, your appointment is now "
                         "{date} at {time}. {reply_instructions} {opt_out}",
    JourneyText.CANCELLED: "{practice_name}: {patient_first_name}, your visit on {date} at "
                           "{time} is cancelled. To rebook, call {practice_phone}. {opt_out}",
    JourneyText.NO_SHOW: "{practice_name}: {patient_first_name}, we missed you on {date}. "
                         "Reply R for a new time, or call {practice_phone}. {opt_out}",
    JourneyText.CONFIRMED_SHORT: "{practice_name}: see you {date} at {time}. {opt_out}",
})
CATALOG[Language.ES].update({
    JourneyText.BOOKED: "{practice_name}: {patient_first_name}, tiene cita el {date} a las "
                        "{time}. {reply_instructions} {opt_out}",
    JourneyText.CHANGED: "{practice_name}: {patient_first_name}, nueva hora: {date} a las "
                         "{time}. {reply_instructions} {opt_out}",
    JourneyText.CANCELLED: "{practice_name}: {patient_first_name}, su cita del {date}, "
                           "{time}, se cancela. Otra cita: {practice_phone}. {opt_out}",
    JourneyText.NO_SHOW: "{practice_name}: {patient_first_name}, le esperabamos el {date}. "
                         "R: otra cita, o llame al {practice_phone}. {opt_out}",
    JourneyText.CONFIRMED_SHORT: "{practice_name}: le esperamos el {date} a las {time}. "
                                 "{opt_out}",
})
