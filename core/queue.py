"""Facts of the queue shared by the configuration and the store."""

from __future__ import annotations

__all__ = ["MAX_DEFER_PLACES"]

# 过号顺延 puts a missed number back at most this many calls (`[service] defer_places`).
MAX_DEFER_PLACES = 20
