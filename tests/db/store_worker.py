"""A separate process working on a store, for the concurrency tests.

    python store_worker.py issue DB TRIP COUNT CATEGORIES   # e.g. "AB": alternate between A and B
    python store_worker.py call DB TRIP WINDOW              # call and no-show until the queue is empty

A calling window pauses 2 ms between calls, as a real window does for far longer:
without any pause, SQLite's busy handler can leave the other window waiting until
the queue is empty, and the test would prove nothing.

It prints "ready", waits for a line on stdin so that all workers start together,
then prints one JSON line: {"ids": [...], "errors": [...]}.
"""

from __future__ import annotations

import json
import sys
import time

import db


def main(argv: list[str]) -> None:
    mode, path, trip_id = argv[0], argv[1], int(argv[2])
    store = db.open_store(path)
    print("ready", flush=True)
    sys.stdin.readline()
    ids: list[int] = []
    errors: list[str] = []
    if mode == "issue":
        count, categories = int(argv[3]), argv[4]
        for n in range(count):
            try:
                ids.append(db.issue_ticket(store, trip_id, category=categories[n % len(categories)]).id)
            except Exception as error:  # reported to the test, which fails on any
                errors.append(f"{type(error).__name__}: {error}")
    else:
        window = argv[3]
        while True:
            try:
                ticket = db.call_next(store, trip_id, window)
                if ticket is None:
                    break
                ids.append(ticket.id)
                db.mark_no_show(store, ticket.id)
                time.sleep(0.002)
            except Exception as error:
                errors.append(f"{type(error).__name__}: {error}")
                break
    store.close()
    print(json.dumps({"ids": ids, "errors": errors}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
