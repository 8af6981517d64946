"""The home-visit run: haversine against known distances, GCJ-02 round trips, and a run ordered by travel time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from planning import bookings, route
from tests.planning.support import booking_store, free_half_day


def test_haversine_matches_a_known_distance_and_calibration_recovers_the_detour() -> None:
    # Longgang (27.578 N, 120.553 E) to Wenzhou's centre (28.000 N, 120.672 E): about 48 km as the crow flies.
    assert route.haversine_km((27.578, 120.553), (28.0, 120.672)) == pytest.approx(48.2, abs=0.5)
    a, b = (27.55, 120.55), (27.60, 120.60)
    minutes = route.travel_minutes(a, b, detour=1.7)
    assert route.calibrate([(a, b, minutes), (b, a, minutes)]) == pytest.approx(1.7)


def test_gcj02_is_not_wgs84_and_converts_back() -> None:
    wgs = (27.5783, 120.5531)
    gcj = route.wgs84_to_gcj02(*wgs)
    assert route.haversine_km(wgs, gcj) > 0.2  # a map app's point is hundreds of metres off
    back = route.gcj02_to_wgs84(*gcj)
    assert route.haversine_km(wgs, back) < 0.001
    assert route.gcj02_to_wgs84(48.85, 2.35) == (48.85, 2.35)  # outside China nothing moves


def test_a_home_visit_day_is_ordered_by_travel_time(central_db: str) -> None:
    conn = booking_store(central_db)  # lg-01's depot at (27.5650, 120.5560)
    day, half = free_half_day(conn, "lg-01")
    now = datetime(2026, 12, 3, tzinfo=UTC)
    # Three addresses along a line going away from the depot, booked far one first.
    points = [(27.6050, 120.5560), (27.5750, 120.5560), (27.5900, 120.5560)]
    ids = [
        bookings.book(
            conn,
            "home_visit",
            "lg-01",
            day,
            half,
            ["hukou_certificate"],
            name="某",
            address=f"某路{n}号",
            lat=lat,
            lon=lon,
            now=now,
        ).booking_id
        for n, (lat, lon) in enumerate(points)
    ]
    legs = route.home_visit_run(conn, "lg-01", day, half)
    assert [leg.booking_id for leg in legs] == [ids[1], ids[2], ids[0]]
    # 1.11 km north at detour 1.4 and 30 km/h: about 3.1 minutes.
    assert legs[0].minutes == pytest.approx(1.112 * 1.4 / 30 * 60, rel=0.01)
