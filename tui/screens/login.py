"""Login: staff choose themselves and enter their PIN."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from db import staff as staff_store
from db.errors import BadCredentials
from tui.i18n import t
from tui.screens.base import VanScreen


class LoginScreen(VanScreen):
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

    def compose_body(self) -> ComposeResult:
        people = staff_store.list_staff(self.govan.store)
        with Vertical(id="login"):
            yield Label(t("login.title"), classes="title")
            yield OptionList(
                *[Option(f"{person.name}  {t('role.' + person.role)}", id=person.login) for person in people],
                id="login-staff",
            )
            yield Input(placeholder=t("login.pin"), password=True, id="login-pin", max_length=8)
            yield Label("", id="login-error")

    def on_mount(self) -> None:
        self.query_one("#login-staff", OptionList).focus()
        if self.query_one("#login-staff", OptionList).option_count:
            self.query_one("#login-staff", OptionList).highlighted = 0

    @on(OptionList.OptionSelected, "#login-staff")
    def choose(self) -> None:
        self.query_one("#login-pin", Input).focus()

    @on(Input.Submitted, "#login-pin")
    def check_pin(self, event: Input.Submitted) -> None:
        staff_list = self.query_one("#login-staff", OptionList)
        option = staff_list.highlighted_option
        error = self.query_one("#login-error", Label)
        if option is None or option.id is None:
            error.update(t("login.choose_first"))
            staff_list.focus()
            return
        try:
            person = staff_store.authenticate(self.govan.store, option.id, event.value)
        except BadCredentials:
            event.input.clear()
            error.update(t("login.wrong_pin"))
            return
        event.input.clear()
        error.update("")
        self.govan.sign_in(person)
