"""Appointments tell the areas above them what happened through signals
(appointments/signals.py): sent inside the change's transaction, after the reminders are
planned, so a receiver's work commits or rolls back with the change."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from reminder_app.appointments import service
from reminder_app.appointments.signals import (
    appointment_booked,
    appointment_cancelled,
    appointment_moved,
)
from reminder_app.extensions import db
from reminder_app.models import Appointment, AppointmentStatus, Reminder, ReminderStatus
from reminder_app.transactions import unit_of_work
from reminder_app.waitlist import offers
from tests.factories import STAFF, make_patient, make_practice, make_provider

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=3)


@pytest.fixture
def practice(app):
    return make_practice().practice


@pytest.fixture
def booked(practice):
    with unit_of_work():  # the test is the edge that books
        return service.book(practice, patient=make_patient(practice),
                            provider=make_provider(practice, "Dr. Amelia Reyes"),
                            starts_at=LATER, now=NOW, actor=STAFF)


def statuses(appointment) -> set[ReminderStatus]:
    return set(db.session.scalars(select(Reminder.status).where(
        Reminder.appointment_id == appointment.id)))


def test_each_change_sends_its_signal_with_the_appointment_and_the_time(practice, booked):
    heard = []

    def listen(sender, **kwargs):
        heard.append((sender, kwargs, statuses(sender)))

    with appointment_booked.connected_to(listen), appointment_moved.connected_to(listen), \
            appointment_cancelled.connected_to(listen):
        again = service.book(practice, patient=booked.patient, provider=booked.provider,
                             starts_at=LATER + timedelta(hours=2), now=NOW,
                             actor=STAFF)
        service.move(booked, practice, starts_at=LATER + timedelta(hours=1), now=NOW,
                     actor=STAFF)
        service.cancel(again, now=NOW, actor=STAFF)
    assert [(sender, kwargs) for sender, kwargs, _ in heard] == [
        (again, {"now": NOW}), (booked, {"now": NOW}), (again, {"now": NOW})]
    # the reminders were planned (or cancelled) before the signal: they sit below
    assert [seen for *_, seen in heard] == [
        {ReminderStatus.PENDING}, {ReminderStatus.PENDING}, {ReminderStatus.CANCELLED}]


def test_a_receiver_that_fails_fails_the_change_which_commits_nothing(booked):
    def refuse(sender, **kwargs):
        raise RuntimeError("the waitlist could not record the slot")

    with appointment_cancelled.connected_to(refuse), pytest.raises(RuntimeError):
        service.cancel(booked, now=NOW, actor=STAFF)
    db.session.rollback()
    assert db.session.get(Appointment, booked.id).status is AppointmentStatus.BOOKED
    assert statuses(booked) == {ReminderStatus.PENDING}


def test_the_app_connects_the_waitlist_to_the_appointments(booked):
    assert offers.slot_freed in set(appointment_cancelled.receivers_for(booked))
    assert offers.time_taken in set(appointment_booked.receivers_for(booked))
    assert offers.time_taken in set(appointment_moved.receivers_for(booked))
