"""The package is the provider boundary: plain Python, no Flask, no app imports."""

import ast
from pathlib import Path

import reminder_app.clickatell as clickatell

PACKAGE = Path(clickatell.__file__).parent


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
    return names


def test_no_module_of_the_package_imports_flask_or_the_app():
    for path in sorted(PACKAGE.glob("*.py")):
        roots = {name.split(".")[0] for name in imported_modules(path)}

        assert not roots & {"flask", "flask_sqlalchemy", "reminder_app", "config"}, path.name


def test_only_the_xml_module_imports_lxml():
    users = {path.name for path in PACKAGE.glob("*.py") if any(
        name.split(".")[0] == "lxml" for name in imported_modules(path))}

    assert users == {"xml.py"}


def test_every_public_name_is_exported():
    for name in clickatell.__all__:
        assert getattr(clickatell, name) is not None
