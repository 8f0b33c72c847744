"""The recall pages: the list and its filters, adding (from the list or the patient's page),
changing, closing, the "Book" action, the settings, and tenancy."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from reminder_app.appointments import service as appointments
from reminder_app.appointments import visits
from reminder_app.extensions import db
from reminder_app.models import Recall, RecallStatus, Role
from reminder_app.timezones import today
from reminder_app.transactions import unit_of_work
from tests.factories import (
    STAFF,
    make_clickatell_account,
    make_patient,
    make_practice,
    make_staff,
)
from tests.recalls.conftest import (
    add_recall,
    mark_sent,
    recall_texts,
    refreshed,
    run_recalls,
)


@pytest.fixture
def signed_in(auth, practice):
    make_staff(practice, email="sam@example.com")
    auth.login("sam@example.com")


def recalls_count() -> int:
    return db.session.scalar(select(func.count(Recall.id)))


def form(who, provider=None, **extra) -> dict:
    data = {"patient": who.id, "reason": "Annual physical",
            "due_on": (datetime.now(UTC).date() + timedelta(days=30)).isoformat(),
            "provider": provider.id if provider else 0}
    data.update(extra)
    return data


def test_the_recall_list_needs_sign_in(client, practice):
    response = client.get("/recalls/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_staff_add_a_recall_and_see_it_on_the_list(client, signed_in, practice, provider):
    nina = make_patient(practice, first_name="Nina", last_name="Park")
    response = client.post("/recalls/new", data=form(nina, provider))
    assert response.status_code == 303
    [recall] = db.session.scalars(select(Recall)).all()
    assert (recall.patient_id, recall.provider_id, recall.reason, recall.status) == (
        nina.id, provider.id, "Annual physical", RecallStatus.OPEN)
    assert recall.created_by.startswith("Staff")
    page = client.get("/recalls/").get_data(as_text=True)
    assert "Nina Park" in page and "Annual physical" in page and "Dr. Ada Quinn" in page
    assert "Not yet" in page and "Next text" in page


@pytest.mark.parametrize(("field", "value", "message"), [
    ("reason", "", "Say what the patient is due for."),
    ("due_on", "", "Choose the day it is due."),
    ("due_on", "2001-01-01", "Choose a due date within the last year or the next five."),
    ("reason", "x" * 81, "Field cannot be longer than 80 characters."),
    ("patient", "", "Please choose a patient."),
])
def test_a_bad_recall_is_refused_with_a_clear_error_and_nothing_stored(
        client, signed_in, practice, field, value, message):
    nina = make_patient(practice)
    response = client.post("/recalls/new", data=form(nina, **{field: value}))
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert recalls_count() == 0


def test_a_second_open_recall_for_the_same_visit_is_refused(client, signed_in, practice):
    nina = make_patient(practice)
    assert client.post("/recalls/new", data=form(nina)).status_code == 303
    response = client.post("/recalls/new", data=form(nina))
    assert "already has an open recall for Annual physical" in response.get_data(as_text=True)
    assert recalls_count() == 1


def test_the_patient_page_adds_a_recall_for_that_patient(client, signed_in, practice):
    nina = make_patient(practice, first_name="Nina", last_name="Park")
    page = client.get(f"/patients/{nina.id}/edit").get_data(as_text=True)
    assert f"/recalls/new?patient={nina.id}" in page
    new = client.get(f"/recalls/new?patient={nina.id}").get_data(as_text=True)
    assert f'value="{nina.id}"' in new and "Park, Nina" in new


def test_book_opens_the_booking_form_for_that_patient_and_provider(client, signed_in,
                                                                   practice, provider):
    nina = make_patient(practice, first_name="Nina", last_name="Park")
    add_recall(practice, nina, provider=provider, now=datetime.now(UTC))
    page = client.get("/recalls/").get_data(as_text=True)
    book_url = f"/appointments/new?patient={nina.id}&amp;provider={provider.id}"
    assert book_url in page
    booking = client.get(book_url.replace("&amp;", "&")).get_data(as_text=True)
    assert "Park, Nina" in booking and f'<option selected value="{provider.id}">' in booking


def test_the_list_shows_how_often_it_was_texted_and_what_was_booked(client, signed_in,
                                                                     practice, provider):
    nina = make_patient(practice, first_name="Nina", last_name="Park")
    now = datetime.now(UTC)
    recall = add_recall(practice, nina, due_on=today(practice.zone, now) - timedelta(days=1),
                        now=now)
    practice.quiet_start = practice.quiet_end = now.time().replace(second=0, microsecond=0)
    db.session.commit()
    run_recalls(now)
    mark_sent(recall_texts(), now)
    assert "1 time, last" in client.get("/recalls/").get_data(as_text=True)
    with unit_of_work():
        appointment = appointments.book(practice, patient=nina, provider=provider,
                                        starts_at=now + timedelta(days=2), actor=STAFF)
    assert refreshed(recall).status is RecallStatus.BOOKED
    assert "Nina Park" not in client.get("/recalls/").get_data(as_text=True)  # open only
    booked = client.get("/recalls/?show=booked").get_data(as_text=True)
    assert "Booked" in booked and f"/appointments/{appointment.id}" in booked


def test_the_filters_show_due_overdue_and_closed(client, signed_in, practice):
    now = datetime.now(UTC)
    day = today(practice.zone, now)
    add_recall(practice, make_patient(practice, first_name="Ahead"), due_on=day + timedelta(9),
               now=now)
    add_recall(practice, make_patient(practice, first_name="Late"),
               due_on=day - timedelta(days=40), now=now)
    closed = add_recall(practice, make_patient(practice, first_name="Gone"), now=now,
                        due_on=day)
    client.post(f"/recalls/{closed.id}/close")
    assert refreshed(closed).status is RecallStatus.CLOSED
    assert "recall is closed: no more texts" in client.get("/recalls/").get_data(as_text=True)
    due = client.get("/recalls/?show=due").get_data(as_text=True)
    assert "Late Patient" in due and "Ahead Patient" not in due and "Gone" not in due
    overdue = client.get("/recalls/?show=overdue").get_data(as_text=True)
    assert "Late Patient" in overdue and "Overdue" in overdue and "Ahead" not in overdue
    assert "Gone Patient" in client.get("/recalls/?show=closed").get_data(as_text=True)


def test_staff_change_the_due_day_of_a_recall_not_texted_yet(client, signed_in, practice):
    now = datetime.now(UTC)
    nina = make_patient(practice)
    recall = add_recall(practice, nina, now=now,
                        due_on=today(practice.zone, now) + timedelta(days=9))
    later = today(practice.zone, now) + timedelta(days=20)
    response = client.post(f"/recalls/{recall.id}/edit", data=form(
        nina, reason="6-month check-up", due_on=later.isoformat()))
    assert response.status_code == 303
    recall = refreshed(recall)
    assert recall.due_on == later and recall.next_text_at.astimezone(practice.zone).date() \
        == later


def test_only_owners_change_the_recall_pace(client, auth, practice):
    make_staff(practice, email="desk@example.com", role=Role.STAFF)
    auth.login("desk@example.com")
    data = {"recall_interval_days": "7", "recall_max_texts": "5"}
    assert client.post("/recalls/settings", data=data).status_code == 403
    auth.logout()
    auth.login("dana@example.com")
    assert client.post("/recalls/settings", data=data).status_code == 303
    assert (refreshed(practice).recall_interval_days, practice.recall_max_texts) == (7, 5)
    bad = client.post("/recalls/settings", data={"recall_interval_days": "0",
                                                 "recall_max_texts": "5"})
    assert "Between 1 and 365 days." in bad.get_data(as_text=True)


def test_another_practices_recalls_are_neither_listed_nor_reachable(client, signed_in,
                                                                   practice):
    other = make_practice("Harbor View Clinic").practice
    make_clickatell_account(other)
    theirs = add_recall(other, make_patient(other, first_name="Theirs"),
                        now=datetime.now(UTC))
    assert "Theirs" not in client.get("/recalls/?show=all").get_data(as_text=True)
    assert client.get(f"/recalls/{theirs.id}/edit").status_code == 404
    assert client.post(f"/recalls/{theirs.id}/close").status_code == 404
    assert client.get(f"/recalls/?patient={theirs.patient_id}").status_code == 404
    mine = make_patient(practice)
    response = client.post("/recalls/new", data=form(theirs.patient))
    assert response.status_code == 200 and recalls_count() == 1
    assert client.post("/recalls/new", data=form(mine)).status_code == 303


# ---------------------------------------------------------------- the appointment type

def test_staff_choose_the_type_that_ends_the_recall_and_the_list_shows_it(client, signed_in,
                                                                          practice, kinds):
    phone, physical = kinds
    nina = make_patient(practice, first_name="Nina", last_name="Park")
    page = client.get("/recalls/new").get_data(as_text=True)
    assert "Appointment type" in page and "Any appointment" in page
    assert client.post("/recalls/new", data=form(
        nina, appointment_type=physical.id)).status_code == 303
    [recall] = db.session.scalars(select(Recall)).all()
    assert recall.appointment_type_id == physical.id
    assert '<small class="text-muted recall-type">Annual physical</small>' in client.get(
        "/recalls/").get_data(as_text=True)
    edit = client.get(f"/recalls/{recall.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{physical.id}">' in edit
    client.post(f"/recalls/{recall.id}/edit", data=form(nina, appointment_type=0))
    assert refreshed(recall).appointment_type_id is None


def test_a_practice_without_types_is_not_asked_for_one(client, signed_in, practice):
    nina = make_patient(practice)
    assert "Appointment type" not in client.get("/recalls/new").get_data(as_text=True)
    assert client.post("/recalls/new", data=form(nina)).status_code == 303
    [recall] = db.session.scalars(select(Recall)).all()
    assert client.post(f"/recalls/{recall.id}/edit", data=form(
        nina, reason="6-month check-up")).status_code == 303
    assert refreshed(recall).reason == "6-month check-up"


def test_the_form_refuses_another_practices_type(client, signed_in, practice, kinds):
    other = make_practice("Harbor View Clinic").practice
    with unit_of_work():
        theirs = visits.add_type(other, name="Colonoscopy", default_duration_minutes=45)
    response = client.post("/recalls/new", data=form(make_patient(practice),
                                                     appointment_type=theirs.id))
    assert response.status_code == 200 and "Not a valid choice." in response.get_data(
        as_text=True)
    assert recalls_count() == 0


def test_book_preselects_the_recalls_type_at_its_usual_length(client, signed_in, practice,
                                                              provider, kinds):
    _, physical = kinds
    nina = make_patient(practice, first_name="Nina", last_name="Park")
    add_recall(practice, nina, reason="Annual physical", appointment_type=physical,
               now=datetime.now(UTC))
    page = client.get("/recalls/").get_data(as_text=True)
    book_url = f"/appointments/new?patient={nina.id}&amp;appointment_type={physical.id}"
    assert book_url in page
    booking = client.get(book_url.replace("&amp;", "&")).get_data(as_text=True)
    assert f'<option selected value="{physical.id}">' in booking
    assert 'name="duration_minutes" type="number" value="30"' in booking


def test_the_booking_form_ignores_a_type_not_offered(client, signed_in, practice, provider,
                                                     kinds):
    other = make_practice("Harbor View Clinic").practice
    with unit_of_work():
        theirs = visits.add_type(other, name="Colonoscopy", default_duration_minutes=45)
    make_patient(practice)
    booking = client.get(f"/appointments/new?appointment_type={theirs.id}").get_data(
        as_text=True)
    assert "<option selected value=\"0\">No particular type</option>" in booking
    assert "Colonoscopy" not in booking and 'type="number" value="15"' in booking
