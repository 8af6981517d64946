"""The header of every working screen: its clock tells the van's time (config.tz), not the machine's.

The van's laptop may run in UTC; staff and every screen below the header use Asia/Shanghai.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Header
from textual.widgets._header import HeaderClock, HeaderIcon, HeaderTitle


class VanClock(HeaderClock):
    def __init__(self, now: Callable[[], datetime]) -> None:
        super().__init__()
        self.now = now

    def render(self) -> RenderableType:
        return Text(self.now().strftime(self.time_format))


class VanHeader(Header):
    def __init__(self, now: Callable[[], datetime]) -> None:
        super().__init__(show_clock=True)
        self.now = now

    def compose(self) -> ComposeResult:
        yield HeaderIcon().data_bind(Header.icon)
        yield HeaderTitle()
        yield VanClock(self.now).data_bind(Header.time_format)
