"""`govan plan`: the dispatcher's week from the command line (the screens are `govan tui --central`).

- `govan plan export --week 2026-W50 [--format ics|md|json] [--output FILE]`: the published week of
  every van (CONTRACT.md v2); to stdout unless --output.
- `govan plan draft --week …`: the solver's draft into the week (the dispatcher's edits kept).
- `govan plan publish --week …`: send each van whose week changed its new version.
- Setting up: `govan plan items [--catalogue FILE]` (the catalogue's items and departments, then their
  minutes from the cases), `govan plan stop --name … --kind … [--address …] [--point LAT,LON]`,
  `govan plan van --van lg-01 --crew police=1,social=1 [--point LAT,LON]` (its depot),
  `govan plan day-off --van lg-01 --day 2026-12-09`.
- `govan plan announce --session N --qr URL [--output DIR]`: the session's A4 poster, A5 leaflet,
  WeChat text and HTML, and ICS event (DIR defaults to data_dir/exports).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from central import views
from central.store import connect_sync, migrate_sync
from govan.config import Config
from planning import bookings, desk, export, week
from planning.errors import PlanCode, PlanningError

__all__ = ["run_plan"]

EXIT_USAGE = 2


def _point(text: str | None) -> tuple[float, float] | None:
    if not text:
        return None
    try:
        lat, lon = (float(part) for part in text.split(","))
    except ValueError:
        raise PlanningError(PlanCode.COORDINATES) from None
    return lat, lon


def _crew(text: str | None) -> dict[str, int]:
    crew = {}
    for part in (text or "").split(","):
        if part.strip():
            department, _, count = part.partition("=")
            try:
                crew[department.strip()] = int(count or 1)
            except ValueError:
                raise PlanningError(PlanCode.HEAD_COUNT) from None
    return crew


def _setup(conn: Any, args: argparse.Namespace) -> int:
    if args.action == "items":
        text = (
            Path(args.catalogue).read_text(encoding="utf-8")
            if args.catalogue
            else resources.files("db").joinpath("default_catalogue.toml").read_text(encoding="utf-8")
        )
        loaded = bookings.load_items(conn, text)
        measured = bookings.calibrate_minutes(conn)
        print(f"{loaded} items loaded; {measured} timed from the cases")
    elif args.action == "stop":
        point = _point(args.point)
        stop_id = week.add_stop(
            conn,
            args.name or "",
            args.kind or "",
            address=args.address or "",
            lat=point[0] if point else None,
            lon=point[1] if point else None,
        )
        print(f"stop {stop_id}: {args.name}")
    elif args.action == "van":
        week.set_van(conn, args.van or "", crew=_crew(args.crew), depot=_point(args.point))
        print(f"van {args.van} planned")
    else:
        week.set_day_off(conn, args.van or "", date.fromisoformat(args.day or ""))
        print(f"{args.van} off on {args.day}")
    return 0


def _announce(config: Config, conn: Any, args: argparse.Namespace) -> int:
    from devices.fonts import FONT_PACKAGES, default_cjk_font

    font = default_cjk_font()
    if font is None:
        print(f"govan plan announce: no Chinese font; install {FONT_PACKAGES}", file=sys.stderr)
        return EXIT_USAGE
    if args.session is None or not args.qr:
        print(
            "govan plan announce: give --session N and --qr URL (the WeChat article or the 点单 page)", file=sys.stderr
        )
        return EXIT_USAGE
    folder = Path(args.output) if args.output else config.data_path / "exports"
    for path in desk.announce_session(conn, args.session, args.qr, folder, [font.path]):
        print(path)
    return 0


def run_plan(config: Config, args: argparse.Namespace) -> int:
    action, week_name, fmt, output = args.action, args.week, args.format, args.output
    url = views.store_url(config)
    with connect_sync(url) as conn:
        migrate_sync(conn)
        try:
            if action in ("items", "stop", "van", "day-off"):
                return _setup(conn, args)
            if action == "announce":
                return _announce(config, conn, args)
            if not week_name:
                raise PlanningError(PlanCode.WEEK_FORM, week="")
            if action == "export":
                data = export.export_week(conn, week_name, fmt)
                if output:
                    Path(output).write_bytes(data)
                else:
                    sys.stdout.buffer.write(data)
                return 0
            if action == "draft":
                result = week.draft(conn, week_name, today=views.today_in(config.tz))
                print(
                    f"drafted {week_name}: {len(result.assignments)} trips to stops, demand served {result.score}, "
                    f"{'optimal' if result.optimal else 'not proved optimal'}, {result.wall_s * 1000:.0f} ms"
                )
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
        except (ValueError, OSError) as error:  # a date or a catalogue file that is not one
            print(f"govan plan {action}: {error}", file=sys.stderr)
            return EXIT_USAGE
