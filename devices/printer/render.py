"""Draw a decoded receipt as a picture, roughly as the paper would look.

Text, rules and raster images are drawn faithfully; QR codes and barcodes are drawn
as stand-ins labelled with their data, since generating real symbols would need a
QR library the daemon does not otherwise use. A CJK font is needed: Debian's fonts-noto-cjk or fonts-wqy-microhei.
"""

from __future__ import annotations

from collections.abc import Iterable

from PIL import Image, ImageDraw, ImageFont

from devices.fonts import FONT_PACKAGES, FontChoice, default_cjk_font
from devices.printer.decoder import (
    Barcode,
    Cut,
    Event,
    Feed,
    QrCode,
    RasterImage,
    Rule,
    TextLine,
)
from devices.printer.raster import Raster, to_image

LINE_DOTS = 24  # Font A is 12×24; a Chinese glyph 24×24
FEED_DOTS = 30  # default line spacing
MARGIN = 8


class NoCjkFont(RuntimeError):
    def __init__(self) -> None:
        super().__init__(f"no CJK font: install {FONT_PACKAGES} to draw receipts")


def draw(events: Iterable[Event], dots: int, font_choice: FontChoice | None = None) -> Image.Image:
    """The receipt as a white picture `dots` wide (plus margins); NoCjkFont without a Chinese font."""
    choice = font_choice or default_cjk_font()
    if choice is None:
        raise NoCjkFont()
    font, small = choice.load(LINE_DOTS), choice.load(LINE_DOTS * 2 // 3)
    strips = [strip for event in events if (strip := _strip(event, dots, font, small)) is not None]
    height = sum(strip.height for strip in strips) + 2 * MARGIN
    page = Image.new("L", (dots + 2 * MARGIN, height), 255)
    top = MARGIN
    for strip in strips:
        page.paste(strip, (MARGIN, top))
        top += strip.height
    return page


def _place(content: Image.Image, dots: int, align: str) -> Image.Image:
    strip = Image.new("L", (dots, content.height), 255)
    left = {"left": 0, "center": (dots - content.width) // 2, "right": dots - content.width}[align]
    strip.paste(content.crop((0, 0, min(content.width, dots), content.height)), (max(0, left), 0))
    return strip


def _text(text: str, font: ImageFont.FreeTypeFont, bold: bool = False) -> Image.Image:
    width = max(1, round(font.getlength(text)) + 2)
    ascent, descent = font.getmetrics()
    picture = Image.new("L", (width, ascent + descent), 255)
    ImageDraw.Draw(picture).text((0, 0), text, font=font, fill=0, stroke_width=1 if bold else 0, stroke_fill=0)
    return picture


def _strip(event: Event, dots: int, font: ImageFont.FreeTypeFont, small: ImageFont.FreeTypeFont) -> Image.Image | None:
    match event:
        case TextLine():
            picture = _text(event.text, font, event.bold)
            if (event.width, event.height) != (1, 1):
                picture = picture.resize((picture.width * event.width, picture.height * event.height))
            return _place(picture, dots, event.align)
        case RasterImage():
            return _place(to_image(Raster(event.width, event.height, event.rows)), dots, event.align)
        case Rule():
            strip = Image.new("L", (dots, FEED_DOTS), 255)
            ImageDraw.Draw(strip).line((0, FEED_DOTS // 2, dots, FEED_DOTS // 2), fill=0, width=2)
            return strip
        case QrCode():
            return _stack(
                [
                    _place(_qr_box(event.module_size * 25, dots), dots, event.align),
                    _place(_text(f"QR: {event.data}", small), dots, event.align),
                ],
                dots,
            )
        case Barcode():
            bars = _bars(event.data, event.module_width, event.height, dots)
            parts = [_place(bars, dots, event.align)]
            if event.hri:
                parts.append(_place(_text(event.data, small), dots, event.align))
            return _stack(parts, dots)
        case Feed():
            return Image.new("L", (dots, FEED_DOTS * event.lines), 255)
        case Cut():
            strip = Image.new("L", (dots, 12), 255)
            ImageDraw.Draw(strip).line((0, 6, dots, 6), fill=128, width=1)
            return strip
    return None


def _qr_box(side: int, dots: int) -> Image.Image:
    """A stand-in for a QR symbol: its frame and three finder squares."""
    side = max(60, min(side, dots))
    box = Image.new("L", (side, side), 255)
    pen = ImageDraw.Draw(box)
    pen.rectangle((0, 0, side - 1, side - 1), outline=0, width=3)
    for left, top in ((6, 6), (side - 27, 6), (6, side - 27)):
        pen.rectangle((left, top, left + 20, top + 20), fill=0)
    return box


def _bars(data: str, module: int, height: int, dots: int) -> Image.Image:
    """A stand-in for a barcode: bars drawn from the data's bits (not a scannable symbol)."""
    bits = [1, 1, 0, 1] + [(byte >> shift) & 1 for byte in data.encode() for shift in range(7, -1, -1)] + [1, 0, 1, 1]
    width = min(dots, len(bits) * module * 2)
    strip = Image.new("L", (width, height), 255)
    pen = ImageDraw.Draw(strip)
    left = 0
    for bit in bits:
        bar = module * (2 if bit else 1)
        pen.rectangle((left, 0, left + bar - 1, height - 1), fill=0)
        left += bar + module
        if left >= width:
            break
    return strip


def _stack(parts: list[Image.Image], dots: int) -> Image.Image:
    stacked = Image.new("L", (dots, sum(part.height for part in parts)), 255)
    top = 0
    for part in parts:
        stacked.paste(part, (0, top))
        top += part.height
    return stacked
