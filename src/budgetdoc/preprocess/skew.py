"""Skew: the small angle by which a page's lines are turned (degrees, counter-clockwise as seen).

Method (no model): projection profiles. For a candidate angle θ the points are sheared back
(``y' = y + x·tan θ`` for rows, ``x' = x − y·tan θ`` for columns) and histogrammed with linear
binning (bins of 1 px, each pixel dithered within itself); the sum of squares of both histograms peaks when lines are exactly
horizontal/vertical. Two point sets are scored and their normalised scores added:

* the **ink** itself — ruling lines give very sharp, long peaks (tables);
* the **edges of the ink closed at ~0.7 glyph height** — each text line becomes a band whose top
  and bottom edges are straight, which pins down the angle on pages with a few lines of text and no
  rules (a cover, a narrative page), where the ink of CJK glyphs alone is ambiguous.

A coarse scan over ``±max_degrees`` (0.1° steps, half resolution) is followed by two finer scans at
full resolution (0.02°, 0.005°) and a parabolic fit around the best angle. On the labelled sample
set (85 office-scan and poor-scan pages, skews up to ±3°) the error is median ≈ 0.002°, max ≈ 0.05°
(``tests/preprocess/test_skew_samples.py``).

Rows and columns are scored together, so the estimate is the same for a page that is also turned by
a quarter turn (the skew is found modulo 90°): estimate the skew first, then the orientation.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from budgetdoc.preprocess._binarize import glyph_height, ink_mask, to_gray

MAX_POINTS = 160_000
MIN_INK_PIXELS = 200


def _points(mask: np.ndarray, rng: np.random.Generator, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixels of ``mask`` relative to the image centre (subsampled to ``max_points``), each moved
    by a fixed random offset within its own pixel.

    The dither matters for lines that are exactly straight: without it all their pixels share one
    sub-bin offset at 0°, and the linearly binned profile scores 0° lower than angles just beside
    it (a false double peak ±0.06° around 0° on a ruled page drawn without blur)."""
    ys, xs = np.nonzero(mask)
    if len(ys) > max_points:
        keep = rng.choice(len(ys), size=max_points, replace=False)
        ys, xs = ys[keep], xs[keep]
    cy, cx = mask.shape[0] / 2.0, mask.shape[1] / 2.0
    jy, jx = rng.random(len(ys)), rng.random(len(xs))
    return ys + jy - cy, xs + jx - cx


def _sharpness(v: np.ndarray, lo: float) -> float:
    """Sum of squares of a linearly binned histogram of ``v`` (bins of 1 px from ``lo``)."""
    u = v - lo
    i = np.floor(u).astype(np.int64)
    frac = u - i
    n = int(i.max()) + 2
    h = np.bincount(i, weights=1.0 - frac, minlength=n) + np.bincount(i + 1, weights=frac, minlength=n)
    return float(h @ h)


def _scores(pts: tuple[np.ndarray, np.ndarray], angles: np.ndarray) -> np.ndarray:
    ys, xs = pts
    if len(ys) == 0:
        return np.zeros(len(angles))
    span = float(np.abs(ys).max() + np.abs(xs).max()) + 2.0
    out = np.empty(len(angles))
    for k, a in enumerate(angles):
        t = math.tan(math.radians(a))
        out[k] = _sharpness(ys + xs * t, -span) + _sharpness(xs - ys * t, -span)
    return out


def _best(angles: np.ndarray, scores: np.ndarray) -> float:
    """The angle of the highest score, refined by a parabola through it and its neighbours."""
    k = int(np.argmax(scores))
    if 0 < k < len(angles) - 1:
        y0, y1, y2 = scores[k - 1], scores[k], scores[k + 1]
        den = y0 - 2 * y1 + y2
        if den < 0:
            step = angles[k + 1] - angles[k]
            return float(angles[k] + 0.5 * step * (y0 - y2) / den)
    return float(angles[k])


def _half(mask: np.ndarray) -> np.ndarray:
    h, w = mask.shape
    return cv2.resize(mask.astype(np.uint8), (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA) > 0


def _line_edges(mask: np.ndarray) -> np.ndarray:
    """Outline of the ink closed at ~0.7 glyph height: text lines become bands with straight edges."""
    k = max(3, round(0.7 * glyph_height(mask))) | 1
    m = mask.astype(np.uint8)
    blob = cv2.morphologyEx(m, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    return (blob - cv2.erode(blob, np.ones((3, 3), np.uint8))) > 0


def estimate_skew(image: np.ndarray, *, max_degrees: float = 5.0, seed: int = 0) -> float:
    """The page's skew in degrees, counter-clockwise as seen on the image (x right, y down).

    ``image`` is gray or RGB uint8. Deskewing means turning the image by the negative of this angle
    (:func:`budgetdoc.preprocess.make_upright` does it). Returns 0.0 for a page with too little ink
    to measure. Deterministic for a given ``seed`` (ink points are subsampled).
    """
    mask = ink_mask(to_gray(image))
    if int(mask.sum()) < MIN_INK_PIXELS:
        return 0.0
    edges = _line_edges(mask)
    rng = np.random.default_rng(seed)
    sets = [mask, edges]

    coarse = [_points(_half(m), rng, MAX_POINTS // 2) for m in sets]
    angles = np.arange(-max_degrees, max_degrees + 1e-9, 0.1)
    best = _combine(angles, [_scores(p, angles) for p in coarse], None)[0]

    fine = [_points(m, rng, MAX_POINTS) for m in sets]
    norms: list[float] | None = None
    for radius, step in ((0.12, 0.02), (0.025, 0.005)):
        angles = best + np.arange(-radius, radius + 1e-9, step)
        best, norms = _combine(angles, [_scores(p, angles) for p in fine], norms)
    return float(np.clip(best, -max_degrees, max_degrees))


def _combine(angles: np.ndarray, scores: list[np.ndarray], norms: list[float] | None) -> tuple[float, list[float]]:
    """Best angle of the sum of the score curves, each divided by its norm (default: its maximum)."""
    if norms is None:
        norms = [float(s.max()) if s.max() > 0 else 1.0 for s in scores]
    total = sum(s / n for s, n in zip(scores, norms))
    return _best(angles, total), norms
