"""The ticket desk (取号): choose a service item, hand out a printed ticket.

Other ways in: a scanned appointment code checks the person in with a priority
ticket; a read ID card links the next ticket to the person (priority by age).
A ticket whose print failed is marked unprinted, says why, and can be reprinted.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.widgets import DataTable, Static

from core.masking import mask_id_number, mask_name
from db import appointments, catalogue, citizens, tickets
from db.catalogue import Item
from db.errors import InvalidIdNumber, InvalidValue, StoreError
from tui.i18n import t
from tui.item_search import ItemSearch
from tui.messages import CardRead, CodeScanned, QueueChanged
from tui.problems import describe
from tui.queue import announce
from tui.screens.base import VanScreen
from tui.ticket_printing import print_ticket
from tui.widgets.ask_text import AskText
from tui.widgets.big_text import BigText

FREQUENT_KEYS = "1234567890"
# Frequency is counted over this many recent days.
FREQUENT_DAYS = 30
PRINT_STYLE = {"pending": "yellow", "printed": "green", "reprinted": "green", "failed": "bold red"}


class DeskScreen(VanScreen):
    COMMANDS = {ItemSearch}
    BINDINGS = [
        Binding("1", "issue_frequent(0)", "desk.key.frequent", key_display="1…0"),
        *[Binding(key, f"issue_frequent({index})", show=False) for index, key in enumerate(FREQUENT_KEYS) if index],
        Binding("r", "reprint", "desk.key.reprint"),
        Binding("a", "appointment", "desk.key.appointment"),
        Binding("d", "toggle_disabled", "desk.key.disabled"),
        Binding("escape", "clear_person", "desk.key.clear_person"),
    ]
    DEFAULT_CSS = """
    DeskScreen #desk-items { height: auto; padding: 0 1; border-bottom: solid $primary-darken-2; }
    DeskScreen #desk-person { height: auto; padding: 0 1; }
    DeskScreen #desk-middle { height: 1fr; }
    DeskScreen #desk-last { width: 28; padding: 0 1; }
    DeskScreen #desk-print { height: auto; }
    DeskScreen #desk-tickets { width: 1fr; }
    DeskScreen #desk-waiting { height: auto; padding: 0 1; background: $boost; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.frequent: list[Item] = []
        self.citizen_id: int | None = None
        self.person_line: Text = Text(t("desk.no_person"), style="dim")
        self.disabled_priority = False
        self.last_ticket_id: int | None = None
        self.print_detail: dict[int, str] = {}

    def compose_body(self) -> ComposeResult:
        with Vertical():
            yield Static(id="desk-items")
            yield Static(id="desk-person")
            with Horizontal(id="desk-middle"):
                with Vertical(id="desk-last"):
                    yield Static(t("desk.last_ticket"))
                    yield BigText("", id="desk-number")
                    yield Static(id="desk-print")
                yield DataTable(id="desk-tickets", cursor_type="row", zebra_stripes=True)
            yield Static(id="desk-waiting")

    def on_mount(self) -> None:
        table = self.query_one("#desk-tickets", DataTable)
        table.add_columns(t("desk.col.number"), t("desk.col.item"), t("desk.col.priority"),
                          t("desk.col.print"), t("desk.col.status"))
        since = datetime.now(self.govan.config.tz) - timedelta(days=FREQUENT_DAYS)
        self.frequent = catalogue.frequent_items(self.govan.store, len(FREQUENT_KEYS), trip_id=self.open_trip_id, since=since)
        self.query_one("#desk-items", Static).update(self._items_text())
        self.refresh_queue()
        table.focus()

    def _items_text(self) -> Group:
        grid = Table.grid(expand=True, padding=(0, 1))
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        cells = [Text.assemble((FREQUENT_KEYS[index], "bold reverse"), f" {item.name}")
                 for index, item in enumerate(self.frequent)]
        half = (len(cells) + 1) // 2
        for left, right in zip(cells[:half], [*cells[half:], Text("")], strict=False):
            grid.add_row(left, right)
        return Group(Text(t("desk.frequent"), style="bold"), grid)

    # The queue as the store has it.
    def refresh_queue(self) -> None:
        store = self.govan.store
        table = self.query_one("#desk-tickets", DataTable)
        names = {item.code: item.name for item in catalogue.list_items(store, enabled_only=False)}
        issued = tickets.list_tickets(store, self.open_trip_id)
        issued.sort(key=lambda ticket: ticket.id, reverse=True)
        table.clear()
        for ticket in issued:
            table.add_row(
                ticket.label,
                names.get(ticket.item_code or "", "—"),
                t("priority." + ticket.priority_reason) if ticket.priority_reason else "",
                Text(t("print." + ticket.print_state), style=PRINT_STYLE[ticket.print_state]),
                t("status." + ticket.status),
                key=str(ticket.id),
            )
        board = tickets.queue_board(store, self.open_trip_id)
        waiting = "  ".join(f"{letter} {count}" for letter, count in board.waiting.items()) or "0"
        self.query_one("#desk-waiting", Static).update(t("desk.waiting", counts=waiting))
        self.query_one("#desk-person", Static).update(self._person_text())
        self._show_last()

    def _person_text(self) -> Text:
        text = self.person_line.copy()
        if self.disabled_priority:
            text.append("  " + t("desk.disabled_on"), style="bold yellow")
        return text

    def _show_last(self) -> None:
        if self.last_ticket_id is None:
            return
        ticket = tickets.get_ticket(self.govan.store, self.last_ticket_id)
        self.query_one("#desk-number", BigText).show(ticket.label, "bold")
        line = Text(t("print." + ticket.print_state), style=PRINT_STYLE[ticket.print_state])
        detail = self.print_detail.get(ticket.id)
        if ticket.print_state == "failed":
            line.append(f"\n{detail or ''}\n", style="red").append(t("desk.reprint_hint"), style="bold")
        self.query_one("#desk-print", Static).update(line)

    def on_queue_changed(self, message: QueueChanged) -> None:
        self.refresh_queue()

    # Issuing.
    def search_items(self) -> list[Item]:
        return catalogue.list_items(self.govan.store, trip_id=self.open_trip_id)

    def department_label(self, code: str) -> str:
        department = next((d for d in catalogue.list_departments(self.govan.store) if d.code == code), None)
        return f"{department.queue_letter} {department.name}" if department else code

    def choose_item(self, code: str) -> None:
        self.issue(lambda store: tickets.issue_ticket(
            store, self.open_trip_id, item_code=code, citizen_id=self.citizen_id, disabled=self.disabled_priority,
            priority_age=self.govan.config.service.priority_age, tz=self.govan.config.tz))

    def action_issue_frequent(self, index: int) -> None:
        if index < len(self.frequent):
            self.choose_item(self.frequent[index].code)

    def issue(self, make_ticket) -> None:  # noqa: ANN001 - a store → Ticket callable
        try:
            ticket = make_ticket(self.govan.store)
        except StoreError as error:
            self.notify(describe(error.problem), title=t("desk.cannot_issue"), severity="error")
            return
        self.citizen_id = None
        self.disabled_priority = False
        self.person_line = Text(t("desk.no_person"), style="dim")
        self.last_ticket_id = ticket.id
        announce(self.govan.link, self.govan.store, ticket, "issued", self.govan.config.tz)
        self.refresh_queue()
        self.print_ticket(ticket.id, reprint=False)

    @work(group="print")
    async def print_ticket(self, ticket_id: int, *, reprint: bool) -> None:
        printed, detail = await print_ticket(self.govan, ticket_id, reprint=reprint)
        if printed:
            self.print_detail.pop(ticket_id, None)
        else:
            self.print_detail[ticket_id] = detail
            label = tickets.get_ticket(self.govan.store, ticket_id).label
            self.notify(t("desk.print_failed", label=label, detail=detail), severity="error", timeout=8)
        # NoMatches: the screen closed while the printer was still answering; the store has the result.
        with contextlib.suppress(NoMatches):
            self.refresh_queue()

    def action_reprint(self) -> None:
        table = self.query_one("#desk-tickets", DataTable)
        if table.row_count == 0:
            return
        row_key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key
        ticket = tickets.get_ticket(self.govan.store, int(row_key.value))
        if ticket.print_state == "pending":
            self.notify(t("desk.still_printing", label=ticket.label))
            return
        self.last_ticket_id = ticket.id
        self.print_ticket(ticket.id, reprint=True)

    # Appointments and ID cards.
    def on_code_scanned(self, message: CodeScanned) -> None:
        self.check_in(message.scan.code)

    def check_in(self, code: str) -> None:
        try:
            appointments.parse_code(code)
        except InvalidValue:
            self.notify(t("desk.not_appointment"), severity="warning")
            return
        self.issue(lambda store: appointments.check_in(
            store, code, self.open_trip_id, priority_age=self.govan.config.service.priority_age, tz=self.govan.config.tz))

    def action_appointment(self) -> None:
        def done(code: str | None) -> None:
            if code:
                self.check_in(code)

        self.app.push_screen(AskText(t("desk.ask_code")), done)

    def on_card_read(self, message: CardRead) -> None:
        card = message.card
        session = self.govan.session
        warnings = []
        if card.expired:
            warnings.append(t("card.expired"))
        try:
            citizen = citizens.find_or_create(
                self.govan.store, card.id_number, name=card.name, sex=card.sex,
                address=card.address or None, staff_id=session.staff.id if session else None,
            )
        except InvalidIdNumber:
            self.citizen_id = None
            self.person_line = Text(t("desk.card_not_linked", name=mask_name(card.name)), style="yellow")
        else:
            self.citizen_id = citizen.id
            age = citizen.age_on(datetime.now(self.govan.config.tz).date())
            line = Text(t("desk.person", name=citizen.masked_name, id=mask_id_number(card.id_number)))
            if age is not None and age >= self.govan.config.service.priority_age:
                line.append("  " + t("desk.priority_age", age=age), style="bold green")
            self.person_line = line
        for warning in warnings:
            self.person_line.append("  " + warning, style="bold red")
        self.query_one("#desk-person", Static).update(self._person_text())

    def action_clear_person(self) -> None:
        self.citizen_id = None
        self.disabled_priority = False
        self.person_line = Text(t("desk.no_person"), style="dim")
        self.query_one("#desk-person", Static).update(self._person_text())

    def action_toggle_disabled(self) -> None:
        self.disabled_priority = not self.disabled_priority
        self.query_one("#desk-person", Static).update(self._person_text())
