"""Imports go one way, and no module of ours is in an import cycle (DESIGN.md, "v2: layers").

Read from the source with `ast`, so nothing slips in: imports at the top of a file, inside
functions and methods, under `if TYPE_CHECKING:`, and relative ones all count.

- The layer directions count every import, TYPE_CHECKING ones too: a type is a dependency.
- The cycle rule counts every import that can run, including the ones inside functions (a
  function-level import hides a cycle from the reader, not from the program). It leaves out
  TYPE_CHECKING-only imports: they never execute, so they cannot load a module half-made or
  fix an order of loading; they are how a screen names the app that pushes it
  (`VanScreen.van -> GovanApp`) while the app imports its screens to push them.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Every top-level package of ours. web/, sync/ and central/ join when they exist.
OURS = ("govan", "core", "devices", "daemon", "db", "flows", "tui", "web", "sync", "central", "planning")
NOT_OURS = ("tests", "bench", "docs", "build")

# What each layer may import (itself included). A rule allows a module and its submodules;
# bare "govan" allows only the package root (its `__version__`). The most specific key wins,
# so "govan.config" has a rule of its own inside the unruled front door.
ALLOWED: dict[str, set[str]] = {
    "core": {"core"},
    "devices": {"devices", "core"},
    "db": {"db", "core"},
    "daemon": {"daemon", "devices", "core", "govan", "govan.config"},
    "flows": {
        "flows",
        "db",
        "core",
        "govan.config",
        "daemon.client",
        "daemon.errors",
        "daemon.messages",
        "daemon.topics",
    },
    # The views render flows: tui never imports db (tests/tui/harness.py may; it is a test).
    "tui": {"tui", "flows", "core", "govan", "govan.config", "daemon.client", "daemon.errors", "daemon.messages"},
    "web": {"web", "flows", "core", "govan.config", "daemon.client", "daemon.errors", "daemon.messages"},
    # sync keeps one MQTT session on the van's broker with the daemon's reconnecting bus, as its own user.
    "sync": {"sync", "db", "core", "govan.config", "daemon.bus", "daemon.credentials", "daemon.errors"},
    "central": {"central", "core", "govan.config", "planning"},
    # Planning at the centre: UI-free logic over the central store; the centre's service runs its reminders.
    "planning": {"planning", "core"},
    # The centre's screens render central.views and planning (the centre's flows-like layers), nothing below them.
    # devices.fonts: where the Chinese font is, for the session poster (a leaf that imports nothing of ours).
    "tui.central": {"tui", "central.views", "planning", "core", "govan", "govan.config", "devices.fonts"},
    # The configuration is read by daemon, flows and tui, so it sits below all of them.
    "govan.config": {"govan.config", "core"},
}


@dataclass(frozen=True)
class Import:
    importer: str  # the module that imports
    target: str  # the module of ours it loads (the deepest one the statement names)
    file: str  # relative to the tree's root
    line: int
    top_level: bool  # at the top of the file (not in a function, class body or if)
    type_checking: bool  # only under `if TYPE_CHECKING:`

    def where(self) -> str:
        return f"{self.file}:{self.line}"


def module_files(root: Path, packages: Iterable[str] = OURS) -> dict[str, Path]:
    """Module name → file, for every .py file of our packages under root."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, *, top: bool, typing_only: bool) -> Iterator[tuple[ast.AST, bool, bool]]:
    """Every node below `node`, with (at top level, under TYPE_CHECKING only)."""
    for child in ast.iter_child_nodes(node):
        child_typing = typing_only
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            # The body only runs for a type checker; the else branch runs for real.
            for statement in child.body:
                yield statement, False, True
                yield from _walk(statement, top=False, typing_only=True)
            for statement in child.orelse:
                yield statement, False, typing_only
                yield from _walk(statement, top=False, typing_only=typing_only)
            continue
        yield child, top and isinstance(node, ast.Module), child_typing
        yield from _walk(child, top=False, typing_only=child_typing)


def imports_in(root: Path, packages: Iterable[str] = OURS) -> list[Import]:
    """Every import of one of our modules, from every module of ours under root."""
    modules = module_files(root, packages)
    ours = {name.split(".")[0] for name in modules}

    def deepest(name: str) -> str:
        while name not in modules and "." in name:
            name = name.rpartition(".")[0]
        return name

    found = []
    for importer, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
        for node, top, typing_only in _walk(tree, top=True, typing_only=False):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [deepest(alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base_parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(base_parts + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                # `from a import b` loads the module a.b when there is one, else a.
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else deepest(base)
                    for alias in node.names
                ]
            for target in dict.fromkeys(targets):
                if target.split(".")[0] in ours:
                    found.append(
                        Import(importer, target, path.relative_to(root).as_posix(), node.lineno, top, typing_only)
                    )
    return found


def rule_for(module: str) -> str | None:
    """The most specific layer rule that covers a module, or None (the front door, govan/)."""
    keys = [key for key in ALLOWED if module == key or module.startswith(key + ".")]
    return max(keys, key=len, default=None)


def allowed(module: str, rules: set[str]) -> bool:
    return module in rules or any(module.startswith(rule + ".") for rule in rules - {"govan"})


def layer_violations(found: Iterable[Import]) -> list[str]:
    wrong = []
    for edge in found:
        rule = rule_for(edge.importer)
        if rule is not None and not allowed(edge.target, ALLOWED[rule]):
            kind = " (under TYPE_CHECKING)" if edge.type_checking else ""
            wrong.append(f"{edge.where()}: {edge.importer} imports {edge.target}{kind}; {rule} may not")
    return wrong


def cycles(found: Iterable[Import]) -> list[list[Import]]:
    """One cycle (as its edges) for every strongly connected group of modules, by Tarjan's algorithm."""
    graph: dict[str, dict[str, Import]] = {}
    for edge in found:
        if edge.type_checking or edge.target == edge.importer:
            continue
        graph.setdefault(edge.importer, {}).setdefault(edge.target, edge)
        graph.setdefault(edge.target, {})
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)

    found_cycles = []
    for group in groups:
        # The shortest way back to the group's first module, by breadth-first search inside it.
        start = min(group)
        paths: dict[str, list[Import]] = {start: []}
        queue = [start]
        cycle: list[Import] = []
        while queue and not cycle:
            node = queue.pop(0)
            for nxt, edge in sorted(graph[node].items()):
                if nxt == start:
                    cycle = [*paths[node], edge]
                    break
                if nxt in group and nxt not in paths:
                    paths[nxt] = [*paths[node], edge]
                    queue.append(nxt)
        found_cycles.append(cycle)
    return found_cycles


def describe(cycle: list[Import]) -> str:
    how = " → ".join(
        f"{edge.target} ({edge.where()}{'' if edge.top_level else ', inside a function or block'})" for edge in cycle
    )
    return f"{cycle[0].importer} → {how}"


# The tree's own imports --------------------------------------------------------------------

FOUND = imports_in(ROOT)


@pytest.mark.parametrize("package", sorted(key for key in ALLOWED if (ROOT / key.split(".")[0]).is_dir()))
def test_package_imports_go_one_way(package: str) -> None:
    assert layer_violations(edge for edge in FOUND if rule_for(edge.importer) == package) == []


def test_no_module_of_ours_is_in_an_import_cycle() -> None:
    assert [describe(cycle) for cycle in cycles(FOUND)] == []


def test_every_package_of_ours_has_a_layer_rule() -> None:
    """A new top-level package must say where it sits before anything checks it."""
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")} - set(NOT_OURS)
    assert packages <= set(OURS)
    assert {package for package in packages if package != "govan"} <= set(ALLOWED)


def test_cli_imports_the_others_lazily() -> None:
    eager = [edge.target for edge in FOUND if edge.importer == "govan.cli" and edge.top_level]
    assert [target for target in eager if target != "govan"] == []


def test_daemon_does_not_load_textual_and_the_cli_loads_nothing_heavy() -> None:
    probe = (
        "import sys, govan.cli\n"
        "govan.cli.build_parser()\n"
        "heavy = [m for m in ('textual', 'aiomqtt', 'amqtt', 'sqlite_utils', 'PIL') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "import daemon.service, daemon.client\n"
        "assert 'textual' not in sys.modules\n"
        "assert 'amqtt' not in sys.modules, 'the embedded broker is loaded only when used'\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


# The checks themselves, on small trees made for them: each must be able to fail --------------


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return root


def test_a_cycle_hidden_in_a_function_is_found(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "db/__init__.py": "",
            "db/connection.py": "def open_store():\n    from db.migrations import migrate\n",
            "db/migrations.py": "from db.connection import immediate\n",
        },
    )
    (cycle,) = cycles(imports_in(root, ["db"]))
    assert [(edge.importer, edge.target, edge.top_level) for edge in cycle] == [
        ("db.connection", "db.migrations", False),
        ("db.migrations", "db.connection", True),
    ]


def test_relative_and_from_package_imports_count_and_type_checking_ones_do_not(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "tui/__init__.py": "",
            "tui/app.py": "def go():\n    from .screens import intake\n",
            "tui/screens/__init__.py": "",
            "tui/screens/intake.py": "from ..screens.rating import KEYS\n",
            "tui/screens/rating.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from tui.app import App\n"
                "else:\n    from tui import screens\n"
                "def back():\n    from tui.screens import intake\n"
            ),
        },
    )
    found = imports_in(root, ["tui"])
    assert {(edge.importer, edge.target, edge.type_checking) for edge in found} == {
        ("tui.app", "tui.screens.intake", False),
        ("tui.screens.intake", "tui.screens.rating", False),
        ("tui.screens.rating", "tui.app", True),
        ("tui.screens.rating", "tui.screens", False),
        ("tui.screens.rating", "tui.screens.intake", False),
    }
    # rating → intake → rating is a cycle; rating → app only for the type checker is not.
    assert [sorted({edge.importer for edge in cycle}) for cycle in cycles(found)] == [
        ["tui.screens.intake", "tui.screens.rating"],
    ]


def test_an_upward_import_is_a_violation_even_for_the_type_checker(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "core/__init__.py": "",
            "core/devices.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from db.trips import Trip\n",
            "db/__init__.py": "",
            "db/trips.py": "from core import devices\n",
            "flows/__init__.py": "",
            "flows/desk.py": "def run():\n    import daemon.service\n",
            "daemon/__init__.py": "",
            "daemon/service.py": "",
            "govan/__init__.py": "",
            "govan/config.py": "from db import trips\n",
        },
    )
    wrong = layer_violations(imports_in(root, ["core", "db", "flows", "daemon", "govan"]))
    assert [line.split(": ", 1)[1] for line in wrong] == [
        "core.devices imports db.trips (under TYPE_CHECKING); core may not",
        "flows.desk imports daemon.service; flows may not",
        "govan.config imports db.trips; govan.config may not",
    ]
