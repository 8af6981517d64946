"""The store's own errors.

Each carries a `core.problems.Problem`: a code the views translate, and params that
never contain personal data (ID numbers, names, addresses, phones), because str() of
an error is its log line. The class tells callers how to react; the code, what to say.
"""

from __future__ import annotations

from core.problems import ProblemError

__all__ = [
    "AlreadyRated",
    "BadCredentials",
    "InvalidIdNumber",
    "InvalidValue",
    "LoginLocked",
    "NotFound",
    "StoreError",
    "UnknownCategory",
    "UnknownItem",
    "WrongState",
]


class StoreError(ProblemError):
    """Base of every error the store raises on purpose."""


class InvalidValue(StoreError):
    """A value given to the store is not acceptable (wrong range, format or kind)."""


class InvalidIdNumber(InvalidValue):
    """An ID number fails GB 11643 (length, birth date or check character)."""


class NotFound(StoreError):
    """A row named by its id or code does not exist."""


class UnknownItem(NotFound):
    """A service item code is not in the catalogue."""


class UnknownCategory(NotFound):
    """A queue category (a department's queue letter) does not exist."""


class WrongState(StoreError):
    """The operation is not allowed in the current state (e.g. calling on a closed trip)."""


class AlreadyRated(WrongState):
    """The visit already has its one rating (一次一评)."""


class BadCredentials(StoreError):
    """Unknown login, inactive staff member or wrong PIN (deliberately not told apart)."""


class LoginLocked(BadCredentials):
    """Too many wrong PINs in a row for this login (known or not): no PIN is checked until the lock ends."""
