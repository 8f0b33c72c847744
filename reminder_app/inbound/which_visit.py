"""Which visit a reply is about, when its phone has several: a family sharing one mobile
(two children on the same morning), or one patient with two visits this week.

- A reply that names a visit by its reply code ("C2", "2C", "C 2"; X and R too) is about
  that visit (`coded_reply`, `reminders/reply_codes.py`).
- A plain "C", "X" or "R" that could mean more than one visit (`visits_replied_to`, then
  `narrowed`) is never guessed: the app asks once which one, listing first names and day
  and time only ("Reply 1 for Emma Tue 9:00 AM, 2 for Noah Tue 9:30 AM"). The options are
  numbered by the visits' reply codes, so the number a reminder showed is the number to
  answer.
- While that question is open, a bare number that names one of its options answers it: the
  reply's intent (confirm, cancel, reschedule) applies to that visit. A number with a letter
  ("1 C", "C1") applies the letter's meaning instead. A bare number that names no option
  asks again. Anything else is read as usual; a new ambiguous C, X or R replaces the
  question, STOP withdraws it.
- The question expires 24 hours after it was asked, or when its last visit starts, if
  sooner (`expiry`). After that a bare "1" or "2" is read as usual again.

These functions decide and record; `inbound/replies.py` stores the texts and acts.
docs/replies.md tells staff the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select

from .. import sms_texts
from ..extensions import db
from ..models import (
    Appointment,
    AppointmentStatus,
    Direction,
    Intent,
    Message,
    MessageKind,
    Patient,
    Practice,
    QuestionOption,
    QuestionStatus,
    ReplyQuestion,
)
from ..models.appointments import OPEN_STATUSES
from ..models.messages import LEFT_STATUSES
from ..reminders import reply_codes
from ..sms_texts import FamilyText
from .understanding import COURTESY, _tokens

#: A question is answerable this long at most (less if its last visit starts sooner).
QUESTION_LIFETIME = timedelta(hours=24)
#: A question lists at most this many visits (the soonest): two always fit one SMS part,
#: three with names and times of ordinary length (the others are still named by the codes
#: their reminders gave).
MAX_OPTIONS = 3
#: The replies that are about a visit, and so may need the question.
ABOUT_A_VISIT = frozenset({Intent.CONFIRM, Intent.CANCEL_APPOINTMENT, Intent.RESCHEDULE})
LETTERS = {"c": Intent.CONFIRM, "x": Intent.CANCEL_APPOINTMENT, "r": Intent.RESCHEDULE}
_QUESTIONS = {Intent.CONFIRM: FamilyText.WHICH_TO_CONFIRM,
              Intent.CANCEL_APPOINTMENT: FamilyText.WHICH_TO_CANCEL,
              Intent.RESCHEDULE: FamilyText.WHICH_TO_RESCHEDULE}
#: The state a reply asks for: a visit already in it is no candidate ("C" when one of two
#: visits is confirmed is about the other one).
_ALREADY = {Intent.CONFIRM: AppointmentStatus.CONFIRMED,
            Intent.RESCHEDULE: AppointmentStatus.RESCHEDULE_REQUESTED}
_CODED = re.compile(r"(?:(?P<before>[cxr])(?P<code>\d{1,2})|(?P<number>\d{1,2})(?P<after>[cxr])?)")


@dataclass(frozen=True, slots=True)
class CodedReply:
    """A reply that is a number, with or without a letter: "2", "C2", "2 C", "x 1"."""

    code: int
    intent: Intent | None  # None: a bare number, meaningful only as an answer

    @property
    def word(self) -> str:
        letter = next((key for key, value in LETTERS.items() if value is self.intent), "")
        return f"{letter}{self.code}"


def coded_reply(text: str) -> CodedReply | None:
    """The reply as a code, politeness around it allowed ("C2 thanks"); None otherwise."""
    words = [word for word in _tokens(text) if word not in COURTESY]
    found = _CODED.fullmatch("".join(words)) if 0 < len(words) <= 2 else None
    if found is None or int(found["code"] or found["number"]) == 0:
        return None
    letter = found["before"] or found["after"]
    return CodedReply(int(found["code"] or found["number"]),
                      LETTERS[letter] if letter else None)


def reminded(appointment_id) -> object:
    """SQL condition: a reminder (or a notice: "your appointment is now …, reply C to
    confirm") for the appointment went out."""
    return exists().where(Message.appointment_id == appointment_id,
                          Message.kind.in_((MessageKind.REMINDER, MessageKind.NOTICE)),
                          Message.direction == Direction.OUTBOUND,
                          Message.status.in_(LEFT_STATUSES))


def visits_replied_to(practice: Practice, patients: Sequence[Patient],
                      now: datetime) -> list[Appointment]:
    """The visits a reply could be about, soonest first: those still ahead (open, not
    started) of these patients at this practice for which a reminder went out."""
    if not patients:
        return []
    return list(db.session.scalars(
        select(Appointment)
        .where(Appointment.practice_id == practice.id,
               Appointment.patient_id.in_([patient.id for patient in patients]),
               Appointment.status.in_(OPEN_STATUSES), Appointment.starts_at > now,
               reminded(Appointment.id))
        .order_by(Appointment.starts_at, Appointment.id)))


def narrowed(visits: list[Appointment], intent: Intent) -> list[Appointment]:
    """Of the visits, those the reply can change: a "C" is not about a visit already
    confirmed, an "R" not about one already waiting for a call (unless every one is)."""
    already = _ALREADY.get(intent)
    left = [visit for visit in visits if visit.status is not already]
    return left or visits


def may_have_open_question(practice_id, mobile: str):
    """SQL: the phone has an open question (for the caller's query: a reply from a phone
    without one need not look for it)."""
    return exists().where(ReplyQuestion.practice_id == practice_id,
                          ReplyQuestion.mobile == mobile,
                          ReplyQuestion.status == QuestionStatus.OPEN)


def open_question(practice: Practice, mobile: str, now: datetime) -> ReplyQuestion | None:
    """The phone's open question, if it has one still answerable (one past its time is
    closed as expired here)."""
    question = db.session.scalar(select(ReplyQuestion).where(
        ReplyQuestion.practice_id == practice.id, ReplyQuestion.mobile == mobile,
        ReplyQuestion.status == QuestionStatus.OPEN))
    if question is not None and question.expires_at <= now:
        question.close(QuestionStatus.EXPIRED, question.expires_at)
        db.session.flush()
        return None
    return question


def expiry(visits: Sequence[Appointment], now: datetime) -> datetime:
    """When a question about these visits stops being answerable: a day after it was
    asked, or when the last of them starts, if sooner."""
    return min(now + QUESTION_LIFETIME, max(visit.starts_at for visit in visits))


def ask(practice: Practice, mobile: str, inbound: Message, intent: Intent,
        visits: Sequence[Appointment], now: datetime) -> ReplyQuestion:
    """Record the question "which visit?" about `inbound` (the phone's open one, if any,
    is replaced). The caller queues its text (`question_text`)."""
    previous = open_question(practice, mobile, now)
    if previous is not None:
        previous.close(QuestionStatus.REPLACED, now)
        db.session.flush()  # one open question per phone: the database holds us to it
    question = ReplyQuestion(practice_id=practice.id, mobile=mobile, message_id=inbound.id,
                             intent=intent, status=QuestionStatus.OPEN, asked_at=now,
                             expires_at=expiry(visits, now))
    for visit in list(visits)[:MAX_OPTIONS]:
        code = reply_codes.code_of(visit, now)
        if code is not None:
            question.options.append(QuestionOption(practice_id=practice.id, code=code,
                                                   appointment_id=visit.id))
    db.session.add(question)
    db.session.flush()
    return question


def question_text(practice: Practice, question: ReplyQuestion, language: str | None,
                  now: datetime) -> str:
    """ "Riverside: which visit do you confirm? Reply 1 for Emma Tue 9:00 AM, 2 for Noah
    Tue 9:30 AM." First names and day and time only (minimum necessary); no first name
    when every visit is one patient's; the date too when they are not all this week."""
    visits = [option.appointment for option in question.options]
    zone = practice.zone
    same_patient = len({visit.patient_id for visit in visits}) == 1
    with_date = any(visit.starts_at > now + timedelta(days=6) for visit in visits)
    choice = FamilyText.CHOICE_SAME_PATIENT if same_patient else FamilyText.CHOICE
    choices = ", ".join(
        sms_texts.text(choice, language).format(
            code=option.code, first_name=option.appointment.patient.first_name,
            when=sms_texts.short_when(option.appointment.starts_at, zone, language,
                                      with_date=with_date))
        for option in question.options)
    return sms_texts.render(_QUESTIONS[question.intent], practice, language, choices=choices)


def answer(question: ReplyQuestion, option: QuestionOption, inbound: Message,
           now: datetime) -> None:
    """The phone chose `option`: the question is answered by `inbound`."""
    question.close(QuestionStatus.ANSWERED, now, answer_message_id=inbound.id,
                   appointment=option.appointment)


def withdraw(practice: Practice, mobile: str, now: datetime) -> None:
    """The phone opted out: its open question is no longer asked."""
    question = open_question(practice, mobile, now)
    if question is not None:
        question.close(QuestionStatus.WITHDRAWN, now)


def questions_in(messages: Sequence[Message]) -> dict[int, ReplyQuestion]:
    """For a conversation: the questions these texts raised, asked or answered, by the
    id of each such text (one query)."""
    ids = [message.id for message in messages]
    if not ids:
        return {}
    found: dict[int, ReplyQuestion] = {}
    for question in db.session.scalars(select(ReplyQuestion).where(
            ReplyQuestion.message_id.in_(ids) | ReplyQuestion.question_message_id.in_(ids)
            | ReplyQuestion.answer_message_id.in_(ids))):
        for message_id in (question.message_id, question.question_message_id,
                           question.answer_message_id):
            if message_id in ids:
                found[message_id] = question
    return found


def messages_about(practice: Practice, patient: Patient) -> list[int]:
    """The texts of every question that offered one of the patient's visits (the reply
    that raised it, the question, the answer), which a family's other member may hold."""
    rows = db.session.execute(
        select(ReplyQuestion.message_id, ReplyQuestion.question_message_id,
               ReplyQuestion.answer_message_id)
        .join(QuestionOption, QuestionOption.question_id == ReplyQuestion.id)
        .join(Appointment, Appointment.id == QuestionOption.appointment_id)
        .where(ReplyQuestion.practice_id == practice.id,
               Appointment.patient_id == patient.id)).all()
    return sorted({message_id for row in rows for message_id in row if message_id})
