"""Every user-visible string goes through `t`. Simplified Chinese by default, English by config.

Strings live in tui/strings.py as key → (Chinese, English); a test checks every key
used in tui/ exists there with both.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from textual.binding import Binding
from textual.dom import DOMNode

from tui.strings import STRINGS

Locale = Literal["zh_CN", "en"]
_locale: Locale = "zh_CN"


def set_locale(locale: Locale) -> None:
    global _locale
    _locale = locale


def current_locale() -> Locale:
    return _locale


def t(key: str, **values: object) -> str:
    """The text for `key` in the current language, with {placeholders} filled in."""
    chinese, english = STRINGS[key]
    text = english if _locale == "en" else chinese
    return text.format(**values) if values else text


def translate_bindings(node: DOMNode) -> None:
    """Replace the translation keys in a node's BINDINGS (descriptions and groups) by their text."""
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [_translated(binding) for binding in bindings]


def _translated(binding: Binding) -> Binding:
    if binding.description in STRINGS:
        binding = dataclasses.replace(binding, description=t(binding.description))
    if binding.group is not None and binding.group.description in STRINGS:
        # A group shows its keys with one description ("1234 办理结果"), which keeps footers within 80 columns.
        binding = dataclasses.replace(binding, group=Binding.Group(t(binding.group.description), binding.group.compact))
    return binding


class Translated:
    """Mixin for screens and widgets whose BINDINGS descriptions are translation keys."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)  # type: ignore[arg-type]

