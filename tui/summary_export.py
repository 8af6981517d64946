"""The shift summary's export files, worded in the language the caller chooses.

The store gives the summary as data and codes (flows.summary: `to_dict` is the canonical
JSON, `to_csv` its rows); the words are here, from the gettext catalogue: the Markdown for
people, and the CSV's `name` column (a rating's level, a device, a department). The TUI
exports in the staff's language; `govan summary --lang` in the one asked for.

No Textual: `govan summary` uses this without loading an app.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields

from flows.captain import Figures
from flows.summary import FORMATS, Format, TripReport, to_csv, to_json
from tui import figure_format as fmt
from tui.i18n import Language
from tui.incident_line import incident_details, incident_word
from tui.names import name_of
from tui.terms import (
    DEVICE_NAMES,
    FIGURE_WORDS,
    FOLLOWUP_STATE_WORDS,
    RATING_LEVEL_WORDS,
    TRIP_MODE_WORDS,
    TRIP_STATUS_WORDS,
)

__all__ = ["csv_text", "markdown", "render"]

assert list(FIGURE_WORDS) == [field.name for field in fields(Figures)], "word every figure, in order"


def render(report: TripReport, fmt_: Format, words: Language) -> str:
    """The export file of one format: Markdown and CSV in `words`, JSON as stored (codes, no words)."""
    if fmt_ == "md":
        return markdown(report, words)
    if fmt_ == "csv":
        return csv_text(report, words)
    if fmt_ == "json":
        return to_json(report)
    raise ValueError(f"export format must be one of {', '.join(FORMATS)}")


# CSV -------------------------------------------------------------------------------


def csv_text(report: TripReport, words: Language) -> str:
    """The CSV with its `name` column in `words`; section, key and metric stay codes."""
    categories = {group.key: name_of(group, words) for group in report.summary.by_category}

    def name(section: str, key: object, stored: object) -> object:
        if section == "ratings":
            return words.t(RATING_LEVEL_WORDS[str(key)])
        if section == "incident":
            return words.t(DEVICE_NAMES[str(stored)])
        if section == "category":
            return categories.get(key, stored)
        return stored

    return to_csv(report, name)


# Markdown ----------------------------------------------------------------------------


def markdown(report: TripReport, words: Language) -> str:
    t = words.t
    tz = report.generated_at.tzinfo
    mode = t(TRIP_MODE_WORDS[report.mode]) + (f" · {report.theme}" if report.theme else "")
    if report.closed_at is None:
        hours = t(
            "Hours from {start} ({duration} so far)",
            start=fmt.clock_time(report.opened_at),
            duration=fmt.duration(report.hours_s, words),
        )
    else:
        hours = t(
            "Hours {start}–{end} ({duration})",
            start=fmt.clock_time(report.opened_at),
            end=fmt.clock_time(report.closed_at),
            duration=fmt.duration(report.hours_s, words),
        )
    lines = [
        "# " + t("Trip summary: {stop} · {date}", stop=report.stop_name, date=report.trip_date.isoformat()),
        "",
        "- "
        + t(
            "{mode} · captain {captain} · {status}",
            mode=mode,
            captain=report.captain,
            status=t(TRIP_STATUS_WORDS[report.status]),
        ),
        "- " + hours,
        "- " + t("Generated {time}", time=report.generated_at.isoformat(timespec="seconds")),
    ]
    lines += _section(
        t("Crew"),
        _table(
            [
                words.pt("trip.col.window", "Window"),
                words.pt("trip.col.name", "Name"),
                t("Categories"),
                t("Cooperation"),
                t("Trips out (year)"),
            ],
            [
                [m.window, m.name, " ".join(m.categories), _text(m.cooperation), str(m.trips_out_year)]
                for m in report.crew
            ],
        ),
    )
    summary = report.summary
    columns = [(t("All"), summary.overall, report.trips_out_year)] + [
        (f"{group.key} {name_of(group, words)}", group.figures, report.trips_out_year_by_category.get(group.key, 0))
        for group in summary.by_category
    ]
    lines += _section(t("Overall and per queue"), _figure_table(columns, words))
    trips_out = {member.staff_id: member.trips_out_year for member in report.crew}
    lines += _section(
        t("Per staff member"),
        _figure_table([(g.name, g.figures, trips_out.get(g.key, 0)) for g in summary.by_staff], words),
    )
    lines += _section(
        words.pt("summary.chart.ratings", "Ratings"),
        _table(
            [f"{score} {t(RATING_LEVEL_WORDS[str(score)])}" for score in report.ratings],
            [[str(count) for count in report.ratings.values()]],
        ),
    )
    lines += _section(
        t("Arrivals per hour"),
        _table([t("Hour"), t("Tickets")], [[hour.hour, str(hour.arrivals)] for hour in report.arrivals]),
    )
    lines += _section(
        t("Wait times"),
        _table(
            [words.pt("captain.col.waiting", "Wait"), t("Tickets")],
            [
                [
                    t("{start}–{end} min", start=b.start_s // 60, end=(b.start_s + report.wait_bin_s) // 60),
                    str(b.tickets),
                ]
                for b in report.waits
            ],
        ),
    )
    overall = summary.overall
    lines += _section(
        t("Bad reviews and follow-ups"),
        _table(
            [
                t("Ticket"),
                t("Rating"),
                t("Named"),
                t("Staff"),
                words.pt("summary.col.comment", "Comment"),
                t("Due"),
                t("State"),
            ],
            [
                [
                    line.ticket,
                    f"{line.score} {t(RATING_LEVEL_WORDS[str(line.score)])}",
                    t("yes") if line.named else t("no"),
                    _text(line.staff_name),
                    line.comment or "—",
                    line.follow_up.deadline.isoformat()
                    + (f" **{t('overdue')}**" if line.overdue(report.today) else ""),
                    t(FOLLOWUP_STATE_WORDS[line.follow_up.status]),
                ]
                for line in report.bad_reviews
            ],
        )
        + (
            [
                "",
                t(
                    "Named bad reviews called back {called}/{named} ({rate}; the rule is 100%)",
                    called=overall.named_bad_called_back,
                    named=overall.named_bad_reviews,
                    rate=fmt.rate(overall.named_bad_callback_rate),
                ),
            ]
            if report.bad_reviews
            else []
        ),
    )
    office = report.backoffice
    forwarded = t(
        "Forwarded {forwarded}: at the centre {at_centre}, delivered {delivered}, accepted {accepted}",
        forwarded=office.cases,
        at_centre=office.at_centre,
        delivered=office.delivered,
        accepted=office.accepted,
    )
    if office.rejected:
        forwarded = t("{text}, rejected {rejected}", text=forwarded, rejected=office.rejected)
    lines += _section(words.pt("summary.backoffice", "Back office"), ["- " + forwarded])
    lines += _section(
        t("Suggestions"),
        [
            "- " + (t("{text} (response: {response})", text=s.text, response=s.response) if s.response else s.text)
            for s in report.suggestions
        ],
    )
    lines += _section(
        t("Device incidents (only while a terminal was open)"),
        _table(
            [t("Time"), t("Device"), t("Incident"), t("Details")],
            [
                [
                    fmt.stored_time(i.at, tz) if tz is not None else i.at,
                    t(DEVICE_NAMES[i.device]),
                    t(incident_word(i)),
                    incident_details(i, words) or "—",
                ]
                for i in report.incidents
            ],
        ),
    )
    lines += _section(t("Captain's notes"), [report.notes] if report.notes else [])
    return "\n".join(lines) + "\n"


def _section(title: str, body: list[str]) -> list[str]:
    """A heading and its body; an empty section says so with a dash."""
    return ["", f"## {title}", ""] + (body or ["—"])


def _figure_table(columns: list[tuple[str, Figures, int]], words: Language) -> list[str]:
    rows = [
        [words.t(label)] + [_figure_text(name, getattr(figures, name), words) for _, figures, _ in columns]
        for name, label in FIGURE_WORDS.items()
    ]
    rows.append([words.t("Trips out (year)")] + [str(trips) for _, _, trips in columns])
    return _table([words.t("Figure")] + [title for title, _, _ in columns], rows)


def _figure_text(name: str, value: float | None, words: Language) -> str:
    if name.endswith("_rate"):
        return fmt.rate(value)
    if name.endswith("_s"):
        return fmt.minutes(value, words)
    return "—" if value is None else str(value)


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
