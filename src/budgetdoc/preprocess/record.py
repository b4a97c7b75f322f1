"""The typed record of a preprocessing step: how the upright image relates to the input image.

Pixel coordinates are continuous, origin at the top-left corner of the image, pixel ``i`` spanning
``[i, i+1)`` (so the centre of pixel (0, 0) is (0.5, 0.5)) — the convention of
:class:`budgetdoc.model.geometry.PageTransform` and of the label quads.

The input image shows the upright page turned counter-clockwise (as seen) by ``quarter_turns`` × 90°
and then by ``skew_degrees`` — the same convention as ``PageTransform.rotation`` /
``PageTransform.skew_degrees`` of the sample labels, so for a sample page the ideal record has
``quarter_turns == transform.rotation // 90`` and ``skew_degrees == transform.skew_degrees``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from budgetdoc.model.geometry import Matrix2x3, PageTransform

Canvas = Literal["expand", "same", "fit"]
Point = tuple[float, float]
PixelBox = tuple[float, float, float, float]


def turn_matrix(quarter_turns: int, skew_degrees: float) -> np.ndarray:
    """2x2 matrix turning image vectors (x right, y down) counter-clockwise as seen, by
    ``quarter_turns`` × 90° (exact) and then ``skew_degrees``."""
    q = {0: (1, 0), 1: (0, 1), 2: (-1, 0), 3: (0, -1)}[quarter_turns % 4]
    qm = np.array([[q[0], q[1]], [-q[1], q[0]]], dtype=np.float64)
    if skew_degrees == 0.0:
        return qm
    t = math.radians(skew_degrees)
    c, s = math.cos(t), math.sin(t)
    return np.array([[c, s], [-s, c]], dtype=np.float64) @ qm


def _apply(m: Sequence[float], x: float, y: float) -> Point:
    a, b, c, d, e, f = m
    return (a * x + b * y + c, d * x + e * y + f)


def _invert(m: Sequence[float]) -> list[float]:
    a, b, c, d, e, f = m
    det = a * e - b * d
    if math.isclose(det, 0.0, abs_tol=1e-15):
        raise ValueError("singular affine matrix")
    ia, ib, id_, ie = e / det, -b / det, -d / det, a / det
    return [ia, ib, -(ia * c + ib * f), id_, ie, -(id_ * c + ie * f)]


def _compose(outer: Sequence[float], inner: Sequence[float]) -> list[float]:
    """``outer ∘ inner`` (apply ``inner`` first)."""
    a1, b1, c1, d1, e1, f1 = outer
    a2, b2, c2, d2, e2, f2 = inner
    return [a1 * a2 + b1 * d2, a1 * b2 + b1 * e2, a1 * c2 + b1 * f2 + c1,
            d1 * a2 + e1 * d2, d1 * b2 + e1 * e2, d1 * c2 + e1 * f2 + f1]


class PreprocessRecord(BaseModel):
    """What preprocessing did to one page image, with the maps between its two images.

    ``to_input`` maps upright-image pixels to input-image pixels; ``to_upright`` is its inverse
    (both ``[a, b, c, d, e, f]``: ``(x, y) -> (a·x + b·y + c, d·x + e·y + f)``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    quarter_turns: int = Field(ge=0, le=3, description="counter-clockwise quarter turns the input shows")
    skew_degrees: float = Field(description="counter-clockwise skew the input shows, removed (degrees)")
    input_size: tuple[int, int] = Field(description="(width, height) of the input image, pixels")
    upright_size: tuple[int, int] = Field(description="(width, height) of the upright image, pixels")
    canvas: Canvas = "expand"
    to_input: Matrix2x3
    to_upright: Matrix2x3
    orientation_confidence: float | None = Field(
        default=None, ge=0.0, le=1.0, description="confidence of the estimated quarter turns, when estimated"
    )
    skew_estimated: float | None = Field(
        default=None, description="skew estimate before the min-skew threshold (degrees), when estimated"
    )

    # -------------------------------------------------------------------------------------- build

    @classmethod
    def build(cls, input_size: tuple[int, int], *, quarter_turns: int = 0, skew_degrees: float = 0.0,
              canvas: Canvas = "expand", orientation_confidence: float | None = None,
              skew_estimated: float | None = None) -> PreprocessRecord:
        """The record for turning an input of ``input_size`` upright.

        ``canvas`` chooses the upright image's size: ``expand`` keeps every input pixel (the canvas
        holds the whole turned input); ``same`` keeps the input's size (width and height swapped
        for an odd number of quarter turns), turning about the centre; ``fit`` solves for the page
        that, turned by the skew, has the input as its bounding box (exact for scans and samples
        whose canvas grew to hold the turned page; falls back to ``same`` when ill-posed).
        """
        q = int(quarter_turns) % 4
        a = turn_matrix(q, float(skew_degrees))  # upright vectors -> input vectors
        w_in, h_in = int(input_size[0]), int(input_size[1])
        ainv = np.linalg.inv(a)
        c_in = np.array([w_in / 2.0, h_in / 2.0])
        if canvas == "expand":
            corners = ainv @ np.array([[0.0, w_in, w_in, 0.0], [0.0, 0.0, h_in, h_in]])
            lo, hi = corners.min(axis=1), corners.max(axis=1)
            size = (max(1, math.ceil(hi[0] - lo[0] - 1e-6)), max(1, math.ceil(hi[1] - lo[1] - 1e-6)))
        else:
            size = (h_in, w_in) if q % 2 else (w_in, h_in)
            if canvas == "fit":
                size = _fit_size(a, w_in, h_in) or size
        c_out = np.array([size[0] / 2.0, size[1] / 2.0])
        t = c_in - a @ c_out  # centres coincide
        to_input = [float(a[0, 0]), float(a[0, 1]), float(t[0]), float(a[1, 0]), float(a[1, 1]), float(t[1])]
        to_input = [0.0 if abs(v) < 1e-12 else v for v in to_input]
        return cls(quarter_turns=q, skew_degrees=float(skew_degrees), input_size=(w_in, h_in), upright_size=size,
                   canvas=canvas, to_input=to_input, to_upright=_invert(to_input),
                   orientation_confidence=orientation_confidence, skew_estimated=skew_estimated)

    @classmethod
    def identity(cls, input_size: tuple[int, int]) -> PreprocessRecord:
        return cls.build(input_size)

    # ---------------------------------------------------------------------------------- mapping

    def point_to_input(self, x: float, y: float) -> Point:
        """Upright-image pixel -> input-image pixel."""
        return _apply(self.to_input, x, y)

    def point_to_upright(self, u: float, v: float) -> Point:
        """Input-image pixel -> upright-image pixel."""
        return _apply(self.to_upright, u, v)

    def points_to_input(self, pts: np.ndarray) -> np.ndarray:
        """``(N, 2)`` upright pixels -> ``(N, 2)`` input pixels."""
        return _apply_many(self.to_input, pts)

    def points_to_upright(self, pts: np.ndarray) -> np.ndarray:
        """``(N, 2)`` input pixels -> ``(N, 2)`` upright pixels."""
        return _apply_many(self.to_upright, pts)

    def quad_to_input(self, box: PixelBox) -> list[Point]:
        """An upright-image box ``(l, t, r, b)`` -> its corners (tl, tr, br, bl) on the input image."""
        l, t, r, b = box
        return [self.point_to_input(x, y) for x, y in ((l, t), (r, t), (r, b), (l, b))]

    def box_to_input(self, box: PixelBox) -> PixelBox:
        """Axis-aligned input-image box around an upright-image box."""
        return bbox_of(self.quad_to_input(box))

    def quad_to_upright(self, quad: Sequence[Point]) -> list[Point]:
        """Input-image points (e.g. a label quad) -> upright-image points."""
        return [self.point_to_upright(u, v) for u, v in quad]

    def box_to_upright(self, box: PixelBox) -> PixelBox:
        """Axis-aligned upright-image box around an input-image box ``(l, t, r, b)``."""
        l, t, r, b = box
        return bbox_of(self.quad_to_upright(((l, t), (r, t), (r, b), (l, b))))

    # -------------------------------------------------------------------------- page transforms

    def input_transform(self, upright: PageTransform) -> PageTransform:
        """Given upright points -> upright-image pixels, the map upright points -> input pixels."""
        return PageTransform(matrix=_compose(self.to_input, upright.matrix),
                             rotation=(upright.rotation + 90 * self.quarter_turns) % 360,
                             skew_degrees=upright.skew_degrees + self.skew_degrees)

    def upright_transform(self, input_: PageTransform) -> PageTransform:
        """Given upright points -> input pixels (e.g. a label's transform), the map to upright pixels."""
        return PageTransform(matrix=_compose(self.to_upright, input_.matrix),
                             rotation=(input_.rotation - 90 * self.quarter_turns) % 360,
                             skew_degrees=input_.skew_degrees - self.skew_degrees)


def _apply_many(m: Sequence[float], pts: np.ndarray) -> np.ndarray:
    p = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
    a, b, c, d, e, f = m
    return np.stack([a * p[:, 0] + b * p[:, 1] + c, d * p[:, 0] + e * p[:, 1] + f], axis=1)


def bbox_of(quad: Sequence[Point]) -> PixelBox:
    """``(l, t, r, b)`` around some points (e.g. a quad mapped by a record)."""
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    return (min(xs), min(ys), max(xs), max(ys))


def _fit_size(a: np.ndarray, w_in: int, h_in: int) -> tuple[int, int] | None:
    """(w, h) of the upright page whose turned bounding box is ``w_in`` x ``h_in``, or None."""
    m = np.abs(a)  # |a| @ (w, h) = (w_in, h_in)
    det = float(np.linalg.det(m))
    if abs(det) < 0.5:  # near 45°: no unique answer
        return None
    w, h = np.linalg.solve(m, np.array([float(w_in), float(h_in)]))
    if w < 1 or h < 1:
        return None
    return (round(w), round(h))
