"""Horizontal bars in plain text: a label, a bar scaled to the widest value, the value.

Plain block characters read on any terminal, over SSH, at 80 columns, and in SVG
snapshots. The bars are drawn for whatever width the widget gets.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

EIGHTHS = " ▏▎▍▌▋▊▉█"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as a person reads it, e.g. "12" or "6.5 分"
    style: str = "cyan"


class BarChart(Widget):
    DEFAULT_CSS = """
    BarChart { height: auto; text-wrap: nowrap; text-overflow: clip; }
    """

    def __init__(self, title: str, bars: list[Bar], *, empty: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.title = title
        self.bars = bars
        self.empty = empty

    def show(self, bars: list[Bar]) -> None:
        self.bars = bars
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # One line per bar (or for "empty"), plus the title: never wrapped, whatever the width.
        return (1 if self.title else 0) + max(len(self.bars), 1)

    def render(self) -> Text:
        return chart_text(self.title, self.bars, self.size.width, empty=self.empty)


def chart_text(title: str, bars: list[Bar], width: int, *, empty: str) -> Text:
    text = Text(title, style="bold")
    if not bars:
        return text.append("\n" if title else "").append(empty, style="dim")
    label_width = max(cell_len(bar.label) for bar in bars)
    value_width = max(cell_len(bar.text) for bar in bars)
    room = max(width - label_width - value_width - 2, 1)
    top = max(bar.value for bar in bars) or 1
    for index, bar in enumerate(bars):
        text.append("\n" if title or index else "")
        text.append(bar.label + " " * (label_width - cell_len(bar.label)) + " ")
        text.append(_bar(bar.value / top * room), style=bar.style)
        text.append(" " * (room - _cells(bar.value / top * room) + 1 + value_width - cell_len(bar.text)) + bar.text)
    return text


def _bar(cells: float) -> str:
    whole, eighths = int(cells), int((cells - int(cells)) * 8)
    return "█" * whole + (EIGHTHS[eighths] if eighths else "")


def _cells(cells: float) -> int:
    return int(cells) + (1 if int((cells - int(cells)) * 8) else 0)
