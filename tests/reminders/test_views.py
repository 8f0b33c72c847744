"""The rules editor with its live preview, quiet hours, and reminder states on the day view."""

from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.models import ReminderRule, ReminderStatus, Role
from reminder_app.reminders import rules
from tests.factories import STAFF, make_staff

from .conftest import at


@pytest.fixture
def owner_client(practice, client, auth):
    auth.login("dana@example.com")
    return client


def csrf_headers(client) -> dict:
    return {"X-CSRFToken": client.csrf_token()}


def rule_form(rule, **changes) -> dict:
    data = {"hours_before": str(rule.minutes_before // 60), "enabled": "y",
            "body_en": rule.template_for("en").body, "body_es": rule.template_for("es").body}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_practice_starts_with_rules_48_and_2_hours_before(practice, owner_client):
    page = owner_client.get("/reminders/rules").get_data(as_text=True)
    assert "48 hours before" in page and "2 hours before" in page
    assert [r.minutes_before for r in rules.rules_for(practice)] == [2880, 120]


def test_the_owner_changes_a_rule_and_the_appointments_ahead_are_replanned(
        practice, patient, provider, owner_client):
    appointment = service.book(practice, patient=patient, provider=provider,
                               starts_at=at(practice, date.today() + timedelta(days=10), 15),
                               actor=STAFF)
    day_before = rules.rules_for(practice)[0]
    response = owner_client.post(f"/reminders/rules/{day_before.id}",
                                 data=rule_form(day_before, hours_before="24"))
    assert response.status_code == 303
    db.session.expire_all()
    assert day_before.minutes_before == 24 * 60
    reminder = next(r for r in db.session.scalars(select(ReminderRule)) if r.id == day_before.id)
    assert reminder.enabled
    from reminder_app.models import Reminder

    planned = db.session.scalar(select(Reminder).where(Reminder.rule_id == day_before.id,
                                                       Reminder.appointment_id == appointment.id))
    assert planned.send_at == appointment.starts_at - timedelta(hours=24)


def test_an_unknown_placeholder_is_a_form_error(practice, owner_client):
    rule = rules.rules_for(practice)[0]
    db.session.commit()
    before = rule.template_for("en").body
    response = owner_client.post(f"/reminders/rules/{rule.id}",
                                 data=rule_form(rule, body_en="Hi {first_name}"))
    assert response.status_code == 200
    assert "Unknown placeholder {first_name}" in response.get_data(as_text=True)
    db.session.expire_all()
    assert rule.template_for("en").body == before


def test_the_edit_page_shows_the_preview_with_length_encoding_parts_and_credits(
        practice, owner_client):
    rule = rules.rules_for(practice)[0]
    db.session.commit()
    page = owner_client.get(f"/reminders/rules/{rule.id}").get_data(as_text=True)
    assert "Ana, see you" in page
    assert 'class="preview-encoding">GSM-7<' in page and 'class="preview-parts">1<' in page
    assert "js/reminder-preview.js" in page and "<script>" not in page


def test_the_live_preview_counts_parts_and_credits_as_the_sender_does(practice, owner_client):
    body = "{patient_first_name}: " + "€" * 80 + " STOP"
    response = owner_client.post("/reminders/preview", json={"body": body, "language": "en"},
                                 headers=csrf_headers(owner_client))
    shown = response.get_json()
    assert shown["text"].startswith("Ana: ")
    assert (shown["encoding"], shown["length"], shown["parts"], shown["credits"]) == (
        "GSM-7", 5 + 160 + 5, 2, 2)


def test_the_live_preview_counts_the_opt_out_line_a_text_lacks(practice, owner_client):
    body = "{patient_first_name}: " + "x" * 140  # 145 characters: one part without the line
    response = owner_client.post("/reminders/preview", json={"body": body, "language": "en"},
                                 headers=csrf_headers(owner_client))
    shown = response.get_json()
    assert shown["text"].endswith(" Reply STOP to opt out.")
    assert (shown["length"], shown["parts"]) == (145 + 23, 2)


def test_the_live_preview_names_an_unknown_placeholder(practice, owner_client):
    response = owner_client.post("/reminders/preview", json={"body": "{nope}"},
                                 headers=csrf_headers(owner_client))
    assert "Unknown placeholder {nope}" in response.get_json()["error"]


def test_the_live_preview_needs_the_csrf_token(practice, owner_client):
    response = owner_client.post("/reminders/preview", json={"body": "Hi"})
    assert response.status_code == 400


def test_staff_may_read_the_rules_but_only_the_owner_changes_them(practice, client, auth):
    make_staff(practice, email="sam@example.com", role=Role.STAFF)
    rule = rules.rules_for(practice)[0]
    db.session.commit()
    auth.login("sam@example.com")
    assert client.get("/reminders/rules").status_code == 200
    assert client.post(f"/reminders/rules/{rule.id}", data=rule_form(rule)).status_code == 403
    assert client.post("/reminders/quiet-hours",
                       data={"quiet_start": "20:00", "quiet_end": "09:00"}).status_code == 403
    assert client.post("/reminders/texting", data={
        "name_provider": "y", "reminders_per_day": "1",
        "reminders_per_week": "3"}).status_code == 403


def test_the_owner_adds_a_rule(practice, owner_client):
    rules.rules_for(practice)
    db.session.commit()
    response = owner_client.post("/reminders/rules/new", data={
        "hours_before": "24", "enabled": "y", "body_en": "See you {date} at {time}. {opt_out}",
        "body_es": "Hasta el {date} a las {time}. Responda STOP para darse de baja."})
    assert response.status_code == 303
    assert [r.minutes_before for r in rules.rules_for(practice)] == [2880, 120, 1440]


def test_a_reminder_text_without_the_opt_out_line_is_refused_with_a_clear_error(
        practice, owner_client):
    rule = rules.rules_for(practice)[0]
    db.session.commit()
    before = rule.template_for("es").body
    response = owner_client.post(f"/reminders/rules/{rule.id}",
                                 data=rule_form(rule, body_es="Hasta el {date}."))
    assert response.status_code == 200
    assert "must tell patients how to stop the texts" in response.get_data(as_text=True)
    db.session.expire_all()
    assert rule.template_for("es").body == before


def test_the_provider_is_named_only_once_the_owner_opts_in(practice, owner_client):
    rule = rules.rules_for(practice)[0]
    db.session.commit()
    with_provider = "See you {date} with {provider}. {opt_out}"
    page = owner_client.post(f"/reminders/rules/{rule.id}",
                             data=rule_form(rule, body_en=with_provider)).get_data(as_text=True)
    assert "does not name the provider" in page
    rules_page = owner_client.get("/reminders/rules").get_data(as_text=True)
    assert 'id="name-provider-warning"' in rules_page and "lock screen" in rules_page
    response = owner_client.post("/reminders/texting", data={
        "name_provider": "y", "reminders_per_day": "1", "reminders_per_week": "3"})
    assert response.status_code == 303
    response = owner_client.post(f"/reminders/rules/{rule.id}",
                                 data=rule_form(rule, body_en=with_provider))
    assert response.status_code == 303
    db.session.expire_all()
    assert practice.name_provider and rule.template_for("en").body == with_provider


def test_the_owner_sets_the_reminder_cap_and_a_week_below_a_day_is_refused(
        practice, owner_client):
    response = owner_client.post("/reminders/texting", data={
        "reminders_per_day": "2", "reminders_per_week": "1"}, follow_redirects=True)
    assert "A week cannot allow fewer reminders than a day." in response.get_data(as_text=True)
    db.session.expire_all()
    assert (practice.reminders_per_day, practice.reminders_per_week) == (1, 3)
    owner_client.post("/reminders/texting", data={"reminders_per_day": "2",
                                                  "reminders_per_week": "5"})
    db.session.expire_all()
    assert (practice.reminders_per_day, practice.reminders_per_week, practice.name_provider) \
        == (2, 5, False)


def test_the_owner_sets_quiet_hours(practice, owner_client):
    from datetime import time

    response = owner_client.post("/reminders/quiet-hours",
                                 data={"quiet_start": "20:30", "quiet_end": "09:00"})
    assert response.status_code == 303
    db.session.expire_all()
    assert (practice.quiet_start, practice.quiet_end) == (time(20, 30), time(9))


def test_the_day_view_shows_each_reminder_state_and_why(practice, patient, provider,
                                                        owner_client):
    day = date.today() + timedelta(days=10)
    appointment = service.book(practice, patient=patient, provider=provider,
                               starts_at=at(practice, day, 15), actor=STAFF)
    from reminder_app.models import Reminder

    first, second = db.session.scalars(select(Reminder).order_by(Reminder.id)).all()
    second.status, second.reason = ReminderStatus.FAILED, "The mobile number is not valid."
    db.session.commit()
    page = owner_client.get(f"/appointments/day?date={day.isoformat()}").get_data(as_text=True)
    assert f'data-reminder="{first.id}" data-status="pending"' in page
    assert f'data-reminder="{second.id}" data-status="failed"' in page
    assert "The mobile number is not valid." in page and appointment.id


def count_queries(client, url) -> int:
    statements = []

    def count(*_args):
        statements.append(1)

    db.session.expire_all()  # nothing cached from an earlier request of this test
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_day_view_loads_reminders_without_a_query_per_appointment(
        practice, patient, provider, owner_client):
    now = at(practice, date.today(), 0) - timedelta(days=1)
    small_day, big_day = (date.today() + timedelta(days=n) for n in (20, 21))
    for day, count in ((small_day, 5), (big_day, 200)):
        for n in range(count):
            service.book(practice, patient=patient, provider=provider,
                                    starts_at=at(practice, day, 8) + timedelta(minutes=3 * n),
                                    now=now, actor=STAFF)
    db.session.commit()
    small = count_queries(owner_client, f"/appointments/day?date={small_day.isoformat()}")
    big = count_queries(owner_client, f"/appointments/day?date={big_day.isoformat()}")
    assert small == big
