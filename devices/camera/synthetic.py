"""Synthetic captures for the emulated camera, the tests and the benchmark.

A document is an A4 page of Chinese text "photographed" on a document camera's dark base:
a little rotated, unevenly lit, slightly soft. A portrait is a head-and-shoulders figure
on a near-white or coloured backdrop, as the ID-photo kit takes it. Everything is drawn
with Pillow from a seed, so the same call gives the same picture.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter

from devices.fonts import FontChoice, default_cjk_font

A4_RATIO = 297 / 210
PAPER = (246, 244, 238)
INK = (30, 30, 36)
SEAL_RED = (205, 38, 38)
BASE = (36, 36, 42)
TITLE = "龙港市流动政务客厅 业务受理单"
BODY = (
    "申请人已按要求提交身份证明、户口簿及相关材料，经窗口工作人员现场核验，"
    "材料齐全，符合受理条件。本单一式两份，申请人与受理窗口各执一份。"
    "请妥善保管，凭此单查询办理进度或领取证件。办理结果可选择邮寄送达。"
)
WHITE_BACKDROP = (246, 246, 244)
BLUE_BACKDROP = (67, 142, 219)
RED_BACKDROP = (200, 30, 40)


def draw_document(width: int = 1240, *, font: FontChoice | None = None, seed: int = 0) -> Image.Image:
    """An upright A4 page, `width` pixels wide. A dark rule runs across under the title."""
    rng = random.Random(seed)
    height = round(width * A4_RATIO)
    page = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(page)
    font = font if font is not None else default_cjk_font()
    margin = width // 10
    title_size, body_size = width // 26, width // 42

    def text(x: int, y: int, content: str, size: int) -> None:
        if font is None:  # no Chinese font installed: grey bars where the text would be
            draw.rectangle((x, y + size // 5, x + len(content) * size, y + size), fill=(90, 90, 96))
        else:
            draw.text((x, y), content, font=font.load(size), fill=INK)

    text(margin, margin, TITLE, title_size)
    rule_y = margin + title_size * 2
    draw.rectangle((margin, rule_y, width - margin, rule_y + max(3, width // 400)), fill=INK)
    per_line = (width - 2 * margin) // body_size
    y = rule_y + body_size * 2
    paragraph = BODY * 3
    while y < height * 0.72 and paragraph:
        take = per_line - rng.randint(0, 3)
        text(margin, y, paragraph[:take], body_size)
        paragraph = paragraph[take:]
        y += round(body_size * 1.8)
    # A round red seal near the bottom right, as on most Chinese official forms.
    cx, cy, r = width - margin - width // 8, round(height * 0.82), width // 10
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=SEAL_RED, width=max(3, width // 200))
    draw.regular_polygon((cx, cy, r // 3), 5, rotation=rng.randint(0, 71), fill=SEAL_RED)
    return page


def photograph(
    page: Image.Image,
    frame: tuple[int, int] = (2592, 1944),
    *,
    angle: float = 4.0,
    fill: float = 0.86,
    seed: int = 0,
) -> Image.Image:
    """The page as a document camera sees it: rotated by `angle` degrees on a dark base, lit unevenly."""
    rng = random.Random(seed)
    width, height = frame
    scale = fill * min(height / page.height, width / page.width)
    sheet = page.resize((round(page.width * scale), round(page.height * scale)), Image.Resampling.BILINEAR)
    mask = Image.new("L", sheet.size, 255)
    sheet = sheet.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=BASE)
    mask = mask.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
    shot = Image.new("RGB", frame, BASE)
    left = (width - sheet.width) // 2 + rng.randint(-width // 40, width // 40)
    top = (height - sheet.height) // 2 + rng.randint(-height // 60, height // 60)
    shot.paste(sheet, (left, top), mask)
    # A lamp on one side: brighter on the left, darker on the right.
    light = Image.linear_gradient("L").rotate(90).resize(frame).point(lambda v: 255 - v // 5)
    shot = Image.composite(shot, Image.new("RGB", frame, (0, 0, 0)), light)
    return shot.filter(ImageFilter.GaussianBlur(0.8))


def draw_portrait(
    size: tuple[int, int] = (1200, 1600), *, backdrop: tuple[int, int, int] = WHITE_BACKDROP
) -> Image.Image:
    """A head-and-shoulders figure, centred, on a plain backdrop."""
    width, height = size
    image = Image.new("RGB", size, backdrop)
    draw = ImageDraw.Draw(image)
    cx = width // 2
    head_w, head_h = width * 0.32, height * 0.31
    head_top = height * 0.14
    draw.ellipse((cx - width * 0.44, height * 0.57, cx + width * 0.44, height * 1.2), fill=(40, 44, 60))  # shoulders
    draw.rectangle(
        (cx - head_w * 0.24, head_top + head_h * 0.8, cx + head_w * 0.24, height * 0.62), fill=(214, 176, 148)
    )
    draw.ellipse((cx - head_w / 2, head_top, cx + head_w / 2, head_top + head_h), fill=(224, 188, 160))  # face
    draw.chord(
        (cx - head_w / 2 - 6, head_top - 10, cx + head_w / 2 + 6, head_top + head_h * 0.55), 180, 360, fill=(25, 22, 20)
    )
    for side in (-1, 1):  # eyes
        ex, ey = cx + side * head_w * 0.2, head_top + head_h * 0.48
        draw.ellipse((ex - 14, ey - 7, ex + 14, ey + 7), fill=(40, 30, 25))
    return image.filter(ImageFilter.GaussianBlur(1.2))


def to_jpeg(image: Image.Image, *, quality: int = 90, orientation: int | None = None) -> bytes:
    """Encode as a camera would, optionally with an EXIF orientation tag (6 = rotate 90° clockwise to view)."""
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, exif=exif.tobytes())
    return buffer.getvalue()
