"""An R to the no-show follow-up ("we missed you, reply R for a new time") asks for a new
time: the missed appointment is marked for a call back, and the patient is answered."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.models import (
    AppointmentStatus,
    Event,
    EventKind,
    Message,
    MessageKind,
    MessageStatus,
    Reminder,
)
from reminder_app.models.reminders import RuleKind
from reminder_app.reminders import journey_defaults, planning
from reminder_app.transactions import unit_of_work
from tests.factories import STAFF, make_appointment
from tests.inbound.conftest import answers, refreshed


def follow_up_time() -> datetime:
    """When the follow-up is due (an hour after the marking, or when quiet hours end)."""
    return db.session.scalar(select(Reminder.send_at).where(Reminder.kind == RuleKind.NO_SHOW))


@pytest.fixture
def missed(practice, patient):
    """An appointment of this morning, marked a no-show, whose follow-up went out."""
    for rule in journey_defaults.journey_rules_for(practice):
        rule.enabled = rule.kind is RuleKind.NO_SHOW
    db.session.commit()
    now = datetime.now(UTC)
    appointment = make_appointment(practice, patient=patient, starts_at=now - timedelta(hours=2))
    with unit_of_work():
        service.mark_no_show(appointment, actor=STAFF, now=now)
    db.session.expire_all()
    planning.queue_due(follow_up_time())
    follow_up = db.session.scalar(select(Message).where(Message.kind == MessageKind.NOTICE))
    follow_up.status = MessageStatus.SENT
    db.session.commit()
    return appointment


def test_r_to_the_follow_up_asks_staff_to_call_and_answers_the_patient(texts, missed):
    texts.send("R")
    appointment = refreshed(missed)
    assert appointment.needs_callback is True
    assert appointment.status is AppointmentStatus.NO_SHOW  # the figure stays true
    [event] = db.session.scalars(select(Event).where(
        Event.appointment_id == appointment.id,
        Event.kind == EventKind.RESCHEDULE_REQUESTED)).all()
    assert event.actor_kind.value == "patient"
    [answer] = answers()
    assert "we will call you to find a new time" in answer.body


def test_r_in_spanish_to_the_follow_up_is_understood(texts, practice, spanish_patient):
    from reminder_app.models import Language

    assert spanish_patient.language is Language.ES
    for rule in journey_defaults.journey_rules_for(practice):
        rule.enabled = rule.kind is RuleKind.NO_SHOW
    db.session.commit()
    now = datetime.now(UTC)
    appointment = make_appointment(practice, patient=spanish_patient,
                                   starts_at=now - timedelta(hours=2))
    with unit_of_work():
        service.mark_no_show(appointment, actor=STAFF, now=now)
    planning.queue_due(follow_up_time())
    follow_up = db.session.scalar(select(Message).where(Message.kind == MessageKind.NOTICE))
    assert "R: otra cita" in follow_up.body
    follow_up.status = MessageStatus.SENT
    db.session.commit()

    texts.send("r")
    assert refreshed(appointment).needs_callback is True
    [answer] = answers()
    assert "le llamaremos" in answer.body


def test_a_c_to_the_follow_up_changes_nothing(texts, missed):
    texts.send("C")
    appointment = refreshed(missed)
    assert (appointment.status, appointment.needs_callback) == (AppointmentStatus.NO_SHOW,
                                                                False)
    [answer] = answers()
    assert "no upcoming appointment" in answer.body


def test_r_with_no_follow_up_sent_finds_nothing(texts, practice, patient):
    appointment = make_appointment(practice, patient=patient,
                                   starts_at=datetime.now(UTC) - timedelta(hours=2))
    with unit_of_work():  # the follow-up rule is off: nothing went out
        service.mark_no_show(appointment, actor=STAFF, now=datetime.now(UTC))
    texts.send("R")
    assert refreshed(appointment).needs_callback is False
    assert "no upcoming appointment" in answers()[0].body


def test_c_to_a_change_notice_confirms_the_new_time(texts, practice, patient):
    """The change notice asks for C or R: a reply to it is about that appointment, as a
    reply to a reminder is."""
    for rule in journey_defaults.journey_rules_for(practice):
        rule.enabled = rule.kind is RuleKind.CHANGED
    db.session.commit()
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    appointment = make_appointment(practice, patient=patient, starts_at=now + timedelta(days=3))
    with unit_of_work():
        service.move(appointment, practice, starts_at=now + timedelta(days=4), actor=STAFF,
                     now=now)
    notice = db.session.scalar(select(Reminder).where(Reminder.kind == RuleKind.CHANGED))
    planning.queue_due(notice.send_at)
    changed = db.session.scalar(select(Message).where(Message.kind == MessageKind.NOTICE))
    assert "Reply C to confirm" in changed.body
    changed.status = MessageStatus.SENT
    db.session.commit()

    texts.send("C")
    assert refreshed(appointment).status is AppointmentStatus.CONFIRMED
    assert "is confirmed" in answers()[0].body
