"""Helpers for the table-structure tests: JSON fixtures, drawn grids, sample pages."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from budgetdoc.table_structure.grid import DetectedTable, segments_to_tables
from budgetdoc.table_structure.lines import Segment

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "datasets" / "samples"


def load_fixture(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def fixture_segments(fx: dict[str, Any], *, skew_deg: float = 0.0) -> tuple[list[Segment], list[Segment]]:
    """The fixture's segments, rotated by ``skew_deg`` about the page centre (as a skewed scan)."""
    cx, cy = fx["width"] / 2, fx["height"] / 2
    a = math.radians(skew_deg)
    c, s = math.cos(a), math.sin(a)

    def rot(x: float, y: float) -> tuple[float, float]:
        dx, dy = x - cx, y - cy
        return (cx + c * dx - s * dy, cy + s * dx + c * dy)

    def segs(items: list[list[float]], orient: str) -> list[Segment]:
        out = []
        for x0, y0, x1, y1 in items:
            (a0, b0), (a1, b1) = rot(x0, y0), rot(x1, y1)
            out.append(Segment(x0=a0, y0=b0, x1=a1, y1=b1, orientation=orient))  # type: ignore[arg-type]
        return out

    return segs(fx["horizontal"], "h"), segs(fx["vertical"], "v")


def fixture_tables(fx: dict[str, Any], *, skew_deg: float = 0.0) -> list[DetectedTable]:
    hs, vs = fixture_segments(fx, skew_deg=skew_deg)
    return segments_to_tables(hs, vs, width=fx["width"], height=fx["height"], dpi=fx["dpi"], skew_deg=skew_deg)


def draw_grid(xs: list[int], ys: list[int], *, size: tuple[int, int] = (800, 1000), ink: int = 20,
              paper: int = 245, thickness: int = 2, gaps: int = 0, seed: int = 0) -> np.ndarray:
    """A grey page (h, w) = ``size`` with a ruled grid; ``gaps`` > 0 cuts a gap that wide every 40 px."""
    h, w = size
    img = np.full((h, w), paper, np.uint8)
    for y in ys:
        cv2.line(img, (xs[0], y), (xs[-1], y), ink, thickness)
    for x in xs:
        cv2.line(img, (x, ys[0]), (x, ys[-1]), ink, thickness)
    if gaps:
        rng = np.random.default_rng(seed)
        for y in ys:
            for x in range(xs[0] + 17, xs[-1] - gaps, 40):
                x += int(rng.integers(0, 10))
                img[y - thickness:y + thickness + 1, x:x + gaps] = paper
    return img


def draw_text(img: np.ndarray, x: int, y: int, n: int, *, em: int = 28, ink: int = 20, seed: int = 0) -> None:
    """Scribble ``n`` CJK-like characters (strokes shorter than an em) from (x, y) = top-left."""
    rng = np.random.default_rng(seed)
    for i in range(n):
        x0 = x + i * (em + 3)
        for _ in range(6):
            if rng.random() < 0.5:
                yy = y + int(rng.integers(2, em - 2))
                cv2.line(img, (x0 + int(rng.integers(0, 6)), yy), (x0 + em - int(rng.integers(1, 6)), yy), ink, 2)
            else:
                xx = x0 + int(rng.integers(2, em - 2))
                cv2.line(img, (xx, y + int(rng.integers(0, 6))), (xx, y + em - int(rng.integers(1, 6))), ink, 2)


def rotate(img: np.ndarray, deg: float, paper: int = 245) -> np.ndarray:
    """Rotate about the centre by ``deg`` (OpenCV sense: counter-clockwise as displayed)."""
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), deg, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=paper)


def cell_tuples(table: DetectedTable) -> list[list[int]]:
    return [[c.row, c.col, c.row_span, c.col_span] for c in table.cells]
