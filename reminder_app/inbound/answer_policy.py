"""Who may get an automatic answer from a practice's number: the one rule (`allows`).

An inbound callback proves only that its sender knows the practice's callback secret; its
`from` is whatever they wrote. Answering every sender would let anyone who holds (or once
saw) the secret make the practice text any number in any country, at the practice's cost
and under its name: a forged "HELP" is enough. So an automatic answer (HELP, an opt-out
confirmation, "no appointment found", a waitlist answer) goes only to a number that

1. belongs to the country the practice serves (the region of its two-way number, else the
   practice's own country): no answer crosses a border, whoever is asking;
2. is the mobile of one of the practice's patients, or a number the practice has texted
   (a text of any kind that left): a stranger who never heard from the practice is not
   answered, even with the opt-out confirmation, since nothing is there to opt out of;
3. if it is no patient's (a number texted once, whose patient has since changed it), has
   had fewer than `UNKNOWN_NUMBER_ANSWERS` answers in `UNKNOWN_NUMBER_ANSWER_HOURS`,
   counted in the database (`AnswerAllowance`) so that every process counts the same.

Patients' numbers are limited too, by the per-hour limit in `replies.send_answer` that
stops two auto-responders talking for ever.
"""

from __future__ import annotations

import enum
import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from .. import phones
from ..extensions import db
from ..models import AnswerAllowance, Direction, Message, Patient, Practice
from ..models.messages import LEFT_STATUSES

log = logging.getLogger(__name__)


class Refusal(enum.StrEnum):
    """Why a number gets no automatic answer (for the log; never shown to the sender)."""

    ABROAD = "outside the country the practice serves"
    NEVER_TEXTED = "no patient's number, and never texted by the practice"
    TOO_MANY = "no patient's number, and answered often enough lately"


def allows(practice: Practice, inbound: Message, now: datetime, *,
           patients_number: bool = False) -> bool:
    """May the practice answer `inbound` automatically? Taking an unknown number's answer
    counts it, so ask only when about to queue the answer. `patients_number`: the caller
    found patients with this mobile already (no need to ask the database again)."""
    refusal = refusal_for(practice, inbound.sender, now, patients_number=patients_number)
    if refusal is not None:
        # Named by our message id: the sender's number does not belong in a log.
        log.info("no automatic answer to message %s: %s", inbound.id, refusal)
    return refusal is None


def refusal_for(practice: Practice, number: str, now: datetime, *,
                patients_number: bool = False) -> Refusal | None:
    """Why `number` may not have an automatic answer now; None if it may (see the module
    doc for the rules, in the order they are checked)."""
    if phones.region(number) != served_region(practice):
        return Refusal.ABROAD
    if patients_number or is_patients(practice, number):
        return None
    if not has_texted(practice, number):
        return Refusal.NEVER_TEXTED
    if not take_allowance(practice, number, now):
        return Refusal.TOO_MANY
    return None


def served_region(practice: Practice) -> str:
    """The country the practice serves: its two-way number's, else its own setting."""
    account = practice.clickatell_account
    number_region = phones.region(account.long_number) if account else None
    return number_region or practice.country


def is_patients(practice: Practice, number: str) -> bool:
    return db.session.scalar(select(exists().where(Patient.practice_id == practice.id,
                                                   Patient.mobile == number)))


def has_texted(practice: Practice, number: str) -> bool:
    """Has a text of the practice ever left for this number?"""
    return db.session.scalar(select(exists().where(
        Message.practice_id == practice.id, Message.recipient == number,
        Message.direction == Direction.OUTBOUND, Message.status.in_(LEFT_STATUSES))))


_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def take_allowance(practice: Practice, number: str, now: datetime) -> bool:
    """Count one answer to a number that is no patient's; False if its window is full.

    One conditional UPDATE takes the answer (or starts a new window once the old one has
    passed); the row it needs is made first, if missing. Under concurrency the row lock
    orders the takers, and each sees the count the one before it left.
    """
    limit = current_app.config["UNKNOWN_NUMBER_ANSWERS"]
    cutoff = now - timedelta(hours=current_app.config["UNKNOWN_NUMBER_ANSWER_HOURS"])
    table = AnswerAllowance.__table__
    insert = _INSERT[db.session.get_bind().dialect.name]
    db.session.execute(insert(table).values(
        practice_id=practice.id, number=number, window_started_at=now, answers=0,
    ).on_conflict_do_nothing(index_elements=[table.c.practice_id, table.c.number]))
    window_passed = table.c.window_started_at <= cutoff
    taken = db.session.execute(
        update(table)
        .where(table.c.practice_id == practice.id, table.c.number == number,
               or_(window_passed, table.c.answers < limit))
        .values(answers=case((window_passed, 1), else_=table.c.answers + 1),
                window_started_at=case((window_passed, now),
                                       else_=table.c.window_started_at)))
    return taken.rowcount == 1
