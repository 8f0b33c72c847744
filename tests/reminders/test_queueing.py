"""Due reminders enter the outbox practice by practice in turn (`planning.queue_due`): at a
practice group's peak every practice's first text is queued in the first batch, and within a
practice the texts keep their reminders' due order."""

from datetime import date, timedelta

from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import Message, Reminder, ReminderStatus
from reminder_app.reminders.planning import queue_due
from tests.drills.conftest import seed_reminders
from tests.factories import make_clickatell_account, make_practice

from .conftest import at

MONDAY = date(2026, 6, 15)


def practices(count: int) -> list:
    """Practices with a ready account each (a long number of their own)."""
    found = []
    for _ in range(count):
        practice = make_practice(timezone="America/New_York").practice
        make_clickatell_account(practice)
        found.append(practice)
    return found


def queued_texts() -> list[Message]:
    """The outbox in the order the texts were queued."""
    db.session.expire_all()
    return list(db.session.scalars(select(Message).order_by(Message.id)))


def test_the_first_batch_holds_the_first_text_of_every_practice(app):
    group = practices(3)
    now = at(group[0], MONDAY, 12, 30)
    for n, practice in enumerate(group):  # booked practice by practice, all due together
        seed_reminders(practice, [(now - timedelta(minutes=1), now + timedelta(hours=2))] * 4,
                       mobile_base=2025550000 + 100 * n)
    result = queue_due(now, batch=3)
    assert result.queued == 12
    texts = queued_texts()
    assert {text.practice_id for text in texts[:3]} == {practice.id for practice in group}
    # and every practice's second text before any practice's third
    assert {text.practice_id for text in texts[3:6]} == {practice.id for practice in group}


def test_a_practice_with_a_backlog_does_not_hold_back_another_practices_text(app):
    behind, on_time = practices(2)
    now = at(behind, MONDAY, 12, 30)
    seed_reminders(behind, [(now - timedelta(minutes=10), now + timedelta(hours=2))] * 6)
    seed_reminders(on_time, [(now, now + timedelta(hours=2))], mobile_base=2025551000)
    queue_due(now, batch=2)
    assert on_time.id in {text.practice_id for text in queued_texts()[:2]}


def test_within_a_practice_texts_are_queued_in_due_order_and_due_when_their_reminder_was(app):
    [practice] = practices(1)
    now = at(practice, MONDAY, 12, 30)
    # booked in the reverse of the order they fall due
    due_times = [now - timedelta(minutes=minutes) for minutes in (1, 5, 3, 9)]
    seed_reminders(practice, [(due, now + timedelta(hours=2)) for due in due_times])
    queue_due(now, batch=2)
    texts = queued_texts()
    assert [text.send_after for text in texts] == sorted(due_times)
    reminders = {r.message_id: r for r in db.session.scalars(select(Reminder))}
    assert all(reminders[text.id].status is ReminderStatus.QUEUED
               and reminders[text.id].send_at == text.send_after for text in texts)


def test_a_reminder_not_yet_due_is_left_for_a_later_pass(app):
    [practice] = practices(1)
    now = at(practice, MONDAY, 12, 30)
    seed_reminders(practice, [(now, now + timedelta(hours=2)),
                              (now + timedelta(seconds=1), now + timedelta(hours=2))])
    assert queue_due(now, batch=1).queued == 1
    assert queue_due(now + timedelta(seconds=1), batch=1).queued == 1
    assert len(queued_texts()) == 2
