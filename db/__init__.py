"""govan's store: one SQLite file (WAL) shared by every TUI, with the van's domain operations.

Open it with `open_store(path)`; every operation is a plain function taking the
`Database` first. Times may be passed as `now=` (timezone-aware) for tests.
Errors are StoreError subclasses whose messages name the problem without
personal data. See docs/store.md for the whole API.

This package imports nothing else of govan: callers pass config values in.
"""

from db import appointments, audit, catalogue, cases, citizens, demo, idnumber, outbox, ratings, staff, trips
from db.appointments import Appointment
from db.appointments import book as book_appointment
from db.appointments import cancel as cancel_appointment
from db.appointments import check_in
from db.appointments import get as get_appointment
from db.cases import (
    Attachment,
    Case,
    Material,
    add_attachment,
    confirm_delivery,
    get_case,
    list_cases,
    open_case,
    record_outcome,
    set_material,
)
from db.catalogue import Department, Item, get_item, list_departments, list_items
from db.citizens import Citizen, CitizenRef
from db.citizens import find_or_create as find_or_create_citizen
from db.citizens import get as get_citizen
from db.clock import SHANGHAI
from db.connection import immediate, open_store
from db.errors import (
    AlreadyRated,
    BadCredentials,
    InvalidIdNumber,
    InvalidValue,
    NotFound,
    StoreError,
    UnknownCategory,
    UnknownItem,
    WrongState,
)
from db.idnumber import mask as mask_id_number
from db.idnumber import mask_name, mask_phone
from db.idnumber import validate as validate_id_number
from db.metrics import (
    Evaluation,
    EvaluationWeights,
    Figures,
    GroupFigures,
    ShiftSummary,
    evaluate,
    figures,
    shift_summary,
)
from db.ratings import (
    FollowUp,
    Rating,
    Suggestion,
    add_suggestion,
    list_follow_ups,
    rate,
    record_callback,
    record_fix,
    report_back,
)
from db.retention import PurgeReport, purge
from db.staff import Staff, add_staff, authenticate
from db.tickets import (
    Board,
    Ticket,
    WaitEstimate,
    call_next,
    estimate_wait,
    finish,
    get_ticket,
    issue_ticket,
    list_tickets,
    mark_no_show,
    queue_board,
    recall,
    set_print_state,
    start_service,
    transfer_to_category,
    transfer_to_window,
)
from db.trips import Stop, Trip, add_stop, close_trip, current_trip, get_trip, open_trip, plan_trip, set_crew
from db.workdays import add_working_days

__all__ = [
    # modules, for everything not re-exported by name
    "appointments", "audit", "catalogue", "cases", "citizens", "demo", "idnumber", "outbox", "ratings",
    "staff", "trips",
    # connection and errors
    "open_store", "immediate", "SHANGHAI",
    "StoreError", "InvalidValue", "InvalidIdNumber", "NotFound", "UnknownItem", "UnknownCategory",
    "WrongState", "AlreadyRated", "BadCredentials",
    # catalogue, staff, trips
    "Department", "Item", "get_item", "list_items", "list_departments",
    "Staff", "add_staff", "authenticate",
    "Stop", "Trip", "add_stop", "plan_trip", "set_crew", "open_trip", "close_trip", "current_trip", "get_trip",
    # personal data
    "Citizen", "CitizenRef", "find_or_create_citizen", "get_citizen",
    "validate_id_number", "mask_id_number", "mask_name", "mask_phone",
    "PurgeReport", "purge",
    # queue
    "Ticket", "WaitEstimate", "Board", "issue_ticket", "call_next", "recall", "mark_no_show", "start_service",
    "finish", "transfer_to_window", "transfer_to_category", "set_print_state", "get_ticket", "list_tickets",
    "estimate_wait", "queue_board",
    # appointments
    "Appointment", "book_appointment", "check_in", "cancel_appointment", "get_appointment",
    # cases
    "Case", "Material", "Attachment", "open_case", "add_attachment", "set_material", "record_outcome",
    "confirm_delivery", "get_case", "list_cases",
    # ratings
    "Rating", "FollowUp", "Suggestion", "rate", "record_callback", "record_fix", "report_back",
    "list_follow_ups", "add_suggestion", "add_working_days",
    # metrics
    "Figures", "GroupFigures", "ShiftSummary", "Evaluation", "EvaluationWeights", "shift_summary", "figures",
    "evaluate",
]
