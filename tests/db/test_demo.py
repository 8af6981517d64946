"""Demo data for `govan demo`: logins that work, an open trip, appointments ready to check in."""

from __future__ import annotations

from sqlite_utils import Database

import db
from core import idnumber
from core.problems import Code
from db import demo
from tests.db.support import T0, raises_problem


def test_demo_data_gives_a_working_van(store: Database) -> None:
    data = demo.load(store, now=T0)
    trip = db.current_trip(store)
    assert trip is not None and trip.id == data.trip_id and trip.trip_date.isoformat() == "2026-11-20"
    served = {category for member in trip.crew for category in member.categories}
    assert served == {d.queue_letter for d in db.list_departments(store)}
    roles = {login.role for login in data.logins}
    assert roles == {"captain", "staff", "dispatcher"}
    for login in data.logins:
        assert db.authenticate(store, login.login, login.pin).name == login.name
    assert len(data.checkin_codes) == 3
    ticket = db.check_in(store, data.checkin_codes[0], data.trip_id, now=T0)
    assert ticket.priority_reason == "appointment"
    group = db.get_appointment(store, 3)
    assert (group.kind, group.head_count) == ("group", 12)


def test_demo_id_numbers_are_valid(store: Database) -> None:
    demo.load(store, now=T0)
    numbers = [row["id_number"] for row in store.query("SELECT id_number FROM citizens")]
    assert numbers and all(idnumber.is_valid(number) for number in numbers)


def test_demo_refuses_a_store_that_is_in_use(store: Database) -> None:
    demo.load(store, now=T0)
    with raises_problem(db.WrongState, Code.DEMO_STORE_NOT_EMPTY):
        demo.load(store, now=T0)
