"""Finding the sheet of paper in a document-camera picture, with Pillow and plain Python.

The paper is the largest bright region on the camera's dark base. On a small grey copy
of the picture: threshold at Otsu's level, open the mask to drop specks, label the bright
runs of each row into connected regions, take the largest, and fit the smallest rectangle
around its convex hull. That rectangle gives the page's corners and its tilt.

When the picture has no clear page (too little contrast, or no large bright region, as
with a flatbed scan that is all paper), there is nothing to crop and None is returned.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from PIL import Image, ImageFilter

# Grey levels between paper and base below which we do not trust the threshold.
MIN_CONTRAST = 50
# The page must cover this share of the picture, and fill this share of its rectangle.
MIN_PAGE_SHARE = 0.08
MIN_RECTANGULARITY = 0.6
BRIGHT_RUN = re.compile(rb"\xff+")

Point = tuple[float, float]


@dataclass(frozen=True)
class Page:
    """A rectangle in picture coordinates: corners upper-left, lower-left, lower-right, upper-right."""

    corners: tuple[Point, Point, Point, Point]
    width: float
    height: float
    # The page's tilt in degrees, within ±45: how far its top edge turns from horizontal.
    angle: float

    def scaled(self, factor_x: float, factor_y: float) -> Page:
        upper_left, lower_left, lower_right, upper_right = ((x * factor_x, y * factor_y) for x, y in self.corners)
        corners = (upper_left, lower_left, lower_right, upper_right)
        return Page(corners, self.width * factor_x, self.height * factor_y, self.angle)

    def inset(self, fraction: float) -> Page:
        """The same rectangle shrunk towards its centre by `fraction` of each side."""
        cx = sum(x for x, _ in self.corners) / 4
        cy = sum(y for _, y in self.corners) / 4
        keep = 1 - 2 * fraction
        upper_left, lower_left, lower_right, upper_right = (
            (cx + (x - cx) * keep, cy + (y - cy) * keep) for x, y in self.corners
        )
        corners = (upper_left, lower_left, lower_right, upper_right)
        return Page(corners, self.width * keep, self.height * keep, self.angle)


def find_page(gray: Image.Image) -> Page | None:
    """The page in a small greyscale ("L") picture, or None when there is no clear page."""
    if gray.mode != "L":
        raise ValueError("find_page needs a greyscale image")
    histogram = gray.histogram()
    threshold, contrast = otsu(histogram)
    if contrast < MIN_CONTRAST:
        return None
    mask = gray.point(lambda value: 255 if value > threshold else 0)
    mask = _dilate(_erode(mask))
    width, height = mask.size
    rows, area = _largest_region(mask.tobytes(), width, height)
    if area < MIN_PAGE_SHARE * width * height:
        return None
    page = _min_area_rectangle(_convex_hull(_outline(rows)))
    if page.width * page.height == 0 or area / (page.width * page.height) < MIN_RECTANGULARITY:
        return None
    return page


# A 3×3 box mean of a 0/255 mask is 255 only when all nine are bright, and above 0 when any is.
_ALL_BRIGHT = [255 if value == 255 else 0 for value in range(256)]
_ANY_BRIGHT = [255 if value > 0 else 0 for value in range(256)]


def _erode(mask: Image.Image) -> Image.Image:
    """MinFilter(3) of a 0/255 mask (edges repeated, as Pillow's), through a box mean: three times quicker."""
    return mask.filter(ImageFilter.BoxBlur(1)).point(_ALL_BRIGHT)


def _dilate(mask: Image.Image) -> Image.Image:
    """MaxFilter(3) of a 0/255 mask, the same way."""
    return mask.filter(ImageFilter.BoxBlur(1)).point(_ANY_BRIGHT)


def otsu(histogram: list[int]) -> tuple[int, float]:
    """Otsu's threshold of a 256-bin histogram, and the gap between the two class means."""
    total = sum(histogram)
    weighted_total = sum(level * count for level, count in enumerate(histogram))
    below = weighted_below = 0
    best, best_threshold, gap = -1.0, 127, 0.0
    for level in range(256):
        below += histogram[level]
        weighted_below += level * histogram[level]
        above = total - below
        if below == 0 or above == 0:
            continue
        mean_below = weighted_below / below
        mean_above = (weighted_total - weighted_below) / above
        between = below * above * (mean_above - mean_below) ** 2
        if between > best:
            best, best_threshold, gap = between, level, mean_above - mean_below
    return best_threshold, gap


def _largest_region(mask: bytes, width: int, height: int) -> tuple[dict[int, tuple[int, int]], int]:
    """The largest 4-connected bright region: its leftmost and rightmost edge per row, and its area."""
    parent: list[int] = []
    areas: list[int] = []

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    runs_by_row: list[list[tuple[int, int, int]]] = []
    previous: list[tuple[int, int, int]] = []
    for y in range(height):
        current = []
        first = 0
        for match in BRIGHT_RUN.finditer(mask, y * width, (y + 1) * width):
            start, end = match.start() - y * width, match.end() - y * width
            node = len(parent)
            parent.append(node)
            areas.append(end - start)
            while first < len(previous) and previous[first][1] <= start:
                first += 1
            above = first
            while above < len(previous) and previous[above][0] < end:
                a, b = root(node), root(previous[above][2])
                if a != b:
                    parent[b] = a
                    areas[a] += areas[b]
                above += 1
            current.append((start, end, node))
        runs_by_row.append(current)
        previous = current
    if not parent:
        return {}, 0
    best = max((node for node in range(len(parent)) if parent[node] == node), key=areas.__getitem__)
    outline: dict[int, tuple[int, int]] = {}
    for y, runs in enumerate(runs_by_row):
        mine = [(start, end) for start, end, node in runs if root(node) == best]
        if mine:
            outline[y] = (mine[0][0], mine[-1][1])
    return outline, areas[best]


def _outline(rows: dict[int, tuple[int, int]]) -> list[Point]:
    """Pixel-edge corners of each row's extent: the region's outline, for the hull."""
    points: list[Point] = []
    for y, (left, right) in rows.items():
        points += [(left, y), (left, y + 1), (right, y), (right, y + 1)]
    return points


def _convex_hull(points: list[Point]) -> list[Point]:
    """Andrew's monotone chain, counter-clockwise, without repeated points."""
    ordered = sorted(set(points))
    if len(ordered) < 3:
        return ordered

    def cross(o: Point, a: Point, b: Point) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[Point] = []
    for point in ordered:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], point) <= 0:
            lower.pop()
        lower.append(point)
    upper: list[Point] = []
    for point in reversed(ordered):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], point) <= 0:
            upper.pop()
        upper.append(point)
    return lower[:-1] + upper[:-1]


def _extent(points: list[Point], ux: float, uy: float) -> tuple[float, float, float, float]:
    """Min and max of the points along axis u and along v, u turned 90° (towards +y)."""
    along = [x * ux + y * uy for x, y in points]
    across = [-x * uy + y * ux for x, y in points]
    return min(along), max(along), min(across), max(across)


def _min_area_rectangle(hull: list[Point]) -> Page:
    """The smallest rectangle around a convex polygon has one side on one of its edges."""
    best_area, best_angle = math.inf, 0.0
    for (x0, y0), (x1, y1) in zip(hull, hull[1:] + hull[:1], strict=True):
        length = math.hypot(x1 - x0, y1 - y0)
        if length == 0:
            continue
        a0, a1, b0, b1 = _extent(hull, (x1 - x0) / length, (y1 - y0) / length)
        if (a1 - a0) * (b1 - b0) < best_area:
            best_area, best_angle = (a1 - a0) * (b1 - b0), math.degrees(math.atan2(y1 - y0, x1 - x0))
    # Of the rectangle's four side directions, the one nearest horizontal is the page's top.
    angle = (best_angle + 45) % 90 - 45
    ux, uy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    a0, a1, b0, b1 = _extent(hull, ux, uy) if hull else (0.0, 0.0, 0.0, 0.0)

    def point(a: float, b: float) -> Point:
        return (a * ux - b * uy, a * uy + b * ux)

    corners = (point(a0, b0), point(a0, b1), point(a1, b1), point(a1, b0))
    return Page(corners, a1 - a0, b1 - b0, angle)
