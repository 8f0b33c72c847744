"""What staff do with patients' texts: read the threads, mark them handled, answer, and
attach a text from an unknown number to the right patient. Views call these and commit
each change (services never commit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select, update

from ..clickatell import analyse
from ..extensions import db
from ..models import (
    Actor,
    ConsentMethod,
    Direction,
    Event,
    EventKind,
    Evidence,
    Intent,
    Message,
    MessageKind,
    Patient,
    Practice,
    PracticeKeyword,
)
from ..models.types import utcnow
from ..outbox import OutboxError, enqueue
from ..reminders import consent
from . import which_visit
from .replies import cancel_queued_texts, has_opted_out
from .understanding import MAX_WORD_LENGTH, builtin_meaning, interpret, normalise

#: Longest staff answer, in SMS parts (each part costs credit).
MAX_STAFF_REPLY_PARTS = 6
THREADS_PER_PAGE = 50

UNREAD = and_(Message.direction == Direction.INBOUND, Message.read_at.is_(None))


class ConversationError(Exception):
    """Something staff asked that cannot be done; the message is for them."""


@dataclass(frozen=True)
class Thread:
    patient: Patient
    last_at: datetime
    unread: int


def unread_count(practice: Practice) -> int:
    """Texts from patients (or unknown numbers) that no one has marked handled."""
    return db.session.scalar(select(func.count(Message.id)).where(
        Message.practice_id == practice.id, UNREAD)) or 0


def unmatched_unread_count(practice: Practice) -> int:
    return db.session.scalar(select(func.count(Message.id)).where(
        Message.practice_id == practice.id, Message.patient_id.is_(None), UNREAD)) or 0


def threads(practice: Practice, page: int = 1) -> tuple[list[Thread], bool]:
    """One thread per patient with texts, those with unread texts first, then the latest;
    and whether there is another page."""
    unread = func.sum(case((UNREAD, 1), else_=0))
    summary = (select(Message.patient_id, func.max(Message.created_at).label("last_at"),
                      unread.label("unread"))
               .where(Message.practice_id == practice.id, Message.patient_id.is_not(None))
               .group_by(Message.patient_id).subquery())
    rows = db.session.execute(
        select(Patient, summary.c.last_at, summary.c.unread)
        .join(summary, Patient.id == summary.c.patient_id)
        .where(Patient.practice_id == practice.id)
        .order_by((summary.c.unread > 0).desc(), summary.c.last_at.desc(), Patient.id)
        .offset((page - 1) * THREADS_PER_PAGE).limit(THREADS_PER_PAGE + 1)).all()
    found = [Thread(patient, last_at, int(unread or 0)) for patient, last_at, unread in rows]
    return found[:THREADS_PER_PAGE], len(found) > THREADS_PER_PAGE


def thread_messages(practice: Practice, patient: Patient) -> list[Message]:
    """Every text to and from the patient, in the order they happened, with the question
    "which visit?" that offered one of theirs and its answer (a family's shared phone may
    have filed them under a brother or sister: inbound/which_visit.py)."""
    asked = which_visit.messages_about(practice, patient)
    return list(db.session.scalars(
        select(Message).where(Message.practice_id == practice.id,
                              (Message.patient_id == patient.id) | Message.id.in_(asked))
        .order_by(Message.created_at, Message.id)))


def unmatched(practice: Practice) -> list[Message]:
    """Texts from numbers that are no patient's (newest first)."""
    return list(db.session.scalars(
        select(Message).where(Message.practice_id == practice.id,
                              Message.direction == Direction.INBOUND,
                              Message.patient_id.is_(None))
        .order_by(Message.read_at.is_not(None), Message.created_at.desc(), Message.id.desc())
        .limit(200)))


def readings(messages: list[Message]) -> dict[int, Event]:
    """How each of these texts was read when it arrived, in its context, by message id (one
    query). A text from before the event record has none: it is not read again today."""
    ids = [message.id for message in messages if message.direction is Direction.INBOUND]
    if not ids:
        return {}
    return {event.message_id: event for event in db.session.scalars(
        select(Event).where(Event.kind == EventKind.REPLY_READ, Event.message_id.in_(ids)))}


def questions(messages: list[Message]) -> dict:
    """The "which visit?" questions these texts raised, asked or answered, by message id."""
    return which_visit.questions_in(messages)


def mark_thread_handled(practice: Practice, patient: Patient, now: datetime | None = None
                        ) -> int:
    count = db.session.execute(
        update(Message).where(Message.practice_id == practice.id,
                              Message.patient_id == patient.id, UNREAD)
        .values(read_at=now or utcnow()), execution_options={"synchronize_session": False}
    ).rowcount
    return count


def mark_handled(message: Message, now: datetime | None = None) -> None:
    if message.direction is Direction.INBOUND and message.read_at is None:
        message.read_at = now or utcnow()


def attach(message: Message, patient: Patient, now: datetime | None = None) -> None:
    """Staff say who sent a text from an unknown number. An opt-out word in it opts the
    patient out (consent is never left to chance); other words are left for staff to act on."""
    if message.direction is not Direction.INBOUND or message.patient_id is not None:
        raise ConversationError("Only a text from an unknown number can be attached.")
    if patient.practice_id != message.practice_id:
        raise ConversationError("Please choose one of the practice's patients.")
    now = now or utcnow()
    message.patient = patient
    if interpret(message.body, patient.language.value).intent is Intent.OPT_OUT:
        consent.withdraw(patient, Evidence(ConsentMethod.KEYWORD, message.body,
                                           Actor.patient(patient)), now)
        cancel_queued_texts(patient_practice(patient), patient.mobile, now=now)


def patient_practice(patient: Patient) -> Practice:
    return db.session.get(Practice, patient.practice_id)


def send_staff_reply(practice: Practice, patient: Patient, body: str,
                     now: datetime | None = None) -> Message:
    """Queue a free-text answer from staff; the dispatcher sends it like every other text."""
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ConversationError("Type the answer first.")
    if has_opted_out(patient):
        raise ConversationError(f"{patient.full_name} has opted out of texts (STOP): nothing "
                                "can be sent until they text START.")
    parts = analyse(body).parts
    if parts > MAX_STAFF_REPLY_PARTS:
        raise ConversationError(f"That answer needs {parts} SMS parts; please keep it to "
                                f"{MAX_STAFF_REPLY_PARTS} at most.")
    try:
        message = enqueue(practice, to=patient.mobile, body=body, kind=MessageKind.STAFF_REPLY,
                          patient=patient, now=now)
    except OutboxError as error:
        raise ConversationError(str(error)) from error
    mark_thread_handled(practice, patient, now)  # answering a thread handles it
    return message


# ------------------------------------------------------------------ the practice's own words

def keywords(practice: Practice) -> list[PracticeKeyword]:
    return list(db.session.scalars(select(PracticeKeyword).where(
        PracticeKeyword.practice_id == practice.id).order_by(PracticeKeyword.word)))


def add_keyword(practice: Practice, word: str, intent: Intent) -> PracticeKeyword:
    """One more reply word for the practice's patients. Our own words keep their meaning."""
    normalised = normalise(word)
    if not normalised:
        raise ConversationError("Type a word with at least one letter or digit.")
    if len(normalised) > MAX_WORD_LENGTH:
        raise ConversationError(f"A reply word is {MAX_WORD_LENGTH} characters at most.")
    taken = builtin_meaning(normalised)
    if taken is not None:
        raise ConversationError(f"“{normalised.upper()}” is already a reply word: it means "
                                f"{taken.label.lower()}.")
    if any(row.word == normalised for row in keywords(practice)):
        raise ConversationError(f"“{normalised.upper()}” is already one of your words.")
    keyword = PracticeKeyword(practice_id=practice.id, word=normalised,
                              intent=Intent(intent))
    db.session.add(keyword)
    db.session.flush()  # the caller (a redirect, a JSON answer) needs its id
    return keyword


def remove_keyword(keyword: PracticeKeyword) -> None:
    db.session.delete(keyword)
