"""A family on one mobile, and one patient with two visits this week, on the sandbox's
phone: the reminders name a code each, a plain C or X is asked about ("which visit?"), the
number answered applies it to that visit, and every text goes through the dispatcher to the
phone. The finer rules are tested through the webhook in test_families.py."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.models import (
    AppointmentStatus,
    Language,
    QuestionStatus,
    ReplyQuestion,
)
from reminder_app.reminders.passes import run_pass
from reminder_app.sms_texts import short_when
from reminder_app.transactions import unit_of_work
from tests.factories import (
    STAFF,
    make_clickatell_account,
    make_patient,
    make_practice,
    make_provider,
)
from tests.inbound.conftest import (
    PATIENT_MOBILE,
    PRACTICE_NUMBER,
    inbound_messages,
    link_to_sandbox,
    refreshed,
    wait_until,
)

PHONE = PATIENT_MOBILE.removeprefix("+")
NUMBER = PRACTICE_NUMBER.removeprefix("+")


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


def local(practice, days: int, hour: int, minute: int = 0) -> datetime:
    day = datetime.now(practice.zone) + timedelta(days=days)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0).astimezone(UTC)


def book(practice, patient, provider, starts_at):
    with unit_of_work():
        return service.book(practice, patient=patient, provider=provider, starts_at=starts_at,
                            actor=STAFF)


def send_reminders_due_before(starts_at):
    """A dispatch pass at the minute the 48-hour reminder of a visit at `starts_at` is due."""
    run_pass(now=starts_at - timedelta(hours=48) + timedelta(minutes=1))


def phone_texts(sandbox, number: str = NUMBER) -> list[str]:
    return [m["text"] for m in sandbox.messages(to=PHONE, sender=number)]


def questions() -> list[ReplyQuestion]:
    return list(db.session.scalars(select(ReplyQuestion).order_by(ReplyQuestion.id)))


def reply(sandbox, text: str, *, count: int, number: str = NUMBER) -> None:
    """The phone texts `text`; once the app has it (`count` texts in), a pass sends the
    answer to the phone."""
    sandbox.inbound(PHONE, number, text)
    wait_until(lambda: len(inbound_messages()) >= count)
    run_pass()


@pytest.fixture
def same_morning(live_app, sandbox, practice, account):
    """Emma at 9:00 and Noah at 9:30 in four days, on one mobile; both reminded."""
    link_to_sandbox(account, sandbox, live_app)
    provider = make_provider(practice)
    emma = make_patient(practice, first_name="Emma", last_name="Reyes", mobile=PATIENT_MOBILE)
    noah = make_patient(practice, first_name="Noah", last_name="Reyes", mobile=PATIENT_MOBILE)
    emmas = book(practice, emma, provider, local(practice, 4, 9))
    noahs = book(practice, noah, provider, local(practice, 4, 9, 30))
    send_reminders_due_before(noahs.starts_at)
    return emmas, noahs


def test_two_children_the_same_morning_reminded_with_codes_c_asks_and_2_confirms_noah(
        sandbox, practice, same_morning):
    emmas, noahs = same_morning
    to_emma, to_noah = phone_texts(sandbox)
    assert "Emma" in to_emma and "Reply C1 to confirm, R1 to reschedule." in to_emma
    assert "Noah" in to_noah and "Reply C2 to confirm, R2 to reschedule." in to_noah

    reply(sandbox, "C", count=1)
    assert phone_texts(sandbox)[-1] == (
        "Riverside Family Practice: which visit do you confirm? Reply "
        f"1 for Emma {short_when(emmas.starts_at, practice.zone, 'en')}, "
        f"2 for Noah {short_when(noahs.starts_at, practice.zone, 'en')}.")
    assert refreshed(emmas).status is AppointmentStatus.BOOKED

    reply(sandbox, "2", count=2)
    assert refreshed(noahs).status is AppointmentStatus.CONFIRMED
    assert refreshed(emmas).status is AppointmentStatus.BOOKED
    assert "is confirmed" in phone_texts(sandbox)[-1]
    assert len(phone_texts(sandbox)) == 4  # two reminders, the question, the answer: once


def test_one_patient_with_two_visits_this_week_in_spanish_x_asks_and_2_cancels_the_second(
        live_app, sandbox, practice, account):
    link_to_sandbox(account, sandbox, live_app)
    provider = make_provider(practice)
    lucia = make_patient(practice, first_name="Lucia", mobile=PATIENT_MOBILE,
                         language=Language.ES)
    first = book(practice, lucia, provider, local(practice, 4, 9))
    second = book(practice, lucia, provider, local(practice, 5, 16))
    send_reminders_due_before(first.starts_at)
    send_reminders_due_before(second.starts_at)
    reminders = phone_texts(sandbox)
    assert "Responda C1: confirmar, R1: cambiar." in reminders[0]
    assert "Responda C2: confirmar, R2: cambiar." in reminders[1]

    reply(sandbox, "X", count=1)
    assert phone_texts(sandbox)[-1] == (
        "Riverside Family Practice: que cita quiere anular? Responda "
        f"1 para {short_when(first.starts_at, practice.zone, 'es')}, "
        f"2 para {short_when(second.starts_at, practice.zone, 'es')}.")
    reply(sandbox, "2", count=2)
    assert refreshed(second).status is AppointmentStatus.CANCELLED_BY_PATIENT
    assert refreshed(first).status is AppointmentStatus.BOOKED
    assert "queda cancelada" in phone_texts(sandbox)[-1]


def test_an_unrelated_reply_while_the_question_is_open_is_for_staff_then_1_answers_it(
        sandbox, same_morning):
    emmas, noahs = same_morning
    reply(sandbox, "C", count=1)
    reply(sandbox, "Running 10 minutes late, sorry", count=2)
    assert inbound_messages()[1].read_at is None  # staff read it
    assert len(phone_texts(sandbox)) == 3  # no answer to free text
    assert questions()[0].status is QuestionStatus.OPEN
    reply(sandbox, "1", count=3)
    assert refreshed(emmas).status is AppointmentStatus.CONFIRMED
    assert refreshed(noahs).status is AppointmentStatus.BOOKED


def test_after_the_question_expired_a_number_is_never_applied_to_a_visit(sandbox,
                                                                         same_morning):
    reply(sandbox, "C", count=1)
    a_day_ago = datetime.now(UTC) - timedelta(hours=25)
    db.session.execute(update(ReplyQuestion).values(  # the question was asked a day ago
        asked_at=a_day_ago, expires_at=a_day_ago + timedelta(hours=24)))
    db.session.commit()
    reply(sandbox, "2", count=2)  # 2 is X again, and X could mean either visit: asked
    assert all(refreshed(visit).status is AppointmentStatus.BOOKED for visit in same_morning)
    assert [q.status for q in questions()] == [QuestionStatus.EXPIRED, QuestionStatus.OPEN]
    assert "which visit do you want to call off?" in phone_texts(sandbox)[-1]


def test_a_mobile_shared_by_two_practices_is_asked_only_by_the_practice_it_texted(
        live_app, sandbox, practice, same_morning):
    other = make_practice("Harbor View Clinic").practice
    other_account = make_clickatell_account(other, long_number="+12015550188")
    link_to_sandbox(other_account, sandbox, live_app)
    ava = make_patient(other, first_name="Ava", mobile=PATIENT_MOBILE)
    avas = book(other, ava, make_provider(other), local(other, 4, 11))
    send_reminders_due_before(avas.starts_at)
    other_number = other_account.long_number.removeprefix("+")
    assert "Reply C to confirm" in phone_texts(sandbox, other_number)[0]  # one visit there

    reply(sandbox, "C", count=1)  # to Riverside: which one?
    reply(sandbox, "1", count=2, number=other_number)  # to Harbor View: its only visit
    assert refreshed(avas).status is AppointmentStatus.CONFIRMED
    assert all(refreshed(visit).status is AppointmentStatus.BOOKED for visit in same_morning)
    assert "Harbor View Clinic" in phone_texts(sandbox, other_number)[-1]
    [question] = questions()
    assert question.practice_id == practice.id and question.status is QuestionStatus.OPEN
