"""The certify stamp: "此件经与原件核对无误", who checked the copy and when (国办函〔2016〕108号).

It is drawn in seal red in the lower right corner, inside the page margin, without a
background fill, so that nothing of the document underneath is hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PIL import Image, ImageDraw, ImageFont

from core.problems import Code, Problem
from devices.camera.imaging import CaptureError
from devices.fonts import FONT_PACKAGES, FontChoice

CERTIFIED = "此件经与原件核对无误"
STAMP_RED = (200, 24, 24)
# Text height as a share of the page width (about 11 pt on A4), and the stamp's widest share.
TEXT_SHARE = 0.017
MAX_WIDTH_SHARE = 0.6
NO_FONT = f"cannot draw the certify stamp: no Chinese font installed (install {FONT_PACKAGES})"
NO_FONT_PROBLEM = Problem(Code.CAMERA_NO_FONT, {"packages": FONT_PACKAGES})


@dataclass(frozen=True)
class Certification:
    staff: str
    at: str  # ISO-8601 time with offset, as in the capture command


def stamp_lines(certification: Certification) -> list[str]:
    try:
        when = datetime.fromisoformat(certification.at)
    except ValueError:
        raise CaptureError(
            "certify.at is not an ISO-8601 time such as 2026-05-01T10:30:00+08:00",
            Problem(Code.CAMERA_CERTIFY_TIME_INVALID),
        ) from None
    return [CERTIFIED, f"核对人：{certification.staff}", f"核对时间：{when:%Y-%m-%d %H:%M}"]


@dataclass(frozen=True)
class StampLayout:
    box: tuple[int, int, int, int]  # left, top, right, bottom
    face: ImageFont.FreeTypeFont
    lines: list[str]
    line_height: int
    border: int
    padding: int


def layout_stamp(size: tuple[int, int], certification: Certification, font: FontChoice) -> StampLayout:
    """Where and how large the stamp is on a page of `size`."""
    width, height = size
    lines = stamp_lines(certification)
    text_size = max(12, round(width * TEXT_SHARE))
    face = font.load(text_size)
    text_width = max(face.getlength(line) for line in lines)
    if text_width > width * MAX_WIDTH_SHARE:  # a long name: smaller text rather than off the page
        text_size = max(8, int(text_size * width * MAX_WIDTH_SHARE / text_width))
        face = font.load(text_size)
        text_width = max(face.getlength(line) for line in lines)
    line_height = round(text_size * 1.5)
    border, padding = max(2, line_height // 10), line_height // 2
    box_width = round(text_width) + 2 * (padding + border)
    box_height = len(lines) * line_height + 2 * (padding + border)
    margin = round(width * 0.04)
    right, bottom = width - margin, height - margin
    return StampLayout(
        (right - box_width, bottom - box_height, right, bottom), face, lines, line_height, border, padding
    )


def draw_stamp(image: Image.Image, certification: Certification, font: FontChoice | None) -> None:
    """Stamp `image` in place; without a Chinese font the job fails rather than print boxes."""
    if font is None:
        raise CaptureError(NO_FONT, NO_FONT_PROBLEM)
    stamp = layout_stamp(image.size, certification, font)
    left, top, right, bottom = stamp.box
    inner = 2 * stamp.border
    draw = ImageDraw.Draw(image)
    draw.rectangle(stamp.box, outline=STAMP_RED, width=stamp.border)
    draw.rectangle((left + inner, top + inner, right - inner, bottom - inner), outline=STAMP_RED, width=1)
    x = left + stamp.padding + stamp.border
    for number, line in enumerate(stamp.lines):
        y = top + stamp.padding + stamp.border + number * stamp.line_height
        draw.text((x, y), line, font=stamp.face, fill=STAMP_RED)
