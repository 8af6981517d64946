"""Finding a service item in the command palette: by name, code or pinyin initials (身份证 → sfz)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from textual.command import DiscoveryHit, Hit, Hits, Provider

from db.catalogue import Item


@lru_cache(maxsize=512)
def initials(text: str) -> str:
    """First letters of the pinyin of each character: 个体开办 → gtkb."""
    from pypinyin import Style, lazy_pinyin  # loaded on the first search, not at start

    return "".join(syllable[:1] for syllable in lazy_pinyin(text, style=Style.FIRST_LETTER)).lower()


def matches(item: Item, query: str) -> bool:
    query = query.strip().lower()
    return bool(query) and (query in item.name or query in item.code.lower() or query in initials(item.name))


class ItemSearch(Provider):
    """The screen provides `search_items()`, `department_label(code)` and `choose_item(code)`."""

    def _items(self) -> list[Item]:
        return self.screen.search_items()  # type: ignore[attr-defined]

    def _choose(self, code: str) -> Callable[[], None]:
        return lambda: self.screen.choose_item(code)  # type: ignore[attr-defined]

    def _department(self, item: Item) -> str:
        return self.screen.department_label(item.department)  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        for item in self._items():
            yield DiscoveryHit(f"{item.name}  {item.code}", self._choose(item.code), help=self._department(item))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for item in self._items():
            label = f"{item.name}  {item.code}"
            score = matcher.match(label)
            if matches(item, query):
                score = max(score, 1.0 if initials(item.name).startswith(query.strip().lower()) else 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(label), self._choose(item.code), text=label,
                          help=self._department(item))
