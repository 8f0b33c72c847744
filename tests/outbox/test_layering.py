"""The outbox depends on nothing above it: what reminders and offers must satisfy to leave
is registered with it at app start, never imported by it."""

import ast
from pathlib import Path

import pytest

import reminder_app.outbox
from reminder_app import create_app
from reminder_app.models import MessageKind
from reminder_app.outbox.policy import EXTENSION, register_check

ABOVE = {"reminders", "appointments", "inbound", "waitlist", "onboarding", "dashboard",
         "api", "settings", "patients"}
PACKAGE = Path(reminder_app.outbox.__file__).parent


def imported_packages(path: Path) -> set[str]:
    """The `reminder_app` sub-packages a module of the outbox imports (anywhere in it)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level >= 2:  # ..x from outbox/
            names = [node.module or alias.name for alias in node.names]
            names = [f"reminder_app.{name}" for name in names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        found |= {name.split(".")[1] for name in names
                  if name.startswith("reminder_app.") and name.count(".") >= 1}
    return found


@pytest.mark.parametrize("module", sorted(PACKAGE.glob("*.py")), ids=lambda path: path.name)
def test_the_outbox_imports_nothing_above_it(module):
    assert imported_packages(module) & ABOVE == set()


def test_the_import_walk_sees_a_relative_import_from_above(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from ..reminders.planning import QUIET\n"
                      "from .. import waitlist\n")
    assert imported_packages(module) == {"reminders", "waitlist"}


def test_the_app_registers_the_checks_of_reminders_and_offers():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert set(app.extensions[EXTENSION]) == {MessageKind.REMINDER, MessageKind.OFFER}


def test_a_kind_has_one_check():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with pytest.raises(RuntimeError):
        register_check(app, MessageKind.REMINDER, lambda outgoing, now: None)
