"""The window (叫号/办理): call the next number, recall, no-show, transfer, start service.

It also shows the waiting counts per category and the last numbers called.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from db import catalogue, clock, tickets
from db.errors import StoreError
from db.tickets import Ticket
from tui.i18n import t
from tui.messages import QueueChanged
from tui.problems import describe
from tui.queue import announce
from tui.screens.base import VanScreen
from tui.ticket_printing import print_ticket
from tui.widgets.big_text import BigText
from tui.widgets.choose import Choose

RECENT_CALLS = 6


class WindowScreen(VanScreen):
    BINDINGS = [
        Binding("n", "call_next", "window.key.call_next"),
        Binding("r", "recall", "window.key.recall"),
        Binding("x", "no_show", "window.key.no_show"),
        Binding("t", "transfer", "window.key.transfer"),
        Binding("s", "start_service", "window.key.start"),
        Binding("f", "finish", "window.key.finish"),
    ]
    DEFAULT_CSS = """
    WindowScreen #window-title { height: auto; padding: 0 1; background: $boost; text-style: bold; }
    WindowScreen #window-body { height: 1fr; }
    WindowScreen #window-current { width: 1fr; padding: 0 1; }
    WindowScreen #window-side { width: 34; padding: 0 1; border-left: solid $primary-darken-2; }
    WindowScreen #window-number { margin: 1 0; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.current: Ticket | None = None

    @property
    def window(self) -> str:
        session = self.govan.session
        assert session is not None and session.seat is not None
        return session.seat.window

    def compose_body(self) -> ComposeResult:
        yield Static(id="window-title")
        with Horizontal(id="window-body"):
            with Vertical(id="window-current"):
                yield Static(t("window.current"))
                yield BigText("", id="window-number")
                yield Static(id="window-ticket")
            with Vertical(id="window-side"):
                yield Static(id="window-waiting")
                yield Static(id="window-recent")

    def on_mount(self) -> None:
        session = self.govan.session
        assert session is not None and session.seat is not None
        departments = {d.queue_letter: d.name for d in catalogue.list_departments(self.govan.store)}
        served = "、".join(f"{letter}（{departments.get(letter, '?')}）" for letter in session.seat.categories)
        self.query_one("#window-title", Static).update(t("window.title", window=self.window, categories=served))
        self.refresh_queue()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.refresh_queue()  # intake may have finished the ticket

    def on_queue_changed(self, message: QueueChanged) -> None:
        self.refresh_queue()

    def refresh_queue(self) -> None:
        store = self.govan.store
        mine = [ticket for ticket in tickets.list_tickets(store, self.open_trip_id, statuses=("called", "serving"))
                if ticket.window == self.window]
        self.current = mine[0] if mine else None
        self._show_current()
        board = tickets.queue_board(store, self.open_trip_id)
        seat = self.govan.session.seat if self.govan.session else None
        waiting = Text(t("window.waiting") + "\n", style="bold")
        for letter, count in board.waiting.items():
            style = "bold" if seat and letter in seat.categories else "dim"
            waiting.append(f"{letter}  {count}\n", style=style)
        if not board.waiting:
            waiting.append(t("window.nobody_waiting") + "\n", style="dim")
        self.query_one("#window-waiting", Static).update(waiting)
        called = [ticket for ticket in tickets.list_tickets(store, self.open_trip_id) if ticket.last_called_at]
        called.sort(key=lambda ticket: ticket.last_called_at or "", reverse=True)
        recent = Text(t("window.recent") + "\n", style="bold")
        for ticket in called[:RECENT_CALLS]:
            at = clock.from_text(ticket.last_called_at or "").astimezone(self.govan.config.tz).strftime("%H:%M")
            recent.append(t("window.recent_line", number=ticket.label, window=ticket.window or "—", time=at) + "\n")
        self.query_one("#window-recent", Static).update(recent)
        self.refresh_bindings()

    def _show_current(self) -> None:
        ticket = self.current
        number = self.query_one("#window-number", BigText)
        details = self.query_one("#window-ticket", Static)
        if ticket is None:
            number.show("---", "dim")
            details.update(Text(t("window.idle"), style="dim"))
            return
        number.show(ticket.label, "bold")
        item = catalogue.get_item(self.govan.store, ticket.item_code).name if ticket.item_code else "—"
        text = Text(t("window.ticket_item", item=item) + "\n")
        text.append(t("window.ticket_status", status=t("status." + ticket.status), calls=ticket.call_count) + "\n")
        if ticket.priority_reason:
            text.append(t("priority." + ticket.priority_reason) + "\n", style="bold green")
        waited = clock.from_text(ticket.called_at or ticket.issued_at) - clock.from_text(ticket.issued_at)
        text.append(t("window.waited", minutes=int(waited.total_seconds() // 60)), style="dim")
        details.update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        status = self.current.status if self.current else None
        allowed = {
            "call_next": status is None,
            "recall": status == "called",
            "no_show": status == "called",
            "start_service": status == "called",
            "transfer": status in ("called", "serving"),
            "finish": status == "serving",
        }
        return allowed.get(action, True)

    def _change(self, change, kind: str) -> Ticket | None:  # noqa: ANN001 - store → Ticket | None
        try:
            ticket = change(self.govan.store)
        except StoreError as error:
            self.notify(describe(error.problem), title=t("window.cannot"), severity="error")
            self.refresh_queue()
            return None
        if ticket is not None:
            announce(self.govan.link, self.govan.store, ticket, kind, self.govan.config.tz)
        self.refresh_queue()
        return ticket

    def action_call_next(self) -> None:
        ticket = self._change(lambda store: tickets.call_next(store, self.open_trip_id, self.window), "called")
        if ticket is None and self.current is None:
            self.notify(t("window.nobody_waiting"))

    def action_recall(self) -> None:
        if self.current:
            self._change(lambda store: tickets.recall(store, self.current.id), "recalled")

    def action_no_show(self) -> None:
        if self.current:
            self._change(lambda store: tickets.mark_no_show(store, self.current.id), "no_show")

    def action_start_service(self) -> None:
        if self.current and self._change(lambda store: tickets.start_service(store, self.current.id), "serving"):
            self.govan.open_intake(self.current.id)

    def action_finish(self) -> None:
        if self.current:
            self._change(lambda store: tickets.finish(store, self.current.id), "done")

    def action_transfer(self) -> None:
        ticket = self.current
        session = self.govan.session
        if ticket is None or session is None or session.trip is None:
            return
        departments = {d.queue_letter: d.name for d in catalogue.list_departments(self.govan.store)}
        choices = [
            (t("window.to_window", window=member.window, name=member.name), f"window:{member.window}")
            for member in session.trip.crew
            if member.window != self.window and ticket.category in member.categories
        ]
        served = sorted({letter for member in session.trip.crew for letter in member.categories} - {ticket.category})
        choices += [(t("window.to_category", letter=letter, name=departments.get(letter, "?")), f"category:{letter}")
                    for letter in served]
        if not choices:
            self.notify(t("window.nowhere_to_transfer"), severity="warning")
            return

        def done(choice: str | None) -> None:
            if choice is None or self.current is None or self.current.id != ticket.id:
                return
            kind, _, target = choice.partition(":")
            if kind == "window":
                self._change(lambda store: tickets.transfer_to_window(store, ticket.id, target), "transferred")
            else:
                new = self._change(lambda store: tickets.transfer_to_category(store, ticket.id, target), "issued")
                if new is not None:
                    self.print_new_ticket(new.id)

        self.app.push_screen(Choose(t("window.transfer_title", number=ticket.label), choices), done)

    @work(group="print")
    async def print_new_ticket(self, ticket_id: int) -> None:
        """A transfer to another queue gives a new number: the person needs it on paper."""
        printed, detail = await print_ticket(self.govan, ticket_id, reprint=False)
        label = tickets.get_ticket(self.govan.store, ticket_id).label
        if printed:
            self.notify(t("window.transfer_printed", number=label))
        else:
            self.notify(t("desk.print_failed", label=label, detail=detail), severity="error", timeout=8)

