"""A central store with a small fleet and its stops, for the planning tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import psycopg

from central.store import migrate_sync
from planning import week
from planning.demo import STOPS

WEEK = "2026-W50"
MONDAY = date(2026, 12, 7)
TODAY = date(2026, 12, 2)


def planning_store(url: str, *, vans: tuple[str, ...] = ("lg-01", "lg-02")) -> psycopg.Connection[Any]:
    conn = psycopg.connect(url)
    migrate_sync(conn)
    for name, kind, lat, lon in STOPS:
        week.add_stop(conn, name, kind, address=f"{name}门前广场", lat=lat, lon=lon)
    for van in vans:
        week.set_van(conn, van, crew={"police": 1, "social": 1, "property": 1}, depot=(27.5650, 120.5560))
    return conn


def past_trip(conn: psycopg.Connection[Any], van: str, trip_id: int, day: date, stop: str, tickets: int) -> None:
    conn.execute(
        """INSERT INTO trips (van_id, trip_id, trip_date, stop, tickets, summary)
                    VALUES (%s, %s, %s, %s, %s, '{}')""",
        [van, trip_id, day, stop, tickets],
    )
    conn.commit()


CATALOGUE = Path(__file__).resolve().parents[2] / "db" / "default_catalogue.toml"


def booking_store(url: str) -> psycopg.Connection[Any]:
    """The fleet with its week drafted and the catalogue's items at their default minutes."""
    from planning import bookings

    conn = planning_store(url)
    bookings.load_items(conn, CATALOGUE)
    week.draft(conn, WEEK, today=TODAY)
    return conn


def free_half_day(conn: psycopg.Connection[Any], van: str) -> tuple[date, str]:
    """A weekday morning the draft kept free for appointments (180 minutes)."""
    row = conn.execute(
        """SELECT day, half FROM plan_slots WHERE van_id = %s AND kind = 'free' AND half = 'am'
                          AND extract(isodow FROM day) < 6 ORDER BY day LIMIT 1""",
        [van],
    ).fetchone()
    assert row is not None
    return row[0], row[1]
