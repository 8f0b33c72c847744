"""A site in another time zone than the practice: staff book, read and edit its visits on
the site's clock, the zone named where it differs; the day they fall on stays the
practice's."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from reminder_app.appointments import csv_import, service, visits
from reminder_app.extensions import db
from reminder_app.models import Appointment, Language
from reminder_app.reminders import templates
from reminder_app.timezones import on_site_clock, to_utc
from reminder_app.transactions import unit_of_work
from tests.factories import STAFF, make_patient

NEW_YORK, DENVER = ZoneInfo("America/New_York"), ZoneInfo("America/Denver")


@pytest.fixture
def december() -> date:
    """A December day ahead (Denver on MST, seven hours behind UTC; New York on EST)."""
    return date(datetime.now(UTC).year + 1, 12, 15)


@pytest.fixture
def denver(practice):
    with unit_of_work():
        return visits.add_location(practice, name="Denver", address="1 Main St",
                                   timezone="America/Denver")


@pytest.fixture
def uptown(practice):
    with unit_of_work():
        return visits.add_location(practice, name="Uptown")


def booking(patient, provider, day, hh_mm, site):
    return {"patient": str(patient.id), "provider": str(provider.id), "date": day.isoformat(),
            "time": hh_mm, "duration_minutes": "", "reason": "", "location": str(site.id)}


def test_nine_at_the_denver_site_of_a_new_york_practice_is_nine_in_denver(
        client, practice, patient, provider, december, denver, uptown):
    page = client.get("/appointments/new").get_data(as_text=True)
    assert ">Denver (times in America/Denver)</option>" in page and ">Uptown</option>" in page
    response = client.post("/appointments/new",
                           data=booking(patient, provider, december, "09:00", denver))
    assert response.status_code == 303
    appointment = db.session.scalar(select(Appointment))
    assert appointment.starts_at == datetime.combine(december, time(16), tzinfo=UTC)
    # the day it falls on is the practice's: the redirect goes to that day
    assert response.headers["Location"].endswith(f"date={december.isoformat()}")


def test_a_site_without_its_own_zone_and_no_site_keep_the_practices_clock(
        client, practice, patient, provider, december, denver, uptown):
    client.post("/appointments/new", data=booking(patient, provider, december, "09:00", uptown))
    client.post("/appointments/new", data={**booking(patient, provider, december, "10:00",
                                                     uptown), "location": "0"})
    starts = list(db.session.scalars(select(Appointment.starts_at).order_by(Appointment.id)))
    assert starts == [to_utc(december, time(9), NEW_YORK), to_utc(december, time(10), NEW_YORK)]


def test_the_day_view_names_the_zone_only_for_the_site_on_another_clock(
        client, practice, patient, provider, december, denver, uptown):
    other = make_patient(practice, first_name="Ben")
    with unit_of_work():
        in_denver = service.book(practice, patient=patient, provider=provider,
                                 starts_at=to_utc(december, time(9), DENVER), location=denver,
                                 actor=STAFF)
        service.book(practice, patient=other, provider=provider,
                     starts_at=to_utc(december, time(9), NEW_YORK), location=uptown,
                     actor=STAFF)
    listed = client.get(f"/appointments/day?date={december}&view=list").get_data(as_text=True)
    assert "09:00–09:15 MST" in listed  # Denver's 9:00, not New York's 11:00
    assert "09:00–09:15<" in listed  # Uptown's, on the practice's clock: no zone named
    assert "11:00–" not in listed and "EST" not in listed
    columns = client.get(f"/appointments/day?date={december}").get_data(as_text=True)
    assert '<span class="day-time">09:00 MST</span>' in columns
    assert '<span class="day-time">09:00</span>' in columns
    shown = client.get(f"/appointments/{in_denver.id}").get_data(as_text=True)
    assert f"{december:%A %d %B %Y}, 09:00 MST" in shown


def test_the_edit_form_shows_the_sites_time_and_saving_it_changes_nothing(
        client, practice, patient, provider, december, denver, uptown):
    with unit_of_work():
        appointment = service.book(practice, patient=patient, provider=provider,
                                   starts_at=to_utc(december, time(9), DENVER),
                                   location=denver, actor=STAFF)
    starts = appointment.starts_at
    page = client.get(f"/appointments/{appointment.id}/edit").get_data(as_text=True)
    assert 'value="09:00"' in page and "09:00 MST" in page
    response = client.post(f"/appointments/{appointment.id}/edit", data={
        **booking(patient, provider, december, "09:00", denver), "duration_minutes": "15"})
    assert response.status_code == 303
    db.session.expire_all()
    assert appointment.starts_at == starts == datetime.combine(december, time(16), tzinfo=UTC)
    moved = client.get(f"/appointments/{appointment.id}/move").get_data(as_text=True)
    assert 'value="09:00"' in moved


def test_the_reminder_text_says_the_sites_nine(
        client, practice, patient, provider, december, denver):
    client.post("/appointments/new", data=booking(patient, provider, december, "09:00", denver))
    appointment = db.session.scalar(select(Appointment))
    body = templates.default_templates(name_provider=False)[Language.EN]
    text = templates.render(body, templates.details_of(appointment, practice))
    assert "9:00 AM" in text and "11:00 AM" not in text


def test_an_overlap_across_sites_is_still_found_and_named_on_each_sites_clock(
        client, practice, patient, provider, december, denver, uptown):
    with unit_of_work():
        service.book(practice, patient=make_patient(practice, first_name="Ben"),
                     provider=provider, starts_at=to_utc(december, time(11), NEW_YORK),
                     location=uptown, actor=STAFF)
    response = client.post("/appointments/new", follow_redirects=True,
                           data=booking(patient, provider, december, "09:00", denver))
    page = response.get_data(as_text=True)
    assert "already has an appointment at that time: 11:00 (Ben" in page
    assert "at 09:00 MST." in page  # the booked message on Denver's clock


def test_the_zone_is_named_only_where_the_clocks_read_differently():
    winter = datetime(2026, 12, 15, 16, tzinfo=UTC)
    assert on_site_clock(winter, DENVER, NEW_YORK) == "09:00 MST"
    assert on_site_clock(winter, NEW_YORK, NEW_YORK) == "11:00"
    # Phoenix keeps MST all year: in winter it reads as Denver does, in summer it does not
    phoenix = ZoneInfo("America/Phoenix")
    assert on_site_clock(winter, phoenix, DENVER) == "09:00"
    assert on_site_clock(datetime(2026, 6, 15, 16, tzinfo=UTC), phoenix, DENVER) == "09:00 MST"


def test_a_csv_row_at_the_denver_site_is_read_on_denvers_clock(
        practice, patient, provider, december, denver, uptown):
    text = ("patient name,mobile,start,provider,site\n"
            f"Ana Reyes,+12015550123,{december} 09:00,Dr. Amelia Reyes,Denver\n"
            f"Ana Reyes,+12015550123,{december} 09:00,Dr. Amelia Reyes,Uptown\n")
    in_denver, uptown_row = csv_import.preview(practice, text).rows
    assert in_denver.starts_at == datetime.combine(december, time(16), tzinfo=UTC)
    assert uptown_row.starts_at == to_utc(december, time(9), NEW_YORK)
