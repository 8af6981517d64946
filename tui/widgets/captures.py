"""The files captured for a case: a small picture of each where the terminal has room,
and always the file name, size and kind (a certified copy also says who checked it).

The picture is drawn with half-block characters (▀, foreground = upper pixel,
background = lower pixel), so it needs only a colour terminal, no graphics protocol.
Pictures are decoded in a thread: a capture is a JPEG of up to a few MB, sealed on disk;
`read` (flows.van.Van.read_capture) unseals it in memory, only to draw it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from PIL import Image, ImageOps
from rich.text import Text
from textual import work
from textual.containers import VerticalScroll
from textual.widgets import Static

from core.sealing import SealError
from flows.intake import Attachment
from tui.i18n import t
from tui.terms import CAPTURE_KIND_WORDS
from tui.widgets.materials import file_summary

THUMB_COLUMNS = 16
THUMB_ROWS = 6


def thumbnail(
    read: Callable[[str], bytes], path: str, columns: int = THUMB_COLUMNS, rows: int = THUMB_ROWS
) -> Text | None:
    """A picture `columns` wide and at most `rows` tall in half blocks, or None if the file can't be read."""
    try:
        with Image.open(io.BytesIO(read(path))) as image:
            image.draft("RGB", (columns * 4, rows * 8))  # JPEG: decode at a fraction of full size
            small = ImageOps.contain(image.convert("RGB"), (columns, rows * 2))
    except (OSError, ValueError, Image.DecompressionBombError, SealError):
        return None
    width, height = small.size
    pixels = small.load()
    assert pixels is not None
    text = Text()
    for top in range(0, height, 2):
        for x in range(width):
            upper = pixels[x, top]
            lower = pixels[x, top + 1] if top + 1 < height else upper
            text.append("▀", style=f"rgb({upper[0]},{upper[1]},{upper[2]}) on rgb({lower[0]},{lower[1]},{lower[2]})")
        text.append("\n")
    return text


class CapturesList(VerticalScroll):
    DEFAULT_CSS = """
    CapturesList { height: 1fr; padding: 0 1; }
    CapturesList #captures-text { height: auto; }
    """

    def __init__(self, *, tz: ZoneInfo, read: Callable[[str], bytes], id: str | None = None) -> None:
        super().__init__(id=id)
        self.tz = tz
        self.read = read
        self.attachments: tuple[Attachment, ...] = ()
        self.materials: dict[int, str] = {}
        self.staff_names: dict[int, str] = {}
        self.pictures: dict[str, Text | None] = {}
        self.with_pictures = False

    def compose(self):  # noqa: ANN201
        yield Static(t("Nothing captured yet"), id="captures-text")

    def show(
        self,
        attachments: Sequence[Attachment],
        materials: Mapping[int, str],
        staff_names: Mapping[int, str],
        *,
        pictures: bool,
    ) -> None:
        """`materials` maps attachment id → material line; `pictures` when the terminal has room."""
        self.attachments = tuple(attachments)
        self.materials = dict(materials)
        self.staff_names = dict(staff_names)
        self.with_pictures = pictures
        self._render_list()
        missing = [a.path for a in self.attachments if a.path and a.path not in self.pictures]
        if pictures and missing:
            self._draw(missing)

    @work(thread=True, group="thumbnails")
    def _draw(self, paths: list[str]) -> None:
        drawn = {path: thumbnail(self.read, path) for path in paths}
        self.app.call_from_thread(self._drawn, drawn)

    def _drawn(self, drawn: dict[str, Text | None]) -> None:
        self.pictures.update(drawn)
        if self.is_attached:
            self._render_list()

    def _render_list(self) -> None:
        if not self.attachments:
            self.query_one("#captures-text", Static).update(t("Nothing captured yet"))
            return
        text = Text()
        for attachment in self.attachments:
            picture = self.pictures.get(attachment.path or "") if self.with_pictures else None
            if picture is not None:
                text.append_text(picture)
            text.append(t(CAPTURE_KIND_WORDS[attachment.kind]), style="bold")
            material = self.materials.get(attachment.id)
            if material:
                text.append(f" · {material}")
            text.append("\n" + file_summary(attachment) + "\n", style="dim" if attachment.path else "red")
            if attachment.certified_by is not None and attachment.certified_at:
                at = datetime.fromisoformat(attachment.certified_at).astimezone(self.tz).strftime("%m-%d %H:%M")
                who = self.staff_names.get(attachment.certified_by, "")
                text.append(t("checked by {staff} {at}", staff=who, at=at) + "\n", style="green")
        self.query_one("#captures-text", Static).update(text)
