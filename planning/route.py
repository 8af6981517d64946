"""A home-visit run ordered by travel time, with no road network on board.

Travel time between two points: the great-circle distance (haversine) × a detour factor (roads
are not straight) ÷ an average speed. `calibrate` sets the detour factor from trips whose
driving time was logged. Coordinates must be WGS-84: those copied from Chinese map apps (Amap,
Tencent) are GCJ-02, shifted by up to several hundred metres; `gcj02_to_wgs84` converts them
(the usual iterative inverse of the published forward transform, good to under a metre).
A run of a few addresses (a half-day holds at most MAX_EXACT) is ordered exactly by trying every
order; pyvroom or OR-Tools routing would not earn their weight at this size.
"""

from __future__ import annotations

import itertools
import math
import statistics
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg

from planning.errors import PlanCode, PlanningError

__all__ = [
    "DETOUR",
    "SPEED_KMH",
    "Leg",
    "calibrate",
    "gcj02_to_wgs84",
    "haversine_km",
    "home_visit_run",
    "order_run",
    "travel_minutes",
    "wgs84_to_gcj02",
]

EARTH_KM = 6371.0088
DETOUR = 1.4  # a typical urban road network's circuity, until calibrated
SPEED_KMH = 30.0
MAX_EXACT = 8
Point = tuple[float, float]  # (lat, lon), WGS-84


def haversine_km(a: Point, b: Point) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


def travel_minutes(a: Point, b: Point, *, detour: float = DETOUR, speed_kmh: float = SPEED_KMH) -> float:
    return haversine_km(a, b) * detour / speed_kmh * 60


def calibrate(samples: list[tuple[Point, Point, float]], *, speed_kmh: float = SPEED_KMH) -> float:
    """The detour factor that best explains logged drives (from, to, minutes): the median of each one's."""
    factors = [minutes / 60 * speed_kmh / km for a, b, minutes in samples if (km := haversine_km(a, b)) > 0.2]
    return statistics.median(factors) if factors else DETOUR


# GCJ-02 ("Mars coordinates"): the forward transform as published, and its inverse by iteration.
_A = 6378245.0
_EE = 0.00669342162296594323


def _in_china(lat: float, lon: float) -> bool:
    return 73.66 < lon < 135.05 and 3.86 < lat < 53.55


def _delta(lat: float, lon: float) -> Point:
    x, y = lon - 105.0, lat - 35.0
    dlat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * math.sqrt(abs(x))
        + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
        + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
        + (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * math.sqrt(abs(x))
        + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
        + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
        + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    )
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * math.sqrt(magic)) * math.pi)
    dlon = (dlon * 180.0) / (_A / math.sqrt(magic) * math.cos(rad) * math.pi)
    return dlat, dlon


def wgs84_to_gcj02(lat: float, lon: float) -> Point:
    if not _in_china(lat, lon):
        return lat, lon
    dlat, dlon = _delta(lat, lon)
    return lat + dlat, lon + dlon


def gcj02_to_wgs84(lat: float, lon: float) -> Point:
    if not _in_china(lat, lon):
        return lat, lon
    guess = (lat, lon)
    for _ in range(10):
        shifted = wgs84_to_gcj02(*guess)
        guess = (guess[0] + lat - shifted[0], guess[1] + lon - shifted[1])
    return guess


@dataclass(frozen=True)
class Leg:
    booking_id: int
    point: Point
    minutes: float  # from the stop before (the depot for the first)


def order_run(
    depot: Point, stops: dict[int, Point], *, detour: float = DETOUR, speed_kmh: float = SPEED_KMH
) -> list[Leg]:
    """The order of visits with the least driving, from the depot and back to it (exact up to MAX_EXACT)."""

    def cost(a: Point, b: Point) -> float:
        return travel_minutes(a, b, detour=detour, speed_kmh=speed_kmh)

    ids = sorted(stops)
    if len(ids) <= MAX_EXACT:

        def drive(order: tuple[int, ...]) -> tuple[float, float]:
            # The least driving there and back; between equal runs (one is the other reversed), the one that
            # reaches people soonest.
            path = [cost(a, b) for a, b in itertools.pairwise([depot, *(stops[i] for i in order), depot])]
            return round(sum(path), 6), sum(itertools.accumulate(path[:-1]))

        best = min(itertools.permutations(ids), key=drive)
    else:  # nearest neighbour: a long run is not a half-day's work anyway
        best, here, left = (), depot, set(ids)
        while left:
            nearest = min(sorted(left), key=lambda i: cost(here, stops[i]))
            best, here = (*best, nearest), stops[nearest]
            left.remove(nearest)
    legs, here = [], depot
    for booking_id in best:
        legs.append(Leg(booking_id, stops[booking_id], cost(here, stops[booking_id])))
        here = stops[booking_id]
    return legs


def home_visit_run(
    conn: psycopg.Connection[Any], van_id: str, day: date, half: str, *, detour: float = DETOUR
) -> list[Leg]:
    """The half-day's home visits in driving order from the van's depot; every one needs coordinates."""
    depot = conn.execute("SELECT depot_lat, depot_lon FROM plan_vans WHERE van_id = %s", [van_id]).fetchone()
    if depot is None or depot[0] is None:
        raise PlanningError(PlanCode.COORDINATES)
    rows = conn.execute(
        """SELECT booking_id, lat, lon FROM bookings WHERE van_id = %s AND day = %s AND half = %s
                           AND kind = 'home_visit' AND status = 'booked'""",
        [van_id, day, half],
    ).fetchall()
    if any(lat is None for _, lat, _ in rows):
        raise PlanningError(PlanCode.COORDINATES)
    return order_run((depot[0], depot[1]), {booking_id: (lat, lon) for booking_id, lat, lon in rows}, detour=detour)
