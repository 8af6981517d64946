"""The shift summary as JSON, CSV and Markdown; the evaluation (考评) as CSV.

- JSON: `to_dict(report)` is the canonical form, and what a closed trip stores and
  sends to the outbox. Rates are fractions 0..1 (null when nothing was counted),
  durations are seconds, clock times are local ISO-8601 with their offset.
- CSV: one value per row, `section,key,name,metric,value`, so every part of the
  summary fits one table and parses back with the csv module. It is made from
  `to_dict`, so the two always agree.
- Markdown: for people. Labels keep the Chinese terms, with English beside them.

No citizen data is in any of them: a 差评 is named by its ticket, never its person.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from core.problems import Problem
from db.followups import FollowUpLine
from db.incidents import DEVICES as INCIDENT_DEVICES
from db.metrics import Evaluation, Figures
from db.ratings import LEVELS
from db.report import TripReport

Format = Literal["md", "csv", "json"]
FORMATS: tuple[Format, ...] = ("md", "csv", "json")

FIGURE_LABELS: dict[str, str] = {
    "tickets": "取号 tickets",
    "called": "已叫号 called",
    "served": "已服务 served",
    "no_shows": "过号 no-shows",
    "waiting": "等候中 waiting",
    "transferred": "转出 transferred",
    "cases": "办件 cases",
    "completed_on_site": "现场办结 completed on site",
    "accepted_forwarded": "受理转办 accepted, forwarded",
    "not_done": "未办成 not done",
    "consult_only": "咨询 consult only",
    "ratings": "评价 ratings",
    "satisfied": "满意(3-5) satisfied",
    "praised": "好评(4-5) praised",
    "bad_reviews": "差评 bad reviews",
    "named_bad_reviews": "实名差评 named bad reviews",
    "named_bad_called_back": "实名差评已回访 named, called back",
    "completion_rate": "办成率 completion rate",
    "satisfaction_rate": "满意率 satisfaction rate",
    "praise_rate": "好评率 praise rate",
    "named_bad_callback_rate": "实名差评回访率 named callback rate",
    "wait_median_s": "等候中位数 wait median",
    "wait_p90_s": "等候P90 wait p90",
    "service_median_s": "办理中位数 service median",
    "service_p90_s": "办理P90 service p90",
}
assert list(FIGURE_LABELS) == [field.name for field in fields(Figures)], "label every figure, in order"
TRIPS_OUT_LABEL = "本年下沉次数 trips out this year"
MODES = {
    "fixed": "定时定点 fixed stop",
    "appointment": "预约上门 appointment",
    "off_hours": "错时服务 off-hours",
    "themed": "菜单式专场 themed session",
}
FOLLOW_UP_STATES = {
    "open": "待回访 open",
    "called_back": "已回访 called back",
    "fixed": "已整改 fixed",
    "closed": "已反馈 closed",
}
DEVICE_LABELS = {
    "daemon": "设备服务 daemon",
    "idreader": "读卡器 ID reader",
    "scanner": "扫码枪 scanner",
    "printer": "打印机 printer",
    "camera": "高拍仪 camera",
    "speaker": "扬声器 speaker",
}
assert set(DEVICE_LABELS) == set(INCIDENT_DEVICES), "label every device an incident can name"
INCIDENT_STATES = {"offline": "离线 offline", "error": "故障 error", "ready": "恢复 recovered"}


# JSON ------------------------------------------------------------------------


def to_dict(report: TripReport) -> dict[str, Any]:
    summary = report.summary
    return {
        "trip": {
            "id": report.trip_id,
            "date": report.trip_date.isoformat(),
            "stop": report.stop_name,
            "mode": report.mode,
            "theme": report.theme,
            "status": report.status,
            "captain": report.captain,
            "opened_at": _time(report.opened_at),
            "closed_at": _time(report.closed_at),
            "hours_s": _seconds(report.hours_s),
            "generated_at": _time(report.generated_at),
        },
        "crew": [
            {
                "staff_id": member.staff_id,
                "name": member.name,
                "window": member.window,
                "categories": list(member.categories),
                "cooperation": member.cooperation,
                "trips_out_year": member.trips_out_year,
            }
            for member in report.crew
        ],
        "overall": _figures(summary.overall)
        | {
            "trips_out_year": report.trips_out_year,
            "suggestions": summary.suggestions,
            "follow_ups_open": summary.follow_ups_open,
        },
        "by_category": [
            {"key": group.key, "name": group.name}
            | _figures(group.figures)
            | {"trips_out_year": report.trips_out_year_by_category.get(group.key, 0)}
            for group in summary.by_category
        ],
        "by_staff": [
            {"key": group.key, "name": group.name}
            | _figures(group.figures)
            | {"trips_out_year": _crew_trips(report, group.key)}
            for group in summary.by_staff
        ],
        "ratings": {str(score): count for score, count in report.ratings.items()},
        "arrivals_by_hour": [{"hour": hour.hour, "arrivals": hour.arrivals} for hour in report.arrivals],
        "wait_histogram": {
            "bin_s": report.wait_bin_s,
            "bins": [{"start_s": b.start_s, "tickets": b.tickets} for b in report.waits],
        },
        "bad_reviews": [_bad_review(line, report) for line in report.bad_reviews],
        "suggestions": [
            {"text": s.text, "received_at": _time(_local(report, s.received_at)), "response": s.response}
            for s in report.suggestions
        ],
        "incidents": [
            {
                "at": _time(_local(report, incident.at)),
                "device": incident.device,
                "kind": incident.kind,
                "state": incident.state,
                "problem": _problem(incident.problem),
                "detail": incident.detail,
            }
            for incident in report.incidents
        ],
        "notes": report.notes,
        "backoffice": {
            "forwarded": report.backoffice.cases,
            "at_centre": report.backoffice.at_centre,
            "delivered": report.backoffice.delivered,
            "accepted": report.backoffice.accepted,
            "rejected": report.backoffice.rejected,
        },
    }


def to_json(report: TripReport) -> str:
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2) + "\n"


def _figures(figures: Figures) -> dict[str, Any]:
    return {
        name: _seconds(value) if name.endswith("_s") else value
        for name, value in ((field.name, getattr(figures, field.name)) for field in fields(Figures))
    }


def _crew_trips(report: TripReport, staff_id: object) -> int:
    return next((member.trips_out_year for member in report.crew if member.staff_id == staff_id), 0)


def _bad_review(line: FollowUpLine, report: TripReport) -> dict[str, Any]:
    follow_up = line.follow_up
    return {
        "ticket": line.ticket,
        "score": line.score,
        "level": line.level,
        "named": line.named,
        "staff": line.staff_name,
        "comment": line.comment,
        "rated_at": _time(_local(report, line.rated_at)),
        "deadline": follow_up.deadline.isoformat(),
        "status": follow_up.status,
        "overdue": line.overdue(report.today),
        "callback_at": _time(_local(report, follow_up.callback_at)),
        "fix_at": _time(_local(report, follow_up.fix_at)),
        "report_at": _time(_local(report, follow_up.report_at)),
    }


def _problem(problem: Problem | None) -> dict[str, Any] | None:
    return {"code": problem.code.value, "params": dict(problem.params)} if problem is not None else None


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment is not None else None


def _seconds(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


# CSV -------------------------------------------------------------------------

CSV_COLUMNS = ("section", "key", "name", "metric", "value")


def to_csv(report: TripReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(
        (section, _cell(key), _cell(name), metric, _cell(value))
        for section, key, name, metric, value in _csv_rows(to_dict(report))
    )
    return out.getvalue()


def _csv_rows(data: dict[str, Any]) -> Iterator[tuple[str, object, object, str, object]]:
    for metric, value in data["trip"].items():
        yield "trip", "", "", metric, value
    for member in data["crew"]:
        for metric in ("window", "categories", "cooperation", "trips_out_year"):
            value = " ".join(member[metric]) if metric == "categories" else member[metric]
            yield "crew", member["staff_id"], member["name"], metric, value
    for metric, value in data["overall"].items():
        yield "overall", "all", "", metric, value
    for section, groups in (("category", data["by_category"]), ("staff", data["by_staff"])):
        for group in groups:
            for metric, value in group.items():
                if metric not in ("key", "name"):
                    yield section, group["key"], group["name"], metric, value
    for score, count in data["ratings"].items():
        yield "ratings", score, LEVELS[int(score)], "count", count
    for hour in data["arrivals_by_hour"]:
        yield "arrivals", hour["hour"], "", "arrivals", hour["arrivals"]
    yield "waits", "", "", "bin_s", data["wait_histogram"]["bin_s"]
    for wait_bin in data["wait_histogram"]["bins"]:
        yield "waits", wait_bin["start_s"], "", "tickets", wait_bin["tickets"]
    for review in data["bad_reviews"]:
        for metric, value in review.items():
            if metric not in ("ticket", "staff"):
                yield "bad_review", review["ticket"], review["staff"], metric, value
    for number, suggestion in enumerate(data["suggestions"], 1):
        for metric, value in suggestion.items():
            yield "suggestion", number, "", metric, value
    for number, incident in enumerate(data["incidents"], 1):
        for metric, value in incident.items():
            if metric == "problem":  # one cell each: the code, and its params as JSON
                yield "incident", number, incident["device"], "problem", value["code"] if value else ""
                params = json.dumps(value["params"], ensure_ascii=False, sort_keys=True) if value else ""
                yield "incident", number, incident["device"], "params", params
            elif metric != "device":
                yield "incident", number, incident["device"], metric, value
    yield "notes", "", "", "text", data["notes"]


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


# Markdown ----------------------------------------------------------------------


def to_markdown(report: TripReport) -> str:
    summary = report.summary
    theme = f", {report.theme}" if report.theme else ""
    lines = [
        f"# 出车工作汇总 Trip summary: {report.stop_name}, {report.trip_date.isoformat()}",
        "",
        f"- 站点 Stop: {report.stop_name}",
        f"- 日期 Date: {report.trip_date.isoformat()}, {MODES.get(report.mode, report.mode)}{theme}",
        f"- 车长 Captain: {report.captain}",
        f"- 时间 Hours: {_clock(report.opened_at)}–{_clock(report.closed_at)} ({duration_text(report.hours_s)})",
        f"- 状态 Status: {report.status}",
        f"- 生成 Generated: {_time(report.generated_at)}",
    ]
    lines += _section(
        "随车人员 Crew",
        _table(
            ["窗口 Window", "姓名 Name", "类别 Categories", "配合度 Cooperation", TRIPS_OUT_LABEL],
            [
                [m.window, m.name, " ".join(m.categories), _text(m.cooperation), str(m.trips_out_year)]
                for m in report.crew
            ],
        ),
    )
    columns = [("全部 All", summary.overall, report.trips_out_year)] + [
        (f"{group.key} {group.name}", group.figures, report.trips_out_year_by_category.get(group.key, 0))
        for group in summary.by_category
    ]
    lines += _section("总体与分类 Overall and per category", _figure_table(columns))
    lines += _section(
        "专员 Per staff",
        _figure_table([(group.name, group.figures, _crew_trips(report, group.key)) for group in summary.by_staff]),
    )
    lines += _section(
        "评价分布 Ratings",
        _table([f"{score} {LEVELS[score]}" for score in report.ratings], [[str(n) for n in report.ratings.values()]]),
    )
    lines += _section(
        "每小时取号 Arrivals per hour",
        _table(["时段 Hour", "取号 Tickets"], [[h.hour, str(h.arrivals)] for h in report.arrivals]),
    )
    lines += _section(
        "等候时间分布 Wait times",
        _table(
            ["等候 Wait", "人数 Tickets"],
            [[f"{b.start_s // 60}–{(b.start_s + report.wait_bin_s) // 60} min", str(b.tickets)] for b in report.waits],
        ),
    )
    lines += _section(
        "差评及整改 Bad reviews and follow-ups",
        _table(
            [
                "票号 Ticket",
                "评价 Rating",
                "实名 Named",
                "专员 Staff",
                "意见 Comment",
                "期限 Deadline",
                "状态 State",
                "逾期 Overdue",
            ],
            [
                [
                    line.ticket,
                    f"{line.score} {line.level}",
                    "是 yes" if line.named else "否 no",
                    _text(line.staff_name),
                    line.comment or "—",
                    line.follow_up.deadline.isoformat(),
                    FOLLOW_UP_STATES[line.follow_up.status],
                    "**逾期 overdue**" if line.overdue(report.today) else "—",
                ]
                for line in report.bad_reviews
            ],
        ),
    )
    office = report.backoffice
    lines += _section(
        "后台流转 Back office",
        [
            f"- 受理转办 {office.cases} 件 forwarded: 中心已收到 {office.at_centre} at the centre, "
            f"已送达后台 {office.delivered} delivered, 后台已受理 {office.accepted} accepted"
            + (f", 退回 {office.rejected} rejected" if office.rejected else "")
        ],
    )
    lines += _section(
        "意见建议 Suggestions",
        [f"- {s.text}" + (f" (答复 response: {s.response})" if s.response else "") for s in report.suggestions],
    )
    lines += _section(
        "设备故障 Device incidents",
        _table(
            ["时间 Time", "设备 Device", "情况 What", "详情 Detail"],
            [
                [
                    _clock(_local(report, i.at)),
                    DEVICE_LABELS[i.device],
                    INCIDENT_STATES[i.state] if i.kind == "state" else "错误 error",
                    i.detail or "—",
                ]
                for i in report.incidents
            ],
        ),
    )
    lines += _section("车长备注 Captain's notes", [report.notes] if report.notes else [])
    return "\n".join(lines) + "\n"


def _section(title: str, body: list[str]) -> list[str]:
    """A heading and its body; an empty section says so with a dash."""
    return ["", f"## {title}", ""] + (body or ["—"])


def _figure_table(columns: list[tuple[str, Figures, int]]) -> list[str]:
    rows = [
        [label] + [_figure_text(name, getattr(figures, name)) for _, figures, _ in columns]
        for name, label in FIGURE_LABELS.items()
    ]
    rows.append([TRIPS_OUT_LABEL] + [str(trips) for _, _, trips in columns])
    return _table(["指标 Figure"] + [title for title, _, _ in columns], rows)


def _figure_text(name: str, value: float | int | None) -> str:
    if value is None:
        return "—"
    if name.endswith("_rate"):
        return f"{value * 100:.1f}%"
    if name.endswith("_s"):
        return f"{value / 60:.1f} min"
    return str(value)


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    rows = list(rows)
    if not rows:
        return []
    escape = str.maketrans({"|": "\\|", "\n": " "})
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + [
        "| " + " | ".join(cell.translate(escape) for cell in row) + " |" for row in rows
    ]


def _text(value: object) -> str:
    return "—" if value is None else str(value)


def _clock(moment: datetime | None) -> str:
    return moment.strftime("%H:%M") if moment is not None else "—"


def _local(report: TripReport, text: str | None) -> datetime | None:
    """A stored (UTC) time in the report's time zone."""
    return datetime.fromisoformat(text).astimezone(report.generated_at.tzinfo) if text else None


def duration_text(seconds: float | None) -> str:
    """'3 h 05 min', or '—' for no duration."""
    if seconds is None:
        return "—"
    minutes = int(seconds // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"


# Files and the evaluation --------------------------------------------------------

RENDERERS: dict[Format, Callable[[TripReport], str]] = {"md": to_markdown, "csv": to_csv, "json": to_json}


def render(report: TripReport, fmt: Format) -> str:
    if fmt not in RENDERERS:
        raise ValueError(f"export format must be one of {', '.join(FORMATS)}")
    return RENDERERS[fmt](report)


def write(report: TripReport, directory: Path, fmt: Format) -> Path:
    """Write data_dir/exports/trip-0012-2026-11-20.md (or .csv, .json); CSV gets a BOM so Excel reads it."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"trip-{report.trip_id:04d}-{report.trip_date.isoformat()}.{fmt}"
    path.write_text(render(report, fmt), encoding="utf-8-sig" if fmt == "csv" else "utf-8")
    return path


EVALUATION_COLUMNS = (
    "rank",
    "key",
    "name",
    "trips",
    "cases",
    "completion_rate",
    "satisfaction_rate",
    "praise_rate",
    "cooperation",
    "score",
)


def evaluation_csv(evaluations: Iterable[Evaluation]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EVALUATION_COLUMNS)
    for e in evaluations:
        writer.writerow(
            [
                _cell(value)
                for value in (
                    e.rank,
                    e.key,
                    e.name,
                    e.trips,
                    e.cases,
                    e.completion_rate,
                    e.satisfaction_rate,
                    e.praise_rate,
                    e.cooperation,
                    round(e.score, 2),
                )
            ]
        )
    return out.getvalue()


def write_evaluation(evaluations: Iterable[Evaluation], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(evaluation_csv(evaluations), encoding="utf-8-sig")
    return path
