"""The dashboard's figures: today at a glance, credit, and the 30 days before today."""

import secrets
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from reminder_app.clickatell import Reply
from reminder_app.dashboard import chart, service
from reminder_app.extensions import db
from reminder_app.inbound.conversations import add_keyword
from reminder_app.inbound.replies import handle_inbound
from reminder_app.inbound.understanding import Intent
from reminder_app.models import (
    AppointmentStatus,
    Direction,
    Message,
    Reminder,
    ReminderStatus,
)
from reminder_app.reminders.rules import rules_for
from reminder_app.timezones import to_utc
from tests.factories import (
    make_appointment,
    make_clickatell_account,
    make_patient,
    make_practice,
    make_sent_text,
)

#: 15:00 UTC is 10:00 in New York (winter): the practice's day is well under way.
NOW = datetime(2026, 1, 14, 15, 0, tzinfo=UTC)


@pytest.fixture
def practice(app):
    practice = make_practice("Riverside Family Practice").practice
    make_clickatell_account(practice, long_number="+12015550199")
    return practice


def at(practice, days: int, hour: int = 9) -> datetime:
    """`hour` o'clock local, `days` days from NOW's local day."""
    day = NOW.astimezone(practice.zone).date() + timedelta(days=days)
    return to_utc(day, time(hour), practice.zone)


def reply(practice, appointment, text: str) -> None:
    """The patient texts back the day before, through the reply handler (as if then)."""
    make_sent_text(practice, patient=appointment.patient, appointment=appointment)
    handle_inbound(practice.clickatell_account, Reply(
        account="3500001", message_id=secrets.token_hex(16), sender=appointment.patient.mobile,
        to="+12015550199", received_at=appointment.starts_at - timedelta(days=1), text=text),
        now=appointment.starts_at - timedelta(days=1))
    db.session.commit()


def closed(appointment, status: AppointmentStatus) -> None:
    appointment.status = status
    db.session.commit()


def test_today_counts_the_practices_own_appointments_of_its_day_by_status(practice):
    for status in (AppointmentStatus.BOOKED, AppointmentStatus.BOOKED,
                   AppointmentStatus.CONFIRMED, AppointmentStatus.NO_SHOW):
        make_appointment(practice, starts_at=at(practice, 0), status=status)
    make_appointment(practice, starts_at=at(practice, 1))  # tomorrow
    make_appointment(practice, starts_at=at(practice, 0, hour=23) + timedelta(hours=1))
    other = make_practice().practice
    make_appointment(other, starts_at=at(practice, 0))

    today = service.appointments_today(practice, NOW)

    assert [(row.status, row.count) for row in today] == [
        (AppointmentStatus.BOOKED, 2), (AppointmentStatus.CONFIRMED, 1),
        (AppointmentStatus.NO_SHOW, 1)]


def test_reminder_problems_are_grouped_by_reason_failures_first(practice):
    rule = rules_for(practice)[0]
    appointment = make_appointment(practice, starts_at=at(practice, 1))
    old = make_appointment(practice, starts_at=at(practice, -20))
    for target, status, reason in [
            (appointment, ReminderStatus.SKIPPED, "No consent."),
            (appointment, ReminderStatus.SKIPPED, "No consent."),
            (appointment, ReminderStatus.FAILED, "Not delivered."),
            (appointment, ReminderStatus.DELIVERED, ""),
            (old, ReminderStatus.FAILED, "Long ago.")]:
        db.session.add(Reminder(practice_id=practice.id, appointment=target, rule=rule,
                                send_at=target.starts_at, status=status, reason=reason,
                                appointment_starts_at=target.starts_at))
    db.session.commit()

    problems = service.reminder_problems(practice, NOW)

    assert [(p.status, p.reason, p.count) for p in problems] == [
        (ReminderStatus.FAILED, "Not delivered.", 1), (ReminderStatus.SKIPPED, "No consent.", 2)]


def test_days_of_credit_left_are_the_balance_over_the_average_daily_use(practice):
    account = practice.clickatell_account
    account.balance = Decimal(280)
    patient = make_patient(practice)
    for days_ago, charge in ((1, Decimal(2)), (3, None), (13, Decimal(11)), (20, Decimal(99))):
        text = make_sent_text(practice, patient=patient)
        text.sent_at, text.charge, text.parts = NOW - timedelta(days=days_ago), charge, 1
    db.session.commit()

    credit = service.credit(practice, NOW)

    assert credit.per_day == Decimal("1.0")  # (2 + 1 + 11) / 14
    assert credit.days_left == 280


def test_without_texts_in_the_last_14_days_there_is_not_enough_history(practice):
    practice.clickatell_account.balance = Decimal(100)
    credit = service.credit(practice, NOW)
    assert not credit.enough_history and credit.days_left is None
    assert credit.balance == Decimal(100)


def test_a_confirmation_counts_even_once_the_appointment_is_completed(practice):
    seen = make_appointment(practice, starts_at=at(practice, -2))
    reply(practice, seen, "c")
    closed(seen, AppointmentStatus.COMPLETED)
    missed = make_appointment(practice, starts_at=at(practice, -2, hour=10))
    reply(practice, missed, "Will I need to fast?")
    closed(missed, AppointmentStatus.NO_SHOW)
    cancelled = make_appointment(practice, starts_at=at(practice, -2, hour=11))
    reply(practice, cancelled, "C")
    closed(cancelled, AppointmentStatus.CANCELLED_BY_PATIENT)
    make_appointment(practice, starts_at=at(practice, -2, hour=12),
                     status=AppointmentStatus.CANCELLED_BY_STAFF)
    make_appointment(practice, starts_at=at(practice, 0), status=AppointmentStatus.CONFIRMED)

    period = service.last_days(practice, NOW)

    assert len(period.days) == 30
    assert period.days[-1].day == NOW.astimezone(practice.zone).date() - timedelta(days=1)
    day = period.days[-2]
    assert (day.appointments, day.confirmed, day.attended, day.no_shows) == (3, 1, 1, 1)
    assert day.confirmation_rate == pytest.approx(1 / 3)
    assert day.no_show_rate == 0.5
    assert period.confirmation_rate == pytest.approx(1 / 3)


def test_the_chart_is_an_svg_with_a_bar_per_day_with_no_shows_and_no_inline_style(practice):
    make_appointment(practice, starts_at=at(practice, -3), status=AppointmentStatus.NO_SHOW)
    make_appointment(practice, starts_at=at(practice, -3, 10), status=AppointmentStatus.CONFIRMED)
    make_appointment(practice, starts_at=at(practice, -5), status=AppointmentStatus.COMPLETED)

    svg = str(chart.render(service.last_days(practice, NOW)))

    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count('class="chart-bar"') == 1
    assert svg.count('class="chart-dot"') == 2
    assert "2 appointments, 1 confirmed (50%), 1 no-show (100%)" in svg
    assert "style=" not in svg and "<script" not in svg


def test_adding_a_practice_word_does_not_change_the_past(practice):
    ven = make_appointment(practice, starts_at=at(practice, -3))
    reply(practice, ven, "Ven")  # not a reply word then: free text for staff
    closed(ven, AppointmentStatus.COMPLETED)
    confirmed = make_appointment(practice, starts_at=at(practice, -3, hour=10))
    reply(practice, confirmed, "C")
    closed(confirmed, AppointmentStatus.COMPLETED)
    before = (service.last_days(practice, NOW), service.replies_read(practice, NOW))

    add_keyword(practice, "ven", Intent.CONFIRM)  # VEN would read as a confirmation today

    after = (service.last_days(practice, NOW), service.replies_read(practice, NOW))
    assert after == before
    assert after[0].days[-3].confirmed == 1
    assert {(row.label, row.count) for row in after[1]} == {("Confirm", 1), ("Free text", 1)}


def test_replies_are_counted_by_how_they_were_read_a_yes_to_an_offer_apart(practice):
    from reminder_app.models import Event

    appointment = make_appointment(practice, starts_at=at(practice, -1))
    reply(practice, appointment, "X")
    message = db.session.scalar(select(Message).where(Message.direction == Direction.INBOUND))
    assert [(row.label, row.count) for row in service.replies_read(practice, NOW)] == [
        ("Cancel the appointment", 1)]
    assert db.session.scalar(select(Event.message_id).where(
        Event.message_id == message.id)) == message.id
