"""`govan central status [--json]`: every van the centre has heard of, as CONTRACT.md v2 fixes it."""

from __future__ import annotations

import json

from central import views
from govan.config import Config

__all__ = ["run_reveals", "run_status"]


def run_status(config: Config, *, as_json: bool) -> int:
    from central.service import database_url

    url, _ = database_url(config, start=False)
    with views.open_store(url) as conn:
        lines = views.fleet(conn, online_minutes=config.central.online_minutes)
    if as_json:
        print(
            json.dumps(
                {
                    "vans": [
                        {
                            "van_id": line.van_id,
                            "last_seen_at": line.last_seen_at.isoformat() if line.last_seen_at else None,
                            "online": line.online,
                            "cases": line.cases,
                            "trips": line.trips,
                            "ratings": line.ratings,
                            "followups_open": line.followups_open,
                        }
                        for line in lines
                    ]
                },
                ensure_ascii=False,
            )
        )
        return 0
    if not lines:
        print("no van has been heard from yet")
    for line in lines:
        seen = line.last_seen_at.isoformat(timespec="seconds") if line.last_seen_at else "-"
        print(
            f"{line.van_id:<12} {'online' if line.online else 'offline':<8} last seen {seen}  cases {line.cases}"
            f"  trips {line.trips}  ratings {line.ratings}  follow-ups open {line.followups_open}"
            f"  outbox {line.outbox_pending}"
        )
    return 0


def run_reveals(config: Config, *, days: int, fmt: str, van_id: str | None) -> int:
    """`govan central reveals`: who read personal data on the vans in the last `days` days, exported."""
    from central.service import database_url

    url, _ = database_url(config, start=False)
    start, end = views.period_ending(views.today_in(config.tz), days)
    with views.open_store(url) as conn:
        lines = views.reveals(conn, start, end, van_id=van_id)
    print(views.export(lines, fmt), end="")
    return 0
