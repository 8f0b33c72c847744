"""Who fits a freed slot, and in which order they are offered it."""

from datetime import UTC, datetime, time, timedelta

import pytest

from reminder_app.appointments import service as appointments
from reminder_app.extensions import db
from reminder_app.models import AppointmentStatus, FreedSlot, Priority, WaitlistEntry
from reminder_app.waitlist.matching import candidates, fits
from tests.factories import STAFF, make_appointment
from tests.waitlist.conftest import free_slot, local_time, offered_patients, waitlisted

MONDAY = 0


def entry(**fields) -> WaitlistEntry:
    values = dict(weekdays=0b1111111, earliest_time=time(8), latest_time=time(18),
                  available_from=None, notice_minutes=120)
    values.update(fields)
    return WaitlistEntry(**values)


def slot_at(practice, local: datetime, minutes: int = 30) -> FreedSlot:
    return FreedSlot(starts_at=local.astimezone(UTC), duration_minutes=minutes)


@pytest.fixture
def monday_10am(practice):
    """Monday 7 December 2026, 10:00 in New York."""
    return datetime(2026, 12, 7, 10, 0, tzinfo=practice.zone)


def test_an_entry_fits_a_slot_on_its_days_within_its_hours(practice, monday_10am):
    now = monday_10am - timedelta(days=1)
    slot = slot_at(practice, monday_10am)
    assert fits(entry(), slot, practice, now)
    assert not fits(entry(weekdays=0b1111110), slot, practice, now)  # not on Mondays
    assert not fits(entry(earliest_time=time(10, 1)), slot, practice, now)
    assert fits(entry(latest_time=time(10, 30)), slot, practice, now)  # ends right on time
    assert not fits(entry(latest_time=time(10, 29)), slot, practice, now)
    assert not fits(entry(available_from=monday_10am.date() + timedelta(days=1)), slot,
                    practice, now)
    assert fits(entry(available_from=monday_10am.date()), slot, practice, now)


def test_an_entry_needs_its_notice(practice, monday_10am):
    slot = slot_at(practice, monday_10am)
    three_hours_before = monday_10am.astimezone(UTC) - timedelta(hours=3)
    assert fits(entry(notice_minutes=180), slot, practice, three_hours_before)
    assert not fits(entry(notice_minutes=181), slot, practice, three_hours_before)


def test_hours_are_the_practices_local_time(practice, monday_10am):
    """10:00 in New York is 15:00 UTC: an entry for 8–12 fits, in any server zone."""
    slot = slot_at(practice, monday_10am)
    assert fits(entry(earliest_time=time(9), latest_time=time(12)), slot, practice,
                monday_10am - timedelta(days=1))


def test_best_first_is_priority_then_longest_waiting(practice, provider):
    start = datetime.now(UTC) - timedelta(days=10)
    normal_early = waitlisted(practice, provider, now=start)
    low = waitlisted(practice, provider, priority=Priority.LOW, now=start)
    normal_late = waitlisted(practice, provider, now=start + timedelta(days=1))
    high_latest = waitlisted(practice, provider, priority=Priority.HIGH,
                             now=start + timedelta(days=2))
    practice.offer_wave_size = 4
    db.session.commit()
    slot = free_slot(practice, provider)
    assert offered_patients(slot) == [high_latest.id, normal_early.id, normal_late.id, low.id]


def test_only_the_slots_provider_list_counts(practice, provider, other_provider):
    mine = waitlisted(practice, provider)
    waitlisted(practice, other_provider)
    assert offered_patients(free_slot(practice, provider)) == [mine.id]


def test_a_patient_on_two_lists_is_offered_either_providers_slot_one_at_a_time(
        practice, provider, other_provider):
    both = waitlisted(practice, provider, other_provider)
    first = free_slot(practice, provider)
    second = free_slot(practice, other_provider, starts_at=local_time(practice, days=3))
    assert offered_patients(first) == [both.id]
    assert offered_patients(second) == []  # one open offer at a time: a YES is never ambiguous

    from reminder_app.waitlist import offers
    [offer] = first.offers
    offer.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    offer.offered_at = offer.expires_at - timedelta(minutes=15)  # its hold is over
    db.session.commit()
    slot = db.session.get(FreedSlot, second.id)
    slot.next_wave_at = datetime.now(UTC)
    db.session.commit()
    offers.advance()
    assert offered_patients(second) == [both.id]


def test_who_is_never_offered_a_slot(practice, provider):
    from reminder_app.waitlist import service as waitlist

    no_consent = waitlisted(practice, provider)
    no_consent.sms_consent = False
    opted_out = waitlisted(practice, provider)
    opted_out.opt_out(datetime.now(UTC))
    removed = waitlisted(practice, provider)
    waitlist.remove(waitlist.active_entry(removed))
    busy = waitlisted(practice, provider)
    slot_time = local_time(practice)
    make_appointment(practice, patient=busy, starts_at=slot_time - timedelta(minutes=15),
                     duration_minutes=30)  # overlaps the slot's first quarter hour
    free_before = waitlisted(practice, provider)
    make_appointment(practice, patient=free_before, starts_at=slot_time - timedelta(minutes=30),
                     duration_minutes=30)  # ends as the slot begins
    db.session.commit()
    slot = free_slot(practice, provider, starts_at=slot_time)
    assert offered_patients(slot) == [free_before.id]


def test_the_patient_who_cancelled_is_not_offered_their_own_slot(practice, provider):
    patient = waitlisted(practice, provider)
    appointment = make_appointment(practice, patient=patient, provider=provider,
                                   starts_at=local_time(practice))
    appointments.cancel(appointment, actor=STAFF)
    assert appointment.status is AppointmentStatus.CANCELLED_BY_STAFF
    slot = db.session.query(FreedSlot).one()
    assert offered_patients(slot) == []


def test_candidates_leave_out_who_was_already_offered(practice, provider):
    practice.offer_wave_size = 1
    db.session.commit()
    first = waitlisted(practice, provider)
    second = waitlisted(practice, provider)
    slot = free_slot(practice, provider)
    assert offered_patients(slot) == [first.id]
    assert [entry.patient_id for entry in candidates(slot, practice, datetime.now(UTC))] == \
        [second.id]
