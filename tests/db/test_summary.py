"""The captain's shift summary: gathered, exported three ways, stored and queued at the close.

The trip is the hand-worked shift of test_metrics (its docstring has the table). By hand:
tickets 10, called 9, served 8, no-shows 1, waiting 1; cases 9 = 4 on site + 2 forwarded
+ 2 not done + 1 consult; 办成率 6/8; ratings 7 (5 5 2 4 4 1 3): 满意率 5/7, 好评率 4/7;
one named 差评 (A002, called back) and one anonymous (A004, open); waits median 6 min,
p90 16.2 min; service median 6.5 min, p90 10.3 min. Ratings were given on Friday
2026-11-20 with 5 working days to follow up: due Friday 2026-11-27.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest

import db
from core.problems import Code
from db import incidents, outbox, report, report_export, trip_close
from db.report_export import to_dict
from tests.db.support import TRIP_DAY, Van, at, raises_problem
from tests.db.test_metrics import run_shift

MIN = 60.0
HAND = {  # overall figures worked out by hand; times in seconds
    "tickets": 10,
    "called": 9,
    "served": 8,
    "no_shows": 1,
    "waiting": 1,
    "transferred": 0,
    "cases": 9,
    "completed_on_site": 4,
    "accepted_forwarded": 2,
    "not_done": 2,
    "consult_only": 1,
    "ratings": 7,
    "satisfied": 5,
    "praised": 4,
    "bad_reviews": 2,
    "named_bad_reviews": 1,
    "named_bad_called_back": 1,
    "completion_rate": 6 / 8,
    "satisfaction_rate": 5 / 7,
    "praise_rate": 4 / 7,
    "named_bad_callback_rate": 1.0,
    "wait_median_s": 6 * MIN,
    "wait_p90_s": 16.2 * MIN,
    "service_median_s": 6.5 * MIN,
    "service_p90_s": 10.3 * MIN,
}


@pytest.fixture
def shift(van: Van) -> Van:
    run_shift(van)
    return van


def test_the_report_gathers_every_part_of_the_trip(shift: Van) -> None:
    incidents.record(shift.db, "printer", "state", state="error", detail="paper out", at=at(10).isoformat())
    incidents.record(shift.db, "printer", "state", state="ready", detail="", at=at(12).isoformat())
    report.set_notes(shift.db, shift.trip_id, "下午雨大，人少", staff_id=shift.captain, now=at(50))
    built = report.build(shift.db, shift.trip_id, now=at(60))
    assert (built.stop_name, built.trip_date, built.captain, built.status) == (
        "新城社区党群服务中心",
        TRIP_DAY,
        "员工c1",
        "open",
    )
    assert built.opened_at is not None and built.opened_at.strftime("%H:%M %z") == "09:00 +0800"
    assert built.hours_s == 60 * MIN  # open for an hour so far
    assert [(m.window, m.name, m.categories, m.cooperation, m.trips_out_year) for m in built.crew] == [
        ("1", "员工s1", ("A",), 5, 1),
        ("2", "员工s2", ("F", "H"), 3, 1),
        ("3", "员工s3", ("A", "B"), 4, 1),
    ]
    assert built.ratings == {5: 2, 4: 2, 3: 1, 2: 1, 1: 1}
    reviews = [
        (line.ticket, line.score, line.named, line.follow_up.status, line.staff_name) for line in built.bad_reviews
    ]
    assert reviews == [("A002", 2, True, "called_back", "员工s3"), ("A004", 1, False, "open", "员工s3")]
    assert [line.follow_up.deadline for line in built.bad_reviews] == [date(2026, 11, 27)] * 2
    assert [s.text for s in built.suggestions] == ["希望增加周末服务"]
    assert [(i.device, i.state, i.detail) for i in built.incidents] == [
        ("printer", "error", "paper out"),
        ("printer", "ready", ""),
    ]
    assert built.notes == "下午雨大，人少"


def test_json_export_has_the_hand_computed_figures_and_parses_back(shift: Van) -> None:
    data = json.loads(report_export.to_json(report.build(shift.db, shift.trip_id, now=at(60))))
    for name, value in HAND.items():
        assert data["overall"][name] == pytest.approx(value, abs=0.05), name
    assert data["overall"]["trips_out_year"] == 1 and data["overall"]["follow_ups_open"] == 2  # not yet closed
    a = next(group for group in data["by_category"] if group["key"] == "A")
    assert (a["name"], a["tickets"], a["served"], a["completion_rate"]) == ("公安", 7, 5, pytest.approx(4 / 5))
    assert a["wait_median_s"] == pytest.approx(10 * MIN) and a["wait_p90_s"] == pytest.approx(16.5 * MIN)
    s1 = next(group for group in data["by_staff"] if group["key"] == shift.s1)
    assert (s1["tickets"], s1["cases"], s1["praise_rate"], s1["trips_out_year"]) == (4, 3, pytest.approx(2 / 3), 1)
    assert data["ratings"] == {"5": 2, "4": 2, "3": 1, "2": 1, "1": 1}
    assert data["arrivals_by_hour"] == [{"hour": "09:00", "arrivals": 10}]
    assert [b["tickets"] for b in data["wait_histogram"]["bins"]] == [3, 2, 2, 2]
    assert [(r["ticket"], r["status"], r["overdue"]) for r in data["bad_reviews"]] == [
        ("A002", "called_back", False),
        ("A004", "open", False),
    ]
    assert data["trip"]["opened_at"] == "2026-11-20T09:00:00+08:00" and data["trip"]["hours_s"] == 3600.0
    assert data["suggestions"][0]["received_at"] == "2026-11-20T09:45:00+08:00"


def test_csv_export_parses_back_to_the_same_figures(shift: Van) -> None:
    text = report_export.to_csv(report.build(shift.db, shift.trip_id, now=at(60)))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(report_export.CSV_COLUMNS)
    overall = {row["metric"]: row["value"] for row in rows if row["section"] == "overall"}
    for name, value in HAND.items():
        assert float(overall[name]) == pytest.approx(value, abs=0.05), name
    police = {row["metric"]: row["value"] for row in rows if row["section"] == "category" and row["key"] == "A"}
    assert (police["tickets"], float(police["completion_rate"])) == ("7", pytest.approx(0.8))
    s3 = {row["metric"]: row["value"] for row in rows if row["section"] == "staff" and row["name"] == "员工s3"}
    assert (s3["bad_reviews"], s3["satisfaction_rate"], s3["named_bad_callback_rate"]) == ("2", "0.0", "1.0")
    # No words from the store: a rating's name is the view's to give (tests/tui/test_summary_export.py).
    ratings = {row["key"]: (row["name"], row["value"]) for row in rows if row["section"] == "ratings"}
    assert ratings == {"5": ("", "2"), "4": ("", "2"), "3": ("", "1"), "2": ("", "1"), "1": ("", "1")}
    worded = report_export.to_csv(
        report.build(shift.db, shift.trip_id, now=at(60)),
        lambda section, key, name: f"level {key}" if section == "ratings" else name,
    )
    assert "ratings,5,level 5,count,2\r\n" in worded and f"staff,{shift.s3},员工s3," in worded
    a004 = {row["metric"]: row["value"] for row in rows if row["section"] == "bad_review" and row["key"] == "A004"}
    assert (a004["score"], a004["named"], a004["status"], a004["deadline"]) == ("1", "false", "open", "2026-11-27")
    # The CSV holds exactly what the JSON holds.
    assert len([row for row in rows if row["section"] == "overall"]) == len(
        to_dict(report.build(shift.db, shift.trip_id, now=at(60)))["overall"]
    )


def test_overdue_follow_ups_are_marked(shift: Van) -> None:
    late = report.build(shift.db, shift.trip_id, now=at(8 * 24 * 60))  # Saturday 28 November
    assert [line.overdue(late.today) for line in late.bad_reviews] == [True, True]
    assert [review["overdue"] for review in to_dict(late)["bad_reviews"]] == [True, True]
    on_the_day = report.build(shift.db, shift.trip_id, now=at(7 * 24 * 60))  # Friday 27th: due today, not late
    assert [review["overdue"] for review in to_dict(on_the_day)["bad_reviews"]] == [False, False]


def test_closing_stores_the_summary_and_queues_it_once(shift: Van) -> None:
    report.set_notes(shift.db, shift.trip_id, "顺利", staff_id=shift.captain, now=at(55))
    closed = trip_close.close_with_report(
        shift.db, shift.trip_id, closed_by=shift.captain, abandon_waiting=True, now=at(60)
    )
    assert closed.status == "closed" and closed.summary.overall.no_shows == 2  # A007 was still waiting
    stored = trip_close.stored(shift.db, shift.trip_id)
    assert stored == json.loads(json.dumps(to_dict(closed), ensure_ascii=False))
    assert stored is not None and stored["trip"]["closed_at"] == "2026-11-20T10:00:00+08:00"
    (message,) = [m for m in outbox.pending(shift.db) if m.kind == trip_close.OUTBOX_KIND]
    assert message.payload == stored and message.case_id is None
    with raises_problem(db.WrongState, Code.REPORT_ALREADY_STORED, trip=shift.trip_id):
        trip_close.store_report(shift.db, shift.trip_id)
    with raises_problem(db.WrongState, Code.REPORT_ALREADY_STORED, trip=shift.trip_id):
        report.set_notes(shift.db, shift.trip_id, "改", staff_id=shift.captain)


def test_a_close_that_is_refused_stores_nothing(shift: Van) -> None:
    with raises_problem(db.WrongState, Code.TRIP_TICKETS_WAITING, count=1):
        trip_close.close_with_report(shift.db, shift.trip_id, closed_by=shift.captain, now=at(60))
    assert db.get_trip(shift.db, shift.trip_id).status == "open"
    assert trip_close.stored(shift.db, shift.trip_id) is None
    assert [m for m in outbox.pending(shift.db) if m.kind == trip_close.OUTBOX_KIND] == []
    with raises_problem(db.WrongState, Code.TRIP_NOT_CLOSED, trip=shift.trip_id, status="open"):
        trip_close.store_report(shift.db, shift.trip_id)


def test_notes_are_checked(shift: Van) -> None:
    with raises_problem(db.InvalidValue, Code.STORE_TEXT_TOO_LONG, field="report.notes", limit=4000):
        report.set_notes(shift.db, shift.trip_id, "x" * 4001, staff_id=shift.captain)
    with pytest.raises(db.NotFound):
        report.set_notes(shift.db, 99, "x", staff_id=shift.captain)
    report.set_notes(shift.db, shift.trip_id, "  first  ", staff_id=shift.captain)
    report.set_notes(shift.db, shift.trip_id, "second", staff_id=shift.captain)
    assert report.notes(shift.db, shift.trip_id) == "second"


def test_evaluation_csv_parses_back(shift: Van) -> None:
    ranking = db.evaluate(shift.db, TRIP_DAY, TRIP_DAY)
    rows = list(csv.DictReader(io.StringIO(report_export.evaluation_csv(ranking))))
    assert [(row["rank"], row["name"]) for row in rows] == [("1", "员工s1"), ("2", "员工s2"), ("3", "员工s3")]
    assert float(rows[0]["score"]) == pytest.approx(95.0)
    assert (rows[0]["trips"], rows[0]["cases"], rows[0]["cooperation"]) == ("1", "3", "5.0")
    assert rows[2]["satisfaction_rate"] == "0.0"


def test_files_go_where_asked_and_csv_opens_in_excel(shift: Van, tmp_path) -> None:  # noqa: ANN001
    built = report.build(shift.db, shift.trip_id, now=at(60))
    texts = {"md": "# 出车工作汇总\n", "csv": report_export.to_csv(built), "json": report_export.to_json(built)}
    paths = [report_export.write(built, tmp_path / "exports", fmt, texts[fmt]) for fmt in report_export.FORMATS]
    assert [p.name for p in paths] == [
        "trip-0001-2026-11-20.md",
        "trip-0001-2026-11-20.csv",
        "trip-0001-2026-11-20.json",
    ]
    assert paths[1].read_bytes().startswith(b"\xef\xbb\xbfsection,key,name,metric,value")
    assert json.loads(paths[2].read_text(encoding="utf-8"))["trip"]["id"] == 1
    with pytest.raises(ValueError, match="one of md, csv, json"):
        report_export.write(built, tmp_path / "exports", "pdf", "")  # type: ignore[arg-type]


def test_incidents_are_recorded_once_whoever_hears_them(shift: Van) -> None:
    since = "2026-11-20T09:10:00.000+08:00"
    assert incidents.record(shift.db, "printer", "state", state="error", detail="paper out", at=since)
    assert not incidents.record(shift.db, "printer", "state", state="error", detail="paper out", at=since)
    # No daemon time: stamped with the minute, so two terminals a few seconds apart agree.
    assert incidents.record(
        shift.db, "daemon", "state", state="offline", detail="the daemon is offline", now=at(20) + timedelta(seconds=5)
    )
    assert not incidents.record(
        shift.db, "daemon", "state", state="offline", detail="the daemon is offline", now=at(20) + timedelta(seconds=40)
    )
    assert incidents.record(shift.db, "scanner", "error", detail="bad frame", at="not a time", now=at(21))
    assert [(i.device, i.at) for i in incidents.between(shift.db, "2026-11-20T00:00:00.000+00:00")] == [
        ("printer", "2026-11-20T01:10:00.000+00:00"),
        ("daemon", "2026-11-20T01:20:00.000+00:00"),
        ("scanner", "2026-11-20T01:21:00.000+00:00"),
    ]
    with raises_problem(
        db.InvalidValue,
        Code.STORE_NOT_A_CHOICE,
        field="incident.device",
        allowed="daemon, idreader, scanner, printer, camera, speaker",
    ):
        incidents.record(shift.db, "toaster", "error", detail="burnt")
    with raises_problem(db.InvalidValue, Code.INCIDENT_STATE):
        incidents.record(shift.db, "printer", "error", state="error")
    with raises_problem(db.InvalidValue, Code.STORE_NOT_A_CHOICE, field="incident.kind", allowed="state, error"):
        incidents.record(shift.db, "printer", "smoke")


def test_incidents_outside_the_trip_are_left_out(shift: Van) -> None:
    incidents.record(shift.db, "camera", "error", detail="before", at="2026-11-20T08:00:00+08:00")
    incidents.record(shift.db, "camera", "error", detail="during", at="2026-11-20T09:30:00+08:00")
    db.close_trip(shift.db, shift.trip_id, closed_by=shift.captain, abandon_waiting=True, now=at(60))
    incidents.record(shift.db, "camera", "error", detail="after", at="2026-11-20T10:30:00+08:00")
    assert [i.detail for i in incidents.during(shift.db, db.get_trip(shift.db, shift.trip_id))] == ["during"]
