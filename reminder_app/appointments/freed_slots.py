"""What became of the time an appointment freed, as staff read it on the day view and after
a cancellation. The waitlist writes these rows (waitlist/offers.py); this only reads the
models, so appointments need not import the waitlist, which sits above them."""

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Appointment, FreedSlot, Offer, SlotStatus


def outcome_for_staff(appointment: Appointment) -> str:
    """After a cancellation: a sentence on what became of its time, for the flash."""
    slot = db.session.scalar(select(FreedSlot).where(FreedSlot.appointment_id == appointment.id))
    if slot is None:
        return ""
    if slot.status is SlotStatus.OFFERING and slot.offers:
        count = len(slot.offers)
        return (f"The time is offered by SMS to {count} waitlisted patient"
                f"{'' if count == 1 else 's'}; the first to answer YES gets it.")
    if slot.status is SlotStatus.OFFERING and slot.reason:
        return "No one on the waitlist fits that time yet; it stays offered while it can be."
    if slot.status is SlotStatus.OFFERING:
        return "It will be offered to the waitlist when quiet hours end."
    return f"Not offered to the waitlist: {slot.reason[:1].lower()}{slot.reason[1:]}"


def slots_for(appointment_ids: list[int]) -> dict[int, FreedSlot]:
    """What became of the time each of these appointments freed (offers and who took it
    loaded), by appointment id; and the slots these appointments themselves refilled, by
    the refilling appointment's id. For the day view, in three queries however many."""
    if not appointment_ids:
        return {}
    found = {}
    for slot in db.session.scalars(
            select(FreedSlot).where(or_(FreedSlot.appointment_id.in_(appointment_ids),
                                        FreedSlot.filled_appointment_id.in_(appointment_ids)))
            .options(selectinload(FreedSlot.offers).selectinload(Offer.patient))):
        found[slot.appointment_id] = slot
        if slot.filled_appointment_id:
            found[slot.filled_appointment_id] = slot
    return found
