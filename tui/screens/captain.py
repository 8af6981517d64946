"""The captain's live view of the trip (车长): queue, cases, ratings and device trouble, as it happens.

Without an open trip it lists recent trips, whose summaries open with Enter. From here the
captain writes notes, changes the crew, closes the trip, works the 差评 follow-ups and the
evaluation (考评), and unlocks a locked-out login. The figures are flows.captain's.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from flows import login
from flows.captain import LiveTrip, TripWatch
from flows.trip import Trip, recent_trips
from tui import figure_format as fmt
from tui.i18n import N_, NC_, pt, t
from tui.incident_line import incident_text
from tui.messages import DeviceFaulted, DevicesChanged, QueueChanged
from tui.names import name_of
from tui.problems import describe
from tui.screens.base import VanScreen
from tui.terms import TRIP_MODE_WORDS, TRIP_STATUS_WORDS
from tui.widgets.ask_text import AskText
from tui.widgets.bar_chart import Bar, BarChart
from tui.widgets.choose import Choose

REFRESH_S = 10.0
# Past trips are listed a page at a time; the next page comes when the cursor reaches the last row.
TRIPS_PAGE = 20


class CaptainScreen(VanScreen):
    BINDINGS = [
        Binding("s", "summary", N_("Summary")),
        Binding("n", "notes", N_("Notes")),
        Binding("g", "suggestion", N_("Suggestion")),
        Binding("w", "crew", N_("Crew")),
        Binding("c", "close_trip", N_("Close trip")),
        Binding("u", "follow_ups", N_("Follow-ups")),
        Binding("e", "evaluation", N_("Evaluation")),
        Binding("p", "plan", N_("Centre's plan")),
        Binding("k", "unlock", N_("Unlock")),
        Binding("f5", "refresh", N_("Refresh")),
    ]
    DEFAULT_CSS = """
    CaptainScreen #captain-title { height: auto; padding: 0 1; background: $boost; text-style: bold; }
    CaptainScreen #captain-body { height: 1fr; }
    CaptainScreen #captain-queue { width: 1fr; padding: 0 1; }
    CaptainScreen #captain-tickets, CaptainScreen #captain-cases, CaptainScreen #captain-ratings { margin-bottom: 1; }
    CaptainScreen #captain-side { width: 1fr; padding: 0 1; border-left: solid $primary-darken-2; }
    CaptainScreen #captain-devices { height: auto; max-height: 6; padding: 0 1; border-top: solid $primary-darken-2; }
    CaptainScreen #captain-trips { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        session = self.govan.session
        assert session is not None
        self.watch = TripWatch(self.van, session.staff)
        self.live: LiveTrip | None = self.watch.live()
        self.past: list[Trip] = []
        self.more_past = True

    def compose_body(self) -> ComposeResult:
        yield Static(id="captain-title")
        if self.live is None:
            yield DataTable(id="captain-trips", cursor_type="row", zebra_stripes=True)
            return
        with Horizontal(id="captain-body"):
            with Vertical(id="captain-queue"):
                yield Static(id="captain-tickets")
                yield BarChart(t("Arrivals per hour"), [], empty=t("none"), id="captain-arrivals")
            with Vertical(id="captain-side"):
                yield Static(id="captain-cases")
                yield Static(id="captain-ratings")
                yield BarChart("", [], empty=t("none"), id="captain-levels")
        yield Static(id="captain-devices")

    def on_mount(self) -> None:
        if self.live is None:
            self._show_past_trips()
            return
        self.refresh_view()
        self.set_interval(REFRESH_S, self.refresh_view)

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self.is_mounted:
            self.refresh_view()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("notes", "suggestion", "crew", "close_trip", "refresh"):
            return self.live is not None
        if action == "summary":
            return self.live is not None or bool(self.past)
        return True

    # Other terminals and the daemon tell us when to look again.
    def on_queue_changed(self, message: QueueChanged) -> None:
        self.refresh_view()

    def on_devices_changed(self, message: DevicesChanged) -> None:
        super().on_devices_changed(message)
        self._soon()

    def on_device_faulted(self, message: DeviceFaulted) -> None:
        self._soon()

    def _soon(self) -> None:
        # The app records the incident after this screen has seen the message.
        if self.live is not None:
            self.set_timer(0.3, self.refresh_view)

    def action_refresh(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        live = self.watch.live()
        if (live is None) != (self.live is None):
            # A trip opened or closed (here or on another terminal): the view is another one now.
            if self.is_current:
                self.govan.action_captain()
            return
        self.live = live
        if live is None:
            return
        self.query_one("#captain-title", Static).update(self._title(live))
        self.query_one("#captain-tickets", Static).update(self._queue(live))
        self.query_one("#captain-arrivals", BarChart).show(
            [Bar(hour.hour, hour.arrivals, str(hour.arrivals)) for hour in live.arrivals]
        )
        self.query_one("#captain-cases", Static).update(self._cases(live))
        self.query_one("#captain-ratings", Static).update(self._ratings(live))
        self.query_one("#captain-levels", BarChart).show(
            [
                Bar(t("{score}★", score=score), count, str(count), "green" if score >= 3 else "red")
                for score, count in live.ratings.items()
            ]
        )
        self.query_one("#captain-devices", Static).update(self._devices(live))

    def _title(self, live: LiveTrip) -> Text:
        trip = live.trip
        return Text(
            t(
                "{stop} · {date} {mode} · open since {start}, {hours} · crew of {crew}",
                stop=trip.stop_name,
                date=trip.trip_date.isoformat(),
                mode=t(TRIP_MODE_WORDS[trip.mode]),
                start=fmt.clock_time(live.opened_at),
                hours=fmt.duration(live.open_s),
                crew=len(trip.crew),
            )
        )

    def _queue(self, live: LiveTrip) -> Table:
        summary = live.summary
        table = Table(
            title=t("Tickets and service"),
            title_justify="left",
            title_style="bold",
            expand=True,
            box=None,
            padding=(0, 1),
            show_edge=False,
        )
        table.add_column(t("Queue"), no_wrap=True, overflow="ellipsis", ratio=1)  # it gives way: the figures never do
        for key in (N_("Issued"), NC_("captain.col.waiting", "Wait"), N_("Served"), N_("No-show")):
            table.add_column(t(key), justify="right", no_wrap=True, min_width=cell_len(t(key)))
        for group in summary.by_category:
            f = group.figures
            table.add_row(
                f"{group.key} {name_of(group)}", str(f.tickets), str(f.waiting), str(f.served), str(f.no_shows)
            )
        o = summary.overall
        table.add_row(
            Text(t("Total"), style="bold"), str(o.tickets), str(o.waiting), str(o.served), str(o.no_shows), style="bold"
        )
        table.caption = t(
            "Waits: median {median}, p90 {p90}", median=fmt.minutes(o.wait_median_s), p90=fmt.minutes(o.wait_p90_s)
        )
        table.caption_justify = "left"
        return table

    def _cases(self, live: LiveTrip) -> Text:
        o = live.summary.overall
        text = Text().append(t("Cases: {cases}", cases=o.cases) + "\n", style="bold")
        text.append(
            t(
                "on site {on_site} · forwarded {forwarded} · not done {not_done} · consult {consult}",
                on_site=o.completed_on_site,
                forwarded=o.accepted_forwarded,
                not_done=o.not_done,
                consult=o.consult_only,
            )
            + "\n"
        )
        text.append(t("Completion rate {rate}", rate=fmt.rate(o.completion_rate)) + "\n")
        text.append(
            t(
                "Service: median {median}, p90 {p90}",
                median=fmt.minutes(o.service_median_s),
                p90=fmt.minutes(o.service_p90_s),
            )
        )
        return text

    def _ratings(self, live: LiveTrip) -> Text:
        summary = live.summary
        o = summary.overall
        text = Text().append(t("Ratings: {ratings}", ratings=o.ratings) + "\n", style="bold")
        text.append(
            t(
                "Satisfaction {satisfaction} · praise {praise}",
                satisfaction=fmt.rate(o.satisfaction_rate),
                praise=fmt.rate(o.praise_rate),
            )
            + "\n"
        )
        text.append(
            t("Bad reviews {bad}, {open} to follow up", bad=o.bad_reviews, open=summary.follow_ups_open),
            style="bold red" if summary.follow_ups_open else "",
        )
        text.append("\n" + t("Suggestions: {count}", count=summary.suggestions))
        return text

    def _devices(self, live: LiveTrip) -> Text:
        if not live.incidents:
            return Text(t("No device trouble recorded on this trip"), style="dim")
        tz = self.van.config.tz
        text = Text().append(
            t("Device trouble: {count} (recorded while a terminal is open)", count=live.troubles) + "\n", style="bold"
        )
        for index, incident in enumerate(live.incidents[-6:]):
            text.append("; " if index else "").append_text(incident_text(incident, tz))
        return text

    def _show_past_trips(self) -> None:
        self.query_one("#captain-title", Static).update(
            Text(t("No trip is open. Enter shows the chosen trip's summary; U follow-ups, E evaluation"), style="bold")
        )
        table = self.query_one("#captain-trips", DataTable)
        table.add_columns(pt("captain.col.date", "Date"), t("Stop"), t("Mode"), t("Status"))
        self._show_older_trips()
        table.focus()
        self.refresh_bindings()

    def _show_older_trips(self) -> None:
        page = recent_trips(self.van, TRIPS_PAGE, before=self.past[-1] if self.past else None)
        self.more_past = len(page) == TRIPS_PAGE
        self.past += page
        table = self.query_one("#captain-trips", DataTable)
        for trip in page:
            table.add_row(
                trip.trip_date.isoformat(),
                trip.stop_name,
                t(TRIP_MODE_WORDS[trip.mode]),
                t(TRIP_STATUS_WORDS[trip.status]),
                key=str(trip.id),
            )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.live is None and self.more_past and event.cursor_row == len(self.past) - 1:
            self._show_older_trips()

    # Where the captain goes from here.
    def _chosen_trip(self) -> int | None:
        if self.live is not None:
            return self.live.trip.id
        if not self.past:
            return None
        return self.past[self.query_one("#captain-trips", DataTable).cursor_row].id

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_summary()

    def action_summary(self) -> None:
        from tui.screens.summary import SummaryScreen

        trip_id = self._chosen_trip()
        if trip_id is not None:
            self.app.push_screen(SummaryScreen(trip_id))

    def action_notes(self) -> None:
        from tui.screens.trip_notes import TripNotesScreen

        if self.live is not None:
            self.app.push_screen(TripNotesScreen(self.live.trip.id))

    def action_suggestion(self) -> None:
        """意见建议 handed to the captain (a slip, a word at the door): kept with the trip."""
        live = self.live
        if live is None:
            return

        def done(text: str | None) -> None:
            if not text:
                return
            problem = self.watch.add_suggestion(live.trip.id, text)
            if problem is not None:
                self.notify(describe(problem), severity="error")
                return
            self.notify(t("Suggestion kept"))
            self.refresh_view()

        self.app.push_screen(AskText(t("A suggestion received (in the person's words)")), done)

    def action_crew(self) -> None:
        from tui.screens.trip_setup import TripSetupScreen

        if self.live is not None:
            self.app.push_screen(TripSetupScreen(self.live.trip))

    def action_close_trip(self) -> None:
        from tui.screens.trip_close import TripCloseScreen

        if self.live is not None:
            self.app.push_screen(TripCloseScreen(self.live.trip.id))

    def action_follow_ups(self) -> None:
        from tui.screens.followups import FollowUpsScreen

        self.app.push_screen(FollowUpsScreen())

    def action_evaluation(self) -> None:
        from tui.screens.evaluation import EvaluationScreen

        self.app.push_screen(EvaluationScreen())

    def action_plan(self) -> None:
        from tui.screens.plan import PlanScreen

        self.app.push_screen(PlanScreen())

    def action_unlock(self) -> None:
        """A staff member locked out by wrong PINs may try again at once."""
        locked = login.locks(self.van)
        if not locked:
            self.notify(t("Nobody is locked out"))
            return
        choices = [
            (
                t("{name} (locked until {until})", name=lock.staff.name, until=lock.until.strftime("%H:%M")),
                str(lock.staff.id),
            )
            for lock in locked
        ]

        def done(choice: str | None) -> None:
            if choice is None:
                return
            problem = login.unlock(self.van, self.watch.captain, int(choice))
            if problem is not None:
                self.notify(describe(problem), severity="error")
                return
            self.notify(t("Unlocked: they can sign in again"))

        self.app.push_screen(Choose(t("Unlock whom (locked out by wrong PINs)"), choices), done)
