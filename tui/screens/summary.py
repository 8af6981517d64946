"""The shift summary of one trip (汇总工作情况): figures, charts, 差评, suggestions, incidents, notes.

It is flows.summary on screen: while the trip is open, the figures so far; after the
close, the trip as it ended (follow-ups keep moving). P prints the short version on
the receipt printer; X exports Markdown, CSV or JSON under data_dir/exports/.
Opened right after a close, it prints the short version by itself.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, VerticalScroll
from textual.widgets import Static

from core.problems import Problem
from flows.captain import Figures
from flows.summary import FORMATS, Format, TripSummary
from tui import figure_format as fmt
from tui.i18n import N_, NC_, language, pt, t
from tui.incident_line import incident_text
from tui.names import name_of
from tui.problems import describe
from tui.screens.base import VanScreen
from tui.summary_export import render
from tui.summary_receipt import summary_document
from tui.terms import (
    FIGURE_WORDS,
    FOLLOWUP_STATE_WORDS,
    FORMAT_WORDS,
    RATING_LEVEL_WORDS,
    TRIP_MODE_WORDS,
    TRIP_STATUS_WORDS,
)
from tui.widgets.bar_chart import Bar, BarChart
from tui.widgets.choose import Choose

WIDE = 110
FOLLOW_UP_STYLE = {"open": "red", "called_back": "yellow", "fixed": "cyan", "closed": "green"}
# (Figures field, how it reads) for the figure tables; the words are tui.terms.FIGURE_WORDS.
FIGURE_ROWS: list[tuple[str, str]] = [
    ("tickets", "count"),
    ("served", "count"),
    ("no_shows", "count"),
    ("cases", "count"),
    ("completed_on_site", "count"),
    ("accepted_forwarded", "count"),
    ("not_done", "count"),
    ("consult_only", "count"),
    ("completion_rate", "rate"),
    ("ratings", "count"),
    ("satisfaction_rate", "rate"),
    ("praise_rate", "rate"),
    ("bad_reviews", "count"),
    ("named_bad_callback_rate", "rate"),
    ("wait_median_s", "time"),
    ("wait_p90_s", "time"),
    ("service_median_s", "time"),
    ("service_p90_s", "time"),
]


class SummaryScreen(VanScreen):
    BINDINGS = [
        Binding("p", "print", NC_("summary.key.print", "Print")),
        Binding("x", "export", N_("Export")),
        Binding("escape", "back", N_("Back")),
    ]
    DEFAULT_CSS = """
    SummaryScreen #summary-body { height: 1fr; padding: 0 1; }
    SummaryScreen .summary-part { height: auto; margin-bottom: 1; }
    SummaryScreen #summary-tables { height: auto; }
    SummaryScreen #summary-tables.-wide { layout: horizontal; }
    SummaryScreen #summary-tables.-wide .summary-part { width: 1fr; }
    SummaryScreen .summary-charts { height: auto; margin-bottom: 1; }
    SummaryScreen .summary-charts BarChart { width: 1fr; margin-right: 2; }
    SummaryScreen #summary-outcome { height: auto; padding: 0 1; background: $boost; }
    """

    def __init__(self, trip_id: int, *, just_closed: bool = False) -> None:
        super().__init__()
        self.just_closed = just_closed
        self.summary = TripSummary(self.van, trip_id)
        self.report = self.summary.report
        self.outcome: list[Text] = []

    def compose_body(self) -> ComposeResult:
        built = self.report
        yield Static(self._outcome_text(), id="summary-outcome")
        with VerticalScroll(id="summary-body"):
            yield Static(self._head(), classes="summary-part")
            with Container(id="summary-tables"):
                yield Static(self._figures(), classes="summary-part")
                yield Static(self._staff(), classes="summary-part")
            with Horizontal(classes="summary-charts"):
                yield BarChart(
                    t("Arrivals per hour"),
                    [Bar(h.hour, h.arrivals, str(h.arrivals)) for h in built.arrivals],
                    empty=t("none"),
                )
                yield BarChart(
                    t("Wait times"),
                    [
                        Bar(
                            t("{start}–{end} min", start=b.start_s // 60, end=(b.start_s + built.wait_bin_s) // 60),
                            b.tickets,
                            str(b.tickets),
                            "yellow",
                        )
                        for b in built.waits
                    ],
                    empty=t("none"),
                )
            with Horizontal(classes="summary-charts"):
                yield BarChart(t("Waits per queue"), self._category_waits(), empty=t("none"))
                yield BarChart(
                    pt("summary.chart.ratings", "Ratings"),
                    [
                        Bar(t("{score}★", score=score), count, str(count), "green" if score >= 3 else "red")
                        for score, count in built.ratings.items()
                    ],
                    empty=t("none"),
                )
            yield Static(self._bad_reviews(), classes="summary-part")
            yield Static(self._backoffice(), classes="summary-part")
            yield Static(self._suggestions(), classes="summary-part")
            yield Static(self._incidents(), classes="summary-part")
            yield Static(self._notes(), classes="summary-part")

    def on_resize(self) -> None:
        # Wide terminals show the overall and per-staff tables side by side.
        self.query_one("#summary-tables").set_class(self.size.width >= WIDE, "-wide")

    def on_mount(self) -> None:
        self.on_resize()
        self.query_one("#summary-body").focus()
        if self.just_closed:
            # The record of the trip: every format on disk, and the short version on paper.
            self.export(FORMATS)
            self.action_print()

    # The parts ------------------------------------------------------------------
    def _head(self) -> Text:
        r = self.report
        text = Text().append(
            t("Trip summary: {stop} · {date}", stop=r.stop_name, date=r.trip_date.isoformat()) + "\n", style="bold"
        )
        mode = t(TRIP_MODE_WORDS[r.mode]) + (f" · {r.theme}" if r.theme else "")
        text.append(
            t(
                "{mode} · captain {captain} · {status}",
                mode=mode,
                captain=r.captain,
                status=t(TRIP_STATUS_WORDS[r.status]),
            )
            + "\n"
        )
        if r.closed_at is None:
            text.append(
                t(
                    "Hours from {start} ({duration} so far)",
                    start=fmt.clock_time(r.opened_at),
                    duration=fmt.duration(r.hours_s),
                )
                + "\n"
            )
        else:
            text.append(
                t(
                    "Hours {start}–{end} ({duration})",
                    start=fmt.clock_time(r.opened_at),
                    end=fmt.clock_time(r.closed_at),
                    duration=fmt.duration(r.hours_s),
                )
                + "\n"
            )
        crew = pt("clause separator", "; ").join(
            t(
                "window {window} {name} ({categories}, cooperation {mark})",
                window=m.window,
                name=m.name,
                categories="".join(m.categories),
                mark=m.cooperation if m.cooperation is not None else "—",
            )
            for m in r.crew
        )
        text.append(t("Crew: {crew}", crew=crew or "—"))
        return text

    def _figures(self) -> Table:
        r = self.report
        columns = [(t("All"), r.summary.overall, r.trips_out_year)] + [
            (f"{g.key} {name_of(g)}", g.figures, r.trips_out_year_by_category.get(g.key, 0))
            for g in r.summary.by_category
        ]
        return _figure_table(t("Overall and per queue"), columns)

    def _staff(self) -> Table:
        r = self.report
        trips_out = {m.staff_id: m.trips_out_year for m in r.crew}
        columns = [(g.name, g.figures, trips_out.get(g.key, 0)) for g in r.summary.by_staff]
        return _figure_table(t("Per staff member"), columns)

    def _category_waits(self) -> list[Bar]:
        bars = []
        for group in self.report.summary.by_category:
            f = group.figures
            if f.wait_median_s is None:
                continue
            bars.append(Bar(f"{group.key} " + t("median"), f.wait_median_s, fmt.minutes(f.wait_median_s)))
            bars.append(Bar(f"{group.key} P90", f.wait_p90_s or 0, fmt.minutes(f.wait_p90_s), "yellow"))
        return bars

    def _bad_reviews(self) -> Table | Text:
        r = self.report
        if not r.bad_reviews:
            return Text().append(t("Bad reviews and follow-ups") + "\n", style="bold").append(t("none"), style="dim")
        table = Table(
            title=t("Bad reviews and follow-ups"),
            title_justify="left",
            title_style="bold",
            box=None,
            padding=(0, 1),
            expand=True,
        )
        for key in (N_("Ticket"), N_("Rating"), N_("Named"), N_("Staff"), N_("Due"), N_("State")):
            table.add_column(t(key), no_wrap=True)
        table.add_column(pt("summary.col.comment", "Comment"), ratio=1, overflow="fold")
        for line in r.bad_reviews:
            state = line.follow_up.status
            overdue = line.overdue(r.today)
            table.add_row(
                line.ticket,
                f"{line.score} " + t(RATING_LEVEL_WORDS[str(line.score)]),
                t("yes") if line.named else t("no"),
                line.staff_name or "—",
                Text(
                    line.follow_up.deadline.isoformat() + (" " + t("overdue") if overdue else ""),
                    style="bold red" if overdue else "",
                ),
                Text(t(FOLLOWUP_STATE_WORDS[state]), style=FOLLOW_UP_STYLE[state]),
                line.comment or "—",
            )
        named = r.summary.overall
        table.caption = t(
            "Named bad reviews called back {called}/{named} ({rate}; the rule is 100%)",
            called=named.named_bad_called_back,
            named=named.named_bad_reviews,
            rate=fmt.rate(named.named_bad_callback_rate),
        )
        table.caption_justify = "left"
        return table

    def _backoffice(self) -> Text:
        office = self.report.backoffice
        text = Text().append(pt("summary.backoffice", "Back office") + "\n", style="bold")
        return text.append(
            t(
                "Forwarded {forwarded}: at the centre {at_centre}, delivered {delivered}, accepted {accepted}",
                forwarded=office.cases,
                at_centre=office.at_centre,
                delivered=office.delivered,
                accepted=office.accepted,
            )
        )

    def _suggestions(self) -> Text:
        text = Text().append(t("Suggestions") + "\n", style="bold")
        if not self.report.suggestions:
            return text.append(t("none"), style="dim")
        return text.append("\n".join(f"· {s.text}" for s in self.report.suggestions))

    def _incidents(self) -> Text:
        text = Text().append(t("Device incidents (only while a terminal was open)") + "\n", style="bold")
        if not self.report.incidents:
            return text.append(t("none recorded"), style="dim")
        tz = self.van.config.tz
        for index, incident in enumerate(self.report.incidents):
            text.append("\n" if index else "").append_text(incident_text(incident, tz))
        return text

    def _notes(self) -> Text:
        text = Text().append(t("Captain's notes") + "\n", style="bold")
        return text.append(self.report.notes) if self.report.notes else text.append(t("none"), style="dim")

    def _outcome_text(self) -> Text:
        if not self.outcome:
            return Text(t("P prints the short summary · X exports Markdown/CSV/JSON · ↑↓ scroll"), style="dim")
        return Text("\n").join(self.outcome)

    def _say(self, line: Text) -> None:
        self.outcome.append(line)
        self.query_one("#summary-outcome", Static).update(self._outcome_text())

    # What can be done with it -----------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_print(self) -> None:
        self._print()

    @work(exclusive=True, group="summary-print")
    async def _print(self) -> None:
        printed = await self.summary.print(
            summary_document(self.report, language(self.van.config.service.citizen_locale))
        )
        if isinstance(printed, Problem):
            self._say(
                Text(t("Summary not printed: {detail} (P to try again)", detail=describe(printed)), style="bold red")
            )
        elif printed.warning is not None:
            self._say(Text(t("Summary printed, but {warning}", warning=describe(printed.warning)), style="yellow"))
        else:
            self._say(Text(t("Summary printed"), style="green"))

    def action_export(self) -> None:
        choices = [(t(FORMAT_WORDS[f]), f) for f in FORMATS] + [(t("All three"), "all")]

        def done(choice: str | None) -> None:
            if choice is not None:
                self.export(FORMATS if choice == "all" else (choice,))  # type: ignore[arg-type]

        self.app.push_screen(Choose(t("Export as"), choices), done)

    def export(self, formats: tuple[Format, ...]) -> None:
        """Write the chosen formats under data_dir/exports/ and say where they went."""
        words = self.app.language  # the staff's language, as on screen
        paths = self.summary.export(formats, lambda report, fmt_: render(report, fmt_, words))
        if isinstance(paths, Problem):
            self._say(Text(t("Export failed: {detail}", detail=describe(paths)), style="bold red"))
            return
        self._say(
            Text(
                t("Exported {paths} to {folder}", paths=", ".join(p.name for p in paths), folder=str(paths[0].parent)),
                style="green",
            )
        )


def _figure_table(title: str, columns: list[tuple[str, Figures, int]]) -> Table:
    """Figures down the side, one column per group (overall, a category, a person)."""
    table = Table(title=title, title_justify="left", title_style="bold", box=None, padding=(0, 1), show_edge=False)
    table.add_column(t("Figure"), no_wrap=True)
    for name, _, _ in columns:
        table.add_column(name, justify="right", no_wrap=True, overflow="ellipsis", max_width=14)
    for field, kind in FIGURE_ROWS:
        values = [getattr(figures, field) for _, figures, _ in columns]
        cells = [fmt.rate(v) if kind == "rate" else fmt.minutes(v) if kind == "time" else str(v) for v in values]
        table.add_row(t(FIGURE_WORDS[field]), *cells)
    table.add_row(t("Trips out (year)"), *[str(trips) for _, _, trips in columns])
    return table
