"""Replies typed on the sandbox's phones, pushed by the sandbox to the live app as Clickatell
would; the answers go back through the dispatcher to the phone."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.models import AppointmentStatus, Reminder
from reminder_app.reminders.passes import run_pass
from reminder_app.transactions import unit_of_work
from tests.factories import STAFF, make_provider
from tests.inbound.conftest import (
    PATIENT_MOBILE,
    PRACTICE_NUMBER,
    answers,
    inbound_messages,
    link_to_sandbox,
    refreshed,
    wait_until,
)

PHONE = PATIENT_MOBILE.removeprefix("+")
NUMBER = PRACTICE_NUMBER.removeprefix("+")


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


def texts_to_phone(sandbox) -> list[str]:
    return [m["text"] for m in sandbox.messages(to=PHONE)]


def test_a_reply_pushed_by_the_sandbox_confirms_and_the_answer_reaches_the_phone(
        live_app, sandbox, account, appointment):
    link_to_sandbox(account, sandbox, live_app)
    sandbox.inbound(PHONE, NUMBER, "C")
    wait_until(lambda: refreshed(appointment).status is AppointmentStatus.CONFIRMED)
    wait_until(lambda: [p["status_code"] for p in sandbox.pushes() if p["kind"] == "mo"]
               == [200])  # acknowledged at the first attempt

    run_pass()
    [answer] = texts_to_phone(sandbox)
    assert "is confirmed" in answer


def test_a_unicode_reply_by_get_is_understood(live_app, sandbox, account, appointment):
    link_to_sandbox(account, sandbox, live_app, mo_method="GET")
    sandbox.inbound(PHONE, NUMBER, "👍")
    wait_until(lambda: refreshed(appointment).status is AppointmentStatus.CONFIRMED)
    assert inbound_messages()[0].body == "👍"


def test_a_push_delivered_twice_is_applied_and_answered_once(live_app, sandbox, account,
                                                              appointment):
    link_to_sandbox(account, sandbox, live_app)
    sandbox.faults(rate=1.0, kinds=["duplicate_callback"])
    sandbox.inbound(PHONE, NUMBER, "R")
    wait_until(lambda: [p["status_code"] for p in sandbox.pushes() if p["kind"] == "mo"]
               == [200, 200])
    sandbox.clear_faults()
    assert len(inbound_messages()) == 1 and len(answers()) == 1
    assert refreshed(appointment).status is AppointmentStatus.RESCHEDULE_REQUESTED


def test_stop_then_a_due_reminder_sends_nothing_then_start_sends_it(live_app, sandbox,
                                                                    practice, account,
                                                                    patient):
    link_to_sandbox(account, sandbox, live_app)
    local_2pm = (datetime.now(practice.zone) + timedelta(days=4)).replace(
        hour=14, minute=0, second=0, microsecond=0)
    with unit_of_work():
        appointment = service.book(practice, patient=patient,
                                   provider=make_provider(practice),
                                   starts_at=local_2pm.astimezone(UTC), actor=STAFF)
    first_due = min(db.session.scalars(select(Reminder.send_at)))
    sandbox.inbound(PHONE, NUMBER, "STOP")
    wait_until(lambda: refreshed(patient).sms_consent is False)

    run_pass(now=first_due + timedelta(minutes=1))
    received = texts_to_phone(sandbox)
    assert len(received) == 1 and "no more texts" in received[0]  # the final confirmation

    sandbox.inbound(PHONE, NUMBER, "START")
    wait_until(lambda: refreshed(patient).sms_consent is True)
    run_pass(now=first_due + timedelta(minutes=2))
    received = texts_to_phone(sandbox)
    assert any("again" in text for text in received)
    assert any("Reply C to confirm" in text for text in received), received
    assert refreshed(appointment).status is AppointmentStatus.BOOKED


def test_the_answer_reaches_the_phone_at_once_without_waiting_for_a_pass(
        app, live_app, sandbox, account, appointment):
    app.config["ANSWERS_AT_ONCE"] = True
    link_to_sandbox(account, sandbox, live_app)
    sandbox.inbound(PHONE, NUMBER, "C")
    wait_until(lambda: texts_to_phone(sandbox), timeout=5)
    [answer] = texts_to_phone(sandbox)
    assert "is confirmed" in answer
    wait_until(lambda: answers()[0].status.value in {"sent", "delivered"})  # recorded
    assert answers()[0].attempts == 1
    run_pass()  # nothing left for the pass: sent exactly once
    assert len(texts_to_phone(sandbox)) == 1
