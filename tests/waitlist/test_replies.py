"""Replies to an offer, through the MO webhook: the first YES wins, the rest are told."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import (
    Appointment,
    AppointmentStatus,
    FreedSlot,
    Language,
    MessageKind,
    MessageStatus,
    OfferStatus,
    Reminder,
    SlotStatus,
)
from reminder_app.waitlist import offers
from reminder_app.waitlist.service import active_entry
from tests.factories import make_sent_text
from tests.inbound.conftest import reminded_appointment
from tests.waitlist.conftest import free_slot, offers_of, send_offers, texts_to, waitlisted


@pytest.fixture
def three(practice, provider):
    return [waitlisted(practice, provider, first_name=name) for name in ("Ann", "Bea", "Cal")]


@pytest.fixture
def slot(practice, provider, three):
    slot = free_slot(practice, provider)
    send_offers()
    return slot


def last_answer(patient) -> str:
    return texts_to(patient)[-1].body


def booked(slot) -> list[Appointment]:
    db.session.expire_all()
    return list(db.session.scalars(select(Appointment).where(
        Appointment.starts_at == slot.starts_at,
        Appointment.status.in_([AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED]))))


def test_yes_books_the_slot_with_reminders_and_closes_the_other_offers(texts, slot, three,
                                                                      provider):
    ann, bea, cal = three
    texts.send("Yes", sender=bea.mobile)
    [appointment] = booked(slot)
    assert (appointment.patient_id, appointment.provider_id, appointment.duration_minutes) == (
        bea.id, provider.id, 30)
    assert appointment.status is AppointmentStatus.CONFIRMED
    assert appointment.reason == "From the waitlist"
    assert db.session.scalars(select(Reminder).where(
        Reminder.appointment_id == appointment.id)).all()  # reminders like any booking
    db.session.expire_all()
    slot = db.session.get(FreedSlot, slot.id)
    assert (slot.status, slot.filled_appointment_id) == (SlotStatus.FILLED, appointment.id)
    assert [offer.status for offer in offers_of(slot)] == [
        OfferStatus.TAKEN, OfferStatus.ACCEPTED, OfferStatus.TAKEN]
    assert active_entry(bea) is None and active_entry(ann) is not None
    answer = last_answer(bea)
    assert "it is yours" in answer and "Dr. Ada Quinn" in answer


def test_a_second_yes_hears_the_slot_was_taken_and_stays_on_the_list(texts, slot, three):
    ann, bea, _ = three
    texts.send("Y", sender=ann.mobile)
    texts.send("YES", sender=bea.mobile)
    assert [appointment.patient_id for appointment in booked(slot)] == [ann.id]
    assert "that time was just taken. You stay on our waitlist" in last_answer(bea)
    assert active_entry(bea) is not None


def test_the_same_yes_delivered_twice_books_once_and_answers_once(texts, slot, three):
    texts.send("yes", sender=three[0].mobile, mo_id="a" * 32)
    texts.send("yes", sender=three[0].mobile, mo_id="a" * 32)
    assert len(booked(slot)) == 1 and len(texts_to(three[0])) == 1


def test_no_passes_and_a_wave_of_noes_brings_the_next_wave_at_once(practice, provider, texts,
                                                                   slot, three):
    fourth = waitlisted(practice, provider, first_name="Dov")
    for patient in three:
        texts.send("No", sender=patient.mobile)
        assert "no problem" in last_answer(patient)
        assert active_entry(patient) is not None
    assert [offer.status for offer in offers_of(slot)] == [OfferStatus.DECLINED] * 3
    offers.advance()
    assert [offer.patient_id for offer in offers_of(slot)][-1] == fourth.id


def test_yes_with_politeness_takes_the_slot_and_no_thank_you_passes(texts, slot, three):
    ann, bea, _ = three
    texts.send("No thank you 🙂", sender=ann.mobile)
    texts.send("Yes please 👍", sender=bea.mobile)
    assert [appointment.patient_id for appointment in booked(slot)] == [bea.id]
    assert [offer.status for offer in offers_of(slot)][:2] == [
        OfferStatus.DECLINED, OfferStatus.ACCEPTED]


def test_an_expired_offer_is_told_so(texts, slot, three):
    db.session.expire_all()
    for offer in offers_of(slot):
        offer.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        offer.offered_at = offer.expires_at - timedelta(minutes=15)  # its hold is over
    db.session.commit()
    texts.send("YES", sender=three[0].mobile)
    assert booked(slot) == []
    assert "that offer ended at" in last_answer(three[0])
    assert offers_of(slot)[0].status is OfferStatus.EXPIRED


def test_yes_after_staff_stopped_offering_is_told_it_is_gone(texts, slot, three):
    offers.stop_offering(db.session.get(FreedSlot, slot.id))
    texts.send("YES", sender=three[0].mobile)
    assert booked(slot) == [] and "no longer available" in last_answer(three[0])


def test_stop_during_an_offer_opts_out_and_leaves_the_offer_and_the_list(practice, provider,
                                                                          texts, three):
    practice.offer_wave_size = 1
    db.session.commit()
    slot = free_slot(practice, provider)
    send_offers()
    ann, bea, _ = three
    texts.send("STOP", sender=ann.mobile)
    db.session.expire_all()
    assert not ann.sms_consent and active_entry(ann) is None
    assert offers_of(slot)[0].status is OfferStatus.WITHDRAWN
    assert "no more texts" in last_answer(ann)
    offers.advance()  # its wave had no one else: the next goes at once
    assert [offer.patient_id for offer in offers_of(slot)] == [ann.id, bea.id]


def test_help_during_an_offer_answers_help_and_leaves_the_offer_open(texts, slot, three):
    texts.send("HELP", sender=three[0].mobile)
    assert "Msg & data rates may apply" in last_answer(three[0])
    assert offers_of(slot)[0].status is OfferStatus.OPEN


def test_free_text_during_an_offer_is_for_staff_and_the_offer_stays_open(texts, slot, three):
    texts.send("what time again?", sender=three[0].mobile)
    assert texts_to(three[0]) == [] and offers_of(slot)[0].status is OfferStatus.OPEN


def test_a_reply_to_an_offer_is_about_the_offer_not_the_reminded_appointment(
        practice, provider, texts):
    patient = waitlisted(practice, provider)
    own = reminded_appointment(practice, patient, in_hours=24 * 5)
    slot = free_slot(practice, provider)
    send_offers()
    texts.send("C", sender=patient.mobile)
    db.session.expire_all()
    assert db.session.get(Appointment, own.id).status is AppointmentStatus.BOOKED
    assert [appointment.patient_id for appointment in booked(slot)] == [patient.id]


def test_after_a_newer_reminder_the_reply_is_about_the_appointment(practice, provider, texts):
    patient = waitlisted(practice, provider)
    slot = free_slot(practice, provider)
    send_offers(datetime.now(UTC) - timedelta(minutes=5))
    own = reminded_appointment(practice, patient, in_hours=24 * 5)  # reminded after the offer
    texts.send("C", sender=patient.mobile)
    db.session.expire_all()
    assert db.session.get(Appointment, own.id).status is AppointmentStatus.CONFIRMED
    assert booked(slot) == [] and offers_of(slot)[0].status is OfferStatus.OPEN


@pytest.mark.parametrize("kind", [MessageKind.NOTICE, MessageKind.LATE_NOTICE,
                                  MessageKind.RECALL])
def test_after_a_newer_notice_running_late_text_or_recall_an_ok_takes_no_slot(
        practice, provider, texts, kind):
    patient = waitlisted(practice, provider)
    slot = free_slot(practice, provider)
    send_offers(datetime.now(UTC) - timedelta(minutes=5))
    make_sent_text(practice, patient=patient, kind=kind, body="Running late, no need to reply.")
    texts.send("OK", sender=patient.mobile)
    assert booked(slot) == [] and offers_of(slot)[0].status is OfferStatus.OPEN


def test_an_answer_to_the_patients_own_help_does_not_end_the_offer(
        practice, provider, texts):
    patient = waitlisted(practice, provider)
    slot = free_slot(practice, provider)
    send_offers(datetime.now(UTC) - timedelta(minutes=5))
    texts.send("HELP", sender=patient.mobile)
    texts.send("YES", sender=patient.mobile)
    assert [appointment.patient_id for appointment in booked(slot)] == [patient.id]


def test_an_offer_not_sent_yet_is_not_what_a_reply_is_about(practice, provider, texts):
    patient = waitlisted(practice, provider)
    slot = free_slot(practice, provider)  # the offer text is still queued
    texts.send("YES", sender=patient.mobile)
    assert booked(slot) == []
    assert "no upcoming appointment" in last_answer(patient)


def test_a_spanish_speaker_takes_the_slot_with_si_and_is_answered_in_spanish(
        practice, provider, texts):
    patient = waitlisted(practice, provider, language=Language.ES)
    slot = free_slot(practice, provider)
    [offer_text] = send_offers()
    assert "Responda SI" in offer_text.body
    texts.send("Sí", sender=patient.mobile)
    assert [appointment.patient_id for appointment in booked(slot)] == [patient.id]
    assert "es suya" in last_answer(patient)


def test_the_answer_to_the_winner_is_linked_to_the_new_appointment(texts, slot, three):
    texts.send("yes", sender=three[2].mobile)
    [appointment] = booked(slot)
    [answer] = texts_to(three[2])
    assert answer.appointment_id == appointment.id and answer.status is MessageStatus.QUEUED


def test_an_offer_text_is_cancelled_rather_than_sent_after_it_expired(practice, provider):
    from reminder_app.outbox.dispatcher import EXPIRED, _verdicts
    from reminder_app.outbox.policy import Verdict

    patient = waitlisted(practice, provider)
    now = datetime.now(UTC)
    free_slot(practice, provider, now=now)
    [message] = texts_to(patient, MessageKind.OFFER)
    practices = {practice.id: practice}
    assert _verdicts([message], {}, practices, now + timedelta(minutes=14)) == [None]
    assert _verdicts([message], {}, practices, now + timedelta(minutes=15)) == [
        Verdict.cancel(EXPIRED)]


def test_a_sent_text_to_someone_else_does_not_hide_the_offer(practice, provider, texts):
    patient = waitlisted(practice, provider)
    slot = free_slot(practice, provider)
    send_offers()
    make_sent_text(practice, patient=patient, kind=MessageKind.STAFF_REPLY, body="Hi")
    texts.send("yes", sender=patient.mobile)
    assert len(booked(slot)) == 1


def test_the_dashboard_counts_freed_and_refilled_slots_of_the_last_30_days(
        practice, provider, texts):
    from reminder_app.dashboard.service import refills

    taker = waitlisted(practice, provider)
    refilled = free_slot(practice, provider, duration_minutes=45)
    send_offers()
    texts.send("yes", sender=taker.mobile)
    free_slot(practice, provider, starts_at=refilled.starts_at + timedelta(hours=2))  # unfilled
    old = free_slot(practice, provider, starts_at=refilled.starts_at + timedelta(hours=4))
    db.session.get(FreedSlot, old.id).created_at = datetime.now(UTC) - timedelta(days=31)
    db.session.commit()
    figures = refills(practice, datetime.now(UTC))
    assert (figures.freed, figures.refilled, figures.minutes_refilled) == (2, 1, 45)
    assert figures.refill_rate == 0.5


def test_no_after_the_offer_ended_just_keeps_the_patient_on_the_list(texts, slot, three):
    for offer in offers_of(slot):
        offer.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        offer.offered_at = offer.expires_at - timedelta(minutes=15)  # its hold is over
    db.session.commit()
    texts.send("no", sender=three[0].mobile)
    assert "no problem" in last_answer(three[0])
    assert offers_of(slot)[0].status is OfferStatus.EXPIRED
    assert active_entry(three[0]) is not None
