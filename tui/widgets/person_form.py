"""Who is being served: filled from an ID card, or typed by hand with the same checks.

The ID number is masked once it is filled in; the screen decides when the full
number may be shown (and audits it). The form holds values only: saving the person
is the screen's business (db.citizens.find_or_create).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Self

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.geometry import Region
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from core import idnumber
from core.masking import mask_id_number
from daemon.messages import CardEvent
from db.citizens import Citizen
from tui.i18n import Translated, t
from tui.problems import describe

SEXES = ("1", "2", "9", "0")


@dataclass(frozen=True)
class PersonValues:
    id_number: str | None
    name: str
    sex: str | None
    phone: str
    address: str


def card_warnings(card: CardEvent) -> list[str]:
    """What a clerk must be told plainly about a card."""
    warnings = []
    if card.expired:
        warnings.append(t("intake.person.warn.expired", valid_to=card.valid_to))
    if not card.id_number_valid:
        warnings.append(t("intake.person.warn.check_digit"))
    return warnings


def card_description(card: CardEvent) -> str:
    """The card type, with the extra fields HK/Macao/Taiwan and foreigners' cards carry."""
    parts = [t("intake.card." + card.card_type)]
    if card.permit_number:
        parts.append(t("intake.card.permit_number", number=card.permit_number))
    if card.issue_count:
        parts.append(t("intake.card.issue_count", count=card.issue_count))
    if card.name_en:
        parts.append(t("intake.card.name_en", name=card.name_en))
    if card.nationality:
        parts.append(t("intake.card.nationality", code=card.nationality))
    return " · ".join(parts)


class FieldInput(Input):
    """A one-line form field of fixed size whose new value repaints the field, not the screen.

    Textual's Input keeps its virtual size at the width of its text (for horizontal
    scrolling), and a virtual size that changes asks for a layout of the whole screen:
    about 11 ms on the van's laptop, for every field a card fills in. A field whose size
    is fixed by CSS needs only a repaint; its virtual size is still kept up to date, so
    scrolling inside the field works as before.
    """

    _value_changing = False

    def _watch_value(self, value: str) -> None:
        self._value_changing = True
        try:
            super()._watch_value(value)
        finally:
            self._value_changing = False

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> Self:
        if self._value_changing and not self.styles.auto_dimensions:
            layout = False
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)


class SexChoice(Translated, Widget, can_focus=True):
    """Sex as a small cycling choice (Space); repainting it never needs a new layout."""

    BINDINGS = [Binding("space", "next", "intake.person.key.sex")]
    DEFAULT_CSS = """
    SexChoice { width: 12; height: 1; }
    SexChoice:focus { background: $boost; text-style: bold; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.value: str | None = None

    def render(self) -> Text:
        if self.value is None:
            return Text(t("intake.person.sex_prompt") + " ▸", style="dim")
        return Text(t("intake.sex." + self.value) + " ▸")

    def set(self, value: str | None) -> None:
        self.value = value if value in SEXES else None
        self.refresh()

    def action_next(self) -> None:
        self.set(SEXES[(SEXES.index(self.value) + 1) % len(SEXES)] if self.value in SEXES else SEXES[0])


class PersonForm(Vertical):
    """Fields of the person; `IdNumberEntered` when a typed number passes GB 11643.

    Every field has a fixed size, so filling the form from a card repaints it
    without a new layout of the screen (see bench/intake_fill.py).
    """

    DEFAULT_CSS = """
    PersonForm { height: auto; padding: 0 1; }
    PersonForm Horizontal { height: 1; margin-bottom: 1; }
    PersonForm Static { height: 1; }
    PersonForm .field-label { width: 6; color: $text-muted; }
    PersonForm .field-label-wide { width: 9; color: $text-muted; padding-left: 1; }
    PersonForm #person-card { width: 1fr; }
    PersonForm #person-validity { width: 32; text-align: right; }
    PersonForm #person-id-shown { width: 24; text-style: bold; }
    PersonForm #person-id-input { width: 24; }
    PersonForm #person-name { width: 1fr; }
    PersonForm #person-nation { width: 10; }
    PersonForm #person-birth { width: 1fr; }
    PersonForm #person-address { width: 1fr; }
    PersonForm #person-phone { width: 20; }
    PersonForm #person-id-error { width: 1fr; color: $error; padding-left: 1; }
    PersonForm #person-warnings { height: 2; color: $error; text-style: bold; }
    PersonForm #person-notice { color: $success; }
    """

    class IdNumberEntered(Message):
        def __init__(self, id_number: str) -> None:
            super().__init__()
            self.id_number = id_number

    def __init__(self, *, today: date, id: str | None = None) -> None:
        super().__init__(id=id)
        self.today = today
        self.id_number: str | None = None
        self.full_shown = False

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(t("intake.person.card"), classes="field-label")
            yield Static(t("intake.person.no_card"), id="person-card")
            yield Static("", id="person-validity")
        with Horizontal():
            yield Label(t("intake.person.id_number"), classes="field-label")
            yield Static("", id="person-id-shown")
            yield Input(placeholder=t("intake.person.id_placeholder"), id="person-id-input", max_length=20,
                        compact=True)
            yield Label(t("intake.person.name"), classes="field-label-wide")
            yield FieldInput(id="person-name", max_length=60, compact=True)
        with Horizontal():
            yield Label(t("intake.person.sex"), classes="field-label")
            yield SexChoice(id="person-sex")
            yield Label(t("intake.person.nation"), classes="field-label-wide")
            yield FieldInput(id="person-nation", max_length=20, compact=True)
            yield Label(t("intake.person.birth"), classes="field-label-wide")
            yield Static("", id="person-birth")
        with Horizontal():
            yield Label(t("intake.person.address"), classes="field-label")
            yield FieldInput(id="person-address", max_length=200, compact=True)
        with Horizontal():
            yield Label(t("intake.person.phone"), classes="field-label")
            yield FieldInput(id="person-phone", max_length=20, compact=True)
            yield Static("", id="person-id-error")
        yield Static("", id="person-warnings")
        yield Static("", id="person-notice")

    def on_mount(self) -> None:
        self._show_id()

    def _put(self, selector: str, content: str | Text) -> None:
        self.query_one(selector, Static).update(content, layout=False)

    # Filling in
    def fill_from_card(self, card: CardEvent) -> None:
        self._put("#person-card", card_description(card))
        validity = t("intake.person.validity", start=card.valid_from, end=card.valid_to)
        self._put("#person-validity", Text(validity, style="bold red") if card.expired else Text(validity))
        self.query_one("#person-name", Input).value = card.name
        self.query_one("#person-sex", SexChoice).set(card.sex)
        self.query_one("#person-nation", Input).value = card.nation_name
        self._put("#person-birth", card.birth_date)
        self.query_one("#person-address", Input).value = card.address
        self.set_id_number(card.id_number)
        self.show_warnings(card_warnings(card))

    def fill_from_citizen(self, citizen: Citizen) -> None:
        """What the store has on file; blanks in the form are filled, typed values kept."""
        if citizen.id_number:
            self.set_id_number(citizen.id_number)
        for selector, value in (("#person-name", citizen.name), ("#person-address", citizen.address),
                                ("#person-phone", citizen.phone)):
            field = self.query_one(selector, Input)
            if value and not field.value.strip():
                field.value = value
        sex = self.query_one("#person-sex", SexChoice)
        if citizen.sex and sex.value is None:
            sex.set(citizen.sex)
        if citizen.birth_date:
            self._put("#person-birth", citizen.birth_date.isoformat())

    def set_id_number(self, number: str) -> None:
        self.id_number = number
        self.full_shown = False
        self._show_id()

    def show_warnings(self, warnings: list[str]) -> None:
        self._put("#person-warnings", "\n".join(f"⚠ {line}" for line in warnings))

    def show_notice(self, text: str) -> None:
        self._put("#person-notice", text)

    # The ID number: masked once filled in
    def show_full(self, full: bool) -> None:
        self.full_shown = full and self.id_number is not None
        self._show_id()

    def edit_id_number(self) -> None:
        """Type the number again by hand."""
        self.id_number = None
        self.full_shown = False
        field = self.query_one("#person-id-input", Input)
        field.value = ""
        self._show_id()
        field.focus()

    def _show_id(self) -> None:
        shown = self.query_one("#person-id-shown", Static)
        field = self.query_one("#person-id-input", Input)
        filled = self.id_number is not None
        if shown.display != filled:
            shown.display = filled
            field.display = not filled
        if filled:
            assert self.id_number is not None
            shown.update(self.id_number if self.full_shown else mask_id_number(self.id_number), layout=False)

    @on(Input.Submitted, "#person-id-input")
    def _id_typed(self, event: Input.Submitted) -> None:
        event.stop()
        self.check_typed_id()

    @on(Input.Blurred, "#person-id-input")
    def _id_left(self) -> None:
        if self.query_one("#person-id-input", Input).value.strip():
            self.check_typed_id()

    def check_typed_id(self) -> bool:
        """Validate a typed number (GB 11643); a good one is masked and announced."""
        field = self.query_one("#person-id-input", Input)
        problem = idnumber.problem(field.value, today=self.today)
        if problem is not None:
            self._put("#person-id-error", t("intake.person.id_invalid", reason=describe(problem)))
            return False
        number = idnumber.normalize(field.value)
        self._put("#person-id-error", "")
        field.value = ""
        self.set_id_number(number)
        self._put("#person-birth", idnumber.birth_date(number).isoformat())
        sex = self.query_one("#person-sex", SexChoice)
        if sex.value is None:
            sex.set(idnumber.sex(number))
        self.post_message(self.IdNumberEntered(number))
        return True

    def pending_typed_id(self) -> bool:
        """Something was typed in the number field but not accepted yet."""
        return self.id_number is None and bool(self.query_one("#person-id-input", Input).value.strip())

    def values(self) -> PersonValues:
        return PersonValues(
            id_number=self.id_number,
            name=self.query_one("#person-name", Input).value.strip(),
            sex=self.query_one("#person-sex", SexChoice).value,
            phone=self.query_one("#person-phone", Input).value.strip(),
            address=self.query_one("#person-address", Input).value.strip(),
        )
