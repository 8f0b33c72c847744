"""The journey's texts through the Clickatell sandbox to the patient's phone: the right text,
to the right phone, at the minute it is due, once, in the patient's language, and nothing
without consent; the patient's R back to the no-show follow-up, and their C making the next
reminder short."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.models import AppointmentStatus, Language, Reminder
from reminder_app.models.reminders import RuleKind, WhenConfirmed
from reminder_app.reminders import journey_defaults
from reminder_app.reminders.passes import run_pass
from reminder_app.reminders.practice_rules import rules_for
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


@pytest.mark.parametrize(("language", "moved_words", "cancelled_words"), [
    (Language.EN, "your appointment is now", "is cancelled. To rebook"),
    (Language.ES, "nueva hora:", "se cancela. Otra cita:")])
def test_the_practice_moving_then_cancelling_reaches_the_phone_once_each_in_their_language(
        live_app, sandbox, practice, account, journey_on, language, moved_words,
        cancelled_words):
    link_to_sandbox(account, sandbox, live_app)
    patient = make_patient(practice, first_name="Ana", mobile="+12015550179", language=language)
    bystander = make_patient(practice, mobile="+12015550180")
    starts = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=4)
    with unit_of_work():
        appointment = service.book(practice, patient=patient, provider=make_provider(practice),
                                   starts_at=starts, actor=STAFF)
    told = due(RuleKind.BOOKED)
    run_pass(now=told)

    with unit_of_work():
        service.move(refreshed(appointment), practice, starts_at=starts + timedelta(days=1),
                     actor=STAFF, now=told + timedelta(minutes=1))
    moved = due(RuleKind.CHANGED)
    run_pass(now=moved - timedelta(seconds=1))
    assert not any(moved_words in m["text"] for m in sandbox.messages(to="12015550179"))
    run_pass(now=moved)
    run_pass(now=moved + timedelta(minutes=5))

    with unit_of_work():
        service.cancel(refreshed(appointment), actor=STAFF, now=moved + timedelta(minutes=6))
    cancelled = due(RuleKind.CANCELLED)
    run_pass(now=cancelled)
    run_pass(now=cancelled + timedelta(hours=50))  # no reminder of the cancelled visit either

    texts = [m["text"] for m in sandbox.messages(to="12015550179")]
    assert len(texts) == 3, texts  # booked, moved, cancelled: nothing else
    assert sum(moved_words in text for text in texts) == 1
    assert sum(cancelled_words in text for text in texts) == 1
    assert all(text.startswith(f"{practice.name}: Ana, ") for text in texts)
    assert sandbox.messages(to=bystander.mobile.removeprefix("+")) == []


def test_a_patient_without_consent_hears_nothing_of_the_journey(
        live_app, sandbox, practice, account, journey_on):
    link_to_sandbox(account, sandbox, live_app)
    patient = make_patient(practice, mobile="+12015550181", sms_consent=False)
    starts = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=4)
    provider = make_provider(practice)
    with unit_of_work():
        appointment = service.book(practice, patient=patient, provider=provider,
                                   starts_at=starts, actor=STAFF)
    with unit_of_work():
        service.move(appointment, practice, starts_at=starts + timedelta(days=1), actor=STAFF)
    with unit_of_work():
        service.cancel(appointment, actor=STAFF)
    now = datetime.now(UTC)
    for hours in (0, 1, 12, 24, 100):
        run_pass(now=now + timedelta(hours=hours))
    assert sandbox.messages(to="12015550181") == []


def test_confirmed_by_text_the_next_reminder_reaches_the_phone_short(
        live_app, sandbox, practice, account, journey_on):
    """The practice chose "short" for its 48-hour rule once confirmed: the patient's C from
    the phone, then at the rule's minute "see you …" alone, once."""
    day_before, _ = rules_for(practice)
    day_before.when_confirmed = WhenConfirmed.SHORT
    db.session.commit()
    link_to_sandbox(account, sandbox, live_app)
    patient = make_patient(practice, first_name="Ana", mobile="+12015550182")
    starts = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=4)
    with unit_of_work():
        appointment = service.book(practice, patient=patient, provider=make_provider(practice),
                                   starts_at=starts, actor=STAFF)
    run_pass(now=due(RuleKind.BOOKED))  # "you are booked for …, reply C to confirm"
    sandbox.inbound("12015550182", NUMBER, "C")
    wait_until(lambda: refreshed(appointment).status is AppointmentStatus.CONFIRMED)
    db.session.expire_all()
    reminder_due = db.session.scalar(select(Reminder.send_at).where(
        Reminder.appointment_id == appointment.id, Reminder.rule_id == day_before.id))
    run_pass(now=reminder_due)
    run_pass(now=reminder_due + timedelta(minutes=5))
    seen = [m["text"] for m in sandbox.messages(to="12015550182") if "see you" in m["text"]]
    assert len(seen) == 1 and seen[0].startswith(f"{practice.name}: see you ")
    assert seen[0].endswith("Reply STOP to opt out.") and "Reply C" not in seen[0]
