"""Helpers for the store tests: a fixed clock, ID numbers, the test van, the problem a refusal carries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

import db
from core.problems import Code, Param, Problem
from db import catalogue, demo

# Friday 2026-11-20, 09:00 in Longgang.
T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
TRIP_DAY = date(2026, 11, 20)
PINS = {"c1": "1111", "s1": "2222", "s2": "3333", "s3": "4444", "d1": "5555"}


def at(minutes: float) -> datetime:
    """T0 plus some minutes: tests speak in minutes since the van opened."""
    return T0 + timedelta(minutes=minutes)


def id_number(birth: str, sequence: str = "123", area: str = "330383") -> str:
    return demo.demo_id_number(area, birth, sequence)


@dataclass
class Van:
    path: Path
    db: Database
    trip_id: int
    captain: int
    s1: int  # window 1: queue A (公安)
    s2: int  # window 2: queues F, H (人力社保, 医保)
    s3: int  # window 3: queues A, B (公安, 不动产登记)
    dispatcher: int


def open_van(path: Path) -> Van:
    """The van build_van made at `path`, its store open, with its people's ids."""
    store = db.open_store(path)
    ids = {row["login"]: row["id"] for row in store.query("SELECT id, login FROM staff")}
    return Van(
        path=path,
        db=store,
        trip_id=1,
        captain=ids["c1"],
        s1=ids["s1"],
        s2=ids["s2"],
        s3=ids["s3"],
        dispatcher=ids["d1"],
    )


def build_van(path: Path) -> None:
    store = db.open_store(path)
    catalogue.load_default(store, now=T0 - timedelta(days=30))
    ids = {}
    for login, role, department in (
        ("c1", "captain", "agency"),
        ("s1", "staff", "police"),
        ("s2", "staff", "social"),
        ("s3", "staff", "property"),
        ("d1", "dispatcher", "agency"),
    ):
        ids[login] = db.add_staff(store, login, f"员工{login}", role, PINS[login], department=department, now=T0).id
    stop = db.add_stop(store, "新城社区党群服务中心", "community", address="示例地址")
    trip = db.plan_trip(store, TRIP_DAY, stop.id, ids["c1"], "fixed", now=T0)
    db.set_crew(store, trip.id, ids["s1"], "1", ["A"])
    db.set_crew(store, trip.id, ids["s2"], "2", ["F", "H"])
    db.set_crew(store, trip.id, ids["s3"], "3", ["A", "B"])
    db.open_trip(store, trip.id, now=T0)
    store.close()


@contextmanager
def raises_problem(error: type[db.StoreError], code: Code, **params: Param) -> Iterator[None]:
    """Expect `error` (or a subclass) carrying exactly this problem: its code and every param."""
    with pytest.raises(error) as raised:
        yield
    assert raised.value.problem == Problem(code, params)


def count(database: Database, table: str) -> int:
    return next(database.query(f"SELECT COUNT(*) AS n FROM {table}"))["n"]
