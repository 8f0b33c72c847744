"""The demo shows the journey: Riverside's notices on, a booked notice and a change notice
sent through the sandbox (or waiting for quiet hours to end), a no-show follow-up ahead."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from devtools import demo
from reminder_app.extensions import db
from reminder_app.models import Appointment, AppointmentStatus, Reminder, ReminderStatus
from reminder_app.models.reminders import RuleKind
from reminder_app.reminders.journey_defaults import journey_rules_for
from reminder_app.reminders.quiet_hours import is_quiet


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


def test_the_demo_lives_the_journey(app, live_app, sandbox):
    seed = demo.seed_demo()
    practice = seed.practice
    assert all(rule.enabled for rule in journey_rules_for(practice))
    notices = {reminder.kind: reminder for reminder in db.session.scalars(
        select(Reminder).where(Reminder.practice_id == practice.id,
                               Reminder.kind != RuleKind.BEFORE_VISIT))}
    no_show = db.session.scalar(select(Appointment).where(
        Appointment.practice_id == practice.id,
        Appointment.status == AppointmentStatus.NO_SHOW,
        Appointment.starts_at > demo.datetime.now(demo.UTC) - timedelta(hours=12)))
    if no_show is None:  # seeded before today's first visit ended
        assert set(notices) == {RuleKind.BOOKED, RuleKind.CHANGED}
    else:
        assert notices[RuleKind.NO_SHOW].status is ReminderStatus.PENDING
        assert notices[RuleKind.NO_SHOW].appointment_id == no_show.id
    quiet = is_quiet(notices[RuleKind.BOOKED].created_at, practice)
    for kind in (RuleKind.BOOKED, RuleKind.CHANGED):
        status, reason = notices[kind].status, notices[kind].reason
        assert (status is ReminderStatus.PENDING) if quiet else status.went_out, reason
    if not quiet:
        texts = [m["text"] for m in sandbox.messages(
            sender=practice.clickatell_account.long_number)]
        assert any("tiene cita el" in text for text in texts)
        assert any("your appointment is now" in text for text in texts)
