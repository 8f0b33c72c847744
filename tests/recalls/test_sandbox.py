"""A recall's texts reach the patient's phone on the Clickatell sandbox: the right text, to
the right patient, once per step, in their language; nothing to a patient who has not
agreed."""

from datetime import UTC, datetime, time, timedelta

import pytest

from reminder_app.extensions import db
from reminder_app.models import Language
from reminder_app.reminders.passes import run_pass
from reminder_app.timezones import today
from reminder_app.transactions import unit_of_work
from tests.factories import make_patient, make_ready_practice
from tests.inbound.conftest import wait_until
from tests.recalls.conftest import add_recall, refreshed, run_recalls


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


def phone(sandbox, mobile: str) -> list[str]:
    return [m["text"] for m in sandbox.messages(to=mobile.removeprefix("+"))
            if m["direction"] == "mt"]


def test_each_step_reaches_the_phone_once_in_the_patients_language(app, live_app, sandbox):
    practice = make_ready_practice(sandbox, "Riverside Family Practice").practice
    practice.quiet_start = practice.quiet_end = time(0)  # the test may run at night
    practice.recall_interval_days = 14
    db.session.commit()
    maria = make_patient(practice, first_name="Maria", mobile="+12015550131")
    sofia = make_patient(practice, first_name="Sofia", mobile="+12015550132",
                         language=Language.ES)
    tom = make_patient(practice, first_name="Tom", mobile="+12015550133", sms_consent=False)
    now = datetime.now(UTC)
    yesterday = today(practice.zone, now) - timedelta(days=1)
    recalls = [add_recall(practice, patient, due_on=yesterday, now=now)
               for patient in (maria, sofia, tom)]
    for _ in range(2):  # a second pass sends nothing more
        run_recalls(now)
        with unit_of_work():
            run_pass(now)
    wait_until(lambda: phone(sandbox, maria.mobile) and phone(sandbox, sofia.mobile))
    assert phone(sandbox, maria.mobile) == [
        "Riverside Family Practice: Maria, time to book your next visit. Reply R and we will "
        "call you, or call (201) 555-0100. Reply STOP to opt out."]
    [spanish] = phone(sandbox, sofia.mobile)
    assert spanish.startswith("Riverside Family Practice: Sofia, toca pedir su proxima cita.")
    assert phone(sandbox, tom.mobile) == []

    # The next step, fourteen days on.
    later = now + timedelta(days=15)  # past the next step's 10:00, whatever the hour now
    run_recalls(later)
    with unit_of_work():
        run_pass(later)
    wait_until(lambda: len(phone(sandbox, maria.mobile)) == 2)
    assert "your next visit is still due" in phone(sandbox, maria.mobile)[1]
    assert [refreshed(recall).steps for recall in recalls] == [2, 2, 0]
