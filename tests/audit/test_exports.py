"""Issue 20, HIPAA: the exports an owner takes, each of them, and the audit trail exported
as the owner filtered it."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from reminder_app.extensions import db
from reminder_app.models import Direction, Message, MessageKind, MessageStatus
from tests.audit.conftest import a_failed_sign_in_and_a_change, signed_in
from tests.factories import (
    make_appointment,
    make_clickatell_account,
    make_patient,
    make_practice,
    make_sent_text,
)


@pytest.fixture
def owner(app):
    owner = make_practice("Riverside", owner_email="dana@example.com")
    make_clickatell_account(owner.practice, long_number="+12015550199")
    return owner


def export(browser, what: str, **filters) -> list[list[str]]:
    response = browser.post("/settings/export", data={"what": what, **filters})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def a_reply(practice, patient, text: str) -> Message:
    message = Message(practice_id=practice.id, patient=patient, direction=Direction.INBOUND,
                      kind=MessageKind.REPLY, sender=patient.mobile,
                      recipient=practice.clickatell_account.long_number, body=text,
                      status=MessageStatus.RECEIVED)
    db.session.add(message)
    db.session.commit()
    return message


def test_the_messages_export_has_every_text_both_ways(app, owner):
    practice = owner.practice
    patient = make_patient(practice, first_name="Nina", last_name="Park")
    make_sent_text(practice, patient=patient, body="Reminder: tomorrow 9:00")
    a_reply(practice, patient, "=1+1 yes")
    rows = export(signed_in(app), "messages")
    assert rows[0] == ["when", "direction", "kind", "status", "patient", "number", "text"]
    by_direction = {row[1]: row for row in rows[1:]}
    assert by_direction["out"][4:] == ["Nina Park", "'" + patient.mobile,
                                       "Reminder: tomorrow 9:00"]
    assert by_direction["in"][4:] == ["Nina Park", "'" + patient.mobile, "'=1+1 yes"]


def test_the_appointments_export_has_reminders_sent_and_the_last_reply(app, owner):
    practice = owner.practice
    patient = make_patient(practice, first_name="Nina", last_name="Park")
    appointment = make_appointment(practice, patient=patient,
                                   starts_at=datetime.now(UTC) + timedelta(days=1))
    appointment.last_reply_text = "C"
    appointment.last_reply_at = datetime.now(UTC)
    db.session.commit()
    rows = export(signed_in(app), "appointments")
    [row] = rows[1:]
    assert row[1] == "Nina Park" and row[5] == "booked" and row[7] == "C" and row[8]
    assert row[6] == "0"


def test_the_audit_export_is_the_trail_as_the_owner_filtered_it(app, owner):
    browser = a_failed_sign_in_and_a_change(app, owner)
    everything = export(browser, "audit")
    assert {row[1] for row in everything[1:]} >= {"change", "sign-in"}
    only_sign_ins = export(browser, "audit", kind="sign-in")
    assert {row[1] for row in only_sign_ins[1:]} == {"sign-in"}
    sam = export(browser, "audit", person="sam@")
    assert [row[3] for row in sam[1:]] == ["Failed sign-in"]
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    assert export(browser, "audit", **{"from": tomorrow, "to": tomorrow})[1:] == []


def test_the_audit_page_exports_what_it_shows(app, owner):
    page = signed_in(app).get("/settings/audit?kind=sign-in&person=dana").get_data(
        as_text=True)
    assert 'type="hidden" name="kind" value="sign-in"' in page
    assert 'type="hidden" name="person" value="dana"' in page


def test_an_audit_export_with_a_bad_filter_is_refused(app, owner):
    browser = signed_in(app)
    assert browser.post("/settings/export", data={"what": "audit", "kind": "everything!"}
                        ).status_code == 400
    assert browser.post("/settings/export", data={"what": "audit", "from": "0001-01-01"}
                        ).status_code == 400
