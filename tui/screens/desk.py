"""The ticket desk (取号), drawn: the desk's keys, the person the next ticket is for, the last ticket
and its slip, the trip's tickets. The work is the flow's (flows.desk.DeskFlow); this screen shows
its state and forwards keys, cards and scans.

While it is shown the desk holds the shared ID reader and the scanner; another terminal that
has them is named, and F12 takes them. A slip that did not print says so and what the ticket
is now: held until R reprints it, W hands it over in writing or C cancels it.
"""

from __future__ import annotations

import contextlib

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.widgets import DataTable, Static

from core.problems import Problem
from flows.desk import Action, DeskFlow, Hold, Item, ReplaceAsked, Slip, Ticket
from flows.slips import SlipOutcome
from tui.i18n import N_, NC_, t
from tui.item_search import ItemSearch
from tui.messages import CardRead, CodeScanned, DevicesChanged, QueueChanged
from tui.names import name_of
from tui.problems import describe
from tui.queue_words import DEVICE_WORDS, PRINT_STYLE, PRINT_WORDS, PRIORITY_WORDS, STATUS_WORDS, held_line
from tui.repaint import update_changed
from tui.screens.base import VanScreen
from tui.widgets.ask_text import AskText
from tui.widgets.big_text import BigText
from tui.widgets.bounded_table import BoundedTable
from tui.widgets.choose import Choose

KEYS = "1234567890"
# The table shows the trip's newest tickets only: a row added to a longer table costs more
# (sorting, layout), and a desk issuing all day grew slower with every ticket (issue 17).
TABLE_ROWS = 100
_COLUMNS = ("number", "item", "priority", "print", "status")
_CARD_WARNINGS = {"expired": N_("card expired"), "check_digit": N_("the card's number fails its check")}


# The cells a label like A123 takes; the table pads each column with one cell on either side,
# and keeps two for its scrollbar.
_LABEL_CELLS = 4
_CELL_PADDING = 2
_SCROLLBAR = 2
_MIN_ITEM_CELLS = 8


def _column_widths(headings: dict[str, str], table_cells: int) -> dict[str, int]:
    """Every column's width, fixed: a column that re-measures itself measures every row it has,
    a cost that grew with the day (issue 17). Each fits its heading and its longest words; the
    item takes what is left of the table's width, so nothing else is cut at 80 columns."""
    words = {
        "number": [],
        "priority": PRIORITY_WORDS.values(),
        "print": PRINT_WORDS.values(),
        "status": STATUS_WORDS.values(),
    }
    widths = {
        column: max(cell_len(text) for text in [headings[column], *(t(word) for word in words[column])])
        for column in words
    }
    widths["number"] = max(widths["number"], _LABEL_CELLS)
    rest = table_cells - sum(widths.values()) - _CELL_PADDING * len(headings) - _SCROLLBAR
    widths["item"] = max(rest, _MIN_ITEM_CELLS, cell_len(headings["item"]))
    return widths


class DeskScreen(VanScreen):
    COMMANDS = {ItemSearch}
    BINDINGS = [
        Binding("1", "issue('1')", N_("Frequent items"), key_display="1…0"),
        *[Binding(key, f"issue('{key}')", show=False) for key in KEYS[1:]],
        Binding("r", "reprint", N_("Reprint")),
        Binding("w", "write", N_("Hand over in writing")),
        Binding("c", "cancel", N_("Cancel ticket")),
        Binding("a", "appointment", N_("Appointment code")),
        Binding("d", "toggle_disabled", N_("Special priority")),
        Binding("escape", "clear_person", N_("Clear person")),
        Binding("f12", "take_device", N_("Take device")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.flow: DeskFlow | None = None
        self.holds: list[Hold] = []
        self._order: dict[str, int] = {}  # ticket label → id: the table shows the newest first
        # What the footer offers for the ticket under the cursor: (R reprint, W and C for a held ticket).
        self._offered = (False, False)

    def compose_body(self) -> ComposeResult:
        with Vertical():
            yield Static(id="desk-items")
            yield Static(id="desk-person")
            yield Static("", id="desk-holds")
            with Horizontal(id="desk-middle"):
                with Vertical(id="desk-last"):
                    yield Static(t("Last ticket"))
                    yield BigText("", id="desk-number")
                    yield Static(id="desk-print")
                yield BoundedTable(id="desk-tickets", cursor_type="row", zebra_stripes=True)
            yield Static(id="desk-waiting")

    def on_mount(self) -> None:
        session = self.govan.session
        assert session is not None and session.trip is not None
        self.flow = DeskFlow(self.van, session.staff, session.trip)
        table = self.query_one("#desk-tickets", DataTable)
        headings = dict(
            zip(
                _COLUMNS,
                (t(N_("No.")), t(N_("Item")), t(N_("Prio.")), t(NC_("desk.col.print", "Print")), t(N_("Status"))),
                strict=True,
            )
        )
        # The table's width before layout: the screen's, less the last ticket's panel beside it.
        beside = self.query_one("#desk-last").styles.width
        table_cells = self.app.size.width - (int(beside.value) if beside is not None else 0)
        widths = _column_widths(headings, table_cells)
        for key in _COLUMNS:
            table.add_column(headings[key], key=key, width=widths[key])
        self.query_one("#desk-items", Static).update(self._keys_text())
        self.fill_table()
        self.show_person()
        table.focus()
        self._selection_changed()
        self.hold_devices()

    @property
    def desk(self) -> DeskFlow:
        assert self.flow is not None
        return self.flow

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self.flow is not None:
            self.hold_devices()

    def on_unmount(self) -> None:
        if self.flow is not None:
            # The app outlives the screen: let the reader and scanner go for the next screen or terminal.
            self.app.run_worker(self.flow.release_devices(), group="desk-release")

    def _keys_text(self) -> Group:
        grid = Table.grid(expand=True, padding=(0, 1))
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        cells = [Text.assemble((key.key, "bold reverse"), f" {name_of(key.item)}") for key in self.desk.keys]
        half = (len(cells) + 1) // 2
        for left, right in zip(cells[:half], [*cells[half:], Text("")], strict=False):
            grid.add_row(left, right)
        return Group(
            Text(t("Press a number for a ticket (Ctrl+P searches every item, pinyin initials work)"), style="bold"),
            grid,
        )

    # The tickets: the newest TABLE_ROWS once, then one row at a time.
    def fill_table(self) -> None:
        table = self.query_one("#desk-tickets", DataTable)
        for ticket in self.desk.tickets()[:TABLE_ROWS]:
            self._order[ticket.label] = ticket.id
            table.add_row(*self._cells(ticket), key=str(ticket.id))
        self.show_waiting()
        self.show_last()

    def show_ticket(self, ticket: Ticket) -> None:
        """One ticket changed (here or on another terminal): its row, the counts, the last ticket."""
        table = self.query_one("#desk-tickets", DataTable)
        key = str(ticket.id)
        cells = self._cells(ticket)
        if key in table.rows:
            # Only cells whose words changed: any update redraws every visible row. What changes (print
            # state, status) fits its column's fixed width: re-measuring a column measures every row in
            # it, a cost that grew with the day (issue 17).
            for column, cell, before in zip(_COLUMNS, cells, table.get_row(key), strict=True):
                if str(cell) != str(before):
                    table.update_cell(key, column, cell)
        elif self.desk.listed(ticket) and (len(self._order) < TABLE_ROWS or ticket.id > min(self._order.values())):
            self._order[ticket.label] = ticket.id
            table.add_row(*cells, key=key)
            if len(self._order) > TABLE_ROWS:
                oldest = min(self._order, key=self._order.__getitem__)
                table.remove_row(str(self._order.pop(oldest)))
            table.sort("number", key=lambda label: self._order.get(str(label), 0), reverse=True)
        self.show_waiting()
        if self.desk.last is not None and self.desk.last.id == ticket.id:
            self.show_last()
        self._selection_changed()

    def _cells(self, ticket: Ticket) -> tuple[Text | str, ...]:
        return (
            ticket.label,
            name_of(self.desk.item(ticket.item_code)),
            t(PRIORITY_WORDS[ticket.priority_reason]) if ticket.priority_reason else "",
            Text(t(PRINT_WORDS[ticket.print_state]), style=PRINT_STYLE[ticket.print_state]),
            t(STATUS_WORDS[ticket.status]),
        )

    def show_waiting(self) -> None:
        waiting = "  ".join(f"{letter} {count}" for letter, count in self.desk.waiting().items()) or "0"
        update_changed(self.query_one("#desk-waiting", Static), t("Waiting  {counts}", counts=waiting))

    def show_last(self) -> None:
        ticket = self.desk.last
        if ticket is None:
            return
        self.query_one("#desk-number", BigText).show(ticket.label, "bold")
        update_changed(self.query_one("#desk-print", Static), self._slip_text(ticket))

    def _slip_text(self, ticket: Ticket) -> Text:
        """What the ticket's paper is now, in words that say which it is."""
        slip = self.desk.slips.get(ticket.id)
        if ticket.status == "cancelled":
            return Text(t("cancelled; never called"), style="bold")
        if ticket.print_state == "written":
            return Text(t("handed over in writing; in the queue"), style="green")
        if ticket.print_state != "failed":
            return Text(t(PRINT_WORDS[ticket.print_state]), style=PRINT_STYLE[ticket.print_state])
        reason = describe(slip.problem) if slip is not None and slip.problem is not None else ""
        text = Text(t("NOT printed: {reason}", reason=reason) if reason else t("NOT printed"), style="bold red")
        if ticket.status == "waiting":
            text.append("\n" + t("not called or counted until settled"), style="red").append(
                "\n" + t("R reprint · W in writing · C cancel"), style="bold"
            )
        return text

    def on_queue_changed(self, message: QueueChanged) -> None:
        if message.event.trip is not None:
            if message.event.type in ("trip.closed", "trip.crew_changed"):
                self.govan.route()  # the desk follows the captain: a closed trip issues nothing
            return
        ticket = self.desk.heard(message.event)
        if ticket is not None:
            self.show_ticket(ticket)

    # The person the next ticket is for
    def show_person(self) -> None:
        person = self.desk.person
        if person is None:
            text = Text(
                t(
                    "No person linked: read an ID card to link and prioritise by age, scan an appointment code to check in"
                ),
                style="dim",
            )
        elif person.citizen_id is None:
            text = Text(
                t("{name}'s card number does not validate; this ticket is not linked to the person", name=person.name),
                style="yellow",
            )
        else:
            text = Text(t("Person {name} {id}", name=person.name, id=person.id_number))
            if person.age is not None:
                text.append("  " + t("aged {age}", age=person.age))
        if person is not None:
            for warning in person.warnings:
                text.append("  " + t(_CARD_WARNINGS[warning.value]), style="bold red")
        priority = self.desk.priority()
        if priority is not None and (person is not None or self.desk.disabled):
            text.append(
                "  " + t("next ticket: {priority} priority", priority=t(PRIORITY_WORDS[priority])), style="bold green"
            )
        update_changed(self.query_one("#desk-person", Static), text)

    def on_card_read(self, message: CardRead) -> None:
        read = self.desk.read_card(message.card)
        if read is None:
            return  # read for another terminal
        if isinstance(read, ReplaceAsked):
            self.ask_to_replace(read)
        elif isinstance(read, Problem):
            self.notify(describe(read), severity="error")
        else:
            self.show_person()

    def ask_to_replace(self, asked: ReplaceAsked) -> None:
        choices = [
            (t("Keep {name} for the next ticket", name=asked.current_name), "keep"),
            (t("The next ticket for {name}", name=asked.card_name), "replace"),
        ]

        def answered(choice: str | None) -> None:
            if choice == "replace":
                replaced = self.desk.replace_person()
                if isinstance(replaced, Problem):
                    self.notify(describe(replaced), severity="error")
            else:
                self.desk.keep_person()
            self.show_person()

        self.app.push_screen(
            Choose(
                t(
                    "The card is {card}'s, not {current}'s. Replace the person?",
                    card=asked.card_name,
                    current=asked.current_name,
                ),
                choices,
            ),
            answered,
        )

    def action_clear_person(self) -> None:
        self.desk.clear_person()
        self.show_person()

    def action_toggle_disabled(self) -> None:
        self.desk.toggle_disabled()
        self.show_person()

    # Issuing
    def search_items(self) -> list[Item]:
        return self.desk.items()

    def department_label(self, code: str) -> str:
        department = self.desk.department(code)
        return f"{department.queue_letter} {name_of(department)}" if department else code

    def choose_item(self, code: str) -> None:
        self.issued(self.desk.issue(code))

    def action_issue(self, key: str) -> None:
        self.issued(self.desk.issue_key(key))

    def issued(self, ticket: Ticket | Problem) -> None:
        if isinstance(ticket, Problem):
            self.notify(describe(ticket), title=t("Cannot issue a ticket"), severity="error")
            return
        # The print command first; the list shows the ticket with its slip's outcome (DeskFlow.listed).
        self.print_slip(ticket.id, again=False)
        self.show_person()
        self.show_last()

    @work(group="print")
    async def print_slip(self, ticket_id: int, *, again: bool) -> None:
        self.told(await self.desk.print_slip(ticket_id, again=again))
        if not again:
            with contextlib.suppress(NoMatches):
                self.query_one("#desk-tickets", DataTable).move_cursor(row=0)

    def told(self, result: Slip | Problem) -> None:
        """Staff are told what became of a slip: printed, held (and why), written down, or cancelled."""
        if isinstance(result, Problem):
            self.notify(describe(result), severity="error")
            return
        label = result.ticket.label
        if result.outcome is SlipOutcome.FAILED:
            reason = describe(result.problem) if result.problem is not None else ""
            key = (
                N_(
                    "{label} did not print: {reason}. It is not called or counted: reprint it, hand it over in writing, or cancel it"
                )
                if result.held
                else N_("{label} did not print: {reason}")
            )
            self.notify(t(key, label=label, reason=reason), severity="error", timeout=10)
        elif result.outcome is SlipOutcome.WRITTEN:
            self.notify(t("{label} handed over in writing; it is in the queue", label=label))
        elif result.outcome is SlipOutcome.CANCELLED:
            self.notify(t("{label} cancelled; it will not be called", label=label))
        elif result.warning is not None:
            self.notify(
                t("{label} printed; {reason}", label=label, reason=describe(result.warning)), severity="warning"
            )
        # NoMatches: the screen closed while the printer was still answering; the store has the result.
        with contextlib.suppress(NoMatches):
            self.show_ticket(result.ticket)

    def selected(self) -> Ticket | None:
        table = self.query_one("#desk-tickets", DataTable)
        if table.row_count == 0:
            return None
        row_key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key
        return self.desk.ticket(int(row_key.value or 0))

    def action_reprint(self) -> None:
        ticket = self.selected()
        if ticket is not None:
            self.print_slip(ticket.id, again=True)

    def action_write(self) -> None:
        ticket = self.selected()
        if ticket is not None:
            self.told(self.desk.hand_over_in_writing(ticket.id))

    def action_cancel(self) -> None:
        ticket = self.selected()
        if ticket is not None:
            self.told(self.desk.cancel(ticket.id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.flow is None:
            return True
        if action == "reprint":
            return self._offered[0] or None  # greyed: nothing under the cursor to print again
        if action in ("write", "cancel"):
            return self._offered[1]
        if action == "take_device":
            return self.desk.allowed(Action.TAKE_DEVICE)
        return True

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._selection_changed()

    def _selection_changed(self) -> None:
        # The footer follows the ticket under the cursor (the flow's rules): refresh it only when that changes.
        ticket = None
        with contextlib.suppress(NoMatches):
            ticket = self.selected()
        offered = (self.desk.allowed(Action.REPRINT, ticket), self.desk.allowed(Action.WRITE, ticket))
        if offered != self._offered:
            self._offered = offered
            self.refresh_bindings()

    # Appointments
    def on_code_scanned(self, message: CodeScanned) -> None:
        ticket = self.desk.scan(message.scan)
        if ticket is not None:
            self.issued(ticket)

    def action_appointment(self) -> None:
        def done(code: str | None) -> None:
            if code:
                self.issued(self.desk.check_in(code))

        self.app.push_screen(AskText(t("Type the appointment check-in code (8 characters)")), done)

    # The reader and the scanner
    @work(group="holds", exclusive=True)
    async def hold_devices(self) -> None:
        self.show_holds(await self.desk.hold_devices())

    @work(group="free", exclusive=True)
    async def claim_free_devices(self) -> None:
        self.show_holds(await self.desk.holding.claim_free())

    @work(group="holds")
    async def action_take_device(self) -> None:
        for hold in self.holds:
            if hold.elsewhere:
                problem = await self.desk.holding.take(hold.device)
                if problem is not None:
                    self.notify(describe(problem), severity="error")
        self.show_holds(self.desk.holding.holds())

    def on_devices_changed(self, message: DevicesChanged) -> None:
        super().on_devices_changed(message)
        if self.flow is not None and self.is_attached and self.desk.holding.wanted:
            self.claim_free_devices()

    def show_holds(self, holds: list[Hold]) -> None:
        if not self.is_attached:
            return
        elsewhere_before = any(hold.elsewhere for hold in self.holds)
        self.holds = holds
        lines = [held_line(hold, DEVICE_WORDS) for hold in holds if hold.elsewhere]
        widget = self.query_one("#desk-holds", Static)
        widget.update(Text("\n".join(lines), style="bold yellow"))
        widget.display = bool(lines)
        if elsewhere_before != bool(lines):
            self.refresh_bindings()  # F12 comes or goes
