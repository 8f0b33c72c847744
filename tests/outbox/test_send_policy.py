"""The send policy's texting rules as texts leave for the sandbox: quiet hours on the
patient's clock, the cap on reminders a patient gets, and reminders held after R. Planning
and the dispatcher ask the same policy (reminders/policy.py)."""

from datetime import timedelta

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.models import MessageKind, MessageStatus, ReminderStatus
from reminder_app.outbox import enqueue
from reminder_app.outbox.policy import Outgoing
from reminder_app.reminders import policy
from reminder_app.reminders.passes import run_pass
from tests.factories import STAFF, make_patient, make_sent_text

from .conftest import MONDAY, at, reminder_of

HONOLULU = "Pacific/Honolulu"  # six hours behind New York in June


def test_quiet_hours_are_on_the_patients_clock(booking, sandbox):
    patient = make_patient(booking.practice, mobile="+12015550130", timezone=HONOLULU)
    appointment = booking.appointment(patient)
    reminder = reminder_of(appointment)
    # Due 12:30 in New York is 6:30 in Honolulu: it waits for 8:00 there (14:00 New York).
    assert reminder.send_at == at(booking.practice, MONDAY, 14)
    assert "06:30, the patient's time" in reminder.reason
    run_pass(booking.due)
    assert sandbox.messages() == []
    run_pass(at(booking.practice, MONDAY, 14))
    assert len(sandbox.messages(to="+12015550130")) == 1


def test_a_patient_without_a_zone_has_the_practices(booking, sandbox):
    appointment = booking.appointment(mobile="+12015550131")
    assert reminder_of(appointment).send_at == booking.due
    run_pass(booking.due)
    assert len(sandbox.messages(to="+12015550131")) == 1


def test_the_default_quiet_hours_end_at_20_00(booking):
    assert (booking.practice.quiet_start.hour, booking.practice.quiet_end.hour) == (20, 8)
    late = booking.appointment(mobile="+12015550132")
    late_reminder = reminder_of(late)
    late_reminder.send_at = at(booking.practice, MONDAY - timedelta(days=1), 20, 30)
    db.session.commit()
    result = run_pass(late_reminder.send_at)
    assert result.reminders.rescheduled == 1
    assert reminder_of(late).send_at == at(booking.practice, MONDAY, 8)


def test_a_second_reminder_the_same_day_is_skipped_with_the_reason(booking, sandbox):
    patient = make_patient(booking.practice, mobile="+12015550133")
    first = booking.appointment(patient)
    second = service.book(booking.practice, patient=patient, provider=booking.provider,
                          starts_at=booking.starts + timedelta(hours=3), now=booking.booked_at,
                          actor=STAFF)
    db.session.commit()
    run_pass(booking.due)
    run_pass(booking.due + timedelta(hours=3))
    assert len(sandbox.messages(to="+12015550133")) == 1
    assert reminder_of(first).status is ReminderStatus.SENT
    skipped = reminder_of(second)
    assert skipped.status is ReminderStatus.SKIPPED
    assert skipped.reason == policy.CAP_DAY.format(count=1)


def test_answers_to_the_patients_own_texts_do_not_count(booking, sandbox):
    patient = make_patient(booking.practice, mobile="+12015550134")
    for _ in range(3):
        make_sent_text(booking.practice, patient=patient, kind=MessageKind.AUTO_REPLY)
    booking.appointment(patient)
    run_pass(booking.due)
    assert len(sandbox.messages(to="+12015550134")) == 1


def test_the_weekly_cap_counts_the_patients_last_seven_days(booking, sandbox):
    practice = booking.practice
    practice.reminders_per_day, practice.reminders_per_week = 3, 3
    patient = make_patient(practice, mobile="+12015550135")
    for days_ago in (1, 3, 8):
        sent = make_sent_text(practice, patient=patient)
        sent.sent_at = booking.due - timedelta(days=days_ago)
    db.session.commit()
    first = booking.appointment(patient)
    run_pass(booking.due)  # two in the last 7 days (the one 8 days ago is older): sent
    second = service.book(practice, patient=patient, provider=booking.provider,
                          starts_at=booking.starts + timedelta(hours=3), now=booking.booked_at,
                          actor=STAFF)
    db.session.commit()
    run_pass(booking.due + timedelta(hours=3))
    assert reminder_of(first).status is ReminderStatus.SENT
    assert reminder_of(second).reason == policy.CAP_WEEK.format(count=3)
    assert len(sandbox.messages(to="+12015550135")) == 1


def test_of_two_reminders_waiting_in_the_outbox_the_first_queued_goes_first(booking):
    practice = booking.practice
    patient = make_patient(practice, mobile="+12015550136")
    first, second = (enqueue(practice, to=patient.mobile, body=f"Reminder {n}. STOP",
                             kind=MessageKind.REMINDER, patient=patient, now=booking.due)
                     for n in (1, 2))
    db.session.commit()
    assert first.status is MessageStatus.QUEUED and first.id < second.id
    assert policy.over_cap(Outgoing(practice, patient, message_id=first.id), booking.due) is None
    assert policy.over_cap(Outgoing(practice, patient, message_id=second.id), booking.due) \
        == policy.CAP_DAY.format(count=1)
    # While a third is being planned, both count.
    assert policy.over_cap(Outgoing(practice, patient), booking.due) \
        == policy.CAP_DAY.format(count=2)


def test_two_reminders_due_in_one_batch_count_against_each_other(booking, sandbox):
    """Planning reads the cap once for a batch (`policy.caps_of`); a text the batch queues
    counts against the ones it plans after it."""
    patient = make_patient(booking.practice, mobile="+12015550137")
    first = booking.appointment(patient)
    second = service.book(booking.practice, patient=patient, provider=booking.provider,
                          starts_at=booking.starts + timedelta(minutes=30),
                          now=booking.booked_at, actor=STAFF)
    db.session.commit()
    result = run_pass(booking.due + timedelta(minutes=30))  # both due: one batch
    assert result.reminders.queued == 1 and result.reminders.skipped == 1
    assert reminder_of(first).status is ReminderStatus.SENT
    assert reminder_of(second).reason == policy.CAP_DAY.format(count=1)
    assert len(sandbox.messages(to="+12015550137")) == 1


def test_the_dispatcher_asks_the_cap_for_its_batch_as_for_each_text(booking, sandbox):
    """Texts claimed together get the verdicts they would get one by one: the second of a
    patient's two queued reminders is cancelled, the first leaves."""
    from reminder_app.outbox.dispatcher import dispatch_due

    practice = booking.practice
    patient = make_patient(practice, mobile="+12015550138")
    other = make_patient(practice, mobile="+12015550139")
    texts = [enqueue(practice, to=who.mobile, body=f"Reminder {n}. STOP",
                     kind=MessageKind.REMINDER, patient=who, now=booking.due)
             for n, who in enumerate((patient, other, patient))]
    db.session.commit()
    one_by_one = [policy.over_cap(Outgoing(practice, m.patient, message_id=m.id), booking.due)
                  for m in texts]
    assert one_by_one == [None, None, policy.CAP_DAY.format(count=1)]
    batch = policy.read_caps([Outgoing(practice, m.patient) for m in texts], booking.due)
    assert [policy.over_cap(Outgoing(practice, m.patient, message_id=m.id, batch=batch),
                            booking.due) for m in texts] == one_by_one
    result = dispatch_due(booking.due)
    assert (result.sent, result.cancelled) == (2, 1)
    db.session.refresh(texts[2])
    assert texts[2].status is MessageStatus.CANCELLED
    assert texts[2].status_detail == policy.CAP_DAY.format(count=1)
    assert len(sandbox.messages(to="+12015550138")) == 1
