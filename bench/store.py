"""Store benchmarks: issuing tickets under contention, the shift summary, the year's evaluation.

1. Issue-ticket latency with 4 writer processes on one file (WAL, synchronous=FULL,
   BEGIN IMMEDIATE). Floor: a bare INSERT + COMMIT by 4 writers on the same file.
2. Shift summary of a 1,000-ticket trip. Goal ≤ 50 ms. Floor: a bare SELECT COUNT(*)
   over the same trip's tickets, cases and ratings.
3. Staff evaluation over a year: 250 trips, 100,000 tickets. Goal ≤ 500 ms. Floor: a
   bare SELECT COUNT(*) over the same tickets, cases and ratings.
4. The captain's first page of past trips (20, with their crews) among the year's. Floor:
   a bare SELECT of the same 20 trips; the page must not grow with the years behind it.

The year is generated with plain INSERTs (seeded, so every run measures the same data);
the figures time the store's own functions.

    python bench/store.py [tickets]      # default 100000; smaller numbers scale everything down
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

import db
from bench.figures import Figure, percentile, report
from db import catalogue, clock, staff
from db.trips import recent_trips

WRITERS = 4
YEAR_TICKETS = 100_000
YEAR_TRIPS = 250
SHIFT_TICKETS = 1_000
GOAL_SHIFT_MS = 50.0
GOAL_EVALUATION_MS = 500.0
TRIPS_PAGE = 20


# 1. Writers ------------------------------------------------------------------


def _writer(path: str, mode: str, count: int, category: str) -> None:
    """One writer process: waits for "go" on stdin, prints its latencies (ms) as JSON.

    Modes "plain-issue" and "stdlib-issue" issue tickets on plain SQLite files (bench/encryption.py's floors)."""
    if mode in ("plain-issue", "stdlib-issue"):
        from bench.encryption import open_plain

        store, mode = open_plain(Path(path), stdlib=mode == "stdlib-issue"), "issue"
    else:
        store = db.open_store(path)
    print("ready", flush=True)
    sys.stdin.readline()
    samples = []
    for n in range(count):
        started = time.perf_counter()
        if mode == "floor":
            store.conn.execute("INSERT INTO bench_floor (writer, n) VALUES (?, ?)", [category, n])
        else:
            db.issue_ticket(store, 1, category=category)
        samples.append((time.perf_counter() - started) * 1000)
    store.close()
    print(json.dumps(samples), flush=True)


def _run_writers(path: Path, mode: str, count: int, categories: str) -> list[float]:
    processes = [
        subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--writer", str(path), mode, str(count), categories[n]],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    for process in processes:
        assert process.stdout is not None
        if process.stdout.readline().strip() != "ready":
            raise SystemExit("a writer process failed to start")
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    samples: list[float] = []
    for process in processes:
        out, _ = process.communicate(timeout=600)
        if process.returncode != 0:
            raise SystemExit("a writer process failed")
        samples += json.loads(out)
    return samples


def _van(path: Path, opener: Callable[[Path], Database] = db.open_store) -> None:
    """A store with an open trip whose windows serve queues A, B, F and H."""
    store = opener(path)
    catalogue.load_default(store)
    captain = db.add_staff(store, "c1", "车长", "captain", "1111")
    stop = db.add_stop(store, "基准测试站点", "community")
    trip = db.plan_trip(store, date.today(), stop.id, captain.id)  # noqa: DTZ011 - any day will do
    db.set_crew(store, trip.id, captain.id, "1", ["A", "B", "F", "H"])
    db.open_trip(store, trip.id)
    store.execute("CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, writer TEXT, n INTEGER)")
    store.close()


# 2-3. A year of data -----------------------------------------------------------


def _stamp(moment: datetime) -> str:
    return clock.to_text(moment)


def _build_year(
    path: Path, tickets: int, trips: int, rng: random.Random, opener: Callable[[Path], Database] = db.open_store
) -> tuple[int, date, date]:
    """A year of closed trips; trip 1 has SHIFT_TICKETS tickets (or fewer when scaled down).
    Returns (the big trip's id, first day, last day)."""
    store = opener(path)
    catalogue.load_default(store)
    departments = db.list_departments(store)
    items = {d.code: [i.code for i in db.list_items(store, department=d.code)] for d in departments}
    pin_hash = staff.hash_pin("1234")
    people = []  # (staff id, department)
    with db.immediate(store):
        for n in range(24):
            department = departments[n % len(departments)]
            role = "captain" if n < 3 else "staff"
            store.execute(
                "INSERT INTO staff (id, login, name, role, department, pin_hash, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [n + 1, f"u{n:02d}", f"员工{n:02d}", role, department.code, pin_hash, "2025-01-01T00:00:00+00:00"],
            )
            people.append((n + 1, department))
        store.execute("INSERT INTO stops (id, name, kind) VALUES (1, '基准测试站点', 'community')")

        first_day = date(2025, 1, 1)
        big = min(SHIFT_TICKETS, tickets // 2)
        per_trip = [big] + [(tickets - big) // (trips - 1)] * (trips - 1)
        per_trip[-1] += tickets - sum(per_trip)
        rows: dict[str, list[tuple]] = {
            name: [] for name in ("trips", "crew", "categories", "tickets", "cases", "ratings", "follow_ups")
        }
        ticket_id = case_id = rating_id = 0
        for trip_no, count in enumerate(per_trip, start=1):
            day = first_day + timedelta(days=trip_no * 365 // (trips + 1))
            opened = datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)  # 09:00 in Longgang
            rows["trips"].append(
                (
                    trip_no,
                    day.isoformat(),
                    1,
                    1 + trip_no % 3,
                    "fixed",
                    "closed",
                    _stamp(opened),
                    _stamp(opened),
                    _stamp(opened + timedelta(hours=8)),
                )
            )
            crew = rng.sample(people, 6)
            by_letter = {}
            for window, (staff_id, department) in enumerate(crew, start=1):
                rows["crew"].append((trip_no, staff_id, str(window), rng.choice((3, 4, 4, 5, 5))))
                rows["categories"].append((trip_no, staff_id, department.queue_letter))
                by_letter[department.queue_letter] = (staff_id, department)
            letters = list(by_letter)
            numbers = dict.fromkeys(letters, 0)
            for n in range(count):
                ticket_id += 1
                letter = rng.choice(letters)
                numbers[letter] += 1
                staff_id, department = by_letter[letter]
                issued = opened + timedelta(seconds=n * 28800 / count)
                called = issued + timedelta(seconds=rng.uniform(30, 1800))
                no_show = rng.random() < 0.05
                done = called + timedelta(seconds=rng.uniform(120, 900))
                rows["tickets"].append(
                    (
                        ticket_id,
                        trip_no,
                        letter,
                        numbers[letter],
                        staff_id,
                        staff_id and str(crew.index((staff_id, department)) + 1),
                        "no_show" if no_show else "done",
                        _stamp(issued),
                        _stamp(called),
                        _stamp(called),
                        None if no_show else _stamp(called),
                        _stamp(done),
                    )
                )
                if no_show:
                    continue
                case_id += 1
                outcome = rng.choices(
                    ("completed_on_site", "accepted_forwarded", "not_done", "consult_only"), (50, 25, 10, 15)
                )[0]
                rows["cases"].append(
                    (
                        case_id,
                        trip_no,
                        ticket_id,
                        rng.choice(items[department.code]),
                        staff_id,
                        "closed",
                        outcome,
                        "材料不齐" if outcome == "not_done" else None,
                        _stamp(called),
                        _stamp(done),
                        _stamp(done),
                    )
                )
                if rng.random() < 0.6:
                    rating_id += 1
                    score = rng.choices((5, 4, 3, 2, 1), (60, 25, 9, 4, 2))[0]
                    named = rng.random() < 0.5
                    rows["ratings"].append(
                        (rating_id, ticket_id, score, int(named), staff_id, _stamp(done + timedelta(minutes=1)))
                    )
                    if score <= 2:
                        callback = _stamp(done + timedelta(days=1)) if rng.random() < 0.8 else None
                        rows["follow_ups"].append(
                            (
                                rating_id,
                                _stamp(done),
                                (day + timedelta(days=7)).isoformat(),
                                "called_back" if callback else "open",
                                callback,
                            )
                        )
        store.conn.executemany(
            "INSERT INTO trips (id, trip_date, stop_id, captain_id, mode, status, created_at,"
            " opened_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows["trips"],
        )
        store.conn.executemany(
            "INSERT INTO trip_crew (trip_id, staff_id, window, cooperation) VALUES (?, ?, ?, ?)", rows["crew"]
        )
        store.conn.executemany(
            "INSERT INTO crew_categories (trip_id, staff_id, category) VALUES (?, ?, ?)", rows["categories"]
        )
        store.conn.executemany(
            "INSERT INTO tickets (id, trip_id, category, number, staff_id, window, status, issued_at, called_at,"
            " last_called_at, serving_at, done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows["tickets"],
        )
        store.conn.executemany(
            "INSERT INTO cases (id, trip_id, ticket_id, item_code, staff_id, status, outcome, reason, opened_at,"
            " outcome_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows["cases"],
        )
        store.conn.executemany(
            "INSERT INTO ratings (id, ticket_id, score, named, staff_id, rated_at) VALUES (?, ?, ?, ?, ?, ?)",
            rows["ratings"],
        )
        store.conn.executemany(
            "INSERT INTO follow_ups (rating_id, opened_at, deadline, status, callback_at) VALUES (?, ?, ?, ?, ?)",
            rows["follow_ups"],
        )
    store.execute("ANALYZE")
    store.close()
    last_day = first_day + timedelta(days=364)
    return 1, first_day, last_day


def _time(function: Callable[[], object], repeats: int) -> list[float]:
    function()  # warm the page cache and statement cache
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main(size: int | None = None) -> None:
    tickets = size or YEAR_TICKETS
    trips = max(2, min(YEAR_TRIPS, tickets // 100))
    per_writer = max(20, min(500, tickets // 200))
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory(prefix="govan-bench-store-") as directory:
        queue_path = Path(directory) / "queue.db"
        _van(queue_path)
        floor_writes = _run_writers(queue_path, "floor", per_writer, "ABFH")
        issue = _run_writers(queue_path, "issue", per_writer, "ABFH")

        year_path = Path(directory) / "year.db"
        started = time.perf_counter()
        big_trip, first_day, last_day = _build_year(year_path, tickets, trips, rng)
        built_s = time.perf_counter() - started
        store = db.open_store(year_path)
        shift_tickets = next(store.query("SELECT COUNT(*) AS n FROM tickets WHERE trip_id = ?", [big_trip]))["n"]
        repeats = 20
        shift = _time(lambda: db.shift_summary(store, big_trip), repeats)
        shift_floor = _time(
            lambda: list(
                store.query(
                    """SELECT (SELECT COUNT(*) FROM tickets WHERE trip_id = :t) + (SELECT COUNT(*) FROM cases WHERE trip_id = :t)
                      + (SELECT COUNT(*) FROM ratings r JOIN tickets tk ON tk.id = r.ticket_id WHERE tk.trip_id = :t)""",
                    {"t": big_trip},
                )
            ),
            repeats,
        )
        evaluation = _time(lambda: db.evaluate(store, first_day, last_day), 5)
        evaluation_floor = _time(
            lambda: list(
                store.query(
                    """WITH scope AS (SELECT id FROM trips WHERE trip_date BETWEEN :a AND :b)
               SELECT (SELECT COUNT(*) FROM tickets WHERE trip_id IN scope)
                      + (SELECT COUNT(*) FROM cases WHERE trip_id IN scope)
                      + (SELECT COUNT(*) FROM ratings r JOIN tickets tk ON tk.id = r.ticket_id
                         WHERE tk.trip_id IN scope)""",
                    {"a": first_day.isoformat(), "b": last_day.isoformat()},
                )
            ),
            5,
        )
        trips_page = _time(lambda: recent_trips(store, limit=TRIPS_PAGE), repeats)
        trips_page_floor = _time(
            lambda: list(store.query("SELECT * FROM trips ORDER BY trip_date DESC, id DESC LIMIT ?", [TRIPS_PAGE])),
            repeats,
        )
        year_tickets = next(store.query("SELECT COUNT(*) AS n FROM tickets"))["n"]
        ranked = len(db.evaluate(store, first_day, last_day))
        store.close()

    shift_ms, evaluation_ms = statistics.median(shift), statistics.median(evaluation)
    print(
        f"store benchmark: {WRITERS} writers × {per_writer} tickets; a year of {trips} trips and "
        f"{year_tickets} tickets (built in {built_s:.1f} s), {ranked} staff ranked"
    )
    print("floors: bare INSERT+COMMIT by the same writers on the same file; bare SELECT COUNT(*) over the same rows")
    print("summary and evaluation: median of repeated runs after one warm-up")
    report(
        Figure(
            "store_issue_ticket_p50",
            f"store: issue ticket, {WRITERS} writers, p50",
            percentile(issue, 0.5),
            "ms",
            percentile(floor_writes, 0.5),
            "bare INSERT+COMMIT, same writers",
        ),
        Figure(
            "store_issue_ticket_p99",
            f"store: issue ticket, {WRITERS} writers, p99",
            percentile(issue, 0.99),
            "ms",
            percentile(floor_writes, 0.99),
            "bare INSERT+COMMIT, same writers",
        ),
        Figure(
            "store_shift_summary",
            f"store: shift summary, {shift_tickets}-ticket trip",
            shift_ms,
            "ms",
            statistics.median(shift_floor),
            "bare COUNT over the same rows",
            goal=f"≤ {GOAL_SHIFT_MS:g} ms",
            met=shift_ms <= GOAL_SHIFT_MS,
            note=""
            if shift_ms <= GOAL_SHIFT_MS
            else "the sorts behind medians and p90s dominate; "
            "a window-function percentile over an index on (trip_id, called_at) would cut them",
        ),
        Figure(
            "store_evaluation_year",
            f"store: staff evaluation, {trips} trips / {year_tickets} tickets",
            evaluation_ms,
            "ms",
            statistics.median(evaluation_floor),
            "bare COUNT over the same rows",
            goal=f"≤ {GOAL_EVALUATION_MS:g} ms",
            met=evaluation_ms <= GOAL_EVALUATION_MS,
            note="" if evaluation_ms <= GOAL_EVALUATION_MS else "one pass per staff member; aggregate per trip first",
        ),
        Figure(
            "store_trips_page",
            f"store: the captain's page of {TRIPS_PAGE} past trips among {trips}",
            statistics.median(trips_page),
            "ms",
            statistics.median(trips_page_floor),
            f"bare SELECT of the same {TRIPS_PAGE} trips",
        ),
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--writer":
        _writer(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
