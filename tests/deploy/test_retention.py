"""`flask purge-old-texts`: after the retention period the words and patients' numbers go;
the rows, and every count the dashboard shows, stay."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from reminder_app.dashboard import service
from reminder_app.extensions import db
from reminder_app.models import (
    CallbackKind,
    CallbackRecord,
    Direction,
    Message,
    MessageKind,
    MessageStatus,
)
from reminder_app.retention import REMOVED_BODY
from tests.factories import make_clickatell_account, make_patient, make_practice

NOW = datetime.now(UTC)
LONG_NUMBER = "+12015550199"


def text(practice, patient, *, age: timedelta, direction=Direction.OUTBOUND,
         status=MessageStatus.DELIVERED, body="Reminder: Dr Lee tomorrow 9:00"):
    inbound = direction == Direction.INBOUND
    message = Message(
        practice_id=practice.id, patient=patient, direction=direction,
        kind=MessageKind.REPLY if inbound else MessageKind.REMINDER,
        sender=patient.mobile if inbound else LONG_NUMBER,
        recipient=LONG_NUMBER if inbound else patient.mobile, body=body,
        status=MessageStatus.RECEIVED if inbound else status, created_at=NOW - age,
        sent_at=None if inbound else NOW - age, send_after=NOW - age)
    db.session.add(message)
    return message


def test_old_texts_and_callbacks_lose_words_and_numbers_not_counts(app, runner):
    practice = make_practice().practice
    account = make_clickatell_account(practice, long_number=LONG_NUMBER)
    patient = make_patient(practice)
    old_out = text(practice, patient, age=timedelta(days=20))
    old_in = text(practice, patient, age=timedelta(days=20), direction=Direction.INBOUND,
                  body="C, and my knee still hurts")
    old_failed = text(practice, patient, age=timedelta(days=15), status=MessageStatus.FAILED)
    old_waiting = text(practice, patient, age=timedelta(days=20), status=MessageStatus.QUEUED)
    recent = text(practice, patient, age=timedelta(days=2))
    old_callback = CallbackRecord(kind=CallbackKind.INBOUND, account_id=account.id,
                                  method="POST", payload='{"from": "12015550142"}',
                                  received_at=NOW - timedelta(days=20), processed_at=NOW)
    unprocessed = CallbackRecord(kind=CallbackKind.STATUS, account_id=account.id,
                                 method="POST", payload='{"x": 1}',
                                 received_at=NOW - timedelta(days=20))
    db.session.add_all([old_callback, unprocessed])
    db.session.commit()
    dashboard = lambda: (service.last_days(practice, NOW), service.unhandled_replies(practice),  # noqa: E731
                         service.reminder_problems(practice, NOW), service.credit(practice, NOW))
    before = dashboard()

    result = runner.invoke(args=["purge-old-texts", "--days", "10"])

    assert result.exit_code == 0 and "3 texts and 1 callbacks" in result.output
    db.session.expire_all()
    for message in (old_out, old_failed):
        assert (message.body, message.recipient, message.sender) == (REMOVED_BODY, "",
                                                                     LONG_NUMBER)
    assert (old_in.body, old_in.sender, old_in.recipient) == (REMOVED_BODY, "", LONG_NUMBER)
    assert old_waiting.body != REMOVED_BODY and old_waiting.recipient == patient.mobile
    assert recent.body != REMOVED_BODY and recent.recipient == patient.mobile
    assert old_callback.payload == "" and unprocessed.payload == '{"x": 1}'
    assert len(db.session.scalars(select(Message)).all()) == 5
    assert dashboard() == before

    again = runner.invoke(args=["purge-old-texts", "--days", "10"])
    assert "0 texts and 0 callbacks" in again.output


def test_the_default_period_is_the_setting_and_zero_days_is_refused(app, runner):
    practice = make_practice().practice
    patient = make_patient(practice)
    text(practice, patient, age=timedelta(days=40))
    db.session.commit()
    app.config["RETENTION_DAYS"] = 60
    assert "0 texts" in runner.invoke(args=["purge-old-texts"]).output
    app.config["RETENTION_DAYS"] = 30
    assert "1 texts" in runner.invoke(args=["purge-old-texts"]).output
    refused = runner.invoke(args=["purge-old-texts", "--days", "0"])
    assert refused.exit_code != 0 and "0 is not in the range" in refused.output


def test_old_reply_codes_and_questions_forget_the_phone(app):
    from reminder_app.models import QuestionStatus, ReplyCode, ReplyQuestion
    from reminder_app.reminders import reply_codes
    from reminder_app.retention import purge_old_texts
    from tests.factories import make_appointment

    practice = make_practice().practice
    make_clickatell_account(practice, long_number=LONG_NUMBER)
    patient = make_patient(practice)
    old_visit = make_appointment(practice, patient=patient, starts_at=NOW - timedelta(days=20))
    new_visit = make_appointment(practice, patient=patient, starts_at=NOW + timedelta(days=1))
    reply_codes.code_of(old_visit, NOW - timedelta(days=21))
    reply_codes.code_of(new_visit, NOW - timedelta(days=21))  # both ahead then: 1 and 2
    asked = text(practice, patient, age=timedelta(days=21), direction=Direction.INBOUND,
                 body="C")
    db.session.flush()
    old = ReplyQuestion(practice_id=practice.id, mobile=patient.mobile, message_id=asked.id,
                        intent="confirm", status=QuestionStatus.EXPIRED,
                        asked_at=NOW - timedelta(days=21), expires_at=NOW - timedelta(days=20))
    db.session.add(old)
    db.session.commit()
    purge_old_texts(10, NOW)
    db.session.commit()
    db.session.expire_all()
    assert [row.appointment_id for row in db.session.scalars(select(ReplyCode))] == [
        new_visit.id]
    assert db.session.get(ReplyQuestion, old.id).mobile == ""
