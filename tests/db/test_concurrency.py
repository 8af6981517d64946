"""Several processes on one file: numbers stay gap-free and unique, calls never collide.

Real processes on a real file, started together; no "database is locked" allowed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import db
from tests.db.support import Van, count

WORKER = Path(__file__).with_name("store_worker.py")


def run_together(*argvs: list[str]) -> list[dict[str, list]]:
    processes = [
        subprocess.Popen(
            [sys.executable, str(WORKER), *argv],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for argv in argvs
    ]
    try:
        for process in processes:
            assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        outputs = [process.communicate(timeout=120) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    for process, (_, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
    return [json.loads(stdout) for stdout, _ in outputs]


def test_four_processes_issue_500_tickets_each_without_gaps_or_duplicates(van: Van) -> None:
    results = run_together(*[["issue", str(van.path), str(van.trip_id), "500", "AB"] for _ in range(4)])
    assert [r["errors"] for r in results] == [[], [], [], []]
    assert sum(len(r["ids"]) for r in results) == 2000
    for category in "AB":
        numbers = [
            row["number"]
            for row in van.db.query(
                "SELECT number FROM tickets WHERE trip_id = ? AND category = ? ORDER BY number", [van.trip_id, category]
            )
        ]
        assert numbers == list(range(1, 1001))
    assert count(van.db, "tickets") == 2000


def test_two_windows_calling_at_once_never_get_the_same_ticket(van: Van) -> None:
    with db.immediate(van.db):
        issued = {db.issue_ticket(van.db, van.trip_id, category="A").id for _ in range(300)}
    results = run_together(
        ["call", str(van.path), str(van.trip_id), "1"], ["call", str(van.path), str(van.trip_id), "3"]
    )
    assert [r["errors"] for r in results] == [[], []]
    first, second = (set(r["ids"]) for r in results)
    assert first and second  # both windows really took part
    assert first.isdisjoint(second) and first | second == issued
    assert len(results[0]["ids"]) + len(results[1]["ids"]) == 300
    calls = {row["call_count"] for row in van.db.query("SELECT call_count FROM tickets")}
    assert calls == {1}
