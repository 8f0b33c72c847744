"""Booking an appointment for the patient ends the recall (`appointment_booked`), as
`recall_ended_by` decides: the same patient, the recall's provider if it names one, an
appointment of the recall's type if it names one, booked after the recall was made. A text
of it still in the outbox does not leave."""

from datetime import timedelta

import pytest

from reminder_app.appointments import service as appointments
from reminder_app.appointments import visits
from reminder_app.models import Appointment, MessageStatus, RecallStatus
from reminder_app.recalls import service
from reminder_app.recalls.service import RecallDetails, RecallError, recall_ended_by
from reminder_app.transactions import unit_of_work
from tests.factories import (
    STAFF,
    make_clickatell_account,
    make_patient,
    make_practice,
    make_provider,
)
from tests.recalls.conftest import (
    ADDED,
    DUE,
    add_recall,
    at,
    recall_texts,
    refreshed,
    run_recalls,
)


def book(practice, patient, provider, *, now, days_later: int = 3,
         appointment_type=None) -> Appointment:
    with unit_of_work():
        return appointments.book(practice, patient=patient, provider=provider,
                                 starts_at=now + timedelta(days=days_later), actor=STAFF,
                                 appointment_type=appointment_type, now=now)


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
    maria, ben = make_patient(practice), make_patient(practice)
    replied, closed = add_recall(practice, maria), add_recall(practice, ben)
    with unit_of_work():
        replied.status = RecallStatus.REPLIED
        service.close(closed, now=at(DUE, 9))
    book(practice, maria, provider, now=at(DUE, 11))
    book(practice, ben, provider, now=at(DUE, 11))
    assert refreshed(replied).status is RecallStatus.BOOKED
    assert refreshed(closed).status is RecallStatus.CLOSED


# ---------------------------------------------------------------- of the recall's type

def test_a_recall_naming_a_type_ends_only_with_an_appointment_of_that_type(practice, provider,
                                                                           kinds):
    phone, physical = kinds
    maria = make_patient(practice)
    recall = add_recall(practice, maria, reason="Annual physical", appointment_type=physical)
    book(practice, maria, provider, now=at(DUE, 11), appointment_type=phone)
    book(practice, maria, provider, now=at(DUE, 11, 30), days_later=4)  # no type at all
    assert refreshed(recall).status is RecallStatus.OPEN
    appointment = book(practice, maria, provider, now=at(DUE, 12), days_later=5,
                       appointment_type=physical)
    recall = refreshed(recall)
    assert (recall.status, recall.booked_appointment_id) == (RecallStatus.BOOKED,
                                                             appointment.id)


def test_a_recall_naming_no_type_ends_with_any_appointment(practice, provider, kinds):
    phone, _ = kinds
    maria, ben = make_patient(practice), make_patient(practice)
    typed_booking, untyped_booking = add_recall(practice, maria), add_recall(practice, ben)
    book(practice, maria, provider, now=at(DUE, 11), appointment_type=phone)
    book(practice, ben, provider, now=at(DUE, 11))
    assert refreshed(typed_booking).status is RecallStatus.BOOKED
    assert refreshed(untyped_booking).status is RecallStatus.BOOKED


def test_the_type_and_the_provider_must_both_match(practice, provider, kinds):
    _, physical = kinds
    maria = make_patient(practice)
    recall = add_recall(practice, maria, provider=provider, appointment_type=physical)
    others = make_provider(practice, "Dr. Ben Ortiz")
    wrong_provider = Appointment(practice_id=practice.id, patient=maria, provider=others,
                                 appointment_type=physical, created_at=ADDED + timedelta(1))
    no_type = Appointment(practice_id=practice.id, patient=maria, provider=provider,
                          created_at=ADDED + timedelta(1))
    both = Appointment(practice_id=practice.id, patient=maria, provider=provider,
                       appointment_type=physical, created_at=ADDED + timedelta(1))
    assert not recall_ended_by(recall, wrong_provider)
    assert not recall_ended_by(recall, no_type)
    assert recall_ended_by(recall, both)


def test_a_recall_cannot_name_another_practices_type_or_a_retired_one(practice, kinds):
    phone, physical = kinds
    other = make_practice("Harbor View Clinic").practice
    make_clickatell_account(other)
    with unit_of_work():
        theirs = visits.add_type(other, name="Annual physical", default_duration_minutes=30)
        visits.change_type(phone, practice, name=phone.name, default_duration_minutes=10,
                           active=False)
    maria = make_patient(practice)
    for kind in (theirs, phone):
        with pytest.raises(RecallError) as refused, unit_of_work():
            service.add(practice, maria, RecallDetails("Annual physical", DUE,
                                                       appointment_type=kind),
                        actor=STAFF, now=ADDED)
        assert refused.value.field == "appointment_type"
    assert add_recall(practice, maria, appointment_type=physical).appointment_type is physical


def test_a_recall_keeps_its_type_once_the_practice_retires_it(practice, kinds):
    phone, _ = kinds
    recall = add_recall(practice, make_patient(practice), appointment_type=phone)
    with unit_of_work():
        visits.change_type(phone, practice, name=phone.name, default_duration_minutes=10,
                           active=False)
        service.change(recall, practice, RecallDetails("Phone follow-up", DUE,
                                                       appointment_type=phone), now=ADDED)
    recall = refreshed(recall)
    assert (recall.reason, recall.appointment_type_id) == ("Phone follow-up", phone.id)
