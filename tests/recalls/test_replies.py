"""A patient's reply to a recall text, through the MO webhook as Clickatell delivers it: the
recall stops texting and shows replied, the reply waits unread for staff; R, C, YES or BOOK
also hear that the practice will call. STOP, START and HELP keep their meaning."""

from datetime import UTC, datetime, time, timedelta

import pytest

from reminder_app.extensions import db
from reminder_app.models import AppointmentStatus, Language, MessageKind, RecallStatus
from reminder_app.timezones import today
from tests.factories import make_patient, make_sent_text
from tests.inbound.conftest import PATIENT_MOBILE, answers, inbound_messages, reminded_appointment
from tests.recalls.conftest import add_recall, mark_sent, recall_texts, refreshed, run_recalls


@pytest.fixture(autouse=True)
def no_quiet_hours(practice):
    practice.quiet_start = practice.quiet_end = time(0)  # replies arrive at the real time
    db.session.commit()


def texted_recall(practice, patient, *, reason: str = "6-month check-up"):
    """A recall due yesterday whose first text left a minute ago."""
    now = datetime.now(UTC)
    recall = add_recall(practice, patient, due_on=today(practice.zone, now) - timedelta(days=1),
                        reason=reason, now=now)
    run_recalls(now)
    mark_sent(recall_texts(patient), now - timedelta(minutes=1))
    return refreshed(recall)


@pytest.mark.parametrize("reply", ["R", "book", "Yes please", "C"])
def test_a_reply_asking_to_book_marks_it_replied_and_hears_the_practice_will_call(
        practice, texts, reply):
    maria = make_patient(practice, first_name="Maria", mobile=PATIENT_MOBILE)
    recall = texted_recall(practice, maria)
    texts.send(reply)
    [inbound] = inbound_messages()
    recall = refreshed(recall)
    assert (recall.status, recall.reply_message_id, recall.next_text_at) == (
        RecallStatus.REPLIED, inbound.id, None)
    assert inbound.patient_id == maria.id and inbound.read_at is None  # for staff to call
    [answer] = answers()
    assert answer.body == ("Riverside Family Practice: thank you, we will call you to book "
                           "your visit. Or call us: (201) 555-0100.")
    assert answer.recipient == PATIENT_MOBILE


def test_a_spanish_reply_gets_the_spanish_answer(practice, texts):
    sofia = make_patient(practice, first_name="Sofia", mobile=PATIENT_MOBILE,
                         language=Language.ES)
    recall = texted_recall(practice, sofia)
    texts.send("Cita")
    assert refreshed(recall).status is RecallStatus.REPLIED
    [answer] = answers()
    assert answer.body == ("Riverside Family Practice: gracias, le llamaremos para darle "
                           "cita. O llamenos al (201) 555-0100.")


def test_any_other_reply_marks_it_replied_for_staff_without_an_answer(practice, texts):
    maria = make_patient(practice, mobile=PATIENT_MOBILE)
    recall = texted_recall(practice, maria)
    texts.send("We moved to Ohio, sorry")
    assert refreshed(recall).status is RecallStatus.REPLIED
    assert answers() == [] and inbound_messages()[0].read_at is None


def test_a_replied_recall_is_texted_no_more(practice, texts):
    maria = make_patient(practice, mobile=PATIENT_MOBILE)
    texted_recall(practice, maria)
    texts.send("R")
    run_recalls(datetime.now(UTC) + timedelta(days=60))
    assert len(recall_texts(maria)) == 1


def test_stop_opts_out_and_the_recall_stays_open_but_silent(practice, texts):
    maria = make_patient(practice, mobile=PATIENT_MOBILE)
    recall = texted_recall(practice, maria)
    texts.send("STOP")
    assert refreshed(maria).opted_out_at is not None
    assert refreshed(recall).status is RecallStatus.OPEN
    run_recalls(datetime.now(UTC) + timedelta(days=60))
    assert len(recall_texts(maria)) == 1


def test_a_reply_after_a_later_reminder_is_about_the_reminder(practice, texts):
    maria = make_patient(practice, mobile=PATIENT_MOBILE)
    recall = texted_recall(practice, maria, reason="Annual physical")
    appointment = reminded_appointment(practice, maria)  # its reminder left just now
    texts.send("C")
    assert refreshed(appointment).status is AppointmentStatus.CONFIRMED
    assert refreshed(recall).status is RecallStatus.OPEN


@pytest.mark.parametrize("kind", [MessageKind.NOTICE, MessageKind.LATE_NOTICE])
def test_a_reply_after_a_later_notice_is_not_about_the_recall(practice, texts, kind):
    """A booked notice or a "running late" text came after the recall's: "Yes please" is
    about that, and the recall neither stops texting nor shows replied."""
    maria = make_patient(practice, mobile=PATIENT_MOBILE)
    recall = texted_recall(practice, maria, reason="Annual physical")
    make_sent_text(practice, patient=maria, kind=kind,
                   body="You are booked for Tuesday at 9:00. Reply C to confirm.")
    texts.send("Yes please")
    assert refreshed(recall).status is RecallStatus.OPEN


def test_a_reply_with_no_recall_text_sent_is_not_about_a_recall(practice, texts):
    maria = make_patient(practice, mobile=PATIENT_MOBILE)
    now = datetime.now(UTC)
    recall = add_recall(practice, maria, due_on=today(practice.zone, now) + timedelta(days=9),
                        now=now)
    make_sent_text(practice, patient=maria)
    texts.send("R")
    assert refreshed(recall).status is RecallStatus.OPEN
    assert recall_texts(maria) == [] and all(
        answer.kind is MessageKind.AUTO_REPLY for answer in answers())
