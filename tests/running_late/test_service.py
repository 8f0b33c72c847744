"""The running-late broadcast: who gets it and who not and why, the exact text in each
patient's language, once however often it is sent, quiet hours on the patient's clock."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from reminder_app.clickatell import analyse
from reminder_app.extensions import db
from reminder_app.inbound.conversations import thread_messages
from reminder_app.models import Event, EventKind, Message, MessageKind, MessageStatus, Practice
from reminder_app.reminders import policy
from reminder_app.running_late import service
from reminder_app.running_late.service import Broadcast, LateError, Wording
from reminder_app.sms_texts import LateText, ReminderText, clock, render, text
from reminder_app.transactions import unit_of_work
from tests.factories import STAFF, make_appointment, make_patient
from tests.reminders.conftest import at

from .conftest import MONDAY


def late(provider=None, minutes=30, **fields) -> Broadcast:
    return Broadcast(provider=provider, wording=fields.pop("wording", Wording.MINUTES),
                     minutes=minutes, **fields)


def send(day, broadcast, key="k" * 22, now=None):
    with unit_of_work():  # the test is the edge that sends
        return service.send(day.practice, broadcast, key, STAFF, now or day.now)


def late_texts() -> list[Message]:
    db.session.expire_all()
    return list(db.session.scalars(select(Message).where(
        Message.kind == MessageKind.LATE_NOTICE).order_by(Message.id)))


def test_each_remaining_patient_of_the_provider_gets_it_and_the_others_are_told_why(
        day, provider):
    planned = service.plan(day.practice, late(provider), day.now)
    assert [r.appointment for r in planned.recipients] == [day.ana_visit, day.bea_visit]
    why = {left.appointment: left.reason for left in planned.left_out}
    assert why == {
        day.no_show: "Marked a no-show.",
        day.completed: "Already seen (completed).",
        day.started: service.STARTED,
        day.no_consent_visit: policy.NO_CONSENT,
        day.opted_out_visit: policy.OPTED_OUT,
        day.cancelled: "Cancelled by the patient.",
        day.reschedule: policy.RESCHEDULE_HELD,
        day.ana_again: "Gets one text, about their earlier visit at 11:00 AM.",
    }
    assert day.tomorrow not in why and day.others not in why


def test_the_whole_day_takes_in_every_provider(day):
    planned = service.plan(day.practice, late(), day.now)
    assert [r.appointment for r in planned.recipients] == [day.ana_visit, day.others,
                                                           day.bea_visit]


def test_the_text_names_the_practice_first_in_the_patients_language_and_not_the_doctor(
        day, provider):
    ana, bea = service.plan(day.practice, late(provider, 30), day.now).recipients
    assert ana.body == ("Riverside Family Practice: we are running about 30 min late today. "
                        "Your visit at 11:00 AM is still on; no need to reply. Reply STOP to "
                        "opt out.")
    assert bea.body == ("Riverside Family Practice: hoy vamos con unos 30 min de retraso. Su "
                        "cita de las 11:30 sigue en pie; no hace falta responder. Responda STOP "
                        "para darse de baja.")
    assert (ana.parts, bea.parts) == (1, 1)
    assert "Reyes" not in ana.body.replace("Ana", "")


def test_running_behind_says_no_number(day, provider):
    ana, _ = service.plan(day.practice, late(provider, None, wording=Wording.BEHIND),
                          day.now).recipients
    assert ana.body.startswith("Riverside Family Practice: we are running behind today. Your "
                               "visit at 11:00 AM is still on; please expect a wait.")


def test_the_provider_is_named_only_when_the_practice_names_providers(day, provider):
    with pytest.raises(LateError, match="do not name providers"):
        service.plan(day.practice, late(provider, name_provider=True), day.now)
    day.practice.name_provider = True
    with pytest.raises(LateError, match="one provider"):
        service.plan(day.practice, late(None, name_provider=True), day.now)
    ana, bea = service.plan(day.practice, late(provider, name_provider=True),
                            day.now).recipients
    assert ana.body.startswith("Riverside Family Practice: Dr. Amelia Reyes is running about "
                               "30 min late today.")
    assert bea.body.startswith("Riverside Family Practice: hoy Dr. Amelia Reyes va con unos 30 "
                               "min de retraso.")


@pytest.mark.parametrize("minutes", [None, 4, 241])
def test_how_late_must_be_said_and_be_sensible(day, provider, minutes):
    with pytest.raises(LateError, match="how late") as refused:
        service.plan(day.practice, late(provider, minutes), day.now)
    assert refused.value.field == "minutes"


def test_sending_queues_one_text_per_recipient_linked_to_the_visit_and_recorded(day, provider):
    sent = send(day, late(provider))
    assert (sent.queued, sent.already) == (2, 0)
    ana, bea = late_texts()
    assert (ana.appointment_id, ana.patient_id, ana.recipient) == (
        day.ana_visit.id, day.ana.id, "+12015550123")
    assert (bea.appointment_id, bea.recipient, bea.status) == (
        day.bea_visit.id, "+12015550124", MessageStatus.QUEUED)
    assert ana.send_after == day.now and ana.expires_at == day.ana_visit.starts_at
    events = list(db.session.scalars(select(Event).where(Event.kind == EventKind.LATE_NOTICE)
                                     .order_by(Event.id)))
    assert [(e.appointment_id, e.message_id, e.actor_label) for e in events] == [
        (day.ana_visit.id, ana.id, "Test Staff"), (day.bea_visit.id, bea.id, "Test Staff")]
    assert ana in thread_messages(day.practice, day.ana)  # the conversation shows it
    assert MessageKind.LATE_NOTICE.label == "Running late"


def test_sending_the_same_broadcast_again_texts_no_one_twice(day, provider):
    send(day, late(provider), key="same-key-0123456789")
    again = send(day, late(provider), key="same-key-0123456789",
                 now=day.now + timedelta(seconds=2))
    assert (again.queued, again.already) == (0, 2)
    assert len(late_texts()) == 2
    assert db.session.scalar(select(db.func.count(Event.id)).where(
        Event.kind == EventKind.LATE_NOTICE)) == 2


def test_a_new_delay_may_be_sent_once_more_but_not_a_third_time_that_day(day, provider):
    send(day, late(provider, 15), key="first-key-0123456789")
    second = send(day, late(provider, 40), key="second-key-012345678")
    assert second.queued == 2
    third = service.plan(day.practice, late(provider, 60), day.now)
    assert third.recipients == []
    assert {left.reason for left in third.left_out if left.appointment in (
        day.ana_visit, day.bea_visit, day.ana_again)} == {service.ALREADY_TOLD}


def test_in_quiet_hours_on_the_patients_clock_it_waits_if_the_visit_allows(practice, provider):
    now = at(practice, MONDAY, 10)  # 07:00 in Los Angeles
    west = make_patient(practice, first_name="Wes", timezone="America/Los_Angeles")
    soon = make_appointment(practice, patient=west, provider=provider,
                            starts_at=at(practice, MONDAY, 10, 45))
    later = make_appointment(practice, patient=make_patient(
        practice, first_name="Lia", timezone="America/Los_Angeles"), provider=provider,
        starts_at=at(practice, MONDAY, 11, 30))
    planned = service.plan(practice, late(provider), now)
    [waiting] = planned.recipients
    assert waiting.appointment == later
    assert waiting.waits_until == at(practice, MONDAY, 11)  # 08:00 in Los Angeles
    assert [(left.appointment, left.reason) for left in planned.left_out] == [
        (soon, service.QUIET)]
    with unit_of_work():
        service.send(practice, late(provider), "quiet-key-0123456789", STAFF, now)
    [text] = late_texts()
    assert text.send_after == at(practice, MONDAY, 11)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("kind", list(LateText))
def test_every_late_text_starts_with_the_practice_and_is_plain_gsm_in_few_parts(kind, language):
    practice = Practice(name="Riverside Family Practice", country="US",
                        timezone="America/New_York", phone="+12015550100")
    starts_at = at(practice, MONDAY, 11, 30)
    body = render(kind, practice, language, provider="Dr. Amelia Reyes", minutes=30,
                  time=clock(starts_at, practice.zone, language),
                  opt_out=text(ReminderText.OPT_OUT, language))
    segments = analyse(body)
    assert body.startswith("Riverside Family Practice: ")
    assert segments.encoding == "GSM-7" and not segments.non_gsm_chars
    # one part without the provider; a provider's name of ordinary length may take two
    assert segments.parts <= (2 if kind.name.endswith("PROVIDER") else 1), body
    assert "STOP" in body and "{" not in body
