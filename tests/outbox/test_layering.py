"""The outbox depends on nothing above it: what reminders and offers must satisfy to leave
is registered with it at app start, never imported by it."""

from pathlib import Path

import pytest

import reminder_app
from reminder_app import create_app
from reminder_app.models import MessageKind
from reminder_app.outbox.policy import EXTENSION, register_check
from tests.import_graph import area_graph

ABOVE = {"reminders", "appointments", "inbound", "waitlist", "onboarding", "dashboard",
         "api", "settings", "patients"}


def test_the_outbox_imports_nothing_above_it():
    """Anywhere in it, inside functions too (the walk is tests/import_graph.py, whose own
    tests are in tests/test_layering.py)."""
    imported = area_graph(Path(reminder_app.__file__).parent).get("outbox", {})
    assert [found.site for area in ABOVE & set(imported) for found in imported[area]] == []


def test_the_app_registers_the_check_of_every_scheduled_kind():
    """Each kind of text the app sends unasked has the rules it must meet as it leaves."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert set(app.extensions[EXTENSION]) == {
        MessageKind.REMINDER, MessageKind.OFFER, MessageKind.LATE_NOTICE, MessageKind.RECALL,
        MessageKind.NOTICE}


def test_a_kind_has_one_check():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with pytest.raises(RuntimeError):
        register_check(app, MessageKind.REMINDER, lambda outgoing, now: None)
