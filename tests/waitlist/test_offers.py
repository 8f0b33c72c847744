"""Offering a freed slot: when, to whom, in waves, until it is taken or no one is left."""

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import (
    FreedSlot,
    Message,
    MessageKind,
    MessageStatus,
    OfferStatus,
    SlotStatus,
)
from reminder_app.transactions import unit_of_work
from reminder_app.waitlist import offers
from tests.factories import STAFF
from tests.waitlist.conftest import free_slot, local_time, offers_of, waitlisted


def refreshed(slot) -> FreedSlot:
    db.session.expire_all()
    return db.session.get(FreedSlot, slot.id)


def offer_texts() -> list[Message]:
    db.session.expire_all()
    return list(db.session.scalars(select(Message).where(Message.kind == MessageKind.OFFER)
                                   .order_by(Message.id)))


def test_a_cancelled_slot_is_offered_to_the_first_wave_at_once(practice, provider):
    patients = [waitlisted(practice, provider) for _ in range(5)]
    now = datetime.now(UTC)
    slot = free_slot(practice, provider, now=now)
    assert slot.status is SlotStatus.OFFERING and slot.waves == 1
    made = offers_of(slot)
    assert [offer.patient_id for offer in made] == [patient.id for patient in patients[:3]]
    assert all(offer.expires_at == now + timedelta(minutes=15) for offer in made)
    assert slot.next_wave_at == now + timedelta(minutes=15)
    texts = offer_texts()
    assert [(text.status, text.recipient) for text in texts] == \
        [(MessageStatus.QUEUED, patient.mobile) for patient in patients[:3]]
    local = slot.starts_at.astimezone(practice.zone)
    body = texts[0].body
    assert "Dr. Ada Quinn" in body and f"{local:%A, %B} {local.day} at 10:00 AM" in body
    assert "Reply YES by" in body and "NO to pass" in body
    assert texts[0].expires_at == made[0].expires_at


def test_a_slot_less_than_the_notice_away_is_recorded_but_not_offered(practice, provider):
    waitlisted(practice, provider)
    now = datetime.now(UTC)
    slot = free_slot(practice, provider, starts_at=now + timedelta(minutes=119), now=now)
    assert slot.status is SlotStatus.NOT_OFFERED
    assert slot.reason == "It was less than 2 hours away when it was cancelled."
    assert offers_of(slot) == [] and offer_texts() == []


def test_the_notice_and_wave_size_are_the_practices_settings(practice, provider):
    practice.offer_notice_minutes, practice.offer_wave_size = 30, 1
    db.session.commit()
    waitlisted(practice, provider)
    waitlisted(practice, provider)
    now = datetime.now(UTC)
    slot = free_slot(practice, provider, starts_at=now + timedelta(minutes=45), now=now)
    assert slot.status is SlotStatus.OFFERING and len(offers_of(slot)) == 1


def test_a_practice_can_turn_offers_off(practice, provider):
    practice.offer_slots = False
    db.session.commit()
    waitlisted(practice, provider)
    slot = free_slot(practice, provider)
    assert slot.status is SlotStatus.NOT_OFFERED and offers_of(slot) == []


def test_while_no_one_fits_the_slot_looks_again_every_hold(practice, provider):
    now = datetime.now(UTC)
    slot = free_slot(practice, provider, now=now)
    assert (slot.status, slot.reason) == (SlotStatus.OFFERING,
                                          "No one on the waitlist fits this time yet.")
    assert slot.next_wave_at == now + timedelta(minutes=15)
    joined = waitlisted(practice, provider)
    offers.advance(now + timedelta(minutes=15))
    assert [offer.patient_id for offer in offers_of(slot)] == [joined.id]
    assert refreshed(slot).reason == ""


def test_a_past_appointment_frees_no_slot(practice, provider):
    from reminder_app.appointments import service
    from tests.factories import make_appointment

    appointment = make_appointment(practice, provider=provider,
                                   starts_at=datetime.now(UTC) - timedelta(hours=1))
    service.cancel(appointment, actor=STAFF)
    assert db.session.scalars(select(FreedSlot)).all() == []


def test_the_next_wave_goes_when_the_hold_ends(practice, provider):
    patients = [waitlisted(practice, provider) for _ in range(7)]
    now = datetime.now(UTC)
    slot = free_slot(practice, provider, now=now)
    assert offers.advance(now + timedelta(minutes=14, seconds=59)) == 0
    assert len(offers_of(slot)) == 3

    assert offers.advance(now + timedelta(minutes=15)) == 1
    made = offers_of(slot)
    assert [offer.status for offer in made] == [OfferStatus.EXPIRED] * 3 + [OfferStatus.OPEN] * 3
    assert [offer.wave for offer in made] == [1, 1, 1, 2, 2, 2]
    assert [offer.patient_id for offer in made] == [patient.id for patient in patients[:6]]

    offers.advance(now + timedelta(minutes=30))
    assert [offer.patient_id for offer in offers_of(slot)][-1] == patients[6].id
    offers.advance(now + timedelta(minutes=45))
    slot = refreshed(slot)
    assert (slot.status, slot.reason, slot.waves) == (
        SlotStatus.OFFERING, "Everyone on the waitlist who fits has been offered it.", 3)
    assert {offer.status for offer in offers_of(slot)} == {OfferStatus.EXPIRED}


def test_a_wave_runs_once_however_many_processes_look(practice, provider):
    for _ in range(6):
        waitlisted(practice, provider)
    now = datetime.now(UTC)
    slot = free_slot(practice, provider, now=now)
    later = now + timedelta(minutes=15)
    assert offers.advance(later) == 1
    assert offers.advance(later) == 0  # the next wave is not due before its own hold ends
    assert refreshed(slot).waves == 2 and len(offers_of(slot)) == 6


def test_no_wave_leaves_in_quiet_hours(practice, provider):
    """Quiet hours apply to offers: a wave due at night waits for the morning."""
    practice.quiet_start, practice.quiet_end = time(21), time(8)
    db.session.commit()
    waitlisted(practice, provider)
    evening = local_time(practice, days=1, at=time(22, 0))
    slot = free_slot(practice, provider, starts_at=local_time(practice, days=2, at=time(10)),
                     now=evening)
    assert slot.status is SlotStatus.OFFERING and offers_of(slot) == []
    morning = local_time(practice, days=2, at=time(8, 0))
    assert slot.next_wave_at == morning
    offers.advance(morning - timedelta(minutes=1))
    assert offers_of(slot) == []
    offers.advance(morning)
    assert len(offers_of(slot)) == 1


def test_a_slot_that_comes_too_close_stops_being_offered(practice, provider):
    for _ in range(6):
        waitlisted(practice, provider)
    now = datetime.now(UTC)
    slot = free_slot(practice, provider, starts_at=now + timedelta(hours=2, minutes=10),
                     now=now)
    offers.advance(now + timedelta(minutes=15))
    slot = refreshed(slot)
    assert slot.status is SlotStatus.UNFILLED
    assert slot.reason == "Less than 2 hours away now: no more offers."
    assert {offer.status for offer in offers_of(slot)} == {OfferStatus.EXPIRED}


def test_staff_can_stop_offering(practice, provider):
    for _ in range(3):
        waitlisted(practice, provider)
    slot = free_slot(practice, provider)
    with unit_of_work():
        offers.stop_offering(slot)
    slot = refreshed(slot)
    assert (slot.status, slot.reason) == (SlotStatus.STOPPED, "Stopped by staff.")
    assert {offer.status for offer in offers_of(slot)} == {OfferStatus.CLOSED}
    assert {text.status for text in offer_texts()} == {MessageStatus.CANCELLED}
    assert offers.advance(datetime.now(UTC) + timedelta(hours=1)) == 0


def test_an_offer_text_never_leaves_in_quiet_hours_or_without_consent(practice, provider):
    """Should one be due at night (a retry drifting into quiet hours), or after the patient
    withdrew consent, the dispatcher cancels it instead of sending it."""
    from reminder_app.outbox.policy import Outgoing, Verdict, verdict
    from reminder_app.reminders.policy import NO_CONSENT, QUIET_OFFER

    patient = waitlisted(practice, provider)
    free_slot(practice, provider, now=datetime.now(UTC))
    [message] = offer_texts()
    practice.quiet_start, practice.quiet_end = time(21), time(8)
    offer = Outgoing(practice, message.patient)
    night = local_time(practice, days=0, at=time(23, 0))
    assert verdict(MessageKind.OFFER, offer, night) == Verdict.cancel(QUIET_OFFER)
    noon = local_time(practice, days=0, at=time(12))
    assert verdict(MessageKind.OFFER, offer, noon) is None
    patient.sms_consent = False
    assert verdict(MessageKind.OFFER, offer, noon) == Verdict.cancel(NO_CONSENT)


def test_booking_someone_into_an_offered_time_stops_the_offers(practice, provider):
    from reminder_app.appointments import service
    from tests.factories import make_patient

    waitlisted(practice, provider)
    slot = free_slot(practice, provider, duration_minutes=30)
    with unit_of_work():
        service.book(practice, patient=make_patient(practice), provider=provider,
                     starts_at=slot.starts_at + timedelta(minutes=15), duration_minutes=15,
                     actor=STAFF)
    slot = refreshed(slot)
    assert (slot.status, slot.reason) == (SlotStatus.STOPPED,
                                          "Someone else was booked at that time.")
    assert {offer.status for offer in offers_of(slot)} == {OfferStatus.CLOSED}
    assert {text.status for text in offer_texts()} == {MessageStatus.CANCELLED}


def test_moving_an_appointment_into_an_offered_time_stops_the_offers(practice, provider,
                                                                    other_provider):
    from reminder_app.appointments import service
    from tests.factories import make_patient

    waitlisted(practice, provider)
    slot = free_slot(practice, provider, duration_minutes=30)
    with unit_of_work():
        elsewhere = service.book(practice, patient=make_patient(practice), provider=provider,
                                 starts_at=slot.starts_at + timedelta(minutes=30), actor=STAFF)
    assert refreshed(slot).status is SlotStatus.OFFERING  # a time next to it changes nothing
    with unit_of_work():
        service.move(elsewhere, practice, starts_at=slot.starts_at, provider=other_provider,
                     actor=STAFF)
    assert refreshed(slot).status is SlotStatus.OFFERING  # another provider's diary
    with unit_of_work():
        service.move(elsewhere, practice, starts_at=slot.starts_at, provider=provider,
                     actor=STAFF)
    assert refreshed(slot).status is SlotStatus.STOPPED
