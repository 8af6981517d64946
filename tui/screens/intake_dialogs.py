"""A question intake asks in a modal: an appointment to come back with the missing materials."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from core.problems import Problem
from flows.intake import BookedVisit
from tui.i18n import Translated, t
from tui.problems import describe


class AppointmentOffer(Translated, ModalScreen[BookedVisit | None]):
    """Offer a time to come back; Enter books it (through `book`, which says what is wrong), Escape declines."""

    BINDINGS = [
        Binding("enter", "book", "intake.appointment.key.book"),
        Binding("escape", "decline", "intake.appointment.key.decline"),
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
            yield Label(t("intake.appointment.offer"))
            if self.missing:
                yield Static(t("intake.appointment.missing", materials="、".join(self.missing)))
            yield Label(t("intake.appointment.when"))
            yield Input(placeholder=t("intake.appointment.placeholder"), id="appointment-at")
            yield Static("", id="appointment-error")
        yield Footer(compact=True)

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
