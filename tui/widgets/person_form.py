"""Who is being served, as intake's flow has them: filled from an ID card, or typed by hand.

The form shows and edits values only; checking and filing them is the flow's business
(flows.intake: GB 11643, core.contact, the store). The ID number is masked once it is
filled in; the screen decides when the full number may be shown (and audits it). No
field cuts what is typed short: a value too long is refused in words, not trimmed.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from core.masking import mask_id_number
from daemon.messages import CardEvent
from flows.intake import PersonDetails
from tui.i18n import N_, pt, t
from tui.terms import CARD_WORDS, SEX_WORDS
from tui.widgets.field_input import FieldInput
from tui.widgets.id_number_field import IdNumberField

SEXES = ("1", "2", "9", "0")


def card_description(card: CardEvent) -> str:
    """The card type, with the extra fields HK/Macao/Taiwan and foreigners' cards carry."""
    parts = [t(CARD_WORDS[card.card_type])]
    if card.permit_number:
        parts.append(t("travel permit {number}", number=card.permit_number))
    if card.issue_count:
        parts.append(t("issue {count}", count=card.issue_count))
    if card.name_en:
        parts.append(t("English name {name}", name=card.name_en))
    if card.nationality:
        parts.append(t("nationality {code}", code=card.nationality))
    return " · ".join(parts)


class SexChoice(Widget, can_focus=True):
    """Sex as a small cycling choice (Space); repainting it never needs a new layout."""

    BINDINGS = [Binding("space", "next", N_("Change sex"))]
    DEFAULT_CSS = """
    SexChoice { width: 12; height: 1; }
    SexChoice:focus { background: $boost; text-style: bold; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.value: str | None = None

    def render(self) -> Text:
        if self.value is None:
            return Text(t("Choose") + " ▸", style="dim")
        return Text(t(SEX_WORDS[self.value]) + " ▸")

    def set(self, value: str | None) -> None:
        self.value = value if value in SEXES else None
        self.refresh()

    def action_next(self) -> None:
        self.set(SEXES[(SEXES.index(self.value) + 1) % len(SEXES)] if self.value in SEXES else SEXES[0])


class PersonForm(Vertical):
    """Fields of the person; `IdNumberTyped` when a number typed by hand is to be checked.

    Every field has a fixed size, so filling the form from a card repaints it
    without a new layout of the screen (see bench/intake_fill.py).
    """

    DEFAULT_CSS = """
    PersonForm { height: auto; padding: 0 1; }
    PersonForm Horizontal { height: 1; margin-bottom: 1; }
    PersonForm Static { height: 1; }
    /* At least the Chinese labels' width, wider for an English one (Ethnicity): never cut. */
    PersonForm .field-label { width: auto; min-width: 6; padding-right: 1; color: $text-muted; }
    PersonForm .field-label-wide { width: auto; min-width: 9; color: $text-muted; padding: 0 1; }
    PersonForm #person-card { width: 1fr; }
    PersonForm #person-validity { width: 32; text-align: right; }
    PersonForm #person-id { width: 24; }
    PersonForm #person-name { width: 1fr; }
    PersonForm #person-nation { width: 10; }
    PersonForm #person-birth { width: 1fr; }
    PersonForm #person-address { width: 1fr; }
    PersonForm #person-phone { width: 20; }
    PersonForm #person-id-error { width: 1fr; color: $error; padding-left: 1; }
    PersonForm #person-warnings { height: 2; color: $error; text-style: bold; }
    PersonForm #person-notice { color: $success; }
    """

    class IdNumberTyped(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.id_number: str | None = None
        self.birth_date = ""
        self.full_shown = False

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(t("Card"), classes="field-label")
            yield Static(t("Place the ID card on the reader, or F7 to type the number"), id="person-card")
            yield Static("", id="person-validity")
        with Horizontal():
            yield Label(t("ID no."), classes="field-label")
            yield IdNumberField(placeholder=t("18-character ID number"), id="person-id", compact=True)
            yield Label(pt("intake.person.name", "Name"), classes="field-label-wide")
            yield FieldInput(id="person-name", compact=True)
        with Horizontal():
            yield Label(t("Sex"), classes="field-label")
            yield SexChoice(id="person-sex")
            yield Label(t("Ethnicity"), classes="field-label-wide")
            yield FieldInput(id="person-nation", compact=True)
            yield Label(t("Born"), classes="field-label-wide")
            yield Static("", id="person-birth")
        with Horizontal():
            yield Label(pt("intake.person.address", "Address"), classes="field-label")
            yield FieldInput(id="person-address", compact=True)
        with Horizontal():
            yield Label(t("Phone"), classes="field-label")
            yield FieldInput(id="person-phone", compact=True)
            yield Static("", id="person-id-error")
        yield Static("", id="person-warnings")
        yield Static("", id="person-notice")

    def on_mount(self) -> None:
        self._show_id()

    def _put(self, selector: str, content: str | Text) -> None:
        self.query_one(selector, Static).update(content, layout=False)

    # Filling in
    def show(self, person: PersonDetails) -> None:
        """The person as the flow has them; a new number is masked again."""
        for selector, value in (
            ("#person-name", person.name),
            ("#person-nation", person.nation),
            ("#person-address", person.address),
            ("#person-phone", person.phone),
        ):
            field = self.query_one(selector, Input)
            if field.value != value:
                field.value = value
        self.query_one("#person-sex", SexChoice).set(person.sex)
        self.birth_date = person.birth_date
        self._put("#person-birth", person.birth_date)
        if person.id_number != self.id_number:
            self.id_number = person.id_number
            self.full_shown = False
            self._show_id()

    def show_card(self, card: CardEvent | None) -> None:
        if card is None:
            self._put("#person-card", t("Place the ID card on the reader, or F7 to type the number"))
            self._put("#person-validity", "")
            return
        self._put("#person-card", card_description(card))
        validity = t("valid {start} to {end}", start=card.valid_from, end=card.valid_to)
        self._put("#person-validity", Text(validity, style="bold red") if card.expired else Text(validity))

    def show_warnings(self, warnings: list[str]) -> None:
        self._put("#person-warnings", "\n".join(f"⚠ {line}" for line in warnings))

    def show_notice(self, text: str) -> None:
        self._put("#person-notice", text)

    def show_id_error(self, text: str) -> None:
        self._put("#person-id-error", text)

    # The ID number: masked once filled in
    def show_full(self, number: str | None) -> None:
        """The full number (given by the flow, which audits it), or None to mask it again."""
        self.full_shown = number is not None
        self._show_id(number)

    def edit_id_number(self) -> None:
        """Type the number again by hand."""
        self.query_one("#person-id", IdNumberField).focus()

    def _show_id(self, full: str | None = None) -> None:
        shown = None if self.id_number is None else full or mask_id_number(self.id_number)
        self.query_one("#person-id", IdNumberField).show_number(shown)

    @on(Input.Submitted, "#person-id")
    def _id_typed(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.IdNumberTyped(event.value))

    @on(Input.Blurred, "#person-id")
    def _id_left(self) -> None:
        if self.pending_typed_id():
            self.post_message(self.IdNumberTyped(self.typed_id()))

    def typed_id(self) -> str:
        return self.query_one("#person-id", IdNumberField).typed()

    def pending_typed_id(self) -> bool:
        """Something was typed in the number field but not accepted yet."""
        return self.id_number is None and bool(self.typed_id().strip())

    def values(self) -> PersonDetails:
        return PersonDetails(
            id_number=self.id_number,
            name=self.query_one("#person-name", Input).value,
            sex=self.query_one("#person-sex", SexChoice).value,
            phone=self.query_one("#person-phone", Input).value,
            address=self.query_one("#person-address", Input).value,
            nation=self.query_one("#person-nation", Input).value,
            birth_date=self.birth_date,
        )
