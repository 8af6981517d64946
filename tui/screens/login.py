"""Login: staff choose themselves and enter their PIN (flows.login: wrong PINs in a row lock it a while)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from core.problems import Problem
from tui.i18n import t
from tui.problems import describe
from tui.screens.base import VanScreen
from tui.terms import ROLE_WORDS

if TYPE_CHECKING:
    from flows.login import LoginFlow


class LoginScreen(VanScreen):
    # Nobody is signed in here: the header names nobody, whoever signed out before.
    SUB_TITLE = ""
    DEFAULT_CSS = """
    LoginScreen #login {
        width: 60;
        height: auto;
        max-height: 100%;
        margin: 1 2;
    }
    LoginScreen OptionList {
        height: auto;
        max-height: 10;
    }
    LoginScreen #login-error {
        color: $error;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.flow: LoginFlow | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(id="login"):
            yield Label(t("Sign in: choose yourself, type your PIN, press Enter"), classes="title")
            yield OptionList(id="login-staff")
            yield Label(t("No staff yet: run `govan staff add LOGIN NAME --role captain`"), id="login-empty")
            yield Input(placeholder=t("PIN"), password=True, id="login-pin", max_length=8)
            yield Label("", id="login-error")

    def on_mount(self) -> None:
        self.query_one("#login-staff", OptionList).focus()
        self.query_one("#login-empty", Label).display = False
        # The screen is painted and takes keys first: the store stack (sqlite-utils and the flows) is
        # imported in a thread after that first frame, then the store is opened for the staff list. Started
        # before it, the thread's imports took the GIL from the frame half the time (py-spy: most samples of
        # the start were that thread's).
        self.call_after_refresh(self.run_worker, self._import_store_stack, thread=True, name="login-imports")

    def _import_store_stack(self) -> None:
        import flows.login  # noqa: F401 - imported here, off the event loop

        self.app.call_from_thread(self.show_people)

    def show_people(self) -> None:
        from flows.login import LoginFlow

        self.flow = LoginFlow(self.van)
        people = self.flow.people()
        staff_list = self.query_one("#login-staff", OptionList)
        staff_list.add_options(
            [Option(f"{person.name}  {t(ROLE_WORDS[person.role])}", id=person.login) for person in people]
        )
        self.query_one("#login-empty", Label).display = not people
        if people:
            staff_list.highlighted = 0

    @on(OptionList.OptionSelected, "#login-staff")
    def choose(self) -> None:
        self.query_one("#login-pin", Input).focus()

    @on(Input.Submitted, "#login-pin")
    def check_pin(self, event: Input.Submitted) -> None:
        staff_list = self.query_one("#login-staff", OptionList)
        option = staff_list.highlighted_option
        error = self.query_one("#login-error", Label)
        if option is None or option.id is None:
            error.update(t("Choose a staff member first"))
            staff_list.focus()
            return
        if not event.value:
            return  # Enter before any digit is no try at a PIN
        assert self.flow is not None  # an option was chosen: the list was filled
        signed_in = self.flow.sign_in(option.id, event.value)
        event.input.clear()
        if isinstance(signed_in, Problem):
            error.update(describe(signed_in))
            return
        error.update("")
        self.govan.sign_in(signed_in)
