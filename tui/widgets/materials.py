"""The materials checklist of a case: each line original seen, copy captured, or missing.

The keys act on the highlighted line; the screen hands the `Chosen` message to the
intake flow (store, camera), so this widget only shows and asks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from typing import Literal

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from flows.intake import Attachment, Material
from tui.i18n import N_, NC_, t
from tui.terms import MATERIAL_STATE_WORDS

Action = Literal["original_seen", "capture_copy", "capture_photo", "missing"]
STATE_STYLE = {"original_seen": "green", "copy_captured": "bold green", "missing": "yellow"}


def file_name(attachment: Attachment) -> str:
    return attachment.path.rsplit("/", 1)[-1] if attachment.path else t("file deleted by retention")


def file_summary(attachment: Attachment) -> str:
    """Name and size: what every terminal can show of a capture."""
    name = file_name(attachment)
    return f"{name} {size_text(attachment.bytes)}" if attachment.bytes is not None else name


def size_text(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


class MaterialsTable(DataTable[Text | str]):
    BINDINGS = [
        Binding("o", "choose('original_seen')", N_("Original seen")),
        Binding("c", "choose('capture_copy')", N_("Capture copy")),
        Binding("p", "choose('capture_photo')", NC_("intake.materials.key.photo", "ID photo")),
        Binding("m", "choose('missing')", N_("Missing")),
    ]
    DEFAULT_CSS = """
    MaterialsTable { height: auto; max-height: 12; }
    """

    class Chosen(Message):
        def __init__(self, action: Action, material: str) -> None:
            super().__init__()
            self.action = action
            self.material = material

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.lines: tuple[Material, ...] = ()
        self.photo_lines: Set[str] = frozenset()
        self.busy = False

    def on_mount(self) -> None:
        self.add_column("#", width=2)
        self.add_column(t("Material"))
        self.add_column(t("State"))
        self.add_column(t("File"))

    def show(self, lines: Sequence[Material], attachments: Mapping[int, Attachment], *, photo_lines: Set[str]) -> None:
        """The checklist; `photo_lines` are those an ID photo is for (the rest take a stamped copy)."""
        row = self.cursor_row
        self.lines = tuple(lines)
        self.photo_lines = photo_lines
        self.clear()
        for number, line in enumerate(self.lines, start=1):
            attachment = attachments.get(line.attachment_id) if line.attachment_id is not None else None
            self.add_row(
                str(number),
                line.material,
                Text(t(MATERIAL_STATE_WORDS[line.state]), style=STATE_STYLE[line.state]),
                file_name(attachment) if attachment else "",  # its size beside, in the captures (fits 80 columns)
            )
        if self.lines:
            self.move_cursor(row=min(max(row, 0), len(self.lines) - 1))
        self.refresh_bindings()

    @property
    def current(self) -> Material | None:
        if not self.lines or not 0 <= self.cursor_row < len(self.lines):
            return None
        return self.lines[self.cursor_row]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose":
            if self.current is None:
                return False
            if parameters and parameters[0] == "capture_photo" and self.current.material not in self.photo_lines:
                return False
            return not self.busy or None
        return True

    def action_choose(self, action: Action) -> None:
        if self.current is not None and not self.busy:
            self.post_message(self.Chosen(action, self.current.material))

    def on_data_table_row_highlighted(self) -> None:
        self.refresh_bindings()
