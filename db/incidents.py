"""Device trouble during a trip, as the TUIs heard it from the daemon.

The daemon keeps no history: it publishes retained states and one-off error events.
Each open TUI writes what it hears here, so the trip summary can list incidents.
What happens while no TUI is open is not heard and not recorded.

What went wrong is kept as the daemon said it: a `core.problems` code and its params, which
a view words in the staff's language. `detail` holds free text only where there is no code
(rows from before codes were stored, a newer daemon's code this version cannot read).

Several TUIs hear the same news. A state change carries the daemon's `since` time and
an error its `at`, so the unique key (device, kind, state, problem, params, detail, at)
keeps one row.
News without a daemon time (the daemon's last will, a lost broker) is stamped with the
current minute, so terminals noticing the same outage within that minute agree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlite_utils import Database

from core.devices import DEVICES as VAN_DEVICES
from core.devices import DeviceName
from core.problems import Code, Problem
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
    problem: Problem | None  # what went wrong, for a view to word; None for a recovery or free text
    detail: str  # free text, only when there is no code
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
    problem: Problem | None = None,
    detail: str = "",
    at: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Record one incident; False when another terminal already recorded it.

    `at` is the daemon's own time (ISO-8601 with offset); without it, or if it cannot
    be read, the incident is stamped with the current minute. With a `problem`, `detail` is
    not kept: the code says it, in any language.
    """
    if device not in DEVICES:
        raise InvalidValue(Code.STORE_NOT_A_CHOICE, field="incident.device", allowed=", ".join(DEVICES))
    if kind not in KINDS:
        raise InvalidValue(Code.STORE_NOT_A_CHOICE, field="incident.kind", allowed=", ".join(KINDS))
    if (kind == "state") != (state in ("ready", "offline", "error")):
        raise InvalidValue(Code.INCIDENT_STATE)
    moment = _parse(at) or clock.resolve(now).replace(second=0, microsecond=0)
    code, params = (problem.code.value, dict(problem.params)) if problem is not None else ("", {})
    text = "" if problem is not None else (detail or "").strip()[:MAX_DETAIL]
    try:
        cursor = db.execute(
            "INSERT OR IGNORE INTO device_incidents (device, kind, state, problem, params, detail, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [device, kind, state, code, json.dumps(params, sort_keys=True), text, clock.to_text(moment)],
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
    return [_incident(row) for row in db.query(sql + " ORDER BY at, id", params)]


def during(db: Database, trip: Trip) -> list[Incident]:
    """The incidents while the trip was open; none before it opened."""
    if trip.opened_at is None:
        return []
    return between(db, trip.opened_at, trip.closed_at)


def _incident(row: dict[str, Any]) -> Incident:
    code, params = row.pop("problem"), json.loads(row.pop("params"))
    problem = None
    if code in Code._value2member_map_:
        problem = Problem(Code(code), params)
    elif code:  # a code from a later version: kept as text rather than lost
        row["detail"] = row["detail"] or code
    return Incident(**row, problem=problem)


def _parse(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.utcoffset() is not None else None
