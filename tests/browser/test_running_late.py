"""The front desk runs late: from today's day view, the "Running late" form, its preview
(the exact text in each patient's language, how many get it, who does not and why), the
send; the texts then leave through the outbox and show in the patient's conversation and
on the sandbox's phone."""

from datetime import UTC, datetime, timedelta

import pytest

from reminder_app.models import Language
from reminder_app.reminders.passes import run_pass
from tests.browser.journey import sign_in_as_owner
from tests.factories import make_appointment, make_patient, make_provider, make_ready_practice
from tests.running_late.conftest import zone_at_midday

pytestmark = pytest.mark.browser

ANA, BEA = "12015550123", "12015550124"


@pytest.fixture
def app_config(gateway_config):
    return gateway_config


def test_the_front_desk_tells_todays_patients_it_is_running_late(live_app, sandbox, page):
    practice = make_ready_practice(sandbox, "Riverside Family Practice",
                                   owner_email="dana@example.com",
                                   timezone=zone_at_midday()).practice
    reyes = make_provider(practice, "Dr. Amelia Reyes")
    make_provider(practice, "Dr. Ben Okafor")
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    ana = make_patient(practice, first_name="Ana", last_name="Reyes", mobile=f"+{ANA}")
    bea = make_patient(practice, first_name="Bea", last_name="Soto", mobile=f"+{BEA}",
                       language=Language.ES)
    carl = make_patient(practice, first_name="Carl", last_name="Nye", sms_consent=False)
    for patient, hours in ((ana, 1), (bea, 1.5), (carl, 2)):
        make_appointment(practice, patient=patient, provider=reyes,
                         starts_at=now + timedelta(hours=hours))

    sign_in_as_owner(page, live_app.url)
    page.goto(f"{live_app.url}/appointments/day")
    page.get_by_role("link", name="Running late…").click()
    page.get_by_label("Whose patients").select_option(label="Dr. Amelia Reyes")
    page.get_by_label("Running about … minutes late").check()
    page.get_by_label("How late (minutes)").fill("30")
    page.get_by_role("button", name="Preview").click()

    page.locator("#late-summary").get_by_text("will get the text").wait_for()
    assert " ".join(page.locator("#late-summary").inner_text().split()) == (
        "2 patient(s) will get the text (2 SMS part(s) in all); 1 will not.")
    texts = page.locator("#late-recipients .late-text").all_inner_texts()
    assert texts[0].startswith("Riverside Family Practice: we are running about 30 min late "
                               "today. Your visit at ")
    assert texts[1].startswith("Riverside Family Practice: hoy vamos con unos 30 min de "
                               "retraso.")
    assert "Reyes" not in texts[0].replace("Ana", "")  # the doctor is not named by default
    left_out = page.locator("#late-left-out tbody tr")
    assert left_out.count() == 1
    assert "Carl Nye" in left_out.inner_text() and "has not agreed" in left_out.inner_text()

    page.get_by_role("button", name="Send to 2 patient(s)").click()
    page.get_by_text("Running-late text queued for 2 patient(s)").wait_for()
    assert run_pass().outbox.sent == 2

    page.goto(f"{live_app.url}/conversations/{bea.id}")
    sms = page.locator("li.sms-out").filter(has_text="hoy vamos con unos 30 min de retraso")
    sms.wait_for()
    assert "Running late" in sms.inner_text()

    page.goto(f"{sandbox.url}/sandbox/phones/{ANA}")
    page.get_by_text("we are running about 30 min late today").wait_for()
    page.goto(f"{sandbox.url}/sandbox/phones/{BEA}")
    page.get_by_text("hoy vamos con unos 30 min de retraso").wait_for()
