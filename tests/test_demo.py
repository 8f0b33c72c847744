"""`flask seed-demo`: the demo practice a newcomer sees on the first `make run`."""

from collections import Counter

import pytest
from sqlalchemy import func, select

from devtools import demo
from reminder_app.extensions import db
from reminder_app.inbound import conversations
from reminder_app.models import (
    Appointment,
    AppointmentStatus,
    Direction,
    Message,
    Patient,
    Provider,
    Reminder,
    ReminderStatus,
)
from reminder_app.onboarding import checklist


@pytest.fixture
def app_config(provider_config):
    return provider_config


def test_the_demo_practice_is_ready_to_send_with_a_day_in_every_state(app, live_app, sandbox):
    seed = demo.seed_demo()

    practice = seed.practice
    account = practice.clickatell_account
    assert seed.notes == []
    assert checklist.is_ready(account), checklist.steps(account)
    assert [a["user"] for a in sandbox.accounts()] == [account.username]
    assert db.session.scalar(select(func.count()).select_from(Provider)) == 2
    patients = list(db.session.scalars(select(Patient)))
    assert len(patients) == 12 and sum(p.sms_consent for p in patients) == 11
    assert {p.language.value for p in patients} == {"en", "es"}

    upcoming = list(db.session.scalars(select(Appointment).where(
        Appointment.starts_at > demo.datetime.now(demo.UTC))))
    states = Counter(a.status for a in upcoming)
    assert states[AppointmentStatus.CONFIRMED] >= 2
    assert states[AppointmentStatus.CANCELLED_BY_PATIENT] >= 1
    assert states[AppointmentStatus.BOOKED] >= 5
    assert conversations.unread_count(practice) >= 1  # the free-text reply waits for staff
    assert db.session.scalar(select(func.count()).select_from(Reminder).where(
        Reminder.status == ReminderStatus.PENDING)) > 0  # the scheduler sends these live

    # The sandbox's phones really received the reminders and sent the replies.
    texts = sandbox.messages()
    assert any(m["direction"] == "mt" and "Reply" in m["text"] for m in texts)
    assert any(m["direction"] == "mo" and m["text"] == "C" for m in texts)
    inbound = db.session.scalars(select(Message).where(Message.direction == Direction.INBOUND))
    assert {m.body for m in inbound} >= {"C", "X", "Sí"}

    # The "X" freed a slot, offered to the waitlist; its first patient took it by text
    # (unless the X came in quiet hours: then the offer waits for the morning).
    from reminder_app.models import FreedSlot, SlotStatus, WaitlistEntry
    from reminder_app.reminders.quiet_hours import is_quiet

    assert db.session.scalar(select(func.count()).select_from(WaitlistEntry)) == 3
    [slot] = db.session.scalars(select(FreedSlot))
    if is_quiet(slot.created_at, practice):
        assert slot.status is SlotStatus.OFFERING
    else:
        assert slot.status is SlotStatus.FILLED
        taker = db.session.get(Appointment, slot.filled_appointment_id).patient
        assert taker.full_name == "Lucas Rossi"
        assert any(m["direction"] == "mt" and "it is yours" in m["text"] for m in texts)


def test_seeding_again_changes_nothing(app, live_app, sandbox):
    demo.seed_demo()
    with pytest.raises(demo.DemoError, match="nothing seeded"):
        demo.seed_demo()


def test_without_a_local_sandbox_the_practice_is_seeded_without_an_account(app):
    app.config["CLICKATELL_API_URL"] = "https://api.clickatell.com"
    seed = demo.seed_demo()
    assert seed.practice.clickatell_account is None
    assert "not a local sandbox" in seed.notes[0]
    assert db.session.scalar(select(func.count()).select_from(Appointment)) > 12


def test_with_the_sandbox_not_running_the_seed_says_so_and_seeds_the_rest(app):
    app.config["CLICKATELL_API_URL"] = "http://127.0.0.1:9"  # nothing listens there
    seed = demo.seed_demo()
    assert seed.practice.clickatell_account is None
    assert "is not answering" in seed.notes[0] and "make sandbox" in seed.notes[0]
    assert db.session.scalar(select(func.count()).select_from(Patient)) == 12


def test_the_command_prints_the_login_and_the_two_addresses(app, runner, live_app, sandbox):
    result = runner.invoke(args=["seed-demo"])
    assert "owner@demo.example" in result.output and "password:" in result.output
    assert live_app.url in result.output
    assert f"{sandbox.url}/sandbox/phones" in result.output
