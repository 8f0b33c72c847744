"""A phone with several visits (a family on one mobile, one patient with two this week): the
reply codes, the question "which visit?", its answer, expiry and tenancy, through the
webhook as Clickatell calls it. The same on the sandbox's phone: test_sandbox_families.py."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from reminder_app.clickatell import Reply, analyse
from reminder_app.extensions import db
from reminder_app.inbound.conversations import thread_messages
from reminder_app.inbound.replies import handle_inbound
from reminder_app.inbound.which_visit import ask, coded_reply, question_text
from reminder_app.models import (
    AppointmentStatus,
    Event,
    Intent,
    Language,
    QuestionStatus,
    ReplyQuestion,
)
from reminder_app.reminders import reply_codes
from reminder_app.sms_texts import short_when
from tests.factories import (
    make_appointment,
    make_clickatell_account,
    make_patient,
    make_practice,
    make_sent_text,
)
from tests.inbound.conftest import (
    PATIENT_MOBILE,
    PRACTICE_NUMBER,
    answers,
    inbound_messages,
    refreshed,
)


def local(practice, days: int, hour: int, minute: int = 0) -> datetime:
    """`days` from today at hour:minute on the practice's clock, in UTC."""
    day = datetime.now(practice.zone) + timedelta(days=days)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0).astimezone(UTC)


def reminded(practice, patient, starts_at):
    appointment = make_appointment(practice, patient=patient, starts_at=starts_at)
    make_sent_text(practice, patient=patient, appointment=appointment)
    return appointment


def questions(practice=None) -> list[ReplyQuestion]:
    db.session.expire_all()
    query = select(ReplyQuestion).order_by(ReplyQuestion.id)
    if practice is not None:
        query = query.where(ReplyQuestion.practice_id == practice.id)
    return list(db.session.scalars(query))


def last_answer() -> str:
    return answers()[-1].body


@pytest.fixture
def emma(practice):
    return make_patient(practice, first_name="Emma", last_name="Reyes", mobile=PATIENT_MOBILE)


@pytest.fixture
def noah(practice):
    return make_patient(practice, first_name="Noah", last_name="Reyes", mobile=PATIENT_MOBILE)


@pytest.fixture
def same_morning(practice, emma, noah):
    """Emma at 9:00 and Noah at 9:30 tomorrow, both reminded on the one mobile."""
    return (reminded(practice, emma, local(practice, 1, 9)),
            reminded(practice, noah, local(practice, 1, 9, 30)))


def at(account, text: str, now: datetime, *, sender: str = PATIENT_MOBILE):
    """A reply handled at `now` (the webhook's clock, set), committed as the webhook does."""
    message = Reply(account="1", message_id=f"mo-{text}-{now.timestamp()}", sender=sender,
                    to=account.long_number, received_at=now, text=text)
    handled = handle_inbound(account, message, now=now)
    db.session.commit()
    return handled


# ------------------------------------------------------------------ reading a code

@pytest.mark.parametrize(("text", "code", "intent"), [
    ("2", 2, None), (" 1. ", 1, None), ("C2", 2, Intent.CONFIRM), ("c 2", 2, Intent.CONFIRM),
    ("2C", 2, Intent.CONFIRM), ("1 C", 1, Intent.CONFIRM), ("X1", 1, Intent.CANCEL_APPOINTMENT),
    ("r 12", 12, Intent.RESCHEDULE), ("C2 thanks", 2, Intent.CONFIRM),
    ("gracias, 2", 2, None),
])
def test_a_number_with_or_without_its_letter_is_a_code(text, code, intent):
    found = coded_reply(text)
    assert (found.code, found.intent) == (code, intent)


@pytest.mark.parametrize("text", ["C", "yes", "0", "C0", "123", "C 2 3", "2 cats",
                                  "see you at 2", "CX2", "stop 2"])
def test_other_replies_are_no_code(text):
    assert coded_reply(text) is None


# ------------------------------------------------------------------ the question

def test_two_children_the_same_morning_c_asks_which_with_first_names_and_times_only(
        texts, practice, emma, noah, same_morning):
    emmas, noahs = same_morning
    texts.send("C")
    assert refreshed(emmas).status is AppointmentStatus.BOOKED
    assert refreshed(noahs).status is AppointmentStatus.BOOKED
    zone = practice.zone
    assert last_answer() == (
        f"Riverside Family Practice: which visit do you confirm? Reply "
        f"1 for Emma {short_when(emmas.starts_at, zone, 'en')}, "
        f"2 for Noah {short_when(noahs.starts_at, zone, 'en')}.")
    assert "Reyes" not in last_answer() and "Check-up" not in last_answer()
    [question] = questions()
    assert question.status is QuestionStatus.OPEN and question.intent is Intent.CONFIRM
    assert [(o.code, o.appointment_id) for o in question.options] == [(1, emmas.id),
                                                                      (2, noahs.id)]


def test_the_answer_applies_the_replys_intent_to_the_chosen_visit(texts, practice, noah,
                                                                  same_morning):
    emmas, noahs = same_morning
    texts.send("C")
    texts.send("2")
    assert refreshed(noahs).status is AppointmentStatus.CONFIRMED
    assert refreshed(emmas).status is AppointmentStatus.BOOKED
    assert "is confirmed" in last_answer()
    [question] = questions()
    answer = inbound_messages()[-1]
    assert question.status is QuestionStatus.ANSWERED
    assert (question.chosen_appointment_id, question.answer_message_id) == (noahs.id,
                                                                            answer.id)
    assert (answer.patient_id, answer.appointment_id) == (noah.id, noahs.id)
    reading = db.session.scalar(select(Event).where(Event.message_id == answer.id))
    assert (reading.intent, reading.appointment_id) == (Intent.CONFIRM, noahs.id)


def test_the_conversation_of_each_child_shows_the_question_and_the_answer(
        texts, practice, emma, noah, same_morning):
    texts.send("C")
    texts.send("2")
    for child in (emma, noah):
        bodies = [message.body for message in thread_messages(practice, child)]
        assert "C" in bodies and "2" in bodies
        assert any("which visit do you confirm?" in body for body in bodies)


def test_one_patient_with_two_visits_this_week_x_asks_without_names_and_1_cancels(
        texts, practice, emma):
    tuesday = reminded(practice, emma, local(practice, 1, 9))
    thursday = reminded(practice, emma, local(practice, 3, 16))
    texts.send("X")
    assert last_answer() == (
        f"Riverside Family Practice: which visit do you want to call off? Reply "
        f"1 for {short_when(tuesday.starts_at, practice.zone, 'en')}, "
        f"2 for {short_when(thursday.starts_at, practice.zone, 'en')}.")
    assert "CANCEL" not in last_answer().upper()  # the carriers' opt-out word
    texts.send("1")
    assert refreshed(tuesday).status is AppointmentStatus.CANCELLED_BY_PATIENT
    assert refreshed(thursday).status is AppointmentStatus.BOOKED
    assert "is cancelled" in last_answer()


def test_a_letter_with_the_number_overrides_the_questions_intent(texts, same_morning):
    emmas, noahs = same_morning
    texts.send("X")
    texts.send("1 C")
    assert refreshed(emmas).status is AppointmentStatus.CONFIRMED
    assert refreshed(noahs).status is AppointmentStatus.BOOKED
    assert questions()[0].status is QuestionStatus.ANSWERED


def test_a_reply_code_names_its_visit_without_a_question(texts, practice, same_morning):
    emmas, noahs = same_morning
    now = datetime.now(UTC)
    assert (reply_codes.code_of(emmas, now), reply_codes.code_of(noahs, now)) == (1, 2)
    db.session.commit()
    texts.send("C2")
    assert refreshed(noahs).status is AppointmentStatus.CONFIRMED
    assert refreshed(emmas).status is AppointmentStatus.BOOKED
    assert questions() == [] and "is confirmed" in last_answer()


def test_a_code_the_phone_was_never_given_asks_instead_of_guessing(texts, same_morning):
    texts.send("C7")
    assert all(refreshed(visit).status is AppointmentStatus.BOOKED for visit in same_morning)
    assert "which visit do you confirm?" in last_answer()


def test_a_number_that_is_no_option_asks_again(texts, same_morning):
    texts.send("R")
    texts.send("5")
    assert [a.body for a in answers()][0] == last_answer()
    assert len(answers()) == 2
    assert all(refreshed(visit).status is AppointmentStatus.BOOKED for visit in same_morning)
    assert questions()[0].status is QuestionStatus.OPEN


def test_a_c_is_not_about_a_visit_already_confirmed(texts, same_morning):
    emmas, noahs = same_morning
    texts.send("C")
    texts.send("1")
    texts.send("Yes")  # only Noah's is left to confirm: no question
    assert refreshed(noahs).status is AppointmentStatus.CONFIRMED
    assert len(questions()) == 1


def test_a_single_reminded_visit_is_answered_as_before(texts, practice, emma, noah):
    only = reminded(practice, noah, local(practice, 1, 9))
    make_appointment(practice, patient=emma, starts_at=local(practice, 1, 9, 30))  # no reminder
    texts.send("C")
    assert refreshed(only).status is AppointmentStatus.CONFIRMED
    assert questions() == []


# ------------------------------------------------------------------ while it is open

def test_an_unrelated_reply_while_the_question_is_open_goes_to_staff_and_leaves_it_open(
        texts, same_morning):
    emmas, noahs = same_morning
    texts.send("C")
    texts.send("Running a bit late, sorry")
    texts.send("HELP")
    free_text = inbound_messages()[1]
    assert free_text.read_at is None  # for staff
    assert "reminders for your appointments" in last_answer()
    assert questions()[0].status is QuestionStatus.OPEN
    texts.send("1")
    assert refreshed(emmas).status is AppointmentStatus.CONFIRMED


def test_a_new_ambiguous_reply_replaces_the_open_question(texts, same_morning):
    emmas, noahs = same_morning
    texts.send("C")
    texts.send("R")
    first, second = questions()
    assert (first.status, second.status) == (QuestionStatus.REPLACED, QuestionStatus.OPEN)
    texts.send("2")
    assert refreshed(noahs).status is AppointmentStatus.RESCHEDULE_REQUESTED


def test_stop_withdraws_the_question_and_a_number_after_it_changes_nothing(
        texts, emma, same_morning):
    texts.send("C")
    texts.send("STOP")
    assert questions()[0].status is QuestionStatus.WITHDRAWN
    assert refreshed(emma).sms_consent is False
    texts.send("2")
    assert all(refreshed(visit).status is not AppointmentStatus.CANCELLED_BY_PATIENT
               for visit in same_morning)


def test_an_opted_out_phone_is_sent_no_question(texts, practice, emma, same_morning):
    texts.send("STOP")
    sent = len(answers())
    texts.send("C")  # confirms nothing (which one?) and asks nothing: they opted out
    assert len(answers()) == sent
    assert [q.status for q in questions()] == [QuestionStatus.WITHDRAWN]  # never seen
    texts.send("2")  # so a number is not its answer
    assert all(refreshed(visit).status is AppointmentStatus.BOOKED for visit in same_morning)


# ------------------------------------------------------------------ expiry

def test_the_question_expires_after_a_day_and_a_number_then_is_read_as_usual(
        account, practice, emma):
    now = datetime.now(UTC)
    later_visits = (reminded(practice, emma, local(practice, 3, 9)),
                    reminded(practice, emma, local(practice, 4, 9)))
    at(account, "C", now)
    [question] = questions()
    assert question.expires_at == now + timedelta(hours=24)
    at(account, "2", now + timedelta(hours=25))  # "2" is X again: asked, never applied
    first, second = questions()
    assert first.status is QuestionStatus.EXPIRED and first.closed_at == first.expires_at
    assert second.status is QuestionStatus.OPEN
    assert second.intent is Intent.CANCEL_APPOINTMENT
    assert all(refreshed(visit).status is AppointmentStatus.BOOKED for visit in later_visits)


def test_the_question_expires_when_its_last_visit_starts(account, practice, emma, noah):
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    reminded(practice, emma, now + timedelta(hours=1))
    noahs = reminded(practice, noah, now + timedelta(hours=2))
    at(account, "C", now)
    assert questions()[0].expires_at == noahs.starts_at
    at(account, "2", noahs.starts_at + timedelta(minutes=1))
    assert questions()[0].status is QuestionStatus.EXPIRED
    assert refreshed(noahs).status is AppointmentStatus.BOOKED
    assert "no upcoming appointment" in last_answer()


def test_choosing_a_visit_that_has_started_meanwhile_changes_nothing(account, practice, emma,
                                                                      noah):
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    emmas = reminded(practice, emma, now + timedelta(hours=1))
    reminded(practice, noah, now + timedelta(hours=5))
    at(account, "C", now)
    at(account, "1", emmas.starts_at + timedelta(minutes=5))
    assert refreshed(emmas).status is AppointmentStatus.BOOKED
    assert "no upcoming appointment" in last_answer()
    assert questions()[0].status is QuestionStatus.OPEN  # Noah's can still be chosen


# ------------------------------------------------------------------ languages, tenancy

def test_the_question_and_its_answer_in_spanish(texts, practice):
    lucia = make_patient(practice, first_name="Lucia", mobile=PATIENT_MOBILE,
                         language=Language.ES)
    mateo = make_patient(practice, first_name="Mateo", mobile=PATIENT_MOBILE,
                         language=Language.ES)
    lucias = reminded(practice, lucia, local(practice, 1, 9))
    mateos = reminded(practice, mateo, local(practice, 1, 10))
    texts.send("Sí")
    assert last_answer() == (
        f"Riverside Family Practice: que cita confirma? Responda "
        f"1 para Lucia {short_when(lucias.starts_at, practice.zone, 'es')}, "
        f"2 para Mateo {short_when(mateos.starts_at, practice.zone, 'es')}.")
    texts.send("2")
    assert refreshed(mateos).status is AppointmentStatus.CONFIRMED
    assert "queda confirmada" in last_answer()


def test_a_mobile_shared_across_two_practices_keeps_their_questions_apart(
        client, texts, practice, same_morning):
    from tests.inbound.conftest import Texts

    other = make_practice("Harbor View Clinic").practice
    other_account = make_clickatell_account(other, long_number="+12015550188")
    cousin = make_patient(other, first_name="Ava", mobile=PATIENT_MOBILE)
    avas = reminded(other, cousin, local(other, 1, 9))
    texts.send("C")  # Riverside asks which
    Texts(client, other_account).send("1")  # to Harbor View: "1" is a plain confirm there
    assert refreshed(avas).status is AppointmentStatus.CONFIRMED
    assert all(refreshed(visit).status is AppointmentStatus.BOOKED for visit in same_morning)
    assert [q.status for q in questions(practice)] == [QuestionStatus.OPEN]
    assert questions(other) == []
    assert other_account.long_number != PRACTICE_NUMBER


def test_staff_read_the_question_and_the_answer_in_each_childs_conversation(
        texts, auth, client, practice, emma, noah, same_morning):
    texts.send("C")
    texts.send("2")
    auth.login("dana@example.com")
    for child in (emma, noah):
        page = client.get(f"/conversations/{child.id}").get_data(as_text=True)
        assert "which visit do you confirm?" in page
        assert "asked which visit (answered)" in page
        assert "answer to “which visit?”: Noah" in page


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_question_about_two_visits_is_one_sms_part_with_long_names_and_dates(
        practice, language):
    practice.name = "Riverside Family Practice Hoboken"
    parent = make_patient(practice, mobile=PATIENT_MOBILE, first_name="Maximiliano",
                          language=Language(language))
    sibling = make_patient(practice, mobile=PATIENT_MOBILE, first_name="Alexandrina")
    visits = [reminded(practice, parent, local(practice, 9, 10, 30)),
              reminded(practice, sibling, local(practice, 12, 11, 45))]
    now = datetime.now(UTC)
    for intent in (Intent.CONFIRM, Intent.CANCEL_APPOINTMENT, Intent.RESCHEDULE):
        reply = make_sent_text(practice, patient=parent)  # stands for the reply asked about
        question = ask(practice, PATIENT_MOBILE, reply, intent, visits, now)
        text = question_text(practice, question, language, now)
        assert "Maximiliano" in text and "/" in text  # names, and dates: not this week
        segments = analyse(text)
        assert (segments.encoding, segments.parts) == ("GSM-7", 1), text
