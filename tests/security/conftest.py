"""A practice with one record of every kind a staff URL can name, and its owner signed in."""

import pytest
from sqlalchemy import select

from reminder_app.extensions import db
from tests.factories import (
    make_clickatell_account,
    make_practice,
    one_record_of_each,
)
from tests.test_tenancy import ID_ARGUMENTS, PUBLIC_PREFIXES

#: URLs no staff page lives under (the bootstrap assets are files too).
NOT_STAFF_PAGES = (*PUBLIC_PREFIXES, "/bootstrap/")


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
    return one_record_of_each(owner.practice)


@pytest.fixture
def signed_in(client, auth, owner, records):
    response = auth.login("a@example.com")
    assert response.status_code == 303
    return client
