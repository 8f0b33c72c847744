"""Which status changes an appointment allows."""

from datetime import UTC, datetime, timedelta

import pytest

from reminder_app.models import Appointment, AppointmentStatus, CancelledBy, StatusChangeRefused

S = AppointmentStatus
OPEN = [S.BOOKED, S.CONFIRMED, S.RESCHEDULE_REQUESTED]
CLOSED = [S.CANCELLED_BY_PATIENT, S.CANCELLED_BY_STAFF, S.COMPLETED, S.NO_SHOW]


def appointment(status: AppointmentStatus) -> Appointment:
    return Appointment(status=status, needs_callback=False, duration_minutes=15)


@pytest.mark.parametrize("status", OPEN)
def test_an_open_appointment_can_be_confirmed(status):
    a = appointment(status)
    a.confirm()
    assert a.status is S.CONFIRMED


@pytest.mark.parametrize("status", OPEN)
def test_cancelling_records_who_cancelled_and_drops_the_callback(status):
    by_patient, by_staff = appointment(status), appointment(status)
    by_patient.needs_callback = True
    by_patient.cancel(CancelledBy.PATIENT)
    by_staff.cancel(CancelledBy.STAFF)
    assert by_patient.status is S.CANCELLED_BY_PATIENT and not by_patient.needs_callback
    assert by_staff.status is S.CANCELLED_BY_STAFF


def test_a_reschedule_request_asks_staff_to_call_back():
    a = appointment(S.CONFIRMED)
    a.request_reschedule()
    assert a.status is S.RESCHEDULE_REQUESTED and a.needs_callback


def test_rebooking_needs_a_new_confirmation_and_settles_the_callback():
    a = appointment(S.RESCHEDULE_REQUESTED)
    a.needs_callback = True
    a.rebook()
    assert a.status is S.BOOKED and not a.needs_callback


@pytest.mark.parametrize("status", CLOSED)
@pytest.mark.parametrize("change", ["confirm", "request_reschedule", "rebook"])
def test_a_closed_appointment_cannot_be_confirmed_rescheduled_or_moved(status, change):
    with pytest.raises(StatusChangeRefused):
        getattr(appointment(status), change)()


@pytest.mark.parametrize("status", CLOSED)
def test_a_closed_appointment_cannot_be_cancelled(status):
    with pytest.raises(StatusChangeRefused, match="cannot be cancelled"):
        appointment(status).cancel(CancelledBy.STAFF)


@pytest.mark.parametrize("status", [*OPEN, S.NO_SHOW])
def test_an_open_appointment_or_a_mistaken_no_show_can_be_completed(status):
    a = appointment(status)
    a.mark_completed()
    assert a.status is S.COMPLETED


@pytest.mark.parametrize("status", [*OPEN, S.COMPLETED])
def test_an_open_appointment_or_a_mistaken_completion_can_be_a_no_show(status):
    a = appointment(status)
    a.mark_no_show()
    assert a.status is S.NO_SHOW


@pytest.mark.parametrize("status", [S.CANCELLED_BY_PATIENT, S.CANCELLED_BY_STAFF])
def test_a_cancelled_appointment_cannot_be_completed_or_a_no_show(status):
    with pytest.raises(StatusChangeRefused):
        appointment(status).mark_completed()
    with pytest.raises(StatusChangeRefused):
        appointment(status).mark_no_show()


def test_ends_at_is_start_plus_duration():
    from datetime import UTC, datetime

    a = Appointment(starts_at=datetime(2026, 3, 8, 6, 50, tzinfo=UTC), duration_minutes=20)
    assert a.ends_at == datetime(2026, 3, 8, 7, 10, tzinfo=UTC)


NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("status", "starts_in", "refilled", "free"), [
    (S.CANCELLED_BY_PATIENT, timedelta(hours=1), False, True),
    (S.CANCELLED_BY_STAFF, timedelta(hours=1), False, True),
    (S.CANCELLED_BY_PATIENT, timedelta(hours=1), True, False),  # the waitlist took it
    (S.CANCELLED_BY_PATIENT, -timedelta(minutes=1), False, False),  # past
    (S.BOOKED, timedelta(hours=1), False, False),
    (S.CONFIRMED, timedelta(hours=1), False, False),
])
def test_a_cancelled_time_ahead_that_no_one_took_is_free(status, starts_in, refilled, free):
    a = appointment(status)
    a.starts_at = NOW + starts_in
    assert a.leaves_time_free(NOW, refilled=refilled) is free


@pytest.mark.parametrize(("status", "completable", "no_show"), [
    (S.BOOKED, True, True), (S.CONFIRMED, True, True), (S.RESCHEDULE_REQUESTED, True, True),
    (S.COMPLETED, False, True), (S.NO_SHOW, True, False),
    (S.CANCELLED_BY_PATIENT, False, False), (S.CANCELLED_BY_STAFF, False, False),
])
def test_staff_may_close_a_started_appointment_as_its_status_allows(status, completable,
                                                                     no_show):
    started, ahead = appointment(status), appointment(status)
    started.starts_at, ahead.starts_at = NOW - timedelta(minutes=5), NOW + timedelta(minutes=5)
    assert started.can_mark_completed(NOW) is completable
    assert started.can_mark_no_show(NOW) is no_show
    assert not ahead.can_mark_completed(NOW) and not ahead.can_mark_no_show(NOW)
