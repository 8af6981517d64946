"""Finding a service item in the command palette: by name, code or pinyin initials (flows.items); it shows names."""

from __future__ import annotations

from collections.abc import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider

from flows.items import Item, matches, starts_with_initials
from tui.names import name_of


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
            yield DiscoveryHit(name_of(item), self._choose(item.code), help=self._department(item))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for item in self._items():
            # The name is what staff read (in their language); the internal code (social_insurance_enrol)
            # and the Chinese name's pinyin initials still find it but are not shown.
            label = name_of(item)
            score = matcher.match(label)
            if matches(item, query):
                score = max(score, 1.0 if starts_with_initials(item, query) else 0.8)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(label), self._choose(item.code), text=label, help=self._department(item)
                )
