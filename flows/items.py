"""Finding a service item as staff type it: by name, by code, or by the pinyin initials of its name (身份证 → sfz).

The desk and intake search the items their trip offers; the views lay out the hits.
"""

from __future__ import annotations

from functools import lru_cache

from db.catalogue import Item

__all__ = ["Item", "initials", "matches", "starts_with_initials"]


@lru_cache(maxsize=512)
def initials(text: str) -> str:
    """First letters of the pinyin of each character: 个体开办 → gtkb."""
    from pypinyin import Style, lazy_pinyin  # loaded on the first search, not at start

    return "".join(syllable[:1] for syllable in lazy_pinyin(text, style=Style.FIRST_LETTER)).lower()


def matches(item: Item, query: str) -> bool:
    """The query is part of the item's name, its code, or its pinyin initials."""
    query = query.strip().lower()
    return bool(query) and (query in item.name or query in item.code.lower() or query in initials(item.name))


def starts_with_initials(item: Item, query: str) -> bool:
    """The best kind of hit: what was typed is how the name's initials begin."""
    query = query.strip().lower()
    return bool(query) and initials(item.name).startswith(query)
