"""The import graph of a package, read from its source with `ast` (nothing is imported):
every import, at module level or inside a function, relative ones resolved, grouped by the
package's direct sub-packages and modules ("areas": `reminder_app.appointments`,
`reminder_app.models`, `reminder_app.forms`). Used by tests/test_layering.py and
tests/outbox/test_layering.py."""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. "reminder_app.waitlist.offers"
    line: int
    target: str  # what it imports, resolved, e.g. "reminder_app.appointments.service"
    in_function: bool

    @property
    def site(self) -> str:
        return f"{self.module}:{self.line} imports {self.target}"


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """A small package on disk for the walks' own tests: {relative path: source}."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def module_name(path: Path, root: Path) -> str:
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, module: str) -> list[Import]:
    """Every import in the file of `module`, with the line and whether a function holds it."""
    is_package = path.name == "__init__.py"
    package = module.split(".") if is_package else module.split(".")[:-1]
    found: list[Import] = []

    def resolve(node: ast.ImportFrom) -> list[str]:
        if node.level == 0:
            base = node.module or ""
        else:
            if node.level > len(package):
                raise ValueError(f"{module}:{node.lineno}: relative import beyond the top")
            base = ".".join(package[:len(package) - node.level + 1])
            if node.module:
                base = f"{base}.{node.module}"
        if node.module:
            return [base]
        return [f"{base}.{alias.name}" for alias in node.names]  # from . import x

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend(Import(module, node.lineno, alias.name, in_function)
                         for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.extend(Import(module, node.lineno, target, in_function)
                         for target in resolve(node))
        inside = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for child in ast.iter_child_nodes(node):
            visit(child, inside)

    visit(ast.parse(path.read_text(), str(path)), False)
    return found


def all_imports(root: Path) -> list[Import]:
    return [found for path in sorted(root.rglob("*.py"))
            for found in imports_of(path, module_name(path, root))]


def area_of(name: str, root: Path) -> str | None:
    """`reminder_app.waitlist.offers` → "waitlist"; the root itself (the app factory) is
    its own area, named after it; None outside the root."""
    parts = name.split(".")
    if parts[0] != root.name:
        return None
    if len(parts) > 1 and ((root / parts[1]).is_dir() or (root / f"{parts[1]}.py").is_file()):
        return parts[1]
    return root.name


def area_graph(root: Path) -> dict[str, dict[str, list[Import]]]:
    """{area: {area it imports: [the imports that make the edge]}}, without self-edges."""
    graph: dict[str, dict[str, list[Import]]] = defaultdict(lambda: defaultdict(list))
    for found in all_imports(root):
        source, target = area_of(found.module, root), area_of(found.target, root)
        if target is not None and target != source:
            graph[source][target].append(found)
    return graph


def cycles(graph: dict[str, dict[str, list]]) -> list[list[str]]:
    """One cycle through each group of areas that import each other, as [a, b, …, a]."""
    return [_cycle_in(group, graph) for group in groups(graph)]


def groups(graph: dict[str, dict[str, list]]) -> list[set[str]]:
    """The groups of areas that import each other (strongly connected components of two or
    more)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def connect(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, {}):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(group)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def _cycle_in(group: set[str], graph) -> list[str]:
    start = min(group)
    paths = [[start]]
    while paths:  # breadth first: the shortest way back to the start
        path = paths.pop(0)
        for other in sorted(graph.get(path[-1], {})):
            if other == start:
                return [*path, start]
            if other in group and other not in path:
                paths.append([*path, other])
    raise AssertionError("a strongly connected group always has a cycle")


def describe(cycle: list[str], graph) -> str:
    """The cycle, the areas of its whole group, and the imports that make each step."""
    group = next(group for group in groups(graph) if cycle[0] in group)
    steps = [f"  {a} → {b}: " + "; ".join(found.site for found in graph[a][b][:3])
             for a, b in zip(cycle, cycle[1:], strict=False)]
    return (" → ".join(cycle) + f"  (areas that import each other: {', '.join(sorted(group))})\n"
            + "\n".join(steps))
