"""Reply codes: a reminder says "Reply C" when its visit is the only one coming on its phone,
"Reply C2" when the phone has several (a family on one mobile, two visits this week); a
code stays with its visit and is given again only once that visit is over."""

from datetime import date, timedelta

from sqlalchemy import select, update

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.models import Language, Message, MessageKind, MessageStatus, ReplyCode
from reminder_app.reminders import planning, reply_codes
from reminder_app.transactions import unit_of_work
from tests.factories import (
    STAFF,
    make_clickatell_account,
    make_patient,
    make_practice,
    make_provider,
)

from .conftest import at

MONDAY = date(2026, 6, 15)
MOBILE = "+12015550123"


def book(practice, patient, provider, starts_at):
    with unit_of_work():
        return service.book(practice, patient=patient, provider=provider, starts_at=starts_at,
                            now=starts_at - timedelta(days=7), actor=STAFF)


def reminder_texts(patient) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Message.body).where(
        Message.patient_id == patient.id, Message.kind == MessageKind.REMINDER)
        .order_by(Message.id)))


def send_the_48_hour_reminders(practice, *visits):
    """Queue every reminder due by the last visit's 48-hour reminder."""
    planning.queue_due(max(visit.starts_at for visit in visits) - timedelta(hours=48)
                       + timedelta(minutes=1))


def test_the_only_visit_on_a_phone_is_answered_with_a_plain_c(practice, patient, provider):
    make_clickatell_account(practice)
    visit = book(practice, patient, provider, at(practice, MONDAY, 9))
    send_the_48_hour_reminders(practice, visit)
    [text] = reminder_texts(patient)
    assert "Reply C to confirm, R to reschedule." in text
    assert db.session.scalars(select(ReplyCode)).all() == []


def test_two_children_the_same_morning_get_a_code_each(practice, provider):
    make_clickatell_account(practice)
    emma = make_patient(practice, first_name="Emma", mobile=MOBILE)
    noah = make_patient(practice, first_name="Noah", mobile=MOBILE)
    emmas = book(practice, emma, provider, at(practice, MONDAY, 9))
    noahs = book(practice, noah, provider, at(practice, MONDAY, 9, 30))
    send_the_48_hour_reminders(practice, emmas, noahs)
    [to_emma], [to_noah] = reminder_texts(emma), reminder_texts(noah)
    assert "Emma" in to_emma and "Reply C1 to confirm, R1 to reschedule." in to_emma
    assert "Noah" in to_noah and "Reply C2 to confirm, R2 to reschedule." in to_noah


def test_one_patient_with_two_visits_this_week_in_spanish(practice, provider):
    make_clickatell_account(practice)
    lucia = make_patient(practice, first_name="Lucia", mobile=MOBILE, language=Language.ES)
    wednesday = book(practice, lucia, provider, at(practice, MONDAY + timedelta(days=2), 9))
    thursday = book(practice, lucia, provider, at(practice, MONDAY + timedelta(days=3), 16))
    monday = wednesday.starts_at - timedelta(hours=48) + timedelta(minutes=1)
    planning.queue_due(monday)
    db.session.execute(update(Message).values(status=MessageStatus.SENT, sent_at=monday))
    db.session.commit()  # it left on Monday (the dispatcher's part, not tested here)
    planning.queue_due(thursday.starts_at - timedelta(hours=48) + timedelta(minutes=1))
    first, second = reminder_texts(lucia)
    assert "Responda C1: confirmar, R1: cambiar." in first
    assert "Responda C2: confirmar, R2: cambiar." in second


def test_a_visit_far_from_the_others_gets_no_code(practice, patient, provider):
    make_clickatell_account(practice)
    soon = book(practice, patient, provider, at(practice, MONDAY, 9))
    book(practice, patient, provider, at(practice, MONDAY + timedelta(days=30), 9))
    send_the_48_hour_reminders(practice, soon)
    [text] = reminder_texts(patient)
    assert "Reply C to confirm" in text


def test_a_code_stays_with_its_visit_and_is_given_again_once_that_visit_is_over(
        practice, provider):
    emma = make_patient(practice, first_name="Emma", mobile=MOBILE)
    noah = make_patient(practice, first_name="Noah", mobile=MOBILE)
    emmas = book(practice, emma, provider, at(practice, MONDAY, 9))
    noahs = book(practice, noah, provider, at(practice, MONDAY, 9, 30))
    before = emmas.starts_at - timedelta(days=1)
    assert [reply_codes.code_of(visit, before) for visit in (emmas, noahs, emmas)] == [1, 2, 1]
    later = book(practice, emma, provider, at(practice, MONDAY + timedelta(days=2), 9))
    # Emma's Monday visit is over: its code names her next one; Noah's is still his.
    after = emmas.starts_at + timedelta(hours=1)
    assert reply_codes.code_of(later, after) == 1
    assert reply_codes.appointment_with_code(practice.id, MOBILE, 1) == later
    assert reply_codes.appointment_with_code(practice.id, MOBILE, 2) == noahs


def test_codes_belong_to_one_practice_and_one_phone(practice, provider):
    other = make_practice("Harbor View Clinic").practice
    here = make_patient(practice, mobile=MOBILE)
    there = make_patient(other, mobile=MOBILE)
    elsewhere = make_patient(practice, mobile="+12015550777")
    visits = [book(practice, here, provider, at(practice, MONDAY, 9)),
              book(other, there, make_provider(other), at(other, MONDAY, 9)),
              book(practice, elsewhere, provider, at(practice, MONDAY, 9))]
    now = visits[0].starts_at - timedelta(days=1)
    assert [reply_codes.code_of(visit, now) for visit in visits] == [1, 1, 1]
    assert reply_codes.appointment_with_code(other.id, MOBILE, 1) == visits[1]


def test_a_batch_reads_the_same_visits_on_each_phone_as_one_reminder_does(practice, provider):
    """`visits_on_phones` (one query for a batch of due reminders) answers what
    `visits_on_phone` answers for each phone: this practice's open visits ahead, soonest
    first, and none of another practice's on the same number."""
    other = make_practice("Harbor View Clinic").practice
    emma = make_patient(practice, first_name="Emma", mobile=MOBILE)
    noah = make_patient(practice, first_name="Noah", mobile=MOBILE)
    alone = make_patient(practice, mobile="+12015550777")
    there = make_patient(other, mobile=MOBILE)
    visits = [book(practice, noah, provider, at(practice, MONDAY, 10)),
              book(practice, emma, provider, at(practice, MONDAY, 9)),
              book(practice, alone, provider, at(practice, MONDAY, 9)),
              book(other, there, make_provider(other), at(other, MONDAY, 9))]
    with unit_of_work():
        service.cancel(visits[2], now=visits[2].starts_at - timedelta(days=2), actor=STAFF)
    now = visits[0].starts_at - timedelta(days=1)
    phones = {(practice.id, MOBILE), (practice.id, alone.mobile), (other.id, MOBILE)}
    found = reply_codes.visits_on_phones(phones, now)
    assert found == {phone: reply_codes.visits_on_phone(*phone, now) for phone in phones}
    assert found[(practice.id, MOBILE)] == [visits[1], visits[0]]
    assert found[(practice.id, alone.mobile)] == []
