"""Reminders are rows: planned at booking, re-planned on a move, cancelled with the
appointment, all in the appointment's own transaction."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.models import (
    Appointment,
    CancelledBy,
    MessageKind,
    MessageStatus,
    Reminder,
    ReminderStatus,
)
from reminder_app.outbox import enqueue
from reminder_app.reminders import planning, policy, rules
from reminder_app.transactions import unit_of_work
from reminder_app.validation import FieldError
from tests.factories import STAFF, make_clickatell_account, make_patient, make_provider

from .conftest import at, utc

MONDAY = date(2026, 6, 15)


def reminders_of(appointment) -> list[Reminder]:
    db.session.expire_all()
    return list(db.session.scalars(select(Reminder).where(
        Reminder.appointment_id == appointment.id).order_by(Reminder.id)))


def book(practice, patient, provider, starts_at, now):
    with unit_of_work():  # the test is the edge that books
        return service.book(practice, patient=patient, provider=provider, starts_at=starts_at,
                            now=now, actor=STAFF)


def test_booking_writes_one_pending_reminder_per_enabled_rule_with_its_utc_time(
        practice, patient, provider):
    starts = at(practice, MONDAY, 14, 30)
    appointment = book(practice, patient, provider, starts, now=starts - timedelta(days=7))
    found = reminders_of(appointment)
    assert [(r.rule.minutes_before, r.status, r.send_at) for r in found] == [
        (48 * 60, ReminderStatus.PENDING, at(practice, MONDAY - timedelta(days=2), 14, 30)),
        (2 * 60, ReminderStatus.PENDING, at(practice, MONDAY, 12, 30)),
    ]
    assert all(r.appointment_starts_at == starts and r.reason == "" for r in found)


def test_a_disabled_rule_plans_nothing(practice, patient, provider):
    first, second = rules.rules_for(practice)
    second.enabled = False
    db.session.commit()
    starts = at(practice, MONDAY, 14, 30)
    appointment = book(practice, patient, provider, starts, now=starts - timedelta(days=7))
    assert [r.rule_id for r in reminders_of(appointment)] == [first.id]


def test_a_rule_whose_time_has_passed_at_booking_is_skipped_with_the_reason(
        practice, patient, provider):
    starts = at(practice, MONDAY, 14, 30)
    appointment = book(practice, patient, provider, starts, now=starts - timedelta(hours=30))
    day_before, same_day = reminders_of(appointment)
    assert (day_before.status, day_before.reason) == (ReminderStatus.SKIPPED, planning.PASSED)
    assert same_day.status is ReminderStatus.PENDING


def test_a_patient_without_consent_gets_only_skipped_reminders(practice, provider):
    patient = make_patient(practice, sms_consent=False)
    starts = at(practice, MONDAY, 14, 30)
    appointment = book(practice, patient, provider, starts, now=starts - timedelta(days=7))
    assert {(r.status, r.reason) for r in reminders_of(appointment)} == {
        (ReminderStatus.SKIPPED, policy.NO_CONSENT)}


def test_a_patient_who_replied_stop_gets_only_skipped_reminders(practice, patient, provider):
    patient.opt_out(utc(2026, 6, 1))
    db.session.commit()
    starts = at(practice, MONDAY, 14, 30)
    appointment = book(practice, patient, provider, starts, now=starts - timedelta(days=7))
    assert {(r.status, r.reason) for r in reminders_of(appointment)} == {
        (ReminderStatus.SKIPPED, policy.OPTED_OUT)}


def test_48_hours_before_keeps_the_wall_clock_time_across_the_spring_dst_change(
        practice, patient, provider):
    # New York springs forward on Sunday 8 March 2026: Monday 9:00 EDT is 13:00 UTC
    starts = at(practice, date(2026, 3, 9), 9)
    appointment = book(practice, patient, provider, starts, now=utc(2026, 3, 1, 12))
    day_before, same_day = reminders_of(appointment)
    assert day_before.send_at == utc(2026, 3, 7, 14)  # Saturday 9:00 EST
    # 2 hours before is 7:00, inside quiet hours: 8:00 is the nearest allowed time
    assert same_day.send_at == utc(2026, 3, 9, 12)
    assert "quiet hours" in same_day.reason


def test_48_hours_before_keeps_the_wall_clock_time_across_the_autumn_dst_change(
        practice, patient, provider):
    # New York falls back on Sunday 1 November 2026: Monday 10:00 EST is 15:00 UTC
    starts = at(practice, date(2026, 11, 2), 10)
    appointment = book(practice, patient, provider, starts, now=utc(2026, 10, 20, 12))
    day_before, same_day = reminders_of(appointment)
    assert day_before.send_at == utc(2026, 10, 31, 14)  # Saturday 10:00 EDT
    assert same_day.send_at == utc(2026, 11, 2, 13)  # 8:00 EST


def test_a_reminder_with_no_allowed_time_before_the_visit_is_skipped_for_quiet_hours(
        practice, patient, provider):
    starts = at(practice, MONDAY, 7, 30)
    appointment = book(practice, patient, provider, starts,
                       now=at(practice, MONDAY - timedelta(days=1), 22))
    same_day = reminders_of(appointment)[1]
    assert (same_day.status, same_day.reason) == (ReminderStatus.SKIPPED, policy.QUIET)


def test_moving_an_appointment_replans_its_pending_reminders(practice, patient, provider):
    now = at(practice, MONDAY - timedelta(days=7), 12)
    appointment = book(practice, patient, provider, at(practice, MONDAY, 14, 30), now=now)
    before = reminders_of(appointment)
    new_start = at(practice, MONDAY + timedelta(days=1), 10)
    service.move(appointment, practice, starts_at=new_start, now=now, actor=STAFF)
    after = reminders_of(appointment)
    assert [r.id for r in after] == [r.id for r in before]  # rewritten, not duplicated
    assert [r.send_at for r in after] == [new_start - timedelta(hours=48),
                                          new_start - timedelta(hours=2)]
    assert all(r.appointment_starts_at == new_start for r in after)


def test_a_move_refused_by_validation_leaves_the_reminders_as_they_were(
        practice, patient, provider):
    now = at(practice, MONDAY - timedelta(days=7), 12)
    appointment = book(practice, patient, provider, at(practice, MONDAY, 14, 30), now=now)
    before = [(r.send_at, r.status) for r in reminders_of(appointment)]
    with pytest.raises(FieldError):
        service.move(appointment, practice, starts_at=now - timedelta(days=1), now=now, actor=STAFF)
    db.session.rollback()
    assert [(r.send_at, r.status) for r in reminders_of(appointment)] == before


def _queue(practice, reminder, now):
    """Put a reminder's text in the outbox, as the dispatcher's first stage does."""
    message = enqueue(practice, to="+12015550123", body="Reminder", kind=MessageKind.REMINDER,
                      dedupe_key=f"reminder:{reminder.id}", now=now)
    reminder.status, reminder.message_id = ReminderStatus.QUEUED, message.id
    db.session.commit()
    return message


def test_moving_after_a_reminder_went_out_plans_a_new_one_for_the_new_time(
        practice, patient, provider):
    make_clickatell_account(practice)
    now = at(practice, MONDAY - timedelta(days=7), 12)
    appointment = book(practice, patient, provider, at(practice, MONDAY, 14, 30), now=now)
    first = reminders_of(appointment)[0]
    message = _queue(practice, first, now)
    message.status = MessageStatus.SENT
    first.status = ReminderStatus.SENT
    db.session.commit()

    new_start = at(practice, MONDAY + timedelta(days=3), 10)
    service.move(appointment, practice, starts_at=new_start, now=now, actor=STAFF)
    found = reminders_of(appointment)
    assert len(found) == 3
    sent, rewritten, fresh = found
    assert sent.status is ReminderStatus.SENT  # history stays
    assert (fresh.rule_id, fresh.status, fresh.send_at) == (
        sent.rule_id, ReminderStatus.PENDING, at(practice, MONDAY + timedelta(days=1), 10))
    assert rewritten.send_at == new_start - timedelta(hours=2)


def test_moving_stops_a_reminder_text_still_waiting_in_the_outbox(practice, patient, provider):
    make_clickatell_account(practice)
    now = at(practice, MONDAY - timedelta(days=7), 12)
    appointment = book(practice, patient, provider, at(practice, MONDAY, 14, 30), now=now)
    message = _queue(practice, reminders_of(appointment)[0], now)
    service.move(appointment, practice, starts_at=at(practice, MONDAY, 16), now=now, actor=STAFF)
    db.session.refresh(message)
    assert (message.status, message.status_detail) == (MessageStatus.CANCELLED, planning.MOVED)
    statuses = [r.status for r in reminders_of(appointment)]
    assert statuses == [ReminderStatus.CANCELLED, ReminderStatus.PENDING, ReminderStatus.PENDING]


def test_cancelling_an_appointment_cancels_its_reminders_and_queued_texts(
        practice, patient, provider):
    make_clickatell_account(practice)
    now = at(practice, MONDAY - timedelta(days=7), 12)
    appointment = book(practice, patient, provider, at(practice, MONDAY, 14, 30), now=now)
    message = _queue(practice, reminders_of(appointment)[0], now)
    service.cancel(appointment, by=CancelledBy.PATIENT, now=now, actor=STAFF)
    db.session.refresh(message)
    assert message.status is MessageStatus.CANCELLED
    assert {(r.status, r.reason) for r in reminders_of(appointment)} == {
        (ReminderStatus.CANCELLED, planning.CANCELLED)}


def test_a_text_already_claimed_by_a_sender_is_not_cancelled_behind_its_back(
        practice, patient, provider):
    make_clickatell_account(practice)
    now = at(practice, MONDAY - timedelta(days=7), 12)
    appointment = book(practice, patient, provider, at(practice, MONDAY, 14, 30), now=now)
    first = reminders_of(appointment)[0]
    message = _queue(practice, first, now)
    message.status = MessageStatus.SENDING
    db.session.commit()
    service.cancel(appointment, now=now, actor=STAFF)
    db.session.refresh(message)
    assert message.status is MessageStatus.SENDING
    assert reminders_of(appointment)[0].status is ReminderStatus.QUEUED


def test_changing_a_rule_replans_the_appointments_ahead(practice, patient, provider):
    now = at(practice, MONDAY - timedelta(days=7), 12)
    starts = at(practice, MONDAY, 14, 30)
    appointment = book(practice, patient, provider, starts, now=now)
    first, second = rules.rules_for(practice)
    with unit_of_work():
        rules.update_rule(first, minutes_before=24 * 60, enabled=True,
                          bodies={t.language: t.body for t in first.templates}, now=now)
        rules.update_rule(second, minutes_before=120, enabled=False,
                          bodies={t.language: t.body for t in second.templates}, now=now)
    day_before, same_day = reminders_of(appointment)
    assert day_before.send_at == starts - timedelta(days=1)
    assert (same_day.status, same_day.reason) == (ReminderStatus.CANCELLED, planning.RULE_OFF)


def test_new_quiet_hours_replan_the_appointments_ahead(practice, patient, provider):
    from datetime import time

    now = at(practice, MONDAY - timedelta(days=7), 12)
    appointment = book(practice, patient, provider, at(practice, MONDAY, 14, 30), now=now)
    with unit_of_work():
        rules.set_quiet_hours(practice, start=time(12), end=time(14), now=now)
    same_day = reminders_of(appointment)[1]
    assert same_day.send_at == at(practice, MONDAY, 11, 59)


def test_csv_style_booking_of_many_plans_each_in_the_same_transaction(practice, provider):
    now = at(practice, MONDAY - timedelta(days=7), 12)
    patients = [make_patient(practice) for _ in range(3)]
    for hour, patient in zip((9, 10, 11), patients, strict=True):
        service.book(practice, patient=patient, provider=provider,
                                starts_at=at(practice, MONDAY, hour), now=now, actor=STAFF)
    db.session.commit()
    appointments = db.session.scalars(select(Appointment)).all()
    assert sum(len(reminders_of(a)) for a in appointments) == 6


def test_reminders_of_many_appointments_load_in_one_query(practice, patient, provider):
    now = at(practice, MONDAY - timedelta(days=7), 12)
    ids = [book(practice, patient, make_provider(practice), at(practice, MONDAY, 9 + n),
                now=now).id for n in range(3)]
    found = planning.reminders_by_appointment(ids)
    assert sorted(found) == sorted(ids) and all(len(v) == 2 for v in found.values())
