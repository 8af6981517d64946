"""Every message of the UI is in the gettext catalogue with its Chinese, none is built at run time or bypasses t();\nevery problem code has words."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po

from core.problems import Code, Problem
from planning.errors import PlanCode
from tui.central.plan_problems import PLAN_PROBLEM_WORDS
from tui.i18n import DOMAIN, LOCALE_DIR, NC_, language
from tui.problems import PROBLEM_WORDS, describe

ROOT = Path(__file__).resolve().parents[2]
TUI = ROOT / "tui"
# The packages that make problems; the views only translate them.
PROBLEM_MAKERS = ("core", "db", "flows", "daemon", "devices")
STORE_ERRORS = {
    "StoreError",
    "InvalidValue",
    "InvalidIdNumber",
    "NotFound",
    "UnknownItem",
    "UnknownCategory",
    "WrongState",
    "AlreadyRated",
    "BadCredentials",
}
# Widgets whose text arguments a person reads.
TEXT_WIDGETS = {"Label", "Static", "Button", "Input", "Select", "Option", "Checkbox", "RadioButton", "Digits", "Tab"}
TEXT_KEYWORDS = {"placeholder", "prompt", "label", "title", "description", "tooltip", "sub_title"}


# `make messages`'s keywords (Makefile): t(message), pt(context, message), N_(message), NC_(context, message).
KEYWORDS = {"t": None, "N_": None, "pt": ((1, "c"), 2), "NC_": ((1, "c"), 2)}


def _sources() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(TUI.rglob("*.py"))
        if path.name != "i18n.py"
    ]


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _catalogue(locale: str) -> Catalog:
    with (LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as po:
        return read_po(po, locale=locale)


def _extracted() -> set[tuple[str | None, str]]:
    """What `make messages` collects from the code now: (context, message) of every marker call."""
    found = set()
    for path in sorted(TUI.rglob("*.py")):
        with path.open("rb") as source:
            for _, message, _, context in extract("python", source, keywords=KEYWORDS):
                found.add((context, message))
    return found


def _messages(catalogue: Catalog) -> set[tuple[str | None, str]]:
    return {(message.context, message.id) for message in catalogue if message.id}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_catalogue_has_every_message_of_the_code_and_no_other() -> None:
    """`make messages` has been run: nothing in the code is missing from the .po, nothing left over."""
    extracted, catalogued = _extracted(), _messages(_catalogue("zh_CN"))
    assert len(extracted) > 800  # the scan sees the UI (and the Literal mappings of tui/terms.py)
    assert sorted(extracted - catalogued, key=str) == []
    assert sorted(catalogued - extracted, key=str) == []


def test_every_message_is_translated_with_the_same_placeholders() -> None:
    untranslated, mismatched = [], []
    for message in _catalogue("zh_CN"):
        if not message.id:
            continue
        if not message.string or message.fuzzy:
            untranslated.append(message.id)
        elif _fields(message.id) != _fields(message.string):
            mismatched.append(f"{message.id!r} → {message.string!r}")
    assert untranslated == []
    assert mismatched == []


def test_the_compiled_catalogue_is_the_po() -> None:
    """The .mo the app reads says what the .po says (`make messages` or an install compiles it)."""
    chinese = language("zh_CN")
    stale = [
        message.id
        for message in _catalogue("zh_CN")
        if message.id
        and (chinese.pt(message.context, message.id) if message.context else chinese.t(message.id)) != message.string
    ]
    assert stale == []


def _marker_calls() -> Iterator[tuple[str, ast.Call]]:
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node) in ("t", "pt", "N_", "NC_"):
                yield f"{path.relative_to(ROOT)}:{node.lineno}", node


def test_no_message_is_built_at_run_time() -> None:
    """Where a message is marked it is a literal, so extraction sees it: t("status." + x) never passes.
    t() may also take a variable or a lookup (WORDS[value]) holding a message marked elsewhere."""
    built = []
    for where, call in _marker_calls():
        count = 2 if _name(call) in ("pt", "NC_") else 1
        if len(call.args) < count:
            built.append(where)
            continue
        for argument in call.args[:count]:
            if _literal(argument) is not None:
                continue
            chosen = isinstance(argument, ast.Name | ast.Subscript | ast.Attribute | ast.Call)
            if _name(call) != "t" or not chosen:
                built.append(f"{where} {ast.unparse(argument)}")
    assert built == []


def test_every_literal_message_is_in_the_catalogue() -> None:
    """Read from the code's syntax, not by pybabel: a t() nested in another's arguments (inside a generator,
    say) is not extracted, so it would show English in the Chinese UI while the extraction tests pass."""
    catalogued = _messages(_catalogue("zh_CN"))
    missing = []
    for where, call in _marker_calls():
        texts = [_literal(argument) for argument in call.args[:2]]
        found = (texts[0], texts[1]) if _name(call) in ("pt", "NC_") and len(texts) == 2 else (None, texts[0])
        if None not in found[1:] and found not in catalogued:
            missing.append(f"{where} {found}")
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


def test_every_problem_code_has_words() -> None:
    assert set(PROBLEM_WORDS) == set(Code)
    assert set(PLAN_PROBLEM_WORDS) == set(PlanCode)


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
        english = PROBLEM_WORDS[Code[code]]
        for text in (english, language("zh_CN").t(english)):
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
            caught = {
                node.id if isinstance(node, ast.Name) else node.attr
                for node in ast.walk(handler.type)
                if isinstance(node, ast.Name | ast.Attribute)
            }
            if not caught & STORE_ERRORS:
                continue
            for statement in handler.body:
                for node in ast.walk(statement):
                    if not (isinstance(node, ast.Name) and node.id == handler.name):
                        continue
                    parent = parents[node]
                    read = isinstance(parent, ast.Attribute) and parent.attr in ("problem", "code")
                    logged = (
                        isinstance(parent, ast.Call)
                        and isinstance(parent.func, ast.Attribute)
                        and isinstance(parent.func.value, ast.Name)
                        and parent.func.value.id == "log"
                    )
                    if not (read or logged):
                        shown.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert shown == []


def test_a_problem_is_described_in_chinese_by_default() -> None:
    assert describe(Problem(Code.TRIP_NOT_OPEN, {"trip": 2, "status": "closed"})) == "行程 #2 不在进行中"
    assert describe(Problem(Code.ID_CHECK_CHARACTER)) == "校验位不符，可能输错了一位"


def test_a_problem_is_described_in_english_when_chosen() -> None:
    problem = Problem(Code.TICKET_WINDOW_BUSY, {"window": "1", "ticket": "A001"})
    assert language("en").t(PROBLEM_WORDS[problem.code], **problem.params) == (
        "window 1 still has A001; finish it or mark it no-show first"
    )


def test_a_catalogue_name_in_a_problem_is_in_the_language_where_the_catalogue_has_it() -> None:
    named = {"item": "户籍证明开具", "item_en": "Household registration certificate"}
    problem = Problem(Code.CASE_NOT_MAILABLE, named)
    assert describe(problem, language("en")) == "the result of Household registration certificate cannot be mailed"
    assert "户籍证明开具" in describe(problem, language("zh_CN")) and "Household" not in describe(problem)
    # No English name (an imported catalogue's item): the Chinese one, as data.
    unnamed = Problem(Code.CASE_NOT_MAILABLE, {**named, "item_en": ""})
    assert describe(unnamed, language("en")) == "the result of 户籍证明开具 cannot be mailed"


def test_one_english_word_with_two_chinese_words_keeps_both() -> None:
    chinese = language("zh_CN")
    assert chinese.pt("key.window", "Window") == "叫号"
    assert chinese.pt("trip.col.window", "Window") == "窗口"
    assert chinese.t(NC_("key.window", "Window")) == "叫号"
    assert language("en").t(NC_("key.window", "Window")) == "Window"


def test_the_english_messages_have_no_chinese() -> None:
    """The messages are the English UI: a Chinese term in one (差评) would show in English mode."""
    chinese = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
    assert sorted(text for _, text in _extracted() if chinese.search(text)) == []
