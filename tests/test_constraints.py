"""The database itself refuses rows that break the business's rules (issue 14), whatever
code writes them: each bad value is written as raw SQL through the session, past every
check in Python, on SQLite and PostgreSQL alike."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from reminder_app.extensions import db
from reminder_app.models import (
    CallbackRecord,
    FreedSlot,
    Intent,
    Offer,
    PracticeKeyword,
    Reminder,
    ReminderStatus,
    SlotStatus,
    WaitlistEntry,
)
from reminder_app.reminders.rules import rules_for
from tests.factories import (
    make_appointment,
    make_clickatell_account,
    make_patient,
    make_practice,
    make_provider,
    make_sent_text,
)

NOW = datetime.now(UTC).replace(microsecond=0)


def practice_world(name: str) -> dict:
    """One valid row of every table that has a rule, all of one practice: {table: row}."""
    owner = make_practice(name)
    practice = owner.practice
    account = make_clickatell_account(practice)
    patient = make_patient(practice)
    provider = make_provider(practice)
    appointment = make_appointment(practice, patient=patient, provider=provider)
    rule = rules_for(practice)[0]
    message = make_sent_text(practice, patient=patient, appointment=appointment)
    reminder = Reminder(practice_id=practice.id, appointment=appointment, rule=rule,
                        send_at=appointment.starts_at - timedelta(hours=2),
                        appointment_starts_at=appointment.starts_at)
    entry = WaitlistEntry(practice_id=practice.id, patient=patient, providers=[provider])
    slot = FreedSlot(practice_id=practice.id, provider=provider, appointment=appointment,
                     starts_at=appointment.starts_at, duration_minutes=15,
                     status=SlotStatus.OFFERING)
    offer = Offer(practice_id=practice.id, slot=slot, patient=patient, entry=entry,
                  message_id=message.id, wave=1, offered_at=NOW,
                  expires_at=NOW + timedelta(minutes=15))
    keyword = PracticeKeyword(practice_id=practice.id, word="ven", intent=Intent.CONFIRM)
    callback = CallbackRecord(kind="inbound", account_id=account.id, dedupe_key="mo:1",
                              method="POST", payload="")
    db.session.add_all([reminder, entry, slot, offer, keyword, callback])
    db.session.commit()
    return {"practice": practice, "staff_user": owner, "patient": patient,
            "provider": provider, "appointment": appointment, "reminder_rule": rule,
            "reminder_template": rule.templates[0], "message": message, "reminder": reminder,
            "waitlist_entry": entry, "freed_slot": slot, "offer": offer,
            "practice_keyword": keyword, "callback_record": callback,
            "clickatell_account": account}


@pytest.fixture
def world(app):
    return practice_world("Riverside")


@pytest.fixture
def elsewhere(world):
    return practice_world("Hillside")


def write(sql: str, **values) -> None:
    db.session.execute(text(sql), values)
    db.session.flush()


def refused(sql: str, **values) -> None:
    with pytest.raises(IntegrityError):
        write(sql, **values)
    db.session.rollback()


BAD_VALUES = [
    ("practice", "offer_notice_minutes = -1"),
    ("practice", "offer_wave_size = 0"),
    ("practice", "offer_hold_minutes = 0"),
    ("staff_user", "role = 'admin'"),
    ("patient", "language = 'fr'"),
    ("patient", "opted_out_at = created_at"),  # while sms_consent is on
    ("practice_keyword", "intent = 'maybe'"),
    ("reminder_rule", "minutes_before = 0"),
    ("reminder_template", "language = 'fr'"),
    ("appointment", "status = 'lost'"),
    ("appointment", "duration_minutes = 0"),
    ("message", "direction = 'up'"),
    ("message", "kind = 'spam'"),
    ("message", "status = 'lost'"),
    ("message", "status = 'received'"),  # an outbound text
    ("message", "kind = 'reply'"),
    ("message", "parts = 0"),
    ("message", "attempts = -1"),
    ("callback_record", "kind = 'other'"),
    ("reminder", "status = 'lost'"),
    ("waitlist_entry", "priority = 4"),
    ("waitlist_entry", "weekdays = 0"),
    ("waitlist_entry", "weekdays = 128"),
    ("waitlist_entry", "latest_time = earliest_time"),
    ("waitlist_entry", "notice_minutes = -1"),
    ("freed_slot", "status = 'lost'"),
    ("freed_slot", "duration_minutes = 0"),
    ("freed_slot", "waves = -1"),
    ("freed_slot", "closed_at = created_at"),  # while offering
    ("freed_slot", "status = 'filled'"),  # closed, with no time it was
    ("offer", "status = 'maybe'"),
    ("offer", "wave = 0"),
    ("offer", "expires_at = offered_at"),
]


@pytest.mark.parametrize("table, change", BAD_VALUES, ids=[f"{t}: {c}" for t, c in BAD_VALUES])
def test_a_value_outside_its_rule_is_refused(world, table, change):
    refused(f"UPDATE {table} SET {change} WHERE id = :id", id=world[table].id)


SAME_PRACTICE = [
    ("appointment", "patient_id", "patient"), ("appointment", "provider_id", "provider"),
    ("message", "patient_id", "patient"), ("message", "appointment_id", "appointment"),
    ("reminder", "appointment_id", "appointment"), ("reminder", "rule_id", "reminder_rule"),
    ("reminder", "message_id", "message"), ("waitlist_entry", "patient_id", "patient"),
    ("freed_slot", "provider_id", "provider"), ("freed_slot", "appointment_id", "appointment"),
    ("freed_slot", "filled_appointment_id", "appointment"), ("offer", "slot_id", "freed_slot"),
    ("offer", "patient_id", "patient"), ("offer", "entry_id", "waitlist_entry"),
    ("offer", "message_id", "message"),
]


@pytest.mark.parametrize("table, column, parent", SAME_PRACTICE,
                         ids=[f"{t}.{c}" for t, c, _ in SAME_PRACTICE])
def test_a_record_cannot_point_at_another_practices_record(world, elsewhere, table, column,
                                                            parent):
    sql = f"UPDATE {table} SET {column} = :parent WHERE id = :id"
    write(sql, parent=world[parent].id, id=world[table].id)  # its own practice's: fine
    refused(sql, parent=elsewhere[parent].id, id=world[table].id)


REMINDER = ("INSERT INTO reminder (practice_id, appointment_id, rule_id, send_at, "
            "appointment_starts_at, status, reason, created_at, updated_at) VALUES "
            "(:practice, :appointment, :rule, :at, :at, :status, '', :at, :at)")


def test_one_pending_reminder_per_appointment_and_rule(world):
    reminder = world["reminder"]
    values = dict(practice=reminder.practice_id, appointment=reminder.appointment_id,
                  rule=reminder.rule_id, at=NOW.replace(tzinfo=None))
    write(REMINDER, status="cancelled", **values)  # what a move leaves behind: fine
    write(REMINDER, status="skipped", **values)
    refused(REMINDER, status="pending", **values)


ENTRY = ("INSERT INTO waitlist_entry (practice_id, patient_id, priority, weekdays, "
         "earliest_time, latest_time, notice_minutes, note, created_at, updated_at, "
         "removed_at, removed_reason) VALUES (:practice, :patient, 2, 31, '08:00:00', "
         "'18:00:00', 120, '', :at, :at, :removed, '')")


def test_one_active_waitlist_entry_per_patient(world):
    entry = world["waitlist_entry"]
    at = NOW.replace(tzinfo=None)
    values = dict(practice=entry.practice_id, patient=entry.patient_id, at=at)
    write(ENTRY, removed=at, **values)  # left the list before: fine
    refused(ENTRY, removed=None, **values)


OFFER = ("INSERT INTO offer (practice_id, slot_id, patient_id, entry_id, wave, status, "
         "offered_at, expires_at) VALUES (:practice, :slot, :patient, :entry, 1, :status, "
         ":at, :until)")


def test_one_open_offer_per_patient(world):
    offer = world["offer"]
    appointment = make_appointment(world["practice"], patient=offer.patient,
                                   provider=world["provider"])
    other_slot = FreedSlot(practice_id=offer.practice_id, provider=world["provider"],
                           appointment=appointment, starts_at=appointment.starts_at,
                           duration_minutes=15, status=SlotStatus.OFFERING)
    db.session.add(other_slot)
    db.session.commit()
    values = dict(practice=offer.practice_id, slot=other_slot.id, patient=offer.patient_id,
                  entry=offer.entry_id, at=NOW.replace(tzinfo=None),
                  until=(NOW + timedelta(minutes=15)).replace(tzinfo=None))
    refused(OFFER, status="open", **values)
    write(OFFER, status="expired", **values)


CALLBACK = ("INSERT INTO callback_record (kind, account_id, dedupe_key, method, payload, "
            "received_at, error) VALUES ('inbound', :account, :key, 'POST', '', :at, '')")


def test_a_callback_key_is_unique_per_account_not_across_accounts(world, elsewhere):
    at = NOW.replace(tzinfo=None)
    mine, theirs = world["clickatell_account"].id, elsewhere["clickatell_account"].id
    write(CALLBACK, account=theirs, key="mo:2", at=at)
    write(CALLBACK, account=mine, key="mo:2", at=at)
    refused(CALLBACK, account=mine, key="mo:2", at=at)


def test_the_apps_own_rows_satisfy_every_rule(world, elsewhere):
    """The baseline of the tests above: the valid rows were all accepted."""
    assert db.session.get(Reminder, world["reminder"].id).status is ReminderStatus.PENDING
