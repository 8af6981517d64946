"""Intake (受理) of one called ticket: who the person is, the item and its materials, how each case
ended and how its result reaches the person; then the visit ends with the rating, or is abandoned.

Steps: PERSON (an ID card on this terminal's reader, or typed) → MATERIALS (the item's
checklist, camera captures, an earlier case looked up by its receipt) → OUTCOME (result
and delivery) → RECORDED (another item, reprint, or finish the visit). Every step can go
back: MATERIALS → PERSON keeps the open case, OUTCOME → MATERIALS. A case ends only with
an outcome, or when the visit is abandoned with a reason (`abandon`): it is then recorded
as not done, its reason `abandoned.<why>` (flows.reasons), so it counts as not done in
办成率 like any case the person could not finish. Leaving intake with no case open keeps
the ticket being served: the window resumes it.

The person step holds this terminal's ID reader (a window's own, else the shared one) and
the materials and outcome steps hold the scanner (flows.holding); a card or a scan is acted
on only when this terminal held the device (flows.claims.is_mine). A card of someone other
than the person already in intake is not taken until staff confirm (`ReplaceAsked`).

Personal data: every read or change of a citizen is audited with the staff member serving;
nothing here logs a name, number, phone or address.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import Enum
from typing import Literal

from core import contact, idnumber
from core.case_numbers import case_number, parse_case_number
from core.masking import mask_name
from core.problems import Code, Problem
from daemon.messages import CaptureCommand, CardEvent, Certify, JobResult, ScanEvent, new_id
from db import appointments, audit, cases, catalogue, citizens, tickets
from db import staff as staff_store
from db.cases import Attachment, Case, Delivery, Material, MaterialState, Outcome
from db.catalogue import Department, Item
from db.citizens import Citizen
from db.errors import InvalidIdNumber, StoreError
from db.staff import Staff
from db.tickets import Ticket
from db.trips import Trip
from flows import claims, reasons, receipts
from flows.announce import Announcer
from flows.commands import send
from flows.holding import Hold, Holding
from flows.printing import Printed, print_document
from flows.rating import RatingFlow
from flows.reasons import Abandoned, NotDone
from flows.receipts import BookedVisit, PrintoutKind
from flows.van import Van

__all__ = [
    "Abandoned",
    "Action",
    "Attachment",
    "BookedVisit",
    "Captured",
    "CardRead",
    "CardWarning",
    "Case",
    "CaseFound",
    "Citizen",
    "Delivery",
    "Filed",
    "Hold",
    "IntakeFlow",
    "Item",
    "Material",
    "MaterialsView",
    "MissingMaterials",
    "NotDone",
    "Outcome",
    "OutcomeDetails",
    "PersonDetails",
    "PrintResult",
    "Recorded",
    "ReplaceAsked",
    "Step",
    "VisitAbandoned",
    "Waybill",
    "is_own_id_card",
]
log = logging.getLogger(__name__)

# Beyond the camera's own deadline: the broker hop, the stamp, the daemon's queue.
CAPTURE_MARGIN_S = 30.0
# The checklist line a read of the person's own resident card ticks: their ID card's original.
# Cards of other people named in a material (委托人, 买卖双方) are not the card on the reader.
_OWN_ID_CARD = re.compile(r"(?:经营者)?(?:居民)?身份证原件|原居民身份证")
# A material that is a photograph of the person: taken in ID-photo mode, not as a stamped copy.
_PHOTO_WORDS = ("照片", "相片")


class Step(Enum):
    PERSON = "person"
    MATERIALS = "materials"
    OUTCOME = "outcome"
    RECORDED = "recorded"  # an outcome was recorded: another item, reprint, or finish the visit
    ENDED = "ended"  # the visit finished (to the rating) or was abandoned


class Action(Enum):
    NEXT = "next"
    BACK = "back"
    LEAVE = "leave"  # out of intake with no case open; the ticket stays being served
    SHOW_ID = "show_id"
    RETYPE_ID = "retype_id"
    CHOOSE_ITEM = "choose_item"
    MARK_MATERIAL = "mark_material"
    CAPTURE = "capture"
    LOOK_UP = "look_up"
    OUTCOME_COMPLETED = "completed_on_site"
    OUTCOME_ACCEPTED = "accepted_forwarded"
    OUTCOME_NOT_DONE = "not_done"
    OUTCOME_CONSULT = "consult_only"
    DELIVER_ON_SITE = "on_site"
    DELIVER_POST = "post"
    DELIVER_DOOR = "door"
    RECORD = "record"
    ANOTHER_ITEM = "another_item"
    REPRINT = "reprint"
    FINISH_VISIT = "finish_visit"
    ABANDON = "abandon"


_OUTCOME_ACTIONS: dict[Outcome, Action] = {
    "completed_on_site": Action.OUTCOME_COMPLETED,
    "accepted_forwarded": Action.OUTCOME_ACCEPTED,
    "not_done": Action.OUTCOME_NOT_DONE,
    "consult_only": Action.OUTCOME_CONSULT,
}
_DELIVERY_ACTIONS: dict[Delivery, Action] = {
    "on_site": Action.DELIVER_ON_SITE,
    "post": Action.DELIVER_POST,
    "door": Action.DELIVER_DOOR,
}
_DELIVERING: tuple[Outcome, ...] = ("completed_on_site", "accepted_forwarded")


class CardWarning(Enum):
    """What a clerk must be told plainly about a card that was read."""

    EXPIRED = "expired"
    CHECK_DIGIT = "check_digit"  # the number fails GB 11643: damaged, or not what it claims


@dataclass(frozen=True)
class PersonDetails:
    """The person as the form shows and edits them."""

    id_number: str | None = None
    name: str = ""
    sex: str | None = None
    phone: str = ""
    address: str = ""
    nation: str = ""
    birth_date: str = ""  # ISO date, from the card or the number


@dataclass(frozen=True)
class CardRead:
    """A card taken for the person: show it now; `IntakeFlow.file_card_holder` files it just after."""

    card: CardEvent
    person: PersonDetails
    warnings: tuple[CardWarning, ...]


@dataclass(frozen=True)
class ReplaceAsked:
    """The card is someone else's than the person in intake: staff confirm before anyone is replaced."""

    card_name: str  # masked
    current_name: str  # masked; "" when only a number is known


@dataclass(frozen=True)
class Filed:
    """The card holder as the store has them: found again, newly created, or a number it cannot keep."""

    person: PersonDetails
    outcome: Literal["found", "created", "not_filed"]  # not filed: a card whose number fails GB 11643
    card_type: str


@dataclass(frozen=True)
class MaterialsView:
    case: Case | None
    item: Item | None
    attachments: dict[int, Attachment]
    certifiers: dict[int, str]  # staff id → name, of who checked a certified copy
    # The lines an ID photo is for: photo materials, or any line of an item that needs an
    # ID photo but lists no photo material.
    photo_lines: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Captured:
    attachment: Attachment
    warnings: int  # notes the camera made about the picture (e.g. an ID photo's backdrop)


@dataclass(frozen=True)
class CaseFound:
    """An earlier case, brought back by its receipt: what happened, and (with none open) a new case for its item."""

    number: str
    item: Item
    outcome: Outcome | None
    reason: str | None
    opened: Case | None  # the new case for the same item, when none was open


@dataclass(frozen=True)
class Waybill:
    """A scanned waybill, for delivery by post."""

    code: str


@dataclass(frozen=True)
class OutcomeDetails:
    """What the clerk typed beside the chosen outcome and delivery."""

    address: str = ""
    waybill: str = ""
    door_date: str = ""  # YYYY-MM-DD
    reason: NotDone | None = None
    reason_detail: str = ""


@dataclass(frozen=True)
class MissingMaterials:
    """Required materials are missing: staff confirm the outcome anyway, or record it as not done."""

    materials: tuple[str, ...]


@dataclass(frozen=True)
class Recorded:
    case: Case
    # Not done for missing materials: offer an appointment to come back (then print the list).
    offer_return_visit: bool
    missing: tuple[str, ...]


@dataclass(frozen=True)
class PrintResult:
    kind: PrintoutKind
    result: Printed | Problem


@dataclass(frozen=True)
class VisitAbandoned:
    case: Case | None  # the case recorded as abandoned; None when none was open


@dataclass
class _Person:
    details: PersonDetails = field(default_factory=PersonDetails)
    card: CardEvent | None = None
    citizen: Citizen | None = None
    warnings: tuple[CardWarning, ...] = ()
    # The person's own resident card was read, valid and in date: its original was seen.
    own_card_seen: bool = False


def is_own_id_card(material: str) -> bool:
    return _OWN_ID_CARD.fullmatch(material) is not None


class IntakeFlow:
    """The service of one ticket at one window, by one clerk."""

    def __init__(self, van: Van, ticket: Ticket, *, staff: Staff, trip: Trip, window: str | None) -> None:
        self.van = van
        self.ticket = ticket
        self.staff = staff
        self.trip = trip
        self.window = window
        self.step = Step.PERSON
        self.item: Item | None = None
        self.case: Case | None = None  # the open case
        self.recorded: list[Case] = []
        self.outcome: Outcome | None = None
        self.delivery: Delivery = "on_site"
        self.printouts: list[receipts.Printout] = []
        self.holding = Holding(van, window, staff.name)
        self._person = _Person()
        self._pending_card: CardEvent | None = None
        self._departments = {d.code: d for d in catalogue.list_departments(van.store)}

    # Starting a visit, or coming back to one
    @classmethod
    def start(cls, van: Van, ticket_id: int, *, staff: Staff, trip: Trip, window: str | None) -> IntakeFlow | Problem:
        try:
            ticket = tickets.get_ticket(van.store, ticket_id)
            if ticket.status == "called":
                ticket = tickets.start_service(van.store, ticket_id, now=van.now())
                Announcer(van).ticket(ticket, "serving")
        except StoreError as error:
            return error.problem
        if ticket.status != "serving":
            return Problem(
                Code.TICKET_NOT_SERVING, {"ticket": ticket.label, "status": ticket.status, "action": "take in"}
            )
        flow = cls(van, ticket, staff=staff, trip=trip, window=window)
        flow._resume()
        return flow

    def _resume(self) -> None:
        store = self.van.store
        for case in cases.list_cases(store, ticket_id=self.ticket.id):
            if case.outcome is None:
                self.case = case
            else:
                self.recorded.append(case)
        # The person the ticket is for (an appointment, the desk's card), else the one its last case was for.
        visit = [*self.recorded, *([self.case] if self.case else [])]
        citizen_id = self.ticket.citizen_id or next(
            (case.citizen_id for case in reversed(visit) if case.citizen_id), None
        )
        if citizen_id is not None:
            citizen = citizens.get(
                store,
                citizen_id,
                staff_id=self.staff.id,
                purpose=f"intake of ticket {self.ticket.label}",
                now=self.van.now(),
            )
            self._person = _Person(details=_details_of(citizen), citizen=citizen)
        if self.case is not None:
            self.item = catalogue.get_item(store, self.case.item_code)
            self.step = Step.MATERIALS
        elif self.recorded:
            self.step = Step.RECORDED
        elif self.ticket.item_code:
            self.item = catalogue.get_item(store, self.ticket.item_code)

    # What may happen now
    def allowed(self, action: Action) -> bool:
        step, case_open = self.step, self.case is not None
        if action in _OUTCOME_ACTIONS.values():
            outcome = next(key for key, value in _OUTCOME_ACTIONS.items() if value is action)
            return step is Step.OUTCOME and (outcome != "completed_on_site" or self._item.completion == "on_site")
        if action in _DELIVERY_ACTIONS.values():
            return (
                step is Step.OUTCOME
                and self.outcome in _DELIVERING
                and (action is not Action.DELIVER_POST or self._item.mailable)
            )
        rules = {
            Action.NEXT: step is Step.PERSON or (step is Step.MATERIALS and case_open),
            Action.BACK: step in (Step.MATERIALS, Step.OUTCOME),
            Action.LEAVE: step is Step.PERSON and not case_open,
            Action.SHOW_ID: step is Step.PERSON and self._person.details.id_number is not None,
            Action.RETYPE_ID: step is Step.PERSON,
            Action.CHOOSE_ITEM: step is Step.MATERIALS and not case_open,
            Action.MARK_MATERIAL: step is Step.MATERIALS and case_open,
            Action.CAPTURE: step is Step.MATERIALS and case_open,
            Action.LOOK_UP: step is Step.MATERIALS,
            Action.RECORD: step is Step.OUTCOME,
            Action.ANOTHER_ITEM: step is Step.RECORDED,
            Action.REPRINT: step is Step.RECORDED and bool(self.printouts),
            # Something was recorded and nothing is open: the visit can end with its rating.
            Action.FINISH_VISIT: step is not Step.ENDED and bool(self.recorded) and not case_open,
            # An open case, or a visit with nothing recorded: it can end only with a reason.
            Action.ABANDON: step is not Step.ENDED and (case_open or not self.recorded),
        }
        return rules[action]

    def _refused(self, action: Action) -> Problem | None:
        if self.allowed(action):
            return None
        return Problem(Code.INTAKE_NOT_NOW, {"action": action.value, "step": self.step.value})

    @property
    def _item(self) -> Item:
        assert self.item is not None, "an item is chosen before its case opens"
        return self.item

    # The person step
    @property
    def person(self) -> PersonDetails:
        return self._person.details

    @property
    def citizen(self) -> Citizen | None:
        return self._person.citizen

    @property
    def card(self) -> CardEvent | None:
        return self._person.card

    @property
    def card_warnings(self) -> tuple[CardWarning, ...]:
        return self._person.warnings

    def devices_wanted(self) -> tuple[str, ...]:
        """What this step reads from: the person step the ID reader, the materials and outcome steps the scanner."""
        if self.step is Step.PERSON:
            return (claims.reader_for(self.van, self.window),)
        if self.step in (Step.MATERIALS, Step.OUTCOME):
            return ("scanner",)
        return ()

    async def hold_devices(self) -> list[Hold]:
        return await self.holding.want(self.devices_wanted())

    def read_card(self, event: CardEvent, typed: PersonDetails) -> CardRead | ReplaceAsked | Problem | None:
        """A card from this terminal's reader; None for a card read for another terminal."""
        if not claims.is_mine(self.van, event):
            return None
        if self.step is not Step.PERSON:
            return Problem(Code.INTAKE_CARD_LATER)
        current = self._person.details.id_number
        if current is not None and _number(event.id_number) != current:
            self._pending_card = event
            return ReplaceAsked(card_name=mask_name(event.name), current_name=mask_name(typed.name or self.person.name))
        return self._take_card(event, typed, same_person=current is not None)

    def replace_person(self, typed: PersonDetails) -> CardRead | None:
        """Staff confirmed: the card read last is the person now, with nothing kept of the one before."""
        card, self._pending_card = self._pending_card, None
        if card is None:
            return None
        return self._take_card(card, typed, same_person=False)

    def keep_person(self) -> None:
        self._pending_card = None

    def _take_card(self, card: CardEvent, typed: PersonDetails, *, same_person: bool) -> CardRead:
        warnings = tuple(
            warning
            for warning, applies in (
                (CardWarning.EXPIRED, card.expired),
                (CardWarning.CHECK_DIGIT, not card.id_number_valid),
            )
            if applies
        )
        details = PersonDetails(
            id_number=card.id_number,
            name=card.name,
            sex=card.sex,
            phone=typed.phone if same_person else "",
            address=card.address,
            nation=card.nation_name,
            birth_date=card.birth_date,
        )
        self._person = _Person(
            details=details, card=card, citizen=self.citizen if same_person else None, warnings=warnings
        )
        return CardRead(card, details, warnings)

    def file_card_holder(self, card: CardEvent) -> Filed | Problem | None:
        """File the person of a card just taken (found again, never duplicated); None if another came since."""
        if self._person.card is not card:
            return None
        try:
            citizen = citizens.find_or_create(
                self.van.store,
                card.id_number,
                name=card.name,
                sex=card.sex,
                address=card.address or None,
                staff_id=self.staff.id,
                now=self.van.now(),
            )
        except InvalidIdNumber:
            return Filed(self.person, "not_filed", card.card_type)
        except StoreError as error:
            return error.problem
        history = audit.entries(self.van.store, subject="citizen", subject_id=citizen.id)
        found = bool(history) and history[-1].action != "create"
        own_card = card.card_type == "resident" and card.id_number_valid and not card.expired
        self._person = replace(
            self._person, citizen=citizen, own_card_seen=own_card, details=_filled_in(self.person, citizen)
        )
        problem = self._case_follows_person()
        return problem or Filed(self.person, "found" if found else "created", card.card_type)

    def enter_id_number(self, text: str, typed: PersonDetails) -> PersonDetails | Problem:
        """A number typed by hand, checked as GB 11643; its birth date and sex fill in."""
        problem = idnumber.problem(text, today=self.van.now().date())
        if problem is not None:
            return problem
        number = idnumber.normalize(text)
        details = replace(
            typed,
            id_number=number,
            birth_date=idnumber.birth_date(number).isoformat(),
            sex=typed.sex or idnumber.sex(number),
        )
        self._person = _Person(details=details)
        return details

    def retype_id(self, typed: PersonDetails) -> PersonDetails:
        """The number goes, and with it the card and the record: the clerk types it again."""
        self._person = _Person(details=replace(typed, id_number=None, birth_date=""))
        return self.person

    def reveal_id(self) -> str | Problem:
        """The full ID number, for the clerk's eyes: an audited view."""
        refused = self._refused(Action.SHOW_ID)
        if refused is not None:
            return refused
        number = self.person.id_number
        assert number is not None
        audit.record(
            self.van.store,
            "view",
            "citizen",
            self.citizen.id if self.citizen else None,
            f"full ID number shown at intake of ticket {self.ticket.label}",
            staff_id=self.staff.id,
            now=self.van.now(),
        )
        return number

    def next(self, typed: PersonDetails | None = None) -> Step | Problem:
        """PERSON → MATERIALS (filing the person, opening the case of a known item), or MATERIALS → OUTCOME."""
        refused = self._refused(Action.NEXT)
        if refused is not None:
            return refused
        if self.step is Step.MATERIALS:
            return self._go(Step.OUTCOME)
        problem = self._file_person(typed or self.person)
        if problem is not None:
            return problem
        if self.case is None and self.item is not None:
            opened = self._open_case(self.item)
            if isinstance(opened, Problem):
                return opened
        return self._go(Step.MATERIALS)

    def _file_person(self, typed: PersonDetails) -> Problem | None:
        details = replace(
            typed,
            id_number=self.person.id_number,
            name=typed.name.strip(),
            phone=contact.normalize_phone(typed.phone),
            address=typed.address.strip(),
        )
        checks = (
            contact.name_problem(details.name) if details.id_number or details.name else None,
            contact.phone_problem(details.phone),
            contact.address_problem(details.address, required=False),
        )
        problem = next((found for found in checks if found is not None), None)
        if problem is not None:
            return problem
        self._person = replace(self._person, details=details)
        if details.id_number is None:
            return None  # served without a record: consult, or a person who gives no number
        try:
            citizen = citizens.find_or_create(
                self.van.store,
                details.id_number,
                name=details.name or None,
                sex=details.sex,
                phone=details.phone or None,
                address=details.address or None,
                staff_id=self.staff.id,
                now=self.van.now(),
            )
        except InvalidIdNumber:
            return None  # a card whose number fails GB 11643: already warned, served unfiled
        except StoreError as error:
            return error.problem
        self._person = replace(self._person, citizen=citizen)
        return self._case_follows_person()

    def _case_follows_person(self) -> Problem | None:
        """The open case is the current person's, with their own ID card's original seen if it was read."""
        if self.case is None:
            return None
        try:
            citizen_id = self.citizen.id if self.citizen else None
            if self.case.citizen_id != citizen_id:
                self.case = cases.set_citizen(self.van.store, self.case.id, citizen_id)
            if self._person.own_card_seen:
                for line in self.case.materials:
                    if is_own_id_card(line.material) and line.state == "missing":
                        self.case = cases.set_material(self.van.store, self.case.id, line.material, "original_seen")
        except StoreError as error:
            return error.problem
        return None

    def back(self) -> Step | Problem:
        """OUTCOME → MATERIALS, MATERIALS → PERSON; the open case stays open."""
        refused = self._refused(Action.BACK)
        if refused is not None:
            return refused
        return self._go(Step.MATERIALS if self.step is Step.OUTCOME else Step.PERSON)

    def _go(self, step: Step) -> Step:
        self.step = step
        if step is Step.OUTCOME:
            self.outcome, self.delivery = None, "on_site"
        return step

    # The materials step
    def items(self) -> list[Item]:
        """What may be chosen: the items this trip offers."""
        return catalogue.list_items(self.van.store, trip_id=self.trip.id)

    def department(self, code: str) -> Department | None:
        """An item's department; the view shows its name in the staff's language."""
        return self._departments.get(code)

    def department_name(self, code: str) -> str:
        """The department's name on citizens' paper: the Chinese one, as the catalogue has it."""
        department = self._departments.get(code)
        return department.name if department is not None else code

    def choose_item(self, code: str) -> Case | Problem:
        if self.case is not None:
            return Problem(Code.INTAKE_CASE_OPEN, {"item": self._item.name, "item_en": self._item.name_en})
        refused = self._refused(Action.CHOOSE_ITEM)
        if refused is not None:
            return refused
        try:
            item = catalogue.get_item(self.van.store, code)
        except StoreError as error:
            return error.problem
        return self._open_case(item)

    def _open_case(self, item: Item) -> Case | Problem:
        try:
            self.case = cases.open_case(
                self.van.store,
                item.code,
                self.staff.id,
                ticket_id=self.ticket.id,
                citizen_id=self.citizen.id if self.citizen else None,
                now=self.van.now(),
            )
        except StoreError as error:
            return error.problem
        self.item = item
        problem = self._case_follows_person()
        if problem is not None:
            return problem
        assert self.case is not None
        return self.case

    def materials(self) -> MaterialsView:
        if self.case is None:
            return MaterialsView(None, self.item, {}, {})
        store = self.van.store
        self.case = cases.get_case(store, self.case.id)
        attachments = {attachment.id: attachment for attachment in cases.list_attachments(store, self.case.id)}
        certifiers = {
            person: staff_store.get_staff(store, person).name
            for person in {a.certified_by for a in attachments.values() if a.certified_by is not None}
        }
        lines = [line.material for line in self.case.materials]
        photos = frozenset(line for line in lines if _is_photo(line))
        if not photos and self._item.needs_id_photo:
            photos = frozenset(lines)
        return MaterialsView(self.case, self.item, attachments, certifiers, photos)

    def mark(self, material: str, state: MaterialState) -> Case | Problem:
        """Tick a line: its original seen, or missing (a copy comes from `capture`)."""
        refused = self._refused(Action.MARK_MATERIAL)
        if refused is not None:
            return refused
        assert self.case is not None
        try:
            self.case = cases.set_material(self.van.store, self.case.id, material, state)
        except StoreError as error:
            return error.problem
        return self.case

    async def capture(self, material: str, *, photo: bool) -> Captured | Problem:
        """A certified copy (stamped with who checked it and when) or an ID photo, from the document camera."""
        refused = self._refused(Action.CAPTURE)
        if refused is not None:
            return refused
        case = self.case
        assert case is not None
        moment = self.van.now()
        certify = None if photo else Certify(staff=self.staff.name, at=moment.isoformat(timespec="seconds"))
        command = CaptureCommand(
            job_id=f"case-{case.id}-{new_id()[:8]}", mode="id_photo" if photo else "document", certify=certify
        )
        result = await send(
            self.van, "camera", "capture", command, timeout=self.van.config.devices.camera.timeout_s + CAPTURE_MARGIN_S
        )
        if isinstance(result, Problem):
            return result
        if not result.path or not result.sha256:
            return Problem(Code.COMMAND_FAILED, {"device": "camera"})
        return self._attach(case, material, result, photo=photo, at=moment)

    def _attach(self, case: Case, material: str, result: JobResult, *, photo: bool, at: datetime) -> Captured | Problem:
        assert result.path is not None and result.sha256 is not None
        try:
            attachment = cases.add_attachment(
                self.van.store,
                case.id,
                path=result.path,
                sha256=result.sha256,
                kind="id_photo" if photo else "certified_copy",
                size_bytes=result.bytes,
                material=material,
                certified_by=None if photo else self.staff.id,
                certified_at=None if photo else at,
                now=at,
            )
        except StoreError as error:
            return error.problem
        if self.case is not None and self.case.id == case.id:
            self.case = cases.get_case(self.van.store, case.id)
        return Captured(attachment, len(result.warnings or ()))

    def look_up(self, code: str) -> CaseFound | Problem:
        """An earlier case from its receipt (scanned or typed); with none open, a new case for its item."""
        refused = self._refused(Action.LOOK_UP)
        if refused is not None:
            return refused
        case_id = parse_case_number(code, self.van.config.van_id)
        if case_id is None:
            return Problem(Code.INTAKE_NOT_A_CASE_NUMBER)
        try:
            found = cases.get_case(self.van.store, case_id)
            item = catalogue.get_item(self.van.store, found.item_code)
        except StoreError as error:
            return error.problem
        opened = None
        if self.case is None:
            chosen = self._open_case(item)
            if isinstance(chosen, Problem):
                return chosen
            opened = chosen
        return CaseFound(self.number_of(found), item, found.outcome, found.reason, opened)

    def scan(self, event: ScanEvent) -> CaseFound | Waybill | Problem | None:
        """A scan from this terminal's scanner: a case number at the materials step (wherever the focus is),
        a waybill at the outcome step. None for a scan read for another terminal."""
        if not claims.is_mine(self.van, event):
            return None
        code = event.code.strip()
        if self.step is Step.MATERIALS:
            return self.look_up(code)
        if self.step is Step.OUTCOME:
            if self.outcome in _DELIVERING and not self._item.mailable:
                return Problem(Code.CASE_NOT_MAILABLE, {"item": self._item.name, "item_en": self._item.name_en})
            if not self.allowed(Action.DELIVER_POST):
                return Problem(Code.CASE_POST_DETAILS_NOT_POST)
            self.delivery = "post"
            return Waybill(code)
        return Problem(Code.INTAKE_SCAN_NOT_USED, {"step": self.step.value})

    # The outcome step
    def number_of(self, case: Case) -> str:
        """The number printed on its receipt and scanned back: LG-01-000123."""
        return case_number(self.van.config.van_id, case.id)

    def delivery_address(self) -> str:
        """Where a result is taken by default: the person's address."""
        return (self.citizen.address if self.citizen and self.citizen.address else None) or self.person.address

    def choose_outcome(self, outcome: Outcome) -> Problem | None:
        refused = self._refused(_OUTCOME_ACTIONS[outcome])
        if refused is not None:
            return refused
        self.outcome = outcome
        if outcome not in _DELIVERING:
            self.delivery = "on_site"
        return None

    def choose_delivery(self, delivery: Delivery) -> Problem | None:
        refused = self._refused(_DELIVERY_ACTIONS[delivery])
        if refused is not None:
            return refused
        self.delivery = delivery
        return None

    def record(
        self, details: OutcomeDetails, *, missing_confirmed: bool = False
    ) -> Recorded | MissingMaterials | Problem:
        """Record the outcome as a clerk would check it; missing required materials are confirmed first."""
        refused = self._refused(Action.RECORD)
        if refused is not None:
            return refused
        case, outcome = self.case, self.outcome
        assert case is not None
        if outcome is None:
            return Problem(Code.INTAKE_OUTCOME_MISSING)
        missing = tuple(
            line.material for line in cases.get_case(self.van.store, case.id).materials if line.state == "missing"
        )
        checked = self._checked(outcome, details, missing)
        if isinstance(checked, Problem):
            return checked
        reason, address, door_date = checked
        if outcome in _DELIVERING and missing and not missing_confirmed:
            return MissingMaterials(missing)
        delivery = self.delivery if outcome in _DELIVERING else None
        waybill = details.waybill.strip() if delivery == "post" else ""
        try:
            self.case = cases.record_outcome(
                self.van.store,
                case.id,
                outcome,
                reason=reason,
                delivery=delivery,
                delivery_address=address,
                waybill=waybill or None,
                delivery_date=door_date,
                now=self.van.now(),
            )
        except StoreError as error:
            return error.problem
        recorded = self.case
        self.recorded.append(recorded)
        self.case, self.step, self.printouts = None, Step.RECORDED, []
        return Recorded(recorded, offer_return_visit=receipts.wants_missing_list(recorded), missing=missing)

    def _checked(
        self, outcome: Outcome, details: OutcomeDetails, missing: tuple[str, ...]
    ) -> tuple[str | None, str | None, date | None] | Problem:
        """(reason, address, door date) to store, or what the clerk must fix first."""
        if outcome == "not_done":
            if details.reason is None:
                return Problem(Code.CASE_REASON_MISSING)
            if details.reason is NotDone.OTHER and not details.reason_detail.strip():
                return Problem(Code.INTAKE_REASON_DETAIL_MISSING)
            detail = details.reason_detail or (
                "、".join(missing) if details.reason is NotDone.MISSING_MATERIALS else ""
            )
            return reasons.stored(details.reason.value, detail), None, None
        if outcome not in _DELIVERING:
            return None, None, None
        if contact.name_problem(self.person.name) is not None:
            return Problem(Code.INTAKE_APPLICANT_MISSING)
        if self.delivery == "on_site":
            return None, None, None
        address = details.address.strip()
        problem = contact.address_problem(address, required=True)
        if problem is not None:
            return problem
        if self.delivery == "post":
            return None, address, None
        try:
            day = date.fromisoformat(details.door_date.strip())
        except ValueError:
            return Problem(Code.INTAKE_DOOR_DATE_FORM)
        if day < self.van.now().date():
            return Problem(Code.INTAKE_DOOR_DATE_PAST)
        return None, address, day

    def book_return_visit(self, text: str) -> BookedVisit | Problem:
        """An appointment to come back with the missing materials, at a local time typed as 2026-11-25 09:30."""
        case = self.recorded[-1]
        tz = self.van.config.tz
        try:
            typed = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
        except ValueError:
            return Problem(Code.INTAKE_APPOINTMENT_TIME_FORM)
        moment = typed.astimezone(tz) if typed.tzinfo is not None else typed.replace(tzinfo=tz)
        if moment <= self.van.now():
            return Problem(Code.INTAKE_APPOINTMENT_PAST)
        try:
            booked = appointments.book(
                self.van.store,
                "individual",
                moment,
                [case.item_code],
                citizen_id=self.citizen.id if self.citizen else None,
                booked_by=self.staff.id,
                now=self.van.now(),
            )
        except StoreError as error:
            return error.problem
        return BookedVisit(at=moment, code=booked.checkin_code, qr_payload=booked.qr_payload)

    async def print_receipts(self, visit: BookedVisit | None = None) -> list[PrintResult]:
        """Print what the last outcome calls for (flows.receipts); kept for a reprint."""
        case = self.recorded[-1]
        item = catalogue.get_item(self.van.store, case.item_code)
        self.printouts = receipts.printouts(
            case,
            item,
            self._header(case, item),
            visit=visit,
            label=self._label(case, item),
            due=receipts.due_date(item, self.van.now().date(), self.van.config.service.holidays)
            if case.outcome == "accepted_forwarded"
            else None,
        )
        return await self.reprint()

    async def reprint(self) -> list[PrintResult]:
        return [
            PrintResult(printout.kind, await print_document(self.van, printout.document)) for printout in self.printouts
        ]

    def _header(self, case: Case, item: Item) -> receipts.ReceiptHeader:
        return receipts.ReceiptHeader(
            case_number=self.number_of(case),
            item_name=item.name,
            department=self.department_name(item.department),
            person=mask_name(self.person.name),
            staff=self.staff.name,
            window=self.window,
            stop=self.trip.stop_name,
            at=self.van.now(),
        )

    def _label(self, case: Case, item: Item) -> receipts.MailingLabel | None:
        if case.delivery != "post":
            return None
        address = (
            cases.delivery_address(
                self.van.store, case.id, staff_id=self.staff.id, purpose="print the mailing label", now=self.van.now()
            )
            or ""
        )
        return receipts.MailingLabel(
            name=(self.citizen.name if self.citizen else None) or self.person.name,
            phone=(self.citizen.phone if self.citizen else None) or self.person.phone,
            address=address,
            waybill=case.waybill,
            case_number=self.number_of(case),
            item_name=item.name,
            sender=f"{receipts.OFFICE} · {self.trip.stop_name}",
        )

    # The end of the visit
    def another_item(self) -> Step | Problem:
        refused = self._refused(Action.ANOTHER_ITEM)
        if refused is not None:
            return refused
        self.item, self.printouts = None, []
        return self._go(Step.MATERIALS)

    def leave(self) -> Problem | None:
        """Out of intake with no case open: the ticket is still being served, and the window resumes it."""
        return self._refused(Action.LEAVE)

    def finish_visit(self) -> RatingFlow | Problem:
        """The person leaves the window; they are invited to rate the visit."""
        refused = self._refused(Action.FINISH_VISIT)
        if refused is not None:
            return refused
        ticket = self._end_ticket()
        if isinstance(ticket, Problem):
            return ticket
        return RatingFlow(self.van, ticket, named=self.citizen is not None, staff=self.staff, trip=self.trip)

    def abandon(self, reason: Abandoned, detail: str = "") -> VisitAbandoned | Problem:
        """End the visit without an outcome: the open case is recorded as abandoned, with why."""
        refused = self._refused(Action.ABANDON)
        if refused is not None:
            return refused
        if reason is Abandoned.OTHER and not detail.strip():
            return Problem(Code.INTAKE_REASON_DETAIL_MISSING)
        abandoned = None
        if self.case is not None:
            try:
                abandoned = cases.record_outcome(
                    self.van.store,
                    self.case.id,
                    "not_done",
                    reason=reasons.stored(reason.code, detail),
                    now=self.van.now(),
                )
            except StoreError as error:
                return error.problem
            self.case = None
            self.recorded.append(abandoned)
        else:
            # No case was opened to keep the reason on: the ticket ends served without one.
            log.info("ticket %s: visit abandoned before any case was opened (%s)", self.ticket.label, reason.code)
        ticket = self._end_ticket()
        if isinstance(ticket, Problem):
            return ticket
        return VisitAbandoned(abandoned)

    def _end_ticket(self) -> Ticket | Problem:
        try:
            self.ticket = tickets.finish(self.van.store, self.ticket.id, now=self.van.now())
        except StoreError as error:
            return error.problem
        Announcer(self.van).ticket(self.ticket, "done")
        self.step = Step.ENDED
        return self.ticket


def _is_photo(material: str) -> bool:
    return any(word in material for word in _PHOTO_WORDS)


def _number(text: str) -> str:
    return text.strip().upper()


def _details_of(citizen: Citizen) -> PersonDetails:
    return _filled_in(PersonDetails(), citizen)


def _filled_in(details: PersonDetails, citizen: Citizen) -> PersonDetails:
    """What the store has on file fills the blanks; what was typed or read is kept."""
    return replace(
        details,
        id_number=citizen.id_number or details.id_number,
        name=details.name or citizen.name or "",
        sex=details.sex or citizen.sex,
        phone=details.phone or citizen.phone or "",
        address=details.address or citizen.address or "",
        birth_date=details.birth_date or (citizen.birth_date.isoformat() if citizen.birth_date else ""),
    )
