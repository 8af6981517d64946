"""Finding a font that can draw Chinese: the certify stamp, the camera emulator's pages, receipt pictures.

Debian ships them as fonts-wqy-microhei (small, about 5 MB) or fonts-noto-cjk. fontconfig
is asked first (`fc-list :lang=zh-cn`); without it, the usual Debian paths are tried and
each candidate must really have the glyphs.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import ImageFont

FONT_PACKAGES = "fonts-wqy-microhei or fonts-noto-cjk"
KNOWN_PATHS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)
# Characters every candidate must draw: the stamp's own text.
PROBE = "此件经与原件核对无误"
# A code point no font has: what a missing glyph looks like in this font.
MISSING = "\U0010fffd"


@dataclass(frozen=True)
class FontChoice:
    path: Path
    index: int = 0

    def load(self, size: int) -> ImageFont.FreeTypeFont:
        return _face(self.path, self.index, size)


@lru_cache(maxsize=16)
def _face(path: Path, index: int, size: int) -> ImageFont.FreeTypeFont:
    # Pillow loads only when a font is needed; opening a CJK collection takes tens of milliseconds.
    from PIL import ImageFont

    return ImageFont.truetype(str(path), size, index=index)


def find_cjk_font(*, use_fontconfig: bool = True, known_paths: tuple[Path, ...] = KNOWN_PATHS) -> FontChoice | None:
    """The best Simplified Chinese font on this machine, or None when there is none."""
    if use_fontconfig:
        found = _from_fontconfig()
        if found is not None:
            return found
    for path in known_paths:
        if path.is_file():
            faces = [FontChoice(path, index) for index in range(10 if path.suffix == ".ttc" else 1)]
            usable = [face for face in faces if _draws_chinese(face)]
            if usable:
                # In a CJK collection, the Simplified Chinese face draws hanzi the mainland way.
                return min(usable, key=lambda face: " SC" not in (face.load(12).getname()[0] or ""))
    return None


@lru_cache(maxsize=1)
def default_cjk_font() -> FontChoice | None:
    """find_cjk_font() once per process: fonts do not come and go while the daemon runs."""
    return find_cjk_font()


def _from_fontconfig() -> FontChoice | None:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        listing = subprocess.run(
            [fc_list, ":lang=zh-cn", "-f", "%{file}|%{index}|%{family}\n"],
            capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    candidates = []
    for line in listing.stdout.splitlines():
        file, _, rest = line.partition("|")
        index, _, family = rest.partition("|")
        if not file or not index.isdigit():
            continue
        # Simplified Chinese faces first, proportional before monospaced.
        rank = (0 if any(tag in family for tag in (" SC", "WenQuanYi", "Hans")) else 1, "Mono" in family, file)
        candidates.append((rank, FontChoice(Path(file), int(index))))
    for _, choice in sorted(candidates, key=lambda item: item[0]):
        if _draws_chinese(choice):
            return choice
    return None


def _draws_chinese(choice: FontChoice) -> bool:
    try:
        font = choice.load(24)
    except OSError:
        return False
    missing = _render(font, MISSING)
    return all(_render(font, char) != missing for char in PROBE)


def _render(font: ImageFont.FreeTypeFont, char: str) -> bytes:
    from PIL import Image, ImageDraw

    canvas = Image.new("L", (48, 48))
    ImageDraw.Draw(canvas).text((4, 4), char, font=font, fill=255)
    return canvas.tobytes()
