"""The conversations pages: threads, unread counts, mark handled, staff answers, the
unmatched inbox, the practice's own reply words."""

import re

import pytest
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import (
    Message,
    MessageKind,
    MessageStatus,
    PracticeKeyword,
    Role,
)
from tests.factories import make_patient, make_practice, make_sent_text, make_staff
from tests.inbound.conftest import inbound_messages, refreshed


def nav_unread(page: str) -> int | None:
    match = re.search(r'id="unread-replies">(\d+)<', page)
    return int(match.group(1)) if match else None


EMPTY = '<span class="text-muted fst-italic empty-message">(empty message)</span>'


def test_unread_replies_are_counted_in_the_navigation_until_marked_handled(
        texts, client, auth, patient, appointment):
    texts.send("Running late")
    texts.send("Can I bring my son?")
    texts.send("C")  # answered automatically: not unread
    auth.login("dana@example.com")
    assert nav_unread(client.get("/conversations").get_data(as_text=True)) == 2

    response = client.post(f"/conversations/{patient.id}/handled")
    assert response.status_code == 303
    assert nav_unread(client.get("/conversations").get_data(as_text=True)) is None
    assert all(message.read_at for message in inbound_messages())


def test_the_thread_shows_texts_in_order_with_delivery_status_and_reading(
        texts, client, auth, practice, patient, appointment):
    reminder = make_sent_text(practice, patient=patient, appointment=appointment,
                              status=MessageStatus.DELIVERED, body="Reminder for Maria")
    texts.send("Is parking free?")
    auth.login("dana@example.com")
    page = client.get(f"/conversations/{patient.id}").get_data(as_text=True)
    assert page.index("Reminder for Maria") < page.index("Is parking free?")
    assert "Delivered" in page and "Free text" in page
    assert f'data-message="{reminder.id}"' in page
    assert 'Reminder · ' in page  # who wrote it, as the kind's label says
    assert '<span class="badge text-bg-success delivery-status">Delivered</span>' in page


def test_a_text_that_never_left_reads_not_sent(client, auth, practice, patient, appointment):
    make_sent_text(practice, patient=patient, appointment=appointment,
                   status=MessageStatus.CANCELLED, kind=MessageKind.STAFF_REPLY)
    auth.login("dana@example.com")
    page = client.get(f"/conversations/{patient.id}").get_data(as_text=True)
    assert "Staff answer · " in page
    assert '<span class="badge text-bg-secondary delivery-status">Not sent</span>' in page


def test_the_threads_list_puts_unread_first(texts, client, auth, practice, patient,
                                            appointment):
    quiet = make_patient(practice, first_name="Quinn", last_name="Quiet")
    make_sent_text(practice, patient=quiet, body="Hello Quinn")
    texts.send("question?")
    auth.login("dana@example.com")
    page = client.get("/conversations").get_data(as_text=True)
    assert page.index("Lopez, Maria") < page.index("Quiet, Quinn")


def test_staff_answer_is_queued_with_its_parts_and_handles_the_thread(
        texts, client, auth, patient, appointment):
    texts.send("Do I need to fast?")
    auth.login("dana@example.com")
    body = "No need to fast. " * 12  # 204 characters: two parts
    response = client.post(f"/conversations/{patient.id}/reply", data={"body": body})
    assert response.status_code == 303
    answer = db.session.scalar(select(Message).where(Message.kind == MessageKind.STAFF_REPLY))
    assert (answer.recipient, answer.parts, answer.status) == (patient.mobile, 2,
                                                               MessageStatus.QUEUED)
    assert "2 parts" in client.get(response.location).get_data(as_text=True)
    assert inbound_messages()[0].read_at is not None


def test_the_answer_box_carries_the_counter_and_its_alphabet(client, auth, patient):
    auth.login("dana@example.com")
    page = client.get(f"/conversations/{patient.id}").get_data(as_text=True)
    assert 'data-sms-counter="#sms-count"' in page
    assert 'data-gsm7-extension="' in page and "sms-counter.js" in page


def test_staff_cannot_text_a_patient_who_opted_out(texts, client, auth, patient, appointment):
    texts.send("STOP")
    auth.login("dana@example.com")
    response = client.post(f"/conversations/{patient.id}/reply", data={"body": "Hello?"})
    assert response.status_code == 422
    assert "opted out" in response.get_data(as_text=True)
    assert db.session.scalar(select(Message).where(
        Message.kind == MessageKind.STAFF_REPLY)) is None


def test_an_overlong_staff_answer_is_refused(client, auth, patient, account):
    auth.login("dana@example.com")
    response = client.post(f"/conversations/{patient.id}/reply", data={"body": "é" * 1000})
    assert response.status_code == 422
    assert "SMS parts" in response.get_data(as_text=True)


def test_an_unknown_number_is_attached_to_a_patient(texts, client, auth, patient):
    texts.send("This is Maria's husband, she will come", sender="+12015559876")
    auth.login("dana@example.com")
    page = client.get("/conversations/unmatched").get_data(as_text=True)
    assert "she will come" in page
    [message] = inbound_messages()
    response = client.post(f"/conversations/messages/{message.id}/attach",
                           data={f"m{message.id}-patient": str(patient.id)})
    assert response.status_code == 303
    assert refreshed(message).patient_id == patient.id
    assert "she will come" in client.get(response.location).get_data(as_text=True)


def test_an_empty_text_from_an_unknown_number_is_shown_as_empty(texts, client, auth, patient):
    texts.send(" ", sender="+12015559876")
    auth.login("dana@example.com")
    page = client.get("/conversations/unmatched").get_data(as_text=True)
    assert "<td>" + EMPTY + "</td>" in page


@pytest.mark.parametrize("text", ["STOP", "Please stop texting me"])
def test_attaching_a_stop_from_an_unknown_number_opts_the_patient_out(texts, client, auth,
                                                                      patient, text):
    texts.send(text, sender="+12015559876")
    assert refreshed(patient).sms_consent is True
    auth.login("dana@example.com")
    [message] = inbound_messages()
    client.post(f"/conversations/messages/{message.id}/attach",
                data={f"m{message.id}-patient": str(patient.id)})
    assert refreshed(patient).sms_consent is False


def test_another_practices_patient_cannot_be_attached(texts, client, auth, patient):
    other = make_patient(make_practice("Hillside", owner_email="h@example.com").practice)
    texts.send("hello", sender="+12015559876")
    auth.login("dana@example.com")
    [message] = inbound_messages()
    response = client.post(f"/conversations/messages/{message.id}/attach",
                           data={f"m{message.id}-patient": str(other.id)})
    assert refreshed(message).patient_id is None
    page = client.get(response.location).get_data(as_text=True)
    assert "Please choose one of the practice&#39;s patients." in page


def test_the_unmatched_inbox_lists_no_patients_but_offers_the_picker(texts, client, auth,
                                                                     patient):
    texts.send("hello", sender="+12015559876")
    auth.login("dana@example.com")
    [message] = inbound_messages()
    page = client.get("/conversations/unmatched").get_data(as_text=True)
    assert "<option" not in page and patient.last_name not in page
    assert f'id="m{message.id}-patient-search"' in page and 'role="combobox"' in page
    assert f'name="m{message.id}-patient" type="hidden"' in page


def test_an_unmatched_text_can_be_marked_handled(texts, client, auth, patient):
    texts.send("wrong number?", sender="+12015559876")
    auth.login("dana@example.com")
    [message] = inbound_messages()
    client.post(f"/conversations/messages/{message.id}/handled")
    assert refreshed(message).read_at is not None


def test_the_owner_adds_and_removes_a_reply_word(client, auth, practice):
    auth.login("dana@example.com")
    response = client.post("/conversations/reply-words", data={"word": "¡Ven!",
                                                               "intent": "confirm"})
    assert response.status_code == 303
    keyword = db.session.scalar(select(PracticeKeyword))
    assert keyword.word == "ven"
    assert "VEN" in client.get("/conversations/reply-words").get_data(as_text=True)
    client.post(f"/conversations/reply-words/{keyword.id}/remove")
    assert db.session.scalar(select(PracticeKeyword)) is None


def test_a_builtin_word_cannot_be_redefined(client, auth, practice):
    auth.login("dana@example.com")
    response = client.post("/conversations/reply-words", data={"word": "Stop",
                                                               "intent": "confirm"})
    assert "already a reply word" in response.get_data(as_text=True)
    assert db.session.scalar(select(PracticeKeyword)) is None


def test_staff_who_are_not_owners_cannot_change_reply_words(client, auth, practice):
    make_staff(practice, email="sam@example.com", role=Role.STAFF)
    auth.login("sam@example.com")
    assert client.get("/conversations/reply-words").status_code == 200
    response = client.post("/conversations/reply-words", data={"word": "ven",
                                                               "intent": "confirm"})
    assert response.status_code == 403


def test_conversations_need_a_signed_in_user(client):
    assert client.get("/conversations").status_code == 302
