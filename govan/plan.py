"""`govan plan`: the dispatcher's week from the command line (the screens are `govan tui --central`).

- `govan plan export --week 2026-W50 [--format ics|md|json] [--output FILE]`: the published week of
  every van (CONTRACT.md v2); to stdout unless --output.
- `govan plan draft --week …`: the solver's draft into the week (the dispatcher's edits kept).
- `govan plan publish --week …`: send each van whose week changed its new version.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from central import views
from central.store import connect_sync, migrate_sync
from govan.config import Config
from planning import export, week
from planning.errors import PlanningError

__all__ = ["run_plan"]

EXIT_USAGE = 2


def run_plan(config: Config, action: str, week_name: str, fmt: str, output: str | None) -> int:
    url = views.store_url(config)
    with connect_sync(url) as conn:
        migrate_sync(conn)
        try:
            if action == "export":
                data = export.export_week(conn, week_name, fmt)
                if output:
                    Path(output).write_bytes(data)
                else:
                    sys.stdout.buffer.write(data)
                return 0
            if action == "draft":
                result = week.draft(conn, week_name, today=views.today_in(config.tz))
                print(f"drafted {week_name}: {len(result.assignments)} trips to stops, demand served {result.score}, "
                      f"{'optimal' if result.optimal else 'not proved optimal'}, {result.wall_s * 1000:.0f} ms")
                return 0
            done = week.publish(conn, week_name, now=datetime.now(UTC))
            if not done:
                print(f"{week_name}: no van's week changed since it was last published")
            for item in done:
                print(f"{week_name}: {item.van_id} version {item.version} queued ({item.changes} half-days changed)")
            return 0
        except PlanningError as error:
            print(f"govan plan {action}: {error}", file=sys.stderr)
            return EXIT_USAGE
