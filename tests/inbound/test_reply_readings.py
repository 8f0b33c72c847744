"""Each reply's reading is recorded once, with what it was read against, and staff see that
recorded reading, never a re-reading with today's words."""

import pytest
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.inbound import conversations
from reminder_app.inbound.understanding import Intent
from reminder_app.models import ActorKind, AppendOnly, Event, EventKind
from tests.inbound.conftest import inbound_messages


def readings() -> list[Event]:
    db.session.expire_all()
    return list(db.session.scalars(select(Event).where(Event.kind == EventKind.REPLY_READ)
                                   .order_by(Event.id)))


def test_a_reply_is_read_once_against_its_appointment_however_often_it_arrives(
        texts, appointment, patient):
    texts.send("C", mo_id="a" * 32)
    texts.send("C", mo_id="a" * 32)  # Clickatell repeats a callback

    [reading] = readings()
    [message] = inbound_messages()
    assert (reading.message_id, reading.appointment_id, reading.offer_id) == (
        message.id, appointment.id, None)
    assert (reading.intent, reading.matched_word, reading.practice_word) == (
        Intent.CONFIRM, "c", False)
    assert (reading.actor_kind, reading.actor_id) == (ActorKind.PATIENT, patient.id)


def test_the_confirmation_is_recorded_as_the_patients_by_sms(texts, appointment, patient):
    texts.send("yes")
    [confirmed] = db.session.scalars(select(Event).where(
        Event.appointment_id == appointment.id, Event.kind == EventKind.CONFIRMED)).all()
    assert confirmed.summary == "Confirmed by the patient by SMS"
    assert confirmed.actor_id == patient.id


def test_a_practice_word_is_recorded_as_one(texts, practice, appointment):
    conversations.add_keyword(practice, "ven", Intent.CONFIRM)
    texts.send("Ven!")
    [reading] = readings()
    assert (reading.intent, reading.matched_word, reading.practice_word) == (
        Intent.CONFIRM, "ven", True)


def test_free_text_records_no_matched_word(texts, appointment):
    texts.send("Will I need to fast?")
    [reading] = readings()
    assert (reading.intent, reading.matched_word) == (Intent.FREE_TEXT, None)


def test_a_text_from_an_unknown_number_is_read_without_context(texts):
    texts.send("STOP", sender="+12015550987")
    [reading] = readings()
    assert (reading.intent, reading.appointment_id, reading.actor_id) == (
        Intent.OPT_OUT, None, None)
    assert reading.actor.describe() == "by an unknown number by SMS"


def test_the_conversation_shows_the_recorded_reading_not_todays(
        texts, auth, client, practice, appointment, patient):
    texts.send("ven")  # not a reply word when it arrived: free text
    conversations.add_keyword(practice, "ven", Intent.CONFIRM)  # one today
    auth.login("dana@example.com")
    page = client.get(f"/conversations/{patient.id}").get_data(as_text=True)
    assert "read as: <strong class=\"reply-reading\">Free text</strong>" in page


def test_a_recorded_reading_cannot_be_changed_or_removed(texts, appointment):
    texts.send("C")
    [reading] = readings()
    reading.intent = Intent.CANCEL_APPOINTMENT
    with pytest.raises(AppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(readings()[0])
    with pytest.raises(AppendOnly):
        db.session.commit()
    db.session.rollback()
    assert readings()[0].intent is Intent.CONFIRM
