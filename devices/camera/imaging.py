"""Decoding what a camera sent and encoding what we keep: the parts both capture modes share."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from PIL import Image, ImageOps, UnidentifiedImageError

from core.problems import Code, Problem
from devices.camera.source import CaptureError

# Pictures larger than this are refused rather than decoded (Pillow's "decompression bomb").
MAX_PIXELS = 80_000_000
# Freed image blocks (16 MB each) Pillow keeps for the next picture; its default keeps none
# (Pillow's PILLOW_BLOCKS_MAX). Given back and fetched anew, every page of a capture's
# blocks is a page fault: on the loaded test machine that cost document mode about a tenth
# of its time, more than it cost the decode (docs/benchmarks.md). Kept only in the imaging
# worker process, which ends, giving it all back, 10 s after its last capture.
KEPT_IMAGE_BLOCKS = 16


@dataclass
class Processed:
    jpeg: bytes
    width: int
    height: int
    warnings: list[str] = field(default_factory=list)


def keep_image_memory() -> None:
    """Let Pillow reuse its image memory from one capture to the next: for the imaging worker process only."""
    Image.core.set_blocks_max(KEPT_IMAGE_BLOCKS)


def open_image(data: bytes) -> Image.Image:
    """Decode, turn upright by the EXIF orientation, and convert to RGB."""
    try:
        image = Image.open(io.BytesIO(data))
        too_large = image.width * image.height > MAX_PIXELS
        if not too_large:
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        kind = type(error).__name__
        raise CaptureError(
            f"the camera sent something that is not a readable picture ({kind})",
            Problem(Code.CAMERA_UNREADABLE_PICTURE, {"error": kind}),
        ) from None
    if too_large:
        raise CaptureError(
            f"the picture is too large ({image.width}×{image.height} pixels)",
            Problem(Code.CAMERA_PICTURE_TOO_LARGE, {"width": image.width, "height": image.height}),
        )
    image = image if image.mode == "RGB" else image.convert("RGB")
    ImageOps.exif_transpose(image, in_place=True)
    return image


def picture_size(data: bytes) -> tuple[int, int]:
    """Width and height of the upright picture, once decoded (the camera self-test)."""
    return open_image(data).size


def fit_within(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """`size` scaled down (never up) to fit inside `box`, keeping its proportions."""
    width, height = size
    scale = min(1.0, box[0] / width, box[1] / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def encode_jpeg(image: Image.Image, *, quality: int, dpi: float, progressive: bool = False) -> bytes:
    """JPEG without EXIF: camera metadata (serial numbers, GPS) never leaves with the file."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, progressive=progressive, subsampling="4:2:0", dpi=(dpi, dpi))
    return buffer.getvalue()
