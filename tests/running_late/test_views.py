"""The running-late pages: from the day view to the preview to the send; CSRF, roles, and
a clear error for each bad input, with nothing sent."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from reminder_app.extensions import db
from reminder_app.models import Language, Message, MessageKind, Role
from reminder_app.timezones import today
from tests.factories import (
    make_appointment,
    make_clickatell_account,
    make_patient,
    make_practice,
    make_provider,
    make_staff,
)

from .conftest import zone_at_midday

KEY = "view-key-0123456789ab"


@pytest.fixture
def practice(app):
    practice = make_practice("Riverside Family Practice", owner_email="dana@example.com",
                             timezone=zone_at_midday()).practice
    make_clickatell_account(practice, long_number="+12015550199")
    return practice


@pytest.fixture
def visits(practice, provider):
    """Two visits still to come today (an hour and two from now), one already started."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    ana = make_appointment(practice, provider=provider, starts_at=now + timedelta(hours=1),
                           patient=make_patient(practice, first_name="Ana", last_name="Reyes"))
    bea = make_appointment(practice, provider=provider, starts_at=now + timedelta(hours=2),
                           patient=make_patient(practice, first_name="Bea", last_name="Soto",
                                                language=Language.ES))
    started = make_appointment(practice, provider=provider, starts_at=now - timedelta(minutes=20),
                               patient=make_patient(practice, first_name="Cy", last_name="Old"))
    return ana, bea, started


@pytest.fixture
def signed_in(auth, practice):
    make_staff(practice, email="sam@example.com")
    auth.login("sam@example.com")


def form(provider=None, **extra) -> dict:
    return {"provider": provider.id if provider else 0, "wording": "minutes", "minutes": "30",
            "key": KEY, **extra}


def late_count() -> int:
    return db.session.scalar(select(func.count(Message.id)).where(
        Message.kind == MessageKind.LATE_NOTICE))


def test_todays_day_view_offers_the_broadcast_to_staff_who_may_send(client, auth, practice,
                                                                      provider):
    make_staff(practice, email="sam@example.com")
    make_staff(practice, email="rita@example.com", role=Role.READ_ONLY)
    auth.login("sam@example.com")
    assert 'id="running-late"' in client.get("/appointments/day").get_data(as_text=True)
    tomorrow = today(practice.zone) + timedelta(days=1)
    assert 'id="running-late"' not in client.get(
        f"/appointments/day?date={tomorrow.isoformat()}").get_data(as_text=True)
    auth.logout()
    auth.login("rita@example.com")
    assert 'id="running-late"' not in client.get("/appointments/day").get_data(as_text=True)


def test_the_form_carries_a_fresh_key_and_the_days_provider(client, signed_in, provider):
    page = client.get(f"/running-late/?provider={provider.id}").get_data(as_text=True)
    key = re.search(r'name="key" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="key"[^>]*value="([^"]+)"', page)
    assert key and len(key.group(1)) >= 16
    assert re.search(rf'<option selected value="{provider.id}"|value="{provider.id}" selected',
                     page)
    assert "All providers today" in page


def test_the_preview_shows_each_text_the_count_and_who_not_and_sends_nothing(
        client, signed_in, provider, visits):
    ana, bea, started = visits
    response = client.post("/running-late/preview", data=form(provider))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r"<strong>2</strong> patient\(s\) will get the text\s+\(2 SMS part\(s\) "
                     r"in all\); <strong>1</strong> will not", page)
    assert "Riverside Family Practice: we are running about 30 min late today." in page
    assert "Riverside Family Practice: hoy vamos con unos 30 min de retraso." in page
    assert "The visit has already started or is past." in page and "Cy Old" in page
    assert f'name="expected" type="hidden" value="{ana.id},{bea.id}"' in page
    assert late_count() == 0


def test_send_queues_the_texts_and_sending_again_texts_no_one_twice(client, signed_in,
                                                                    provider, visits):
    ana, bea, _ = visits
    data = form(provider, expected=f"{ana.id},{bea.id}")
    response = client.post("/running-late/send", data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/appointments/day")
    assert "queued for 2 patient(s)" in client.get("/appointments/day").get_data(as_text=True)
    assert late_count() == 2
    history = client.get(f"/appointments/{ana.id}").get_data(as_text=True)
    assert 'data-event="late_notice"' in history
    assert "Texted that the practice is running late by Staff" in history
    client.post("/running-late/send", data=data)  # the double click
    assert "Already sent to 2 patient(s)" in client.get("/appointments/day").get_data(
        as_text=True)
    assert late_count() == 2


def test_a_list_changed_since_the_preview_is_shown_again_and_nothing_sent(
        client, signed_in, provider, visits):
    ana, bea, _ = visits
    response = client.post("/running-late/send", data=form(provider, expected=f"{ana.id}"))
    assert response.status_code == 200
    assert "changed since the preview" in response.get_data(as_text=True)
    assert late_count() == 0


@pytest.mark.parametrize("bad, error", [
    ({"minutes": ""}, "Say how late, from 5 to 240 minutes."),
    ({"minutes": "600"}, "From 5 to 240 minutes."),
    ({"key": ""}, "Open the form again."),
    ({"key": "short"}, "Open the form again."),
    ({"wording": "shout"}, "Not a valid choice"),
    ({"provider": "999999"}, "Not a valid choice"),
    ({"name_provider": "y"}, "do not name providers"),
])
def test_bad_input_gets_a_clear_error_and_sends_nothing(client, signed_in, provider, visits,
                                                        bad, error):
    for url in ("/running-late/preview", "/running-late/send"):
        response = client.post(url, data={**form(provider), **bad})
        assert response.status_code == 422
        assert error in response.get_data(as_text=True)
    assert late_count() == 0


def test_naming_the_provider_needs_one_provider(client, signed_in, practice, provider, visits):
    practice.name_provider = True
    db.session.commit()
    response = client.post("/running-late/preview", data=form(None, name_provider="y"))
    assert "Choose one provider to name them in the text." in response.get_data(as_text=True)
    named = client.post("/running-late/preview", data=form(provider, name_provider="y"))
    assert "Riverside Family Practice: Dr. " in named.get_data(as_text=True)


def test_without_the_csrf_token_nothing_is_sent(client, signed_in, provider, visits):
    ana, bea, _ = visits
    response = client.post("/running-late/send", csrf=False,
                           data=form(provider, expected=f"{ana.id},{bea.id}"))
    assert response.status_code == 400
    assert late_count() == 0


def test_read_only_staff_can_neither_preview_nor_send(client, auth, practice, provider, visits):
    ana, bea, _ = visits
    make_staff(practice, email="rita@example.com", role=Role.READ_ONLY)
    auth.login("rita@example.com")
    assert client.post("/running-late/preview", data=form(provider)).status_code == 403
    assert client.post("/running-late/send",
                       data=form(provider, expected=f"{ana.id},{bea.id}")).status_code == 403
    assert late_count() == 0


def test_another_practices_provider_is_not_a_choice(client, signed_in, visits):
    elsewhere = make_provider(make_practice("Elsewhere").practice, "Dr. Far Away")
    response = client.post("/running-late/preview", data={**form(), "provider": elsewhere.id})
    assert response.status_code == 422 and "Dr. Far Away" not in response.get_data(as_text=True)
