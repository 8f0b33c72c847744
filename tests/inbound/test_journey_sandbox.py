"""The journey's texts through the Clickatell sandbox to the patient's phone: the right text,
to the right phone, at the minute it is due, once; and the patient's R back to the
no-show follow-up."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.models import Language, Reminder
from reminder_app.models.reminders import RuleKind
from reminder_app.reminders import journey_defaults
from reminder_app.reminders.passes import run_pass
from reminder_app.transactions import unit_of_work
from tests.factories import STAFF, make_appointment, make_patient, make_provider
from tests.inbound.conftest import PRACTICE_NUMBER, link_to_sandbox, refreshed, wait_until

NUMBER = PRACTICE_NUMBER.removeprefix("+")


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


@pytest.fixture
def journey_on(practice):
    for rule in journey_defaults.journey_rules_for(practice):
        rule.enabled = True
    db.session.commit()


def due(kind: RuleKind) -> datetime:
    db.session.expire_all()
    return db.session.scalar(select(Reminder.send_at).where(Reminder.kind == kind))


@pytest.mark.parametrize(("language", "words"), [(Language.EN, "you are booked for"),
                                                 (Language.ES, "tiene cita el")])
def test_the_booked_notice_reaches_the_patients_phone_once_in_their_language(
        live_app, sandbox, practice, account, journey_on, language, words):
    link_to_sandbox(account, sandbox, live_app)
    patient = make_patient(practice, first_name="Ana", mobile="+12015550177", language=language)
    other = make_patient(practice, mobile="+12015550178")
    starts = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=4)
    with unit_of_work():
        service.book(practice, patient=patient, provider=make_provider(practice),
                     starts_at=starts, actor=STAFF)
    at = due(RuleKind.BOOKED)
    run_pass(now=at - timedelta(minutes=1))
    assert sandbox.messages(to="12015550177") == []  # not before its minute
    run_pass(now=at)
    run_pass(now=at + timedelta(minutes=5))
    texts = [m["text"] for m in sandbox.messages(to="12015550177")]
    booked = [text for text in texts if words in text]
    assert len(booked) == 1 and booked[0].startswith(f"{practice.name}: Ana, ")
    assert sandbox.messages(to=other.mobile.removeprefix("+")) == []


def test_an_r_from_the_phone_to_the_follow_up_asks_for_a_call_back(
        live_app, sandbox, practice, account, patient, journey_on):
    link_to_sandbox(account, sandbox, live_app)
    now = datetime.now(UTC)
    missed = make_appointment(practice, patient=patient, starts_at=now - timedelta(hours=2))
    with unit_of_work():
        service.mark_no_show(missed, actor=STAFF, now=now)
    run_pass(now=due(RuleKind.NO_SHOW))
    phone = patient.mobile.removeprefix("+")
    [follow_up] = [m["text"] for m in sandbox.messages(to=phone)]
    assert "we missed you" in follow_up and "Reply R" in follow_up

    sandbox.inbound(phone, NUMBER, "R")
    wait_until(lambda: refreshed(missed).needs_callback is True)
