"""Services never commit (issue 14): the edges own the transaction.

`reminder_app/transactions.py` is the one module that calls `commit()` or `rollback()` on
the session. Everything else ends a unit of work through it (`unit_of_work`, `commit`,
`rollback`), and only an edge may: a view, a webhook, a request hook, a scheduler job, a
CLI command, and the steps of a pass that must commit before it calls Clickatell. The walk
reads the source with `ast` (nothing is imported), like tests/test_layering.py.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

import reminder_app
from reminder_app.extensions import db
from reminder_app.models import Practice
from reminder_app.transactions import unit_of_work
from tests.factories import make_practice
from tests.import_graph import module_name, write_tree

ROOT = Path(reminder_app.__file__).parent

#: Modules that may call commit()/rollback() on the session itself, and why.
SESSION_CALLS_ALLOWED = {
    "reminder_app.transactions": "the unit of work: the one place the app commits",
}

#: Whole modules that are edges: each of their functions answers a request or runs a command.
EDGE_MODULES = {
    "reminder_app.cli": "the `flask` commands (seed-demo, rotate-field-keys, purge-old-texts)",
    "reminder_app.onboarding.connect_existing_views": "the views that connect an existing "
                                                      "Platform account",
    "reminder_app.metrics": "the /metrics scrape ends its read-only transaction",
    "reminder_app.worker": "the worker process: its heartbeat writes are units of work",
    "reminder_app.reminders.cli": "the `flask reminders send-due` command",
    "reminder_app.recalls.cli": "the `flask recalls send-due` command",
    "reminder_app.scheduler": "the job wrapper: each scheduled run is one unit of work",
    "reminder_app.errors": "an error page ends the failed request's transaction",
    "reminder_app.health": "the health check ends its probe's transaction",
    "reminder_app.inbound.webhooks": "Clickatell's callbacks: one commit per callback, the "
                                     "raw record first",
}

#: Functions outside the views that end a unit of work, and why.
EDGE_FUNCTIONS = {
    "reminder_app.auth.sessions.settle_session_bookkeeping":
        "before each request: the session's last-seen is committed apart from the view's work",
    "reminder_app.audit.record_change":
        "after each request: the trail's row, in its own small transaction",
    "reminder_app.reminders.planning.queue_due":
        "the dispatch pass reads the due reminders in turn, and ends that read before queueing",
    "reminder_app.reminders.planning._queue_batch":
        "the dispatch pass queues due reminders one committed batch at a time",
    "reminder_app.outbox.dispatcher.claim_messages":
        "the claim is committed before Clickatell is asked (a crash never sends twice)",
    "reminder_app.outbox.dispatcher.claim_with_slots":
        "the claim and its numbers' slots are committed before Clickatell is asked",
    "reminder_app.outbox.dispatcher.load_jobs":
        "ends the read: nothing is held open during the network calls",
    "reminder_app.outbox.dispatcher._write_outcomes":
        "the outcomes of the texts just sent, committed as soon as they are known",
    "reminder_app.outbox.dispatcher.return_unused_slots":
        "slots a stopped text leaves unused, given back to its number before the others leave",
    "reminder_app.outbox.dispatcher._next_queued":
        "ends its read: a pass waiting for a text queued ahead holds nothing open meanwhile",
    "reminder_app.outbox.dispatcher.release_held":
        "texts held for a blocker that has gone, released at the start of a pass",
    "reminder_app.outbox.at_once.claim_by_id":
        "an answer sent at once: its claim is committed before Clickatell is asked",
    "reminder_app.outbox.at_once.send_at_once":
        "an answer sent at once after the webhook's commit; a failure leaves it to the pass",
    "reminder_app.waitlist.offers.advance":
        "the scheduled job: each freed slot's wave in its own transaction",
}

TRANSACTION_NAMES = {"commit", "rollback", "unit_of_work"}


def is_edge_module(module: str) -> bool:
    """A blueprint's views: each one parses, calls a service and answers."""
    return module.endswith(".views") or module in EDGE_MODULES


@dataclass(frozen=True)
class Call:
    module: str
    function: str  # the enclosing function, dotted ("init_app.seed_demo"), or "" at the top
    line: int
    what: str  # "session.commit", "transactions.commit", "unit_of_work", …

    @property
    def site(self) -> str:
        where = f"{self.module}.{self.function}" if self.function else self.module
        return f"{where}:{self.line} calls {self.what}()"


def imported_from_transactions(tree: ast.Module) -> set[str]:
    """The names a module took from `transactions` (`from ..transactions import commit`)."""
    return {alias.asname or alias.name for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("transactions")
            for alias in node.names if alias.name in TRANSACTION_NAMES}


def transaction_calls(path: Path, module: str) -> list[Call]:
    """Every call in the file that ends a transaction: on the session itself
    (`db.session.commit()`), or through the unit of work (`transactions.commit()`,
    `unit_of_work()`, a name imported from it)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    imported = imported_from_transactions(tree)
    found: list[Call] = []

    def what(call: ast.Call) -> str | None:
        target = call.func
        if isinstance(target, ast.Name) and target.id in imported:
            return target.id
        if not isinstance(target, ast.Attribute):
            return None
        owner = target.value
        owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
        if target.attr in ("commit", "rollback") and owner_name == "session":
            return f"session.{target.attr}"
        if target.attr in TRANSACTION_NAMES and owner_name == "transactions":
            return f"transactions.{target.attr}"
        return None

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = f"{function}.{node.name}" if function else node.name
        if isinstance(node, ast.Call) and (name := what(node)):
            found.append(Call(module, function, node.lineno, name))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "")
    return found


def all_calls(root: Path) -> list[Call]:
    return [call for path in sorted(root.rglob("*.py"))
            for call in transaction_calls(path, module_name(path, root))]


def allowed(call: Call) -> bool:
    if call.what.startswith("session."):
        return call.module in SESSION_CALLS_ALLOWED
    return (is_edge_module(call.module)
            or f"{call.module}.{call.function.split('.')[0]}" in EDGE_FUNCTIONS)


# ---------------------------------------------------------------- the rule

def test_only_the_unit_of_work_commits_on_the_session():
    outside = [call.site for call in all_calls(ROOT)
               if call.what.startswith("session.") and call.module not in
               SESSION_CALLS_ALLOWED]
    assert outside == []


def test_only_the_edges_end_a_unit_of_work():
    """A service (anything not listed as an edge) changes the session and returns."""
    assert [call.site for call in all_calls(ROOT) if not allowed(call)] == []


def test_every_listed_edge_function_still_ends_a_unit_of_work():
    """The list stays honest: an entry whose function no longer commits is removed."""
    ending = {f"{call.module}.{call.function.split('.')[0]}" for call in all_calls(ROOT)}
    assert sorted(set(EDGE_FUNCTIONS) - ending) == []


# ---------------------------------------------------------------- the walk itself

def test_the_walk_finds_every_way_of_committing(tmp_path):
    root = write_tree(tmp_path / "app", {
        "__init__.py": "",
        "area/__init__.py": "",
        "area/service.py": (
            "from .. import transactions\n"
            "from ..transactions import commit as done, unit_of_work\n"
            "def book():\n"
            "    db.session.commit()\n"
            "    session.rollback()\n"
            "    transactions.commit()\n"
            "    done()\n"
            "    with unit_of_work():\n"
            "        pass\n"
            "def safe():\n"
            "    message.commit()\n"  # not the session: ignored
        ),
    })
    assert [call.site for call in all_calls(root)] == [
        "app.area.service.book:4 calls session.commit()",
        "app.area.service.book:5 calls session.rollback()",
        "app.area.service.book:6 calls transactions.commit()",
        "app.area.service.book:7 calls done()",
        "app.area.service.book:8 calls unit_of_work()",
    ]
    assert not any(allowed(call) for call in all_calls(root))


def test_a_view_module_is_an_edge_and_a_service_is_not():
    assert is_edge_module("reminder_app.appointments.views")
    assert not is_edge_module("reminder_app.appointments.service")


# ---------------------------------------------------------------- the unit of work

def stored_practices() -> int:
    """Counted through a connection of its own: what another request would see."""
    with db.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(Practice))


def test_a_unit_of_work_commits_what_its_block_did(app):
    with unit_of_work():
        db.session.add(Practice(name="Riverside", country="US", timezone="America/New_York",
                                phone="+12015550100"))
    assert stored_practices() == 1


def test_a_unit_of_work_that_raises_rolls_everything_back(app):
    make_practice("Kept")
    with pytest.raises(RuntimeError), unit_of_work():
        db.session.add(Practice(name="Dropped", country="US", timezone="America/New_York",
                                phone="+12015550100"))
        db.session.flush()
        raise RuntimeError("the service refused half way")
    assert stored_practices() == 1
    assert db.session.scalar(select(Practice.name)) == "Kept"


def test_a_unit_of_work_is_also_a_decorator(app):
    @unit_of_work()
    def view():
        db.session.add(Practice(name="Riverside", country="US", timezone="America/New_York",
                                phone="+12015550100"))

    view()
    view()
    assert stored_practices() == 2
