"""The waitlist pages: each provider's list, adding, changing, removing, stopping offers."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.models import FreedSlot, OfferStatus, SlotStatus, WaitlistEntry
from reminder_app.waitlist.service import active_entry
from tests.factories import make_patient, make_practice
from tests.waitlist.conftest import free_slot, offers_of, waitlisted


@pytest.fixture
def signed_in(auth, practice):
    from tests.factories import make_staff

    make_staff(practice, email="sam@example.com")
    auth.login("sam@example.com")


def entry_form(patient, *providers, **extra):
    data = {"patient": patient.id, "providers": [p.id for p in providers],
            "weekdays": ["0", "2", "4"], "earliest_time": "09:00", "latest_time": "12:30",
            "available_from": "", "notice_hours": "4", "priority": "1", "note": "Knee pain"}
    data.update(extra)
    return data


def test_the_waitlist_needs_sign_in(client, practice):
    response = client.get("/waitlist/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_staff_put_a_patient_on_two_providers_lists(client, signed_in, practice, provider,
                                                    other_provider):
    patient = make_patient(practice, first_name="Nina", last_name="Park")
    response = client.post("/waitlist/new", data=entry_form(patient, provider, other_provider))
    assert response.status_code == 303
    entry = active_entry(patient)
    assert {p.id for p in entry.providers} == {provider.id, other_provider.id}
    assert entry.day_names == ["Mon", "Wed", "Fri"]
    assert (entry.earliest_time, entry.latest_time) == (time(9), time(12, 30))
    assert (entry.notice_minutes, entry.priority, entry.note) == (240, 1, "Knee pain")
    for p in (provider, other_provider):
        page = client.get(f"/waitlist/?provider={p.id}").get_data(as_text=True)
        assert "Nina Park" in page and "Mon Wed Fri, 09:00–12:30" in page and "High" in page


def test_a_providers_list_shows_only_its_patients(client, signed_in, practice, provider,
                                                  other_provider):
    waitlisted(practice, provider, first_name="Mine")
    waitlisted(practice, other_provider, first_name="Theirs")
    page = client.get(f"/waitlist/?provider={provider.id}").get_data(as_text=True)
    assert "Mine Waiting" in page and "Theirs Waiting" not in page
    everyone = client.get("/waitlist/").get_data(as_text=True)
    assert "Mine Waiting" in everyone and "Theirs Waiting" in everyone


@pytest.mark.parametrize("field, value, message", [
    ("providers", [], "Choose at least one provider."),
    ("weekdays", [], "Choose at least one day."),
    ("latest_time", "08:00", "The latest time must be after the earliest."),
    ("notice_hours", "400", "Between 0 and 336 hours."),
    ("earliest_time", "", "This field is required."),
])
def test_the_form_says_what_is_wrong_and_stores_nothing(client, signed_in, practice, provider,
                                                         field, value, message):
    patient = make_patient(practice)
    response = client.post("/waitlist/new", data=entry_form(patient, provider, **{field: value}))
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.session.scalars(select(WaitlistEntry)).all() == []


def test_a_patient_without_sms_consent_cannot_be_waitlisted(client, signed_in, practice,
                                                            provider):
    patient = make_patient(practice, sms_consent=False, first_name="Quiet")
    response = client.post("/waitlist/new", data=entry_form(patient, provider))
    assert "has not agreed to text messages" in response.get_data(as_text=True)


def test_a_patient_is_on_the_list_once(client, signed_in, practice, provider):
    patient = waitlisted(practice, provider)
    response = client.post("/waitlist/new", data=entry_form(patient, provider))
    assert "already on the waitlist" in response.get_data(as_text=True)


def test_another_practices_patient_or_provider_is_refused(client, signed_in, practice,
                                                          provider):
    other = make_practice("Elsewhere").practice
    stranger = make_patient(other)
    response = client.post("/waitlist/new", data=entry_form(stranger, provider))
    assert response.status_code == 200
    assert "Please choose one of the practice&#39;s patients." in response.get_data(as_text=True)
    patient = make_patient(practice)
    from tests.factories import make_provider
    foreign = make_provider(other)
    response = client.post("/waitlist/new", data=entry_form(patient, foreign))
    assert "not a valid choice" in response.get_data(as_text=True).lower()
    assert db.session.scalars(select(WaitlistEntry)).all() == []


def test_changing_an_entry(client, signed_in, practice, provider, other_provider):
    patient = waitlisted(practice, provider)
    entry = active_entry(patient)
    page = client.get(f"/waitlist/{entry.id}/edit").get_data(as_text=True)
    assert 'value="0" checked' in page  # Mondays, as stored
    response = client.post(f"/waitlist/{entry.id}/edit",
                           data=entry_form(patient, other_provider, priority="3"))
    assert response.status_code == 303
    db.session.expire_all()
    entry = db.session.get(WaitlistEntry, entry.id)
    assert [p.id for p in entry.providers] == [other_provider.id] and entry.priority == 3


def test_removing_takes_the_patient_off_the_list(client, signed_in, practice, provider):
    patient = waitlisted(practice, provider, first_name="Gone")
    entry = active_entry(patient)
    assert client.post(f"/waitlist/{entry.id}/remove").status_code == 303
    assert active_entry(patient) is None
    page = client.get("/waitlist/").get_data(as_text=True)
    assert "Gone Waiting is off the waitlist" in page and "No one is waiting" in page


def test_removing_needs_the_csrf_token(client, signed_in, practice, provider):
    patient = waitlisted(practice, provider)
    entry = active_entry(patient)
    assert client.post(f"/waitlist/{entry.id}/remove", csrf=False).status_code == 400
    assert active_entry(patient) is not None


def test_the_waitlist_shows_what_is_being_offered_and_staff_can_stop_it(client, signed_in,
                                                                        practice, provider):
    waitlisted(practice, provider, first_name="Offered")
    slot = free_slot(practice, provider)
    page = client.get("/waitlist/").get_data(as_text=True)
    assert "offered to Offered Waiting until" in page
    response = client.post(f"/waitlist/slots/{slot.id}/stop", data={"next": "//evil.example"})
    assert response.status_code == 303 and response.headers["Location"] == "/waitlist/"
    db.session.expire_all()
    assert db.session.get(FreedSlot, slot.id).status is SlotStatus.STOPPED
    assert offers_of(slot)[0].status is OfferStatus.CLOSED


def test_the_day_view_shows_the_slot_offered_then_refilled(client, signed_in, texts, practice,
                                                           provider):
    from tests.waitlist.conftest import send_offers

    ann = waitlisted(practice, provider, first_name="Ann")
    waitlisted(practice, provider, first_name="Bea")
    slot = free_slot(practice, provider)
    day = f"/appointments/day?date={slot.starts_at.astimezone(practice.zone):%Y-%m-%d}"
    page = client.get(day).get_data(as_text=True)
    assert 'data-slot-status="offering"' in page
    assert "to Ann Waiting, Bea Waiting until" in page and "Stop offering" in page

    send_offers()
    texts.send("YES", sender=ann.mobile)
    page = client.get(day).get_data(as_text=True)
    assert 'data-slot-status="filled"' in page and "taken by Ann Waiting" in page
    assert "Bea Waiting (too late: taken)" in page
    assert "From the waitlist" in page  # the refill's own row


def test_stopping_from_the_day_view_comes_back_to_it(client, signed_in, practice, provider):
    waitlisted(practice, provider)
    slot = free_slot(practice, provider)
    day = f"/appointments/day?date={slot.starts_at.astimezone(practice.zone):%Y-%m-%d}"
    response = client.post(f"/waitlist/slots/{slot.id}/stop", data={"next": day})
    assert response.headers["Location"] == day
    page = client.get(day).get_data(as_text=True)
    assert 'data-slot-status="stopped"' in page and "Stopped by staff." in page


def test_owners_set_how_slots_are_offered(client, auth, practice):
    from reminder_app.models import Role
    from tests.factories import make_staff

    make_staff(practice, email="olga@example.com", role=Role.OWNER)
    auth.login("olga@example.com")
    response = client.post("/waitlist/settings", data={
        "offer_slots": "y", "offer_notice_minutes": "180", "offer_wave_size": "5",
        "offer_hold_minutes": "10"})
    assert response.status_code == 303
    db.session.expire_all()
    assert (practice.offer_notice_minutes, practice.offer_wave_size,
            practice.offer_hold_minutes, practice.offer_slots) == (180, 5, 10, True)
    response = client.post("/waitlist/settings", data={
        "offer_notice_minutes": "10", "offer_wave_size": "0", "offer_hold_minutes": "10"})
    page = response.get_data(as_text=True)
    assert "Between 30 minutes and 7 days." in page and "Between 1 and 20." in page
    db.session.expire_all()
    assert practice.offer_slots and practice.offer_wave_size == 5


def test_plain_staff_cannot_change_the_offer_settings(client, signed_in, practice):
    response = client.post("/waitlist/settings", data={
        "offer_notice_minutes": "180", "offer_wave_size": "5", "offer_hold_minutes": "10"})
    assert response.status_code == 403
    db.session.expire_all()
    assert practice.offer_wave_size == 3


def test_the_dashboard_shows_the_refill_figures(client, signed_in, practice, provider):
    free_slot(practice, provider)
    page = client.get("/").get_data(as_text=True)
    assert 'id="slots-freed">1<' in page and 'id="slots-refilled">0<' in page
    assert 'id="minutes-refilled">0<' in page


def test_the_patient_page_leads_to_the_waitlist(client, signed_in, practice, provider):
    patient = make_patient(practice, first_name="Nina")
    page = client.get(f"/patients/{patient.id}/edit").get_data(as_text=True)
    assert f"/waitlist/new?patient={patient.id}" in page
    form = client.get(f"/waitlist/new?patient={patient.id}").get_data(as_text=True)
    assert f'name="patient" type="hidden" value="{patient.id}"' in form
    assert f'value="{patient.sorting_name}" data-picker-input' in form
    waitlisted_patient = waitlisted(practice, provider)
    page = client.get(f"/patients/{waitlisted_patient.id}/edit").get_data(as_text=True)
    assert 'id="waitlist-entry"' in page and "Dr. Ada Quinn" in page


def test_cancelling_says_what_becomes_of_the_time(client, signed_in, practice, provider):
    from tests.factories import make_appointment
    from tests.waitlist.conftest import local_time

    waitlisted(practice, provider)
    waitlisted(practice, provider)
    appointment = make_appointment(practice, provider=provider, starts_at=local_time(practice))
    response = client.post(f"/appointments/{appointment.id}/cancel", data={"by": "patient"},
                           follow_redirects=True)
    assert "offered by SMS to 2 waitlisted patients" in response.get_data(as_text=True)
    soon = make_appointment(practice, provider=provider,
                            starts_at=datetime.now(UTC) + timedelta(minutes=90))
    response = client.post(f"/appointments/{soon.id}/cancel", data={"by": "staff"},
                           follow_redirects=True)
    assert ("Not offered to the waitlist: it was less than 2 hours away when it was "
            "cancelled.") in response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\\evil.example", "///evil.example",
                                    "https://evil.example", " //evil.example"], ids=repr)
def test_stopping_never_sends_staff_to_another_host(client, signed_in, practice, provider,
                                                    target):
    waitlisted(practice, provider)
    slot = free_slot(practice, provider)
    response = client.post(f"/waitlist/slots/{slot.id}/stop", data={"next": target})
    assert response.status_code == 303 and response.headers["Location"] == "/waitlist/"
