"""Device trouble during a trip, as the TUIs heard it from the daemon.

The daemon keeps no history: it publishes retained states and one-off error events.
Each open TUI writes what it hears here, so the trip summary can list incidents.
What happens while no TUI is open is not heard and not recorded.

Several TUIs hear the same news. A state change carries the daemon's `since` time and
an error its `at`, so the unique key (device, kind, state, detail, at) keeps one row.
News without a daemon time (the daemon's last will, a lost broker) is stamped with the
current minute, so terminals noticing the same outage within that minute agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlite_utils import Database

from core.devices import DEVICES as VAN_DEVICES
from core.devices import DeviceName
from core.problems import Code
from db import clock
from db.connection import IntegrityError
from db.errors import InvalidValue
from db.trips import Trip

# The daemon itself going away is an incident too, beside its devices.
IncidentDevice = Literal["daemon"] | DeviceName
DEVICES: tuple[IncidentDevice, ...] = ("daemon", *VAN_DEVICES)
IncidentKind = Literal["state", "error"]
KINDS: tuple[IncidentKind, ...] = ("state", "error")
# A trouble state, or "ready" when a device recovers; errors have no state.
IncidentState = Literal["", "ready", "offline", "error"]
MAX_DETAIL = 300


@dataclass(frozen=True)
class Incident:
    id: int
    device: IncidentDevice
    kind: IncidentKind
    state: IncidentState
    detail: str
    at: str

    @property
    def recovered(self) -> bool:
        return self.kind == "state" and self.state == "ready"


def record(
    db: Database,
    device: str,
    kind: str,
    *,
    state: str = "",
    detail: str = "",
    at: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Record one incident; False when another terminal already recorded it.

    `at` is the daemon's own time (ISO-8601 with offset); without it, or if it cannot
    be read, the incident is stamped with the current minute.
    """
    if device not in DEVICES:
        raise InvalidValue(Code.STORE_NOT_A_CHOICE, field="incident.device", allowed=", ".join(DEVICES))
    if kind not in KINDS:
        raise InvalidValue(Code.STORE_NOT_A_CHOICE, field="incident.kind", allowed=", ".join(KINDS))
    if (kind == "state") != (state in ("ready", "offline", "error")):
        raise InvalidValue(Code.INCIDENT_STATE)
    moment = _parse(at) or clock.resolve(now).replace(second=0, microsecond=0)
    try:
        cursor = db.execute(
            "INSERT OR IGNORE INTO device_incidents (device, kind, state, detail, at) VALUES (?, ?, ?, ?, ?)",
            [device, kind, state, (detail or "").strip()[:MAX_DETAIL], clock.to_text(moment)],
        )
    except IntegrityError as error:
        raise InvalidValue(Code.INCIDENT_NOT_RECORDED, detail=str(error)) from None
    return cursor.rowcount == 1


def between(db: Database, start: str, end: str | None = None) -> list[Incident]:
    """Incidents from `start` to `end` (stored time texts; no end: up to now), oldest first."""
    sql, params = "SELECT * FROM device_incidents WHERE at >= ?", [start]
    if end is not None:
        sql += " AND at <= ?"
        params.append(end)
    return [Incident(**row) for row in db.query(sql + " ORDER BY at, id", params)]


def during(db: Database, trip: Trip) -> list[Incident]:
    """The incidents while the trip was open; none before it opened."""
    if trip.opened_at is None:
        return []
    return between(db, trip.opened_at, trip.closed_at)


def _parse(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.utcoffset() is not None else None
