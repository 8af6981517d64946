"""Synthetic captures shared by the camera tests, drawn once per session."""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image

from devices.camera.synthetic import BLUE_BACKDROP, draw_document, draw_portrait, photograph, to_jpeg

FRAME = (1600, 1200)
ANGLE = 5.0


@lru_cache(maxsize=1)
def upright_page() -> Image.Image:
    return draw_document(900)


@lru_cache(maxsize=4)
def document_photo(angle: float = ANGLE, orientation: int | None = None) -> bytes:
    shot = photograph(upright_page(), FRAME, angle=angle)
    if orientation == 6:  # stored sideways, with the tag that says "turn 90° clockwise to view"
        shot = shot.transpose(Image.Transpose.ROTATE_90)
    return to_jpeg(shot, orientation=orientation)


@lru_cache(maxsize=2)
def portrait(blue: bool = False) -> bytes:
    return to_jpeg(draw_portrait((900, 1200), backdrop=BLUE_BACKDROP) if blue else draw_portrait((900, 1200)))


def decode(jpeg: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(jpeg))
    image.load()
    return image
