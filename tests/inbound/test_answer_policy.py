"""Finding 6 (issue 20): who may get an automatic answer. A forged callback can name any
sender, so the practice answers only its patients and numbers it has texted, only in the
country it serves, and a number that is no patient's only a few times a day."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from reminder_app import create_app
from reminder_app.extensions import db
from reminder_app.inbound import answer_policy
from reminder_app.inbound.answer_policy import Refusal, refusal_for, take_allowance
from reminder_app.models import AnswerAllowance, Practice
from reminder_app.models.types import utcnow
from tests.factories import make_patient, make_sent_text
from tests.inbound.conftest import answers, inbound_messages

STRANGER = "+12015559876"


def a_number_once_texted(practice, number: str = STRANGER) -> str:
    """A patient's old mobile: the practice texted it, and it is no patient's now."""
    former = make_patient(practice, mobile=number)
    make_sent_text(practice, patient=former)
    former.mobile = "+12015550111"
    db.session.commit()
    return number


def test_a_forged_help_from_a_number_never_texted_is_not_answered(texts, practice):
    texts.send("HELP", sender=STRANGER)
    texts.send("STOP", sender=STRANGER)
    assert answers() == []
    assert len(inbound_messages()) == 2  # still stored, for staff to see


def test_a_patient_is_answered(texts, patient):
    texts.send("HELP")
    [answer] = answers()
    assert answer.recipient == patient.mobile


@pytest.mark.parametrize("abroad", ["+447911123456", "+14165550123"])  # the UK; Canada in +1
def test_no_answer_crosses_the_border_even_to_a_patient(texts, practice, abroad):
    make_patient(practice, mobile=abroad)
    texts.send("HELP", sender=abroad)
    assert answers() == []
    assert refusal_for(practice, abroad, utcnow()) is Refusal.ABROAD


def test_the_country_served_is_the_two_way_numbers(app, practice):
    practice.country = "GB"  # the number says otherwise: the number is what patients text
    db.session.commit()
    assert answer_policy.served_region(practice) == "US"
    practice.clickatell_account.long_number = None
    assert answer_policy.served_region(practice) == "GB"


def test_a_number_texted_once_gets_a_few_answers_a_window(app, texts, practice):
    number = a_number_once_texted(practice)
    limit = app.config["UNKNOWN_NUMBER_ANSWERS"]
    for _ in range(limit + 2):
        texts.send("HELP", sender=number)
    assert len(answers()) == limit
    assert refusal_for(practice, number, utcnow()) is Refusal.TOO_MANY


def test_the_window_passes_and_the_number_is_answered_again(app, texts, practice):
    number = a_number_once_texted(practice)
    app.config["UNKNOWN_NUMBER_ANSWERS"] = 1
    texts.send("HELP", sender=number)
    texts.send("HELP", sender=number)
    assert len(answers()) == 1
    later = utcnow() + timedelta(hours=app.config["UNKNOWN_NUMBER_ANSWER_HOURS"], seconds=1)
    assert refusal_for(practice, number, later) is None
    assert refusal_for(practice, number, later) is Refusal.TOO_MANY


def test_the_count_is_kept_in_the_database_for_every_process(app, texts, practice,
                                                             database_url):
    number = a_number_once_texted(practice)
    app.config["UNKNOWN_NUMBER_ANSWERS"] = 2
    texts.send("HELP", sender=number)
    texts.send("HELP", sender=number)
    assert db.session.scalar(select(AnswerAllowance.answers)) == 2
    other_process = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                                "UNKNOWN_NUMBER_ANSWERS": 2})
    with other_process.app_context():
        practice_there = db.session.merge(practice, load=True)
        assert refusal_for(practice_there, number, utcnow()) is Refusal.TOO_MANY
        db.session.rollback()
        db.engine.dispose()


def test_patients_are_not_counted_against_the_unknown_numbers_allowance(app, texts, patient):
    app.config["UNKNOWN_NUMBER_ANSWERS"] = 1
    texts.send("HELP")
    texts.send("HELP")
    assert len(answers()) == 2
    assert db.session.scalar(select(AnswerAllowance.id)) is None


def test_two_processes_answering_at_once_take_the_last_answer_once(app, practice):
    number = a_number_once_texted(practice)
    app.config["UNKNOWN_NUMBER_ANSWERS"] = 1
    practice_id = practice.id  # read here: the threads must not touch this session
    processes = [create_app(dict(app.config)) for _ in range(2)]
    ready = threading.Barrier(len(processes))
    taken: list[bool] = []

    def answer_once(process) -> None:
        with process.app_context():
            here = db.session.get(Practice, practice_id)
            db.session.commit()  # start the race with no transaction open
            ready.wait()
            taken.append(take_allowance(here, number, utcnow()))
            db.session.commit()
            db.session.remove()
            db.engine.dispose()

    threads = [threading.Thread(target=answer_once, args=(each,)) for each in processes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(taken) == [False, True]
