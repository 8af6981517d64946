"""Stops, trips and the crew on board: who sits at which window serving which queues."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlite_utils import Database

from core.problems import Code
from db import clock
from db.catalogue import department_for_category, get_item
from db.connection import IntegrityError, immediate
from db.errors import InvalidValue, NotFound, WrongState
from db.staff import get_staff

StopKind = Literal["community", "industrial_park", "commercial", "enterprise"]
STOP_KINDS: tuple[StopKind, ...] = ("community", "industrial_park", "commercial", "enterprise")
TripMode = Literal["fixed", "appointment", "off_hours", "themed"]
TRIP_MODES: tuple[TripMode, ...] = ("fixed", "appointment", "off_hours", "themed")
TripStatus = Literal["planned", "open", "closed"]


@dataclass(frozen=True)
class Stop:
    id: int
    name: str
    kind: StopKind
    address: str
    contact: str


@dataclass(frozen=True)
class CrewMember:
    staff_id: int
    name: str
    window: str
    categories: tuple[str, ...]
    cooperation: int | None


@dataclass(frozen=True)
class Trip:
    id: int
    trip_date: date
    stop_id: int
    stop_name: str
    captain_id: int
    mode: TripMode
    theme: str | None
    status: TripStatus
    opened_at: str | None
    closed_at: str | None
    items: tuple[str, ...]
    crew: tuple[CrewMember, ...]

    def window_of(self, staff_id: int) -> str | None:
        return next((member.window for member in self.crew if member.staff_id == staff_id), None)

    def categories_of_window(self, window: str) -> tuple[str, ...]:
        return next((member.categories for member in self.crew if member.window == window), ())


# Stops -----------------------------------------------------------------------


def add_stop(db: Database, name: str, kind: StopKind, *, address: str = "", contact: str = "") -> Stop:
    if not (name or "").strip():
        raise InvalidValue(Code.STOP_NAME_MISSING)
    if kind not in STOP_KINDS:
        raise InvalidValue(Code.STORE_NOT_A_CHOICE, field="stop.kind", allowed=", ".join(STOP_KINDS))
    cursor = db.execute(
        "INSERT INTO stops (name, kind, address, contact) VALUES (?, ?, ?, ?)", [name.strip(), kind, address, contact]
    )
    assert cursor.lastrowid is not None
    return get_stop(db, cursor.lastrowid)


def get_stop(db: Database, stop_id: int) -> Stop:
    rows = list(db.query("SELECT * FROM stops WHERE id = ?", [stop_id]))
    if not rows:
        raise NotFound(Code.STOP_NOT_FOUND, stop=stop_id)
    return Stop(**rows[0])


def list_stops(db: Database) -> list[Stop]:
    return [Stop(**row) for row in db.query("SELECT * FROM stops ORDER BY name")]


# Trips -----------------------------------------------------------------------


def plan_trip(
    db: Database,
    trip_date: date,
    stop_id: int,
    captain_id: int,
    mode: TripMode = "fixed",
    *,
    theme: str | None = None,
    items: Iterable[str] = (),
    now: datetime | None = None,
) -> Trip:
    """A planned trip; `items` limits what it offers (empty: the whole enabled catalogue)."""
    if mode not in TRIP_MODES:
        raise InvalidValue(Code.STORE_NOT_A_CHOICE, field="trip.mode", allowed=", ".join(TRIP_MODES))
    if mode == "themed" and not (theme or "").strip():
        raise InvalidValue(Code.TRIP_THEME_MISSING)
    with immediate(db):
        get_stop(db, stop_id)
        if get_staff(db, captain_id).role != "captain":
            raise InvalidValue(Code.TRIP_NOT_A_CAPTAIN, staff=captain_id)
        cursor = db.execute(
            "INSERT INTO trips (trip_date, stop_id, captain_id, mode, theme, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                trip_date.isoformat(),
                stop_id,
                captain_id,
                mode,
                (theme or "").strip() or None,
                clock.to_text(clock.resolve(now)),
            ],
        )
        trip_id = cursor.lastrowid
        assert trip_id is not None
        for code in dict.fromkeys(items):
            get_item(db, code)
            db.execute("INSERT INTO trip_items (trip_id, item_code) VALUES (?, ?)", [trip_id, code])
        return get_trip(db, trip_id)


def set_crew(db: Database, trip_id: int, staff_id: int, window: str, categories: Sequence[str]) -> Trip:
    """Seat a staff member at a window serving some queue categories (letters)."""
    window = (window or "").strip()
    if not window:
        raise InvalidValue(Code.TRIP_CREW_WINDOW_MISSING)
    if not categories:
        raise InvalidValue(Code.TRIP_CREW_NO_CATEGORY)
    with immediate(db):
        trip = get_trip(db, trip_id)
        if trip.status == "closed":
            raise WrongState(Code.TRIP_CLOSED, trip=trip_id)
        get_staff(db, staff_id)
        for category in categories:
            department_for_category(db, category)
        db.execute("DELETE FROM trip_crew WHERE trip_id = ? AND staff_id = ?", [trip_id, staff_id])
        try:
            db.execute(
                "INSERT INTO trip_crew (trip_id, staff_id, window) VALUES (?, ?, ?)", [trip_id, staff_id, window]
            )
        except IntegrityError:
            raise WrongState(Code.TRIP_WINDOW_TAKEN, window=window, trip=trip_id) from None
        for category in dict.fromkeys(categories):
            db.execute(
                "INSERT INTO crew_categories (trip_id, staff_id, category) VALUES (?, ?, ?)",
                [trip_id, staff_id, category],
            )
        return get_trip(db, trip_id)


def remove_crew(db: Database, trip_id: int, staff_id: int) -> Trip:
    with immediate(db):
        if get_trip(db, trip_id).status == "closed":
            raise WrongState(Code.TRIP_CLOSED, trip=trip_id)
        db.execute("DELETE FROM trip_crew WHERE trip_id = ? AND staff_id = ?", [trip_id, staff_id])
        return get_trip(db, trip_id)


DESK_KEY_COUNT = 10  # the number keys 1…9, 0


def set_desk_keys(db: Database, trip_id: int, codes: Sequence[str]) -> list[str]:
    """The items the desk's number keys issue for, in key order, as the captain set them for the trip.

    Each item once, at most ten, each offered by the trip and switched on; a closed trip keeps its keys.
    """
    codes = list(codes)
    if len(codes) > DESK_KEY_COUNT:
        raise InvalidValue(Code.TRIP_DESK_KEYS_TOO_MANY, limit=DESK_KEY_COUNT)
    repeated = next((code for index, code in enumerate(codes) if code in codes[:index]), None)
    if repeated is not None:
        raise InvalidValue(Code.TRIP_DESK_KEY_TWICE, item=repeated)
    with immediate(db):
        trip = get_trip(db, trip_id)
        if trip.status == "closed":
            raise WrongState(Code.TRIP_CLOSED, trip=trip_id)
        for code in codes:
            if not get_item(db, code).enabled:
                raise WrongState(Code.CATALOGUE_ITEM_DISABLED, item=code)
            if trip.items and code not in trip.items:
                raise WrongState(Code.TRIP_ITEM_NOT_OFFERED, item=code, trip=trip_id)
        db.execute("DELETE FROM trip_desk_keys WHERE trip_id = ?", [trip_id])
        for position, code in enumerate(codes):
            db.execute(
                "INSERT INTO trip_desk_keys (trip_id, position, item_code) VALUES (?, ?, ?)", [trip_id, position, code]
            )
        return desk_keys(db, trip_id)


def desk_keys(db: Database, trip_id: int) -> list[str]:
    """The items of the desk's keys for the trip, in key order; [] when the captain set none."""
    return [
        row["item_code"]
        for row in db.query("SELECT item_code FROM trip_desk_keys WHERE trip_id = ? ORDER BY position", [trip_id])
    ]


def rate_cooperation(db: Database, trip_id: int, staff_id: int, score: int) -> None:
    """The captain's 1-5 mark for a crew member's cooperation (配合度) on this trip."""
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise InvalidValue(Code.STORE_NOT_IN_RANGE, field="trip.cooperation", min=1, max=5)
    with immediate(db):
        cursor = db.execute(
            "UPDATE trip_crew SET cooperation = ? WHERE trip_id = ? AND staff_id = ?", [score, trip_id, staff_id]
        )
        if cursor.rowcount == 0:
            raise NotFound(Code.TRIP_NOT_CREW, staff=staff_id, trip=trip_id)


def open_trip(db: Database, trip_id: int, *, now: datetime | None = None) -> Trip:
    with immediate(db):
        trip = get_trip(db, trip_id)
        if trip.status != "planned":
            raise WrongState(Code.TRIP_NOT_PLANNED, trip=trip_id, status=trip.status)
        if not trip.crew:
            raise WrongState(Code.TRIP_NO_CREW, trip=trip_id)
        other = current_trip(db)
        if other is not None:
            raise WrongState(Code.TRIP_OTHER_OPEN, trip=other.id)
        db.execute(
            "UPDATE trips SET status = 'open', opened_at = ? WHERE id = ?", [clock.to_text(clock.resolve(now)), trip_id]
        )
        return get_trip(db, trip_id)


def close_trip(
    db: Database, trip_id: int, *, closed_by: int, abandon_waiting: bool = False, now: datetime | None = None
) -> Trip:
    """Close an open trip. Waiting tickets block it unless `abandon_waiting` marks them no-show;
    tickets being served and cases without an outcome always block it."""
    stamp = clock.to_text(clock.resolve(now))
    with immediate(db):
        trip = get_trip(db, trip_id)
        if trip.status != "open":
            raise WrongState(Code.TRIP_NOT_OPEN, trip=trip_id, status=trip.status)
        get_staff(db, closed_by)
        counts = {
            row["status"]: row["n"]
            for row in db.query(
                "SELECT status, COUNT(*) AS n FROM tickets WHERE trip_id = ? GROUP BY status", [trip_id]
            )
        }
        if counts.get("serving"):
            raise WrongState(Code.TRIP_TICKETS_SERVING, count=counts["serving"])
        open_cases = next(db.query("SELECT COUNT(*) AS n FROM cases WHERE trip_id = ? AND outcome IS NULL", [trip_id]))[
            "n"
        ]
        if open_cases:
            raise WrongState(Code.TRIP_CASES_OPEN, count=open_cases)
        pending = counts.get("waiting", 0) + counts.get("called", 0)
        if pending and not abandon_waiting:
            raise WrongState(Code.TRIP_TICKETS_WAITING, count=pending)
        db.execute(
            "UPDATE tickets SET status = 'no_show', done_at = ? WHERE trip_id = ? AND status IN ('waiting', 'called')",
            [stamp, trip_id],
        )
        db.execute(
            "UPDATE trips SET status = 'closed', closed_at = ?, closed_by = ? WHERE id = ?", [stamp, closed_by, trip_id]
        )
        return get_trip(db, trip_id)


def get_trip(db: Database, trip_id: int) -> Trip:
    rows = list(
        db.query(
            "SELECT t.*, s.name AS stop_name FROM trips t JOIN stops s ON s.id = t.stop_id WHERE t.id = ?", [trip_id]
        )
    )
    if not rows:
        raise NotFound(Code.TRIP_NOT_FOUND, trip=trip_id)
    return _trip(db, rows[0])


def current_trip(db: Database) -> Trip | None:
    """The open trip, if any (at most one is open at a time)."""
    rows = list(
        db.query(
            "SELECT t.*, s.name AS stop_name FROM trips t JOIN stops s ON s.id = t.stop_id WHERE t.status = 'open'"
        )
    )
    return _trip(db, rows[0]) if rows else None


def list_trips(db: Database, *, date_from: date | None = None, date_to: date | None = None) -> list[Trip]:
    where, params = ["1"], []
    if date_from is not None:
        where.append("t.trip_date >= ?")
        params.append(date_from.isoformat())
    if date_to is not None:
        where.append("t.trip_date <= ?")
        params.append(date_to.isoformat())
    rows = db.query(
        f"""SELECT t.*, s.name AS stop_name FROM trips t JOIN stops s ON s.id = t.stop_id
                        WHERE {" AND ".join(where)} ORDER BY t.trip_date, t.id""",
        params,
    )
    return [_trip(db, row) for row in rows]


def recent_trips(db: Database, *, limit: int, before: Trip | None = None) -> list[Trip]:
    """One page of trips, newest first (by date, then id): `limit` of them, all older than `before` if given.

    The captain pages back through years of trips, so a page never reads more than its own rows.
    """
    where, params = "1", []
    if before is not None:
        where, params = "(t.trip_date, t.id) < (?, ?)", [before.trip_date.isoformat(), before.id]
    rows = db.query(
        f"""SELECT t.*, s.name AS stop_name FROM trips t JOIN stops s ON s.id = t.stop_id
                        WHERE {where} ORDER BY t.trip_date DESC, t.id DESC LIMIT ?""",
        [*params, limit],
    )
    return [_trip(db, row) for row in rows]


def _trip(db: Database, row: Mapping[str, Any]) -> Trip:
    items = tuple(
        r["item_code"]
        for r in db.query("SELECT item_code FROM trip_items WHERE trip_id = ? ORDER BY item_code", [row["id"]])
    )
    crew = tuple(
        CrewMember(
            staff_id=r["staff_id"],
            name=r["name"],
            window=r["window"],
            categories=tuple(r["categories"].split(",")) if r["categories"] else (),
            cooperation=r["cooperation"],
        )
        for r in db.query(
            """SELECT c.staff_id, s.name, c.window, c.cooperation,
                      (SELECT group_concat(category, ',') FROM
                          (SELECT category FROM crew_categories cc
                           WHERE cc.trip_id = c.trip_id AND cc.staff_id = c.staff_id ORDER BY category)) AS categories
               FROM trip_crew c JOIN staff s ON s.id = c.staff_id WHERE c.trip_id = ? ORDER BY c.window""",
            [row["id"]],
        )
    )
    return Trip(
        id=row["id"],
        trip_date=date.fromisoformat(row["trip_date"]),
        stop_id=row["stop_id"],
        stop_name=row["stop_name"],
        captain_id=row["captain_id"],
        mode=row["mode"],
        theme=row["theme"],
        status=row["status"],
        opened_at=row["opened_at"],
        closed_at=row["closed_at"],
        items=items,
        crew=crew,
    )
