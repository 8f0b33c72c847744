"""Production installs requirements/runtime.txt alone: everything the app imports is there,
and nothing only development needs is."""

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_CODE = [ROOT / "config.py", ROOT / "wsgi.py",
                   *sorted((ROOT / "reminder_app").rglob("*.py"))]
#: devtools is imported only where its absence is allowed (reminder_app/cli.py).
FIRST_PARTY = {"reminder_app", "config", "wsgi", "devtools"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(file: str) -> dict[str, str]:
    """name -> version of each `name==version` line (includes are not followed)."""
    found = {}
    for line in (ROOT / "requirements" / file).read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9_.-]+)(\[[^\]]+\])?==(\S+)$", line.strip()):
            found[canonical(match.group(1))] = match.group(3)
    return found


def imported_distributions() -> dict[str, str]:
    """Distribution -> one file that imports it, over the production code."""
    owners = packages_distributions()
    found = {}
    for path in PRODUCTION_CODE:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in FIRST_PARTY:
                    continue
                for distribution in owners.get(top, [top]):
                    found.setdefault(canonical(distribution), str(path.relative_to(ROOT)))
    return found


def test_every_package_the_app_imports_is_pinned_in_runtime():
    runtime = pinned("runtime.txt")
    missing = {name: where for name, where in imported_distributions().items()
               if name not in runtime}
    assert missing == {}


def test_nothing_only_development_or_the_sandbox_needs_is_imported_by_the_app():
    elsewhere = set(pinned("dev.txt")) | set(pinned("sandbox.txt"))
    assert {name: where for name, where in imported_distributions().items()
            if name in elsewhere} == {}


def test_each_requirement_is_pinned_once():
    files = ["runtime.txt", "sandbox.txt", "dev.txt"]
    names = [name for file in files for name in pinned(file)]
    assert len(names) == len(set(names))
    for file in files:
        lines = [line.strip() for line in (ROOT / "requirements" / file).read_text().splitlines()
                 if line.strip() and not line.startswith(("#", "-r "))]
        assert all("==" in line for line in lines), file
