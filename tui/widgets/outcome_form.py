"""How a case ended, and how its result reaches the person: intake's outcome step, drawn.

Outcomes: completed on site (办结), accepted and forwarded (受理转办), not done (with
a reason), consult only. Completed and accepted cases are delivered on site, by post
(address and waybill) or to the door (address and date). The chosen outcome and
delivery are the flow's (flows.intake); this form shows them, offers what the flow
allows, and hands over what the clerk typed. No field cuts what is typed short.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from flows.intake import Delivery, NotDone, Outcome, OutcomeDetails
from tui.i18n import N_, NC_, pt, t
from tui.terms import DELIVERY_WORDS, NOT_DONE_WORDS, OUTCOME_WORDS

OUTCOMES: tuple[Outcome, ...] = ("completed_on_site", "accepted_forwarded", "not_done", "consult_only")
DELIVERIES: tuple[Delivery, ...] = ("on_site", "post", "door")
DELIVERY_KEYS = {"on_site": "F6", "post": "F7", "door": "F8"}
OUTCOME_KEYS = Binding.Group(N_("Outcome"), compact=True)


class OutcomeChoice(Widget, can_focus=True):
    """Four outcomes on keys 1-4; the chosen one is marked, nothing is chosen to begin with."""

    BINDINGS = [
        Binding("1", "choose('completed_on_site')", N_("Completed"), group=OUTCOME_KEYS),
        Binding("2", "choose('accepted_forwarded')", N_("Accepted"), group=OUTCOME_KEYS),
        Binding("3", "choose('not_done')", NC_("intake.outcome.key.not_done", "Not done"), group=OUTCOME_KEYS),
        Binding("4", "choose('consult_only')", N_("Consult"), group=OUTCOME_KEYS),
    ]
    DEFAULT_CSS = """
    OutcomeChoice { height: auto; padding: 0 1; }
    OutcomeChoice:focus { background: $boost; }
    """

    class Chosen(Message):
        def __init__(self, outcome: Outcome) -> None:
            super().__init__()
            self.outcome = outcome

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.on_site_allowed = True
        self.chosen: Outcome | None = None

    def render(self) -> Text:
        text = Text(t("Outcome") + "  ", style="bold")
        for number, outcome in enumerate(OUTCOMES, start=1):
            label = f" {number} {t(OUTCOME_WORDS[outcome])} "
            if outcome == "completed_on_site" and not self.on_site_allowed:
                text.append(label, style="dim strike")
            elif outcome == self.chosen:
                text.append(label, style="bold reverse")
            else:
                text.append(label)
            text.append(" ")
        if not self.on_site_allowed:
            text.append("\n" + t("This item is processed in the back office, not on site"), style="dim")
        return text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters and parameters[0] == "completed_on_site":
            return self.on_site_allowed or None
        return True

    def action_choose(self, outcome: Outcome) -> None:
        self.post_message(self.Chosen(outcome))


class OutcomeForm(Vertical):
    DEFAULT_CSS = """
    OutcomeForm { height: auto; }
    OutcomeForm #delivery, OutcomeForm #reasons { height: auto; padding: 0 1; margin-top: 1; }
    OutcomeForm Horizontal { height: 1; }
    OutcomeForm .field-label { width: 10; color: $text-muted; }
    OutcomeForm #delivery-address { width: 1fr; }
    OutcomeForm #delivery-waybill { width: 30; }
    OutcomeForm #delivery-date { width: 14; }
    OutcomeForm #reason-list { height: auto; max-height: 6; }
    OutcomeForm #reason-detail { width: 1fr; }
    OutcomeForm #outcome-error { color: $error; padding: 0 1; height: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.mailable = False
        self.outcome: Outcome | None = None
        self.delivery: Delivery = "on_site"

    def compose(self) -> ComposeResult:
        yield OutcomeChoice(id="outcome-choice")
        with Vertical(id="delivery"):
            yield Static(id="delivery-choices")
            with Horizontal(id="delivery-address-row"):
                yield Label(pt("intake.delivery.address", "Address"), classes="field-label")
                yield Input(id="delivery-address", compact=True)
            with Horizontal(id="delivery-waybill-row"):
                yield Label(t("Waybill"), classes="field-label")
                yield Input(placeholder=t("scan the waybill"), id="delivery-waybill", compact=True)
            with Horizontal(id="delivery-date-row"):
                yield Label(pt("intake.delivery.date", "Date"), classes="field-label")
                yield Input(placeholder=t("YYYY-MM-DD"), id="delivery-date", compact=True)
        with Vertical(id="reasons"):
            yield Label(t("Why it was not done (arrow keys)"))
            yield OptionList(
                *[Option(t(NOT_DONE_WORDS[code]), id=code) for code in NotDone], id="reason-list", compact=True
            )
            with Horizontal():
                yield Label(t("Details"), classes="field-label")
                yield Input(placeholder=t("required for Other"), id="reason-detail", compact=True)
        yield Static("", id="outcome-error")

    def on_mount(self) -> None:
        self._show()

    def reset(self, *, on_site_allowed: bool, mailable: bool, address: str) -> None:
        """A fresh form for the next case: nothing chosen, the person's address ready for a delivery."""
        self.mailable = mailable
        choice = self.query_one(OutcomeChoice)
        choice.on_site_allowed = on_site_allowed
        self.query_one("#delivery-address", Input).value = address
        for selector in ("#delivery-waybill", "#delivery-date", "#reason-detail"):
            self.query_one(selector, Input).value = ""
        self.query_one("#reason-list", OptionList).highlighted = None
        self.show_error("")
        self.show_choice(None, "on_site")

    def show_choice(self, outcome: Outcome | None, delivery: Delivery) -> None:
        """The flow's outcome and delivery; a newly chosen one moves the focus where the clerk types next."""
        changed_outcome, changed_delivery = outcome != self.outcome, delivery != self.delivery
        self.outcome, self.delivery = outcome, delivery
        choice = self.query_one(OutcomeChoice)
        choice.chosen = outcome
        choice.refresh(layout=True)
        self.show_error("")
        self._show()
        if changed_outcome and outcome == "not_done":
            self.query_one("#reason-list", OptionList).focus()
        if changed_delivery and delivery == "post":
            field = self.query_one("#delivery-address", Input)
            (field if not field.value.strip() else self.query_one("#delivery-waybill", Input)).focus()
        elif changed_delivery and delivery == "door":
            field = self.query_one("#delivery-address", Input)
            (field if not field.value.strip() else self.query_one("#delivery-date", Input)).focus()

    @property
    def delivers(self) -> bool:
        return self.outcome in ("completed_on_site", "accepted_forwarded")

    def _show(self) -> None:
        self.query_one("#delivery").display = self.delivers
        self.query_one("#reasons").display = self.outcome == "not_done"
        self.query_one("#delivery-address-row").display = self.delivery in ("post", "door")
        self.query_one("#delivery-waybill-row").display = self.delivery == "post"
        self.query_one("#delivery-date-row").display = self.delivery == "door"
        text = Text(t("Result") + "  ", style="bold")
        for delivery in DELIVERIES:
            label = f" {DELIVERY_KEYS[delivery]} {t(DELIVERY_WORDS[delivery])} "
            if delivery == "post" and not self.mailable:
                text.append(label, style="dim strike")
            else:
                text.append(label, style="bold reverse" if delivery == self.delivery else "")
            text.append(" ")
        if not self.mailable:
            text.append("\n" + t("This item's result cannot be mailed"), style="dim")
        self.query_one("#delivery-choices", Static).update(text)

    def show_error(self, text: str) -> None:
        self.query_one("#outcome-error", Static).update(text)

    def put_waybill(self, code: str) -> None:
        self.query_one("#delivery-waybill", Input).value = code.strip()

    def details(self) -> OutcomeDetails:
        """What the clerk typed; the flow checks it."""
        highlighted = self.query_one("#reason-list", OptionList).highlighted_option
        reason = NotDone(highlighted.id) if highlighted is not None and highlighted.id is not None else None
        return OutcomeDetails(
            address=self.query_one("#delivery-address", Input).value,
            waybill=self.query_one("#delivery-waybill", Input).value,
            door_date=self.query_one("#delivery-date", Input).value,
            reason=reason,
            reason_detail=self.query_one("#reason-detail", Input).value,
        )
