"""The journey's rules on the rules screen (on/off, their number, their texts with the live
preview), a before-visit rule's choice once confirmed, and the texts on the appointment's
page."""

from datetime import date, timedelta

import pytest

from reminder_app.appointments import service
from reminder_app.extensions import db
from reminder_app.models import Role
from reminder_app.models.events import WAITLIST
from reminder_app.models.reminders import RuleKind, WhenConfirmed
from reminder_app.reminders import journey, journey_defaults, rules
from reminder_app.transactions import unit_of_work
from tests.factories import STAFF, make_staff

from .conftest import at


@pytest.fixture
def owner_client(practice, client, auth):
    auth.login("dana@example.com")
    return client


def journey_rule(practice, kind: RuleKind):
    journey_defaults.journey_rules_for(practice)
    db.session.commit()
    return journey_defaults.journey_rule(practice.id, kind)


def journey_form(rule, **changes) -> dict:
    data = {"enabled": "y", "hours": "3", "body_en": rule.template_for("en").body,
            "body_es": rule.template_for("es").body}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_rules_screen_lists_the_journey_switched_off_for_a_practice_from_before(
        practice, owner_client):
    page = owner_client.get("/reminders/rules").get_data(as_text=True)
    assert "Along the way" in page
    for kind, label in (("booked", "Booked notice"), ("changed", "Change notice"),
                        ("cancelled", "Cancellation notice"), ("no_show", "No-show follow-up")):
        row = page.split(f'data-kind="{kind}"')[1].split("</tr>")[0]
        assert label in row and ">Off<" in row


def test_the_owner_switches_on_the_booked_notice_with_its_lead_time_and_text(
        practice, owner_client):
    rule = journey_rule(practice, RuleKind.BOOKED)
    page = owner_client.get(f"/reminders/rules/{rule.id}").get_data(as_text=True)
    assert "No booked notice when the appointment starts within" in page
    assert "Ana, you are booked for" in page and 'class="preview-parts">1<' in page
    response = owner_client.post(f"/reminders/rules/{rule.id}", data=journey_form(
        rule, hours="4", body_en="{practice_name}: booked {date} {time}. {opt_out}"))
    assert response.status_code == 303
    db.session.expire_all()
    assert (rule.enabled, rule.minutes_before) == (True, 4 * 60)
    assert rule.template_for("en").body == "{practice_name}: booked {date} {time}. {opt_out}"


def test_the_no_show_delay_is_saved_and_a_change_notice_has_no_number(practice, owner_client):
    follow_up = journey_rule(practice, RuleKind.NO_SHOW)
    assert owner_client.post(f"/reminders/rules/{follow_up.id}",
                             data=journey_form(follow_up, hours="2")).status_code == 303
    db.session.expire_all()
    assert (follow_up.enabled, follow_up.delay_minutes) == (True, 120)

    changed = journey_rule(practice, RuleKind.CHANGED)
    page = owner_client.get(f"/reminders/rules/{changed.id}").get_data(as_text=True)
    assert 'name="hours"' not in page
    assert owner_client.post(f"/reminders/rules/{changed.id}",
                             data=journey_form(changed, hours=None)).status_code == 303


def test_a_notice_without_the_stop_line_or_with_a_lead_time_out_of_range_is_refused(
        practice, owner_client):
    rule = journey_rule(practice, RuleKind.BOOKED)
    before = rule.template_for("es").body
    response = owner_client.post(f"/reminders/rules/{rule.id}",
                                 data=journey_form(rule, body_es="Cita el {date}."))
    assert response.status_code == 200
    assert "must tell patients how to stop the texts" in response.get_data(as_text=True)
    response = owner_client.post(f"/reminders/rules/{rule.id}",
                                 data=journey_form(rule, hours="60"))
    assert "Choose from 1 to 48 hours." in response.get_data(as_text=True)
    db.session.expire_all()
    assert (rule.enabled, rule.template_for("es").body) == (False, before)


def test_staff_may_read_a_journey_rule_but_not_change_it(practice, client, auth):
    make_staff(practice, email="sam@example.com", role=Role.STAFF)
    rule = journey_rule(practice, RuleKind.CANCELLED)
    auth.login("sam@example.com")
    assert client.get(f"/reminders/rules/{rule.id}").status_code == 200
    assert client.post(f"/reminders/rules/{rule.id}",
                       data=journey_form(rule, hours=None)).status_code == 403


def test_the_owner_chooses_what_a_reminder_does_once_confirmed(practice, owner_client):
    rule = rules.rules_for(practice)[0]
    db.session.commit()
    page = owner_client.get(f"/reminders/rules/{rule.id}").get_data(as_text=True)
    assert "Once the patient confirmed" in page
    response = owner_client.post(f"/reminders/rules/{rule.id}", data={
        "hours_before": "48", "enabled": "y", "when_confirmed": "short",
        "body_en": rule.template_for("en").body, "body_es": rule.template_for("es").body})
    assert response.status_code == 303
    db.session.expire_all()
    assert rule.when_confirmed is WhenConfirmed.SHORT
    response = owner_client.post(f"/reminders/rules/{rule.id}", data={
        "hours_before": "48", "enabled": "y", "when_confirmed": "sometimes",
        "body_en": rule.template_for("en").body, "body_es": rule.template_for("es").body})
    assert response.status_code == 200 and rule.when_confirmed is WhenConfirmed.SHORT


def test_the_appointments_page_shows_its_notice_and_reminders(practice, patient, provider,
                                                               owner_client):
    rule = journey_rule(practice, RuleKind.BOOKED)
    rule.enabled = True
    db.session.commit()
    now = at(practice, date.today(), 9)
    with unit_of_work():
        appointment = service.book(practice, patient=patient, provider=provider, actor=STAFF,
                                   starts_at=now + timedelta(days=5), now=now)
    page = owner_client.get(f"/appointments/{appointment.id}").get_data(as_text=True)
    texts = page.split('id="appointment-texts"')[1].split("</div>")[0]
    assert "Booked notice" in texts and "48 hours before" in texts and "2 hours before" in texts


def test_the_campaign_samples_and_the_consent_count_include_the_notices_switched_on(
        practice):
    from reminder_app.models.types import utcnow
    from reminder_app.reminders.consent import reminders_per_visit
    from reminder_app.settings.registration import sample_messages

    rules.rules_for(practice)
    assert reminders_per_visit(practice) == 2
    before = sample_messages(practice, utcnow())
    journey_rule(practice, RuleKind.BOOKED).enabled = True
    journey_rule(practice, RuleKind.NO_SHOW).enabled = True
    db.session.commit()
    samples = sample_messages(practice, utcnow())
    assert len(samples) == len(before) + 4  # two texts, two languages
    assert any("you are booked for" in sample for sample in samples)
    assert any("le esperabamos" in sample for sample in samples)
    assert reminders_per_visit(practice) == 3  # the booked notice is every visit's


def test_the_day_view_shows_a_notice_beside_the_reminders_with_why_it_was_skipped(
        practice, patient, provider, owner_client):
    rule = journey_rule(practice, RuleKind.BOOKED)
    rule.enabled = True
    db.session.commit()
    day = date.today() + timedelta(days=10)
    with unit_of_work():
        service.book(practice, patient=patient, provider=provider, actor=WAITLIST,
                     starts_at=at(practice, day, 15))
    page = owner_client.get(f"/appointments/day?date={day.isoformat()}").get_data(as_text=True)
    assert "Booked notice" in page and journey.BY_SMS in page
    assert "booked notice skipped" in page  # the marks' spoken summary
