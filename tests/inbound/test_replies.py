"""Acting on a reply: every keyword path, the appointment it applies to, consent, answers."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.inbound.conversations import add_keyword, send_staff_reply
from reminder_app.inbound.replies import AUTO_ANSWER_LIMIT
from reminder_app.models import (
    AppointmentStatus,
    Intent,
    MessageKind,
    MessageStatus,
    Reminder,
    ReminderStatus,
)
from tests.factories import (
    STAFF,
    make_appointment,
    make_patient,
    make_provider,
    make_sent_text,
)
from tests.inbound.conftest import (
    PATIENT_MOBILE,
    PRACTICE_NUMBER,
    PRACTICE_PHONE_DISPLAY,
    answers,
    inbound_messages,
    refreshed,
    reminded_appointment,
)


def the_answer() -> str:
    [answer] = answers()
    return answer.body


def test_confirm_confirms_and_answers_with_the_practice_and_its_phone(texts, appointment):
    texts.send("c.", mo_id="f" * 32)
    appointment = refreshed(appointment)
    assert appointment.status is AppointmentStatus.CONFIRMED
    assert appointment.last_reply_text == "c."
    [answer] = answers()
    assert (answer.kind, answer.status) == (MessageKind.AUTO_REPLY, MessageStatus.QUEUED)
    assert (answer.sender, answer.recipient) == (PRACTICE_NUMBER, PATIENT_MOBILE)
    assert answer.dedupe_key == "reply:" + "f" * 32
    assert answer.appointment_id == appointment.id
    assert "confirmed" in answer.body and "Riverside Family Practice" in answer.body
    assert PRACTICE_PHONE_DISPLAY in answer.body
    assert inbound_messages()[0].read_at is not None  # nothing left for staff


def test_cancel_cancels_by_the_patient_and_its_pending_reminders(texts, practice, patient):
    starts_at = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=5)
    appointment = service.book(practice, patient=patient, provider=make_provider(practice),
                               starts_at=starts_at, actor=STAFF)
    make_sent_text(practice, patient=patient, appointment=appointment)
    assert db.session.scalars(select(Reminder.status)).all() == [ReminderStatus.PENDING] * 2

    texts.send("X")
    assert refreshed(appointment).status is AppointmentStatus.CANCELLED_BY_PATIENT
    assert set(db.session.scalars(select(Reminder.status))) == {ReminderStatus.CANCELLED}
    assert "cancelled" in the_answer() and PRACTICE_PHONE_DISPLAY in the_answer()
    assert inbound_messages()[0].read_at is None  # staff should see a freed slot


def test_a_cancellation_shows_at_once_on_the_day_view(texts, auth, client, practice,
                                                      appointment):
    texts.send("2")
    auth.login("dana@example.com")
    day = appointment.starts_at.astimezone(practice.zone).date().isoformat()
    page = client.get(f"/appointments/day?date={day}").get_data(as_text=True)
    assert "Cancelled by patient" in page
    assert "“2”" in page


def test_reschedule_asks_staff_to_call_back(texts, appointment):
    texts.send("Reschedule")
    appointment = refreshed(appointment)
    assert appointment.status is AppointmentStatus.RESCHEDULE_REQUESTED
    assert appointment.needs_callback is True
    assert "call" in the_answer()


def test_reschedule_holds_the_reminders_still_to_come_with_the_reason_on_the_day_view(
        texts, auth, client, practice, patient):
    from reminder_app.reminders.policy import RESCHEDULE_HELD

    starts_at = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=5)
    appointment = service.book(practice, patient=patient, provider=make_provider(practice),
                               starts_at=starts_at, actor=STAFF)
    make_sent_text(practice, patient=patient, appointment=appointment)
    texts.send("R")
    db.session.expire_all()
    held = db.session.scalars(select(Reminder).where(
        Reminder.appointment_id == appointment.id)).all()
    assert {(r.status, r.reason) for r in held} == {(ReminderStatus.SKIPPED, RESCHEDULE_HELD)}
    auth.login("dana@example.com")
    day = starts_at.astimezone(practice.zone).date().isoformat()
    page = client.get(f"/appointments/day?date={day}").get_data(as_text=True)
    assert RESCHEDULE_HELD.replace("'", "&#39;") in page


def test_moving_the_appointment_after_a_reschedule_request_plans_its_reminders_again(
        texts, practice, patient):
    starts_at = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=5)
    appointment = service.book(practice, patient=patient, provider=make_provider(practice),
                               starts_at=starts_at, actor=STAFF)
    make_sent_text(practice, patient=patient, appointment=appointment)
    texts.send("R")
    service.move(refreshed(appointment), practice, starts_at=starts_at + timedelta(days=1),
                 actor=STAFF)
    db.session.commit()
    db.session.expire_all()
    assert set(db.session.scalars(select(Reminder.status).where(
        Reminder.appointment_id == appointment.id))) == {ReminderStatus.PENDING}


def test_help_answers_with_name_and_phone_and_changes_nothing(texts, patient, appointment):
    texts.send("HELP")
    assert refreshed(appointment).status is AppointmentStatus.BOOKED
    assert refreshed(patient).sms_consent is True
    assert "Riverside Family Practice" in the_answer()
    assert PRACTICE_PHONE_DISPLAY in the_answer()


def test_stop_clears_consent_and_sends_one_final_confirmation(texts, practice, patient,
                                                              appointment):
    waiting = send_staff_reply(practice, patient, "See you soon!")
    texts.send("STOP")
    patient = refreshed(patient)
    assert patient.sms_consent is False and patient.opted_out_at is not None
    assert refreshed(appointment).status is AppointmentStatus.BOOKED
    assert refreshed(waiting).status is MessageStatus.CANCELLED  # nothing else leaves
    [confirmation] = answers()
    assert confirmation.status is MessageStatus.QUEUED
    assert "no more texts" in confirmation.body and "START" in confirmation.body


def test_stop_again_sends_no_second_confirmation(texts, patient, appointment):
    texts.send("STOP")
    texts.send("Stop!")
    assert len(answers()) == 1


def test_stop_skips_the_patients_pending_reminders(texts, practice, patient):
    starts_at = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=5)
    service.book(practice, patient=patient, provider=make_provider(practice),
                 starts_at=starts_at, actor=STAFF)
    texts.send("STOP")
    assert set(db.session.scalars(select(Reminder.status))) == {ReminderStatus.SKIPPED}
    texts.send("START")
    assert set(db.session.scalars(select(Reminder.status))) == {ReminderStatus.PENDING}


def test_cancel_opts_out_and_flags_the_appointment_for_a_call_back(texts, patient,
                                                                   appointment):
    texts.send("CANCEL")
    appointment = refreshed(appointment)
    assert appointment.status is AppointmentStatus.BOOKED  # not cancelled
    assert appointment.needs_callback is True
    assert refreshed(patient).sms_consent is False
    assert "we will call you" in the_answer()


@pytest.mark.parametrize("word", ["START", "unstop"])
def test_start_opts_back_in_after_stop(texts, patient, appointment, word):
    texts.send("STOP")
    texts.send(word)
    assert refreshed(patient).sms_consent is True
    assert refreshed(patient).opted_out_at is None
    assert answers()[-1].body == OPT_IN_CONFIRMATION


#: Who, what, how often (the practice's two rules), rates, HELP and STOP.
OPT_IN_CONFIRMATION = ("Riverside Family Practice: you will get appointment reminders, about 2 "
                       "per visit. Msg & data rates may apply. Reply HELP for help, STOP to opt "
                       "out.")


def test_yes_after_stop_opts_back_in_confirms_and_sends_the_opt_in_confirmation(
        texts, patient, appointment):
    texts.send("STOP")
    texts.send("Yes")
    assert refreshed(patient).sms_consent is True
    assert refreshed(appointment).status is AppointmentStatus.CONFIRMED
    opted_out, *after_yes = [answer.body for answer in answers()]
    assert "no more texts" in opted_out
    assert sorted(after_yes, key=len) == sorted(
        [OPT_IN_CONFIRMATION, next(body for body in after_yes if "confirmed" in body)], key=len)


def test_stop_and_start_are_recorded_as_consent_evidence_with_the_patients_words(
        texts, patient, appointment):
    from reminder_app.models import ActorKind, ConsentMethod
    from reminder_app.models.consent import consent_history

    texts.send("Please stop texting me")
    texts.send("START")
    start, stop = consent_history(refreshed(patient))
    assert (stop.given, stop.method, stop.wording) == (
        False, ConsentMethod.KEYWORD, "Please stop texting me")
    assert (start.given, start.wording) == (True, "START")
    assert {stop.actor.kind, start.actor.kind} == {ActorKind.PATIENT}


def test_c_after_stop_confirms_but_sends_nothing(texts, patient, appointment):
    texts.send("STOP")
    texts.send("C")
    assert refreshed(appointment).status is AppointmentStatus.CONFIRMED
    assert refreshed(patient).sms_consent is False
    assert len(answers()) == 1  # the opt-out confirmation only


def test_help_after_stop_is_still_answered_and_changes_nothing(texts, patient, appointment):
    texts.send("STOP")
    texts.send("HELP")
    assert refreshed(patient).sms_consent is False
    confirmation, help_answer = answers()
    assert "Msg & data rates may apply" in help_answer.body
    assert "STOP" in help_answer.body and PRACTICE_PHONE_DISPLAY in help_answer.body
    assert help_answer.status is MessageStatus.QUEUED


def test_help_answers_in_spanish_with_rates_and_frequency(texts, practice, spanish_patient):
    reminded_appointment(practice, spanish_patient)
    texts.send("Ayuda")
    body = the_answer()
    assert "avisos de sus citas" in body and "tarifas de mensajes y datos" in body
    assert "STOP" in body and PRACTICE_PHONE_DISPLAY in body


@pytest.mark.parametrize("text", ["Please stop texting me", "no more texts",
                                  "Stop texting me. I found another doctor.",
                                  "dejen de escribirme", "No más mensajes por favor"])
def test_a_plain_request_to_stop_opts_out_at_once_and_is_left_for_staff(texts, patient,
                                                                        appointment, text):
    texts.send(text)
    patient = refreshed(patient)
    assert patient.sms_consent is False and patient.opted_out_at is not None
    assert refreshed(appointment).status is AppointmentStatus.BOOKED
    [confirmation] = answers()
    assert "no more texts" in confirmation.body and "START" in confirmation.body
    assert inbound_messages()[0].read_at is None  # staff see that the patient opted out


def test_a_reply_that_only_might_mean_stop_is_flagged_but_keeps_consent(
        texts, client, auth, patient, appointment):
    texts.send("Why did you stop texting me?")
    assert refreshed(patient).sms_consent is True
    assert answers() == []
    auth.login("dana@example.com")
    page = client.get(f"/conversations/{patient.id}").get_data(as_text=True)
    assert "May want no more texts" in page


@pytest.mark.parametrize("text", ["Yes 👍", "OK thanks 👍", "yes please", "Confirmed ✅",
                                  "YES I'll be there"])
def test_a_confirmation_with_politeness_or_an_emoji_confirms(texts, appointment, text):
    texts.send(text)
    assert refreshed(appointment).status is AppointmentStatus.CONFIRMED
    assert "confirmed" in the_answer()
    assert inbound_messages()[0].read_at is not None


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_an_empty_text_is_stored_but_never_shown_blank(texts, auth, client, practice,
                                                       patient, appointment, text):
    texts.send(text)
    [message] = inbound_messages()
    assert message.body == text and message.read_at is None
    assert refreshed(appointment).status is AppointmentStatus.BOOKED
    auth.login("dana@example.com")
    thread = client.get(f"/conversations/{patient.id}").get_data(as_text=True)
    assert '<div class="sms-body"><span class="text-muted fst-italic empty-message">' \
           '(empty message)</span></div>' in thread
    day = appointment.starts_at.astimezone(practice.zone).date().isoformat()
    page = client.get(f"/appointments/day?date={day}").get_data(as_text=True)
    assert "(empty message)" in page and "“”" not in page


def test_free_text_is_kept_and_flagged_for_staff_without_an_answer(texts, appointment):
    texts.send("Running 10 minutes late, sorry!")
    appointment = refreshed(appointment)
    assert appointment.status is AppointmentStatus.BOOKED
    assert appointment.last_reply_text == "Running 10 minutes late, sorry!"
    [message] = inbound_messages()
    assert message.read_at is None and message.appointment_id == appointment.id
    assert answers() == []


def test_without_a_reminded_appointment_the_patient_is_told_so(texts, practice, patient):
    unreminded = make_appointment(practice, patient=patient)
    texts.send("C")
    assert refreshed(unreminded).status is AppointmentStatus.BOOKED
    assert "no upcoming appointment" in the_answer()
    assert PRACTICE_PHONE_DISPLAY in the_answer()
    assert inbound_messages()[0].read_at is None


def test_a_reply_after_the_appointment_has_passed_changes_nothing(texts, practice, patient):
    passed = reminded_appointment(practice, patient, in_hours=-1)
    texts.send("X")
    assert refreshed(passed).status is AppointmentStatus.BOOKED
    assert refreshed(passed).last_reply_text is None
    assert "no upcoming appointment" in the_answer()


def test_a_reply_applies_to_the_reminded_appointment_only(texts, practice, patient):
    # Two reminded visits would make "C" ambiguous: tests/inbound/test_families.py.
    unreminded_sooner = make_appointment(
        practice, patient=patient, starts_at=datetime.now(UTC) + timedelta(hours=3))
    next_one = reminded_appointment(practice, patient, in_hours=24)
    later = make_appointment(practice, patient=patient,
                             starts_at=datetime.now(UTC) + timedelta(hours=72))
    texts.send("C")
    assert refreshed(next_one).status is AppointmentStatus.CONFIRMED
    assert refreshed(later).status is AppointmentStatus.BOOKED
    assert refreshed(unreminded_sooner).status is AppointmentStatus.BOOKED


def test_a_cancelled_appointment_is_skipped_for_the_next_one(texts, practice, patient):
    cancelled = reminded_appointment(practice, patient, in_hours=24,
                                     status=AppointmentStatus.CANCELLED_BY_STAFF)
    next_one = reminded_appointment(practice, patient, in_hours=48)
    texts.send("C")
    assert refreshed(cancelled).status is AppointmentStatus.CANCELLED_BY_STAFF
    assert refreshed(next_one).status is AppointmentStatus.CONFIRMED


def test_a_family_sharing_a_mobile_replies_about_the_reminded_appointment(texts, practice,
                                                                          patient):
    child = make_patient(practice, first_name="Leo", mobile=PATIENT_MOBILE)
    childs = reminded_appointment(practice, child)
    texts.send("C")
    assert refreshed(childs).status is AppointmentStatus.CONFIRMED
    assert inbound_messages()[0].patient_id == child.id
    texts.send("STOP")
    assert refreshed(patient).sms_consent is False and refreshed(child).sms_consent is False


def test_a_spanish_speaking_patient_gets_spanish_answers(texts, practice, spanish_patient):
    appointment = reminded_appointment(practice, spanish_patient)
    texts.send("Confirmar")
    assert refreshed(appointment).status is AppointmentStatus.CONFIRMED
    assert "confirmada" in the_answer()


def test_cancelar_is_cancels_twin_opt_out_and_call_back(texts, practice, spanish_patient):
    appointment = reminded_appointment(practice, spanish_patient)
    texts.send("CANCELAR")
    assert refreshed(spanish_patient).sms_consent is False
    assert refreshed(appointment).needs_callback is True
    assert refreshed(appointment).status is AppointmentStatus.BOOKED
    assert "no recibira mas mensajes" in the_answer()


def test_a_practices_own_word_is_understood(texts, practice, appointment):
    add_keyword(practice, "Ven", Intent.CONFIRM)
    texts.send("VEN!")
    assert refreshed(appointment).status is AppointmentStatus.CONFIRMED


def test_automatic_answers_to_one_number_are_limited_but_stop_is_always_confirmed(
        texts, appointment):
    for _ in range(AUTO_ANSWER_LIMIT + 2):
        texts.send("HELP")
    assert len(answers()) == AUTO_ANSWER_LIMIT
    texts.send("STOP")
    assert len(answers()) == AUTO_ANSWER_LIMIT + 1


def test_a_number_once_texted_gets_help_and_a_keyword_answer_but_no_answer_to_free_text(
        texts, practice):
    stranger = "+12015559876"  # a patient's old mobile: texted once, no patient's now
    former = make_patient(practice, mobile=stranger)
    make_sent_text(practice, patient=former)
    former.mobile = "+12015550111"
    db.session.commit()
    texts.send("Hello?", sender=stranger)
    assert answers() == []
    texts.send("HELP", sender=stranger)
    texts.send("C", sender=stranger)
    bodies = [answer.body for answer in answers()]
    assert "Msg & data rates may apply" in bodies[0]
    assert "no upcoming appointment" in bodies[1]
    assert all(answer.recipient == stranger and answer.patient_id is None
               for answer in answers())


def test_handle_inbound_twice_with_the_same_message_changes_nothing(app, account,
                                                                    appointment):
    from reminder_app.clickatell import Reply
    from reminder_app.inbound.replies import handle_inbound

    message = Reply(account="1", message_id="e" * 32, sender=PATIENT_MOBILE,
                    to=PRACTICE_NUMBER, received_at=datetime.now(UTC), text="R")
    assert handle_inbound(account, message) is not None
    db.session.commit()
    assert handle_inbound(account, message) is None
    db.session.commit()
    assert len(inbound_messages()) == 1 and len(answers()) == 1
