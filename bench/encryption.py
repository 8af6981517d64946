"""What encrypting the store costs: the same operations on SQLCipher and on plain SQLite.

1. Issue-ticket latency, p99, 4 writer processes on one file (as bench/store.py). Floor: the
   same writers issuing the same tickets on a plain SQLite file.
2. Shift summary of a 1,000-ticket trip (in a year's store). Floor: the same summary on
   the same year in a plain SQLite file.

Goal: within 1.3× the plain figure (issue 16). Each is measured against two plain files:
the standard library's sqlite3 (Debian's SQLite, what the store used before), which the
goal is judged against; and the same driver without a key (sqlcipher3's own SQLite build),
so that the cipher's cost (AES-256 and an HMAC per page read or written, the WAL included)
is told apart from the build's.

    python bench/encryption.py [tickets]   # default 20000 in the year; the shift trip is 1,000 regardless
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

from sqlcipher3 import dbapi2  # noqa: TID251 - the plain floor, through the same SQLite build
from sqlite_utils import Database

import db
from bench.figures import Figure, percentile, report
from bench.store import WRITERS, _build_year, _run_writers, _time, _van
from db import migrations

YEAR_TICKETS = 20_000
GOAL_RATIO = 1.3


def open_plain(path: Path, *, stdlib: bool = False) -> Database:
    """A plain SQLite store set up as db.open_store sets up the encrypted one: for the floors only."""
    connect = sqlite3.connect if stdlib else dbapi2.connect  # noqa: TID251 - the unencrypted floors
    conn = connect(str(path), timeout=10.0, isolation_level=None)
    store = Database(conn)
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA journal_mode = WAL")
    migrations.migrate(store)
    return store


def _open_stdlib(path: Path) -> Database:
    return open_plain(path, stdlib=True)


def main(size: int | None = None) -> None:
    tickets = size or YEAR_TICKETS
    trips = max(2, min(250, tickets // 100))
    per_writer = max(20, min(500, tickets // 40))
    # (mode for the writers, opener): the encrypted store, and the two plain floors.
    sides = {
        "encrypted": ("issue", db.open_store),
        "same build": ("plain-issue", open_plain),
        "stdlib": ("stdlib-issue", _open_stdlib),
    }
    issue: dict[str, list[float]] = {side: [] for side in sides}
    shift: dict[str, list[float]] = {side: [] for side in sides}
    with tempfile.TemporaryDirectory(prefix="govan-bench-encryption-") as directory:
        folder = Path(directory)
        for side, (_, opener) in sides.items():
            _van(folder / f"{side}-queue.db", opener)
        assert not db.connection.is_plain(folder / "encrypted-queue.db")
        assert db.connection.is_plain(folder / "stdlib-queue.db")
        # Alternated, so that a busy moment on the machine does not land on one side only.
        for _ in range(2):
            for side, (mode, _) in sides.items():
                issue[side] += _run_writers(folder / f"{side}-queue.db", mode, per_writer // 2, "ABFH")

        stores = {}
        for side, (_, opener) in sides.items():
            big, _, _ = _build_year(folder / f"{side}-year.db", tickets, trips, random.Random(2026), opener)
            stores[side] = opener(folder / f"{side}-year.db")
        shift_tickets = next(stores["encrypted"].query("SELECT COUNT(*) AS n FROM tickets WHERE trip_id = ?", [big]))[
            "n"
        ]
        for _ in range(3):
            for side, store in stores.items():
                shift[side] += _time(lambda store=store: db.shift_summary(store, big), 7)
        summaries = {side: db.shift_summary(store, big) for side, store in stores.items()}
        assert summaries["encrypted"] == summaries["stdlib"] == summaries["same build"]
        for store in stores.values():
            store.close()

    print(
        f"encryption benchmark: {WRITERS} writers × {per_writer} tickets on each file; shift summary of a "
        f"{shift_tickets}-ticket trip in a year of {tickets} tickets; floors: the same on plain SQLite, through "
        "the standard library (the goal's) and through sqlcipher3 without a key (the same SQLite build)"
    )
    p99 = {side: percentile(samples, 0.99) for side, samples in issue.items()}
    summary = {side: statistics.median(samples) for side, samples in shift.items()}
    goal = f"≤ {GOAL_RATIO}× plain"
    why = (
        "every page read is decrypted and its HMAC checked (the cipher-only row is that share); "
        "a small or contended run is within noise of the line: repeat it"
    )
    report(
        Figure(
            "encrypted_issue_ticket_p99",
            f"SQLCipher: issue ticket, {WRITERS} writers, p99",
            p99["encrypted"],
            "ms",
            p99["stdlib"],
            "the same on plain SQLite (stdlib sqlite3)",
            goal=goal,
            met=p99["encrypted"] <= GOAL_RATIO * p99["stdlib"],
            note="" if p99["encrypted"] <= GOAL_RATIO * p99["stdlib"] else why,
        ),
        Figure(
            "encrypted_issue_ticket_p99_same_build",
            f"SQLCipher: issue ticket, {WRITERS} writers, p99, cipher only",
            p99["encrypted"],
            "ms",
            p99["same build"],
            "the same on plain SQLite, same build",
        ),
        Figure(
            "encrypted_shift_summary",
            f"SQLCipher: shift summary, {shift_tickets}-ticket trip",
            summary["encrypted"],
            "ms",
            summary["stdlib"],
            "the same on plain SQLite (stdlib sqlite3)",
            goal=goal,
            met=summary["encrypted"] <= GOAL_RATIO * summary["stdlib"],
            note="" if summary["encrypted"] <= GOAL_RATIO * summary["stdlib"] else why,
        ),
        Figure(
            "encrypted_shift_summary_same_build",
            f"SQLCipher: shift summary, {shift_tickets}-ticket trip, cipher only",
            summary["encrypted"],
            "ms",
            summary["same build"],
            "the same on plain SQLite, same build",
        ),
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
