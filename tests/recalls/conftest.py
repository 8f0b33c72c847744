"""A practice with a two-way number (New York time, quiet hours 20:00–08:00), a provider, and
builders for recalls at explicit instants: every test passes `now`."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from reminder_app.appointments import visits
from reminder_app.extensions import db
from reminder_app.models import Message, MessageKind, MessageStatus, Recall
from reminder_app.recalls import service
from reminder_app.recalls.service import RecallDetails
from reminder_app.recalls.texting import send_due
from reminder_app.transactions import unit_of_work
from tests.factories import STAFF, make_provider
from tests.inbound.conftest import Texts, account, practice  # noqa: F401  (fixtures)

#: The day the recalls in these tests come due (a Wednesday).
DUE = date(2027, 3, 10)
NEW_YORK = ZoneInfo("America/New_York")


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = NEW_YORK) -> datetime:
    """A wall-clock time in `zone` as UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


#: When staff add the recalls: a month before they are due.
ADDED = at(date(2027, 2, 8), 11)


@pytest.fixture
def texts(client, account):  # noqa: F811
    return Texts(client, account)


@pytest.fixture
def provider(practice):  # noqa: F811
    return make_provider(practice, "Dr. Ada Quinn")


@pytest.fixture
def kinds(practice):  # noqa: F811
    """The practice's appointment types: (phone consultation, annual physical)."""
    with unit_of_work():
        return (visits.add_type(practice, name="Phone consultation", default_duration_minutes=10),
                visits.add_type(practice, name="Annual physical", default_duration_minutes=30))


def add_recall(practice, patient, *, due_on: date = DUE, reason: str = "6-month check-up",  # noqa: F811
               provider=None, appointment_type=None, now: datetime = ADDED) -> Recall:
    with unit_of_work():  # the test is the edge
        recall = service.add(practice, patient,
                             RecallDetails(reason, due_on, provider, appointment_type),
                             actor=STAFF, now=now)
    return recall


def run_recalls(now: datetime):
    """One recall pass at `now`, committed as the worker's job commits it."""
    with unit_of_work():
        return send_due(now)


def recall_texts(patient=None) -> list[Message]:
    db.session.expire_all()
    query = select(Message).where(Message.kind == MessageKind.RECALL).order_by(Message.id)
    if patient is not None:
        query = query.where(Message.patient_id == patient.id)
    return list(db.session.scalars(query))


def mark_sent(messages, moment: datetime) -> None:
    """What the dispatcher does with a text that left (without Clickatell)."""
    for message in messages:
        message.status, message.sent_at = MessageStatus.SENT, moment
    db.session.commit()


def refreshed(record):
    db.session.expire_all()
    return db.session.get(type(record), record.id)
