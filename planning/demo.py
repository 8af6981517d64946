"""`govan demo`'s planning: a fleet of one, Longgang's stops, the catalogue's items, and this week and
next drafted and published, so the dispatcher's screens and the captain's P have something to show."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg

from core.plan import week_of
from planning import bookings, week

__all__ = ["STOPS", "seed"]

# (name, kind, lat, lon) in WGS-84, around Longgang.
STOPS = [
    ("龙港市世纪新城社区服务中心", "community", 27.5783, 120.5531),
    ("龙港经济开发区", "industrial_park", 27.5560, 120.5780),
    ("龙港万达商圈", "commercial", 27.5705, 120.5622),
    ("浙江某印刷集团", "enterprise", 27.5490, 120.5450),
    ("舥艚社区服务中心", "community", 27.5233, 120.6050),
    ("龙港新城产业园", "industrial_park", 27.5905, 120.5700),
]
DEPOT = (27.5650, 120.5560)
CREW = {"police": 1, "social": 1, "property": 1, "market": 1}


def seed(conn: psycopg.Connection[Any], van_id: str, today: date, catalogue: str) -> bool:
    """Plan the demo's fleet once; False when the centre already has a fleet (nothing is changed)."""
    if week.vans(conn):
        return False
    bookings.load_items(conn, catalogue)
    for name, kind, lat, lon in STOPS:
        week.add_stop(conn, name, kind, address=f"{name}门前广场", lat=lat, lon=lon)
    week.set_van(conn, van_id, crew=CREW, depot=DEPOT)
    for name in (week_of(today), week_of(today + timedelta(days=7))):
        week.draft(conn, name, today=today)
        week.publish(conn, name, now=datetime.now(UTC))
    return True
