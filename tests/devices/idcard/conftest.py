"""Helpers for the ID-reader tests: what the driver reported, and what the emulator sent."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from core.problems import Problem
from devices.idcard.driver import CardRead
from devices.idcard.emulator import PtyReaderEmulator
from devices.idcard.frames import Command, Reply
from tests.support.aio import within

WAIT = 10.0  # liveness bound only; never a timing assertion


class Recorder:
    """The driver's ReaderEvents, kept in order so tests can wait for them."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.seen: list[tuple[str, Any]] = []
        self.codes: list[Problem] = []  # the problem of each "problem" event, in order

    def ready(self) -> None:
        self.queue.put_nowait(("ready", None))

    def card(self, read: CardRead) -> None:
        self.queue.put_nowait(("card", read))

    def problem(self, detail: str, problem: Problem) -> None:
        self.codes.append(problem)
        self.queue.put_nowait(("problem", detail))

    async def next(self, kind: str) -> Any:
        while True:
            event = await within(WAIT, self.queue.get())
            self.seen.append(event)
            if event[0] == kind:
                return event[1]

    def drain(self) -> list[tuple[str, Any]]:
        events = []
        while not self.queue.empty():
            events.append(self.queue.get_nowait())
        self.seen += events
        return events


class Replies:
    """Counts what the emulator has sent, to know the driver polled, without timing anything."""

    def __init__(self, emulator: PtyReaderEmulator) -> None:
        self.counts: dict[tuple[int, int], int] = {}
        self.changed = asyncio.Event()
        emulator.on_reply_sent = self.sent

    def sent(self, command: Command, reply: Reply, at: float) -> None:
        self.counts[command.code] = self.counts.get(command.code, 0) + 1
        self.changed.set()

    async def wait_for(self, command: Command, more: int) -> None:
        target = self.counts.get(command.code, 0) + more
        async with asyncio.timeout(WAIT):
            while self.counts.get(command.code, 0) < target:
                self.changed.clear()
                await self.changed.wait()


@pytest.fixture
def recorder() -> Callable[[], Recorder]:
    """A factory: each run of the driver gets its own Recorder."""
    return Recorder


@pytest.fixture
async def emulator(tmp_path: Path) -> AsyncIterator[PtyReaderEmulator]:
    async with PtyReaderEmulator(tmp_path) as emulator:
        yield emulator


@pytest.fixture
def replies(emulator: PtyReaderEmulator) -> Replies:
    return Replies(emulator)
