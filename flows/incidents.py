"""Writing the device trouble this terminal hears into the store, for the trip summary.

The daemon keeps no history, so every open TUI records what it is told: a device
going to error or offline, its recovery, error events, and the daemon itself going
away. Several TUIs record the same news once (db.incidents keys it by the daemon's
time). While no TUI is open, nothing is heard and nothing is recorded.
"""

from __future__ import annotations

import logging

from sqlite_utils import Database

from core.devices import DEVICES
from core.problems import Code, Problem
from daemon.messages import DeviceError, Status
from db import incidents
from db.errors import StoreError

__all__ = ["IncidentRecorder"]
log = logging.getLogger(__name__)
TROUBLE = ("error", "offline")


class IncidentRecorder:
    def __init__(self, store: Database) -> None:
        self.store = store
        self.daemon_online: bool | None = None  # unknown until the daemon is heard
        self.states: dict[str, str] = {}

    def status(self, status: Status) -> None:
        """A new picture of the daemon and its devices: record what changed for the worse, or back."""
        if status.daemon_online:
            self.daemon_online = True
            for device in DEVICES:
                self._device(device, status)
            return
        # Devices all look offline while the daemon is away; that is one incident, not five.
        self.states.clear()
        heard_offline = status.daemon is not None and status.daemon.state == "offline"
        if self.daemon_online or heard_offline:
            problem = Problem(Code.DAEMON_OFFLINE if status.broker_connected else Code.DAEMON_NO_BROKER)
            since = status.daemon.since if heard_offline and status.daemon else None
            self._record("daemon", "state", state="offline", problem=problem, at=since)
        self.daemon_online = False

    def fault(self, error: DeviceError) -> None:
        """A fault that did not change the device's state (e.g. a garbled frame)."""
        if error.device in DEVICES:
            self._record(
                error.device, "error", problem=error.error.problem, detail=error.error.detail, at=error.error.at
            )

    def _device(self, device: str, status: Status) -> None:
        state = status.devices.get(device)
        if state is None or not state.since:
            return  # not the daemon's word (e.g. "no state published yet")
        before = self.states.get(device)
        self.states[device] = state.state
        if state.state == before:
            return
        # The daemon's problem is kept as its code; its English detail only when it sent no code.
        if state.state in TROUBLE:
            self._record(device, "state", state=state.state, problem=state.problem, detail=state.detail, at=state.since)
        elif before in TROUBLE and state.state in ("ready", "busy"):
            # A recovery says "recovered"; a warning the daemon still has is kept with it.
            self._record(device, "state", state="ready", problem=state.problem, at=state.since)

    def _record(
        self, device: str, kind: str, *, state: str = "", problem: Problem | None, detail: str = "", at: str | None
    ) -> None:
        try:
            incidents.record(self.store, device, kind, state=state, problem=problem, detail=detail, at=at)
        except StoreError as error:
            # The summary loses one line; the terminal keeps working.
            log.warning("could not record a %s incident: %s", device, error)
