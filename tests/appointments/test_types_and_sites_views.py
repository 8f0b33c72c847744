"""The pages of appointment types and sites: settings (owners change, everyone reads),
booking and editing with a type and a site, the day view's site filter, and the CSV
columns."""

from sqlalchemy import func, select

from reminder_app.appointments import csv_import, service, visits
from reminder_app.extensions import db
from reminder_app.models import Appointment, AppointmentType, Location, ReminderRule
from reminder_app.reminders import rules
from reminder_app.transactions import unit_of_work
from tests.appointments.conftest import at
from tests.factories import (
    STAFF,
    make_appointment,
    make_practice,
    make_provider,
    make_staff,
)


def form(patient, provider, day, hh_mm="10:00", **extra):
    return {"patient": str(patient.id), "provider": str(provider.id), "date": day.isoformat(),
            "time": hh_mm, "duration_minutes": "", "reason": "", **extra}


def add_type(practice, name="Colonoscopy", minutes=45, note="Please fast from midnight."):
    with unit_of_work():
        return visits.add_type(practice, name=name, default_duration_minutes=minutes,
                               prep_note=note)


def add_site(practice, name, **details):
    with unit_of_work():
        return visits.add_location(practice, name=name, **details)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# Settings


def test_an_owner_adds_an_appointment_type(client, practice):
    response = client.post("/settings/appointment-types", data={
        "name": "Phone consultation", "default_duration_minutes": "10",
        "prep_note": "", "prep_note_es": "", "active": "y"})
    assert response.status_code == 303
    [added] = db.session.scalars(select(AppointmentType)).all()
    assert (added.practice_id, added.name, added.default_duration_minutes) == (
        practice.id, "Phone consultation", 10)


def test_the_type_form_refuses_a_blank_name_a_taken_one_and_a_length_out_of_range(
        client, practice):
    add_type(practice)
    for data, message in (
            ({"name": "", "default_duration_minutes": "10"}, "This field is required."),
            ({"name": "colonoscopy", "default_duration_minutes": "10"},
             "Another appointment type already has that name."),
            ({"name": "Long", "default_duration_minutes": "900"}, "Number must be between")):
        page = client.post("/settings/appointment-types", data=data).get_data(as_text=True)
        assert message in page
    assert count(AppointmentType) == 1


def test_unticking_a_reminder_for_a_type_switches_it_off_for_that_type(client, practice):
    phone = add_type(practice, "Phone consultation", 10, note="")
    day_before, same_day = rules.rules_for(practice)
    db.session.commit()
    response = client.post(f"/settings/appointment-types/{phone.id}", data={
        "name": "Phone consultation", "default_duration_minutes": "10", "active": "y",
        "rule": [str(day_before.id)]})
    assert response.status_code == 303
    db.session.expire_all()
    [override] = db.session.scalars(select(ReminderRule).where(
        ReminderRule.appointment_type_id == phone.id)).all()
    assert (override.minutes_before, override.enabled) == (same_day.minutes_before, False)
    page = client.get(f"/settings/appointment-types/{phone.id}").get_data(as_text=True)
    assert f'value="{day_before.id}" id="rule-{day_before.id}" checked' in page
    assert f'value="{same_day.id}" id="rule-{same_day.id}">' in page


def test_staff_read_the_types_and_sites_but_cannot_change_them(client, auth, practice):
    make_staff(practice, email="sam@example.com")
    auth.logout()
    auth.login("sam@example.com")
    assert client.get("/settings/appointment-types").status_code == 200
    assert client.post("/settings/appointment-types",
                       data={"name": "X", "default_duration_minutes": "10"}).status_code == 403
    assert client.post("/settings/sites", data={"name": "X"}).status_code == 403
    assert count(AppointmentType) == count(Location) == 0


def test_an_owner_adds_a_site_with_its_own_zone_and_a_bad_zone_is_refused(client, practice):
    response = client.post("/settings/sites", data={
        "name": "Denver", "address": "1 Main St", "phone": "(303) 555-0100",
        "timezone": "America/Denver", "country": "US", "active": "y"})
    assert response.status_code == 303
    [site] = db.session.scalars(select(Location)).all()
    assert (site.timezone, site.phone) == ("America/Denver", "+13035550100")
    page = client.post("/settings/sites", data={"name": "Mars", "timezone": "Mars/Olympus"}
                       ).get_data(as_text=True)
    assert "Not a valid choice" in page
    assert count(Location) == 1


def test_another_practices_type_or_site_is_not_found(client, practice):
    other = make_practice("Elsewhere").practice
    theirs = add_type(other)
    site = add_site(other, "Uptown")
    assert client.get(f"/settings/appointment-types/{theirs.id}").status_code == 404
    assert client.get(f"/settings/sites/{site.id}").status_code == 404


# Booking


def test_booking_with_a_type_and_no_length_takes_the_types_length(
        client, practice, patient, provider, tomorrow):
    colonoscopy = add_type(practice)
    page = client.get("/appointments/new").get_data(as_text=True)
    assert f'data-durations="{colonoscopy.id}:45"' in page
    response = client.post("/appointments/new", data=form(
        patient, provider, tomorrow, appointment_type=str(colonoscopy.id)))
    assert response.status_code == 303
    appointment = db.session.scalar(select(Appointment))
    assert (appointment.appointment_type_id, appointment.duration_minutes) == (
        colonoscopy.id, 45)


def test_a_practice_without_types_or_with_one_site_sees_no_extra_fields(
        client, practice, patient, provider, tomorrow):
    page = client.get("/appointments/new").get_data(as_text=True)
    assert "Appointment type" not in page and "Site" not in page
    only = add_site(practice, "Main")
    page = client.get("/appointments/new").get_data(as_text=True)
    assert ">Site<" not in page and f'name="location" value="{only.id}"' in page
    client.post("/appointments/new", data=form(patient, provider, tomorrow,
                                               location=str(only.id)))
    assert db.session.scalar(select(Appointment.location_id)) == only.id
    assert "day-location" not in client.get("/appointments/day").get_data(as_text=True)


def test_another_practices_type_is_refused_on_the_booking_form(
        client, practice, patient, provider, tomorrow):
    add_type(practice)
    theirs = add_type(make_practice("Elsewhere").practice, "Checkup")
    page = client.post("/appointments/new", data=form(
        patient, provider, tomorrow, appointment_type=str(theirs.id))).get_data(as_text=True)
    assert "Not a valid choice" in page
    assert count(Appointment) == 0


def test_editing_sets_the_type_and_the_site(client, practice, patient, provider, tomorrow):
    colonoscopy = add_type(practice)
    north, south = add_site(practice, "North"), add_site(practice, "South")
    appointment = make_appointment(practice, patient=patient, provider=provider,
                                   starts_at=at(practice, tomorrow, 10))
    response = client.post(f"/appointments/{appointment.id}/edit", data={
        "provider": str(provider.id), "date": tomorrow.isoformat(), "time": "10:00",
        "duration_minutes": "15", "reason": "", "appointment_type": str(colonoscopy.id),
        "location": str(south.id)})
    assert response.status_code == 303
    db.session.expire_all()
    assert (appointment.appointment_type_id, appointment.location_id) == (
        colonoscopy.id, south.id)
    assert north.id != south.id


# The day view


def test_the_day_view_filters_by_site(client, practice, patient, provider, tomorrow):
    north, south = add_site(practice, "North"), add_site(practice, "South")
    for site, hour in ((north, 9), (south, 11)):
        with unit_of_work():
            service.book(practice, patient=patient, provider=provider,
                         starts_at=at(practice, tomorrow, hour), location=site, actor=STAFF)
    everything = client.get(f"/appointments/day?date={tomorrow}&view=list").get_data(
        as_text=True)
    assert 'id="day-location"' in everything
    assert "09:00–09:15" in everything and "11:00–11:15" in everything
    north_only = client.get(f"/appointments/day?date={tomorrow}&view=list&location={north.id}"
                            ).get_data(as_text=True)
    assert "09:00–09:15" in north_only and "11:00–11:15" not in north_only
    assert f'<option value="{north.id}" selected>North</option>' in north_only
    columns = client.get(f"/appointments/day?date={tomorrow}&location={south.id}")
    assert columns.status_code == 200
    theirs = add_site(make_practice("Elsewhere").practice, "Uptown")
    assert client.get(f"/appointments/day?location={theirs.id}").status_code == 404


# CSV


def test_the_csv_type_and_site_columns(practice, patient, provider, tomorrow):
    colonoscopy = add_type(practice)
    site = add_site(practice, "North")
    text = ("patient name,mobile,start,provider,type,site\n"
            f"Ana Reyes,+12015550123,{tomorrow} 09:00,Dr. Amelia Reyes,colonoscopy,north\n"
            f"Ana Reyes,+12015550123,{tomorrow} 11:00,Dr. Amelia Reyes,Massage,\n"
            f"Ana Reyes,+12015550123,{tomorrow} 12:00,Dr. Amelia Reyes,,Mars\n")
    checked = csv_import.preview(practice, text)
    good, no_type, no_site = checked.rows
    assert good.ok and (good.appointment_type, good.location, good.duration_minutes) == (
        colonoscopy, site, 45)
    assert no_type.errors == ["No appointment type “Massage” is offered; add it under "
                              "Settings, Appointment types, or correct the name."]
    assert no_site.errors == ["No site is called “Mars”; add it under Settings, Sites, or "
                              "correct the name."]
    with unit_of_work():
        result = csv_import.import_valid_rows(practice, checked, consent=False, actor=STAFF)
    [(_line, booked)] = result.imported
    assert (booked.appointment_type_id, booked.location_id) == (colonoscopy.id, site.id)


def test_an_owner_scopes_a_rule_to_a_provider_from_the_rule_page(client, practice, provider):
    make_provider(practice, "Dr. Omar Said")
    page = client.get("/reminders/rules/new").get_data(as_text=True)
    assert "Only for appointments with" in page
    response = client.post("/reminders/rules/new", data={
        "hours_before": "48", "enabled": "y", "appointment_type": "0",
        "provider": str(provider.id),
        "body_en": "{practice_name}: Dr. Reyes sees you {date} at {time}. {opt_out}",
        "body_es": "{practice_name}: cita el {date} a las {time}. {opt_out}"})
    assert response.status_code == 303
    [scoped] = [rule for rule in rules.rules_for(practice) if rule.is_scoped]
    assert (scoped.provider_id, scoped.appointment_type_id) == (provider.id, None)
    assert "Dr. Amelia Reyes" in client.get("/reminders/rules").get_data(as_text=True)
