"""A device incident reaches the centre as the van keeps it: the daemon's problem code and params."""

from __future__ import annotations

from pathlib import Path

import psycopg

from core.problems import Code, Problem
from db import incidents, outbox
from tests.db.support import at
from tests.support.centre import linked, make_store, until, van_config


async def test_an_incident_goes_up_with_its_problem_code_not_words(tmp_path: Path, central_db: str) -> None:
    config = van_config(tmp_path, central_db)
    store = make_store(config)
    refused = Problem(Code.DEVICE_CONNECTION_REFUSED, {"port": "tcp://10.0.0.5:9100"})
    incidents.record(store, "printer", "state", state="offline", problem=refused, at=at(10).isoformat())
    incidents.record(store, "scanner", "error", detail="frame 0x1f", at=at(11).isoformat())  # free text, no code
    store.close()

    async with linked(config) as pair:
        await until(
            lambda: outbox.backlog(pair.link.db).pending == 0 and pair.link.acknowledged >= 1,
            what="the incidents acknowledged",
        )
    with psycopg.connect(central_db) as conn:
        got = conn.execute("SELECT device, state, problem, params, detail FROM incidents ORDER BY at").fetchall()
    assert got == [
        ("printer", "offline", "device.connection_refused", {"port": "tcp://10.0.0.5:9100"}, ""),
        ("scanner", "", "", {}, "frame 0x1f"),
    ]
