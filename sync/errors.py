"""The one error base of sync/."""

from __future__ import annotations

__all__ = ["SyncError"]


class SyncError(Exception):
    """`govan sync` cannot start or answer; the message says what to do."""
