"""A patient's reply to the practice's number: who sent it, what it means, what it changes.

`handle_inbound` is called by the MO webhook after the callback was authenticated and stored
raw. In order: check the number it was sent to, find the patient (by the sender's E.164
mobile, within the practice whose secret the callback carried), store the message, read it
(`understanding.interpret`), record that reading once with what it was read against (an
`Event`: staff and the dashboard see it, never a re-reading with today's words), act on
what it is about (an open offer of a freed slot, if the patient has one:
`waitlist.offers.open_offer_for`; else the reminded visit it names or is the only one it
can mean, and when it could mean several, the question "which one?" first:
`which_visit`) as the patient (`Actor.patient`), and queue the automatic answer through the
outbox. It writes in
the caller's transaction (the webhook's, which commits it with the raw callback), so a reply
is applied entirely or not at all, and the same message twice changes nothing.

The rules are written out for staff in docs/replies.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.dialects import postgresql, sqlite

from .. import phones
from ..appointments import service as appointments
from ..clickatell import Reply, analyse
from ..extensions import db
from ..models import (
    Actor,
    ActorKind,
    Appointment,
    AppointmentStatus,
    ClickatellAccount,
    ConsentMethod,
    Direction,
    Event,
    EventKind,
    Evidence,
    Intent,
    Message,
    MessageKind,
    MessageStatus,
    Offer,
    Patient,
    Practice,
    PracticeKeyword,
    QuestionStatus,
    Recall,
)
from ..models.appointments import CancelledBy
from ..models.types import utcnow
from ..outbox import OutboxError, cancel_queued, enqueue
from ..recalls import replies as recall_replies
from ..recalls import service as recalls
from ..recalls.texts import RecallText, render_for
from ..reminders import consent, journey, planning, reply_codes
from ..reminders.policy import NEEDS_CONSENT, OPTED_OUT
from ..waitlist import offers
from ..waitlist.texts import OfferText
from ..waitlist.texts import render as offer_text
from . import answer_policy, which_visit
from .answers import REACHES_OPTED_OUT, Answer, render
from .understanding import Reading, interpret, offer_answer

log = logging.getLogger(__name__)

#: At most this many automatic answers to one number per hour (the opt-out confirmation is
#: always sent): two auto-responders must never talk to each other for ever.
AUTO_ANSWER_LIMIT = 5
AUTO_ANSWER_WINDOW = timedelta(hours=1)


def inbound_dedupe_key(mo_message_id: str) -> str:
    return f"mo:{mo_message_id}"


def answer_dedupe_key(mo_message_id: str) -> str:
    return f"reply:{mo_message_id}"


def opt_in_dedupe_key(mo_message_id: str) -> str:
    """The opt-in confirmation that goes beside the answer to a YES after STOP."""
    return f"opt-in:{mo_message_id}"


def queued_answers(practice_id: int, mo_message_id: str) -> list[int]:
    """The automatic answers to this reply still waiting in the outbox (to send at once)."""
    return list(db.session.scalars(select(Message.id).where(
        Message.practice_id == practice_id, Message.status == MessageStatus.QUEUED,
        Message.dedupe_key.in_([answer_dedupe_key(mo_message_id),
                                opt_in_dedupe_key(mo_message_id)]))))


def find_sender(practice: Practice, number: str) -> tuple[str, list[Patient]]:
    """The sender's E.164 number, and the practice's patients with that mobile."""
    candidates = phones.sender_candidates(number, practice.country)
    for candidate in candidates:
        patients = patients_with_mobile(practice, candidate)
        if patients:
            return candidate, patients
    return candidates[0], []


@dataclass
class Sender:
    """Who sent a reply, and what else the one query that found them could tell."""

    number: str
    patients: list[Patient]
    #: One of them may have an open offer of a freed slot (else none needs looking for).
    offered: bool = False
    #: The practice has reply words of its own; None: not known (no patient was found).
    own_words: bool | None = None
    #: One of them may be answering a recall text; the phone may have an open "which
    #: visit?" question (else neither needs looking for). True when not known.
    recalled: bool = True
    asked: bool = True


def find_sender_in_context(practice: Practice, number: str, now: datetime) -> Sender:
    """`find_sender`, and in the same query whether an open offer, a recall, an open
    question or the practice's own words need reading: a reply from a patient with none
    costs four queries less."""
    candidates = phones.sender_candidates(number, practice.country)
    for candidate in candidates:
        rows = db.session.execute(
            select(Patient, offers.may_have_open_offer(Patient.id, now).label("offered"),
                   exists().where(PracticeKeyword.practice_id == practice.id)
                   .label("own_words"),
                   recall_replies.may_be_answered(Patient.id, now).label("recalled"),
                   which_visit.may_have_open_question(practice.id, candidate).label("asked"))
            .where(Patient.practice_id == practice.id, Patient.mobile == candidate)
            .order_by(Patient.id)).all()
        if rows:
            return Sender(candidate, [row.Patient for row in rows],
                          offered=any(row.offered for row in rows),
                          own_words=bool(rows[0].own_words),
                          recalled=any(row.recalled for row in rows),
                          asked=bool(rows[0].asked))
    return Sender(candidates[0], [])


def patients_with_mobile(practice: Practice, mobile: str) -> list[Patient]:
    """The practice's patients with this mobile (a family may share one), oldest first."""
    return list(db.session.scalars(select(Patient).where(
        Patient.practice_id == practice.id, Patient.mobile == mobile).order_by(Patient.id)))


def most_recently_texted(practice: Practice, patients: Sequence[Patient]) -> Patient | None:
    """Of patients sharing a mobile, the one we last texted (else the first on file)."""
    if len(patients) <= 1:
        return patients[0] if patients else None
    patient_id = db.session.scalar(
        select(Message.patient_id)
        .where(Message.practice_id == practice.id, Message.direction == Direction.OUTBOUND,
               Message.patient_id.in_([patient.id for patient in patients]))
        .order_by(Message.created_at.desc(), Message.id.desc()).limit(1))
    return next((patient for patient in patients if patient.id == patient_id), patients[0])


def practice_words(practice: Practice) -> dict[str, Intent]:
    """The practice's own reply words, normalised, with what each means."""
    return {word: intent for word, intent in db.session.execute(
        select(PracticeKeyword.word, PracticeKeyword.intent)
        .where(PracticeKeyword.practice_id == practice.id))}


class PracticeWords(Mapping[str, Intent]):
    """The practice's own words, read from the database only if a reply needs them: a
    reply that is one of our words alone ("C", "STOP") is read without them, since the
    practice's words may only add words, never redefine ours."""

    def __init__(self, practice: Practice, *, known_none: bool = False) -> None:
        self._practice = practice
        self._words: dict[str, Intent] | None = {} if known_none else None

    @property
    def words(self) -> dict[str, Intent]:
        if self._words is None:
            self._words = practice_words(self._practice)
        return self._words

    def __getitem__(self, word: str) -> Intent:
        return self.words[word]

    def get(self, word: str, default=None):  # the dict's own: Mapping's raises KeyError
        return self.words.get(word, default)

    def __contains__(self, word: object) -> bool:
        return word in self.words

    def __iter__(self):
        return iter(self.words)

    def __len__(self) -> int:
        return len(self.words)


def has_opted_out(patient: Patient | None) -> bool:
    return patient is not None and not patient.sms_consent and patient.opted_out_at is not None


def cancel_queued_texts(practice: Practice, mobile: str, *, now: datetime) -> int:
    """After an opt-out: no answer still waiting in the outbox goes to this number.
    (Reminders and offers are the dispatcher's: it checks consent as each one leaves.)"""
    return cancel_queued(practice.id, OPTED_OUT, now, recipient=mobile,
                         kinds=set(MessageKind) - NEEDS_CONSENT)


def recent_auto_answers(practice: Practice, mobile: str, now: datetime) -> int:
    return db.session.scalar(select(func.count(Message.id)).where(
        Message.practice_id == practice.id, Message.recipient == mobile,
        Message.kind == MessageKind.AUTO_REPLY, Message.created_at > now - AUTO_ANSWER_WINDOW))


def handle_inbound(account: ClickatellAccount, message: Reply,
                   now: datetime | None = None) -> Message | None:
    """Store and act on one patient's text to the practice's number (see the module doc).

    Returns the stored inbound `Message`; `None` if this message was already handled.
    """
    now = now or utcnow()
    practice = account.practice
    # A message handled before is recognised when it is stored (`_store`: its key is
    # unique), before anything is changed: no query ahead for the rare repeat.
    key = inbound_dedupe_key(message.message_id)
    found = find_sender_in_context(practice, message.sender, now)
    sender, patients = found.number, found.patients
    if message.to != account.long_number:
        # The secret says whose callback it is, but the text went to another number (an old
        # number, a misconfigured reply URL): it goes to the unmatched inbox and changes
        # nothing, except that an opt-out word is still honoured.
        log.warning("inbound %s sent to %s, not to %s's number %s", message.message_id,
                    message.to, practice.name, account.long_number)
        inbound = _store(practice, message, sender, key, patient=None, appointment=None,
                         now=now)
        if inbound is None:
            return None
        reading = interpret(message.text)
        Event.record_reading(inbound, reading, Actor.unknown_sender(), now)
        if reading.intent is Intent.OPT_OUT:
            _opt_out(practice, patients, sender, now,
                     evidence=lambda each: _by_text(each, message.text))
        return inbound

    own_words = PracticeWords(practice, known_none=found.own_words is False)
    offer = offers.open_offer_for(practice, patients, now) if found.offered else None
    if offer is not None:
        reading = interpret(message.text, offer.patient.language.value, own_words)
        accepted = offer_answer(reading)
        if accepted is not None:
            return _answer_offer(practice, message, sender, key, offer, reading, accepted,
                                 now)

    recall = (recall_replies.recall_replied_to(practice, patients, now) if found.recalled
              else None)
    if recall is not None:
        reading = interpret(message.text, recall.patient.language.value,
                            own_words)
        if recall_replies.answers_recall(reading.intent):
            return _answer_recall(practice, message, sender, key, recall, reading, now)

    # A phone with several visits: a reply code names one, an open question is answered,
    # an ambiguous C, X or R is asked about (inbound/which_visit.py).
    question = which_visit.open_question(practice, sender, now) if found.asked else None
    coded = which_visit.coded_reply(message.text)
    if coded is not None and (coded.intent is not None or question is not None):
        return _answer_by_code(practice, message, sender, key, patients, question, coded, now)

    visits = which_visit.visits_replied_to(practice, patients, now)
    missed = None if visits else journey.followed_up_no_show(practice, patients, now)
    patient = (visits[0].patient if visits else missed.patient if missed is not None
               else most_recently_texted(practice, patients))
    reading = interpret(message.text, patient.language.value if patient else None,
                        own_words)
    if reading.intent in which_visit.ABOUT_A_VISIT:
        visits = which_visit.narrowed(visits, reading.intent)
        if len(visits) > 1:
            return _ask(practice, message, sender, key, patients, reading, visits, now)
    appointment = visits[0] if visits else None
    if missed is not None and reading.intent is Intent.RESCHEDULE:
        appointment = missed  # R to "we missed you, reply R for a new time"
    patient = appointment.patient if appointment else patient
    inbound = _store(practice, message, sender, key, patient=patient, appointment=appointment,
                     now=now, read=needs_no_staff(reading.intent, patient, appointment))
    if inbound is None:
        return None  # handled before, or a concurrent delivery got there first
    Event.record_reading(inbound, reading, _sender(patient), now, appointment=appointment)
    _act(practice, inbound, reading, patients, patient, appointment, now=now)
    return inbound


def _ask(practice: Practice, message: Reply, sender: str, key: str,
         patients: list[Patient], reading: Reading, visits: list[Appointment],
         now: datetime) -> Message | None:
    """A C, X or R that could mean several visits: store it, and ask which one (nothing is
    changed until the answer)."""
    patient = visits[0].patient
    inbound = _store(practice, message, sender, key, patient=patient, appointment=None,
                     now=now)
    if inbound is None:
        return None
    Event.record_reading(inbound, reading, _sender(patient), now)
    if reading.intent is Intent.CONFIRM:
        inbound.read_at = now  # nothing for staff: the answer will confirm
    if reading.opts_in and _opt_in(practice, patients, inbound.body, now):
        consent.send_confirmation(practice, patient, now=now,
                                  dedupe_key=opt_in_dedupe_key(inbound.gateway_message_id))
    question = which_visit.ask(practice, sender, inbound, reading.intent, visits, now)
    asked = send_answer(practice, inbound,
                        which_visit.question_text(practice, question, patient.language.value,
                                                  now),
                        patient=patient, appointment=None, now=now)
    if asked is not None:
        question.question_message_id = asked.id
    else:  # not sent (opted out, too many answers): a number must not answer it unseen
        question.close(QuestionStatus.WITHDRAWN, now)
    return inbound


def _answer_by_code(practice: Practice, message: Reply, sender: str, key: str,
                    patients: list[Patient], question, coded: which_visit.CodedReply,
                    now: datetime) -> Message | None:
    """A number ("2"), or a letter with a number ("C2", "1 X"): the answer to the open
    question, or a visit named by its reply code."""
    option = question.option(coded.code) if question is not None else None
    if option is not None:
        appointment, intent = option.appointment, coded.intent or question.intent
    elif coded.intent is None:
        return _ask_again(practice, message, sender, key, question, now)
    else:
        appointment, intent = reply_codes.appointment_with_code(
            practice.id, sender, coded.code), coded.intent
        if appointment is None or appointment.patient_id not in {p.id for p in patients}:
            # A code this phone was never given: ask about the visits it could mean.
            visits = which_visit.narrowed(
                which_visit.visits_replied_to(practice, patients, now), intent)
            if visits:
                return _ask(practice, message, sender, key, patients,
                            Reading(intent, coded.word), visits, now)
            appointment = None
    if appointment is not None and not reply_codes.is_live(appointment, now):
        appointment = None  # that visit is over: the patient is told no visit was found
    patient = appointment.patient if appointment else most_recently_texted(practice, patients)
    reading = Reading(intent, coded.word)
    inbound = _store(practice, message, sender, key, patient=patient, appointment=appointment,
                     now=now)
    if inbound is None:
        return None
    Event.record_reading(inbound, reading, _sender(patient), now, appointment=appointment)
    if option is not None and appointment is not None:
        which_visit.answer(question, option, inbound, now)
    _act(practice, inbound, reading, patients, patient, appointment, now=now)
    return inbound


def _ask_again(practice: Practice, message: Reply, sender: str, key: str, question,
               now: datetime) -> Message | None:
    """A bare number that is none of the open question's options: the question again."""
    patient = question.options[0].appointment.patient if question.options else None
    inbound = _store(practice, message, sender, key, patient=patient, appointment=None,
                     now=now)
    if inbound is None:
        return None
    Event.record_reading(inbound, interpret(message.text), _sender(patient), now)
    inbound.read_at = now
    send_answer(practice, inbound,
                which_visit.question_text(practice, question,
                                          patient.language.value if patient else None, now),
                patient=patient, appointment=None, now=now)
    return inbound


def _sender(patient: Patient | None) -> Actor:
    return Actor.patient(patient) if patient is not None else Actor.unknown_sender()


def _answer_offer(practice: Practice, message: Reply, sender: str, key: str,
                  offer: Offer, reading: Reading, accepted: bool,
                  now: datetime) -> Message | None:
    """A YES or NO to an open offer of a freed slot: settled by the waitlist, answered
    here. Nothing for staff to do, so it is stored as handled."""
    inbound = _store(practice, message, sender, key, patient=offer.patient, appointment=None,
                     now=now, read=True)
    if inbound is None:
        return None
    patient = Actor.patient(offer.patient)
    Event.record_reading(inbound, reading, patient, now, offer=offer, accepted=accepted)
    outcome = offers.answer(offer, accepted, now, actor=patient)
    send_answer(practice, inbound,
                offer_text(outcome, practice, offer.patient.language.value, offer.slot,
                           until=offer.expires_at),
                patient=offer.patient, appointment=offer.slot.filled_appointment
                if outcome is OfferText.BOOKED else None, now=now)
    return inbound


def _answer_recall(practice: Practice, message: Reply, sender: str, key: str,
                   recall: Recall, reading: Reading, now: datetime) -> Message | None:
    """A reply to a recall text: the recall stops texting and is marked replied, and the
    reply stays unread for staff, who call the patient; a reply asking to book (R, C, YES,
    BOOK) hears that they will (recalls/replies.py)."""
    inbound = _store(practice, message, sender, key, patient=recall.patient,
                     appointment=None, now=now)
    if inbound is None:
        return None
    Event.record_reading(inbound, reading, Actor.patient(recall.patient), now)
    recalls.mark_replied(recall, inbound.id, now)
    if recall_replies.asks_to_book(reading.intent, reading.word):
        send_answer(practice, inbound, render_for(RecallText.WILL_CALL, practice,
                                                  recall.patient),
                    patient=recall.patient, appointment=None, now=now)
    return inbound


def _by_text(patient: Patient, text: str) -> Evidence:
    """Consent given or withdrawn by the patient's own text (its words are the evidence)."""
    return Evidence(ConsentMethod.KEYWORD, text, Actor.patient(patient))


#: The evidence of an opt-out Clickatell (or the carrier) told us of by refusing a text.
AT_THE_GATEWAY = Evidence(ConsentMethod.GATEWAY,
                          "Clickatell refused a text: the recipient opted out there.",
                          Actor(ActorKind.SYSTEM, None, "Clickatell"))


def _opt_out(practice: Practice, patients: list[Patient], mobile: str, now: datetime, *,
             evidence: Callable[[Patient], Evidence]) -> None:
    """Everyone on this mobile is opted out (recorded with its evidence: the text that asked
    for it, or the gateway's refusal): their pending reminders are skipped, nothing queued
    for the number will leave, and they leave the waitlist and its open offers."""
    offers.withdraw(patients, OPTED_OUT, now)
    which_visit.withdraw(practice, mobile, now)
    for each in patients:
        consent.withdraw(each, evidence(each), now)
    cancel_queued_texts(practice, mobile, now=now)


def opt_out_mobile(practice: Practice, mobile: str, now: datetime) -> list[Patient]:
    """Clickatell refused a text because this number opted out there (a STOP sent to the
    gateway, not to us): the same opt-out as a STOP reply, recorded as the gateway's, without
    an answer (Clickatell would refuse it too). Returns those opted out."""
    _sender_number, patients = find_sender(practice, mobile)
    _opt_out(practice, patients, mobile, now, evidence=lambda _patient: AT_THE_GATEWAY)
    return patients


def _opt_in(practice: Practice, patients: list[Patient], text: str, now: datetime) -> bool:
    """START (or YES): those on this mobile who had opted out get reminders again, recorded
    with the text. True if anyone was opted back in."""
    again = [each for each in patients if has_opted_out(each)]
    for each in again:
        consent.give(each, practice, _by_text(each, text), now, confirm=False)
    return bool(again)


_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _store(practice: Practice, message: Reply, sender: str, key: str, *,
           patient: Patient | None, appointment: Appointment | None, now: datetime,
           read: bool = False) -> Message | None:
    """Store the inbound text (read already if nothing is left for staff); None if a
    message with its key is stored already. One INSERT … ON CONFLICT DO NOTHING RETURNING,
    instead of a flush in a SAVEPOINT that a duplicate would roll back."""
    insert = _INSERT[db.session.get_bind().dialect.name]
    return db.session.scalar(
        insert(Message).values(
            practice_id=practice.id, patient_id=patient.id if patient else None,
            appointment_id=appointment.id if appointment else None,
            direction=Direction.INBOUND, kind=MessageKind.REPLY, sender=sender,
            recipient=message.to, body=message.text, parts=analyse(message.text).parts,
            status=MessageStatus.RECEIVED, gateway_message_id=message.message_id,
            dedupe_key=key, created_at=now, read_at=now if read else None)
        .on_conflict_do_nothing(index_elements=[Message.practice_id, Message.dedupe_key])
        .returning(Message))


def _act(practice: Practice, inbound: Message, reading: Reading, patients: list[Patient],
         patient: Patient | None, appointment: Appointment | None, *, now: datetime) -> None:
    language = patient.language.value if patient else "en"
    actor = _sender(patient)
    if appointment is not None:
        appointment.last_reply_text = inbound.body
        appointment.last_reply_at = now

    def answer(kind: Answer, *, always: bool = False) -> None:
        body = (consent.opt_in_confirmation(practice, language) if kind is Answer.OPTED_IN
                else render(kind, practice, language,
                            appointment.starts_at if appointment else None))
        send_answer(practice, inbound, body, patient=patient, appointment=appointment,
                    always=always, opted_out_too=kind in REACHES_OPTED_OUT, now=now)

    def confirm_opt_in() -> None:
        """YES after STOP opts back in: the confirmation START would get, beside the
        answer to the YES itself."""
        if patient is not None:
            consent.send_confirmation(practice, patient, now=now,
                                      dedupe_key=opt_in_dedupe_key(inbound.gateway_message_id))

    match reading.intent:
        case Intent.OPT_OUT:
            already = bool(patients) and all(has_opted_out(each) for each in patients)
            _opt_out(practice, patients, inbound.sender, now,
                     evidence=lambda each: _by_text(each, inbound.body))
            if reading.call_back and appointment is not None:
                appointment.needs_callback = True
            if not already:  # one final confirmation; an unknown number's is rate-limited
                answer(Answer.OPTED_OUT_CALL_BACK if reading.call_back else Answer.OPTED_OUT,
                       always=patient is not None)
        case Intent.OPT_IN:
            _opt_in(practice, patients, inbound.body, now)
            if patient is not None:
                answer(Answer.OPTED_IN)
        case Intent.HELP:
            answer(Answer.HELP)
        case Intent.FREE_TEXT:
            pass  # unread in the conversations for staff; the day view shows it too
        case _ if appointment is None:
            if reading.opts_in and _opt_in(practice, patients, inbound.body, now):
                confirm_opt_in()
            answer(Answer.NO_APPOINTMENT)
        case Intent.CONFIRM:
            if reading.opts_in and _opt_in(practice, patients, inbound.body, now):
                confirm_opt_in()
            # Confirmed before the answer is queued: the appointment's row is then
            # written once, its reply and its status together.
            appointments.confirm(appointment, actor=actor, now=now)
            answer(Answer.CONFIRMED)
        case Intent.CANCEL_APPOINTMENT:
            answer(Answer.CANCELLED)
            appointments.cancel(appointment, by=CancelledBy.PATIENT, actor=actor, now=now)
        case Intent.RESCHEDULE if appointment.status is AppointmentStatus.NO_SHOW:
            appointment.needs_callback = True  # it stays a no-show: staff call to rebook
            Event.record_change(appointment, EventKind.RESCHEDULE_REQUESTED, actor, now)
            answer(Answer.RESCHEDULE)
        case Intent.RESCHEDULE:
            appointment.request_reschedule()
            planning.hold_for(appointment, now)
            Event.record_change(appointment, EventKind.RESCHEDULE_REQUESTED, actor, now)
            answer(Answer.RESCHEDULE)


def send_answer(practice: Practice, inbound: Message, body: str, *, patient: Patient | None,
                appointment: Appointment | None, now: datetime, always: bool = False,
                opted_out_too: bool = False) -> Message | None:
    """Queue the automatic answer to `inbound` (once, however often Clickatell repeats it).
    Not to an opted-out patient unless `opted_out_too` (HELP), and not more than
    `AUTO_ANSWER_LIMIT` an hour, unless `always` (the final opt-out confirmation)."""
    if has_opted_out(patient) and not (always or opted_out_too):
        return None
    if not always and recent_auto_answers(practice, inbound.sender, now) >= AUTO_ANSWER_LIMIT:
        # Named by our message id: a patient's number does not belong in a log.
        log.warning("automatic answer to message %s held back: too many this hour",
                    inbound.id)
        return
    # A patient given here has this mobile (found by it): the policy need not look again.
    if not answer_policy.allows(practice, inbound, now, patients_number=patient is not None):
        return
    try:
        return enqueue(practice, to=inbound.sender, body=body, kind=MessageKind.AUTO_REPLY,
                patient=patient, appointment=appointment,
                dedupe_key=answer_dedupe_key(inbound.gateway_message_id), now=now)
    except OutboxError as error:
        log.warning("no automatic answer to message %s: %s", inbound.id, error)
        return None


def needs_no_staff(intent: Intent, patient: Patient | None,
                   appointment: Appointment | None) -> bool:
    """A reply the app answered completely on its own is stored as handled already: a
    confirmation of a reminded appointment, HELP, START from a known patient."""
    return (intent is Intent.HELP or (intent is Intent.CONFIRM and appointment is not None)
            or (intent is Intent.OPT_IN and patient is not None))
