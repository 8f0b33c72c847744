"""What a provider's feed and an appointment's file say: which appointments, on which clock,
with which status, under a UID that never changes and a SEQUENCE that grows; patients named
in full only in the download; and files any calendar program's parser takes as they are."""

from datetime import UTC, date, timedelta

import pytest
import vobject
from icalendar import Calendar

from reminder_app.calendars.feeds import (
    EVENT_STATUS,
    calendar_for_appointment,
    calendar_for_provider,
    feed_url,
)
from reminder_app.extensions import db
from reminder_app.models import AppointmentStatus as S
from tests.appointments.conftest import at
from tests.factories import make_appointment, make_patient, make_provider

from .conftest import ADDRESS, NOW, assert_valid_icalendar, events, only_event


@pytest.fixture
def book(practice, provider, patient):
    """Book Jane with Dr. Reyes on a local day and hour (March 2026 unless told)."""
    def book(day: date = date(2026, 3, 5), hour: int = 10, **fields):
        fields.setdefault("patient", patient)
        fields.setdefault("provider", provider)
        return make_appointment(practice, starts_at=at(practice, day, hour), **fields)
    return book


def feed(provider, now=NOW) -> bytes:
    return calendar_for_provider(provider, now)


def test_every_appointment_status_has_a_calendar_status():
    assert set(EVENT_STATUS) == set(S)


@pytest.mark.parametrize(("status", "expected"), [
    (S.BOOKED, "TENTATIVE"), (S.RESCHEDULE_REQUESTED, "TENTATIVE"),
    (S.CONFIRMED, "CONFIRMED"), (S.COMPLETED, "CONFIRMED"), (S.NO_SHOW, "CONFIRMED"),
    (S.CANCELLED_BY_PATIENT, "CANCELLED"), (S.CANCELLED_BY_STAFF, "CANCELLED"),
])
def test_each_status_is_told_to_calendars_and_spelled_out_in_the_description(
        book, provider, status, expected):
    book(status=status)
    event = only_event(feed(provider))
    assert event["STATUS"] == expected
    assert f"Status: {status.label}" in event["DESCRIPTION"]


def test_cancelled_appointments_stay_in_the_feed_so_subscribed_calendars_drop_them(
        book, provider):
    kept, cancelled = book(hour=9), book(hour=10, status=S.CANCELLED_BY_PATIENT)
    found = events(feed(provider))
    assert len(found) == 2
    assert found[f"appointment-{cancelled.id}@127.0.0.1"]["STATUS"] == "CANCELLED"
    assert found[f"appointment-{kept.id}@127.0.0.1"]["STATUS"] == "TENTATIVE"


def test_the_feed_holds_the_last_30_days_and_the_next_366_of_this_provider_only(
        practice, provider, patient):
    def book_at(moment, who=provider):
        return make_appointment(practice, patient=patient, provider=who, starts_at=moment).id

    inside = {book_at(NOW - timedelta(days=30)), book_at(NOW),
              book_at(NOW + timedelta(days=366) - timedelta(minutes=1))}
    book_at(NOW - timedelta(days=30, minutes=1))
    book_at(NOW + timedelta(days=366))
    book_at(NOW, who=make_provider(practice, "Dr. Someone Else"))
    assert set(events(feed(provider))) == {f"appointment-{n}@127.0.0.1" for n in inside}


def test_times_are_on_the_practice_clock_either_side_of_the_spring_forward(book, provider):
    winter, summer = book(date(2026, 3, 6), 10), book(date(2026, 3, 9), 10)
    data = feed(provider)
    assert b"DTSTART;TZID=America/New_York:20260306T100000\r\n" in data
    assert b"DTEND;TZID=America/New_York:20260306T101500\r\n" in data
    assert b"DTSTART;TZID=America/New_York:20260309T100000\r\n" in data
    assert b"BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n" in data
    assert b"BEGIN:DAYLIGHT\r\nDTSTART:20260308T030000\r\n" in data
    # An independent parser, reading the VTIMEZONE we wrote, finds the same instants.
    parsed = vobject.readOne(data.decode())
    starts = sorted(event.dtstart.value.astimezone(UTC) for event in parsed.vevent_list)
    assert starts == [winter.starts_at, summer.starts_at]
    assert winter.starts_at.hour == 15 and summer.starts_at.hour == 14


def test_a_download_carries_its_time_zone_too(book):
    appointment = book(date(2026, 7, 1), 16)
    data = calendar_for_appointment(appointment, NOW)
    assert b"DTSTART;TZID=America/New_York:20260701T160000\r\n" in data
    assert Calendar.from_ical(data).get_missing_tzids() == set()


def test_an_appointment_keeps_one_uid_in_the_feed_the_download_and_after_a_new_link(
        app, book, provider):
    appointment = book()
    uid = f"appointment-{appointment.id}@127.0.0.1"
    assert set(events(feed(provider))) == {uid}
    provider.new_calendar_link()
    db.session.commit()
    assert set(events(feed(provider, NOW + timedelta(days=1)))) == {uid}
    assert str(only_event(calendar_for_appointment(appointment, NOW)).uid) == uid
    app.config["PUBLIC_BASE_URL"] = "https://reminders.example.org:8443/app"
    assert str(only_event(feed(provider)).uid) == (
        f"appointment-{appointment.id}@reminders.example.org")
    app.config["PUBLIC_BASE_URL"] = ""
    assert str(only_event(feed(provider)).uid) == f"appointment-{appointment.id}@reminder-app"


def test_the_sequence_grows_when_an_appointment_is_moved(book, provider, practice):
    appointment = book()
    booked_at = NOW - timedelta(hours=1)
    appointment.created_at = appointment.updated_at = booked_at
    db.session.commit()
    before = only_event(feed(provider))
    assert before["SEQUENCE"] == 0

    appointment.starts_at = at(practice, date(2026, 3, 5), 11)
    db.session.commit()
    after = only_event(feed(provider))
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.last_modified == appointment.updated_at.replace(microsecond=0) > booked_at
    assert after.uid == before.uid and after.start.hour == 11


def test_the_event_says_when_it_was_stamped_and_last_changed_in_utc(book, provider):
    appointment = book()
    event = only_event(feed(provider))
    assert event.DTSTAMP == NOW
    assert event.last_modified == appointment.updated_at.replace(microsecond=0)


def test_the_feed_names_the_patient_by_first_name_and_last_initial_only(book, provider):
    book(reason="Blood test")
    data = feed(provider)
    assert only_event(data)["SUMMARY"] == "Jane S. – Blood test"
    assert b"Smithson" not in data


def test_the_download_names_the_patient_in_full(book):
    data = calendar_for_appointment(book(reason="Blood test"), NOW)
    assert only_event(data)["SUMMARY"] == "Jane Smithson – Blood test"


def test_a_patient_without_a_last_name_is_named_by_first_name(practice, book, provider):
    book(patient=make_patient(practice, first_name="Cher", last_name=" "), reason="")
    assert only_event(feed(provider))["SUMMARY"] == "Cher"


def test_the_event_tells_reason_provider_and_where(book, provider, practice_address):
    book(reason="Blood test")
    event = only_event(feed(provider))
    assert event["DESCRIPTION"] == "Status: Booked\nReason: Blood test\nWith: Dr. Amelia Reyes"
    assert event["LOCATION"] == ADDRESS


def test_no_location_when_the_practice_has_no_address(book, provider):
    book()
    assert "LOCATION" not in only_event(feed(provider))


def test_the_feed_is_named_and_asks_to_be_fetched_every_15_minutes(book, provider, practice):
    book()
    data = feed(provider)
    for line in (b"VERSION:2.0", b"PRODID:-//reminder-app//Appointment calendars//EN",
                 b"CALSCALE:GREGORIAN", b"METHOD:PUBLISH",
                 f"X-WR-CALNAME:Dr. Amelia Reyes – {practice.name}".encode(),
                 b"REFRESH-INTERVAL;VALUE=DURATION:PT15M", b"X-PUBLISHED-TTL:PT15M",
                 f"UID:provider-{provider.id}@127.0.0.1".encode()):
        assert b"\r\n" + line + b"\r\n" in data


def test_a_download_has_no_calendar_name_so_programs_add_the_event_to_their_own(book):
    data = calendar_for_appointment(book(), NOW)
    assert b"X-WR-CALNAME" not in data and b"\r\nNAME:" not in data
    assert b"REFRESH-INTERVAL" not in data and b"METHOD:PUBLISH" in data


def test_an_empty_feed_is_a_valid_calendar(provider, caplog):
    assert_valid_icalendar(feed(provider), caplog)


LONG_REASON = ("Consultation de suivi après opération du genou – prévoir résultats d'IRM, "
               "ordonnance et radiographies; 患者は通訳が必要です")


def test_the_feed_passes_the_validators(book, provider, practice, practice_address, caplog):
    for n, status in enumerate(S):
        book(date(2026, 3, 2 + n), 10, status=status, reason=LONG_REASON)
    book(date(2026, 11, 1), 1, reason="Fall-back night, first 01:00")
    data = feed(provider)
    assert len(events(data)) == len(S) + 1
    assert_valid_icalendar(data, caplog)


def test_the_download_passes_the_validators(book, practice_address, caplog):
    data = calendar_for_appointment(book(reason=LONG_REASON, status=S.CONFIRMED), NOW)
    assert_valid_icalendar(data, caplog)


def test_the_feed_address_is_built_from_the_public_base_url(app, provider):
    assert feed_url(provider) is None
    provider.new_calendar_link()
    app.config["PUBLIC_BASE_URL"] = "https://reminders.example.org/"
    with app.test_request_context():
        assert feed_url(provider) == (
            f"https://reminders.example.org/calendar/{provider.calendar_token}.ics")


def test_a_new_link_is_a_fresh_secret_each_time(provider):
    provider.new_calendar_link()
    first = provider.calendar_token
    provider.new_calendar_link()
    assert provider.calendar_token != first and len(first) == 43
    provider.turn_off_calendar_feed()
    assert provider.calendar_token is None
