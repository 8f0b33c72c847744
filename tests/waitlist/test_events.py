"""A YES to an offer is recorded as one: read against the offer, the slot booked by the
waitlist and confirmed by the patient, and shown to staff as a YES to the offer."""

from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.inbound.understanding import Intent
from reminder_app.models import ActorKind, Event, EventKind
from tests.waitlist.conftest import free_slot, offers_of, send_offers, waitlisted


def test_a_yes_to_an_offer_is_recorded_against_the_offer(texts, auth, client, practice,
                                                         provider):
    ann = waitlisted(practice, provider, first_name="Ann")
    slot = free_slot(practice, provider)
    send_offers()
    [offer] = offers_of(slot)

    texts.send("Yes", sender=ann.mobile)

    db.session.expire_all()
    [reading] = db.session.scalars(select(Event).where(Event.kind == EventKind.REPLY_READ))
    assert (reading.offer_id, reading.accepted, reading.intent, reading.appointment_id) == (
        offer.id, True, Intent.CONFIRM, None)
    appointment_id = db.session.get(type(slot), slot.id).filled_appointment_id
    changes = db.session.scalars(select(Event).where(Event.appointment_id == appointment_id)
                                 .order_by(Event.id)).all()
    assert [(event.kind, event.actor_kind, event.actor_id) for event in changes] == [
        (EventKind.BOOKED, ActorKind.WAITLIST, None),
        (EventKind.CONFIRMED, ActorKind.PATIENT, ann.id)]

    auth.login("dana@example.com")
    page = client.get(f"/conversations/{ann.id}").get_data(as_text=True)
    assert "Yes to a waitlist offer" in page and ">Confirm<" not in page


def test_a_no_to_an_offer_is_recorded_as_one(texts, practice, provider):
    ann = waitlisted(practice, provider, first_name="Ann")
    free_slot(practice, provider)
    send_offers()
    texts.send("no thanks", sender=ann.mobile)
    db.session.expire_all()
    [reading] = db.session.scalars(select(Event).where(Event.kind == EventKind.REPLY_READ))
    assert (reading.accepted, reading.reading_label) == (False, "No to a waitlist offer")
