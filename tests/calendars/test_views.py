"""The feed at its secret address (public, revocable, one query count whatever its size), the
download behind sign-in, the switches on the providers page, and the day view's link."""

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from reminder_app.extensions import db
from reminder_app.logs import RedactSecretsInPaths
from reminder_app.models.types import utcnow
from tests.appointments.test_calendar_views import count_queries
from tests.factories import (
    make_appointment,
    make_patient,
    make_practice,
    make_provider,
    make_staff,
)
from tests.security.test_headers import assert_protected

from .conftest import assert_valid_icalendar, events, only_event

FEED_INPUT = re.compile(
    r'<input class="form-control" id="calendar-feed-(\d+)" value="([^"]+)" readonly>')
BASE_URL = "http://127.0.0.1:5000"


def feed_addresses(client) -> dict[int, str]:
    """Each provider's feed address, as the providers page shows it."""
    page = client.get("/appointments/providers").get_data(as_text=True)
    return {int(provider_id): url for provider_id, url in FEED_INPUT.findall(page)}


def new_link(client, provider) -> str:
    """Press "Turn on" (or "New link") and return the path of the address shown."""
    response = client.post(f"/appointments/providers/{provider.id}/calendar-feed")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/appointments/providers")
    url = feed_addresses(client)[provider.id]
    assert url.startswith(f"{BASE_URL}/calendar/") and url.endswith(".ics")
    return url.removeprefix(BASE_URL)


def turn_off(client, provider):
    return client.post(f"/appointments/providers/{provider.id}/calendar-feed/off")


@pytest.fixture
def appointment(practice, provider, patient):
    return make_appointment(practice, patient=patient, provider=provider, reason="Blood test")


def test_a_calendar_program_fetches_the_feed_without_signing_in(client, auth, provider,
                                                                appointment, caplog):
    path = new_link(client, provider)
    auth.logout()
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, max-age=300"
    assert "Set-Cookie" not in response.headers
    assert_protected(response, "the feed")
    assert only_event(response.data)["SUMMARY"] == "Jane S. – Blood test"
    assert_valid_icalendar(response.data, caplog)


@pytest.mark.parametrize("token", ["x" * 43, "x", "x" * 64, "x" * 65, "a%00b", "a.b", "%E2%80%93"])
def test_an_unknown_token_is_a_404_that_tells_nothing(client, token):
    provider = make_provider(make_practice().practice)
    provider.new_calendar_link()
    db.session.commit()
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 404
    assert response.data == client.get("/no-such-page").data


@pytest.mark.parametrize("token", ["x" * 65, "x" * 5000, "a%00b", "bad token", "a.b"])
def test_a_token_no_link_could_have_is_refused_before_the_database(client, token):
    def refuse(*args):
        raise AssertionError("the database was asked")

    event.listen(db.engine, "before_cursor_execute", refuse)
    try:
        assert client.get(f"/calendar/{token}.ics").status_code == 404
    finally:
        event.remove(db.engine, "before_cursor_execute", refuse)


def test_a_turned_off_feed_is_a_404(client, auth, provider, appointment):
    path = new_link(client, provider)
    assert turn_off(client, provider).status_code == 303
    assert provider.id not in feed_addresses(client)
    auth.logout()
    assert client.get(path).status_code == 404


def test_a_new_link_stops_the_old_one(client, auth, provider, appointment):
    old = new_link(client, provider)
    new = new_link(client, provider)
    assert new != old
    auth.logout()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_turning_a_feed_off_says_so(client, provider):
    new_link(client, provider)
    turn_off(client, provider)
    page = client.get("/appointments/providers").get_data(as_text=True)
    assert "Dr. Amelia Reyes&#39;s calendar feed is off; its link no longer works." in page


def test_the_providers_page_shows_the_address_to_copy_and_the_switches(client, app, provider):
    page = client.get("/appointments/providers").get_data(as_text=True)
    assert "Turn on<span" in page and "New link" not in page and "calendar-feed-" not in page
    app.config["PUBLIC_BASE_URL"] = "https://reminders.example.org"
    client.post(f"/appointments/providers/{provider.id}/calendar-feed")
    page = client.get("/appointments/providers").get_data(as_text=True)
    db.session.refresh(provider)
    url = f"https://reminders.example.org/calendar/{provider.calendar_token}.ics"
    assert f'id="calendar-feed-{provider.id}" value="{url}" readonly' in page
    assert f'data-copy="#calendar-feed-{provider.id}"' in page
    assert "New link<span" in page and "Turn off<span" in page
    assert "has a new link; any previous link no longer works" in page


def test_plain_staff_switch_feeds_as_they_stop_and_resume_bookings(client, auth, practice,
                                                                    provider):
    make_staff(practice, email="sam@example.com")
    auth.logout()
    auth.login("sam@example.com")
    path = new_link(client, provider)
    assert client.get(path).status_code == 200
    assert turn_off(client, provider).status_code == 303
    assert client.get(path).status_code == 404


def test_the_switches_need_the_csrf_token(client, provider):
    new_link(client, provider)
    db.session.refresh(provider)
    token = provider.calendar_token
    for url in (f"/appointments/providers/{provider.id}/calendar-feed",
                f"/appointments/providers/{provider.id}/calendar-feed/off"):
        assert client.post(url, csrf=False).status_code == 400
        db.session.refresh(provider)
        assert provider.calendar_token == token


def test_the_switches_need_sign_in(client, auth, provider):
    auth.logout()
    response = client.post(f"/appointments/providers/{provider.id}/calendar-feed")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    db.session.refresh(provider)
    assert provider.calendar_token is None


def test_another_practices_provider_cannot_be_switched(client, provider):
    other = make_appointment(make_practice("Practice B").practice).provider
    other.new_calendar_link()
    db.session.commit()
    token = other.calendar_token
    assert client.post(f"/appointments/providers/{other.id}/calendar-feed").status_code == 404
    assert turn_off(client, other).status_code == 404
    db.session.refresh(other)
    assert other.calendar_token == token


def test_staff_download_an_appointment_with_the_patients_full_name(client, appointment, caplog):
    response = client.get(f"/appointments/{appointment.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="appointment-{appointment.id}.ics"')
    assert only_event(response.data)["SUMMARY"] == "Jane Smithson – Blood test"
    assert_valid_icalendar(response.data, caplog)


def test_the_download_needs_sign_in(client, app):
    # Not the signed-in `practice` fixture: the tests' shared app context would keep its user.
    appointment = make_appointment(make_practice().practice)
    response = client.get(f"/appointments/{appointment.id}.ics")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_another_practices_appointment_is_a_404(client, appointment):
    other = make_appointment(make_practice("Practice B").practice)
    assert client.get(f"/appointments/{other.id}.ics").status_code == 404


def test_the_day_list_and_the_appointment_page_link_to_its_file(client, practice,
                                                                 appointment):
    day = appointment.starts_at.astimezone(practice.zone).date()
    link = f'href="/appointments/{appointment.id}.ics">Add to calendar (.ics)'
    assert link in client.get(f"/appointments/day?date={day}&view=list").get_data(as_text=True)
    assert link in client.get(f"/appointments/{appointment.id}").get_data(as_text=True)


def add_appointments(practice, provider, how_many: int) -> None:
    patients = [make_patient(practice) for _ in range(7)]
    start = utcnow().replace(second=0, microsecond=0) + timedelta(days=1)
    for n in range(how_many):
        make_appointment(practice, patient=patients[n % len(patients)], provider=provider,
                         starts_at=start + timedelta(minutes=20 * n), commit=False)
    db.session.commit()


def test_the_feed_query_count_does_not_grow_with_appointments(client, auth, practice,
                                                              provider):
    path = new_link(client, provider)
    auth.logout()
    add_appointments(practice, provider, 5)
    db.session.expire_all()
    with_five = count_queries(client, path)
    add_appointments(practice, provider, 45)
    db.session.expire_all()
    assert len(events(client.get(path).data)) == 50
    db.session.expire_all()
    assert count_queries(client, path) == with_five


def test_the_feed_token_never_reaches_the_request_log(client, provider):
    path = new_link(client, provider)
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                               '127.0.0.1 - - "GET %s HTTP/1.1" 200 -', (path,), None)
    RedactSecretsInPaths().filter(record)
    assert record.getMessage() == '127.0.0.1 - - "GET /calendar/[redacted] HTTP/1.1" 200 -'
