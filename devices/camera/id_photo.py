"""ID-photo mode: a head-and-shoulders picture becomes a 358×441 JPEG (26×32 mm at 350 dpi).

The backdrop colour is read from the top corners. The person is whatever differs from
it; the crop puts the top of the head a little below the upper edge (about 14 of 441
pixels, as the 身份证 photo rules ask), is centred on the head, and reaches as far down
as the picture allows in the 26:32 proportion. ID cards need a white backdrop, so a
backdrop that is not near-white gives a warning in the result (the job still succeeds:
other certificates use blue or red).
"""

from __future__ import annotations

from PIL import Image, ImageChops, ImageFilter, ImageStat

from devices.camera.imaging import Processed, encode_jpeg, open_image

SIZE = (358, 441)
DPI = 350
QUALITY = 92
HEAD_MARGIN = 14 / 441
# Side of each top corner sampled for the backdrop, as a share of the picture width.
CORNER_SHARE = 0.08
# How far (0-255, summed over RGB) a pixel must differ from the backdrop to be the person.
SUBJECT_DIFFERENCE = 60
# Near-white: every channel at least this bright, and the channels this close together.
WHITE_FLOOR = 215
WHITE_TINT = 25
ANALYSIS_SIDE = 320


def process_id_photo(data: bytes) -> Processed:
    image = open_image(data)
    warnings: list[str] = []
    backdrop = backdrop_colour(image)
    subject = _subject_box(image, backdrop)
    if subject is None:
        warnings.append("no person stands out from the backdrop; the photo was cropped from the centre")
        box = _crop_box(image.size, head_top=None, centre_x=image.width / 2)
    else:
        left, top, right, _ = subject
        box = _crop_box(image.size, head_top=top, centre_x=(left + right) / 2)
    photo = image.resize(SIZE, Image.Resampling.LANCZOS, box=box)
    final_backdrop = backdrop_colour(photo)
    if not is_near_white(final_backdrop):
        red, green, blue = (round(channel) for channel in final_backdrop)
        warnings.append(
            f"backdrop is not near-white (average colour #{red:02X}{green:02X}{blue:02X}); ID cards need a white backdrop"
        )
    return Processed(encode_jpeg(photo, quality=QUALITY, dpi=DPI), SIZE[0], SIZE[1], warnings)


def backdrop_colour(image: Image.Image) -> tuple[float, float, float]:
    """The average colour of the two top corners, where only the backdrop should be."""
    side = max(1, round(image.width * CORNER_SHARE))
    corners = [image.crop((0, 0, side, side)), image.crop((image.width - side, 0, image.width, side))]
    (red_1, green_1, blue_1), (red_2, green_2, blue_2) = (ImageStat.Stat(corner).mean for corner in corners)
    return (red_1 + red_2) / 2, (green_1 + green_2) / 2, (blue_1 + blue_2) / 2


def is_near_white(colour: tuple[float, float, float]) -> bool:
    return min(colour) >= WHITE_FLOOR and max(colour) - min(colour) <= WHITE_TINT


def _subject_box(image: Image.Image, backdrop: tuple[float, float, float]) -> tuple[float, float, float, float] | None:
    """Where the person is: the box of the pixels unlike the backdrop, in picture coordinates."""
    scale = max(1, max(image.size) // ANALYSIS_SIDE)
    small = image.reduce(scale) if scale > 1 else image
    plain = Image.new("RGB", small.size, tuple(round(channel) for channel in backdrop))
    difference = ImageChops.difference(small, plain).convert("L", (1, 1, 1, 0))
    mask = difference.point(lambda value: 255 if value > SUBJECT_DIFFERENCE else 0)
    box = mask.filter(ImageFilter.MinFilter(3)).filter(ImageFilter.MaxFilter(3)).getbbox()
    if box is None:
        return None
    factor_x, factor_y = image.width / small.width, image.height / small.height
    return box[0] * factor_x, box[1] * factor_y, box[2] * factor_x, box[3] * factor_y


def _crop_box(size: tuple[int, int], *, head_top: float | None, centre_x: float) -> tuple[float, float, float, float]:
    """The largest 26:32 box with the head just below its top edge, centred on the head.

    Without a head, the box is centred in the picture.
    """
    width, height = size
    ratio = SIZE[0] / SIZE[1]
    if head_top is None:
        box_height = min(height, width / ratio)
        top = (height - box_height) / 2
    else:
        # As tall as possible, while the margin above the head stays exact and the box ends inside the picture.
        box_height = min(height, width / ratio, (height - head_top) / (1 - HEAD_MARGIN))
        top = min(max(0.0, head_top - HEAD_MARGIN * box_height), height - box_height)
    box_width = box_height * ratio
    left = max(0.0, min(centre_x - box_width / 2, width - box_width))
    return left, top, left + box_width, top + box_height
