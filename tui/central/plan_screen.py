"""The base of the dispatcher's screens (7 周计划, 8 预约, 9 专场): the page tabs, a note line, and store
calls run in a thread, whose planning problems come back as words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.screen import Screen
from textual.widgets import Static

from central import views
from planning.errors import PlanningError
from tui.central.pages import PAGES
from tui.i18n import Translated, t

PLAN_PAGES = (("7", "week", "plan.page.week"), ("8", "bookings", "plan.page.bookings"),
              ("9", "sessions", "plan.page.sessions"))


def tabs(current: str) -> str:
    """Every page's key and name, the current one in bold: 1–6 the fleet's, 7–9 the dispatcher's (fits 80 columns)."""
    names = [(p.key, p.name, p.title) for p in PAGES] + list(PLAN_PAGES)
    return "  ".join(f"[b]{key}{t(title)}[/b]" if name == current else f"{key}{t(title)}" for key, name, title in names)


class _Params(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "…"


def describe(error: PlanningError) -> str:
    """A planning problem in the dispatcher's language."""
    return t(f"plan.problem.{error.code.value}").format_map(_Params(error.params))


class PlanScreen(Translated, Screen[None]):
    page = ""

    def head(self) -> Static:
        return Static(f"{t('central.title')}\n{tabs(self.page)}", id="central-head")

    def note(self, text: str) -> None:
        self.query_one("#central-note", Static).update(text)

    @work(thread=True, group="plan-store")
    def call_store(self, action: Callable[[Any], Any], done: Callable[[Any], None]) -> None:
        """Run `action(conn)` in a thread; `done(result)` on the screen, or the problem in the note line."""
        app: Any = self.app
        try:
            with views.open_store(app.url or views.store_url(app.config)) as conn:
                result = action(conn)
        except PlanningError as error:
            self.app.call_from_thread(self.note, describe(error))
            return
        except Exception as error:  # noqa: BLE001 - any store trouble is shown, never a crash
            self.app.call_from_thread(self.note, t("central.store_error", detail=str(error).splitlines()[0][:120]))
            return
        self.app.call_from_thread(done, result)
