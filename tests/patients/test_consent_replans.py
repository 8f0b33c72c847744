"""Consent given by staff re-plans the patient's reminders; consent withdrawn skips them."""

from datetime import timedelta

from sqlalchemy import select

from reminder_app.appointments import service as appointments
from reminder_app.extensions import db
from reminder_app.models.reminders import Reminder, ReminderStatus
from reminder_app.models.types import utcnow
from reminder_app.patients.service import update_patient
from reminder_app.transactions import unit_of_work
from tests.factories import STAFF, make_patient, make_practice, make_provider


def statuses(appointment) -> list[ReminderStatus]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(Reminder.status).where(
        Reminder.appointment_id == appointment.id)))


def test_consent_given_later_plans_the_skipped_reminders(app):
    practice = make_practice().practice
    patient = make_patient(practice, sms_consent=False)
    now = utcnow()
    with unit_of_work():
        appointment = appointments.book(practice, patient=patient,
                                        provider=make_provider(practice),
                                        starts_at=now + timedelta(days=5), now=now, actor=STAFF)
    assert set(statuses(appointment)) == {ReminderStatus.SKIPPED}

    with unit_of_work():
        update_patient(patient, practice, sms_consent=True, now=now)
    assert ReminderStatus.PENDING in statuses(appointment)


def test_consent_withdrawn_by_staff_skips_pending_reminders(app):
    practice = make_practice().practice
    patient = make_patient(practice, sms_consent=True)
    now = utcnow()
    with unit_of_work():
        appointment = appointments.book(practice, patient=patient,
                                        provider=make_provider(practice),
                                        starts_at=now + timedelta(days=5), now=now, actor=STAFF)
    assert ReminderStatus.PENDING in statuses(appointment)

    with unit_of_work():
        update_patient(patient, practice, sms_consent=False, now=now)
    assert ReminderStatus.PENDING not in statuses(appointment)
