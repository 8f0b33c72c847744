"""Booking an appointment for the patient ends the recall (`appointment_booked`), as
`recall_ended_by` decides: the same patient, the recall's provider if it names one, booked
after the recall was made. A text of it still in the outbox does not leave."""

from datetime import timedelta

from reminder_app.appointments import service as appointments
from reminder_app.models import Appointment, MessageStatus, RecallStatus
from reminder_app.recalls.service import recall_ended_by
from reminder_app.transactions import unit_of_work
from tests.factories import STAFF, make_patient, make_provider
from tests.recalls.conftest import (
    ADDED,
    DUE,
    add_recall,
    at,
    recall_texts,
    refreshed,
    run_recalls,
)


def book(practice, patient, provider, *, now, days_later: int = 3) -> Appointment:
    with unit_of_work():
        return appointments.book(practice, patient=patient, provider=provider,
                                 starts_at=now + timedelta(days=days_later), actor=STAFF,
                                 now=now)


def test_booking_the_patient_ends_the_recall_and_its_texts(practice, provider):
    maria = make_patient(practice)
    recall = add_recall(practice, maria)
    run_recalls(at(DUE, 10))
    [queued] = recall_texts()
    appointment = book(practice, maria, provider, now=at(DUE, 10, 5))
    recall = refreshed(recall)
    assert (recall.status, recall.booked_appointment_id, recall.next_text_at) == (
        RecallStatus.BOOKED, appointment.id, None)
    assert recall.settled_at == at(DUE, 10, 5)
    assert refreshed(queued).status is MessageStatus.CANCELLED  # it had not left yet
    run_recalls(at(DUE + timedelta(days=30), 10))
    assert len(recall_texts()) == 1


def test_a_recall_naming_a_provider_ends_only_with_that_provider(practice, provider):
    other = make_provider(practice, "Dr. Ben Ortiz")
    maria = make_patient(practice)
    recall = add_recall(practice, maria, provider=provider)
    book(practice, maria, other, now=at(DUE, 11))
    assert refreshed(recall).status is RecallStatus.OPEN
    appointment = book(practice, maria, provider, now=at(DUE, 12))
    assert refreshed(recall).booked_appointment_id == appointment.id


def test_a_recall_naming_no_provider_ends_with_any(practice, provider):
    maria = make_patient(practice)
    recall = add_recall(practice, maria)
    book(practice, maria, make_provider(practice), now=at(DUE, 11))
    assert refreshed(recall).status is RecallStatus.BOOKED


def test_another_patients_booking_leaves_it_open(practice, provider):
    maria, ben = make_patient(practice), make_patient(practice)
    recall = add_recall(practice, maria)
    book(practice, ben, provider, now=at(DUE, 11))
    assert refreshed(recall).status is RecallStatus.OPEN


def test_only_a_booking_made_after_the_recall_ends_it(practice, provider):
    maria = make_patient(practice)
    recall = add_recall(practice, maria)
    before = Appointment(practice_id=practice.id, patient=maria, provider=provider,
                         starts_at=DUE, created_at=ADDED - timedelta(minutes=1))
    after = Appointment(practice_id=practice.id, patient=maria, provider=provider,
                        starts_at=DUE, created_at=ADDED + timedelta(minutes=1))
    assert not recall_ended_by(recall, before)
    assert recall_ended_by(recall, after)


def test_a_replied_recall_is_booked_too_but_a_closed_one_is_not(practice, provider):
    from reminder_app.recalls import service

    maria, ben = make_patient(practice), make_patient(practice)
    replied, closed = add_recall(practice, maria), add_recall(practice, ben)
    with unit_of_work():
        replied.status = RecallStatus.REPLIED
        service.close(closed, now=at(DUE, 9))
    book(practice, maria, provider, now=at(DUE, 11))
    book(practice, ben, provider, now=at(DUE, 11))
    assert refreshed(replied).status is RecallStatus.BOOKED
    assert refreshed(closed).status is RecallStatus.CLOSED
