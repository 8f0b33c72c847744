"""`flask seed-demo`: the demo practices a newcomer sees on the first `make run`, one on each
Clickatell generation (Central's legacy API, the Platform's One API), side by side."""

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from devtools import demo
from reminder_app.extensions import db
from reminder_app.inbound import conversations
from reminder_app.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    Direction,
    FreedSlot,
    Location,
    Message,
    MessageKind,
    MessageStatus,
    Patient,
    Practice,
    Provider,
    Reminder,
    ReminderStatus,
    SlotStatus,
    WaitlistEntry,
)
from reminder_app.models.reminders import RuleKind
from reminder_app.onboarding import checklist, connect_existing
from reminder_app.reminders.quiet_hours import is_quiet


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


def of(practice: Practice, model, *where):
    """The practice's rows of `model`, oldest first (both demo practices share the
    database)."""
    return list(db.session.scalars(select(model).where(model.practice_id == practice.id, *where)
                                   .order_by(model.id)))


def upcoming_states(practice: Practice) -> Counter:
    return Counter(a.status for a in of(practice, Appointment,
                                        Appointment.starts_at > demo.datetime.now(demo.UTC)))


def test_the_demo_practice_is_ready_to_send_with_a_day_in_every_state(app, live_app, sandbox):
    seed = demo.seed_demo()

    practice = seed.practice
    account = practice.clickatell_account
    assert seed.notes == []
    assert not account.on_platform  # the first practice: Central, made through Connect
    assert checklist.is_ready(account), checklist.steps(account)
    assert account.username in [a["user"] for a in sandbox.accounts()]
    assert len(of(practice, Provider)) == 2
    patients = of(practice, Patient)
    family = len(demo.FAMILY)
    assert len(patients) == 12 + family and sum(p.sms_consent for p in patients) == 11 + family
    assert {p.language.value for p in patients} == {"en", "es"}

    states = upcoming_states(practice)
    assert states[AppointmentStatus.CONFIRMED] >= 2
    assert states[AppointmentStatus.CANCELLED_BY_PATIENT] >= 1
    assert states[AppointmentStatus.BOOKED] >= 5
    assert conversations.unread_count(practice) >= 1  # the free-text reply waits for staff
    assert of(practice, Reminder, Reminder.status == ReminderStatus.PENDING)  # sent live

    # The sandbox's phones really received the reminders and sent the replies.
    texts = sandbox.messages(sender=account.long_number) + sandbox.messages(
        to=account.long_number)
    assert any(m["direction"] == "mt" and "Reply" in m["text"] for m in texts)
    assert any(m["direction"] == "mo" and m["text"] == "C" for m in texts)
    inbound = of(practice, Message, Message.direction == Direction.INBOUND)
    assert {m.body for m in inbound} >= {"C", "X", "Sí"}

    # Its appointment types and sites: a phone consultation gets no 2-hour reminder.
    assert {t.name for t in of(practice, AppointmentType)} == {"Phone consultation",
                                                              "Annual physical"}
    assert len(of(practice, Location)) == 2
    [call] = of(practice, Appointment, Appointment.appointment_type_id.is_not(None),
                Appointment.duration_minutes == 10)
    assert {r.rule.minutes_before for r in of(practice, Reminder,
                                              Reminder.appointment_id == call.id,
                                              Reminder.kind == RuleKind.BEFORE_VISIT)} == {48 * 60}

    # The "X" freed a slot, offered to the waitlist; its first patient took it by text
    # (unless the X came in quiet hours: then the offer waits for the morning).
    assert len(of(practice, WaitlistEntry)) == 3
    [slot] = of(practice, FreedSlot)
    if is_quiet(slot.created_at, practice):
        assert slot.status is SlotStatus.OFFERING
    else:
        assert slot.status is SlotStatus.FILLED
        taker = db.session.get(Appointment, slot.filled_appointment_id).patient
        assert taker.full_name == "Lucas Rossi"
        assert any(m["direction"] == "mt" and "it is yours" in m["text"]
                   for m in sandbox.messages(sender=account.long_number))


    # A family on one mobile: both reminders name a code, "C" was asked about, "2" answered.
    to_family = [m["text"] for m in sandbox.messages(to=demo.FAMILY_MOBILE.removeprefix("+"))]
    assert any("Emma" in text and "Reply C1" in text for text in to_family)
    assert any("Noah" in text and "Reply C2" in text for text in to_family)
    assert any("which visit do you confirm?" in text for text in to_family)
    emma, noah = (of(practice, Appointment, Appointment.patient_id == child.id)[0]
                  for child in patients[-2:])
    assert (emma.status, noah.status) == (AppointmentStatus.BOOKED,
                                           AppointmentStatus.CONFIRMED)
    # (Not necessarily the last text: the app's webhook may read the "C" first, at the real
    # time, and its question then leaves after the answer the seed read at the earlier time.)
    assert any("is confirmed" in text for text in to_family)


#: Moments of the coming week to seed the demo at, hours after today's midnight (UTC): one
#: on each day of the week, at night, early, just around the family's answers and by day.
WEEK = (4, 37.5, 61.6, 90, 118, 142, 165)


@pytest.mark.parametrize("hours", WEEK)
def test_the_demo_holds_on_every_day_of_the_week(app, live_app, sandbox, monkeypatch, hours):
    """The demo is seeded whatever day `make run` is run on: a Friday once showed no
    answered reminder (Monday's were not due yet), and a Sunday afternoon an expired
    question. The whole app's clock is set to the moment, the webhook's too."""
    moment = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(
        hours=hours)

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return moment if tz is not None else moment.replace(tzinfo=None)

    from reminder_app import timezones
    from reminder_app.models import types
    for module in (demo, timezones, types):
        monkeypatch.setattr(module, "datetime", Clock)
    monkeypatch.setattr(demo, "utcnow", lambda: moment)
    test_the_demo_practice_is_ready_to_send_with_a_day_in_every_state(app, live_app, sandbox)


def live_texts(practice: Practice, sandbox) -> list[Message]:
    """The practice's texts that really went through the sandbox (not the history's rows)."""
    sent = {m["apiMsgId"] for m in sandbox.messages(
        sender=practice.clickatell_account.long_number) if m["direction"] == "mt"}
    return [m for m in of(practice, Message, Message.direction == Direction.OUTBOUND)
            if m.gateway_message_id in sent]


def test_the_platform_practice_is_connected_by_its_key_and_lives_a_day_in_every_state(
        app, sandbox):
    """As in `make run`: seeded before the app serves, so the sandbox's callbacks find no
    app; the seed reads the status callbacks the sandbox pushed, as the webhook would."""
    app.config["PUBLIC_BASE_URL"] = "http://127.0.0.1:9"  # nothing listens there
    seed = demo.seed_demo()

    assert seed.notes == []
    practice = seed.platform.practice
    account = practice.clickatell_account
    assert practice.name == demo.PLATFORM_PRACTICE_NAME
    assert account.on_platform and account.api_key and account.username is None
    assert checklist.is_ready(account), checklist.steps(account)
    assert account.status_callback_at is not None  # "callbacks received", from a callback

    # The SMS setup, as its owner made it in the portal: two-way with the practice's number,
    # STOP/SUBSCRIBE handling, the app's two callback URLs pasted in.
    [setup] = [s for s in sandbox.platform_setups() if s["api_key"] == account.api_key]
    urls = connect_existing.callback_urls(account)
    assert setup["api"] == "oneapi" and setup["two_way"] and setup["stop_handling"]
    assert setup["number"] == account.long_number.removeprefix("+")
    assert (setup["status_url"], setup["reply_url"]) == (urls["status"], urls["inbound"])
    assert urls["status"].startswith("http://127.0.0.1:9/webhooks/clickatell/")

    # Its own people and number.
    patients = of(practice, Patient)
    assert len(patients) == len(demo.PLATFORM_PATIENTS) and len(of(practice, Provider)) == 2
    riverside = seed.practice
    assert not {p.mobile for p in patients} & {p.mobile for p in of(riverside, Patient)}
    assert account.long_number != riverside.clickatell_account.long_number

    # A day in every state, lived through the One API.
    states = upcoming_states(practice)
    assert states[AppointmentStatus.CONFIRMED] >= 2
    assert states[AppointmentStatus.CANCELLED_BY_PATIENT] == 1
    assert states[AppointmentStatus.BOOKED] >= 3
    assert conversations.unread_count(practice) >= 1  # the free-text reply
    assert {m.body for m in of(practice, Message, Message.direction == Direction.INBOUND)} >= {
        "C", "Sí", "X", demo.PLATFORM_DAYS.replies[3][1]}
    assert of(practice, Reminder, Reminder.status == ReminderStatus.PENDING)  # sent live

    # Every text that went out ended as the Platform's status callbacks said (One API
    # codes): delivered, except the reminders to the phone that was off.
    texts = live_texts(practice, sandbox)
    assert {m.kind for m in texts} >= {MessageKind.REMINDER, MessageKind.AUTO_REPLY}
    outcomes = Counter((m.status, m.status_code) for m in texts)
    phone_off = patients[demo.PHONE_OFF].mobile
    assert set(outcomes) == {(MessageStatus.DELIVERED, "5"), (MessageStatus.FAILED, "23")}
    assert {m.recipient for m in texts if m.status is MessageStatus.FAILED} == {phone_off}
    failed = of(practice, Reminder, Reminder.status == ReminderStatus.FAILED,
                Reminder.message_id.in_([m.id for m in texts]))
    assert failed and all("could not deliver" in r.reason for r in failed)
    pushed = [json.loads(p["payload"]) for p in sandbox.pushes() if p["url"] == urls["status"]]
    assert pushed and all("messageStatusUpdate" in p["event"] for p in pushed)
    assert {p["integrationId"] for p in pushed} == {setup["integration_id"]}
    assert not [p for p in sandbox.pushes() if p["url"] == urls["status"]
                and p["status_code"] is not None]  # no app was serving: the seed read them


def test_both_generations_side_by_side(app, live_app, sandbox):
    """Each practice texts its own patients from its own number, through its own API, and
    each one's callbacks reach its own webhook routes."""
    seed = demo.seed_demo()

    central, platform = (s.practice for s in seed.practices)
    assert not central.clickatell_account.on_platform and platform.clickatell_account.on_platform
    for practice in (central, platform):
        account = practice.clickatell_account
        assert checklist.is_ready(account), checklist.steps(account)
        mobiles = {p.mobile.removeprefix("+") for p in of(practice, Patient)}
        sent = [m for m in sandbox.messages(sender=account.long_number)
                if m["direction"] == "mt"]
        assert sent and {m["to"] for m in sent} <= mobiles | {account.mobile.removeprefix("+")}
        assert any(m.status is MessageStatus.DELIVERED for m in live_texts(practice, sandbox))
    pushed_to = {p["url"] for p in sandbox.pushes()}
    assert connect_existing.callback_urls(platform.clickatell_account)["status"] in pushed_to
    assert any(url.endswith("/status") and "/platform/" not in url
               and central.clickatell_account.callback_secret in url for url in pushed_to)


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


def test_without_a_local_platform_sandbox_only_the_first_practice_is_seeded(app, sandbox):
    app.config["CLICKATELL_PLATFORM_URL"] = "https://platform.clickatell.com"
    seed = demo.seed_demo()
    assert seed.platform is None and [s.practice for s in seed.practices] == [seed.practice]
    assert "CLICKATELL_PLATFORM_URL is not a local sandbox" in seed.notes[0]
    assert db.session.scalar(select(func.count()).select_from(Practice)) == 1
    assert sandbox.platform_setups() == []


def test_the_command_prints_both_logins_and_the_two_addresses(app, runner, live_app, sandbox):
    result = runner.invoke(args=["seed-demo"])
    assert "owner@demo.example" in result.output
    assert demo.PLATFORM_OWNER_EMAIL in result.output
    assert result.output.count("password:") == 2
    assert "Clickatell Central account" in result.output
    assert "Clickatell Platform account" in result.output
    assert live_app.url in result.output
    assert f"{sandbox.url}/sandbox/phones" in result.output
