"""Appointment types and sites against the Clickatell sandbox: a type's own reminder with
its preparation note, at the right minute on the site's clock, once, in the patient's
language; a type without the 2-hour reminder gets none; nothing without consent."""

from datetime import timedelta

import pytest

from reminder_app.appointments import service, visits
from reminder_app.extensions import db
from reminder_app.models import Language
from reminder_app.reminders import rules
from reminder_app.reminders.passes import run_pass
from reminder_app.transactions import unit_of_work
from tests.factories import STAFF, make_patient, make_provider
from tests.reminders.conftest import utc

from .conftest import texts

SECOND = timedelta(seconds=1)
BODIES = {Language.EN: "{practice_name}, {location}: {patient_first_name}, see you {date} at "
                       "{time}. {prep_note} {opt_out}",
          Language.ES: "{practice_name}, {location}: {patient_first_name}, cita el {date} a las "
                       "{time}. {prep_note} {opt_out}"}
#: Monday 15 June 2026, 9:00 in Denver (11:00 in New York, the practice's zone).
STARTS = utc(2026, 6, 15, 15)
BOOKED_AT = utc(2026, 6, 1, 15)


@pytest.fixture
def setup(practice):
    """A colonoscopy type with its note and its own 3-days-before reminder (the practice's
    48- and 2-hour ones off for it), a Denver site, a provider."""
    with unit_of_work():
        colonoscopy = visits.add_type(
            practice, name="Colonoscopy", default_duration_minutes=45,
            prep_note="Start the clear-liquid diet the day before.",
            prep_note_es="Empiece la dieta de líquidos claros el día anterior.")
        rules.set_rules_for_type(colonoscopy, set(), now=BOOKED_AT)
        rules.add_rule(practice, minutes_before=3 * 24 * 60, enabled=True, bodies=BODIES,
                       appointment_type=colonoscopy, now=BOOKED_AT)
        denver = visits.add_location(practice, name="Denver Clinic", address="1 Main St",
                                     timezone="America/Denver")
    return colonoscopy, denver, make_provider(practice, "Dr. Amelia Reyes")


def book(practice, setup, **patient_fields):
    colonoscopy, denver, provider = setup
    patient = make_patient(practice, **patient_fields)
    with unit_of_work():
        return service.book(practice, patient=patient, provider=provider, starts_at=STARTS,
                            appointment_type=colonoscopy, location=denver, actor=STAFF,
                            now=BOOKED_AT)


def test_the_types_reminder_goes_out_at_its_minute_on_the_sites_clock_once(
        practice, setup, sandbox):
    practice.name = "Riverside"
    appointment = book(practice, setup, first_name="Ana", mobile="+12015550123")
    due = utc(2026, 6, 12, 15)  # Friday 9:00 in Denver
    assert run_pass(due - SECOND).outbox.sent == 0 and sandbox.messages() == []
    assert run_pass(due).outbox.sent == 1
    [sent] = sandbox.messages(to="+12015550123")
    assert sent["text"] == ("Riverside, Denver Clinic: Ana, see you Monday, June 15 at 9:00 AM. "
                            "Start the clear-liquid diet the day before. "
                            "Reply STOP to opt out.")
    # the practice's 48- and 2-hour reminders are off for colonoscopies: nothing more, ever
    for later in (due + timedelta(minutes=5), utc(2026, 6, 13, 15), utc(2026, 6, 15, 14)):
        assert run_pass(later).outbox.sent == 0
    assert len(sandbox.messages()) == 1 and len(texts(appointment)) == 1


def test_a_spanish_reader_gets_the_spanish_note(practice, setup, sandbox):
    practice.name = "Riverside"
    book(practice, setup, first_name="Luis", mobile="+12015550124", language=Language.ES)
    run_pass(utc(2026, 6, 12, 15))
    [sent] = sandbox.messages(to="+12015550124")
    assert sent["text"] == ("Riverside, Denver Clinic: Luis, cita el lunes 15 de junio a las "
                            "09:00. Empiece la dieta de líquidos claros el día anterior. "
                            "Responda STOP para darse de baja.")


def test_nothing_for_a_patient_without_consent_or_who_opted_out(practice, setup, sandbox):
    book(practice, setup, mobile="+12015550125", sms_consent=False)
    stopped = book(practice, setup, mobile="+12015550126")
    stopped.patient.opt_out(BOOKED_AT + timedelta(days=1))
    db.session.commit()
    run_pass(utc(2026, 6, 12, 15))
    assert sandbox.messages() == []
