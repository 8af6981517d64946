"""The captain's notes on the trip (车长备注), kept in the store and printed in the summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from flows.trip import notes, save_notes
from tui.i18n import N_, t
from tui.problems import describe

if TYPE_CHECKING:
    from tui.app import GovanApp


class TripNotesScreen(ModalScreen[bool]):
    """Ctrl+S saves, Escape leaves the notes as they were."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save")),
        Binding("escape", "cancel", N_("Cancel")),
    ]
    DEFAULT_CSS = """
    TripNotesScreen { align: center middle; }
    TripNotesScreen > Vertical { width: 90%; max-width: 100; height: 80%; border: round $accent;
                                 padding: 0 1; background: $panel; }
    TripNotesScreen TextArea { height: 1fr; }
    TripNotesScreen #notes-error { color: $error; height: auto; }
    """

    def __init__(self, trip_id: int) -> None:
        super().__init__()
        self.trip_id = trip_id

    @property
    def govan(self) -> GovanApp:
        return cast("GovanApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("Captain's notes (part of this trip's summary)"))
            yield TextArea(notes(self.govan.van, self.trip_id), id="notes-text")
            yield Label("", id="notes-error")
            yield Label(t("Ctrl+S saves · Esc leaves them as they were"))

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        session = self.govan.session
        assert session is not None
        problem = save_notes(self.govan.van, session.staff, self.trip_id, self.query_one(TextArea).text)
        if problem is not None:
            self.query_one("#notes-error", Label).update(describe(problem))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
