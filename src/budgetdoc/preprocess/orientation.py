"""Orientation: how many counter-clockwise quarter turns a page image shows (0, 1, 2, 3).

No model is used. Two questions are answered separately:

1. **Which way do the text lines run** (0/180 vs 90/270)? Ruling lines are removed, then the text
   ink is closed along x with a gap of 0.4 glyph height and, separately, along y. Text lines become
   long thin bands along their own direction only (line spacing is wider than the gaps between
   glyphs), so the total length of long thin bands along x vs along y decides. On the sample set
   this separates every page, with a margin (``axis_score``, a log ratio) of at least 0.6.

2. **Which way up** (0 vs 180)? CJK glyphs look much the same upside down, so two weaker cues are
   used, in order:

   * **decimal points and thousands commas** — budget tables are full of amounts like
     ``28,849.38``. A small isolated blob between two glyphs whose tops and bottoms line up (digits)
     sits at the baseline when the page is upright (relative height 0.8–1.1 of the digit band) and
     at the top when it is upside down (−0.1–0.2). Votes in those two windows are counted; a side
     wins with at least 3 votes and twice the other side's.
   * **layout** — when no amounts decide: disclosures start at the top (title, unit line, table
     header), and a short page leaves white space at the bottom. The page is turned 180° only when
     the text ink's vertical centroid lies below 0.6 of the page height; otherwise it is left as is
     (most pages arrive upright, so the prior is "upright").

   Or the caller decides: pass ``score(image) -> float`` (e.g. the mean confidence of an OCR engine
   on the image, higher is better) and the two candidates of step 2 are scored by it instead.

Honest limits: the thresholds were chosen on the labelled sample set (there is no held-out set), so
its accuracy figures are optimistic. A page without amounts whose content is evenly spread (a full
narrative page) falls back to "upright" whatever its real orientation; use ``score`` for those.
The ``confidence`` is a heuristic in [0, 1], not a calibrated probability.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, NamedTuple

import cv2
import numpy as np

from budgetdoc.preprocess._binarize import glyph_height, ink_mask, to_gray

MIN_TEXT_PIXELS = 300
LINE_GAP = 0.4  # closing gap, in glyph heights, that joins glyphs of a line but not lines
UPRIGHT_WINDOW = (0.8, 1.1)  # decimal point / comma centre, relative to the digit band (0 = top)
FLIPPED_WINDOW = (1.0 - UPRIGHT_WINDOW[1], 1.0 - UPRIGHT_WINDOW[0])
MIN_VOTES = 3
VOTE_RATIO = 2.0
LAYOUT_FLIP_CENTROID = 0.6


class Orientation(NamedTuple):
    """``quarter_turns``: counter-clockwise quarter turns the image shows (turn it clockwise by as
    many to make it upright); ``confidence`` in [0, 1] (heuristic)."""

    quarter_turns: int
    confidence: float


@dataclass(frozen=True)
class OrientationEvidence:
    """What :func:`estimate_orientation` measured, for reports and debugging."""

    axis_score: float  # log(length of text bands along x / along y); > 0: lines run along x
    votes_upright: int  # decimal points at the baseline of the horizontal-text candidate
    votes_flipped: int  # decimal points at the top
    ink_centroid: float  # vertical centroid of text ink on the horizontal-text candidate (0 top, 1 bottom)
    glyph_height: float
    decided_by: Literal["decimals", "layout", "score", "blank"]
    orientation: Orientation


# ------------------------------------------------------------------------------------------- masks


def text_mask(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """Ink without ruling lines (uint8 0/1), and the glyph height in px."""
    ink = ink_mask(gray, min_contrast=30.0, otsu_factor=0.5).astype(np.uint8)
    gh = glyph_height(ink)
    length = max(15, int(4 * gh))
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    rules |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    rules = cv2.dilate(rules, np.ones((3, 3), np.uint8))
    return ink & (1 - rules), gh


def _band_length(text: np.ndarray, gh: float) -> float:
    """Total length of long thin bands along x after closing gaps of ``LINE_GAP`` glyph heights."""
    gap = max(3, round(LINE_GAP * gh))
    closed = cv2.morphologyEx(text, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 1)))
    _, _, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    w = stats[1:, cv2.CC_STAT_WIDTH].astype(np.float64)
    h = stats[1:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    sel = (w >= 2.5 * h) & (h <= 2.0 * gh) & (h >= 0.4 * gh)
    return float(w[sel].sum())


def axis_score(text: np.ndarray, gh: float) -> float:
    """> 0 when text lines run along x, < 0 when along y (log ratio of band lengths)."""
    along_x = _band_length(text, gh)
    along_y = _band_length(np.ascontiguousarray(text.T), gh)
    return math.log((along_x + 5 * gh) / (along_y + 5 * gh))


# ----------------------------------------------------------------------------------- decimal votes


def decimal_positions(text: np.ndarray, gh: float) -> np.ndarray:
    """Relative heights (0 = top, 1 = bottom of the digit band) of isolated small blobs that sit
    in the gap between two aligned glyphs — decimal points and thousands commas of amounts."""
    _, _, st, _ = cv2.connectedComponentsWithStats(text, connectivity=8)
    x, y, w, h, a = (st[1:, i].astype(np.float64) for i in range(5))
    x1, y1 = x + w, y + h
    glyph = (h >= 0.45 * gh) & (h <= 2.0 * gh) & (w <= 1.2 * gh) & (w >= 0.1 * gh)
    size = np.maximum(w, h)
    dot = (size <= 0.4 * gh) & (size >= max(2.0, 0.1 * gh)) & (a >= 0.35 * w * h) & (w <= 3 * h) & (h <= 3 * w)
    gi = np.nonzero(glyph)[0]
    di = np.nonzero(dot)[0]
    dcx, dcy = (x + x1) / 2, (y + y1) / 2
    out: list[float] = []
    for d in di:
        band = gi[(y[gi] <= y1[d] + 0.35 * gh) & (y1[gi] >= y[d] - 0.35 * gh)]
        left = band[(x1[band] <= x[d] + 0.5) & (x[d] - x1[band] <= 0.8 * gh)]
        right = band[(x[band] >= x1[d] - 0.5) & (x[band] - x1[d] <= 0.8 * gh)]
        if len(left) == 0 or len(right) == 0:
            continue
        lo = left[np.argmax(x1[left])]
        ro = right[np.argmin(x[right])]
        if max(w[lo] / h[lo], w[ro] / h[ro]) < 0.45:
            continue  # two bare strokes (CJK radicals, e.g. the dot of 门), not digits
        tol = 0.1 * max(h[lo], h[ro])
        if abs(y[lo] - y[ro]) > tol or abs(y1[lo] - y1[ro]) > tol:
            continue  # neighbours not aligned top and bottom: not digits
        top, bot = (y[lo] + y[ro]) / 2, (y1[lo] + y1[ro]) / 2
        hh = bot - top
        over = (x < x1[d]) & (x1 > x[d]) & (y < bot + 0.2 * hh) & (y1 > top - 0.2 * hh)
        over[d] = False
        if over.any():
            continue  # ink above or below it in the line: part of a glyph (a CJK dot stroke)
        pair = (np.abs(dcx[di] - dcx[d]) <= 0.5 * gh) & (np.abs(dcy[di] - dcy[d]) <= 0.5 * gh)
        if pair.sum() > 1:
            continue  # quote marks and other paired dots
        out.append(float((dcy[d] - top) / hh))
    return np.array(out)


def _votes(pos: np.ndarray) -> tuple[int, int]:
    up = int(((pos >= UPRIGHT_WINDOW[0]) & (pos <= UPRIGHT_WINDOW[1])).sum())
    down = int(((pos >= FLIPPED_WINDOW[0]) & (pos <= FLIPPED_WINDOW[1])).sum())
    return up, down


# ------------------------------------------------------------------------------------------- public


def orientation_evidence(image: np.ndarray, *, score: Callable[[np.ndarray], float] | None = None
                         ) -> OrientationEvidence:
    """Measure the cues and decide; :func:`estimate_orientation` returns just the decision."""
    text, gh = text_mask(to_gray(image))
    if int(text.sum()) < MIN_TEXT_PIXELS:
        return OrientationEvidence(0.0, 0, 0, 0.5, gh, "blank", Orientation(0, 0.0))
    ax = axis_score(text, gh)
    axis_conf = 1.0 - math.exp(-abs(ax) / 0.3)
    base = 0 if ax >= 0 else 1  # quarter turns if the horizontal-text candidate is upright
    horiz = text if base == 0 else np.ascontiguousarray(np.rot90(text, -1))
    up, down = _votes(decimal_positions(horiz, gh))
    rows = np.nonzero(horiz)[0]
    centroid = float(rows.mean() + 0.5) / horiz.shape[0]

    if score is not None:
        cand = np.ascontiguousarray(np.rot90(image, -base))
        s_up, s_down = float(score(cand)), float(score(np.ascontiguousarray(np.rot90(cand, 2))))
        flipped = s_down > s_up
        flip_conf = min(1.0, abs(s_up - s_down) / max(abs(s_up), abs(s_down), 1e-9))
        how: Literal["decimals", "layout", "score", "blank"] = "score"
    elif max(up, down) >= MIN_VOTES and max(up, down) >= VOTE_RATIO * min(up, down):
        flipped = down > up
        flip_conf = 1.0 - 0.5 ** (abs(up - down))
        how = "decimals"
    else:
        flipped = centroid > LAYOUT_FLIP_CENTROID
        flip_conf = min(0.5, 0.2 + abs(centroid - 0.5))
        how = "layout"
    q = (base + (2 if flipped else 0)) % 4
    conf = round(axis_conf * flip_conf, 4)
    return OrientationEvidence(ax, up, down, centroid, gh, how, Orientation(q, conf))


def estimate_orientation(image: np.ndarray, *, score: Callable[[np.ndarray], float] | None = None
                         ) -> Orientation:
    """Counter-clockwise quarter turns (0-3) the page image shows, and a heuristic confidence.

    ``image``: gray or RGB uint8, deskewed or with a small skew (a few degrees). ``score``: optional
    callback rating an image as upright text (higher is better, e.g. OCR confidence); it is called
    on the two candidates that remain once the line direction is known (so twice), and decides
    0° vs 180°. Without it the decision uses decimal points, then layout (see the module doc).
    A page with almost no ink returns ``(0, 0.0)``.
    """
    return orientation_evidence(image, score=score).orientation
