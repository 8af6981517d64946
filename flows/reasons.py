"""Why a case was not done, or was abandoned, as the store keeps it: a code, then what the clerk wrote.

A stored reason reads `missing_materials: 居民户口簿` or `abandoned.person_left`; views put the
code into words, and show the detail as it was typed.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ABANDONED", "Abandoned", "NotDone", "parse", "stored"]

# The prefix of an abandoned case's reason: it is recorded as not done (see docs/flows.md).
ABANDONED = "abandoned."
_SEPARATOR = ": "


class NotDone(StrEnum):
    """Why a case could not be done; missing materials prints the list of what to bring."""

    MISSING_MATERIALS = "missing_materials"
    NOT_ELIGIBLE = "not_eligible"
    SYSTEM_DOWN = "system_down"
    WITHDRAWN = "withdrawn"
    OTHER = "other"


class Abandoned(StrEnum):
    """Why a visit ended without an outcome for its open case."""

    PERSON_LEFT = "person_left"
    WRONG_PLACE = "wrong_place"
    OTHER = "other"

    @property
    def code(self) -> str:
        return ABANDONED + self.value


def stored(code: str, detail: str = "") -> str:
    detail = detail.strip()
    return f"{code}{_SEPARATOR}{detail}" if detail else code


def parse(reason: str) -> tuple[str, str]:
    """(code, detail) of a stored reason."""
    code, _, detail = reason.partition(_SEPARATOR)
    return code, detail
