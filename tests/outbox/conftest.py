from datetime import date, timedelta

import pytest
from sqlalchemy import select

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.gateways import messaging_client
from reminder_app.models import Message, Reminder
from reminder_app.reminders.rules import rules_for
from reminder_app.transactions import unit_of_work
from tests.factories import (
    STAFF,
    make_clickatell_account,
    make_patient,
    make_practice,
    make_provider,
    make_ready_practice,
    make_sent_text,
)
from tests.reminders.conftest import at  # noqa: F401 (re-exported for the tests)

#: A Monday in June: no DST change near it, every time below outside quiet hours.
MONDAY = date(2026, 6, 15)


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


@pytest.fixture
def owner(app, sandbox):
    return make_ready_practice(sandbox, owner_email="dana@example.com")


@pytest.fixture
def practice(owner):
    return owner.practice


@pytest.fixture
def account(practice):
    return practice.clickatell_account


@pytest.fixture
def sent_text(app):
    """A text that went out, with Clickatell's id, from a practice with no sandbox behind
    it (reports are posted by the test): (the practice's account, the text)."""
    practice = make_practice().practice
    account = make_clickatell_account(practice)
    message = make_sent_text(practice, patient=make_patient(practice))
    message.gateway_message_id = "a" * 32
    db.session.commit()
    return account, message


class Booking:
    """Books appointments whose one reminder (the 2-hour rule; the 48-hour rule is switched
    off) is due at `due`, Monday 12:30 in New York."""

    def __init__(self, practice):
        self.practice = practice
        day_before, _same_day = rules_for(practice)
        day_before.enabled = False
        db.session.commit()
        self.provider = make_provider(practice, "Dr. Amelia Reyes")
        self.booked_at = at(practice, MONDAY - timedelta(days=7), 10)
        self.starts = at(practice, MONDAY, 14, 30)
        self.due = at(practice, MONDAY, 12, 30)

    def appointment(self, patient=None, **patient_fields):
        patient = patient or make_patient(self.practice, **patient_fields)
        with unit_of_work():  # the test is the edge that books
            return service.book(self.practice, patient=patient, provider=self.provider,
                                starts_at=self.starts, now=self.booked_at, actor=STAFF)


@pytest.fixture
def booking(practice):
    return Booking(practice)


def texts(appointment=None) -> list[Message]:
    db.session.expire_all()
    query = select(Message).order_by(Message.id)
    if appointment is not None:
        query = query.where(Message.appointment_id == appointment.id)
    return list(db.session.scalars(query))


def reminder_of(appointment, minutes_before=120) -> Reminder:
    db.session.expire_all()
    return next(r for r in db.session.scalars(select(Reminder).where(
        Reminder.appointment_id == appointment.id)) if r.rule.minutes_before == minutes_before)


def warm_session(account) -> None:
    """Sign in to the messaging API before faults are switched on (the session is cached)."""
    with messaging_client(account) as client:
        client.balance()
