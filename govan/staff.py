"""`govan staff` and `govan stops`: the people who sign in, and the places the van goes.

A fresh `govan init` has neither; these commands add them without Python. A PIN is never
an argument (it would stay in the shell's history): it is asked twice on a terminal, or
read as one line from standard input. Every refusal is one line on stderr, in the words
the terminals use for the same problem, and exit status 2.
"""

from __future__ import annotations

import getpass
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from sqlite_utils import Database

from core.problems import Problem
from db import staff, trips
from db.connection import open_store
from db.errors import StoreError
from govan.config import Config

EXIT_PROBLEM = 2


class Refused(Exception):
    """One line for the person at the shell."""


def problem_words(problem: Problem) -> str:
    """The problem as the terminals say it, in English: the same words, from the same table."""
    from tui.problems import PROBLEM_WORDS  # words only: no Textual app is loaded

    return PROBLEM_WORDS[problem.code].format_map(dict(problem.params))


@contextmanager
def _store(config: Config) -> Iterator[Database]:
    if not config.database_path.exists():
        raise Refused(f"no database at {config.database_path}; run `govan init` first")
    try:
        store = open_store(config.database_path)
    except StoreError as error:
        raise Refused(problem_words(error.problem)) from None
    try:
        yield store
    except StoreError as error:
        raise Refused(problem_words(error.problem)) from None
    finally:
        store.close()


def _run(command: str, action: Callable[[], str]) -> int:
    try:
        text = action()
    except Refused as refused:
        print(f"govan {command}: {refused}", file=sys.stderr)
        return EXIT_PROBLEM
    if text:
        print(text)
    return 0


def _person(store: Database, login: str) -> staff.Staff:
    found = next((person for person in staff.list_staff(store, active_only=False) if person.login == login), None)
    if found is None:
        raise Refused(f"no staff member with login {login!r} (`govan staff list` shows them)")
    return found


def read_pin(stdin: TextIO | None = None) -> str:
    """A new PIN: asked twice on a terminal, else the first line of standard input."""
    stdin = stdin or sys.stdin
    if stdin.isatty():
        pin = getpass.getpass("PIN (4-8 digits): ")
        if getpass.getpass("the same PIN again: ") != pin:
            raise Refused("the two PINs differ; nothing changed")
        return pin
    return stdin.readline().strip()


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _table(rows: list[list[str]]) -> str:
    """Columns padded to the widest cell, Chinese characters counting two."""
    widths = [max(_cells(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell + " " * (width - _cells(cell)) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


# govan staff ---------------------------------------------------------------------------


def staff_list(config: Config) -> int:
    def listed() -> str:
        with _store(config) as store:
            people = staff.list_staff(store, active_only=False)
            locked = staff.locks(store)
        if not people:
            return "no staff yet: add the captain with `govan staff add LOGIN NAME --role captain`"
        rows = [["login", "name", "role", "department", "state"]]
        for person in people:
            state = "active" if person.active else "inactive"
            if person.login in locked:
                state += f", locked until {locked[person.login].astimezone(config.tz):%H:%M}"
            rows.append([person.login, person.name, person.role, person.department or "-", state])
        return _table(rows)

    return _run("staff", listed)


def staff_add(
    config: Config, login: str, name: str, role: str, department: str | None, stdin: TextIO | None = None
) -> int:
    def added() -> str:
        with _store(config) as store:
            pin = read_pin(stdin)
            person = staff.add_staff(store, login, name, role, pin, department=department)  # type: ignore[arg-type]
        return f"added {person.login} ({person.role})"

    return _run("staff", added)


def staff_set_pin(config: Config, login: str, stdin: TextIO | None = None) -> int:
    def changed() -> str:
        with _store(config) as store:
            person = _person(store, login)
            staff.set_pin(store, person.id, read_pin(stdin))
            staff.unlock(store, person.id)  # a new PIN starts without the old one's wrong tries
        return f"new PIN for {login}"

    return _run("staff", changed)


def staff_deactivate(config: Config, login: str) -> int:
    def deactivated() -> str:
        with _store(config) as store:
            staff.set_active(store, _person(store, login).id, False)
        return f"{login} can no longer sign in"

    return _run("staff", deactivated)


def staff_unlock(config: Config, login: str) -> int:
    def unlocked() -> str:
        with _store(config) as store:
            was_locked = staff.unlock(store, _person(store, login).id)
        return f"{login} may sign in again" if was_locked else f"{login} was not locked"

    return _run("staff", unlocked)


# govan stops ---------------------------------------------------------------------------


def stops_list(config: Config) -> int:
    def listed() -> str:
        with _store(config) as store:
            stops = trips.list_stops(store)
        if not stops:
            return "no stops yet: add one with `govan stops add NAME --kind community`"
        rows = [["id", "name", "kind", "address", "contact"]]
        rows += [[str(stop.id), stop.name, stop.kind, stop.address or "-", stop.contact or "-"] for stop in stops]
        return _table(rows)

    return _run("stops", listed)


def stops_add(config: Config, name: str, kind: str, address: str, contact: str) -> int:
    def added() -> str:
        with _store(config) as store:
            stop = trips.add_stop(store, name, kind, address=address, contact=contact)  # type: ignore[arg-type]
        return f"added stop {stop.id}: {stop.name}"

    return _run("stops", added)
