"""The running-late texts as they leave, against the sandbox: the right text on the right
phone at the right minute, once; the send policy asked again as each leaves."""

from datetime import timedelta

import pytest

from reminder_app.extensions import db
from reminder_app.models import MessageStatus
from reminder_app.reminders import policy
from reminder_app.reminders.passes import run_pass
from reminder_app.running_late import service
from reminder_app.running_late.service import Broadcast, Wording
from reminder_app.transactions import unit_of_work
from tests.factories import STAFF, make_appointment, make_patient, make_ready_practice
from tests.reminders.conftest import at

from .conftest import MONDAY, Day
from .test_service import late_texts


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


@pytest.fixture
def practice(app, sandbox):
    return make_ready_practice(sandbox, "Riverside Family Practice",
                               owner_email="dana@example.com").practice


def phone(sandbox, number: str) -> list[str]:
    """What the phone received from the practice."""
    return [m["text"] for m in sandbox.messages(to=number) if m["direction"] == "mt"]


def broadcast(practice, provider, now, key="sandbox-key-01234567"):
    with unit_of_work():
        return service.send(practice, Broadcast(provider, Wording.MINUTES, 30), key, STAFF,
                            now)


def test_each_patient_reads_their_text_in_their_language_once(sandbox, practice, provider,
                                                              other_provider):
    day = Day(practice, provider, other_provider)
    broadcast(practice, provider, day.now)
    assert run_pass(day.now).outbox.sent == 2
    broadcast(practice, provider, day.now + timedelta(seconds=1))  # the page sent again
    assert run_pass(day.now + timedelta(minutes=1)).outbox.sent == 0
    assert phone(sandbox, "12015550123") == [
        "Riverside Family Practice: we are running about 30 min late today. Your visit at "
        "11:00 AM is still on; no need to reply. Reply STOP to opt out."]
    assert phone(sandbox, "12015550124") == [
        "Riverside Family Practice: hoy vamos con unos 30 min de retraso. Su cita de las 11:30 "
        "sigue en pie; no hace falta responder. Responda STOP para darse de baja."]
    for number in ("12015550125", "12015550126"):  # no consent; opted out
        assert phone(sandbox, number) == []
    assert len(late_texts()) == 2
    assert all(t.status in (MessageStatus.SENT, MessageStatus.DELIVERED) for t in late_texts())


def test_a_patient_who_opts_out_before_it_leaves_gets_nothing(sandbox, practice, provider):
    now = at(practice, MONDAY, 10)
    patient = make_patient(practice, first_name="Ana", mobile="+12015550123")
    make_appointment(practice, patient=patient, provider=provider,
                     starts_at=at(practice, MONDAY, 11))
    broadcast(practice, provider, now)
    patient.opt_out(now)
    db.session.commit()
    assert run_pass(now).outbox.sent == 0
    [text] = late_texts()
    assert (text.status, text.status_detail) == (MessageStatus.CANCELLED, policy.OPTED_OUT)
    assert phone(sandbox, "12015550123") == []


def test_in_quiet_hours_it_leaves_at_the_minute_they_end(sandbox, practice, provider):
    now = at(practice, MONDAY, 7, 30)
    make_appointment(practice, patient=make_patient(practice, mobile="+12015550123"),
                     provider=provider, starts_at=at(practice, MONDAY, 9))
    broadcast(practice, provider, now)
    assert run_pass(now).outbox.sent == 0
    assert run_pass(at(practice, MONDAY, 7, 59)).outbox.sent == 0
    assert run_pass(at(practice, MONDAY, 8)).outbox.sent == 1
    assert len(phone(sandbox, "12015550123")) == 1


def test_a_text_still_waiting_when_the_visit_starts_is_not_sent(sandbox, practice, provider):
    now = at(practice, MONDAY, 10)
    make_appointment(practice, patient=make_patient(practice, mobile="+12015550123"),
                     provider=provider, starts_at=at(practice, MONDAY, 10, 30))
    broadcast(practice, provider, now)
    assert run_pass(at(practice, MONDAY, 10, 30)).outbox.sent == 0
    [text] = late_texts()
    assert text.status is MessageStatus.CANCELLED
    assert phone(sandbox, "12015550123") == []
