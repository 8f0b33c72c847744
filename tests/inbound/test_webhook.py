"""The MO webhook as Clickatell calls it: secret, raw storage, repeats, malformed callbacks,
routing by the `to` and `from` numbers."""

import pytest
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import AppointmentStatus, CallbackRecord
from tests.factories import make_clickatell_account, make_patient, make_practice
from tests.inbound.conftest import (
    PATIENT_MOBILE,
    answers,
    callback_records,
    inbound_messages,
    refreshed,
    reminded_appointment,
)

#: The example body of the protocol file, with this practice's numbers.
PROTOCOL_EXAMPLE = ("api_id=3523864&from=12015550123&timestamp=2015-02-04+09%3A30%3A36&text=C"
                    "&charset=ISO-8859-1&udh=&moMsgId=d2b66016178dda7c3b4a701056797755"
                    "&to=12015550199")


@pytest.mark.parametrize("secret", ["not-the-secret", "x" * 65])
def test_a_wrong_secret_gets_403_and_stores_nothing(texts, appointment, secret):
    response = texts.send("C", secret=secret)
    assert response.status_code == 403
    assert callback_records() == 0
    assert inbound_messages() == []
    assert refreshed(appointment).status is AppointmentStatus.BOOKED


def test_a_missing_secret_is_not_a_webhook(client, appointment, texts):
    response = client.post("/webhooks/clickatell//inbound", data=texts.params("C"), csrf=False,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code in (403, 404)
    assert callback_records() == 0


def test_the_protocol_files_example_post_is_stored_raw_and_applied(texts, appointment):
    response = texts.send_raw(PROTOCOL_EXAMPLE)
    assert response.status_code == 200
    record = db.session.scalar(select(CallbackRecord))
    assert record.payload == PROTOCOL_EXAMPLE
    assert record.method == "POST"
    assert record.processed_at is not None
    [message] = inbound_messages()
    assert (message.sender, message.recipient, message.body) == (PATIENT_MOBILE,
                                                                 "+12015550199", "C")
    assert message.gateway_message_id == "d2b66016178dda7c3b4a701056797755"
    assert refreshed(appointment).status is AppointmentStatus.CONFIRMED


def test_the_get_form_with_the_same_parameters_works_too(texts, appointment):
    response = texts.send_raw(PROTOCOL_EXAMPLE, method="GET")
    assert response.status_code == 200
    assert db.session.scalar(select(CallbackRecord)).method == "GET"
    assert refreshed(appointment).status is AppointmentStatus.CONFIRMED


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_a_unicode_reply_arrives_as_utf16be_bytes_and_is_understood(texts, appointment, method):
    response = texts.send("👍🏽", method=method)
    assert response.status_code == 200
    assert inbound_messages()[0].body == "👍🏽"
    assert refreshed(appointment).status is AppointmentStatus.CONFIRMED


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_a_latin1_reply_keeps_its_accents(texts, practice, spanish_patient, method):
    appointment = reminded_appointment(practice, spanish_patient)
    response = texts.send("¡Sí!", method=method)
    assert response.status_code == 200
    assert inbound_messages()[0].body == "¡Sí!"
    assert refreshed(appointment).status is AppointmentStatus.CONFIRMED


def test_the_same_message_delivered_again_answers_200_and_changes_nothing(texts, appointment):
    form = texts.params("C", mo_id="a" * 32)
    assert texts.send_raw(form).status_code == 200
    assert texts.send_raw(form).status_code == 200
    assert texts.send_raw(form, method="GET").status_code == 200
    assert len(inbound_messages()) == 1
    assert len(answers()) == 1
    assert callback_records() == 1


def test_a_repeat_after_processing_failed_midway_is_processed_once(texts, appointment,
                                                                    account):
    """Stored raw but never processed (the process died): Clickatell's retry finishes it."""
    form = texts.params("C", mo_id="b" * 32)
    db.session.add(CallbackRecord(kind="inbound", account_id=account.id,
                                  dedupe_key="mo:" + "b" * 32, method="POST", payload=form))
    db.session.commit()
    assert texts.send_raw(form).status_code == 200
    assert texts.send_raw(form).status_code == 200
    assert len(inbound_messages()) == 1
    assert len(answers()) == 1
    assert refreshed(appointment).status is AppointmentStatus.CONFIRMED


@pytest.mark.parametrize("field", ["moMsgId", "from", "to", "timestamp", "text"])
def test_a_callback_missing_a_field_gets_400_naming_it_and_is_kept(texts, appointment, field):
    form = "&".join(pair for pair in texts.params("C").split("&")
                    if not pair.startswith(f"{field}="))
    response = texts.send_raw(form)
    assert response.status_code == 400
    assert field in response.get_json()["error"]
    record = db.session.scalar(select(CallbackRecord))
    assert record.payload == form and field in record.error
    assert inbound_messages() == []
    assert refreshed(appointment).status is AppointmentStatus.BOOKED


def test_a_huge_text_gets_400_and_the_callback_is_kept(texts, appointment):
    response = texts.send("C" * 5000)
    assert response.status_code == 400
    assert "too long" in response.get_json()["error"]
    assert "too long" in db.session.scalar(select(CallbackRecord)).error
    assert inbound_messages() == []


def test_a_body_over_64_kb_is_refused_before_anything_is_stored(texts, appointment):
    response = texts.send("C" * 70_000)
    assert response.status_code == 413
    assert callback_records() == 0


def test_a_badly_encoded_text_gets_400_and_the_callback_is_kept(texts, appointment):
    form = texts.params("C").replace("text=C", "text=%D8%3D%DD") \
        .replace("charset=ISO-8859-1", "charset=UTF-16BE")
    response = texts.send_raw(form)
    assert response.status_code == 400
    assert "text" in response.get_json()["error"]
    assert db.session.scalar(select(CallbackRecord)).error
    assert inbound_messages() == []


def test_a_malformed_callback_sent_again_is_still_400(texts, appointment):
    form = texts.params("C", mo_id="c" * 32).replace("timestamp=", "timestamp=yesterday")
    assert texts.send_raw(form).status_code == 400
    assert texts.send_raw(form).status_code == 400
    assert callback_records() == 1


def test_an_unknown_sender_goes_to_the_unmatched_inbox(texts, appointment):
    response = texts.send("Hi, is the office open on Saturday?", sender="+12015559876")
    assert response.status_code == 200
    [message] = inbound_messages()
    assert message.patient_id is None and message.read_at is None
    assert message.sender == "+12015559876"
    assert answers() == []
    assert refreshed(appointment).last_reply_text is None


def test_a_national_sender_number_is_read_in_the_practices_country(texts, appointment):
    texts.send("C", sender="2015550123")
    assert inbound_messages()[0].patient_id == appointment.patient_id
    assert refreshed(appointment).status is AppointmentStatus.CONFIRMED


def test_a_text_to_another_number_than_the_practices_changes_nothing(texts, appointment):
    response = texts.send("X", to="+12015550777")
    assert response.status_code == 200
    [message] = inbound_messages()
    assert message.patient_id is None
    assert refreshed(appointment).status is AppointmentStatus.BOOKED
    assert answers() == []


def test_stop_to_another_number_than_the_practices_is_still_honoured(texts, patient,
                                                                     appointment):
    texts.send("STOP", to="+12015550777")
    assert refreshed(patient).sms_consent is False


def test_two_practices_sharing_a_mobile_each_see_only_replies_to_their_own_number(
        client, texts, practice, patient, appointment):
    from tests.inbound.conftest import Texts

    other = make_practice("Hillside Dental", owner_email="hill@example.com").practice
    other_account = make_clickatell_account(other, long_number="+12015550188")
    twin = make_patient(other, first_name="Maria", last_name="Lopez", mobile=PATIENT_MOBILE)
    other_appointment = reminded_appointment(other, twin)

    assert texts.send("C").status_code == 200
    other_texts = Texts(client, other_account)
    assert other_texts.send("X").status_code == 200

    [mine] = inbound_messages(practice)
    [theirs] = inbound_messages(other)
    assert (mine.body, mine.patient_id) == ("C", patient.id)
    assert (theirs.body, theirs.patient_id) == ("X", twin.id)
    assert refreshed(appointment).status is AppointmentStatus.CONFIRMED
    assert refreshed(other_appointment).status is AppointmentStatus.CANCELLED_BY_PATIENT
    assert [a.sender for a in answers(practice)] == ["+12015550199"]
    assert [a.sender for a in answers(other)] == ["+12015550188"]


def test_one_practices_secret_cannot_post_to_another_practices_number(
        texts, practice, patient, appointment):
    other = make_practice("Hillside Dental", owner_email="hill@example.com").practice
    make_clickatell_account(other, long_number="+12015550188")
    twin = make_patient(other, mobile=PATIENT_MOBILE)
    other_appointment = reminded_appointment(other, twin)

    texts.send("X", to="+12015550188")  # practice's secret, the other practice's number
    assert inbound_messages(other) == []
    assert refreshed(other_appointment).status is AppointmentStatus.BOOKED
    assert refreshed(appointment).status is AppointmentStatus.BOOKED


def test_the_same_message_id_for_two_practices_is_processed_for_both(
        client, texts, practice, patient, appointment):
    """Callback ids are Clickatell's, unique per account at best: one practice's callback
    must not shadow another's (security review, finding 9)."""
    from tests.inbound.conftest import Texts

    other = make_practice("Hillside Dental", owner_email="hill@example.com").practice
    other_account = make_clickatell_account(other, long_number="+12015550188")
    twin = make_patient(other, first_name="Maria", last_name="Lopez", mobile=PATIENT_MOBILE)
    other_appointment = reminded_appointment(other, twin)

    assert texts.send("C", mo_id="c" * 32).status_code == 200
    assert Texts(client, other_account).send("X", mo_id="c" * 32).status_code == 200

    assert [m.body for m in inbound_messages(practice)] == ["C"]
    assert [m.body for m in inbound_messages(other)] == ["X"]
    assert refreshed(appointment).status is AppointmentStatus.CONFIRMED
    assert refreshed(other_appointment).status is AppointmentStatus.CANCELLED_BY_PATIENT
    assert callback_records() == 2
