"""Which recall a patient's reply is about, and what it asks for. The inbound package
(`inbound/replies.py`) calls these, then `service.mark_replied`.

A reply is about a recall when a recall text is the last text of ours that reached these
patients (within `REPLY_WINDOW`): a reply after a reminder or an offer is about that.
Any reply to it (except STOP, START and HELP, which mean what they always mean) stops the
recall's texts and leaves the reply unread for staff, who call the patient; R, C, YES or
BOOK also get the answer that they will be called.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import exists, select

from ..extensions import db
from ..models import (
    Direction,
    Intent,
    Message,
    MessageKind,
    Patient,
    Practice,
    Recall,
    RecallNotice,
    RecallStatus,
)
from ..models.messages import ABOUT_A_VISIT, LEFT_STATUSES

#: A recall text this old is no longer what a reply is about.
REPLY_WINDOW = timedelta(days=7)
#: Replies that keep their usual meaning whatever they answer.
ALWAYS_THEIR_OWN = frozenset({Intent.OPT_OUT, Intent.OPT_IN, Intent.HELP})
#: Words (normalised) that ask to book, besides R, C and YES.
BOOK_WORDS = frozenset({"book", "bookme", "booking", "bookit", "cita", "citar", "pedircita",
                        "agendar"})
#: Texts that, sent after a recall text, make a reply about them instead: whatever else the
#: patient last read about a visit (a reminder, an offer, a notice, a "running late" text).
LATER_TEXTS = tuple(kind for kind in ABOUT_A_VISIT if kind is not MessageKind.RECALL)


def may_be_answered(patient_id, now: datetime):
    """SQL: the patient has an open recall texted within the reply window (the first test of
    `recall_replied_to`, as a condition for the caller's query: a reply from a patient
    without one need not ask)."""
    return exists().where(Recall.patient_id == patient_id, Recall.status == RecallStatus.OPEN,
                          RecallNotice.recall_id == Recall.id,
                          Message.id == RecallNotice.message_id,
                          Message.status.in_(LEFT_STATUSES),
                          Message.sent_at > now - REPLY_WINDOW)


def recall_replied_to(practice: Practice, patients: Sequence[Patient],
                      now: datetime) -> Recall | None:
    """The open recall these patients' reply answers, or None (see the module doc)."""
    if not patients:
        return None
    ids = [patient.id for patient in patients]
    found = db.session.execute(
        select(Recall, Message.sent_at)
        .join(RecallNotice, RecallNotice.recall_id == Recall.id)
        .join(Message, Message.id == RecallNotice.message_id)
        .where(Recall.practice_id == practice.id, Recall.patient_id.in_(ids),
               Recall.status == RecallStatus.OPEN, Message.status.in_(LEFT_STATUSES),
               Message.sent_at > now - REPLY_WINDOW)
        .order_by(Message.sent_at.desc(), Message.id.desc()).limit(1)).first()
    if found is None:
        return None
    recall, sent_at = found
    later = db.session.scalar(select(Message.id).where(
        Message.practice_id == practice.id, Message.patient_id.in_(ids),
        Message.direction == Direction.OUTBOUND, Message.kind.in_(LATER_TEXTS),
        Message.status.in_(LEFT_STATUSES), Message.sent_at > sent_at).limit(1))
    return None if later else recall


def answers_recall(intent: Intent) -> bool:
    """Is a reply of this meaning an answer to the recall (rather than STOP, START, HELP)?"""
    return intent not in ALWAYS_THEIR_OWN


def asks_to_book(intent: Intent, word: str) -> bool:
    """R, C, YES or BOOK: the patient wants the visit; tell them they will be called."""
    return intent in (Intent.RESCHEDULE, Intent.CONFIRM) or word in BOOK_WORDS
