"""The automatic answers to patients' replies, in each patient language.

Every answer names the practice and gives its phone, and is written in the GSM-7 alphabet
so it stays one SMS part with a practice name of ordinary length (Spanish without the
accents GSM-7 lacks: á í ó ú). tests/inbound/test_answers.py holds them to that.

HELP says what CTIA's handbook asks of a HELP answer: who sends (the practice), how to reach
it (its phone), how often ("reminders for your appointments"), "Msg & data rates may apply"
and how to opt out. It is the one answer besides the opt-out confirmation that also goes to
a number that has opted out (`REACHES_OPTED_OUT`).
"""

from __future__ import annotations

import enum
from datetime import datetime

from ..models import Practice
from ..patient_texts import phone_for_patients, when


class Answer(enum.StrEnum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    RESCHEDULE = "reschedule"
    HELP = "help"
    OPTED_OUT = "opted_out"
    OPTED_OUT_CALL_BACK = "opted_out_call_back"
    OPTED_IN = "opted_in"
    NO_APPOINTMENT = "no_appointment"


#: Answers sent even to a patient who has opted out: the confirmation of the opt-out itself,
#: and HELP (a person asking who texts them must be told, and how to stop it).
REACHES_OPTED_OUT = frozenset({Answer.OPTED_OUT, Answer.OPTED_OUT_CALL_BACK, Answer.HELP})

TEXTS: dict[str, dict[Answer, str]] = {
    "en": {
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
        Answer.OPTED_IN: "{practice}: you will get appointment texts again. Reply STOP to opt "
                         "out, HELP for help.",
        Answer.NO_APPOINTMENT: "{practice}: we found no upcoming appointment your reply could "
                               "apply to. Please call {phone}.",
    },
    "es": {
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
        Answer.OPTED_IN: "{practice}: volvera a recibir avisos de citas. Responda STOP para "
                         "no recibirlos, AYUDA para ayuda.",
        Answer.NO_APPOINTMENT: "{practice}: no encontramos ninguna cita proxima a la que "
                               "aplicar su respuesta. Llame al {phone}.",
    },
}

def render(answer: Answer, practice: Practice, language: str | None,
           starts_at: datetime | None = None) -> str:
    language = language if language in TEXTS else "en"
    return TEXTS[language][answer].format(
        practice=practice.name, phone=phone_for_patients(practice),
        when=when(starts_at, practice.zone, language) if starts_at else "")
