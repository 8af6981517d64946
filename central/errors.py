"""The one error base of central/."""

from __future__ import annotations

__all__ = ["CentralError"]


class CentralError(Exception):
    """The centre cannot start or answer (database, broker, connector); the message says what to do."""
