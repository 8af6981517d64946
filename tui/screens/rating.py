"""好差评: after the outcome the person is invited to rate the visit on five levels, or not.

The screen never suggests a score: the five levels look alike, none is focused or
highlighted, nothing is chosen until a key is pressed. A 差评 (1 or 2) opens its
follow-up, due config.service.followup_working_days working days later. An optional
suggestion (意见建议) can be typed in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from db import ratings, tickets
from db.errors import StoreError
from tui.i18n import t
from tui.navigation import NAVIGATION_KEYS
from tui.problems import describe
from tui.screens.base import VanScreen

SCORES = (5, 4, 3, 2, 1)  # the order GB/T 39735 lists them: 非常满意 first
RATE_GROUP = Binding.Group("intake.rating.key.rate", compact=True)


class RatingScreen(VanScreen):
    AUTO_FOCUS = ""  # nothing chosen, nothing highlighted: focus would mark a place on the screen
    BINDINGS = [
        *[Binding(str(score), f"rate({score})", "intake.rating.key.rate", group=RATE_GROUP) for score in sorted(SCORES)],
        Binding("f8", "skip", "intake.rating.key.skip"),
        Binding("tab", "suggest", "intake.rating.key.suggest"),
        Binding("f10", "done", "intake.rating.key.done"),
        *[Binding(key, "stay", show=False) for key in NAVIGATION_KEYS],
    ]
    DEFAULT_CSS = """
    RatingScreen #rating { padding: 1 2; height: auto; }
    RatingScreen #rating-invite { text-style: bold; }
    RatingScreen #rating-levels { height: auto; margin: 1 0; }
    RatingScreen .level { width: 1fr; height: 3; content-align: center middle; border: round $primary-darken-1; }
    RatingScreen #rating-result { height: auto; }
    RatingScreen #suggestion-row { height: 1; margin-top: 1; }
    RatingScreen #suggestion-row Label { width: 12; color: $text-muted; }
    RatingScreen #suggestion { width: 1fr; }
    RatingScreen #rating-error { color: $error; height: auto; }
    """

    def __init__(
        self, ticket_id: int, *, citizen_id: int | None = None, clock: Callable[[], datetime] | None = None
    ) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.citizen_id = citizen_id
        self._clock = clock
        self.score: int | None = None
        self.skipped = False
        self.follow_up: ratings.FollowUp | None = None

    def now(self) -> datetime:
        return self._clock() if self._clock else datetime.now(self.govan.config.tz)

    def compose_body(self) -> ComposeResult:
        label = tickets.get_ticket(self.govan.store, self.ticket_id).label
        with Vertical(id="rating"):
            yield Label(t("intake.rating.invite", label=label), id="rating-invite")
            yield Static(t("intake.rating.how"))
            with Horizontal(id="rating-levels"):
                for score in SCORES:
                    yield Static(f"{score}  {t('intake.rating.level.' + str(score))}", classes="level")
            yield Static("", id="rating-result")
            with Horizontal(id="suggestion-row"):
                yield Label(t("intake.rating.suggestion"))
                yield Input(placeholder=t("intake.rating.suggestion_placeholder"), id="suggestion", max_length=500,
                            compact=True)
            yield Static("", id="rating-error")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("rate", "skip"):
            return self.score is None and not self.skipped
        return True

    def action_stay(self) -> None:
        self.notify(t("intake.rating.finish_first"), severity="warning")

    def action_rate(self, score: int) -> None:
        if self.score is not None or self.skipped:
            return
        service = self.govan.config.service
        try:
            _, follow_up = ratings.rate(
                self.govan.store, self.ticket_id, score, named=self.citizen_id is not None,
                followup_working_days=service.followup_working_days, holidays=service.holidays,
                now=self.now(), tz=self.govan.config.tz)
        except StoreError as error:
            self.query_one("#rating-error", Static).update(describe(error.problem))
            return
        self.score = score
        self.follow_up = follow_up
        text = Text(t("intake.rating.thanks", level=f"{score} {t('intake.rating.level.' + str(score))}"), style="bold")
        if follow_up is not None:
            text.append("\n" + t("intake.rating.follow_up", deadline=follow_up.deadline.isoformat(),
                                 days=service.followup_working_days), style="bold yellow")
        self.query_one("#rating-result", Static).update(text)
        self.refresh_bindings()

    def action_skip(self) -> None:
        self.skipped = True
        self.query_one("#rating-result", Static).update(t("intake.rating.skipped"))
        self.refresh_bindings()

    def action_suggest(self) -> None:
        self.query_one("#suggestion", Input).focus()

    @on(Input.Submitted, "#suggestion")
    def _suggested(self) -> None:
        self.set_focus(None)

    def action_done(self) -> None:
        text = self.query_one("#suggestion", Input).value.strip()
        if text:
            session = self.govan.session
            try:
                ratings.add_suggestion(self.govan.store, text, trip_id=session.trip.id if session and session.trip
                                       else None, staff_id=session.staff.id if session else None, now=self.now())
            except StoreError as error:
                self.query_one("#rating-error", Static).update(describe(error.problem))
                return
        self.app.pop_screen()
