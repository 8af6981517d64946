"""Small questions intake asks in a modal: an appointment to come back with the missing materials."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from tui.i18n import Translated, t


def parse_local_time(text: str, tz: ZoneInfo) -> datetime | None:
    """'2026-11-25 09:30' (or with a T) as an aware local time; None if it is not one."""
    try:
        moment = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        return moment.astimezone(tz)
    return moment.replace(tzinfo=tz)


class AppointmentOffer(Translated, ModalScreen[datetime | None]):
    """Offer a time to come back; Enter books it, Escape declines (None)."""

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

    def __init__(self, *, now: datetime, missing: list[str]) -> None:
        super().__init__()
        self.now = now
        self.missing = missing

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("intake.appointment.offer"))
            if self.missing:
                yield Static(t("intake.appointment.missing", materials="、".join(self.missing)))
            yield Label(t("intake.appointment.when"))
            yield Input(placeholder=t("intake.appointment.placeholder"), id="appointment-at", max_length=20)
            yield Static("", id="appointment-error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_book()

    def action_book(self) -> None:
        moment = parse_local_time(self.query_one(Input).value, self.now.tzinfo)  # type: ignore[arg-type]
        error = self.query_one("#appointment-error", Static)
        if moment is None:
            error.update(t("intake.appointment.bad_time"))
            return
        if moment <= self.now:
            error.update(t("intake.appointment.in_past"))
            return
        self.dismiss(moment)

    def action_decline(self) -> None:
        self.dismiss(None)
