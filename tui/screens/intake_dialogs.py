"""A question intake asks in a modal: an appointment to come back with the missing materials."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from core.problems import Problem
from flows.intake import BookedVisit
from tui.i18n import N_, pt, t
from tui.problems import describe
from tui.widgets.key_bar import KeyBar


class AppointmentOffer(ModalScreen[BookedVisit | None]):
    """Offer a time to come back; Enter books it (through `book`, which says what is wrong), Escape declines."""

    BINDINGS = [
        Binding("enter", "book", N_("Book")),
        Binding("escape", "decline", N_("No appointment")),
    ]
    DEFAULT_CSS = """
    AppointmentOffer { align: center middle; }
    AppointmentOffer > Vertical { width: 64; max-width: 100%; height: auto; border: round $accent;
                                  padding: 0 1; background: $panel; }
    AppointmentOffer #appointment-error { color: $error; height: auto; }
    """

    def __init__(self, *, missing: tuple[str, ...], book: Callable[[str], BookedVisit | Problem]) -> None:
        super().__init__()
        self.missing = missing
        self.book = book

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("Book a visit to come back?"))
            if self.missing:
                yield Static(t("To bring: {materials}", materials=pt("list separator", ", ").join(self.missing)))
            yield Label(t("Type a date and time, Enter books it; Esc for none"))
            yield Input(placeholder=t("e.g. 2026-11-25 09:30"), id="appointment-at")
            yield Static("", id="appointment-error")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_book()

    def action_book(self) -> None:
        booked = self.book(self.query_one(Input).value)
        if isinstance(booked, Problem):
            self.query_one("#appointment-error", Static).update(describe(booked))
            return
        self.dismiss(booked)

    def action_decline(self) -> None:
        self.dismiss(None)
