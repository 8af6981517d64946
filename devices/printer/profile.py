"""Printer profiles: what the encoder needs to know about the paper and the font.

Font A is 12×24 dots, so a line holds dots // 12 single-byte characters; a Chinese
character (24×24) takes two of those columns. Not every "58 mm" printer has 384 dots,
so the width in dots can be given explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ChineseMode = Literal["gb18030", "gbk"]

FONT_A_WIDTH_DOTS = 12
DOTS_FOR_PAPER_MM = {58: 384, 80: 576}


@dataclass(frozen=True)
class Profile:
    paper_width_mm: int
    dots: int
    chinese: ChineseMode = "gb18030"

    @property
    def columns(self) -> int:
        """Single-byte (Font A) characters per line at size 1."""
        return self.dots // FONT_A_WIDTH_DOTS

    @property
    def raster_bytes(self) -> int:
        """The widest raster row the printer accepts, in bytes."""
        return self.dots // 8

    @classmethod
    def for_paper(cls, paper_width_mm: int, chinese: ChineseMode = "gb18030") -> Profile:
        try:
            dots = DOTS_FOR_PAPER_MM[paper_width_mm]
        except KeyError:
            raise ValueError(f"paper width {paper_width_mm} mm: use 58 or 80") from None
        return cls(paper_width_mm=paper_width_mm, dots=dots, chinese=chinese)

    def describe(self) -> str:
        return f"{self.paper_width_mm} mm paper, {self.dots} dots, {self.columns} columns, {self.chinese}"
