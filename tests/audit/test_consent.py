"""Issue 20, HIPAA: changes to a patient's consent to texts are in the audit trail, whoever
made them: staff in the app or by the API (with the words), the patient by SMS."""

import pytest
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import AuditEntry, Patient
from tests.conftest import new_browser
from tests.factories import DEFAULT_PASSWORD, make_patient
from tests.inbound.conftest import PATIENT_MOBILE


@pytest.fixture
def browser(app, practice):
    browser = new_browser(app)
    browser.post("/auth/login", data={"email": "dana@example.com",
                                      "password": DEFAULT_PASSWORD})
    return browser


def actions() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def edit(browser, patient, *, consent: bool, last_name: str = "Park"):
    data = {"first_name": "Nina", "last_name": last_name, "mobile": patient.mobile,
            "language": "en"}
    if consent:
        data["sms_consent"] = "y"
    return browser.post(f"/patients/{patient.id}/edit", data=data)


def test_staff_withdrawing_and_giving_consent_is_said_in_the_trail(browser, practice):
    patient = make_patient(practice, first_name="Nina", last_name="Park")
    assert edit(browser, patient, consent=False).status_code == 303
    assert edit(browser, patient, consent=True).status_code == 303
    assert actions() == [
        f"Changed a patient — consent to texts withdrawn (patient {patient.id})",
        f"Changed a patient — consent to texts given (patient {patient.id})",
    ]


def test_a_change_that_leaves_consent_alone_does_not_mention_it(browser, practice):
    patient = make_patient(practice, first_name="Nina", last_name="Park")
    edit(browser, patient, consent=True, last_name="Parker")
    assert actions() == ["Changed a patient"]


def test_a_new_patient_who_consents_is_said_in_the_trail(browser, practice):
    browser.post("/patients/new", data={"first_name": "Ada", "last_name": "Byron",
                                        "mobile": "(201) 555-0177", "language": "en",
                                        "sms_consent": "y"})
    [action] = actions()
    patient_id = db.session.scalar(select(Patient.id).where(Patient.first_name == "Ada"))
    assert action == f"Added a patient — consent to texts given (patient {patient_id})"


def test_a_patients_stop_and_start_by_sms_are_in_the_trail(browser, texts, patient):
    texts.send("STOP")
    texts.send("START")
    page = browser.get("/settings/audit?kind=consent").get_data(as_text=True)
    assert "Opt out (STOP)" in page and "Opt back in (START)" in page
    assert f"patient {patient.id}" in page
    assert PATIENT_MOBILE not in page
    everything = browser.get("/settings/audit").get_data(as_text=True)
    assert "Opt out (STOP)" in everything
    changes_only = browser.get("/settings/audit?kind=change").get_data(as_text=True)
    assert "Opt out (STOP)" not in changes_only


def test_a_stop_from_a_number_that_is_no_patients_changes_no_consent_and_is_not_listed(
        browser, texts, practice):
    texts.send("STOP", sender="+12015559876")
    page = browser.get("/settings/audit?kind=consent").get_data(as_text=True)
    assert "Opt out (STOP)" not in page
