"""A recall is texted on its due day, at 10:00 on the patient's clock, then again every
interval, at most N times, once per step; never to a patient without consent or opted out,
never in quiet hours."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from reminder_app.extensions import db
from reminder_app.models import Language, MessageStatus, RecallNotice, RecallStatus
from reminder_app.recalls.texting import RECHECK
from reminder_app.reminders.policy import NO_CONSENT, OPTED_OUT
from tests.factories import make_patient
from tests.recalls.conftest import (
    DUE,
    add_recall,
    at,
    recall_texts,
    refreshed,
    run_recalls,
)


def test_nothing_is_sent_before_its_due_day_and_its_hour(practice):
    maria = make_patient(practice, first_name="Maria")
    add_recall(practice, maria)
    run_recalls(at(DUE - timedelta(days=1), 10))
    run_recalls(at(DUE, 9, 59))
    assert recall_texts() == []


def test_the_first_text_says_it_is_due_to_the_patient_at_ten_on_their_clock(practice,
                                                                            provider):
    maria = make_patient(practice, first_name="Maria", mobile="+12015550123")
    recall = add_recall(practice, maria, provider=provider)
    result = run_recalls(at(DUE, 10))
    [text] = recall_texts()
    assert (result.queued, text.recipient, text.patient_id, text.status) == (
        1, "+12015550123", maria.id, MessageStatus.QUEUED)
    assert text.body == ("Riverside Family Practice: Maria, time to book your next visit. "
                         "Reply R and we will call you, or call (201) 555-0100. Reply STOP "
                         "to opt out.")
    # Minimum necessary: neither what the visit is for nor the doctor.
    assert "check-up" not in text.body and "Quinn" not in text.body
    recall = refreshed(recall)
    assert (recall.steps, recall.last_texted_at) == (1, at(DUE, 10))


def test_each_step_is_texted_once_however_often_the_pass_runs(practice):
    maria = make_patient(practice)
    recall = add_recall(practice, maria)
    for minute in (0, 0, 1, 30):
        run_recalls(at(DUE, 10, minute))
    assert len(recall_texts()) == 1
    [notice] = db.session.query(RecallNotice).filter_by(recall_id=recall.id).all()
    assert notice.step == 1


def test_it_is_texted_again_after_the_practices_interval_at_most_n_times(practice):
    practice.recall_interval_days, practice.recall_max_texts = 7, 2
    db.session.commit()
    maria = make_patient(practice, first_name="Maria")
    recall = add_recall(practice, maria)
    run_recalls(at(DUE, 10))
    assert refreshed(recall).next_text_at == at(DUE + timedelta(days=7), 10)
    run_recalls(at(DUE + timedelta(days=7), 9, 59))
    assert len(recall_texts()) == 1
    run_recalls(at(DUE + timedelta(days=7), 10))
    first, again = recall_texts()
    assert again.body.startswith("Riverside Family Practice: Maria, your next visit is still "
                                 "due.")
    run_recalls(at(DUE + timedelta(days=14), 10))
    run_recalls(at(DUE + timedelta(days=60), 10))
    assert len(recall_texts()) == 2
    recall = refreshed(recall)
    assert (recall.steps, recall.next_text_at, recall.status) == (2, None, RecallStatus.OPEN)


def test_a_spanish_speaking_patient_gets_the_texts_in_spanish(practice):
    practice.recall_interval_days = 14
    db.session.commit()
    sofia = make_patient(practice, first_name="Sofia", language=Language.ES)
    add_recall(practice, sofia)
    run_recalls(at(DUE, 10))
    run_recalls(at(DUE + timedelta(days=14), 10))
    due, again = recall_texts()
    assert due.body == ("Riverside Family Practice: Sofia, toca pedir su proxima cita. "
                        "Responda R y le llamamos, o llame al (201) 555-0100. Responda STOP "
                        "para darse de baja.")
    assert again.body.startswith("Riverside Family Practice: Sofia, aun falta pedir su cita.")


def test_a_patient_without_consent_gets_nothing_and_the_step_waits(practice):
    tom = make_patient(practice, sms_consent=False)
    recall = add_recall(practice, tom)
    result = run_recalls(at(DUE, 10))
    assert (result.queued, result.not_texted, recall_texts()) == (0, 1, [])
    recall = refreshed(recall)
    assert recall.steps == 0 and recall.note == f"Not texted: {NO_CONSENT}"
    assert recall.next_text_at == at(DUE, 10) + RECHECK
    # Consent given later: the first text (the "due" one) goes out at the next look.
    tom.opt_in(at(DUE, 12))
    db.session.commit()
    run_recalls(at(DUE, 10) + RECHECK)
    [text] = recall_texts()
    assert "time to book your next visit" in text.body and refreshed(recall).steps == 1


def test_an_opted_out_patient_gets_nothing(practice):
    ann = make_patient(practice)
    ann.opt_out(at(DUE, 8))
    db.session.commit()
    recall = add_recall(practice, ann)
    for days in range(0, 40, 7):
        run_recalls(at(DUE + timedelta(days=days), 10))
    assert recall_texts() == []
    assert refreshed(recall).note == f"Not texted: {OPTED_OUT}"


def test_a_patient_in_another_zone_is_texted_at_ten_on_their_clock(practice):
    los_angeles = ZoneInfo("America/Los_Angeles")
    lee = make_patient(practice, timezone="America/Los_Angeles")
    recall = add_recall(practice, lee)
    assert refreshed(recall).next_text_at == at(DUE, 10, zone=los_angeles)
    run_recalls(at(DUE, 10))  # 07:00 in Los Angeles
    assert recall_texts() == []
    run_recalls(at(DUE, 10, zone=los_angeles))
    assert len(recall_texts()) == 1


def test_a_step_due_in_quiet_hours_waits_for_their_end(practice):
    maria = make_patient(practice)
    recall = add_recall(practice, maria, due_on=date(2027, 3, 1))
    late = at(DUE, 21)  # the worker was down all day: the step is due, but it is night
    result = run_recalls(late)
    assert (result.waiting, recall_texts()) == (1, [])
    assert refreshed(recall).next_text_at == at(DUE + timedelta(days=1), 8)
    run_recalls(at(DUE + timedelta(days=1), 8))
    assert len(recall_texts()) == 1


def test_a_recall_added_after_its_due_day_is_texted_at_the_next_pass(practice):
    maria = make_patient(practice)
    added = at(DUE, 15)
    add_recall(practice, maria, due_on=DUE - timedelta(days=20), now=added)
    run_recalls(added)
    assert len(recall_texts()) == 1


def test_each_practice_texts_only_its_own_patients_from_its_own_number(practice):
    from tests.factories import make_clickatell_account, make_practice

    other = make_practice("Harbor View Clinic").practice
    make_clickatell_account(other, long_number="+12015550188")
    mine, theirs = make_patient(practice), make_patient(other)
    add_recall(practice, mine)
    add_recall(other, theirs)
    run_recalls(at(DUE, 10))
    by_patient = {text.patient_id: text for text in recall_texts()}
    assert by_patient[mine.id].sender == practice.clickatell_account.long_number
    assert by_patient[theirs.id].sender == "+12015550188"
    assert by_patient[theirs.id].body.startswith("Harbor View Clinic:")
    assert {text.practice_id for text in recall_texts(mine)} == {practice.id}
