"""The shift summary as JSON, CSV and Markdown; the evaluation (考评) as CSV.

- JSON: `to_dict(report)` is the canonical form, and what a closed trip stores and
  sends to the outbox. Rates are fractions 0..1 (null when nothing was counted),
  durations are seconds, clock times are local ISO-8601 with their offset.
- CSV: one value per row, `section,key,name,metric,value`, so every part of the
  summary fits one table and parses back with the csv module. It is made from
  `to_dict`, so the two always agree. `section`, `key` and `metric` are codes; `name` is
  for people, and the caller words it (`names`) in the language it chose.
- Markdown, for people, is written by the views in the staff's language
  (tui.summary_export): words live there, not in the store.

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
from db.metrics import Evaluation, Figures
from db.report import TripReport

Format = Literal["md", "csv", "json"]
FORMATS: tuple[Format, ...] = ("md", "csv", "json")

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


def _local(report: TripReport, text: str | None) -> datetime | None:
    """A stored (UTC) time in the report's time zone."""
    return datetime.fromisoformat(text).astimezone(report.generated_at.tzinfo) if text else None


# CSV -------------------------------------------------------------------------

CSV_COLUMNS = ("section", "key", "name", "metric", "value")
# How the caller words the `name` column: (section, key, the name as stored) → the name shown.
# Stored names are data (people, departments, a device's code); ratings have none (key = score).
CsvNames = Callable[[str, object, object], object]


def _as_stored(section: str, key: object, name: object) -> object:
    return name


def to_csv(report: TripReport, names: CsvNames = _as_stored) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(
        (section, _cell(key), _cell(names(section, key, name)), metric, _cell(value))
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
        yield "ratings", score, "", "count", count
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


# Files and the evaluation --------------------------------------------------------


def write(report: TripReport, directory: Path, fmt: Format, text: str) -> Path:
    """Write `text`, the report rendered as `fmt`, to data_dir/exports/trip-0012-2026-11-20.md
    (or .csv, .json); CSV gets a BOM so Excel reads it."""
    if fmt not in FORMATS:
        raise ValueError(f"export format must be one of {', '.join(FORMATS)}")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"trip-{report.trip_id:04d}-{report.trip_date.isoformat()}.{fmt}"
    path.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
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


def _stored_name(evaluation: Evaluation) -> str:
    return evaluation.name


def evaluation_csv(evaluations: Iterable[Evaluation], name: Callable[[Evaluation], str] = _stored_name) -> str:
    """The ranking, one row each; `name` words the name column (a department's, in the caller's language)."""
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
                    name(e),
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


def write_evaluation(
    evaluations: Iterable[Evaluation], path: Path, name: Callable[[Evaluation], str] = _stored_name
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(evaluation_csv(evaluations, name), encoding="utf-8-sig")
    return path
