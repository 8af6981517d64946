"""Every user-visible string has both Chinese and English, and none bypasses t(); every problem code has words."""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.problems import Code, Problem
from tui.i18n import current_locale, set_locale
from tui.problems import describe
from tui.strings import STRINGS

ROOT = Path(__file__).resolve().parents[2]
TUI = ROOT / "tui"
# The packages that make problems; the views only translate them.
PROBLEM_MAKERS = ("core", "db", "flows", "daemon", "devices")
STORE_ERRORS = {"StoreError", "InvalidValue", "InvalidIdNumber", "NotFound", "UnknownItem", "UnknownCategory",
                "WrongState", "AlreadyRated", "BadCredentials"}
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


@pytest.mark.parametrize("code", list(Code), ids=str)
def test_every_problem_code_has_words_in_both_languages_with_the_same_placeholders(code: Code) -> None:
    key = f"problem.{code.value}"
    assert key in STRINGS
    chinese, english = STRINGS[key]
    assert chinese.strip() and english.strip()
    assert _fields(chinese) == _fields(english)


def test_no_words_are_kept_for_a_code_that_does_not_exist() -> None:
    codes = {f"problem.{code.value}" for code in Code}
    assert sorted(key for key in STRINGS if key.startswith("problem.") and key not in codes) == []


def _codes_named(node: ast.AST) -> list[str]:
    """The Code members an expression names: `Code.X`, or either branch of `a if c else b`."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Code":
        return [node.attr]
    if isinstance(node, ast.IfExp):
        return _codes_named(node.body) + _codes_named(node.orelse)
    return []


def _params_given(call: ast.Call) -> set[str] | None:
    """The param names a problem is made with, or None when they are built elsewhere (`**params`, a variable)."""
    if _name(call) == "Problem":
        if len(call.args) < 2:
            return set()
        params = call.args[1]
        if isinstance(params, ast.Dict) and all(isinstance(key, ast.Constant) for key in params.keys):
            return {key.value for key in params.keys}  # type: ignore[union-attr]
        return None
    if any(keyword.arg is None for keyword in call.keywords):
        return None
    return {keyword.arg for keyword in call.keywords if keyword.arg is not None}


def _problem_sites() -> list[tuple[str, str, set[str]]]:
    """(where, code, params) for each problem made with its code written out:
    `SomeError(Code.X, a=..., b=...)` or `Problem(Code.X, {"a": ...})`."""
    sites = []
    for package in PROBLEM_MAKERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                params = _params_given(node)
                for code in _codes_named(node.args[0]):
                    if params is not None:
                        sites.append((f"{path.relative_to(ROOT)}:{node.lineno}", code, params))
    return sites


def test_every_placeholder_is_a_param_the_code_is_raised_with() -> None:
    sites = _problem_sites()
    assert {"ID_LENGTH", "TRIP_NOT_OPEN", "CATALOGUE_FEE"} <= {code for _, code, _ in sites}  # the scan sees them
    missing = []
    for where, code, params in sites:
        for text in STRINGS[f"problem.{Code[code].value}"]:
            if not _fields(text) <= params:
                missing.append(f"{where} Code.{code} lacks {sorted(_fields(text) - params)}")
    assert sorted(set(missing)) == []


def test_views_show_a_store_error_by_its_problem_never_by_its_log_line() -> None:
    """Inside `except StoreError as error:` a view may read error.problem or error.code, or log the error."""
    shown = []
    for path, tree in _sources():
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for handler in ast.walk(tree):
            if not (isinstance(handler, ast.ExceptHandler) and handler.name and handler.type is not None):
                continue
            caught = {node.id if isinstance(node, ast.Name) else node.attr for node in ast.walk(handler.type)
                      if isinstance(node, ast.Name | ast.Attribute)}
            if not caught & STORE_ERRORS:
                continue
            for statement in handler.body:
                for node in ast.walk(statement):
                    if not (isinstance(node, ast.Name) and node.id == handler.name):
                        continue
                    parent = parents[node]
                    read = isinstance(parent, ast.Attribute) and parent.attr in ("problem", "code")
                    logged = (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute)
                              and isinstance(parent.func.value, ast.Name) and parent.func.value.id == "log")
                    if not (read or logged):
                        shown.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert shown == []


@pytest.fixture
def english() -> Iterator[None]:
    before = current_locale()
    set_locale("en")
    yield
    set_locale(before)


def test_a_problem_is_described_in_chinese_by_default() -> None:
    assert describe(Problem(Code.TRIP_NOT_OPEN, {"trip": 2, "status": "closed"})) == "行程 #2 不在进行中"
    assert describe(Problem(Code.ID_CHECK_CHARACTER)) == "校验位不符，可能输错了一位"


def test_a_problem_is_described_in_english_when_chosen(english: None) -> None:
    assert describe(Problem(Code.TICKET_WINDOW_BUSY, {"window": "1", "ticket": "A001"})) == (
        "window 1 still has A001; finish it or mark it no-show first")
