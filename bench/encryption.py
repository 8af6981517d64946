"""What encrypting the store costs: the same operations on SQLCipher and on plain SQLite.

1. Issue-ticket latency, p99, 4 writer processes on one file (as bench/store.py). Floor: the
   same writers issuing the same tickets on a plain SQLite file.
2. Shift summary of a 1,000-ticket trip (in a year's store). Floor: the same summary on
   the same year in a plain SQLite file.

Goal: within 1.3× the plain figure (issue 16). The plain files are opened through the
same driver (sqlcipher3, no key), so the floor is the same SQLite build and the ratio is
the cipher's cost alone: AES-256 and an HMAC per page read or written, the WAL included.

    python bench/encryption.py [tickets]   # default 20000 in the year; the shift trip is 1,000 regardless
"""

from __future__ import annotations

import random
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


def open_plain(path: Path) -> Database:
    """A plain SQLite store set up as db.open_store sets up the encrypted one: for the floor only."""
    conn = dbapi2.connect(str(path), timeout=10.0, isolation_level=None)
    store = Database(conn)
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA journal_mode = WAL")
    migrations.migrate(store)
    return store


def main(size: int | None = None) -> None:
    tickets = size or YEAR_TICKETS
    trips = max(2, min(250, tickets // 100))
    per_writer = max(20, min(500, tickets // 40))
    with tempfile.TemporaryDirectory(prefix="govan-bench-encryption-") as directory:
        folder = Path(directory)
        _van(folder / "plain-queue.db", open_plain)
        _van(folder / "queue.db")
        assert db.connection.is_plain(folder / "plain-queue.db") and not db.connection.is_plain(folder / "queue.db")
        # Alternated, so that a busy moment on the machine does not land on one side only.
        plain_issue = _run_writers(folder / "plain-queue.db", "plain-issue", per_writer // 2, "ABFH")
        issue = _run_writers(folder / "queue.db", "issue", per_writer // 2, "ABFH")
        plain_issue += _run_writers(folder / "plain-queue.db", "plain-issue", per_writer // 2, "ABFH")
        issue += _run_writers(folder / "queue.db", "issue", per_writer // 2, "ABFH")

        big, _, _ = _build_year(folder / "plain-year.db", tickets, trips, random.Random(2026), open_plain)
        _build_year(folder / "year.db", tickets, trips, random.Random(2026))
        plain, encrypted = open_plain(folder / "plain-year.db"), db.open_store(folder / "year.db")
        shift_tickets = next(encrypted.query("SELECT COUNT(*) AS n FROM tickets WHERE trip_id = ?", [big]))["n"]
        plain_shift, shift = [], []
        for _ in range(3):
            plain_shift += _time(lambda: db.shift_summary(plain, big), 7)
            shift += _time(lambda: db.shift_summary(encrypted, big), 7)
        assert db.shift_summary(plain, big) == db.shift_summary(encrypted, big)
        plain.close()
        encrypted.close()

    print(f"encryption benchmark: {WRITERS} writers × {per_writer} tickets on each file; shift summary of a "
          f"{shift_tickets}-ticket trip in a year of {tickets} tickets; floors: the same on plain SQLite (same build)")
    issue_p99, plain_p99 = percentile(issue, 0.99), percentile(plain_issue, 0.99)
    shift_ms, plain_shift_ms = statistics.median(shift), statistics.median(plain_shift)
    report(
        Figure("encrypted_issue_ticket_p99", f"SQLCipher: issue ticket, {WRITERS} writers, p99", issue_p99, "ms",
               plain_p99, "the same on plain SQLite", goal=f"≤ {GOAL_RATIO}× plain",
               met=issue_p99 <= GOAL_RATIO * plain_p99),
        Figure("encrypted_shift_summary", f"SQLCipher: shift summary, {shift_tickets}-ticket trip", shift_ms, "ms",
               plain_shift_ms, "the same on plain SQLite", goal=f"≤ {GOAL_RATIO}× plain",
               met=shift_ms <= GOAL_RATIO * plain_shift_ms),
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
