"""Problems: what went wrong, as a code and its parameters, never as words.

Everything below the views (core, devices, daemon, db, flows) reports a problem as a
`Problem(code, params)`; only the views (tui, web) turn it into words, in the staff's
language. `str(problem)` is for logs: English, and the params never carry personal
data (ID numbers, names, addresses, phones), since logs must not.

A layer that raises does so with a `ProblemError` subclass of its own (db.errors,
flows); the code tells the views what to say, the class tells callers how to react.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Code", "Param", "Problem", "ProblemError"]

Param = str | int | float | None


class Code(StrEnum):
    """Every problem govan can report. The views have words for each (a test checks it)."""

    # GB 11643 ID numbers (core.idnumber)
    ID_NOT_TEXT = "id.not_text"
    ID_FIFTEEN_DIGITS = "id.fifteen_digits"
    ID_LENGTH = "id.length"  # count
    ID_CHARACTERS = "id.characters"
    ID_BIRTH_DATE = "id.birth_date"
    ID_CHECK_CHARACTER = "id.check_character"
    # Contact details a clerk types (core.contact)
    NAME_MISSING = "contact.name_missing"
    NAME_CHARACTERS = "contact.name_characters"
    NAME_TOO_LONG = "contact.name_too_long"  # limit
    PHONE_INVALID = "contact.phone_invalid"
    ADDRESS_MISSING = "contact.address_missing"
    ADDRESS_TOO_LONG = "contact.address_too_long"  # limit, length

    # The store (db): codes start with the module they come from, e.g. "ticket.wrong_state".
    # -- store codes below --

    # Flows: what a workflow refuses, e.g. "intake.missing_materials".
    # -- flow codes below --

    # Devices and the daemon: what a device or a command reports, e.g. "printer.paper_out".
    # -- device codes below --


@dataclass(frozen=True)
class Problem:
    code: Code
    params: Mapping[str, Param] = field(default_factory=dict)

    def __str__(self) -> str:
        if not self.params:
            return self.code.value
        return f"{self.code.value} ({', '.join(f'{key}={value}' for key, value in self.params.items())})"


class ProblemError(Exception):
    """Raised with a problem; str() is the log line."""

    def __init__(self, code: Code, **params: Param) -> None:
        self.problem = Problem(code, params)
        super().__init__(str(self.problem))

    @property
    def code(self) -> Code:
        return self.problem.code
