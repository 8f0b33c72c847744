"""A signed-in New York practice with an address, its provider Dr. Amelia Reyes, the
patient Jane Smithson, and the iCalendar checks every file the app serves must pass."""

import logging
import warnings
from datetime import UTC, datetime

import icalendar
import pytest
import vobject

from reminder_app.extensions import db
from tests.appointments import conftest as appointments
from tests.factories import make_patient

#: The signed-in owner of a New York practice, and Dr. Amelia Reyes: the appointments tests'.
owner, practice, provider = appointments.owner, appointments.practice, appointments.provider

#: "Now" of the feeds built in these tests: a week before New York springs forward.
NOW = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
ADDRESS = "12 Main Street, Springfield, NJ 07081"


@pytest.fixture
def practice_address(practice):
    practice.address = ADDRESS
    db.session.commit()
    return ADDRESS


@pytest.fixture
def patient(practice):
    return make_patient(practice, first_name="Jane", last_name="Smithson")


def events(data: bytes) -> dict[str, icalendar.Event]:
    """The VEVENTs of an iCalendar file, by UID."""
    return {str(event.uid): event for event in icalendar.Calendar.from_ical(data).events}


def only_event(data: bytes) -> icalendar.Event:
    (event,) = events(data).values()
    return event


def assert_valid_icalendar(data: bytes, caplog) -> None:
    """What a calendar program needs to take the file without a warning."""
    lines = data.split(b"\r\n")
    assert lines[-1] == b"", "the file must end with CRLF"
    assert not any(b"\r" in line or b"\n" in line for line in lines), "lines end with CRLF only"
    too_long = [line for line in lines if len(line) > 75]
    assert not too_long, f"lines longer than 75 octets: {too_long}"
    assert data.decode("utf-8"), "iCalendar's charset is UTF-8"

    calendar = icalendar.Calendar.from_ical(data)
    assert calendar.to_ical() == data, "icalendar does not read back what was written"
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert calendar.get_missing_tzids() == set(), "a TZID without its VTIMEZONE"
    for event in calendar.events:
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE", "STATUS", "SUMMARY"):
            assert name in event, f"VEVENT without {name}"

    caplog.clear()
    with warnings.catch_warnings(), caplog.at_level(logging.WARNING):
        warnings.simplefilter("error")
        parsed = vobject.readOne(data.decode("utf-8"), validate=True)
        assert parsed.validate(raiseException=True, complainUnrecognized=True)
        for event in getattr(parsed, "vevent_list", []):
            assert event.dtstart.value.tzinfo is not None, "a start on no clock"
    assert not caplog.records, f"vobject warned: {[r.getMessage() for r in caplog.records]}"
