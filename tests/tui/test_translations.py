"""Every user-visible string has both Chinese and English, and none bypasses t()."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from tui.strings import STRINGS

TUI = Path(__file__).resolve().parents[2] / "tui"
# Widgets whose text arguments a person reads.
TEXT_WIDGETS = {"Label", "Static", "Button", "Input", "Select", "Option", "Checkbox", "RadioButton", "Digits", "Tab"}
TEXT_KEYWORDS = {"placeholder", "prompt", "label", "title", "description", "tooltip", "sub_title"}


def _sources() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(TUI.rglob("*.py"))
            if "strings" not in path.parts]


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _keys_used() -> set[str]:
    keys = set()
    for _, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if _name(node) == "t" and node.args and _literal(node.args[0]) is not None:
                keys.add(_literal(node.args[0]))
            if _name(node) == "Group" and node.args and _literal(node.args[0]) is not None:
                keys.add(_literal(node.args[0]))
            if _name(node) == "Binding":
                description = node.args[2] if len(node.args) > 2 else next(
                    (kw.value for kw in node.keywords if kw.arg == "description"), None)
                if description is not None and _literal(description):
                    keys.add(_literal(description))
    return keys


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_has_both_languages_with_the_same_placeholders(key: str) -> None:
    chinese, english = STRINGS[key]
    assert chinese.strip() and english.strip()
    assert _fields(chinese) == _fields(english)


def test_every_key_used_in_the_tui_exists() -> None:
    missing = sorted(_keys_used() - set(STRINGS))
    assert missing == []


def test_no_widget_gets_raw_text() -> None:
    raw = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _name(node) not in TEXT_WIDGETS:
                continue
            texts = [*node.args[:1]] + [kw.value for kw in node.keywords if kw.arg in TEXT_KEYWORDS]
            for text in texts:
                value = _literal(text)
                if value and any(char.isalpha() for char in value):
                    raw.append(f"{path.relative_to(TUI.parent)}:{node.lineno} {_name(node)}({value!r})")
    assert raw == []
