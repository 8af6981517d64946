"""The demo's plan: made once, both weeks published to the demo's van."""

from __future__ import annotations

from datetime import date

import psycopg

from central.store import migrate_sync
from planning import demo, week
from tests.planning.support import CATALOGUE


def test_the_demo_plan_is_made_once(central_db: str) -> None:
    conn = psycopg.connect(central_db)
    migrate_sync(conn)
    catalogue = CATALOGUE.read_text(encoding="utf-8")
    assert demo.seed(conn, "lg-01", date(2026, 12, 9), catalogue)
    assert not demo.seed(conn, "lg-01", date(2026, 12, 9), catalogue)
    assert week.vans(conn) == ["lg-01"] and len(week.stops(conn)) == len(demo.STOPS)
    assert sorted(week.published(conn, "2026-W50")) == ["lg-01"]
    assert sorted(week.published(conn, "2026-W51")) == ["lg-01"]
    assert conn.execute("SELECT count(*) FROM down_outbox WHERE kind = 'plan.week'").fetchone() == (2,)
