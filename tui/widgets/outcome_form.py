"""How a case ended, and how its result reaches the person.

Outcomes: completed on site (办结), accepted and forwarded (受理转办), not done (with
a reason), consult only. Completed and accepted cases are delivered on site, by
post (address and waybill) or to the door (a date). The form checks what it can;
the store (db.cases.record_outcome) has the last word.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.i18n import Translated, t

Outcome = Literal["completed_on_site", "accepted_forwarded", "not_done", "consult_only"]
OUTCOMES: tuple[Outcome, ...] = ("completed_on_site", "accepted_forwarded", "not_done", "consult_only")
Delivery = Literal["on_site", "post", "door"]
DELIVERIES: tuple[Delivery, ...] = ("on_site", "post", "door")
DELIVERY_KEYS = {"on_site": "F6", "post": "F7", "door": "F8"}
# Why a case could not be done; "missing_materials" prints the list of what to bring.
REASONS = ("missing_materials", "not_eligible", "system_down", "withdrawn", "other")


class FormProblem(Exception):
    """What the clerk must fix before the outcome can be recorded (already translated)."""


@dataclass(frozen=True)
class OutcomeRequest:
    outcome: Outcome
    delivery: Delivery | None = None
    address: str | None = None
    waybill: str | None = None
    delivery_date: date | None = None
    reason_code: str | None = None
    detail: str | None = None  # what the clerk typed about the reason

    def stored_reason(self, missing: list[str]) -> str | None:
        """The reason as the store keeps it: a code, then details ('missing_materials: 居民户口簿')."""
        if self.reason_code is None:
            return None
        detail = self.detail or ("、".join(missing) if self.reason_code == "missing_materials" else "")
        return f"{self.reason_code}: {detail}" if detail else self.reason_code


OUTCOME_KEYS = Binding.Group("intake.outcome.key.group", compact=True)


class OutcomeChoice(Translated, Widget, can_focus=True):
    """Four outcomes on keys 1-4; the chosen one is marked, nothing is chosen to begin with."""

    BINDINGS = [
        Binding("1", "choose('completed_on_site')", "intake.outcome.key.completed", group=OUTCOME_KEYS),
        Binding("2", "choose('accepted_forwarded')", "intake.outcome.key.accepted", group=OUTCOME_KEYS),
        Binding("3", "choose('not_done')", "intake.outcome.key.not_done", group=OUTCOME_KEYS),
        Binding("4", "choose('consult_only')", "intake.outcome.key.consult", group=OUTCOME_KEYS),
    ]
    DEFAULT_CSS = """
    OutcomeChoice { height: auto; padding: 0 1; }
    OutcomeChoice:focus { background: $boost; }
    """

    class Chosen(Message):
        def __init__(self, outcome: Outcome) -> None:
            super().__init__()
            self.outcome = outcome

    def __init__(self, *, on_site_allowed: bool, id: str | None = None) -> None:
        super().__init__(id=id)
        self.on_site_allowed = on_site_allowed
        self.chosen: Outcome | None = None

    def render(self) -> Text:
        text = Text(t("intake.outcome.choose") + "  ", style="bold")
        for number, outcome in enumerate(OUTCOMES, start=1):
            label = f" {number} {t('intake.outcome.' + outcome)} "
            if outcome == "completed_on_site" and not self.on_site_allowed:
                text.append(label, style="dim strike")
            elif outcome == self.chosen:
                text.append(label, style="bold reverse")
            else:
                text.append(label)
            text.append(" ")
        if not self.on_site_allowed:
            text.append("\n" + t("intake.outcome.back_office_item"), style="dim")
        return text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters and parameters[0] == "completed_on_site":
            return self.on_site_allowed or None
        return True

    def action_choose(self, outcome: Outcome) -> None:
        if outcome == "completed_on_site" and not self.on_site_allowed:
            return
        self.chosen = outcome
        self.refresh(layout=True)
        self.post_message(self.Chosen(outcome))


class OutcomeForm(Vertical):
    DEFAULT_CSS = """
    OutcomeForm { height: auto; }
    OutcomeForm #delivery, OutcomeForm #reasons { height: auto; padding: 0 1; margin-top: 1; }
    OutcomeForm Horizontal { height: 1; }
    OutcomeForm .field-label { width: 8; color: $text-muted; }
    OutcomeForm #delivery-address { width: 1fr; }
    OutcomeForm #delivery-waybill { width: 30; }
    OutcomeForm #delivery-date { width: 14; }
    OutcomeForm #reason-list { height: auto; max-height: 6; }
    OutcomeForm #reason-detail { width: 1fr; }
    OutcomeForm #outcome-error { color: $error; padding: 0 1; height: auto; }
    """

    def __init__(self, *, today: date, id: str | None = None) -> None:
        super().__init__(id=id)
        self.today = today
        self.on_site_allowed = True
        self.mailable = False
        self.outcome: Outcome | None = None
        self.delivery: Delivery = "on_site"

    def compose(self) -> ComposeResult:
        yield OutcomeChoice(on_site_allowed=self.on_site_allowed, id="outcome-choice")
        with Vertical(id="delivery"):
            yield Static(id="delivery-choices")
            with Horizontal(id="delivery-address-row"):
                yield Label(t("intake.delivery.address"), classes="field-label")
                yield Input(id="delivery-address", max_length=200, compact=True)
            with Horizontal(id="delivery-waybill-row"):
                yield Label(t("intake.delivery.waybill"), classes="field-label")
                yield Input(placeholder=t("intake.delivery.waybill_placeholder"), id="delivery-waybill", max_length=40,
                            compact=True)
            with Horizontal(id="delivery-date-row"):
                yield Label(t("intake.delivery.date"), classes="field-label")
                yield Input(placeholder=t("intake.delivery.date_placeholder"), id="delivery-date", max_length=10, compact=True)
        with Vertical(id="reasons"):
            yield Label(t("intake.reason.title"))
            yield OptionList(*[Option(t("intake.reason." + code), id=code) for code in REASONS], id="reason-list",
                             compact=True)
            with Horizontal():
                yield Label(t("intake.reason.detail"), classes="field-label")
                yield Input(placeholder=t("intake.reason.detail_placeholder"), id="reason-detail", max_length=200,
                            compact=True)
        yield Static("", id="outcome-error")

    def on_mount(self) -> None:
        self._show()

    def reset(self, *, on_site_allowed: bool, mailable: bool, address: str, today: date) -> None:
        """A fresh form for the next case: nothing chosen."""
        self.on_site_allowed, self.mailable, self.today = on_site_allowed, mailable, today
        self.outcome = None
        self.delivery = "on_site"
        choice = self.query_one(OutcomeChoice)
        choice.on_site_allowed = on_site_allowed
        choice.chosen = None
        choice.refresh(layout=True)
        self.query_one("#delivery-address", Input).value = address
        for selector in ("#delivery-waybill", "#delivery-date", "#reason-detail"):
            self.query_one(selector, Input).value = ""
        self.query_one("#reason-list", OptionList).highlighted = None
        self.show_error("")
        self._show()

    @on(OutcomeChoice.Chosen)
    def _chosen(self, event: OutcomeChoice.Chosen) -> None:
        self.outcome = event.outcome
        self.show_error("")
        self._show()
        if event.outcome == "not_done":
            self.query_one("#reason-list", OptionList).focus()

    def choose_delivery(self, delivery: Delivery) -> None:
        self.delivery = delivery
        self.show_error("")
        self._show()
        if delivery == "post":
            field = self.query_one("#delivery-address", Input)
            (field if not field.value.strip() else self.query_one("#delivery-waybill", Input)).focus()
        elif delivery == "door":
            self.query_one("#delivery-date", Input).focus()

    @property
    def delivers(self) -> bool:
        return self.outcome in ("completed_on_site", "accepted_forwarded")

    def _show(self) -> None:
        self.query_one("#delivery").display = self.delivers
        self.query_one("#reasons").display = self.outcome == "not_done"
        self.query_one("#delivery-address-row").display = self.delivery == "post"
        self.query_one("#delivery-waybill-row").display = self.delivery == "post"
        self.query_one("#delivery-date-row").display = self.delivery == "door"
        text = Text(t("intake.delivery.title") + "  ", style="bold")
        for delivery in DELIVERIES:
            label = f" {DELIVERY_KEYS[delivery]} {t('intake.delivery.' + delivery)} "
            if delivery == "post" and not self.mailable:
                text.append(label, style="dim strike")
            else:
                text.append(label, style="bold reverse" if delivery == self.delivery else "")
            text.append(" ")
        if not self.mailable:
            text.append("\n" + t("intake.delivery.not_mailable"), style="dim")
        self.query_one("#delivery-choices", Static).update(text)

    def show_error(self, text: str) -> None:
        self.query_one("#outcome-error", Static).update(text)

    def put_waybill(self, code: str) -> None:
        self.query_one("#delivery-waybill", Input).value = code.strip()

    def request(self) -> OutcomeRequest:
        """What to record, or FormProblem saying what is missing."""
        outcome = self.outcome
        if outcome is None:
            raise FormProblem(t("intake.outcome.choose_first"))
        if outcome == "not_done":
            highlighted = self.query_one("#reason-list", OptionList).highlighted_option
            detail = self.query_one("#reason-detail", Input).value.strip()
            if highlighted is None or highlighted.id is None:
                raise FormProblem(t("intake.reason.choose_first"))
            if highlighted.id == "other" and not detail:
                raise FormProblem(t("intake.reason.other_needs_text"))
            return OutcomeRequest(outcome, reason_code=highlighted.id, detail=detail or None)
        if outcome == "consult_only":
            return OutcomeRequest(outcome)
        if self.delivery == "post":
            address = self.query_one("#delivery-address", Input).value.strip()
            if not address:
                raise FormProblem(t("intake.delivery.address_needed"))
            waybill = self.query_one("#delivery-waybill", Input).value.strip() or None
            return OutcomeRequest(outcome, delivery="post", address=address, waybill=waybill)
        if self.delivery == "door":
            typed = self.query_one("#delivery-date", Input).value.strip()
            try:
                day = date.fromisoformat(typed)
            except ValueError:
                raise FormProblem(t("intake.delivery.date_needed")) from None
            if day < self.today:
                raise FormProblem(t("intake.delivery.date_past"))
            return OutcomeRequest(outcome, delivery="door", delivery_date=day)
        return OutcomeRequest(outcome, delivery="on_site")
