"""好差评, drawn: after the visit the person is invited to rate it on five levels, or not.

The screen never suggests a score: the five levels look alike, none is focused or
highlighted, nothing is chosen until a key is pressed. The person may say why beside
the level (kept with the rating, so a 差评's follow-up has it) and, apart, give a
suggestion (意见建议). F10 stores what was given (flows.rating.RatingFlow).

The person may rate on their own phone or the window's tablet instead (govan web): when
`ticket.rated` comes for this ticket, the screen says only that it was rated, and whether
that opened a 差评 follow-up, never the score; F10 then closes it.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from core.problems import Problem
from flows.rating import SCORES, Action, RatingFlow, Step
from tui.i18n import N_, pt, t
from tui.messages import QueueChanged
from tui.navigation import NAVIGATION_KEYS
from tui.problems import describe
from tui.screens.base import VanScreen
from tui.terms import RATING_LEVEL_WORDS

RATE_GROUP = Binding.Group(N_("Rate"), compact=True)


class RatingScreen(VanScreen):
    AUTO_FOCUS = ""  # nothing chosen, nothing highlighted: focus would mark a place on the screen
    BINDINGS = [
        *[Binding(str(score), f"rate({score})", N_("Rate"), group=RATE_GROUP) for score in sorted(SCORES)],
        Binding("f8", "decline", N_("Skip")),
        Binding("tab", "type", N_("Type")),
        Binding("f10", "done", N_("Done")),
        *[Binding(key, "stay", show=False) for key in NAVIGATION_KEYS],
    ]

    def __init__(self, flow: RatingFlow) -> None:
        super().__init__()
        self.flow = flow
        self._elsewhere = Text()

    def compose_body(self) -> ComposeResult:
        with Vertical(id="rating"):
            yield Label(t("{label}: please rate this visit", label=self.flow.ticket.label), id="rating-invite")
            yield Static(t("Press 1–5 to rate, F8 not to rate, Tab to say why. Ratings help us improve."))
            with Horizontal(id="rating-levels"):
                for score in SCORES:
                    yield Static(f"{score}\n{t(RATING_LEVEL_WORDS[str(score)])}", classes="level", id=f"level-{score}")
            yield Static("", id="rating-result")
            with Horizontal(id="comment-row", classes="rating-row"):
                yield Label("", id="comment-label")
                yield Input(id="comment", compact=True)
            with Horizontal(id="suggestion-row", classes="rating-row"):
                yield Label(t("Suggestion"))
                yield Input(
                    placeholder=t("optional: an idea, filed apart from the rating"),
                    id="suggestion",
                    compact=True,
                )
            yield Static("", id="rating-error")

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        flow = self.flow
        for score in SCORES:
            self.query_one(f"#level-{score}", Static).set_class(score == flow.score, "chosen")
        result = self.query_one("#rating-result", Static)
        if flow.step is Step.ELSEWHERE:
            result.update(self._elsewhere)
        elif flow.step is Step.DECLINED:
            result.update(t("Not rated"))
        elif flow.score is not None:
            text = Text(
                t(
                    "Your rating: {level} (it can change until F10)",
                    level=f"{flow.score} {t(RATING_LEVEL_WORDS[str(flow.score)])}",
                ),
                style="bold",
            )
            deadline = flow.follow_up_deadline()
            if deadline is not None:
                text.append(
                    "\n"
                    + t(
                        "A follow-up will be opened: callback, fix and report back within {days} working days (by {deadline})",
                        deadline=deadline.isoformat(),
                        days=self.van.config.service.followup_working_days,
                    ),
                    style="bold yellow",
                )
            result.update(text)
        else:
            result.update("")
        self.query_one("#comment-row").display = flow.score is not None
        self.query_one("#comment-label", Label).update(
            t("What went wrong") if flow.is_bad else pt("intake.rating.comment", "Comment")
        )
        self.query_one("#comment", Input).placeholder = (
            t("the person's own words, for the callback") if flow.is_bad else t("optional: say why")
        )
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("rate", "decline"):
            return self.flow.allowed(Action.FINISH)
        if action == "done":
            return self.flow.allowed(Action.FINISH) or self.flow.step is Step.ELSEWHERE
        return True

    def on_queue_changed(self, message: QueueChanged) -> None:
        event = message.event
        if event.type != "ticket.rated" or event.ticket is None or event.ticket.number != self.flow.ticket.label:
            return
        given = self.flow.given_elsewhere()
        if given is None:
            return
        text = Text(t("The person rated on their phone or the window's tablet"), style="bold")
        if given.follow_up:
            text.append("\n" + t("A bad-review follow-up was opened"), style="bold yellow")
        self._elsewhere = text
        self.show()

    def action_stay(self) -> None:
        self.notify(t("Finish the rating first (F10)"), severity="warning")

    def action_rate(self, score: int) -> None:
        problem = self.flow.choose(score)
        if problem is not None:
            self.query_one("#rating-error", Static).update(describe(problem))
            return
        self.show()
        if self.flow.is_bad:
            self.query_one("#comment", Input).focus()  # what went wrong, in the person's words, for the callback

    def action_decline(self) -> None:
        self.flow.decline()
        self.show()

    def action_type(self) -> None:
        """Into the comment (once a level is chosen), then the suggestion."""
        comment = self.query_one("#comment", Input)
        shown = self.query_one("#comment-row").display
        (comment if shown and self.focused is not comment else self.query_one("#suggestion", Input)).focus()

    @on(Input.Submitted)
    def _typed(self) -> None:
        self.set_focus(None)  # the number keys rate again

    def action_done(self) -> None:
        if self.flow.step is Step.ELSEWHERE:
            self.app.pop_screen()
            return
        rated = self.flow.finish(self.query_one("#comment", Input).value, self.query_one("#suggestion", Input).value)
        if isinstance(rated, Problem):
            self.query_one("#rating-error", Static).update(describe(rated))
            return
        if rated.rating is not None:
            self.notify(
                t(
                    "Rated: {level}. Thank you!",
                    level=f"{rated.rating.score} {t(RATING_LEVEL_WORDS[str(rated.rating.score)])}",
                )
            )
        self.app.pop_screen()
