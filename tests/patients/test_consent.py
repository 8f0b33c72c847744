"""Consent with its evidence: how it was given or withdrawn, the wording, who recorded it and
when; an append-only history staff see; the opt-in confirmation the first time."""

import pytest
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import (
    ActorKind,
    AppendOnly,
    ConsentMethod,
    Message,
    MessageKind,
    Patient,
)
from reminder_app.models.consent import consent_history
from tests.factories import make_clickatell_account, make_practice


@pytest.fixture
def owner(app, auth):
    owner = make_practice("Riverside Family Practice", owner_email="dana@example.com")
    make_clickatell_account(owner.practice)
    auth.login("dana@example.com")
    return owner


NEW_PATIENT = {"first_name": "Ana", "last_name": "Reyes", "mobile": "(201) 555-0123",
               "language": "en", "sms_consent": "y", "consent_method": "signed_form"}


def confirmations() -> list[str]:
    return list(db.session.scalars(select(Message.body).where(
        Message.kind == MessageKind.AUTO_REPLY).order_by(Message.id)))


def test_staff_record_how_consent_was_given_with_the_wording_and_their_name(client, owner):
    assert client.post("/patients/new", data=NEW_PATIENT).status_code == 303
    patient = db.session.scalar(select(Patient))
    [record] = consent_history(patient)
    assert (record.given, record.method) == (True, ConsentMethod.SIGNED_FORM)
    assert (record.actor.kind, record.actor.id) == (ActorKind.STAFF, owner.id)
    assert record.wording == (
        "May Riverside Family Practice text you appointment reminders at this number, about 2 "
        "per visit? Msg & data rates may apply. Reply HELP for help, STOP to opt out.")


def test_the_first_opt_in_sends_the_confirmation_once(client, owner):
    client.post("/patients/new", data=NEW_PATIENT)
    patient = db.session.scalar(select(Patient))
    assert confirmations() == [
        "Riverside Family Practice: you will get appointment reminders, about 2 per visit. "
        "Msg & data rates may apply. Reply HELP for help, STOP to opt out."]
    edit = f"/patients/{patient.id}/edit"
    client.post(edit, data=dict(NEW_PATIENT, sms_consent="", consent_method="staff_phone"))
    client.post(edit, data=NEW_PATIENT)
    assert len(confirmations()) == 1  # not the first time any more


def test_the_patient_page_shows_the_whole_consent_history(client, owner):
    client.post("/patients/new", data=NEW_PATIENT)
    patient = db.session.scalar(select(Patient))
    client.post(f"/patients/{patient.id}/edit",
                data=dict(NEW_PATIENT, sms_consent="", consent_method="staff_phone"))
    page = client.get(f"/patients/{patient.id}/edit").get_data(as_text=True)
    history = page[page.index('id="consent-history"'):]
    assert history.index('data-consent="withdrawn"') < history.index('data-consent="given"')
    assert "Signed form" in history and "Told staff (phone or in person)" in history
    assert "(staff)" in history and "May Riverside Family Practice text you" in history


def test_a_patient_added_without_consent_has_no_record_and_gets_no_text(client, owner):
    client.post("/patients/new", data=dict(NEW_PATIENT, sms_consent=""))
    assert consent_history(db.session.scalar(select(Patient))) == []
    assert confirmations() == []


def test_consent_records_cannot_be_changed_or_removed(client, owner):
    client.post("/patients/new", data=NEW_PATIENT)
    [record] = consent_history(db.session.scalar(select(Patient)))
    record.wording = "something else"
    with pytest.raises(AppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(consent_history(db.session.scalar(select(Patient)))[0])
    with pytest.raises(AppendOnly):
        db.session.flush()
    db.session.rollback()


def test_an_unknown_consent_method_is_refused(client, owner):
    page = client.post("/patients/new", data=dict(NEW_PATIENT, consent_method="keyword"))
    assert page.status_code == 200 and "Not a valid choice" in page.get_data(as_text=True)
    assert db.session.scalar(select(Patient)) is None
