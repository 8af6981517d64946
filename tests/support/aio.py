"""Awaiting with a bound in tests, without `asyncio.wait_for`.

Python 3.11's `asyncio.wait_for` loses a cancellation that arrives just as the awaited
thing completes (CPython gh-86296, fixed in 3.12), so the project bans it (ruff TID251);
`asyncio.timeout` does not.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def within(seconds: float, awaitable: Awaitable[T]) -> T:
    """`await awaitable`, or TimeoutError after `seconds` (a liveness bound, never a timing assertion)."""
    async with asyncio.timeout(seconds):
        return await awaitable
