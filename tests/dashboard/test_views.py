"""The dashboard page: today at a glance for the signed-in staff member's practice only."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from reminder_app.extensions import db
from reminder_app.models import (
    AppointmentStatus,
    Direction,
    Message,
    MessageKind,
    MessageStatus,
    Reminder,
    ReminderRule,
    ReminderStatus,
)
from reminder_app.recalls import service as recalls
from reminder_app.recalls.service import RecallDetails
from reminder_app.transactions import unit_of_work
from tests.factories import (
    STAFF,
    make_appointment,
    make_clickatell_account,
    make_patient,
    make_practice,
)


@pytest.fixture
def owner(app):
    owner = make_practice("Riverside Family Practice", owner_email="dana@example.com")
    account = make_clickatell_account(owner.practice, long_number="+12015550199")
    account.balance = Decimal(250)
    db.session.commit()
    return owner


def noon_today(practice) -> datetime:
    return datetime.now(UTC).astimezone(practice.zone).replace(
        hour=12, minute=0, second=0, microsecond=0).astimezone(UTC)


def test_the_dashboard_shows_todays_figures_and_the_balance(client, auth, owner):
    practice = owner.practice
    make_appointment(practice, starts_at=noon_today(practice), status=AppointmentStatus.CONFIRMED)
    patient = make_patient(practice)
    db.session.add(Message(practice_id=practice.id, patient=patient, direction=Direction.INBOUND,
                           kind=MessageKind.REPLY, sender=patient.mobile,
                           recipient="+12015550199", body="Can I come earlier?",
                           status=MessageStatus.RECEIVED))
    db.session.commit()
    other = make_practice().practice
    make_appointment(other, starts_at=noon_today(other))

    auth.login("dana@example.com")
    page = client.get("/").get_data(as_text=True)

    assert 'id="figure-today"' in page and ">1</div>" in page
    assert "appointment today" in page and "1 unhandled repl" not in page
    assert "unhandled reply" in page
    assert 'data-status="confirmed"' in page and 'data-status="booked"' not in page
    assert "250" in page and "not enough history" in page
    assert 'id="onboarding-card"' not in page  # the account is ready


def test_while_set_up_is_incomplete_the_checklist_is_on_the_dashboard(client, auth, owner):
    owner.practice.clickatell_account.long_number = None
    db.session.commit()
    auth.login("dana@example.com")
    page = client.get("/").get_data(as_text=True)
    assert 'id="onboarding-card"' in page and 'data-step="number"' in page


def test_the_chart_appears_once_there_is_history(client, auth, owner):
    practice = owner.practice
    auth.login("dana@example.com")
    assert "<svg" not in client.get("/").get_data(as_text=True)
    make_appointment(practice, starts_at=noon_today(practice) - timedelta(days=2),
                     status=AppointmentStatus.CONFIRMED)
    page = client.get("/").get_data(as_text=True)
    assert '<svg class="chart"' in page and "confirmed <strong>100%</strong>" in page


def test_the_failed_figure_counts_failed_reminders_not_skipped_ones(client, auth, owner):
    practice = owner.practice
    rule = ReminderRule(practice_id=practice.id, minutes_before=60, position=9)
    db.session.add(rule)
    visit = make_appointment(practice, starts_at=noon_today(practice) + timedelta(days=1))
    for status, count in ((ReminderStatus.FAILED, 2), (ReminderStatus.SKIPPED, 3)):
        for _ in range(count):
            db.session.add(Reminder(practice_id=practice.id, appointment_id=visit.id,
                                    rule_id=rule.id, send_at=visit.starts_at,
                                    appointment_starts_at=visit.starts_at, status=status,
                                    reason="Refused"))
    db.session.commit()
    auth.login("dana@example.com")
    page = client.get("/").get_data(as_text=True)
    figure = page[page.index('id="figure-failed"'):]
    assert '<div class="figure-value">2</div>' in figure[:400]


def test_the_dashboard_counts_recalls_due_texted_and_overdue_linking_to_the_list(
        client, auth, owner):
    practice = owner.practice
    now = datetime.now(UTC)
    day = now.astimezone(practice.zone).date()
    with unit_of_work():
        for due_on, steps in ((day - timedelta(days=40), 2), (day, 0), (day + timedelta(9), 0)):
            recall = recalls.add(practice, make_patient(practice),
                                 RecallDetails("Annual physical", due_on), actor=STAFF,
                                 now=now)
            recall.steps = steps
    auth.login("dana@example.com")
    page = client.get("/").get_data(as_text=True)
    for show, count, label in (("due", 2, "due now"), ("texted", 1, "texted, not booked"),
                               ("overdue", 1, "overdue")):
        assert (f'href="/recalls/?show={show}" data-recalls="{show}"><div class="figure-value">'
                f'{count}</div><div class="figure-label">{label}</div>') in page
    assert client.get("/recalls/?show=texted").status_code == 200
