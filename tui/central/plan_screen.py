"""The base of the dispatcher's screens (7 周计划, 8 预约, 9 专场): the page tabs, a note line, and store
calls run in a thread, whose planning problems come back as words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Static

from central import views
from planning.errors import PlanningError
from tui.central.pages import PAGES
from tui.central.plan_form import FIELD_LABELS, field_value, field_widget
from tui.central.plan_problems import describe_plan
from tui.i18n import NC_, t
from tui.widgets.key_bar import KeyBar

PLAN_PAGES = (
    ("7", "week", NC_("plan.page.week", "Week")),
    ("8", "bookings", NC_("plan.page.bookings", "Bookings")),
    ("9", "sessions", NC_("plan.page.sessions", "Sessions")),
)


def tabs(current: str) -> str:
    """Every page's key and name, the current one in bold: 1–6 and 0 the fleet's, 7–9 the dispatcher's."""
    names = [(p.key, p.name, p.title) for p in PAGES] + list(PLAN_PAGES)
    return "  ".join(f"[b]{key}{t(title)}[/b]" if name == current else f"{key}{t(title)}" for key, name, title in names)


def head(current: str) -> Static:
    """The centre's title over the page tabs, which wrap to a second line where 80 columns are too few."""
    return Static(t("Longgang service centre · fleet tracking") + f"\n{tabs(current)}", id="central-head")


class PlanScreen(Screen[None]):
    page = ""

    def compose_list_and_form(self, columns: list[str], fields: tuple[str, ...]) -> ComposeResult:
        """The dispatcher's list above a form of `fields`, each labelled (bookings, sessions)."""
        yield head(self.page)
        yield Static(t("Loading…"), id="central-note")
        table: DataTable[str] = DataTable(id="plan-list", cursor_type="row", zebra_stripes=True)
        table.add_columns(*columns)
        yield table
        with VerticalScroll(id="plan-form"):
            for field in fields:
                with Horizontal(classes="plan-row"):  # the label stays when the field is filled
                    yield Static(t(FIELD_LABELS[field]), classes="plan-label")
                    yield field_widget(field)
        yield KeyBar()

    def form_values(self, fields: tuple[str, ...]) -> dict[str, str]:
        return {field: field_value(self.query_one(f"#form-{field}", Widget)) for field in fields}

    def note(self, text: str) -> None:
        self.query_one("#central-note", Static).update(text)

    # Words are made on the app's thread: a worker thread has no active app, so t() there would not know the language.
    def note_problem(self, error: PlanningError) -> None:
        self.note(describe_plan(error))

    def note_store_error(self, detail: str) -> None:
        self.note(t("Cannot read the central store: {detail}", detail=detail))

    @work(thread=True, group="plan-store")
    def call_store(self, action: Callable[[Any], Any], done: Callable[[Any], None]) -> None:
        """Run `action(conn)` in a thread; `done(result)` on the screen, or the problem in the note line."""
        app: Any = self.app
        try:
            with views.open_store(app.url or views.store_url(app.config)) as conn:
                result = action(conn)
        except PlanningError as error:
            self.app.call_from_thread(self.note_problem, error)
            return
        except Exception as error:  # noqa: BLE001 - any store trouble is shown, never a crash
            self.app.call_from_thread(self.note_store_error, str(error).splitlines()[0][:120])
            return
        self.app.call_from_thread(done, result)
