"""9 专场: the themed sessions of the coming weeks, the form to set one up (ctrl+n), and its announcement
(ctrl+g: A4 poster, A5 leaflet, WeChat text and HTML, ICS into data_dir/exports)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input

from devices.fonts import default_cjk_font
from planning import desk, sessions, week
from tui.central.plan_form import FIELD_HINTS
from tui.central.plan_screen import PlanScreen
from tui.i18n import N_, pt, t
from tui.terms import HALF_DAY_WORDS

FIELDS = ("theme", "items", "van", "day", "half", "stop", "deadline", "qr")
WEEKS_SHOWN = 4


class SessionsScreen(PlanScreen):
    page = "sessions"
    BINDINGS = [
        Binding("ctrl+n", "create", N_("create"), priority=True),
        Binding("ctrl+g", "announce", N_("announce"), priority=True),
    ]

    def __init__(self, week_name: str) -> None:
        super().__init__(name="sessions")
        self.week = week_name
        self.rows: list[sessions.Session] = []

    def compose(self) -> ComposeResult:
        yield from self.compose_list_and_form(
            [
                pt("plan.col", "Day"),
                pt("plan.col", "Van"),
                pt("plan.col", "Theme"),
                pt("plan.col", "Stop"),
                pt("plan.col", "Order by"),
                pt("plan.col", "Items"),
            ],
            FIELDS,
        )

    def on_mount(self) -> None:
        self.reload()

    def form(self) -> dict[str, str]:
        return self.form_values(FIELDS)

    def reload(self, note: str = "") -> None:
        monday = week.monday_of(self.week)
        self.call_store(
            lambda conn: sessions.sessions_in(conn, monday, monday + timedelta(weeks=WEEKS_SHOWN)),
            lambda rows: self.show(rows, note),
        )

    def show(self, rows: list[sessions.Session], note: str = "") -> None:
        self.rows = rows
        table: DataTable[str] = self.query_one("#plan-list", DataTable)
        table.clear()
        for row in rows:
            table.add_row(
                f"{row.day:%m-%d}{t(HALF_DAY_WORDS[row.half])}",
                row.van_id,
                row.theme[:12],
                row.stop[:10],
                f"{row.order_deadline:%m-%d}",
                pt("list separator", ", ").join(name for _, name in row.items)[:24],
            )
        self.note(note or (t("Nothing yet") if not rows else ""))

    def action_create(self) -> None:
        form = self.form()
        self.call_store(
            lambda conn: desk.create_session_from_form(conn, form),
            lambda session: self.reload(t("Session #{session} created", session=session.session_id)),
        )

    def action_announce(self) -> None:
        table: DataTable[str] = self.query_one("#plan-list", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return
        font = default_cjk_font()
        if font is None:
            self.note(t("No Chinese font (install fonts-wqy-microhei)"))
            return
        session, qr = self.rows[table.cursor_row], self.form()["qr"].strip()
        if not qr:  # the code must lead somewhere real: the dispatcher's WeChat article or 点单 page
            self.query_one("#form-qr", Input).focus()
            hint = FIELD_HINTS["qr"]
            self.note(t(hint))
            return
        app: Any = self.app
        folder: Path = app.config.data_path / "exports"
        self.call_store(
            lambda conn: desk.announce_session(conn, session.session_id, qr, folder, [font.path]),
            lambda files: self.note(t("Wrote {count} files to {folder}", count=len(files), folder=str(folder))),
        )
