"""The govan Textual app: keyboard first, 80×24 and up, Chinese by default."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header

from daemon.client import Status
from govan.config import Config
from tui.i18n import Translated, set_locale, t
from tui.link import DaemonLink
from tui.messages import DevicesChanged
from tui.widgets.device_bar import DeviceBar


class GovanApp(Translated, App[int]):
    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("ctrl+q", "quit", "key.quit", priority=True)]

    def __init__(self, config: Config, *, connect: bool = True) -> None:
        set_locale(config.locale)
        super().__init__()
        self.config = config
        self.link = DaemonLink(self, config)
        self.connect = connect
        self.title = t("app.title")

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        yield DeviceBar(self.link.status, id="device-bar")
        yield Footer()

    def on_mount(self) -> None:
        if self.connect:
            self.run_worker(self.link.run(), name="daemon-link", group="daemon", exclusive=True)

    def on_devices_changed(self, message: DevicesChanged) -> None:
        for bar in self.query(DeviceBar):
            bar.show(message.status)

    @property
    def device_status(self) -> Status:
        return self.link.status


def run_app(config: Config, *, board: bool = False) -> int:
    GovanApp(config).run()
    return 0
