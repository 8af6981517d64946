"""Intake (受理) of a called ticket: who the person is, which materials they brought, how the
case ended and how the result reaches them. Then the person rates the visit (rating.py).

Steps: 1 person (ID card or by hand) → 2 item and materials (camera captures) → 3 outcome
and delivery (printed receipt, mailing label, missing-materials list). A recorded case
can be followed by another item for the same person; F10 ends the visit and invites the
rating. The store is the record: every step is a db.* call, the screen only shows it.

Personal data: the ID number is masked once filled in; showing it in full is audited;
nothing here writes a log line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.widgets import ContentSwitcher, Input, Label, Static

from daemon.client import CommandTimeout
from daemon.messages import CaptureCommand, CardEvent, Certify, Document, PrintCommand, new_id
from db import appointments, audit, cases, catalogue, citizens, tickets, workdays
from db import staff as staff_store
from db.cases import Case
from db.catalogue import Item
from db.citizens import Citizen
from db.errors import InvalidIdNumber, StoreError
from db.tickets import Ticket
from tui import receipts
from tui.i18n import t
from tui.item_search import ItemSearch
from tui.link import NotConnected
from tui.messages import CardRead, CodeScanned
from tui.navigation import NAVIGATION_KEYS
from tui.problems import describe
from tui.queue import announce
from tui.screens.base import VanScreen
from tui.screens.intake_dialogs import AppointmentOffer
from tui.strings import STRINGS
from tui.widgets.captures import CapturesList
from tui.widgets.materials import MaterialsTable, file_summary
from tui.widgets.outcome_form import Delivery, FormProblem, OutcomeChoice, OutcomeForm, OutcomeRequest
from tui.widgets.person_form import PersonForm, card_warnings

# A terminal this big shows capture pictures beside the checklist.
PICTURES_MIN_SIZE = (100, 30)
DELIVERY_KEYS = Binding.Group("intake.key.delivery_group", compact=True)


@dataclass
class Printout:
    what: str  # translation key of what it is, for messages
    document: Document


class IntakeScreen(VanScreen):
    COMMANDS = {ItemSearch}
    BINDINGS = [
        Binding("f5", "next", "intake.key.next"),
        Binding("f5", "another_item", "intake.key.another_item"),
        Binding("f6", "toggle_full_id", "intake.key.show_id"),
        Binding("f6", "delivery('on_site')", "intake.key.on_site", group=DELIVERY_KEYS),
        Binding("f7", "retype_id", "intake.key.retype_id"),
        Binding("f7", "delivery('post')", "intake.key.post", group=DELIVERY_KEYS),
        Binding("f8", "choose_item", "intake.key.choose_item"),
        Binding("f8", "delivery('door')", "intake.key.door", group=DELIVERY_KEYS),
        Binding("f9", "record", "intake.key.record"),
        Binding("f10", "finish_visit", "intake.key.finish"),
        Binding("f11", "reprint", "intake.key.reprint"),
        Binding("escape", "back", "intake.key.back"),
        *[Binding(key, "stay", show=False) for key in NAVIGATION_KEYS],
    ]
    DEFAULT_CSS = """
    IntakeScreen #intake-top { height: 1; background: $boost; }
    IntakeScreen #intake-title { width: 1fr; padding: 0 1; }
    IntakeScreen #intake-step { width: auto; }
    IntakeScreen #intake-steps { height: 1fr; }
    IntakeScreen #item-line { height: auto; padding: 0 1; }
    IntakeScreen #lookup-row { height: 1; padding: 0 1; }
    IntakeScreen #lookup-row Label { width: 12; color: $text-muted; }
    IntakeScreen #case-lookup { width: 22; }
    IntakeScreen #lookup-result { width: 1fr; padding-left: 1; }
    IntakeScreen #materials-body { height: 1fr; }
    IntakeScreen #materials-table { width: 1fr; }
    IntakeScreen #captures { width: 30; border-left: solid $primary-darken-2; }
    IntakeScreen #status { height: auto; padding: 0 1; }
    IntakeScreen #outcome-item { height: auto; padding: 0 1; text-style: bold; }
    IntakeScreen #recorded { height: auto; padding: 0 1; }
    """

    def __init__(self, ticket_id: int, *, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self._clock = clock
        self.step = "person"
        self.card_event: CardEvent | None = None
        self.citizen: Citizen | None = None
        self.item: Item | None = None
        self.case: Case | None = None
        self.recorded: list[Case] = []
        self.printouts: list[Printout] = []
        self.step_drawn = False
        self.departments = {d.code: d.name for d in catalogue.list_departments(self.govan.store)}

    # Time, the ticket and who is serving
    def now(self) -> datetime:
        return self._clock() if self._clock else datetime.now(self.govan.config.tz)

    @property
    def ticket(self) -> Ticket:
        return tickets.get_ticket(self.govan.store, self.ticket_id)

    @property
    def staff_id(self) -> int:
        assert self.govan.session is not None
        return self.govan.session.staff.id

    @property
    def staff_name(self) -> str:
        assert self.govan.session is not None
        return self.govan.session.staff.name

    # Layout
    def compose_body(self) -> ComposeResult:
        with Horizontal(id="intake-top"):
            yield Static(id="intake-title")
            yield Static(id="intake-step")
        with ContentSwitcher(initial="step-person", id="intake-steps"):
            with Vertical(id="step-person"):
                yield PersonForm(today=self.now().date(), id="person")
            with Vertical(id="step-materials"):
                yield Static(id="item-line")
                with Horizontal(id="lookup-row"):
                    yield Label(t("intake.lookup"))
                    yield Input(placeholder=t("intake.lookup_placeholder"), id="case-lookup", max_length=40,
                                compact=True)
                    yield Static("", id="lookup-result")
                with Horizontal(id="materials-body"):
                    yield MaterialsTable(id="materials-table")
                    yield CapturesList(tz=self.govan.config.tz, id="captures")
            with Vertical(id="step-outcome"):
                yield Static(id="outcome-item")
                yield OutcomeForm(today=self.now().date(), id="outcome-form")
                yield Static(id="recorded")
        yield Static("", id="status")

    def on_mount(self) -> None:
        store = self.govan.store
        ticket = self.ticket
        try:
            if ticket.status == "called":
                ticket = tickets.start_service(store, ticket.id, now=self.now())
        except StoreError as error:
            self.status(t("intake.cannot_start", reason=describe(error.problem)), error=True)
        if ticket.status not in ("serving",):
            self.status(t("intake.not_serving", label=ticket.label, status=t("status." + ticket.status)), error=True)
        if ticket.item_code:
            self.item = catalogue.get_item(store, ticket.item_code)
        if ticket.citizen_id is not None:
            self.citizen = citizens.get(store, ticket.citizen_id, staff_id=self.staff_id,
                                        purpose=f"intake of ticket {ticket.label}", now=self.now())
            self.person_form.fill_from_citizen(self.citizen)
        for case in cases.list_cases(store, ticket_id=ticket.id):
            if case.outcome is None:
                self.case = case
                self.item = catalogue.get_item(store, case.item_code)
            else:
                self.recorded.append(case)
        if self.case is not None:
            self.go("materials")
        else:
            self.go("person")

    @property
    def person_form(self) -> PersonForm:
        return self.query_one("#person", PersonForm)

    @property
    def materials_table(self) -> MaterialsTable:
        return self.query_one("#materials-table", MaterialsTable)

    # Steps
    def go(self, step: str) -> None:
        self.step = step
        switcher = self.query_one("#intake-steps", ContentSwitcher)
        switcher.current = "step-outcome" if step == "recorded" else f"step-{step}"
        if step != "person":
            self.person_form.show_full(False)
        if step == "person":
            self.query_one("#person-name" if self.person_form.id_number else "#person-id-input", Input).focus()
        elif step == "materials":
            self.show_materials()
            self.materials_table.focus()
        elif step == "outcome":
            self.show_outcome_form()
        self.query_one("#outcome-form").display = step == "outcome"
        self.show_title()
        self.refresh_bindings()

    def show_title(self) -> None:
        ticket = self.ticket
        text = Text(t("intake.title", label=ticket.label), style="bold")
        if self.item is not None:
            text.append(f"  {self.item.name}")
        if self.citizen is not None:
            text.append(f"  {self.citizen.masked_name}", style="dim")
        self.query_one("#intake-title", Static).update(text, layout=False)
        steps = Text()
        current = {"recorded": "outcome"}.get(self.step, self.step)
        for number, step in enumerate(("person", "materials", "outcome"), start=1):
            steps.append(f" {number} {t('intake.step.' + step)} ", style="bold reverse" if step == current else "dim")
        self.query_one("#intake-step", Static).update(steps, layout=not self.step_drawn)
        self.step_drawn = True  # the same words each time, so the same width

    def status(self, text: str, *, error: bool = False) -> None:
        self.query_one("#status", Static).update(Text(text, style="bold red" if error else ""))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        step = self.step
        case_open = self.case is not None and self.case.outcome is None
        delivers = self.query_one("#outcome-form", OutcomeForm).delivers
        if action == "next":
            return step in ("person", "materials") and (step == "person" or case_open)
        if action == "another_item":
            return step == "recorded"
        if action == "toggle_full_id":
            return step == "person" and (self.person_form.id_number is not None or None)
        if action == "retype_id":
            return step == "person"
        if action == "choose_item":
            return step == "materials" and not case_open
        if action == "delivery":
            if step != "outcome" or not delivers:
                return False
            # By post only for an item that may be mailed.
            return not (parameters and parameters[0] == "post" and self.item is not None and not self.item.mailable)
        if action == "record":
            return step == "outcome"
        if action in ("finish_visit", "reprint"):
            return step == "recorded" and (action == "finish_visit" or bool(self.printouts) or None)
        if action == "back":
            return step == "person" or (step == "materials" and not case_open) or step == "outcome"
        return True

    def action_stay(self) -> None:
        self.notify(t("intake.finish_first"), severity="warning")

    def action_back(self) -> None:
        if self.step == "outcome":
            self.go("materials")
        elif self.step == "materials":
            self.go("person")
        elif self.step == "person":
            self.app.pop_screen()

    # Step 1: the person
    def on_card_read(self, message: CardRead) -> None:
        card = message.card
        if self.step != "person":
            self.notify(t("intake.card_later"), severity="warning")
            return
        self.card_event = card
        self.citizen = None
        had_number = self.person_form.id_number is not None
        self.person_form.fill_from_card(card)
        self.person_form.show_notice("")
        self.query_one("#person-phone", Input).focus()
        if not had_number:
            self.refresh_bindings()  # F6 (show the number) becomes available
        # Show the card first; the store's write (an fsync) follows the repaint. The screen is
        # marked for repaint now, so the callback waits for the frame instead of the next idle.
        self.refresh()
        self.call_after_refresh(self._file_card_holder, card)

    def _file_card_holder(self, card: CardEvent) -> None:
        if self.card_event is not card:
            return  # another card, or a number typed by hand, came in between
        warnings = card_warnings(card)
        try:
            self.citizen = self._file_person(card.id_number, name=card.name, sex=card.sex,
                                             address=card.address or None)
        except InvalidIdNumber:
            warnings.append(t("intake.person.warn.not_filed", card=t("intake.card." + card.card_type)))
        except StoreError as error:
            self.status(describe(error.problem), error=True)
        if self.citizen is not None:
            self.person_form.fill_from_citizen(self.citizen)
        self.person_form.show_warnings(warnings)
        self.show_title()

    def _file_person(self, id_number: str, **values: str | None) -> Citizen:
        """The one record for this person, found again or created (never a duplicate)."""
        store = self.govan.store
        citizen = citizens.find_or_create(store, id_number, staff_id=self.staff_id, now=self.now(), **values)
        history = audit.entries(store, subject="citizen", subject_id=citizen.id)
        found = bool(history) and history[-1].action != "create"
        self.person_form.show_notice(t("intake.person.found") if found else t("intake.person.created"))
        return citizen

    @on(PersonForm.IdNumberEntered)
    def _typed_id(self, message: PersonForm.IdNumberEntered) -> None:
        self.card_event = None
        self.citizen = None
        self.person_form.show_warnings([])
        self.person_form.show_notice("")
        self.query_one("#person-name", Input).focus()
        self.refresh_bindings()

    def action_toggle_full_id(self) -> None:
        form = self.person_form
        if form.id_number is None:
            return
        if not form.full_shown:
            audit.record(self.govan.store, "view", "citizen", self.citizen.id if self.citizen else None,
                         f"full ID number shown at intake of ticket {self.ticket.label}",
                         staff_id=self.staff_id, now=self.now())
        form.show_full(not form.full_shown)

    def action_retype_id(self) -> None:
        self.card_event = None
        self.citizen = None
        self.person_form.show_warnings([])
        self.person_form.show_notice("")
        self.person_form.edit_id_number()
        self.show_title()
        self.refresh_bindings()

    def action_next(self) -> None:
        if self.step == "person":
            self._leave_person_step()
        elif self.step == "materials" and self.case is not None:
            self.go("outcome")

    def _leave_person_step(self) -> None:
        form = self.person_form
        if form.pending_typed_id() and not form.check_typed_id():
            return
        values = form.values()
        if values.id_number is not None:
            try:
                self.citizen = self._file_person(values.id_number, name=values.name or None, sex=values.sex,
                                                 phone=values.phone or None, address=values.address or None)
            except InvalidIdNumber:
                self.citizen = None  # a card whose number fails GB 11643: already warned, served unfiled
            except StoreError as error:
                self.status(describe(error.problem), error=True)
                return
        self.status("" if self.citizen is not None else t("intake.no_person"))
        if self.case is None and self.item is not None and not self._open_case(self.item):
            return
        self.go("materials")
        if self.item is None:
            self.action_choose_item()

    # Step 2: the item and its materials
    def search_items(self) -> list[Item]:
        trip = self.govan.session.trip if self.govan.session else None
        return catalogue.list_items(self.govan.store, trip_id=trip.id if trip else None)

    def department_label(self, code: str) -> str:
        return self.departments.get(code, code)

    def choose_item(self, code: str) -> None:
        if self.case is not None and self.case.outcome is None:
            self.status(t("intake.item_locked"), error=True)
            return
        item = catalogue.get_item(self.govan.store, code)
        if self._open_case(item):
            self.item = item
            self.go("materials")

    def action_choose_item(self) -> None:
        self.app.action_command_palette()

    def _open_case(self, item: Item) -> bool:
        try:
            self.case = cases.open_case(self.govan.store, item.code, self.staff_id, ticket_id=self.ticket_id,
                                        citizen_id=self.citizen.id if self.citizen else None, now=self.now())
        except StoreError as error:
            self.status(t("intake.cannot_open_case", reason=describe(error.problem)), error=True)
            return False
        self.item = item
        return True

    def show_materials(self) -> None:
        item = self.item
        line = self.query_one("#item-line", Static)
        if item is None:
            line.update(Text(t("intake.no_item"), style="bold yellow"))
            self.materials_table.show([], {}, needs_id_photo=False)
            return
        text = Text(item.name, style="bold")
        text.append(f"（{self.department_label(item.department)}）  ")
        text.append(t("intake.item.on_site") if item.completion == "on_site" else t("intake.item.back_office"))
        text.append("  ·  " + (t("intake.item.limit_immediate") if item.time_limit_days == 0
                               else t("intake.item.limit_days", days=item.time_limit_days)))
        fee = t("intake.item.free") if item.fee_fen == 0 else t("intake.item.fee", yuan=f"{item.fee_yuan:g}")
        text.append("  ·  " + fee)
        if item.mailable:
            text.append("  ·  " + t("intake.item.mailable"))
        line.update(text)
        if self.case is None:
            self.materials_table.show([], {}, needs_id_photo=False)
            return
        self.case = cases.get_case(self.govan.store, self.case.id)
        attachments = cases.list_attachments(self.govan.store, self.case.id)
        by_id = {attachment.id: attachment for attachment in attachments}
        self.materials_table.show(self.case.materials, by_id, needs_id_photo=item.needs_id_photo)
        materials = {line.attachment_id: line.material for line in self.case.materials if line.attachment_id}
        certifiers = {a.certified_by for a in attachments if a.certified_by is not None}
        names = {person_id: staff_store.get_staff(self.govan.store, person_id).name for person_id in certifiers}
        width, height = self.app.size
        self.query_one("#captures", CapturesList).show(
            attachments, materials, names, pictures=width >= PICTURES_MIN_SIZE[0] and height >= PICTURES_MIN_SIZE[1])

    def on_resize(self, event: Resize) -> None:
        if self.step == "materials":
            self.show_materials()

    @on(MaterialsTable.Chosen)
    def _material_chosen(self, message: MaterialsTable.Chosen) -> None:
        if self.case is None:
            return
        if message.action in ("capture_copy", "capture_photo"):
            self.capture(message.material, photo=message.action == "capture_photo")
            return
        try:
            cases.set_material(self.govan.store, self.case.id, message.material, message.action)
        except StoreError as error:
            self.status(describe(error.problem), error=True)
            return
        self.show_materials()

    @work(group="camera", exclusive=True)
    async def capture(self, material: str, *, photo: bool) -> None:
        case, table = self.case, self.materials_table
        assert case is not None
        table.busy = True
        table.refresh_bindings()
        self.status(t("intake.capture.photo_now") if photo else t("intake.capture.copy_now"))
        moment = self.now()
        certify = None if photo else Certify(staff=self.staff_name, at=moment.isoformat(timespec="seconds"))
        command = CaptureCommand(job_id=f"case-{case.id}-{new_id()[:8]}", mode="id_photo" if photo else "document",
                                 certify=certify)
        timeout = self.govan.config.devices.camera.timeout_s + 30
        try:
            result = await self.govan.link.command("camera", "capture", command, timeout=timeout)
        except NotConnected as error:
            self.status(t("intake.capture.failed", detail=str(error) or t("state.no_broker")), error=True)
            return
        except CommandTimeout:
            self.status(t("intake.capture.failed", detail=t("intake.capture.timeout")), error=True)
            return
        finally:
            table.busy = False
            table.refresh_bindings()
        if result.state != "done" or not result.path or not result.sha256:
            self.status(t("intake.capture.failed", detail=result.detail), error=True)
            return
        try:
            attachment = cases.add_attachment(
                self.govan.store, case.id, path=result.path, sha256=result.sha256,
                kind="id_photo" if photo else "certified_copy", size_bytes=result.bytes, material=material,
                certified_by=None if photo else self.staff_id, certified_at=None if photo else moment, now=moment)
        except StoreError as error:
            self.status(describe(error.problem), error=True)
            return
        note = t("intake.capture.done", file=file_summary(attachment))
        if result.warnings:
            note += "  " + t("intake.capture.warnings", warnings="; ".join(result.warnings))
        self.status(note)
        if self.is_attached and self.step == "materials":
            self.show_materials()

    @on(Input.Submitted, "#case-lookup")
    def _lookup_typed(self, event: Input.Submitted) -> None:
        self.look_up_case(event.value)

    def look_up_case(self, code: str) -> None:
        """An existing case (scanned from its receipt or typed): what happened, and its item."""
        result = self.query_one("#lookup-result", Static)
        case_id = receipts.parse_case_number(code, self.govan.config.van_id)
        if case_id is None:
            result.update(Text(t("intake.lookup_not_a_case"), style="red"))
            return
        try:
            found = cases.get_case(self.govan.store, case_id)
        except StoreError:
            result.update(Text(t("intake.lookup_unknown"), style="red"))
            return
        item = catalogue.get_item(self.govan.store, found.item_code)
        state = t("intake.outcome." + found.outcome) if found.outcome else t("intake.lookup_open")
        if found.reason:
            state += f"：{reason_text(found.reason)}"
        result.update(t("intake.lookup_found", number=receipts.case_number(self.govan.config.van_id, found.id),
                        item=item.name, state=state))
        if self.case is None:
            self.choose_item(item.code)

    # Scans go into the focused field
    def on_code_scanned(self, message: CodeScanned) -> None:
        code = message.scan.code.strip()
        focused = self.focused
        if isinstance(focused, Input):
            focused.value = code
            focused.cursor_position = len(code)
            if focused.id == "case-lookup":
                self.look_up_case(code)
            return
        form = self.query_one("#outcome-form", OutcomeForm)
        if self.step == "outcome" and form.delivers and form.delivery == "post":
            form.put_waybill(code)
            return
        if receipts.parse_case_number(code, self.govan.config.van_id) is not None and self.step == "materials":
            self.query_one("#case-lookup", Input).value = code
            self.look_up_case(code)
            return
        self.notify(t("intake.scan_where"), severity="warning")

    # Step 3: the outcome
    def show_outcome_form(self) -> None:
        assert self.item is not None and self.case is not None
        address = self.citizen.address if self.citizen and self.citizen.address else self.person_form.values().address
        self.query_one("#outcome-form", OutcomeForm).reset(
            on_site_allowed=self.item.completion == "on_site", mailable=self.item.mailable, address=address or "",
            today=self.now().date())
        self.query_one("#outcome-item", Static).update(
            t("intake.outcome_for", item=self.item.name,
              number=receipts.case_number(self.govan.config.van_id, self.case.id)))
        self.query_one("#recorded", Static).update("")
        self.query_one(OutcomeChoice).focus()

    @on(OutcomeChoice.Chosen)
    def _outcome_chosen(self) -> None:
        self.refresh_bindings()

    def action_delivery(self, delivery: Delivery) -> None:
        self.query_one("#outcome-form", OutcomeForm).choose_delivery(delivery)

    def action_record(self) -> None:
        form = self.query_one("#outcome-form", OutcomeForm)
        try:
            request = form.request()
        except FormProblem as problem:
            form.show_error(str(problem))
            return
        case = self.case
        assert case is not None and self.item is not None
        reason = request.stored_reason([line.material for line in case.materials if line.state == "missing"])
        try:
            recorded = cases.record_outcome(
                self.govan.store, case.id, request.outcome, reason=reason, delivery=request.delivery,
                delivery_address=request.address, waybill=request.waybill, delivery_date=request.delivery_date,
                now=self.now())
        except StoreError as error:
            form.show_error(describe(error.problem))
            return
        self.case = recorded
        self.recorded.append(recorded)
        self.printouts = []
        self.go("recorded")
        self.query_one("#recorded", Static).update(self._recorded_text(recorded))
        self.after_outcome(recorded, request)

    def _recorded_text(self, case: Case) -> Text:
        text = Text(t("intake.recorded", outcome=t("intake.outcome." + (case.outcome or "")),
                      number=receipts.case_number(self.govan.config.van_id, case.id)), style="bold green")
        if case.outcome == "accepted_forwarded":
            text.append("\n" + t("intake.forwarded"))
        text.append("\n" + t("intake.recorded_next"), style="dim")
        return text

    @work(group="print", exclusive=True)
    async def after_outcome(self, case: Case, request: OutcomeRequest) -> None:
        assert self.item is not None
        header = self._receipt_header(case)
        documents: list[Printout] = []
        if case.outcome == "completed_on_site":
            documents.append(Printout("intake.print.receipt", receipts.completed_receipt(header, self._delivery_note(case))))
        elif case.outcome == "accepted_forwarded":
            due = None
            if self.item.time_limit_days:
                due = workdays.add_working_days(self.now().date(), self.item.time_limit_days,
                                                self.govan.config.service.holidays)
            lines = [receipts.MaterialLine(line.material, line.state) for line in case.materials]
            documents.append(Printout("intake.print.receipt", receipts.accepted_receipt(
                header, self._delivery_note(case), time_limit_days=self.item.time_limit_days, due=due,
                materials=lines)))
        elif case.outcome == "not_done" and request.reason_code == "missing_materials":
            missing = [line.material for line in case.materials if line.state == "missing"]
            seen = [line.material for line in case.materials if line.state != "missing"]
            visit = await self._offer_appointment(missing)
            documents.append(Printout("intake.print.missing", receipts.missing_materials_list(header, missing, seen, visit)))
        if case.delivery == "post":
            documents.append(Printout("intake.print.label", self._address_label(case)))
        self.printouts = documents
        self.refresh_bindings()
        await self.print_all(documents)

    async def _offer_appointment(self, missing: list[str]) -> receipts.BookedVisit | None:
        assert self.item is not None
        moment = await self.app.push_screen_wait(AppointmentOffer(now=self.now(), missing=missing))
        if moment is None:
            return None
        try:
            booked = appointments.book(self.govan.store, "individual", moment, [self.item.code],
                                       citizen_id=self.citizen.id if self.citizen else None,
                                       booked_by=self.staff_id, now=self.now())
        except StoreError as error:
            self.status(t("intake.appointment.failed", reason=describe(error.problem)), error=True)
            return None
        self.notify(t("intake.appointment.booked", at=moment.strftime("%Y-%m-%d %H:%M"), code=booked.checkin_code))
        return receipts.BookedVisit(at=moment, code=booked.checkin_code, qr_payload=booked.qr_payload)

    def _receipt_header(self, case: Case) -> receipts.ReceiptHeader:
        assert self.item is not None
        session = self.govan.session
        assert session is not None
        return receipts.ReceiptHeader(
            case_number=receipts.case_number(self.govan.config.van_id, case.id),
            item_name=self.item.name,
            department=self.department_label(self.item.department),
            person=self.citizen.masked_name if self.citizen else "",
            staff=session.staff.name,
            window=session.seat.window if session.seat else None,
            stop=session.trip.stop_name if session.trip else "",
            at=self.now(),
        )

    @staticmethod
    def _delivery_note(case: Case) -> receipts.DeliveryNote:
        on = datetime.fromisoformat(case.delivery_date).date() if case.delivery_date else None
        return receipts.DeliveryNote(kind=case.delivery or "on_site", waybill=case.waybill, on=on)

    def _address_label(self, case: Case) -> Document:
        assert self.item is not None
        address = cases.delivery_address(self.govan.store, case.id, staff_id=self.staff_id,
                                          purpose="print the mailing label", now=self.now()) or ""
        session = self.govan.session
        sender = t("app.title") + (f" · {session.trip.stop_name}" if session and session.trip else "")
        return receipts.address_label(
            name=(self.citizen.name if self.citizen else None) or self.person_form.values().name,
            phone=(self.citizen.phone if self.citizen else None) or self.person_form.values().phone,
            address=address, waybill=case.waybill,
            case_number=receipts.case_number(self.govan.config.van_id, case.id), item_name=self.item.name,
            sender=sender)

    async def print_all(self, documents: list[Printout]) -> None:
        problems = []
        for printout in documents:
            self.status(t("intake.print.printing", what=t(printout.what)))
            command = PrintCommand(job_id=f"intake-{self.ticket_id}-{new_id()[:8]}", document=printout.document)
            try:
                result = await self.govan.link.command("printer", "print", command,
                                                     timeout=self.govan.config.devices.printer.timeout_s + 10)
                detail = "" if result.state == "done" else result.detail
            except NotConnected as error:
                detail = str(error) or t("state.no_broker")
            except CommandTimeout:
                detail = t("intake.print.timeout")
            if detail:
                problems.append(t("intake.print.failed", what=t(printout.what), detail=detail))
        if not self.is_attached:
            return
        if problems:
            self.status("\n".join(problems) + "\n" + t("intake.print.reprint_hint"), error=True)
        elif documents:
            self.status(t("intake.print.done", what="、".join(t(printout.what) for printout in documents)))

    def action_reprint(self) -> None:
        if self.printouts:
            self.reprint()

    @work(group="print", exclusive=True)
    async def reprint(self) -> None:
        await self.print_all(self.printouts)

    # After the outcome
    def action_another_item(self) -> None:
        self.case = None
        self.item = None
        self.printouts = []
        self.query_one("#lookup-result", Static).update("")
        self.query_one("#case-lookup", Input).value = ""
        self.status("")
        self.go("materials")
        self.action_choose_item()

    def action_finish_visit(self) -> None:
        from tui.screens.rating import RatingScreen

        store = self.govan.store
        try:
            ticket = tickets.finish(store, self.ticket_id, now=self.now())
        except StoreError as error:
            self.status(describe(error.problem), error=True)
            return
        announce(self.govan.link, store, ticket, "done", self.govan.config.tz)
        self.app.switch_screen(RatingScreen(self.ticket_id, citizen_id=self.citizen.id if self.citizen else None,
                                            clock=self._clock))


def reason_text(stored: str) -> str:
    """A stored reason ('missing_materials: 居民户口簿') in the clerk's language."""
    code, _, detail = stored.partition(": ")
    key = "intake.reason." + code
    label = t(key) if key in STRINGS else code
    return f"{label}：{detail}" if detail else label
