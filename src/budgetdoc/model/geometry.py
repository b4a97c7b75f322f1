"""Geometry: one bounding-box type with an explicit origin and unit, and page transforms.

All boxes in the document model are in **PDF points (1/72 inch) of the upright page, origin top-left**.
A page image at ``dpi`` maps a box to pixels by ``scale = dpi / 72``. When the delivered image was
rotated or skewed (a scan, or a degraded synthetic page), :class:`PageTransform` records the affine map
from upright points to the delivered image's pixels, so boxes can be drawn on, or mapped back from,
the image a model actually sees.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

POINTS_PER_INCH = 72.0


class BoundingBox(BaseModel):
    """Axis-aligned box in upright-page points, origin top-left (``l < r``, ``t < b``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    l: float
    t: float
    r: float
    b: float

    @model_validator(mode="after")
    def _ordered(self) -> BoundingBox:
        if self.r < self.l or self.b < self.t:
            raise ValueError(f"box edges out of order: {self}")
        return self

    @property
    def width(self) -> float:
        return self.r - self.l

    @property
    def height(self) -> float:
        return self.b - self.t

    @property
    def area(self) -> float:
        return self.width * self.height

    @property
    def center(self) -> tuple[float, float]:
        return ((self.l + self.r) / 2, (self.t + self.b) / 2)

    def scaled(self, factor: float) -> BoundingBox:
        return BoundingBox(l=self.l * factor, t=self.t * factor, r=self.r * factor, b=self.b * factor)

    def to_pixels(self, dpi: float) -> tuple[float, float, float, float]:
        """``(l, t, r, b)`` in pixels of an upright raster at ``dpi``."""
        s = dpi / POINTS_PER_INCH
        return (self.l * s, self.t * s, self.r * s, self.b * s)

    @classmethod
    def from_pixels(cls, l: float, t: float, r: float, b: float, dpi: float) -> BoundingBox:
        s = POINTS_PER_INCH / dpi
        return cls(l=l * s, t=t * s, r=r * s, b=b * s)

    def union(self, other: BoundingBox) -> BoundingBox:
        return BoundingBox(
            l=min(self.l, other.l), t=min(self.t, other.t), r=max(self.r, other.r), b=max(self.b, other.b)
        )

    def intersection_area(self, other: BoundingBox) -> float:
        w = min(self.r, other.r) - max(self.l, other.l)
        h = min(self.b, other.b) - max(self.t, other.t)
        return max(0.0, w) * max(0.0, h)

    def contains_point(self, x: float, y: float) -> bool:
        return self.l <= x <= self.r and self.t <= y <= self.b


Matrix2x3 = Annotated[list[float], Field(min_length=6, max_length=6)]


class PageTransform(BaseModel):
    """Affine map from upright-page points to pixels of the delivered page image.

    ``matrix = [a, b, c, d, e, f]`` maps ``(x, y)`` to ``(a*x + b*y + c, d*x + e*y + f)``.
    ``rotation`` (0/90/180/270, counter-clockwise as seen on the image) and ``skew_degrees`` say how
    it was made; the matrix is what to use.
    """

    model_config = ConfigDict(extra="forbid")

    matrix: Matrix2x3
    rotation: int = Field(default=0, description="quarter-turn rotation applied to the page (degrees)")
    skew_degrees: float = Field(default=0.0, description="small skew applied after rotation (degrees)")

    @classmethod
    def identity_at(cls, dpi: float) -> PageTransform:
        s = dpi / POINTS_PER_INCH
        return cls(matrix=[s, 0.0, 0.0, 0.0, s, 0.0])

    def apply(self, x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = self.matrix
        return (a * x + b * y + c, d * x + e * y + f)

    def quad(self, box: BoundingBox) -> list[tuple[float, float]]:
        """The box's four corners (tl, tr, br, bl) in image pixels."""
        return [self.apply(x, y) for x, y in ((box.l, box.t), (box.r, box.t), (box.r, box.b), (box.l, box.b))]

    def pixel_bbox(self, box: BoundingBox) -> tuple[float, float, float, float]:
        """Axis-aligned pixel box around the mapped quad."""
        q = self.quad(box)
        xs = [p[0] for p in q]
        ys = [p[1] for p in q]
        return (min(xs), min(ys), max(xs), max(ys))

    def inverse_apply(self, u: float, v: float) -> tuple[float, float]:
        """Map an image pixel back to upright-page points."""
        a, b, c, d, e, f = self.matrix
        det = a * e - b * d
        if math.isclose(det, 0.0):
            raise ValueError("singular page transform")
        x = (e * (u - c) - b * (v - f)) / det
        y = (-d * (u - c) + a * (v - f)) / det
        return (x, y)
