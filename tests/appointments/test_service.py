"""Booking, moving, cancelling and closing appointments (service functions, no HTTP)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.models import Appointment, AppointmentStatus, CancelledBy
from reminder_app.timezones import local, to_utc
from reminder_app.transactions import unit_of_work
from tests.factories import STAFF, make_appointment, make_patient, make_practice, make_provider

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=2)
S = AppointmentStatus


@pytest.fixture
def practice(app):
    return make_practice().practice


@pytest.fixture
def patient(practice):
    return make_patient(practice)


@pytest.fixture
def provider(practice):
    return make_provider(practice, "Dr. Amelia Reyes")


def book(practice, patient, provider, starts_at=LATER, **kwargs):
    with unit_of_work():  # the test is the edge that books
        return service.book(practice, patient=patient, provider=provider, starts_at=starts_at,
                            now=NOW, **{"actor": STAFF, **kwargs})


def test_booking_stores_a_booked_appointment_in_utc(practice, patient, provider):
    appointment = book(practice, patient, provider, duration_minutes=30, reason=" Check-up ")
    stored = db.session.get(Appointment, appointment.id)
    assert stored.status is S.BOOKED and stored.starts_at == LATER
    assert stored.starts_at.tzinfo is not None and stored.duration_minutes == 30
    assert stored.reason == "Check-up" and stored.practice_id == practice.id


def test_booking_in_the_past_is_refused(practice, patient, provider):
    with pytest.raises(service.AppointmentError, match="already passed") as raised:
        book(practice, patient, provider, starts_at=NOW - timedelta(minutes=1))
    assert raised.value.field == "starts_at"
    assert db.session.scalar(select(Appointment)) is None


def test_another_practices_patient_or_provider_cannot_be_booked(practice, patient, provider):
    other = make_practice().practice
    with pytest.raises(service.AppointmentError) as raised:
        book(practice, make_patient(other), provider)
    assert raised.value.field == "patient"
    with pytest.raises(service.AppointmentError) as raised:
        book(practice, patient, make_provider(other))
    assert raised.value.field == "provider"


def test_an_inactive_provider_cannot_be_booked(practice, patient):
    with pytest.raises(service.AppointmentError, match="no longer takes appointments"):
        book(practice, patient, make_provider(practice, active=False))


@pytest.mark.parametrize("minutes", [0, 4, 481])
def test_the_length_must_be_between_5_minutes_and_8_hours(practice, patient, provider,
                                                          minutes):
    with pytest.raises(service.AppointmentError) as raised:
        book(practice, patient, provider, duration_minutes=minutes)
    assert raised.value.field == "duration_minutes"


def test_overlapping_finds_the_providers_other_appointments_sharing_time(practice, patient,
                                                                         provider):
    noon = book(practice, patient, provider, duration_minutes=30)
    half_past = book(practice, patient, provider, starts_at=LATER + timedelta(minutes=30))
    cancelled = book(practice, patient, provider, starts_at=LATER + timedelta(minutes=10))
    service.cancel(cancelled, actor=STAFF)
    other_provider = make_provider(practice)
    assert service.overlapping(provider, LATER + timedelta(minutes=5), 15) == [noon]
    # ending exactly when the next one starts is no overlap
    assert service.overlapping(provider, LATER + timedelta(minutes=30), 15) == [half_past]
    assert service.overlapping(provider, LATER - timedelta(minutes=15), 15) == []
    assert service.overlapping(other_provider, LATER, 30) == []
    assert service.overlapping(provider, LATER, 30, exclude_id=noon.id) == []


def test_a_long_appointment_that_started_earlier_still_overlaps(practice, patient, provider):
    long = book(practice, patient, provider, duration_minutes=service.MAX_DURATION)
    late = LATER + timedelta(minutes=service.MAX_DURATION - 10)
    assert service.overlapping(provider, late, 15) == [long]


def test_an_overlapping_booking_is_made_with_a_warning(practice, patient, provider):
    book(practice, patient, provider)
    second = book(practice, make_patient(practice), provider)
    warning = service.overlap_warning(second, ZoneInfo("America/New_York"))
    assert second.id and "Dr. Amelia Reyes already has an appointment" in warning
    assert patient.full_name in warning


def test_moving_a_confirmed_appointment_asks_for_a_new_confirmation(practice, patient,
                                                                    provider):
    appointment = book(practice, patient, provider)
    service.confirm(appointment, actor=STAFF)
    other = make_provider(practice)
    service.move(appointment, practice, starts_at=LATER + timedelta(hours=3), provider=other,
                 now=NOW, actor=STAFF)
    db.session.expire_all()
    assert appointment.starts_at == LATER + timedelta(hours=3)
    assert appointment.provider_id == other.id and appointment.status is S.BOOKED


def test_moving_after_a_reschedule_request_settles_the_callback(practice, patient, provider):
    appointment = book(practice, patient, provider)
    appointment.request_reschedule()
    db.session.commit()
    service.move(appointment, practice, starts_at=LATER + timedelta(days=1), now=NOW, actor=STAFF)
    assert appointment.status is S.BOOKED and appointment.needs_callback is False


def test_moving_into_the_past_is_refused(practice, patient, provider):
    appointment = book(practice, patient, provider)
    with pytest.raises(service.AppointmentError, match="already passed"):
        service.move(appointment, practice, starts_at=NOW - timedelta(hours=1), now=NOW,
                     actor=STAFF)
    db.session.rollback()
    assert db.session.get(Appointment, appointment.id).starts_at == LATER


def test_a_cancelled_appointment_cannot_be_moved_or_edited(practice, patient, provider):
    appointment = book(practice, patient, provider)
    service.cancel(appointment, actor=STAFF)
    with pytest.raises(service.StatusChangeRefused, match="can no longer be moved"):
        service.move(appointment, practice, starts_at=LATER + timedelta(hours=1), now=NOW,
                     actor=STAFF)
    with pytest.raises(service.StatusChangeRefused, match="can no longer be changed"):
        service.edit(appointment, practice, reason="Other", now=NOW, actor=STAFF)


def test_editing_length_and_reason_keeps_the_confirmation(practice, patient, provider):
    appointment = book(practice, patient, provider)
    service.confirm(appointment, actor=STAFF)
    service.edit(appointment, practice, starts_at=LATER, duration_minutes=45,
                 reason="Follow-up", now=NOW, actor=STAFF)
    assert appointment.status is S.CONFIRMED
    assert (appointment.duration_minutes, appointment.reason) == (45, "Follow-up")


def test_editing_the_start_is_a_move(practice, patient, provider):
    appointment = book(practice, patient, provider)
    service.confirm(appointment, actor=STAFF)
    service.edit(appointment, practice, starts_at=LATER + timedelta(hours=1), now=NOW, actor=STAFF)
    assert appointment.status is S.BOOKED


@pytest.mark.parametrize(("by", "status"), [(CancelledBy.PATIENT, S.CANCELLED_BY_PATIENT),
                                            (CancelledBy.STAFF, S.CANCELLED_BY_STAFF)])
def test_cancelling_records_who_cancelled(practice, patient, provider, by, status):
    appointment = book(practice, patient, provider)
    service.cancel(appointment, by=by, actor=STAFF)
    db.session.expire_all()
    assert appointment.status is status


def test_completed_or_no_show_only_once_the_appointment_has_started(practice, patient,
                                                                   provider):
    appointment = book(practice, patient, provider)
    with pytest.raises(service.StatusChangeRefused, match="not started yet"):
        service.mark_completed(appointment, now=NOW, actor=STAFF)
    with pytest.raises(service.StatusChangeRefused, match="not started yet"):
        service.mark_no_show(appointment, now=NOW, actor=STAFF)
    service.mark_no_show(appointment, now=LATER, actor=STAFF)
    assert appointment.status is S.NO_SHOW
    service.mark_completed(appointment, now=LATER, actor=STAFF)
    assert appointment.status is S.COMPLETED


@pytest.mark.parametrize(("zone", "day"), [
    ("America/New_York", date(2026, 3, 7)), ("America/New_York", date(2026, 3, 8)),
    ("America/New_York", date(2026, 3, 9)), ("America/New_York", date(2026, 10, 31)),
    ("America/New_York", date(2026, 11, 1)), ("America/New_York", date(2026, 11, 2)),
    ("Australia/Sydney", date(2026, 4, 4)), ("Australia/Sydney", date(2026, 4, 5)),
    ("Australia/Sydney", date(2026, 4, 6)), ("Australia/Sydney", date(2026, 10, 3)),
    ("Australia/Sydney", date(2026, 10, 4)), ("Australia/Sydney", date(2026, 10, 5)),
])
def test_a_booking_keeps_its_wall_clock_time_around_dst_changes(app, zone, day):
    practice = make_practice(timezone=zone).practice
    starts_at = to_utc(day, time(9, 30), practice.zone)
    appointment = book(practice, make_patient(practice), make_provider(practice), starts_at,
                       duration_minutes=60)
    db.session.expire_all()
    stored = db.session.get(Appointment, appointment.id)
    assert local(stored.starts_at, practice.zone).replace(tzinfo=None) == datetime.combine(
        day, time(9, 30))
    assert local(stored.ends_at, practice.zone).time() == time(10, 30)


def test_moving_across_a_dst_change_keeps_the_wall_clock_time_asked_for(practice, patient,
                                                                        provider):
    zone = ZoneInfo("America/New_York")
    appointment = book(practice, patient, provider,
                       starts_at=to_utc(date(2026, 3, 6), time(9, 0), zone))
    service.move(appointment, practice, starts_at=to_utc(date(2026, 3, 9), time(9, 0), zone),
                 now=NOW, actor=STAFF)
    assert local(appointment.starts_at, zone).time() == time(9, 0)
    assert appointment.starts_at - to_utc(date(2026, 3, 6), time(9, 0), zone) == timedelta(
        days=3, hours=-1)


def test_factory_appointments_belong_to_the_practice_given(practice):
    assert make_appointment(practice).practice_id == practice.id


def test_double_booked_marks_the_appointments_sharing_a_providers_time(practice, patient,
                                                                        provider):
    noon = book(practice, patient, provider, duration_minutes=30)
    twenty_past = book(practice, patient, provider, starts_at=LATER + timedelta(minutes=20))
    after = book(practice, patient, provider, starts_at=LATER + timedelta(minutes=35))
    cancelled = book(practice, patient, provider, starts_at=LATER + timedelta(minutes=40))
    service.cancel(cancelled, actor=STAFF)
    elsewhere = book(practice, patient, make_provider(practice), starts_at=LATER)
    shown = [noon, twenty_past, after, cancelled, elsewhere]
    # 12:20–12:35 touches 12:35 without sharing a minute; a cancelled time is free
    assert service.double_booked(shown) == {noon.id, twenty_past.id}
    assert service.double_booked([noon, after, cancelled, elsewhere]) == set()


def test_a_long_appointment_double_books_each_one_inside_it(practice, patient, provider):
    long = book(practice, patient, provider, duration_minutes=120)
    early = book(practice, patient, provider, starts_at=LATER + timedelta(minutes=15))
    late = book(practice, patient, provider, starts_at=LATER + timedelta(minutes=90))
    after = book(practice, patient, provider, starts_at=LATER + timedelta(minutes=120))
    assert service.double_booked([after, late, early, long]) == {long.id, early.id, late.id}
