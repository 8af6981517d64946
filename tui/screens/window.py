"""The window (叫号), drawn: the ticket called here and what may happen to it, the waiting counts per
queue and the last numbers called. The work is the flow's (flows.window.WindowFlow); this screen
shows its state and forwards keys.

S opens intake (受理) for the ticket called, or goes back to the one being served: a visit
ends there, with its rating or an abandon and its reason, never by a key here.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from core.problems import Code, Problem
from flows.slips import SlipOutcome
from flows.window import Action, Item, Slip, Ticket, ToQueue, ToWindow, Transferred, WindowFlow
from tui.i18n import N_, pt, t
from tui.messages import QueueChanged
from tui.names import name_of
from tui.problems import describe
from tui.queue_words import PRIORITY_WORDS, STATUS_WORDS
from tui.repaint import update_changed
from tui.screens.base import VanScreen
from tui.widgets.big_text import BigText
from tui.widgets.choose import Choose

# Keys that map to one flow action each; s is two keys' worth (start, or come back to, the service).
_ACTIONS = {
    "call_next": Action.CALL_NEXT,
    "recall": Action.RECALL,
    "no_show": Action.NO_SHOW,
    "defer": Action.DEFER,
    "transfer": Action.TRANSFER,
    "reprint": Action.REPRINT,
    "write": Action.WRITE,
    "cancel": Action.CANCEL,
}


class WindowScreen(VanScreen):
    BINDINGS = [
        Binding("n", "call_next", N_("Call next")),
        Binding("r", "recall", N_("Recall")),
        Binding("x", "no_show", N_("No-show")),
        Binding("y", "defer", N_("Put back")),
        Binding("t", "transfer", N_("Transfer")),
        Binding("s", "start_service", N_("Start service")),
        Binding("s", "resume_service", N_("Continue service")),
        Binding("f11", "reprint", N_("Reprint new number")),
        Binding("w", "write", N_("Hand over in writing")),
        Binding("c", "cancel", N_("Cancel new number")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.flow: WindowFlow | None = None
        self._keys_for: tuple[str | None, bool] | None = None  # the state the footer's keys were shown for

    @property
    def window(self) -> WindowFlow:
        assert self.flow is not None
        return self.flow

    @property
    def current(self) -> Ticket | None:
        return self.flow.current if self.flow is not None else None

    def compose_body(self) -> ComposeResult:
        yield Static(id="window-title")
        with Horizontal(id="window-body"):
            with Vertical(id="window-current"):
                yield Static(t("Now serving"))
                yield BigText("", id="window-number")
                yield Static(id="window-ticket")
                yield Static("", id="window-held")
            with Vertical(id="window-side"):
                yield Static(id="window-waiting")
                yield Static(id="window-recent")

    def on_mount(self) -> None:
        session = self.govan.session
        assert session is not None and session.trip is not None and session.seat is not None
        self.flow = WindowFlow(self.van, session.staff, session.trip, session.seat.window)
        served = pt("list separator", ", ").join(
            t("{name} ({detail})", name=letter, detail=name_of(self.window.department(letter), missing="?"))
            for letter in self.window.seat.categories
        )
        self.query_one("#window-title", Static).update(
            t("Window {window} · serving {categories}", window=self.window.window, categories=served)
        )
        self.show()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self.flow is not None:
            self.window.refresh()  # intake may have ended the visit
            self.show()

    def on_queue_changed(self, message: QueueChanged) -> None:
        event = message.event
        if event.trip is not None:
            if event.type in ("trip.closed", "trip.crew_changed"):
                self.govan.route()  # the window follows the captain: a new seat, or no trip
            return
        self.window.refresh()
        self.show()

    # What the window shows
    def show(self) -> None:
        self._show_current()
        self._show_held()
        self._show_side()
        keys_for = (self.current.status if self.current else None, self.window.held is not None)
        if keys_for != self._keys_for:
            # The footer's keys follow the ticket's state: refresh them only when it changed.
            self._keys_for = keys_for
            self.refresh_bindings()

    def _show_current(self) -> None:
        ticket = self.current
        number = self.query_one("#window-number", BigText)
        details = self.query_one("#window-ticket", Static)
        if ticket is None:
            number.show("---", "dim")
            update_changed(details, Text(t("Free: press N to call the next number"), style="dim"))
            return
        number.show(ticket.label, "bold")
        text = Text(t("Item: {item}", item=name_of(self.window.item(ticket.item_code))) + "\n")
        text.append(
            t("Status: {status} · called {calls}×", status=t(STATUS_WORDS[ticket.status]), calls=ticket.call_count)
            + "\n"
        )
        if ticket.priority_reason:
            text.append(t(PRIORITY_WORDS[ticket.priority_reason]) + "\n", style="bold green")
        if ticket.deferrals:
            text.append(t("put back {count}×", count=ticket.deferrals) + "\n", style="yellow")
        minutes = int(self.window.waited(ticket).total_seconds() // 60)
        text.append(t("waited {minutes} min", minutes=minutes), style="dim")
        update_changed(details, text)

    def _show_held(self) -> None:
        held = self.window.held
        widget = self.query_one("#window-held", Static)
        widget.display = held is not None
        if held is not None:
            reason = describe(held.problem) if held.problem is not None else ""
            update_changed(
                widget,
                Text.assemble(
                    (
                        t("New number {number} NOT printed: {reason}", number=held.ticket.label, reason=reason) + "\n",
                        "bold red",
                    ),
                    (t("not called or counted until settled") + "\n", "red"),
                    (t("F11 reprint · W hand over in writing · C cancel"), "bold"),
                ),
            )

    def _show_side(self) -> None:
        seat = self.window.seat
        side = self.window.side()
        waiting = Text(pt("window.waiting", "Waiting") + "\n", style="bold")
        for letter, count in side.waiting.items():
            waiting.append(f"{letter}  {count}\n", style="bold" if letter in seat.categories else "dim")
        if not side.waiting:
            waiting.append(t("Nobody is waiting") + "\n", style="dim")
        update_changed(self.query_one("#window-waiting", Static), waiting)
        recent = Text(t("Last called") + "\n", style="bold")
        for call in side.recent:
            recent.append(
                t(
                    "{number} → window {window} {time}",
                    number=call.label,
                    window=call.window,
                    time=call.at.strftime("%H:%M"),
                )
                + "\n"
            )
        update_changed(self.query_one("#window-recent", Static), recent)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.flow is None:
            return True
        status = self.current.status if self.current else None
        if action == "start_service":
            return status == "called"
        if action == "resume_service":
            return status == "serving"
        if action in _ACTIONS:
            return self.window.allowed(_ACTIONS[action])
        return True

    # Acting on the ticket
    def _done(self, result: Ticket | Problem | None) -> Ticket | None:
        if isinstance(result, Problem):
            self.notify(describe(result), title=pt("window.cannot", "Not done"), severity="error")
            result = None
        self.show()
        return result

    def action_call_next(self) -> None:
        called = self.window.call_next()
        if called is None:
            self.notify(t("Nobody is waiting"))
        self._done(called)

    def action_recall(self) -> None:
        self._done(self.window.recall())

    def action_no_show(self) -> None:
        self._done(self.window.no_show())

    def action_defer(self) -> None:
        deferred = self._done(self.window.defer())
        if deferred is not None:
            self.notify(
                t(
                    "{number} put back: called again after {places} others",
                    number=deferred.label,
                    places=deferred.let_pass,
                )
            )

    def action_start_service(self) -> None:
        self._serve()

    def action_resume_service(self) -> None:
        self._serve()

    def _serve(self) -> None:
        ticket = self.window.serve()
        if isinstance(ticket, Problem):
            self._done(ticket)
            return
        self.govan.open_intake(ticket.id)

    # Transfers
    def action_transfer(self) -> None:
        ticket = self.current
        targets = self.window.transfer_targets()
        if ticket is None:
            return
        if not targets:
            self.notify(describe(Problem(Code.TRANSFER_NOWHERE)), severity="warning")
            return
        by_choice = {
            f"window:{target.window}" if isinstance(target, ToWindow) else f"queue:{target.category}": target
            for target in targets
        }
        choices = [
            (
                t("window {window} ({name})", window=target.window, name=target.name)
                if isinstance(target, ToWindow)
                else t(
                    "queue {letter} {name} (new number)",
                    letter=target.category,
                    name=name_of(target.department, missing=target.category),
                ),
                choice,
            )
            for choice, target in by_choice.items()
        ]

        def chosen(choice: str | None) -> None:
            if choice is None or self.current is None or self.current.id != ticket.id:
                return
            target = by_choice[choice]
            if isinstance(target, ToQueue) and len(target.items) > 1:
                self.choose_item(target)
            else:
                self.transfer(target, target.items[0].code if isinstance(target, ToQueue) and target.items else None)

        self.app.push_screen(Choose(t("Transfer {number} to:", number=ticket.label), choices), chosen)

    def choose_item(self, target: ToQueue) -> None:
        items: dict[str, Item] = {item.code: item for item in target.items}

        def chosen(code: str | None) -> None:
            if code is not None:
                self.transfer(target, code)

        self.app.push_screen(
            Choose(
                t(
                    "Queue {letter} {name}: which item?",
                    letter=target.category,
                    name=name_of(target.department, missing=target.category),
                ),
                [(name_of(item), code) for code, item in items.items()],
            ),
            chosen,
        )

    def transfer(self, target: ToWindow | ToQueue, item_code: str | None) -> None:
        moved = self.window.transfer(target, item_code)
        if isinstance(moved, Problem):
            self._done(moved)
            return
        self.show()
        if isinstance(moved, Transferred) and moved.new is not None:
            self.print_slip(moved.new.id, again=False)

    @work(group="print")
    async def print_slip(self, ticket_id: int, *, again: bool) -> None:
        """A transfer to another queue gives a new number: the person needs it on paper."""
        self.told(await self.window.print_slip(ticket_id, again=again))

    def told(self, result: Slip | Problem) -> None:
        if isinstance(result, Problem):
            self.notify(describe(result), severity="error")
        elif result.outcome is SlipOutcome.PRINTED:
            self.notify(t("New number {number} printed", number=result.ticket.label))
        elif result.outcome is SlipOutcome.FAILED:
            reason = describe(result.problem) if result.problem is not None else ""
            self.notify(
                t(
                    "{label} did not print: {reason}. It is not called or counted: reprint it, hand it over in writing, or cancel it",
                    label=result.ticket.label,
                    reason=reason,
                ),
                severity="error",
                timeout=10,
            )
        elif result.outcome is SlipOutcome.WRITTEN:
            self.notify(t("{label} handed over in writing; it is in the queue", label=result.ticket.label))
        else:
            self.notify(t("{label} cancelled; it will not be called", label=result.ticket.label))
        if self.is_attached:
            self.show()

    @work(group="print")
    async def action_reprint(self) -> None:
        self.told(await self.window.reprint())

    def action_write(self) -> None:
        self.told(self.window.hand_over_in_writing())

    def action_cancel(self) -> None:
        self.told(self.window.cancel())
