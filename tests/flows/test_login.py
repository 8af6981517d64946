"""Signing in: wrong PINs in a row lock a login for a growing while, the same for every terminal and for
logins that do not exist; the lock says how long; a right PIN or the captain clears it."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from core.problems import Code, Problem
from db import audit, clock, staff
from db.connection import open_store
from flows.login import LoginFlow, locks, unlock
from flows.van import Van
from tests.flows.support import FlowVan, flow_van

START = datetime.fromisoformat("2026-11-20T09:00:00+08:00")
WRONG = Problem(Code.STAFF_BAD_CREDENTIALS)


def terminal(fv: FlowVan, minutes: float, *, own_store: bool = False) -> LoginFlow:
    """The login screen of a terminal whose clock reads START + minutes (another terminal: its own connection)."""
    store = open_store(fv.van.config.database_path) if own_store else fv.van.store
    return LoginFlow(Van(store, fv.van.config, fv.van.bus, clock=lambda: START + timedelta(minutes=minutes)))


def locked(minutes: int) -> Problem:
    return Problem(Code.STAFF_LOCKED, {"minutes": minutes})


async def test_wrong_pins_in_a_row_lock_for_longer_each_time_on_every_terminal(tmp_path: Path) -> None:
    async with flow_van(tmp_path, {"service": {"pin_attempts": 3, "pin_lockout_minutes": [1, 5]}}) as fv:
        here = terminal(fv, 0)
        assert [here.sign_in("s01", "0000") for _ in range(2)] == [WRONG, WRONG]
        assert here.sign_in("s01", "9999") == locked(1)  # the third in a row locks it, and says for how long
        # Another terminal, on its own connection to the store, agrees: even the right PIN waits.
        there = terminal(fv, 0.5, own_store=True)
        assert there.sign_in("s01", "2222") == locked(1)
        there.van.store.close()
        # After the lock: three more wrong ones lock it for longer, and the last length repeats.
        later = terminal(fv, 2)
        assert [later.sign_in("s01", "0000") for _ in range(3)] == [WRONG, WRONG, locked(5)]
        assert terminal(fv, 3).sign_in("s01", "2222") == locked(4)
        again = terminal(fv, 8)
        assert [again.sign_in("s01", "0000") for _ in range(3)] == [WRONG, WRONG, locked(5)]
        # A right PIN once the lock is over signs in, and starts the count afresh.
        signed_in = terminal(fv, 14).sign_in("s01", "2222")
        assert isinstance(signed_in, staff.Staff) and signed_in.login == "s01"
        fresh = terminal(fv, 15)
        assert [fresh.sign_in("s01", "0000") for _ in range(2)] == [WRONG, WRONG]
        assert isinstance(fresh.sign_in("s01", "2222"), staff.Staff)
        assert [fresh.sign_in("s01", "0000") for _ in range(2)] == [WRONG, WRONG]


async def test_an_unknown_login_looks_like_a_wrong_pin_locks_included(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv:
        flow = terminal(fv, 0)
        known = [flow.sign_in("s01", "0000") for _ in range(5)]
        unknown = [flow.sign_in("nobody", "0000") for _ in range(5)]
        assert known == unknown == [WRONG] * 4 + [locked(1)]  # five by default, then a minute
        # An inactive staff member's right PIN is refused the same way.
        staff.set_active(fv.van.store, fv.staff_id("s02"), False)
        assert flow.sign_in("s02", "3333") == WRONG


async def test_the_captain_unlocks_a_locked_out_staff_member(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv:
        flow = terminal(fv, 0)
        for _ in range(5):
            flow.sign_in("s03", "0000")
        van = flow.van
        (lock,) = locks(van)
        assert (lock.staff.login, lock.until) == ("s03", START + timedelta(minutes=1))
        clerk = staff.get_staff(van.store, fv.staff_id("s01"))
        assert unlock(van, clerk, lock.staff.id) == Problem(Code.CAPTAIN_ONLY)
        assert locks(van) != []
        assert unlock(van, staff.get_staff(van.store, fv.staff_id("c01")), lock.staff.id) is None
        assert locks(van) == []
        (entry,) = audit.entries(van.store, subject="staff", subject_id=lock.staff.id)
        assert (entry.action, entry.staff_id, entry.at) == ("update", fv.staff_id("c01"), clock.to_text(START))
        signed_in = flow.sign_in("s03", "4444")
        assert isinstance(signed_in, staff.Staff) and signed_in.name == "黄丽君"


async def test_a_fresh_store_offers_nobody(tmp_path: Path) -> None:
    async with flow_van(tmp_path) as fv:
        assert [person.login for person in LoginFlow(fv.van).people()] == ["c01", "d01", "s01", "s02", "s03", "s04"]
        empty = open_store(tmp_path / "empty.db")
        assert LoginFlow(Van(empty, fv.van.config, fv.van.bus)).people() == []
        empty.close()
