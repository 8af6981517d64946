"""What planning sends the van, stored: the newest week kept, changes against what the captain saw,
bookings onto appointments, and malformed bodies refused without storing anything."""

from __future__ import annotations

from pathlib import Path

import db
from db import appointments, plans
from tests.db.support import TRIP_DAY, at, build_van


def body(version: int, kind: str = "free", **extra: object) -> dict:
    slots = [
        {"day": TRIP_DAY.isoformat(), "half": half, "kind": kind, "start": "09:00", "end": "12:00"}
        for half in ("am", "pm")
    ]
    return {"week": "2026-W47", "version": version, "slots": slots} | extra


def test_versions_changes_and_late_arrivals(tmp_path: Path) -> None:
    build_van(tmp_path / "govan.db")
    store = db.open_store(tmp_path / "govan.db")
    assert plans.apply_week(store, body(2, "stop"), now=at(0))
    assert plans.apply_week(store, body(2, "stop"), now=at(1))  # the same again: stored already
    assert not plans.apply_week(store, body(1, "off"), now=at(2))  # older: ignored
    plan = plans.week(store, "2026-W47")
    assert plan is not None and plan.version == 2 and plan.changes == []
    plans.mark_seen(store, "2026-W47", now=at(3))
    assert plans.unseen_weeks(store) == []
    assert plans.apply_week(store, body(3, "home_visits"), now=at(4))
    assert plans.apply_week(store, body(4, "off"), now=at(5))  # the captain did not look in between
    latest = plans.week(store, "2026-W47")
    assert latest is not None
    assert [(c.before and c.before["kind"], c.after and c.after["kind"]) for c in latest.changes] == [
        ("stop", "off"),
        ("stop", "off"),
    ]


def test_malformed_bodies_store_nothing(tmp_path: Path) -> None:
    build_van(tmp_path / "govan.db")
    store = db.open_store(tmp_path / "govan.db")
    for bad in (
        {},
        {"week": "2026-W47", "version": "2", "slots": []},
        {"week": "2026-W47", "version": 1, "slots": [{"day": "x"}]},
    ):
        assert not plans.apply_week(store, bad)
    assert plans.week(store, "2026-W47") is None
    for bad in (
        {},
        {
            "booking_id": 1,
            "kind": "visit",
            "at": "2026-11-20T10:00:00+08:00",
            "checkin_code": "X",
            "day": "2026-11-20",
            "half": "am",
        },
        {"booking_id": 1, "kind": "individual", "at": "not a time", "checkin_code": "X", "day": "d", "half": "am"},
    ):
        assert not plans.apply_booking(store, bad)
    assert not plans.cancel_booking(store, {"booking_id": "7"})
    assert list(store.query("SELECT * FROM central_bookings")) == []
    good = {
        "booking_id": 5,
        "kind": "group",
        "day": "2026-11-20",
        "half": "am",
        "at": "2026-11-20T09:00:00+08:00",
        "items": ["residence_permit", "no_such_item"],
        "head_count": 6,
        "group_name": "某公司",
        "checkin_code": "7K3M9QXA",
        "needs": [],
    }
    assert plans.apply_booking(store, good, now=at(0))
    (made,) = appointments.list_for_day(store, TRIP_DAY)
    assert (made.kind, made.head_count, made.items, made.checkin_code) == (
        "group",
        6,
        ("residence_permit",),
        "7K3M9QXA",
    )
    assert plans.cancel_booking(store, {"booking_id": 5})
    assert appointments.get(store, made.id).status == "cancelled"
