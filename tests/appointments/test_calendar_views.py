"""The day and week views: the practice's own day (23 or 25 hours around DST), badges, the
patient's last reply, provider filters, and a query count that does not grow."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import event

from reminder_app.extensions import db
from reminder_app.models import AppointmentStatus
from reminder_app.timezones import to_utc
from tests.appointments.conftest import at
from tests.factories import make_appointment, make_patient, make_practice, make_provider

S = AppointmentStatus


def test_the_day_view_shows_today_by_default(client, practice, patient, provider):
    today = datetime.now(UTC).astimezone(practice.zone).date()
    make_appointment(practice, patient=patient, provider=provider,
                     starts_at=at(practice, today, 23, 30), reason="Late visit")
    make_appointment(practice, patient=patient, provider=provider,
                     starts_at=at(practice, today + timedelta(days=1), 0, 30),
                     reason="Tomorrow's visit")
    page = client.get("/appointments/day").get_data(as_text=True)
    assert "Today, " + today.strftime("%A %d %B %Y") in page
    assert "Late visit" in page and "Tomorrow's visit" not in page


def test_the_day_view_shows_status_badges_callback_and_last_reply(client, practice, patient,
                                                                  provider):
    day = date(2026, 6, 1)
    confirmed = make_appointment(practice, patient=patient, provider=provider,
                                 starts_at=at(practice, day, 9), status=S.CONFIRMED)
    confirmed.last_reply_text, confirmed.last_reply_at = "C", at(practice, day, 7, 5)
    rescheduling = make_appointment(practice, patient=patient, provider=provider,
                                    starts_at=at(practice, day, 10), status=S.CONFIRMED)
    rescheduling.request_reschedule()
    make_appointment(practice, patient=patient, provider=provider,
                     starts_at=at(practice, day, 11), status=S.CANCELLED_BY_PATIENT)
    db.session.commit()
    page = client.get(f"/appointments/day?date={day}").get_data(as_text=True)
    assert "text-bg-success\">Confirmed" in page and "“C”" in page and "01 Jun 07:05" in page
    assert "Reschedule requested" in page and "Call back" in page
    assert "Cancelled by patient" in page


def test_the_day_view_filters_by_provider(client, practice, patient, provider):
    day = date(2026, 6, 1)
    other = make_provider(practice, "Dr. Ben Okafor")
    make_appointment(practice, patient=patient, provider=provider,
                     starts_at=at(practice, day, 9), reason="With Reyes")
    make_appointment(practice, patient=patient, provider=other, starts_at=at(practice, day, 9),
                     reason="With Okafor")
    everyone = client.get(f"/appointments/day?date={day}").get_data(as_text=True)
    assert "With Reyes" in everyone and "With Okafor" in everyone
    one = client.get(f"/appointments/day?date={day}&provider={other.id}").get_data(
        as_text=True)
    assert "With Okafor" in one and "With Reyes" not in one


def test_the_day_view_refuses_a_malformed_date_and_a_foreign_provider(client, practice):
    foreign = make_provider(make_practice().practice)
    assert client.get("/appointments/day?date=tomorrow").status_code == 400
    assert client.get(f"/appointments/day?provider={foreign.id}").status_code == 404


@pytest.mark.parametrize(("zone", "day", "first", "last"), [
    # 23-hour days: the first minute after midnight and the last before the next one
    ("America/New_York", date(2026, 3, 8), time(0, 0), time(23, 59)),
    ("Australia/Sydney", date(2026, 10, 4), time(0, 0), time(23, 59)),
    # 25-hour days
    ("America/New_York", date(2026, 11, 1), time(0, 0), time(23, 59)),
    ("Australia/Sydney", date(2026, 4, 5), time(0, 0), time(23, 59)),
    # the days either side
    ("America/New_York", date(2026, 3, 7), time(0, 0), time(23, 59)),
    ("America/New_York", date(2026, 3, 9), time(0, 0), time(23, 59)),
    ("America/New_York", date(2026, 10, 31), time(0, 0), time(23, 59)),
    ("America/New_York", date(2026, 11, 2), time(0, 0), time(23, 59)),
    ("Australia/Sydney", date(2026, 4, 4), time(0, 0), time(23, 59)),
    ("Australia/Sydney", date(2026, 4, 6), time(0, 0), time(23, 59)),
    ("Australia/Sydney", date(2026, 10, 3), time(0, 0), time(23, 59)),
    ("Australia/Sydney", date(2026, 10, 5), time(0, 0), time(23, 59)),
])
def test_the_day_view_shows_exactly_the_practice_day_around_dst(app, client, auth, zone, day,
                                                                first, last):
    owner = make_practice(owner_email="syd@example.com", timezone=zone, country="AU")
    practice = owner.practice
    patient, provider = make_patient(practice), make_provider(practice)

    def book(d, t, reason):
        make_appointment(practice, patient=patient, provider=provider, reason=reason,
                         starts_at=to_utc(d, t, practice.zone))

    book(day - timedelta(days=1), time(23, 59), "Eve before")
    book(day, first, "First of the day")
    book(day, time(9, 30), "Morning")
    book(day, last, "Last of the day")
    book(day + timedelta(days=1), time(0, 0), "Next midnight")
    auth.login("syd@example.com")
    page = client.get(f"/appointments/day?date={day}").get_data(as_text=True)
    assert "First of the day" in page and "Last of the day" in page and "Morning" in page
    assert "Eve before" not in page and "Next midnight" not in page
    assert "09:30–09:45" in page and "00:00–00:15" in page and "23:59–00:14" in page


def test_the_week_view_shows_seven_days_of_one_provider_across_dst(client, practice, patient,
                                                                   provider):
    monday = date(2026, 3, 2)  # the week New York springs forward, on Sunday the 8th
    other = make_provider(practice, "Dr. Ben Okafor")
    make_appointment(practice, patient=patient, provider=provider,
                     starts_at=at(practice, monday, 9), reason="Monday visit")
    make_appointment(practice, patient=patient, provider=provider,
                     starts_at=at(practice, date(2026, 3, 8), 23, 30), reason="Sunday night")
    make_appointment(practice, patient=patient, provider=provider,
                     starts_at=at(practice, date(2026, 3, 9), 0, 0), reason="Next Monday")
    make_appointment(practice, patient=patient, provider=other,
                     starts_at=at(practice, monday, 9), reason="Okafor's visit")
    page = client.get(f"/appointments/week?start={monday}&provider={provider.id}"
                      ).get_data(as_text=True)
    assert "Monday visit" in page and "Sunday night" in page
    assert "Next Monday" not in page and "Okafor's visit" not in page
    sunday = page.index('id="day-2026-03-08"')
    assert page.index("Sunday night") > sunday and "<strong>23:30</strong>" in page
    assert page.index("Monday visit") < sunday


def test_the_week_view_defaults_to_this_week_and_the_first_active_provider(client, practice,
                                                                           provider):
    make_provider(practice, "Dr. Zed Retired", active=False)
    today = datetime.now(UTC).astimezone(practice.zone).date()
    monday = today - timedelta(days=today.weekday())
    page = client.get("/appointments/week").get_data(as_text=True)
    assert f"Week of {monday.strftime('%d %B %Y')} · Dr. Amelia Reyes" in page


def test_the_week_view_asks_for_providers_when_there_are_none(client, owner):
    assert "There are no providers yet" in client.get("/appointments/week").get_data(
        as_text=True)


def count_queries(client, url: str) -> int:
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200
    return len(statements)


def add_appointments(practice, day: date, how_many: int, providers, patients) -> None:
    start = at(practice, day, 0)
    for n in range(how_many):
        make_appointment(practice, patient=patients[n % len(patients)],
                         provider=providers[n % len(providers)],
                         starts_at=start + timedelta(minutes=5 * n), commit=False)
    db.session.commit()


@pytest.mark.parametrize("mode", ["columns", "list"])
def test_the_day_view_query_count_does_not_grow_with_appointments(client, practice, mode):
    day = date(2026, 6, 1)
    url = f"/appointments/day?date={day}&view={mode}"
    providers = [make_provider(practice) for _ in range(3)]
    patients = [make_patient(practice) for _ in range(7)]
    add_appointments(practice, day, 5, providers, patients)
    db.session.expire_all()
    with_five = count_queries(client, url)
    add_appointments(practice, day, 195, providers, patients)
    db.session.expire_all()
    page = client.get(url).get_data(as_text=True)
    assert page.count("data-appointment=") == 200
    db.session.expire_all()
    assert count_queries(client, url) == with_five


def test_the_day_shows_columns_by_default_and_the_list_on_request(client, practice, patient,
                                                                  provider):
    day = date(2026, 6, 1)
    visit = make_appointment(practice, patient=patient, provider=provider,
                             starts_at=at(practice, day, 9), reason="Check-up")
    columns = client.get(f"/appointments/day?date={day}").get_data(as_text=True)
    assert 'id="day-columns"' in columns and 'id="appointments"' not in columns
    assert '<li class="day-block day-appointment dg-r13 dg-s3 lane-all' in columns
    assert f'data-appointment="{visit.id}"' in columns
    listed = client.get(f"/appointments/day?date={day}&view=list").get_data(as_text=True)
    assert 'id="appointments"' in listed and 'id="day-columns"' not in listed
    assert "Check-up" in columns and "Check-up" in listed
    assert client.get(f"/appointments/day?date={day}&view=grid").status_code == 400


def test_a_free_time_links_to_the_booking_form_filled_in(client, practice, patient, provider):
    tomorrow = datetime.now(UTC).astimezone(practice.zone).date() + timedelta(days=1)
    page = client.get(f"/appointments/day?date={tomorrow}").get_data(as_text=True)
    link = f"/appointments/new?provider={provider.id}&amp;date={tomorrow}&amp;time=10:15"
    assert f'href="{link}"' in page
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert f'<option selected value="{provider.id}">' in form
    assert f'value="{tomorrow}"' in form and 'value="10:15"' in form
    assert client.get("/appointments/new?time=25:00").status_code == 400


def test_moving_turns_free_times_into_move_buttons(client, practice, patient, provider):
    tomorrow = datetime.now(UTC).astimezone(practice.zone).date() + timedelta(days=1)
    visit = make_appointment(practice, patient=patient, provider=provider,
                             starts_at=at(practice, tomorrow, 9))
    url = f"/appointments/day?date={tomorrow}&moving={visit.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Moving <strong>Ana Reyes</strong>" in page
    assert f'action="/appointments/{visit.id}/move"' in page
    assert "Move here<span class=\"visually-hidden\"> to 10:15 with Dr. Amelia Reyes" in page
    assert "/appointments/new?" not in page.split('id="day-columns"')[1]
    response = client.post(f"/appointments/{visit.id}/move", data={
        "provider": provider.id, "date": tomorrow.isoformat(), "time": "10:15"})
    assert response.status_code == 303
    db.session.expire_all()
    assert visit.starts_at == at(practice, tomorrow, 10, 15)
    visit.cancel("staff")
    db.session.commit()
    assert "Moving" not in client.get(url).get_data(as_text=True)  # nothing left to move
    foreign = make_appointment(make_practice().practice)
    assert client.get(f"/appointments/day?moving={foreign.id}").status_code == 404
