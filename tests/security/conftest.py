"""A practice with one record of every kind a staff URL can name, and its owner signed in."""

import pytest
from sqlalchemy import select

from reminder_app.extensions import db
from reminder_app.inbound.understanding import Intent
from reminder_app.models import (
    ApiToken,
    Appointment,
    Message,
    Patient,
    PracticeKeyword,
    Provider,
    ReminderRule,
    StaffUser,
)
from reminder_app.reminders.rules import rules_for
from reminder_app.settings.service import create_api_token
from tests.factories import (
    make_appointment,
    make_clickatell_account,
    make_practice,
    make_sent_text,
    make_staff,
)
from tests.test_tenancy import ID_ARGUMENTS, PUBLIC_PREFIXES

#: URLs no staff page lives under (the bootstrap assets are files too).
NOT_STAFF_PAGES = (*PUBLIC_PREFIXES, "/bootstrap/")


def records_of(practice) -> dict:
    """One record of each model that a staff URL takes the id of, all of `practice`."""
    appointment = make_appointment(practice)
    keyword = PracticeKeyword(practice_id=practice.id, word="ven", intent=Intent.CONFIRM)
    db.session.add(keyword)
    db.session.commit()
    return {StaffUser: make_staff(practice), Patient: appointment.patient,
            Provider: appointment.provider, Appointment: appointment,
            ApiToken: create_api_token(practice, "PMS")[0],
            Message: make_sent_text(practice, patient=appointment.patient),
            PracticeKeyword: keyword, ReminderRule: rules_for(practice)[0]}


def staff_rules(app, method: str):
    """(rule, url) for each staff URL that answers `method`, ids filled from `records`."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith(NOT_STAFF_PAGES) or method not in rule.methods:
            continue
        yield rule


def url_for_rule(rule, records: dict) -> str:
    return rule.build({arg: records[ID_ARGUMENTS[arg]].id for arg in rule.arguments})[1]


def snapshot() -> dict:
    """Every row of every table, to prove a refused request changed nothing."""
    db.session.expire_all()
    return {table.name: sorted(map(tuple, db.session.execute(select(table)).all()), key=repr)
            for table in db.metadata.sorted_tables}


@pytest.fixture
def owner(app):
    owner = make_practice("Practice A", owner_email="a@example.com")
    make_clickatell_account(owner.practice)
    return owner


@pytest.fixture
def records(owner):
    return records_of(owner.practice)


@pytest.fixture
def signed_in(client, auth, owner, records):
    response = auth.login("a@example.com")
    assert response.status_code == 303
    return client
