"""A catalogue name (a department's, a service item's) in the staff's language.

The catalogue names things in Chinese, as the city does, and may give an English name
beside it (`name_en`). Staff working in English see the English name where there is one;
where a catalogue has none, the Chinese name is shown as it is: data, like a person's name.
Citizens' paper is not worded here: it always has the Chinese name (flows.receipts, slips).
"""

from __future__ import annotations

from typing import Protocol

from tui.i18n import Language, current

__all__ = ["Named", "name_of"]


class Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def name_en(self) -> str: ...


def name_of(thing: Named | None, words: Language | None = None, *, missing: str = "—") -> str:
    """Its name in the app's language (or the one given); `missing` for nothing (a ticket without an item)."""
    if thing is None:
        return missing
    english = (words or current()).locale == "en"
    return thing.name_en if english and thing.name_en else thing.name
