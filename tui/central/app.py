"""The centre's app: seven pages over the central store and the dispatcher's three screens, keyboard-driven,
80×24, Chinese by default.

Keys: 1–6 pages, 0 the audit of reads of personal data (查阅审计), 7 周计划, 8 预约, 9 专场 (their
own keys in the footer), r refresh (and every
REFRESH_S), m / c / j export the page as md, csv or json into data_dir/exports. The store is
read in a thread, so a slow query never freezes the screen.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from textual import work
from textual.binding import Binding

from central import views
from govan.config import Config
from planning.desk import next_week
from tui.app_keys import HELP_BINDINGS, AppKeys
from tui.central.bookings_screen import BookingsScreen
from tui.central.page_screen import PageScreen
from tui.central.pages import PAGES, Page
from tui.central.plan_screen import PlanScreen
from tui.central.sessions_screen import SessionsScreen
from tui.central.week_screen import WeekScreen
from tui.i18n import N_, NC_, language, t

REFRESH_S = 15.0


class CentralApp(AppKeys):
    CSS_PATH = Path(__file__).parent / "central.tcss"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        *(Binding(page.key, f"page('{page.name}')", N_("pages"), show=page.key == "1") for page in PAGES),
        Binding("7", "planning('week')", NC_("plan.page.week", "Week"), show=False),
        Binding("8", "planning('bookings')", NC_("plan.page.bookings", "Bookings"), show=False),
        Binding("9", "planning('sessions')", NC_("plan.page.sessions", "Sessions"), show=False),
        Binding("r", "refresh", N_("refresh")),
        Binding("m", "export('md')", N_("export md")),
        Binding("c", "export('csv')", N_("export csv")),
        Binding("j", "export('json')", N_("export json")),
        Binding("ctrl+q", "quit", N_("Quit"), priority=True),
        *HELP_BINDINGS,
    ]

    def __init__(self, config: Config, url: str | None = None) -> None:
        super().__init__()
        # The language `t` uses in this app (tui.i18n): no module-wide locale.
        self.language = language(config.locale)
        self.config = config
        self.url = url
        self.title = self.language.t("Longgang service centre · fleet tracking")
        self.page: Page = PAGES[0]
        self.lines: list[Any] = []
        self.week = next_week(datetime.now(config.tz).date())  # planned a week ahead

    def on_mount(self) -> None:
        self.push_screen(PageScreen(self.page))
        self.set_interval(REFRESH_S, self.action_refresh)
        self.action_refresh()

    def action_page(self, name: str) -> None:
        self.page = next(page for page in PAGES if page.name == name)
        self.switch_screen(PageScreen(self.page))
        self.action_refresh()

    def action_planning(self, name: str) -> None:
        screens = {"week": WeekScreen, "bookings": BookingsScreen, "sessions": SessionsScreen}
        if isinstance(self.screen, WeekScreen):
            self.week = self.screen.week  # the other screens follow the week being planned
        self.lines = []
        self.switch_screen(screens[name](self.week))

    def action_refresh(self) -> None:
        if isinstance(self.screen, PlanScreen):
            self.screen.reload()
            return
        self._load(self.page)

    @work(thread=True, exclusive=True, group="load")
    def _load(self, page: Page) -> None:
        try:
            url = self.url or views.store_url(self.config)
            with views.open_store(url) as conn:
                rows, lines = page.load(conn, self.config)
            # A worker thread has no active app, so its words come from the app's language.
            note = self.language.t("updated {time}", time=datetime.now(self.config.tz).strftime("%H:%M:%S"))
        except Exception as error:  # noqa: BLE001 - any store trouble is shown, never a crash
            rows, lines, note = (
                [],
                [],
                self.language.t("Cannot read the central store: {detail}", detail=str(error).splitlines()[0][:120]),
            )
        self.call_from_thread(self._show, page, rows, lines, note)

    def _show(self, page: Page, rows: list[list[str]], lines: list[Any], note: str) -> None:
        if page is not self.page or not isinstance(self.screen, PageScreen):
            return
        self.lines = lines
        self.screen.show(rows, note)

    def action_export(self, fmt: str) -> None:
        if not self.lines or not isinstance(self.screen, PageScreen):
            self.notify(t("Nothing on this page to export"))
            return
        folder = self.config.data_path / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(self.config.tz).strftime("%Y%m%d-%H%M%S")
        path = folder / f"central-{self.page.name}-{stamp}.{fmt}"
        path.write_text(views.export(self.lines, fmt), encoding="utf-8")
        self.notify(t("Exported to {path}", path=str(path)))


def run_central(config: Config) -> int:
    CentralApp(config).run()
    return 0
