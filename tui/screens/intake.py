"""Intake (受理) of a called ticket, drawn: the person, the item and its materials, the outcome
and its delivery; then the rating (rating.py). The work is the flow's (flows.intake.IntakeFlow):
this screen shows its state, forwards keys, cards and scans, and asks what the flow leaves to
staff (replace the person? record with materials missing? why abandon?).

Personal data: the ID number is masked once filled in; showing it in full is the flow's
audited reveal; nothing here writes a log line.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.widgets import ContentSwitcher, Input, Label, Static

from core.masking import mask_name
from core.problems import Code, Problem
from flows.intake import (
    Abandoned,
    Action,
    CardRead,
    CardWarning,
    Case,
    CaseFound,
    Delivery,
    Hold,
    IntakeFlow,
    Item,
    MissingMaterials,
    NotDone,
    OutcomeDetails,
    PrintResult,
    Recorded,
    ReplaceAsked,
    Step,
    Waybill,
)
from flows.reasons import ABANDONED, parse
from tui.i18n import N_, NC_, pt, t
from tui.item_search import ItemSearch
from tui.messages import CardRead as CardReadMessage
from tui.messages import CodeScanned, DevicesChanged
from tui.names import name_of
from tui.navigation import NAVIGATION_KEYS
from tui.problems import describe
from tui.screens.base import VanScreen
from tui.screens.intake_dialogs import AppointmentOffer
from tui.terms import (
    ABANDONED_WORDS,
    CARD_WORDS,
    DEVICE_NAMES,
    NOT_DONE_WORDS,
    OUTCOME_WORDS,
    PERSON_FILED_WORDS,
    PRINTOUT_WORDS,
    STEP_WORDS,
)
from tui.widgets.ask_text import AskText
from tui.widgets.captures import CapturesList
from tui.widgets.choose import Choose
from tui.widgets.materials import MaterialsTable, file_summary
from tui.widgets.outcome_form import OutcomeChoice, OutcomeForm
from tui.widgets.person_form import PersonForm

# A terminal this big shows capture pictures beside the checklist.
PICTURES_MIN_SIZE = (100, 30)
DELIVERY_KEYS = Binding.Group(NC_("intake.key.delivery_group", "Delivery"), compact=True)
# The device bar already says the daemon or the broker is away; the holds line need not repeat it.
_SAID_BY_THE_DEVICE_BAR = (Code.DAEMON_OFFLINE, Code.DAEMON_NO_BROKER)
_ACTIONS = {
    "next": Action.NEXT,
    "another_item": Action.ANOTHER_ITEM,
    "toggle_full_id": Action.SHOW_ID,
    "retype_id": Action.RETYPE_ID,
    "choose_item": Action.CHOOSE_ITEM,
    "record": Action.RECORD,
    "finish_visit": Action.FINISH_VISIT,
    "reprint": Action.REPRINT,
}
_DELIVERY_ACTIONS = {"on_site": Action.DELIVER_ON_SITE, "post": Action.DELIVER_POST, "door": Action.DELIVER_DOOR}


class IntakeScreen(VanScreen):
    COMMANDS = {ItemSearch}
    BINDINGS = [
        Binding("f5", "next", N_("Next")),
        Binding("f5", "another_item", N_("Another item")),
        Binding("f6", "toggle_full_id", N_("Show/hide ID")),
        Binding("f6", "delivery('on_site')", N_("On site"), group=DELIVERY_KEYS),
        Binding("f7", "retype_id", N_("Type ID")),
        Binding("f7", "delivery('post')", N_("Post"), group=DELIVERY_KEYS),
        Binding("f8", "choose_item", N_("Choose item")),
        Binding("f8", "delivery('door')", N_("To the door"), group=DELIVERY_KEYS),
        Binding("f9", "record", N_("Record")),
        Binding("f10", "finish_visit", N_("Finish, rate")),
        Binding("f10", "abandon", N_("Abandon")),
        Binding("f11", "reprint", N_("Reprint")),
        Binding("f12", "take_device", N_("Take device")),
        Binding("escape", "back", N_("Back")),
        *[Binding(key, "stay", show=False) for key in NAVIGATION_KEYS],
    ]

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.flow: IntakeFlow | None = None
        self.holds: list[Hold] = []
        self.step_drawn = False

    # Layout
    def compose_body(self) -> ComposeResult:
        with Horizontal(id="intake-top"):
            yield Static(id="intake-title")
            yield Static(id="intake-step")
        yield Static("", id="intake-holds")
        with ContentSwitcher(initial="step-person", id="intake-steps"):
            with Vertical(id="step-person"):
                yield PersonForm(id="person")
            with Vertical(id="step-materials"):
                yield Static(id="item-line")
                with Horizontal(id="lookup-row"):
                    yield Label(t("Case number"))
                    yield Input(placeholder=t("scan a receipt or type"), id="case-lookup", compact=True)
                    yield Static("", id="lookup-result")
                with Horizontal(id="materials-body"):
                    yield MaterialsTable(id="materials-table")
                    yield CapturesList(tz=self.van.config.tz, read=self.van.read_capture, id="captures")
            with Vertical(id="step-outcome"):
                yield Static(id="outcome-item")
                yield OutcomeForm(id="outcome-form")
                yield Static(id="recorded")
        yield Static("", id="status")

    def on_mount(self) -> None:
        session = self.govan.session
        assert session is not None and session.trip is not None
        started = IntakeFlow.start(
            self.van,
            self.ticket_id,
            staff=session.staff,
            trip=session.trip,
            window=session.seat.window if session.seat else None,
        )
        if isinstance(started, Problem):
            self.notify(describe(started), title=t("Cannot start serving"), severity="error")
            self.app.pop_screen()
            return
        self.flow = started
        self.person_form.show(started.person)
        self.show_step()
        if started.step is Step.RECORDED:
            self.query_one("#recorded", Static).update(self._recorded_text(started.recorded[-1]))

    @property
    def intake(self) -> IntakeFlow:
        assert self.flow is not None
        return self.flow

    @property
    def person_form(self) -> PersonForm:
        return self.query_one("#person", PersonForm)

    @property
    def materials_table(self) -> MaterialsTable:
        return self.query_one("#materials-table", MaterialsTable)

    @property
    def outcome_form(self) -> OutcomeForm:
        return self.query_one("#outcome-form", OutcomeForm)

    # Steps
    def show_step(self) -> None:
        flow = self.intake
        step = flow.step
        switcher = self.query_one("#intake-steps", ContentSwitcher)
        switcher.current = "step-outcome" if step is Step.RECORDED else f"step-{step.value}"
        if step is not Step.PERSON and self.person_form.full_shown:
            self.person_form.show_full(None)
        if step is Step.PERSON:
            self.query_one("#person-name" if self.person_form.id_number else "#person-id", Input).focus()
        elif step is Step.MATERIALS:
            self.show_materials()
            self.materials_table.focus()
        elif step is Step.OUTCOME:
            self.show_outcome_form()
        self.outcome_form.display = step is Step.OUTCOME
        self.show_title()
        self.refresh_bindings()
        self.hold_devices()

    def show_title(self) -> None:
        flow = self.intake
        text = Text(t("Intake {label}", label=flow.ticket.label), style="bold")
        if flow.item is not None:
            text.append(f"  {name_of(flow.item)}")
        if flow.person.name:
            text.append(f"  {mask_name(flow.person.name)}", style="dim")
        self.query_one("#intake-title", Static).update(text, layout=False)
        steps = Text()
        current = Step.OUTCOME if flow.step is Step.RECORDED else flow.step
        for number, step in enumerate((Step.PERSON, Step.MATERIALS, Step.OUTCOME), start=1):
            style = "bold reverse" if step is current else "dim"
            steps.append(f" {number} {t(STEP_WORDS[step.value])} ", style=style)
        self.query_one("#intake-step", Static).update(steps, layout=not self.step_drawn)
        self.step_drawn = True  # the same words each time, so the same width

    def status(self, text: str, *, error: bool = False) -> None:
        self.query_one("#status", Static).update(Text(text, style="bold red" if error else ""))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.flow is None:
            return action == "stay"
        flow = self.flow
        if action in _ACTIONS:
            # Show-ID and reprint stay in the footer, greyed, at the step where they come and go.
            greyed = {"toggle_full_id": Step.PERSON, "reprint": Step.RECORDED}.get(action) is flow.step
            return flow.allowed(_ACTIONS[action]) or (None if greyed else False)
        if action == "delivery":
            return bool(parameters) and flow.allowed(_DELIVERY_ACTIONS[str(parameters[0])])
        if action == "abandon":
            return flow.allowed(Action.ABANDON) and not flow.allowed(Action.FINISH_VISIT)
        if action == "take_device":
            return any(hold.elsewhere for hold in self.holds)
        if action == "back":
            return flow.allowed(Action.BACK) or flow.allowed(Action.LEAVE) or flow.allowed(Action.ABANDON)
        return True

    def action_stay(self) -> None:
        self.notify(t("Finish this intake first (record an outcome, then F10)"), severity="warning")

    def action_back(self) -> None:
        flow = self.intake
        if flow.allowed(Action.BACK):
            flow.back()
            self.show_step()
        elif flow.allowed(Action.LEAVE):
            self.leave()
        elif flow.allowed(Action.ABANDON):
            self.action_abandon()  # an open case: go back to it (Escape), or abandon it with a reason

    # The devices a step reads from
    @work(group="holds", exclusive=True)
    async def hold_devices(self) -> None:
        self.show_holds(await self.intake.hold_devices())

    @work(group="free", exclusive=True)
    async def claim_free_devices(self) -> None:
        self.show_holds(await self.intake.holding.claim_free())

    @work(group="holds")
    async def action_take_device(self) -> None:
        for hold in self.holds:
            if hold.elsewhere:
                problem = await self.intake.holding.take(hold.device)
                if problem is not None:
                    self.status(describe(problem), error=True)
        self.show_holds(self.intake.holding.holds())

    def on_devices_changed(self, message: DevicesChanged) -> None:
        super().on_devices_changed(message)
        if self.flow is not None and self.is_attached:
            self.claim_free_devices()

    def show_holds(self, holds: list[Hold]) -> None:
        if not self.is_attached:
            return
        self.holds = holds
        lines = [line for line in (self._hold_text(hold) for hold in holds) if line]
        widget = self.query_one("#intake-holds", Static)
        widget.update(Text("\n".join(lines), style="bold yellow"))
        widget.display = bool(lines)
        self.refresh_bindings()

    @staticmethod
    def _hold_text(hold: Hold) -> str:
        device = t(DEVICE_NAMES[hold.device.split("-")[0]])
        if hold.elsewhere:
            where = t("the desk") if hold.held.window is None else t("window {window}", window=hold.held.window)
            return t(
                "{device} is in use at {where} by {name} · F12 to take it",
                device=device,
                where=where,
                name=hold.held.name,
            )
        if hold.held.mine or hold.problem is None or hold.problem.code in _SAID_BY_THE_DEVICE_BAR:
            return ""
        return t("{what}: {detail}", what=device, detail=describe(hold.problem))

    # Step 1: the person
    def on_card_read(self, message: CardReadMessage) -> None:
        if self.flow is None:
            return
        read = self.flow.read_card(message.card, self.person_form.values())
        if read is None:
            return  # read for another terminal
        if isinstance(read, Problem):
            self.notify(describe(read), severity="warning")
        elif isinstance(read, ReplaceAsked):
            self.ask_to_replace(read)
        else:
            self.show_card(read)

    def ask_to_replace(self, asked: ReplaceAsked) -> None:
        current = asked.current_name or t("the person being served")
        choices = [
            (t("Keep {name}", name=current), "keep"),
            (t("Replace with {name} (the phone and the rest are cleared)", name=asked.card_name), "replace"),
        ]

        def answered(choice: str | None) -> None:
            if choice == "replace":
                read = self.intake.replace_person(self.person_form.values())
                if read is not None:
                    self.show_card(read)
            else:
                self.intake.keep_person()

        self.app.push_screen(
            Choose(
                t("The card is {card}'s, not {current}'s. Replace the person?", card=asked.card_name, current=current),
                choices,
            ),
            answered,
        )

    def show_card(self, read: CardRead) -> None:
        form = self.person_form
        had_number = form.id_number is not None
        self.query_one("#person-phone", Input).focus()  # first: the number's field, shown, leaves the focus as it is
        form.show_card(read.card)
        form.show(read.person)
        form.show_warnings(self._card_warnings(read))
        form.show_notice("")
        if not had_number:
            self.refresh_bindings()  # F6 (show the number) becomes available
        # Show the card first; the store's write (an fsync) follows the repaint. The form is marked
        # for repaint now, so the callback waits for the frame instead of the next idle; the form
        # only, not the screen: a whole-screen repaint rendered every line of every widget (bench/intake_fill.py).
        form.refresh()
        self.call_after_refresh(self._file_card_holder, read)

    def _file_card_holder(self, read: CardRead) -> None:
        filed = self.intake.file_card_holder(read.card)
        if filed is None:
            return  # another card, or a number typed by hand, came in between
        if isinstance(filed, Problem):
            self.status(describe(filed), error=True)
            return
        form = self.person_form
        form.show(filed.person)
        warnings = self._card_warnings(read)
        if filed.outcome == "not_filed":
            warnings.append(
                t(
                    "A {card} number cannot be kept on file; this visit is not linked to a record",
                    card=t(CARD_WORDS[filed.card_type]),
                )
            )
        else:
            form.show_notice(t(PERSON_FILED_WORDS[filed.outcome]))
        form.show_warnings(warnings)
        self.show_title()

    @staticmethod
    def _card_warnings(read: CardRead) -> list[str]:
        words = {
            CardWarning.EXPIRED: t(
                "The card has expired (valid to {valid_to}); tell the person to renew it", valid_to=read.card.valid_to
            ),
            CardWarning.CHECK_DIGIT: t(
                "The card's ID number fails its check digit: the card may be damaged or wrong; check it"
            ),
        }
        return [words[warning] for warning in read.warnings]

    @on(PersonForm.IdNumberTyped)
    def _typed_id(self, message: PersonForm.IdNumberTyped) -> None:
        self.take_typed_id(message.text)

    def take_typed_id(self, text: str) -> bool:
        form = self.person_form
        entered = self.intake.enter_id_number(text, form.values())
        if isinstance(entered, Problem):
            form.show_id_error(t("Wrong number: {reason}", reason=describe(entered)))
            return False
        form.show_id_error("")
        form.show_card(None)
        form.show(entered)
        form.show_warnings([])
        form.show_notice("")
        self.query_one("#person-name", Input).focus()
        self.refresh_bindings()
        return True

    def action_toggle_full_id(self) -> None:
        form = self.person_form
        if form.full_shown:
            form.show_full(None)
            return
        number = self.intake.reveal_id()
        if isinstance(number, Problem):
            self.status(describe(number), error=True)
        else:
            form.show_full(number)

    def action_retype_id(self) -> None:
        form = self.person_form
        form.show(self.intake.retype_id(form.values()))
        form.show_card(None)
        form.show_warnings([])
        form.show_notice("")
        form.edit_id_number()
        self.show_title()
        self.refresh_bindings()

    def action_next(self) -> None:
        flow = self.intake
        if flow.step is Step.PERSON:
            form = self.person_form
            if form.pending_typed_id() and not self.take_typed_id(form.typed_id()):
                return
            moved = flow.next(form.values())
            if isinstance(moved, Problem):
                self.status(describe(moved), error=True)
                self._focus_field_of(moved)
                return
            form.show(flow.person)
            self.status("" if flow.citizen is not None else t("No person on file: this case is not linked to one"))
            self.show_step()
            if flow.case is None and flow.allowed(Action.CHOOSE_ITEM):
                self.action_choose_item()
        elif not isinstance(flow.next(), Problem):
            self.show_step()

    def _focus_field_of(self, problem: Problem) -> None:
        field = {
            Code.NAME_MISSING: "#person-name",
            Code.NAME_CHARACTERS: "#person-name",
            Code.NAME_TOO_LONG: "#person-name",
            Code.PHONE_INVALID: "#person-phone",
            Code.ADDRESS_TOO_LONG: "#person-address",
        }.get(problem.code)
        if field is not None:
            self.query_one(field, Input).focus()

    # Step 2: the item and its materials
    def search_items(self) -> list[Item]:
        return self.intake.items()

    def department_label(self, code: str) -> str:
        return name_of(self.intake.department(code), missing=code)

    def choose_item(self, code: str) -> None:
        opened = self.intake.choose_item(code)
        if isinstance(opened, Problem):
            self.status(t("Cannot open the case: {reason}", reason=describe(opened)), error=True)
            return
        self.status("")
        self.show_step()

    def action_choose_item(self) -> None:
        self.app.action_command_palette()

    def show_materials(self) -> None:
        view = self.intake.materials()
        line = self.query_one("#item-line", Static)
        item = view.item
        if item is None:
            line.update(Text(t("Choose the service item (F8; pinyin initials work)"), style="bold yellow"))
        else:
            line.update(self._item_text(item))
        if view.case is None:
            self.materials_table.show([], {}, photo_lines=frozenset())
            self.query_one("#captures", CapturesList).show([], {}, {}, pictures=False)
            return
        self.materials_table.show(view.case.materials, view.attachments, photo_lines=view.photo_lines)
        materials = {line.attachment_id: line.material for line in view.case.materials if line.attachment_id}
        width, height = self.app.size
        self.query_one("#captures", CapturesList).show(
            list(view.attachments.values()),
            materials,
            view.certifiers,
            pictures=width >= PICTURES_MIN_SIZE[0] and height >= PICTURES_MIN_SIZE[1],
        )

    def _item_text(self, item: Item) -> Text:
        text = Text(name_of(item), style="bold")
        text.append(t(" ({detail})", detail=self.department_label(item.department)) + "  ")
        text.append(t("completed on site") if item.completion == "on_site" else t("back office"))
        text.append(
            "  ·  "
            + (t("immediate") if item.time_limit_days == 0 else t("{days} working days", days=item.time_limit_days))
        )
        fee = t("free") if item.fee_fen == 0 else t("fee {yuan} yuan", yuan=f"{item.fee_yuan:g}")
        text.append("  ·  " + fee)
        if item.mailable:
            text.append("  ·  " + t("can be mailed"))
        return text

    def on_resize(self, event: Resize) -> None:
        if self.flow is not None and self.flow.step is Step.MATERIALS:
            self.show_materials()

    @on(MaterialsTable.Chosen)
    def _material_chosen(self, message: MaterialsTable.Chosen) -> None:
        if message.action in ("capture_copy", "capture_photo"):
            self.capture(message.material, photo=message.action == "capture_photo")
            return
        marked = self.intake.mark(message.material, message.action)
        if isinstance(marked, Problem):
            self.status(describe(marked), error=True)
            return
        self.show_materials()

    @work(group="camera", exclusive=True)
    async def capture(self, material: str, *, photo: bool) -> None:
        table = self.materials_table
        table.busy = True
        table.refresh_bindings()
        self.status(
            t("Ask the person to face the camera; taking the ID photo…")
            if photo
            else t("Place the document under the camera; capturing and stamping it…")
        )
        try:
            captured = await self.intake.capture(material, photo=photo)
        finally:
            table.busy = False
            table.refresh_bindings()
        if isinstance(captured, Problem):
            self.status(t("Capture failed: {detail}", detail=describe(captured)), error=True)
            return
        note = t("Captured: {file}", file=file_summary(captured.attachment))
        if captured.warnings:
            note += "  " + t("the camera made {count} note(s) about the picture: check it", count=captured.warnings)
        self.status(note)
        if self.is_attached and self.intake.step is Step.MATERIALS:
            self.show_materials()

    @on(Input.Submitted, "#case-lookup")
    def _lookup_typed(self, event: Input.Submitted) -> None:
        self.show_lookup(self.intake.look_up(event.value))

    def show_lookup(self, found: CaseFound | Problem) -> None:
        result = self.query_one("#lookup-result", Static)
        if isinstance(found, Problem):
            result.update(Text(describe(found), style="red"))
            return
        state = t(OUTCOME_WORDS[found.outcome]) if found.outcome else t("in progress")
        if found.reason:
            state = t("{what}: {detail}", what=state, detail=reason_text(found.reason))
        result.update(t("{number} {item}: {state}", number=found.number, item=name_of(found.item), state=state))
        if found.opened is not None:
            self.show_step()

    # Scans go where a clerk expects them
    def on_code_scanned(self, message: CodeScanned) -> None:
        if self.flow is None:
            return
        scanned = self.flow.scan(message.scan)
        if scanned is None:
            return  # read for another terminal
        if isinstance(scanned, Waybill):
            self.show_outcome_choice()
            self.outcome_form.put_waybill(scanned.code)
        elif self.flow.step is Step.MATERIALS:
            self.query_one("#case-lookup", Input).value = message.scan.code.strip()
            self.show_lookup(scanned)
        elif isinstance(scanned, Problem):
            self.notify(describe(scanned), severity="warning")

    # Step 3: the outcome
    def show_outcome_form(self) -> None:
        flow = self.intake
        assert flow.item is not None
        self.outcome_form.reset(
            on_site_allowed=flow.allowed(Action.OUTCOME_COMPLETED),
            mailable=flow.item.mailable,
            address=flow.delivery_address(),
        )
        assert flow.case is not None
        self.query_one("#outcome-item", Static).update(
            t("Outcome: {item} (case {number})", item=name_of(flow.item), number=flow.number_of(flow.case))
        )
        self.query_one("#recorded", Static).update("")
        self.query_one(OutcomeChoice).focus()

    def show_outcome_choice(self) -> None:
        self.outcome_form.show_choice(self.intake.outcome, self.intake.delivery)
        self.refresh_bindings()

    @on(OutcomeChoice.Chosen)
    def _outcome_chosen(self, message: OutcomeChoice.Chosen) -> None:
        self._show_problem_or_choice(self.intake.choose_outcome(message.outcome))

    def action_delivery(self, delivery: Delivery) -> None:
        self._show_problem_or_choice(self.intake.choose_delivery(delivery))

    def _show_problem_or_choice(self, problem: Problem | None) -> None:
        if problem is not None:
            self.outcome_form.show_error(describe(problem))
        else:
            self.show_outcome_choice()

    def action_record(self, *, missing_confirmed: bool = False) -> None:
        self.show_recorded(self.intake.record(self.outcome_form.details(), missing_confirmed=missing_confirmed))

    def show_recorded(self, recorded: Recorded | MissingMaterials | Problem) -> None:
        if isinstance(recorded, Problem):
            self.outcome_form.show_error(describe(recorded))
            return
        if isinstance(recorded, MissingMaterials):
            self.ask_about_missing(recorded)
            return
        self.show_step()
        self.query_one("#recorded", Static).update(self._recorded_text(recorded.case))
        self.after_outcome(recorded)

    def ask_about_missing(self, missing: MissingMaterials) -> None:
        outcome = self.intake.outcome
        assert outcome is not None
        choices = [
            (t("Back to the materials"), "back"),
            (t("Checked: record it as {outcome} anyway", outcome=t(OUTCOME_WORDS[outcome])), "confirm"),
            (t("Record it as not done: materials missing"), "not_done"),
        ]

        def answered(choice: str | None) -> None:
            if choice == "confirm":
                self.action_record(missing_confirmed=True)
            elif choice == "not_done":
                self.record_not_done_for_missing()

        self.app.push_screen(
            Choose(
                t(
                    "Required materials are missing: {materials}",
                    materials=pt("list separator", ", ").join(missing.materials),
                ),
                choices,
            ),
            answered,
        )

    def record_not_done_for_missing(self) -> None:
        problem = self.intake.choose_outcome("not_done")
        if problem is not None:
            self.outcome_form.show_error(describe(problem))
            return
        self.show_outcome_choice()
        self.show_recorded(self.intake.record(OutcomeDetails(reason=NotDone.MISSING_MATERIALS)))

    def _recorded_text(self, case: Case) -> Text:
        text = Text(
            t(
                "Recorded: {outcome}, case {number}",
                outcome=t(OUTCOME_WORDS[(case.outcome or "")]),
                number=self.intake.number_of(case),
            ),
            style="bold green",
        )
        if case.outcome == "accepted_forwarded":
            text.append("\n" + t("The case and its materials go to the back office (queued)"))
        text.append("\n" + t("F5 another item · F10 finish and invite the rating · F11 reprint"), style="dim")
        return text

    @work(group="print", exclusive=True)
    async def after_outcome(self, recorded: Recorded) -> None:
        visit = None
        if recorded.offer_return_visit:
            visit = await self.app.push_screen_wait(
                AppointmentOffer(missing=recorded.missing, book=self.intake.book_return_visit)
            )
            if visit is not None:
                self.notify(t("Booked for {at}, code {code}", at=visit.at.strftime("%Y-%m-%d %H:%M"), code=visit.code))
        self.status(t("Printing…"))
        self.show_printed(await self.intake.print_receipts(visit))

    def show_printed(self, results: list[PrintResult]) -> None:
        if not self.is_attached:
            return
        self.refresh_bindings()
        failed = [
            t("The {what} did not print: {detail}", what=t(PRINTOUT_WORDS[result.kind]), detail=describe(result.result))
            for result in results
            if isinstance(result.result, Problem)
        ]
        notes = [
            describe(result.result.warning)
            for result in results
            if not isinstance(result.result, Problem) and result.result.warning is not None
        ]
        if failed:
            self.status("\n".join([*failed, t("Check the printer, then F11 to reprint")]), error=True)
        elif results:
            done = t(
                "Printed: {what}",
                what=pt("list separator", ", ").join(t(PRINTOUT_WORDS[result.kind]) for result in results),
            )
            self.status("  ".join([done, *notes]))

    @work(group="print", exclusive=True)
    async def action_reprint(self) -> None:
        self.status(t("Printing…"))
        self.show_printed(await self.intake.reprint())

    # The end of the visit
    def action_another_item(self) -> None:
        if isinstance(self.intake.another_item(), Problem):
            return
        self.query_one("#lookup-result", Static).update("")
        self.query_one("#case-lookup", Input).value = ""
        self.status("")
        self.show_step()
        self.action_choose_item()

    @work(group="end", exclusive=True)
    async def action_finish_visit(self) -> None:
        from tui.screens.rating import RatingScreen

        rating = self.intake.finish_visit()
        if isinstance(rating, Problem):
            self.status(describe(rating), error=True)
            return
        await self.let_go_of_devices()
        self.app.switch_screen(RatingScreen(rating))

    def action_abandon(self) -> None:
        """Why the visit ends with nothing recorded for it (or for its open case); Escape goes back to it."""
        flow = self.intake
        choices = [(t(ABANDONED_WORDS[reason.value]), reason.value) for reason in Abandoned]
        title = (
            t(
                "{item} has no outcome yet. Choose why and press Enter to record it as abandoned; Esc goes back to it",
                item=name_of(flow.item),
            )
            if flow.case is not None and flow.item
            else t("Abandon this visit? Choose why and press Enter; Esc goes back to it")
        )

        def answered(choice: str | None) -> None:
            if choice is None:
                return  # back to the visit
            reason = Abandoned(choice)
            if reason is Abandoned.OTHER:
                self.app.push_screen(
                    AskText(t("Why is it abandoned?")),
                    lambda detail: self.abandon(reason, detail) if detail is not None else None,
                )
            else:
                self.abandon(reason, "")

        self.app.push_screen(Choose(title, choices), answered)

    @work(group="end", exclusive=True)
    async def abandon(self, reason: Abandoned, detail: str) -> None:
        abandoned = self.intake.abandon(reason, detail)
        if isinstance(abandoned, Problem):
            self.status(describe(abandoned), error=True)
            return
        await self.let_go_of_devices()
        self.notify(
            t("{label} abandoned: {reason}", label=self.intake.ticket.label, reason=t(ABANDONED_WORDS[reason.value]))
        )
        self.app.pop_screen()

    @work(group="end", exclusive=True)
    async def leave(self) -> None:
        """Back to the window with no case open; the visit resumes there."""
        if self.intake.leave() is None:
            await self.let_go_of_devices()
            self.app.pop_screen()

    async def let_go_of_devices(self) -> None:
        """Leaving intake: no claim still under way, and the reader or scanner free for the desk."""
        for group in ("holds", "free"):
            self.workers.cancel_group(self, group)
        await self.intake.holding.release_all()


def reason_text(stored: str) -> str:
    """A stored reason ('missing_materials: 居民户口簿') in the clerk's language."""
    code, detail = parse(stored)
    words = NOT_DONE_WORDS.get(code) or ABANDONED_WORDS.get(code.removeprefix(ABANDONED))
    label = t(words) if words else code
    return t("{what}: {detail}", what=label, detail=detail) if detail else label
