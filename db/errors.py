"""The store's own errors.

Every message names the problem in words a person can act on, and never contains
personal data (ID numbers, names, addresses), because callers may log it.
"""

from __future__ import annotations


class StoreError(Exception):
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
