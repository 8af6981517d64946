"""The keys a screen offers, in the staff's language: what the key bar and the help screen show.

Descriptions are messages marked with N_/NC_ in BINDINGS and translated here, when the line or the
list is built, so nothing of Textual's is rewritten. Keys that share a Binding.Group show once,
together ("1234 办理结果"), and an action bound to several keys shows its first.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from rich.cells import cell_len
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from tui.i18n import t

__all__ = ["KeyEntry", "all_key_entries", "fit", "key_entries"]


@dataclass(frozen=True)
class KeyEntry:
    keys: str  # as shown: "f5", "1234", "^p"
    description: str  # translated
    enabled: bool
    shown: bool  # the screen puts it on its key bar (Binding.show)

    @property
    def width(self) -> int:
        return cell_len(self.keys) + 1 + cell_len(self.description)


def key_display(screen: Screen, binding: Binding) -> str:
    return binding.key_display or screen.app.get_key_display(binding)


@functools.cache
def _own_keys(node_class: type[DOMNode]) -> frozenset[tuple[str, str]]:
    """(key, action) of the bindings govan's classes declare: Textual's own (an Input's cursor
    keys, the app's Ctrl+C) carry English descriptions and are not ours to list."""
    return frozenset(
        (binding.key, binding.action)
        for cls in node_class.__mro__
        if cls.__module__.startswith("tui.")
        for binding in cls.__dict__.get("BINDINGS", ())
        if isinstance(binding, Binding)
    )


def key_entries(screen: Screen) -> list[KeyEntry]:
    """Every key the screen answers to now with a description, its own first and the app's last."""
    entries: list[KeyEntry] = []
    seen_actions: set[str] = set()
    grouped: dict[str, int] = {}  # a group's description → its entry's index
    for node, binding, enabled, _tooltip in screen.active_bindings.values():
        description = binding.group.description if binding.group is not None else binding.description
        if (
            not description
            or binding.action in seen_actions
            or (binding.key, binding.action) not in _own_keys(type(node))
        ):
            continue
        seen_actions.add(binding.action)
        keys = key_display(screen, binding)
        if binding.group is not None and description in grouped:
            index = grouped[description]
            earlier = entries[index]
            entries[index] = KeyEntry(
                earlier.keys + keys, earlier.description, earlier.enabled or enabled, earlier.shown or binding.show
            )
            continue
        if binding.group is not None:
            grouped[description] = len(entries)
        entries.append(KeyEntry(keys, t(description), enabled, binding.show))
    return entries


def all_key_entries(screen: Screen) -> list[KeyEntry]:
    """What the help screen lists: the keys offered now, then the screen's and the app's other keys
    (those its check_action hides now: no ticket chosen, another role), as not usable now."""
    entries = key_entries(screen)
    listed = {entry.description for entry in entries}
    for node in (screen, screen.app):
        for cls in type(node).__mro__:
            if not cls.__module__.startswith("tui."):
                continue
            for binding in cls.__dict__.get("BINDINGS", ()):
                if not isinstance(binding, Binding):
                    continue
                description = binding.group.description if binding.group is not None else binding.description
                if description and t(description) not in listed:
                    listed.add(t(description))
                    entries.append(
                        KeyEntry(key_display(screen, binding), t(description), enabled=False, shown=binding.show)
                    )
    return entries


def fit(entries: list[KeyEntry], width: int, *, gap: int = 2) -> list[KeyEntry]:
    """The enabled, shown entries that fit in `width` cells, in order; one that does not fit is skipped."""
    chosen: list[KeyEntry] = []
    used = 0
    for entry in entries:
        if not (entry.enabled and entry.shown):
            continue
        needed = entry.width + (gap if chosen else 0)
        if used + needed <= width:
            chosen.append(entry)
            used += needed
    return chosen
