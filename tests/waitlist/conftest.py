"""A practice with a two-way number and no quiet hours (so tests do not depend on the hour
they run at), two providers, and builders for waitlisted patients and freed slots."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from reminder_app.appointments import service as appointments
from reminder_app.extensions import db
from reminder_app.models import (
    CancelledBy,
    FreedSlot,
    Language,
    Message,
    MessageKind,
    MessageStatus,
    Offer,
    Priority,
)
from reminder_app.transactions import unit_of_work
from reminder_app.waitlist import service as waitlist
from reminder_app.waitlist.service import Availability
from tests.factories import STAFF, make_appointment, make_patient, make_provider
from tests.inbound.conftest import Texts, account, practice  # noqa: F401  (fixtures)

EVERY_DAY = 0b1111111


@pytest.fixture
def texts(client, account):  # noqa: F811
    return Texts(client, account)


@pytest.fixture(autouse=True)
def no_quiet_hours(practice):  # noqa: F811
    practice.quiet_start = practice.quiet_end = time(0)
    db.session.commit()


@pytest.fixture
def provider(practice):  # noqa: F811
    return make_provider(practice, "Dr. Ada Quinn")


@pytest.fixture
def other_provider(practice):  # noqa: F811
    return make_provider(practice, "Dr. Ben Ortiz")


def waitlisted(practice, *providers, first_name: str | None = None, mobile: str | None = None,  # noqa: F811
               priority: Priority = Priority.NORMAL, weekdays: int = EVERY_DAY,
               earliest: time = time(0), latest: time = time(23, 59),
               available_from: date | None = None, notice_minutes: int = 0,
               language: Language = Language.EN, now: datetime | None = None):
    """A patient on the waitlist of `providers`, free at any time unless told otherwise."""
    patient = make_patient(practice, first_name=first_name, last_name="Waiting", mobile=mobile,
                           language=language)
    with unit_of_work():  # the test is the edge
        waitlist.add(practice, patient, Availability(
            providers=list(providers), weekdays=weekdays, earliest_time=earliest,
            latest_time=latest, available_from=available_from, notice_minutes=notice_minutes,
            priority=priority), now=now)
    return patient


def local_time(practice, days: int = 2, at: time = time(10, 0)) -> datetime:  # noqa: F811
    """A wall-clock time in the practice's zone, `days` from today, as UTC."""
    day = datetime.now(practice.zone).date() + timedelta(days=days)
    return datetime.combine(day, at, tzinfo=practice.zone).astimezone(UTC)


def free_slot(practice, provider, *, starts_at: datetime | None = None,  # noqa: F811
              duration_minutes: int = 30, now: datetime | None = None,
              by: CancelledBy = CancelledBy.PATIENT) -> FreedSlot:
    """Book and cancel an appointment; returns the slot it freed (offers already made)."""
    appointment = make_appointment(practice, provider=provider,
                                   starts_at=starts_at or local_time(practice),
                                   duration_minutes=duration_minutes)
    with unit_of_work():
        appointments.cancel(appointment, by=by, now=now, actor=STAFF)
    return db.session.scalar(select(FreedSlot).where(FreedSlot.appointment_id == appointment.id))


def offers_of(slot) -> list[Offer]:
    db.session.expire_all()
    return list(db.session.scalars(select(Offer).where(Offer.slot_id == slot.id)
                                   .order_by(Offer.id)))


def offered_patients(slot) -> list[int]:
    return [offer.patient_id for offer in offers_of(slot)]


def send_offers(moment: datetime | None = None) -> list[Message]:
    """Mark every queued offer text as sent (what the dispatcher does, without Clickatell)."""
    db.session.expire_all()
    queued = list(db.session.scalars(select(Message).where(
        Message.kind == MessageKind.OFFER, Message.status == MessageStatus.QUEUED)))
    for message in queued:
        message.status, message.sent_at = MessageStatus.SENT, moment or datetime.now(UTC)
    db.session.commit()
    return queued


def texts_to(patient, kind: MessageKind = MessageKind.AUTO_REPLY) -> list[Message]:
    db.session.expire_all()
    return list(db.session.scalars(select(Message).where(
        Message.patient_id == patient.id, Message.kind == kind).order_by(Message.id)))
