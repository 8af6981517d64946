"""Topic names of the MQTT contract, all under the base `{topic_prefix}/{van_id}`."""

from __future__ import annotations

from dataclasses import dataclass

COMMANDS = {"idreader": ("test",), "scanner": ("test",), "printer": ("print", "test"), "camera": ("capture", "test")}
SIM_ACTIONS = {"idreader": ("place", "remove"), "scanner": ("scan",), "printer": ("paper",), "camera": ("fault",)}


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

    @property
    def queue_event(self) -> str:
        return f"{self.base}/queue/event"

    @property
    def queue_board(self) -> str:
        return f"{self.base}/queue/board"

    def relative(self, topic: str) -> list[str] | None:
        """The parts of `topic` under the base, or None when it is not ours."""
        prefix = self.base + "/"
        return topic[len(prefix):].split("/") if topic.startswith(prefix) else None
