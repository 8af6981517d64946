"""Topic names of the MQTT contract, all under the base `{topic_prefix}/{van_id}`."""

from __future__ import annotations

from dataclasses import dataclass

from core.devices import CLAIMABLE, kind_of

# Commands by device kind; a window's reader ("idreader-w2") takes those of "idreader".
COMMANDS = {
    "idreader": ("test",),
    "scanner": ("test",),
    "printer": ("print", "test"),
    "camera": ("capture", "test"),
    "speaker": ("say", "test"),
}
# Claims are commands too, answered on the device's result topic, for what a terminal claims.
CLAIM_COMMANDS = ("claim", "release")


def commands_of(device: str) -> tuple[str, ...]:
    """The commands a device takes, by its name on the bus; () for a name that is no device."""
    kind = kind_of(device)
    if kind is None:
        return ()
    return COMMANDS[kind] + (CLAIM_COMMANDS if kind in CLAIMABLE else ())


@dataclass(frozen=True)
class Topics:
    base: str

    @classmethod
    def for_van(cls, topic_prefix: str, van_id: str) -> Topics:
        return cls(f"{topic_prefix}/{van_id}")

    @property
    def daemon_state(self) -> str:
        return f"{self.base}/daemon/state"

    def state(self, device: str) -> str:
        return f"{self.base}/{device}/state"

    def error(self, device: str) -> str:
        return f"{self.base}/{device}/error"

    def event(self, device: str, kind: str) -> str:
        """An event topic such as B/idreader/card or B/scanner/scan."""
        return f"{self.base}/{device}/{kind}"

    @property
    def card(self) -> str:
        return self.event("idreader", "card")

    @property
    def scan(self) -> str:
        return self.event("scanner", "scan")

    def command(self, device: str, name: str) -> str:
        return f"{self.base}/{device}/{name}"

    def result(self, device: str) -> str:
        return f"{self.base}/{device}/result"

    def sim(self, device: str, action: str) -> str:
        return f"{self.base}/sim/{device}/{action}"

    def holder(self, device: str) -> str:
        """Retained: the terminal that holds a reader or scanner (docs/contract-additions.md)."""
        return f"{self.base}/{device}/holder"

    def terminal_state(self, terminal: str) -> str:
        """Retained: a staff program's presence, online or offline (its last will)."""
        return f"{self.base}/terminal/{terminal}/state"

    def terminal_event(self, terminal: str, device: str, kind: str) -> str:
        """A card read or scan for the terminal that held the device: only that terminal may read it."""
        return f"{self.base}/terminal/{terminal}/{device}/{kind}"

    def terminal_events(self, terminal: str) -> str:
        """The filter of every card read and scan meant for `terminal`."""
        return f"{self.base}/terminal/{terminal}/+/+"

    @property
    def queue_event(self) -> str:
        return f"{self.base}/queue/event"

    @property
    def queue_board(self) -> str:
        return f"{self.base}/queue/board"

    def relative(self, topic: str) -> list[str] | None:
        """The parts of `topic` under the base, or None when it is not ours."""
        prefix = self.base + "/"
        return topic[len(prefix) :].split("/") if topic.startswith(prefix) else None
