"""The frame every working screen shares: header, body, device bar, footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget

from tui.messages import DevicesChanged
from tui.widgets.device_bar import DeviceBar
from tui.widgets.key_bar import KeyBar
from tui.widgets.van_header import VanHeader

if TYPE_CHECKING:
    from flows.van import Van
    from tui.app import GovanApp


class VanScreen(Screen):
    """Subclasses yield their content from `compose_body`."""

    DEFAULT_CSS = """
    VanScreen .van-body { height: 1fr; }
    """
    # A new focus repaints the widgets whose focus styles change (Screen._update_focus_styles, their
    # ancestors with them); Textual's own reactive repaints the whole screen besides, every line of every
    # widget: the costliest frame a card read made, moving the focus to the phone (bench/intake_fill.py).
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    @property
    def govan(self) -> GovanApp:
        """The app: the session, the link, routing between screens."""
        return cast("GovanApp", self.app)

    @property
    def van(self) -> Van:
        """What the flows work with: the store, the config, the bus and the clock."""
        return self.govan.van

    @property
    def open_trip_id(self) -> int:
        """The open trip's id; working screens are only shown while a trip is open."""
        session = self.govan.session
        assert session is not None and session.trip is not None
        return session.trip.id

    def compose(self) -> ComposeResult:
        yield VanHeader(self.govan.now)
        with Vertical(classes="van-body"):
            yield from self.compose_body()
        yield DeviceBar(
            self.govan.link.status, terminal=lambda: self.govan.link.terminal
        )  # the link is the bus: no store needed to paint
        yield KeyBar()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_devices_changed(self, message: DevicesChanged) -> None:
        for bar in self.query(DeviceBar):
            bar.show(message.status)

    def on_screen_resume(self) -> None:
        """A screen coming back to the top may have missed device news while covered."""
        for bar in self.query(DeviceBar):
            bar.show(self.govan.link.status)
