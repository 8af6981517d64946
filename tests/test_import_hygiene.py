"""Imports go one way (DESIGN.md, "Packages"). Read from the source, so nothing slips in."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = ("govan", "core", "devices", "daemon", "db", "flows", "tui")

ALLOWED = {
    "core": {"core"},
    "devices": {"devices", "core"},
    "db": {"db", "core"},
    "daemon": {"daemon", "devices", "core", "govan", "govan.config"},
    "flows": {"flows", "db", "core", "govan.config", "daemon.client", "daemon.messages", "daemon.topics"},
    "tui": {"tui", "db", "flows", "core", "govan", "govan.config", "daemon.client", "daemon.messages"},
}


def imports_of(path: Path) -> list[tuple[str, bool]]:
    """(module, at top level) for every import of ours in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            if name.split(".")[0] in OURS:
                found.append((name, id(node) in top_level))
    return found


def allowed(module: str, rules: set[str]) -> bool:
    """A rule allows a module and its submodules; bare "govan" allows only the root (its version)."""
    return module in rules or any(module.startswith(rule + ".") for rule in rules - {"govan"})


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_go_one_way(package: str) -> None:
    rules = ALLOWED[package]
    wrong = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for module, _ in imports_of(path)
        if not allowed(module, rules)
    ]
    assert wrong == []


def test_cli_imports_the_others_lazily() -> None:
    eager = [module for module, top in imports_of(ROOT / "govan" / "cli.py") if top and module != "govan"]
    assert eager == []


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
