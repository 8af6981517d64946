"""One of the centre's pages as a screen: a title line, a table, the footer's keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tui.central.pages import Page
from tui.central.plan_screen import head
from tui.i18n import t
from tui.widgets.key_bar import KeyBar


class PageScreen(Screen[None]):
    def __init__(self, page: Page) -> None:
        super().__init__(name=page.name)
        self.page = page

    def compose(self) -> ComposeResult:
        yield head(self.page.name)
        yield Static(t("Loading…"), id="central-note")
        table: DataTable[str] = DataTable(id="central-table", zebra_stripes=True, cursor_type="row")
        table.add_columns(*(t(column) for column in self.page.columns))
        yield table
        yield KeyBar()

    def show(self, rows: list[list[str]], note: str) -> None:
        table = self.query_one("#central-table", DataTable)
        table.clear()
        for row in rows:
            table.add_row(*row)
        self.query_one("#central-note", Static).update(note if rows else note + "  " + t("Nothing yet"))
