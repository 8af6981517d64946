"""Which reader or scanner a terminal uses, and holding it: a card read or a scan serves one terminal.

The daemon arbitrates (docs/contract-additions.md, "Device claims"): a terminal claims a
device, every event read while it holds it carries its terminal id, and every other
terminal sees who holds it. A holder's label is data, not words: `label()` packs the
window (or none, for the desk) and the staff name, `parse_label()` unpacks it for a view.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.devices import window_reader
from core.problems import Code, Problem
from daemon.errors import BrokerUnreachable, CommandTimeout
from daemon.messages import CLAIM_TIMEOUT_S, CardEvent, ScanEvent
from flows.commands import unavailable

if TYPE_CHECKING:  # only a type here: the store stack is not loaded with the views that use these
    from flows.van import Van

__all__ = ["HeldBy", "claim", "holder", "is_mine", "label", "parse_label", "reader_for", "release"]

_SEPARATOR = "|"


@dataclass(frozen=True)
class HeldBy:
    """Who holds a device, for a view: nobody, this terminal, or another one (its window and staff name)."""

    mine: bool
    window: str | None = None
    name: str | None = None

    @property
    def nobody(self) -> bool:
        return not self.mine and self.name is None


def reader_for(van: Van, window: str | None) -> str:
    """The ID reader a window uses: its own (`[devices.idreaders.<key>] window = …`), else the shared one."""
    for key, reader in van.config.devices.idreaders.items():
        if window is not None and reader.window == window:
            return window_reader(key)
    return "idreader"


def label(window: str | None, name: str) -> str:
    return f"{window or ''}{_SEPARATOR}{name}"


def parse_label(text: str | None) -> tuple[str | None, str | None]:
    """(window or None for the desk, staff name); (None, None) for no label; a foreign label is a name."""
    if not text:
        return None, None
    window, separator, name = text.partition(_SEPARATOR)
    if not separator:
        return None, text
    return window or None, name


def holder(van: Van, device: str) -> HeldBy:
    held = van.bus.holder(device)
    if held.terminal is not None and held.terminal == van.terminal:
        return HeldBy(mine=True)
    window, name = parse_label(held.label)
    return HeldBy(mine=False, window=window, name=name if held.terminal is not None else None)


async def claim(van: Van, device: str, window: str | None, name: str, *, take: bool = False) -> Problem | None:
    """Hold `device` for this terminal; `device.held` names who has it, unless `take`."""
    problem = unavailable(van, device)
    if problem is not None:
        return problem
    try:
        result = await van.bus.claim(device, label(window, name), take=take)
    except CommandTimeout:
        return Problem(Code.COMMAND_NO_RESULT, {"device": device, "seconds": round(CLAIM_TIMEOUT_S)})
    except BrokerUnreachable:
        return Problem(Code.DAEMON_NO_BROKER, {"reason": ""})
    if result.state == "done":
        return None
    return result.problem or Problem(Code.COMMAND_FAILED, {"device": device})


async def release(van: Van, device: str) -> None:
    """Let go of `device` if this terminal holds it; nothing to report if it cannot be told now."""
    # If it cannot be told now, the daemon frees a terminal's claims when it goes offline.
    if holder(van, device).mine:
        with contextlib.suppress(CommandTimeout, BrokerUnreachable):
            await van.bus.release(device)


def is_mine(van: Van, event: CardEvent | ScanEvent) -> bool:
    """A card read or a scan this terminal may act on: read while it held the device."""
    return event.terminal is not None and event.terminal == van.terminal
