"""govan's store: one SQLite file (WAL) shared by every TUI, with the van's domain operations.

Open it with `open_store(path)`; every operation is a plain function taking the
`Database` first. Times may be passed as `now=` (timezone-aware) for tests.
Errors are StoreError subclasses carrying a core.problems.Problem (a code and
params without personal data); views translate the code. See docs/store.md for
the whole API.

This package imports only core of govan: callers pass config values in.
"""

from __future__ import annotations

import importlib
from typing import Any

# Submodules load on first use, so that opening the store does not import every domain module.
_MODULES = {
    "appointments", "audit", "catalogue", "cases", "citizens", "demo", "outbox", "ratings", "staff", "trips",
}
_EXPORTS: dict[str, tuple[str, str]] = {
    "Appointment": ("db.appointments", "Appointment"),
    "book_appointment": ("db.appointments", "book"),
    "cancel_appointment": ("db.appointments", "cancel"),
    "check_in": ("db.appointments", "check_in"),
    "get_appointment": ("db.appointments", "get"),
    "Attachment": ("db.cases", "Attachment"),
    "Case": ("db.cases", "Case"),
    "Material": ("db.cases", "Material"),
    "add_attachment": ("db.cases", "add_attachment"),
    "confirm_delivery": ("db.cases", "confirm_delivery"),
    "get_case": ("db.cases", "get_case"),
    "list_cases": ("db.cases", "list_cases"),
    "open_case": ("db.cases", "open_case"),
    "record_outcome": ("db.cases", "record_outcome"),
    "set_material": ("db.cases", "set_material"),
    "Department": ("db.catalogue", "Department"),
    "Item": ("db.catalogue", "Item"),
    "get_item": ("db.catalogue", "get_item"),
    "list_departments": ("db.catalogue", "list_departments"),
    "list_items": ("db.catalogue", "list_items"),
    "Citizen": ("db.citizens", "Citizen"),
    "CitizenRef": ("db.citizens", "CitizenRef"),
    "find_or_create_citizen": ("db.citizens", "find_or_create"),
    "get_citizen": ("db.citizens", "get"),
    "SHANGHAI": ("db.clock", "SHANGHAI"),
    "immediate": ("db.connection", "immediate"),
    "open_store": ("db.connection", "open_store"),
    "AlreadyRated": ("db.errors", "AlreadyRated"),
    "BadCredentials": ("db.errors", "BadCredentials"),
    "InvalidIdNumber": ("db.errors", "InvalidIdNumber"),
    "InvalidValue": ("db.errors", "InvalidValue"),
    "NotFound": ("db.errors", "NotFound"),
    "StoreError": ("db.errors", "StoreError"),
    "UnknownCategory": ("db.errors", "UnknownCategory"),
    "UnknownItem": ("db.errors", "UnknownItem"),
    "WrongState": ("db.errors", "WrongState"),
    "mask_id_number": ("core.masking", "mask_id_number"),
    "mask_name": ("core.masking", "mask_name"),
    "mask_phone": ("core.masking", "mask_phone"),
    "validate_id_number": ("db.citizens", "validate_id_number"),
    "Evaluation": ("db.metrics", "Evaluation"),
    "EvaluationWeights": ("db.metrics", "EvaluationWeights"),
    "Figures": ("db.metrics", "Figures"),
    "GroupFigures": ("db.metrics", "GroupFigures"),
    "ShiftSummary": ("db.metrics", "ShiftSummary"),
    "evaluate": ("db.metrics", "evaluate"),
    "figures": ("db.metrics", "figures"),
    "shift_summary": ("db.metrics", "shift_summary"),
    "FollowUp": ("db.ratings", "FollowUp"),
    "Rating": ("db.ratings", "Rating"),
    "Suggestion": ("db.ratings", "Suggestion"),
    "add_suggestion": ("db.ratings", "add_suggestion"),
    "list_follow_ups": ("db.ratings", "list_follow_ups"),
    "rate": ("db.ratings", "rate"),
    "record_callback": ("db.ratings", "record_callback"),
    "record_fix": ("db.ratings", "record_fix"),
    "report_back": ("db.ratings", "report_back"),
    "PurgeReport": ("db.retention", "PurgeReport"),
    "purge": ("db.retention", "purge"),
    "Staff": ("db.staff", "Staff"),
    "add_staff": ("db.staff", "add_staff"),
    "authenticate": ("db.staff", "authenticate"),
    "Board": ("db.tickets", "Board"),
    "Ticket": ("db.tickets", "Ticket"),
    "WaitEstimate": ("db.tickets", "WaitEstimate"),
    "call_next": ("db.tickets", "call_next"),
    "estimate_wait": ("db.tickets", "estimate_wait"),
    "finish": ("db.tickets", "finish"),
    "get_ticket": ("db.tickets", "get_ticket"),
    "issue_ticket": ("db.tickets", "issue_ticket"),
    "list_tickets": ("db.tickets", "list_tickets"),
    "mark_no_show": ("db.tickets", "mark_no_show"),
    "queue_board": ("db.tickets", "queue_board"),
    "recall": ("db.tickets", "recall"),
    "set_print_state": ("db.tickets", "set_print_state"),
    "start_service": ("db.tickets", "start_service"),
    "transfer_to_category": ("db.tickets", "transfer_to_category"),
    "transfer_to_window": ("db.tickets", "transfer_to_window"),
    "Stop": ("db.trips", "Stop"),
    "Trip": ("db.trips", "Trip"),
    "add_stop": ("db.trips", "add_stop"),
    "close_trip": ("db.trips", "close_trip"),
    "current_trip": ("db.trips", "current_trip"),
    "get_trip": ("db.trips", "get_trip"),
    "open_trip": ("db.trips", "open_trip"),
    "plan_trip": ("db.trips", "plan_trip"),
    "set_crew": ("db.trips", "set_crew"),
    "add_working_days": ("db.workdays", "add_working_days"),
}


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f"db.{name}")
    if name in _EXPORTS:
        module, attribute = _EXPORTS[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'db' has no attribute {name!r}")

__all__ = [
    # modules, for everything not re-exported by name
    "appointments", "audit", "catalogue", "cases", "citizens", "demo", "outbox", "ratings",
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
