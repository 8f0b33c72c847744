"""One direction through the core (issue 14): no area of `reminder_app` imports one that
imports it back, the core runs inbound → waitlist → appointments → reminders → outbox →
gateway, and imports sit at the top of their module, where a reader sees them.

An area is a direct sub-package or module of reminder_app (`reminder_app.appointments`,
`reminder_app.models`, `reminder_app.forms`). The walk reads the source (tests/import_graph.py):
module-level and function-level imports, relative ones resolved.
"""

from pathlib import Path

import pytest

import reminder_app
from tests.import_graph import (
    all_imports,
    area_graph,
    cycles,
    describe,
    imports_of,
    write_tree,
)

ROOT = Path(reminder_app.__file__).parent

#: The core's direction: each area may import those after it, never one before it.
CORE = ("inbound", "waitlist", "appointments", "reminders", "outbox", "clickatell")

#: The only modules that may import inside a function, and why.
FUNCTION_LEVEL_IMPORTS = {
    "reminder_app": "the app factory: each step imports its part as the app is built, so "
                    "importing reminder_app.models (migrations, tests) does not import every "
                    "blueprint",
}


def test_no_area_imports_one_that_imports_it_back():
    graph = area_graph(ROOT)
    found = cycles(graph)
    assert not found, "Import cycles between areas:\n" + "\n".join(
        describe(cycle, graph) for cycle in found)


def test_the_core_imports_only_downwards():
    graph = area_graph(ROOT)
    upward = [found.site for n, upper in enumerate(CORE) for lower in CORE[n + 1:]
              for found in graph.get(lower, {}).get(upper, [])]
    assert upward == []


def test_imports_sit_at_the_top_of_their_module():
    inside = [found.site for found in all_imports(ROOT)
              if found.in_function and found.module not in FUNCTION_LEVEL_IMPORTS]
    assert inside == []


# ---------------------------------------------------------------- the walk itself

@pytest.fixture
def app_root(tmp_path):
    return tmp_path / "app"


def test_a_cycle_held_by_a_function_level_import_is_found_and_named(app_root):
    write_tree(app_root, {
        "__init__.py": "",
        "low/__init__.py": "",
        "low/service.py": "def f():\n    from ..high.offers import g\n",
        "high/__init__.py": "",
        "high/offers.py": "from ..low import service\n",
    })
    graph = area_graph(app_root)
    assert cycles(graph) == [["high", "low", "high"]]
    assert "app.low.service:2 imports app.high.offers" in describe(["high", "low", "high"],
                                                                   graph)


def test_relative_imports_resolve_to_their_area(app_root):
    write_tree(app_root, {
        "__init__.py": "from . import models\n",
        "models/__init__.py": "from .. import crypto\nfrom .keywords import Intent\n",
        "crypto.py": "import app.models\n",
    })
    graph = area_graph(app_root)
    assert {area: set(targets) for area, targets in graph.items()} == {
        "app": {"models"}, "models": {"crypto"}, "crypto": {"models"}}
    assert cycles(graph) == [["crypto", "models", "crypto"]]


def test_an_import_inside_a_function_is_told_from_one_at_the_top(app_root):
    write_tree(app_root, {"__init__.py": "", "m.py": (
        "import os\nif os:\n    from . import a\n"
        "class C:\n    def f(self):\n        import json\n")})
    found = imports_of(app_root / "m.py", "app.m")
    assert [(i.target, i.in_function) for i in found] == [
        ("os", False), ("app.a", False), ("json", True)]
