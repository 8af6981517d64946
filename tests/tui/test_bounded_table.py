"""The desk's table keeps a few screens of rendered rows, not Textual's 10,000 cells (issue 17)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.cache import LRUCache
from textual.widgets import DataTable

from tui.widgets.bounded_table import BoundedTable

CACHES = ("_row_render_cache", "_cell_render_cache", "_row_renderable_cache", "_line_cache")


def test_it_replaces_caches_the_data_table_has_with_smaller_ones() -> None:
    """If a Textual upgrade renamed these, the smaller caches would be dead attributes: this fails first."""
    plain, bounded = vars(DataTable()), vars(BoundedTable(id="table"))
    for name in CACHES:
        assert isinstance(plain[name], LRUCache) and isinstance(bounded[name], LRUCache), name
        assert bounded[name].maxsize < plain[name].maxsize, name


class _Table(App[None]):
    def compose(self) -> ComposeResult:
        yield BoundedTable(id="table", zebra_stripes=True)


async def test_a_table_changed_all_day_holds_no_more_renders_than_its_caches_allow() -> None:
    app = _Table()
    async with app.run_test(size=(80, 30)) as pilot:
        table = app.query_one(BoundedTable)
        for column in ("No.", "Item", "Status"):
            table.add_column(column, key=column)
        for number in range(120):
            table.add_row(f"A{number:03d}", "居住证申领", "waiting", key=str(number))
            table.sort("No.", reverse=True)
            await pilot.pause()
        assert table.get_row_at(0)[0] == "A119"
        for name in CACHES:
            cache = getattr(table, name)
            assert 0 < len(cache) <= cache.maxsize, name
