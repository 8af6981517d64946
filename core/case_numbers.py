"""The number printed and spoken for a case (LG-01-000123), and reading it back from a scan."""

from __future__ import annotations

import re

__all__ = ["CASE_QR_PREFIX", "case_number", "parse_case_number"]

# A receipt's QR code carries the case number behind this prefix.
CASE_QR_PREFIX = "GOVAN-CASE:"
_CASE_NUMBER = re.compile(r"(?P<van>[A-Z0-9-]+)-(?P<id>[0-9]{6,})")


def case_number(van_id: str, case_id: int) -> str:
    return f"{van_id.upper()}-{case_id:06d}"


def parse_case_number(text: str, van_id: str) -> int | None:
    """The case id in a typed or scanned case number (or a receipt's QR), if it is this van's."""
    code = text.strip().upper()
    if code.startswith(CASE_QR_PREFIX):
        code = code[len(CASE_QR_PREFIX) :]
    match = _CASE_NUMBER.fullmatch(code)
    if match is None or match.group("van") != van_id.upper():
        return None
    return int(match.group("id"))
