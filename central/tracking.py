"""Where a mailed result is: a pluggable `TrackingProvider` per carrier feed.

No carrier's API is open to us, so the provider is the boundary, like the connector: the
province's postal feed implements `track(waybill)`. `SimTracking` plays a carrier for the
demo and the tests: a scripted list of states per waybill, or by default one state further
every `step_s` seconds from when the result was handed over, ending 签收.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from core.waybill import TrackingState

__all__ = ["SimTracking", "TrackingEvent", "TrackingProvider"]

USUAL_PATH = (TrackingState.COLLECTED, TrackingState.IN_TRANSIT, TrackingState.OUT_FOR_DELIVERY, TrackingState.SIGNED)


@dataclass(frozen=True)
class TrackingEvent:
    state: TrackingState
    at: str


class TrackingProvider(Protocol):
    def track(self, waybill: str, handed_over_at: datetime | None) -> TrackingEvent | None:
        """The latest state of a waybill, or None when the carrier knows nothing of it yet."""
        ...


class SimTracking:
    def __init__(self, *, step_s: float = 60.0, script: dict[str, list[TrackingState]] | None = None) -> None:
        self.step_s = step_s
        self.script = script or {}
        self._asked: dict[str, int] = {}

    def track(self, waybill: str, handed_over_at: datetime | None) -> TrackingEvent | None:
        now = datetime.now(UTC)
        if waybill in self.script:
            states = self.script[waybill]
            position = min(self._asked.get(waybill, 0), len(states) - 1)
            self._asked[waybill] = position + 1
            return TrackingEvent(states[position], now.isoformat(timespec="milliseconds"))
        if handed_over_at is None:
            return None
        steps = int((now - handed_over_at).total_seconds() // self.step_s)
        return TrackingEvent(USUAL_PATH[min(steps, len(USUAL_PATH) - 1)], now.isoformat(timespec="milliseconds"))
