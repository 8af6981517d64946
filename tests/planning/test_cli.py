"""`govan plan` against a real PostgreSQL: draft, publish, export in each format, and bad input named."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from icalendar import Calendar

from tests.planning.support import WEEK, planning_store


def govan(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govan", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_plan_draft_publish_and_export(tmp_path: Path, central_db: str) -> None:
    planning_store(central_db).close()
    (tmp_path / "govan.toml").write_text(
        f'data_dir = "{tmp_path / "data"}"\n[central]\ndatabase_url = "{central_db}"\n', encoding="utf-8"
    )
    drafted = govan("plan", "draft", "--week", WEEK, cwd=tmp_path)
    assert drafted.returncode == 0 and "optimal" in drafted.stdout, drafted.stderr
    published = govan("plan", "publish", "--week", WEEK, cwd=tmp_path)
    assert "lg-01 version 1 queued" in published.stdout and "lg-02 version 1 queued" in published.stdout
    again = govan("plan", "publish", "--week", WEEK, cwd=tmp_path)
    assert "no van's week changed" in again.stdout
    ics = govan("plan", "export", "--week", WEEK, "--format", "ics", "--output", "week.ics", cwd=tmp_path)
    assert ics.returncode == 0, ics.stderr
    calendar = Calendar.from_ical((tmp_path / "week.ics").read_bytes())
    assert calendar.walk("VEVENT") and str(calendar.walk("VTIMEZONE")[0]["TZID"]) == "Asia/Shanghai"
    data = json.loads(govan("plan", "export", "--week", WEEK, "--format", "json", cwd=tmp_path).stdout)
    assert {van["van_id"] for van in data["vans"]} == {"lg-01", "lg-02"}
    assert "| 日期 | 时段 |" in govan("plan", "export", "--week", WEEK, cwd=tmp_path).stdout
    bad = govan("plan", "export", "--week", "2026-50", cwd=tmp_path)
    assert bad.returncode == 2 and "plan.week_form" in bad.stderr and "Traceback" not in bad.stderr


def test_plan_set_up_from_nothing_on_the_command_line(tmp_path: Path, central_db: str) -> None:
    (tmp_path / "govan.toml").write_text(
        f'data_dir = "{tmp_path / "data"}"\n[central]\ndatabase_url = "{central_db}"\n', encoding="utf-8"
    )
    items = govan("plan", "items", cwd=tmp_path)
    assert items.returncode == 0 and "25 items loaded" in items.stdout, items.stderr
    for name, kind in (("龙港万达商圈", "commercial"), ("龙港经济开发区", "industrial_park")):
        done = govan("plan", "stop", "--name", name, "--kind", kind, "--point", "27.57,120.56", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    assert (
        govan(
            "plan", "van", "--van", "lg-01", "--crew", "police=1,social=2", "--point", "27.56,120.55", cwd=tmp_path
        ).returncode
        == 0
    )
    assert govan("plan", "day-off", "--van", "lg-01", "--day", "2026-12-07", cwd=tmp_path).returncode == 0
    drafted = govan("plan", "draft", "--week", WEEK, cwd=tmp_path)
    assert "2 trips to stops" in drafted.stdout, drafted.stderr
    bad_point = govan("plan", "stop", "--name", "x", "--kind", "commercial", "--point", "north", cwd=tmp_path)
    assert bad_point.returncode == 2 and "plan.coordinates" in bad_point.stderr
    bad_day = govan("plan", "day-off", "--van", "lg-01", "--day", "Monday", cwd=tmp_path)
    assert bad_day.returncode == 2 and "Traceback" not in bad_day.stderr
    no_week = govan("plan", "draft", cwd=tmp_path)
    assert no_week.returncode == 2 and "plan.week_form" in no_week.stderr


def test_plan_announce_writes_the_sessions_files(tmp_path: Path, central_db: str) -> None:
    from datetime import date

    from planning import bookings, sessions, week
    from tests.planning.support import CATALOGUE
    from tests.support.fonts import require_cjk_font

    require_cjk_font()
    conn = planning_store(central_db)
    bookings.load_items(conn, CATALOGUE)
    stop = week.stops(conn)[0].stop_id
    session = sessions.create(
        conn,
        "老年人服务专场",
        ["bus_card_senior", "pension_certification"],
        "lg-01",
        date(2026, 12, 9),
        "am",
        stop,
        date(2026, 12, 7),
    )
    (tmp_path / "govan.toml").write_text(
        f'data_dir = "{tmp_path / "data"}"\n[central]\ndatabase_url = "{central_db}"\n', encoding="utf-8"
    )
    missing = govan("plan", "announce", "--session", str(session.session_id), cwd=tmp_path)
    assert missing.returncode == 2 and "--qr" in missing.stderr
    done = govan(
        "plan",
        "announce",
        "--session",
        str(session.session_id),
        "--qr",
        "https://example.org/s/1",
        "--output",
        "out",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [
        "session-1-leaflet-a5.pdf",
        "session-1-poster-a4.pdf",
        "session-1-wechat.html",
        "session-1-wechat.txt",
        "session-1.ics",
    ]
    assert "老年人服务专场" in (tmp_path / "out" / "session-1-wechat.txt").read_text(encoding="utf-8")
    unknown = govan("plan", "announce", "--session", "99", "--qr", "https://example.org", cwd=tmp_path)
    assert unknown.returncode == 2 and "plan.session_not_found" in unknown.stderr
