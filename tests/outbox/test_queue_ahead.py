"""Reminders queued ahead of their minute (QUEUE_AHEAD_SECONDS, `planning.queue_due`): at a
practice group's peak the texts are rendered and checked before the hour, and leave at it,
never before; what happens to the appointment meanwhile still counts."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.models import MessageKind, MessageStatus, Reminder, ReminderStatus
from reminder_app.models.types import utcnow
from reminder_app.outbox import enqueue
from reminder_app.outbox.dispatcher import dispatch_due
from reminder_app.reminders.passes import run_pass
from reminder_app.transactions import unit_of_work
from tests.factories import STAFF, make_patient

from .conftest import MONDAY, at, reminder_of, texts

AHEAD = 30


@pytest.fixture(autouse=True)
def queue_ahead(app):
    app.config["QUEUE_AHEAD_SECONDS"] = AHEAD


def test_a_reminder_due_soon_is_queued_ahead_and_leaves_at_its_minute(booking, sandbox):
    appointment = booking.appointment(mobile="+12015550170")
    result = run_pass(booking.due - timedelta(seconds=20))
    assert result.reminders.queued == 1 and result.outbox.sent == 0
    [text] = texts(appointment)
    assert text.status is MessageStatus.QUEUED and text.send_after == booking.due
    assert reminder_of(appointment).status is ReminderStatus.QUEUED
    assert sandbox.messages() == []

    run_pass(booking.due - timedelta(seconds=1))
    assert sandbox.messages() == []  # not a second early
    run_pass(booking.due)
    assert [m["to"] for m in sandbox.messages()] == ["12015550170"]
    assert reminder_of(appointment).status is ReminderStatus.SENT


def test_a_reminder_due_later_than_that_waits(booking, sandbox):
    appointment = booking.appointment(mobile="+12015550171")
    result = run_pass(booking.due - timedelta(seconds=AHEAD + 1))
    assert result.reminders.queued == 0
    assert reminder_of(appointment).status is ReminderStatus.PENDING
    assert texts(appointment) == []


def test_moving_the_appointment_takes_the_text_queued_ahead_back(booking, sandbox):
    appointment = booking.appointment(mobile="+12015550172")
    run_pass(booking.due - timedelta(seconds=20))
    [queued] = texts(appointment)
    with unit_of_work():
        service.move(appointment, booking.practice, starts_at=booking.starts + timedelta(days=1),
                     actor=STAFF, now=booking.due - timedelta(seconds=10))
    db.session.expire_all()
    assert queued.status is MessageStatus.CANCELLED
    run_pass(booking.due)
    assert sandbox.messages() == []  # the old time is never texted
    [fresh] = db.session.scalars(select(Reminder).where(
        Reminder.appointment_id == appointment.id, Reminder.status == ReminderStatus.PENDING))
    assert fresh.send_at == booking.due + timedelta(days=1)


def test_cancelling_meanwhile_sends_nothing(booking, sandbox):
    appointment = booking.appointment(mobile="+12015550173")
    run_pass(booking.due - timedelta(seconds=20))
    with unit_of_work():
        service.cancel(appointment, actor=STAFF,
                       now=booking.due - timedelta(seconds=10))
    run_pass(booking.due)
    assert sandbox.messages() == []


def test_quiet_hours_are_judged_at_the_minute_the_reminder_is_due(booking, sandbox):
    """Due at 8:00:10, just after quiet hours end, and queued at 7:59:50: it is not moved to
    the next morning's 8:00 (nor held), and leaves at 8:00:10."""
    appointment = booking.appointment(mobile="+12015550174")
    reminder = reminder_of(appointment)
    due = at(booking.practice, MONDAY, 8) + timedelta(seconds=10)
    reminder.send_at = due
    db.session.commit()
    result = run_pass(due - timedelta(seconds=20))
    assert (result.reminders.queued, result.reminders.rescheduled) == (1, 0)
    run_pass(due)
    assert len(sandbox.messages(to="+12015550174")) == 1


def test_a_pass_on_the_real_clock_stays_for_a_text_due_within_it(app, practice, sandbox):
    """The worker's pass that queued a text ahead sends it at its minute, not a pass (15 s)
    later; a text due after the stay is left to a later pass."""
    patient = make_patient(practice, mobile="+12015550175")
    soon = utcnow() + timedelta(seconds=1.5)
    with unit_of_work():
        enqueue(practice, to=patient.mobile, body="Soon", kind=MessageKind.REMINDER,
                patient=patient, send_after=soon)
        enqueue(practice, to=patient.mobile, body="Later", kind=MessageKind.REMINDER,
                patient=patient, send_after=soon + timedelta(seconds=AHEAD))
    result = dispatch_due()
    assert result.sent == 1
    [sent] = sandbox.messages(to="12015550175")
    assert sent["text"].endswith("Soon")
    left = datetime.fromisoformat(sent["created"].replace("Z", "+00:00"))
    assert left >= soon.replace(microsecond=0)  # not before its minute


def test_without_queueing_ahead_a_pass_does_not_wait(app, practice, sandbox):
    app.config["QUEUE_AHEAD_SECONDS"] = 0
    patient = make_patient(practice, mobile="+12015550176")
    with unit_of_work():
        enqueue(practice, to=patient.mobile, body="Soon", kind=MessageKind.REMINDER,
                patient=patient, send_after=utcnow() + timedelta(seconds=1.5))
    assert dispatch_due().sent == 0
