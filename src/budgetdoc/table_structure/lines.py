"""Ruling lines of a page image: skew → darkness → rank openings → pieces → joined segments.

Coordinates are **pixels of the image given** (origin top-left, x right, y down; pixel i covers
[i, i + 1)). A slightly skewed page (a scan, up to a few degrees) keeps its skew in the segments
returned: every :class:`Segment` has both ends in image pixels, and :class:`LineSet` records the
skew measured and so the rotation that makes the rules axis-parallel (the *upright frame* the grid
stage works in).

The steps (sizes in points, 1/72 inch, converted with the page's ``dpi``):

1. **Skew** (unless given): binarise with a local-mean adaptive threshold, open with short
   horizontal and vertical kernels, fit each long component by its second moments and take the
   length²-weighted median angle. Horizontal rules give the angle directly, vertical rules with the
   sign turned (a rotation by φ takes direction (0, 1) to (−sin φ, cos φ)).
2. **Deskew the grey page** (when |skew| ≥ ``deskew_min_deg``) about its centre, on a padded canvas
   so corners are not lost.
3. **Darkness and rule masks** (:func:`line_masks`): black-hat darkness, smoothed along each
   direction; a pixel is *thin-dark* when it is darker than ``weak_ink`` and markedly lighter
   ``isolation_near_pt`` or ``isolation_pt`` away on both sides across the rule (a rule is a thin
   band; character strokes mostly have ink beside them). A *rank opening* keeps the windows of
   ``min_length_pt`` along the rule that are at least ``min_fill`` thin-dark: a broken or faint,
   noisy rule passes, character strokes are too short and text rows too gappy.
4. **Pieces**: connected components of each mask, with their extent along the rule and their
   centre line; components thicker than ``max_thickness_pt`` (bars, blots) are dropped.
5. **Join** collinear pieces (centre lines within ``join_offset_pt``) across gaps up to
   ``join_gap_pt``; **snap** each end onto a perpendicular rule passing within ``bridge_tol_pt``
   (the darkness test stops a rule just short of a rule it meets). Then guard against text: a
   segment shorter than ``crossing_check_pt`` must not be *crossed* by a stroke between the rules
   it meets (the aligned strokes of 十 in consecutive rows, joined up, are crossed by their other
   strokes) and must be thin-dark along ``min_thin`` of its interior; one shorter than
   ``min_segment_pt`` is kept only as a *bridge*: both ends on long perpendicular rules and
   thin-dark along ``bridge_min_thin`` of its interior (the short verticals of a one-line header
   row, the rules of a narrow column — not a title's strokes, nor two text lines' aligned strokes,
   which leave the line gap).
6. Map the ends back to the image.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Literal, NamedTuple

import cv2
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "LineOptions",
    "LineSet",
    "Segment",
    "binarize",
    "detect_lines",
    "estimate_skew",
    "join_segments",
    "line_masks",
]

Orientation = Literal["h", "v"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LineOptions(_Frozen):
    """Options of the ruling-line detector (lengths in points, 1/72 inch)."""

    kind: Literal["rank_morphology"] = "rank_morphology"
    threshold_block_pt: float = Field(default=14.0, gt=0, description="adaptive-threshold window (skew estimate)")
    threshold_c: float = Field(default=10.0, description="ink is this much darker than the local mean (skew estimate)")
    skew_kernel_pt: float = Field(default=9.0, gt=0, description="opening length for the skew estimate")
    max_skew_deg: float = Field(default=4.0, ge=0, description="skews beyond this are not corrected")
    deskew_min_deg: float = Field(default=0.05, ge=0, description="skews below this are left alone")
    blackhat_pt: float = Field(default=6.0, gt=0, description="darkness is measured against a closing this wide")
    smooth_pt: float = Field(default=2.0, gt=0, description="darkness is smoothed this far along a rule")
    weak_ink: float = Field(default=6.0, gt=0, description="grey levels darker than the paper that may be a rule")
    isolation_pt: float = Field(default=2.5, gt=0,
                                description="across a rule, this far away on both sides it is markedly lighter")
    isolation_near_pt: float = Field(default=1.0, gt=0, description="… or this far (text set close to a rule)")
    isolation_ratio: float = Field(default=0.25, gt=0, le=1, description="… at most this fraction of its darkness")
    min_fill: float = Field(default=0.75, gt=0, le=1, description="fraction of a window along a rule that must be dark")
    min_length_pt: float = Field(default=12.0, gt=0, description="rank-opening window: shorter runs are not rules")
    max_thickness_pt: float = Field(default=3.0, gt=0, description="thicker components are not rules")
    join_offset_pt: float = Field(default=1.5, ge=0, description="collinear pieces within this join")
    join_gap_pt: float = Field(default=8.0, ge=0, description="largest gap bridged between collinear pieces")
    min_segment_pt: float = Field(default=40.0, ge=0,
                                  description="shorter joined segments are kept only when they bridge two rules")
    min_thin: float = Field(default=0.7, ge=0, le=1,
                            description="segments shorter than crossing_check_pt are thin-dark along this much")
    crossing_check_pt: float = Field(default=120.0, ge=0,
                                     description="segments shorter than this must not be crossed by strokes")
    bridge_min_thin: float = Field(default=0.9, ge=0, le=1,
                                   description="a bridge is a thin dark line along this much of its interior")
    bridge_tol_pt: float = Field(default=3.0, ge=0, description="a short segment's ends must come this close to rules")


class Segment(_Frozen):
    """A ruling-line segment, both ends in image pixels; ``orientation`` "h" or "v".

    For "h", ``x0 <= x1`` (left to right); for "v", ``y0 <= y1`` (top to bottom) — on a skewed page
    the other coordinate changes a little along the segment. ``thickness`` is the stroke width in
    pixels.
    """

    x0: float
    y0: float
    x1: float
    y1: float
    orientation: Orientation
    thickness: float = Field(default=1.0, ge=0)

    @property
    def length(self) -> float:
        return math.hypot(self.x1 - self.x0, self.y1 - self.y0)


class LineSet(_Frozen):
    """The ruling lines found on one page image, and the frame they were found in.

    ``skew_deg`` is the angle of the horizontal rules in the image, ``atan(dy/dx)`` with y pointing
    down (positive: the rules fall to the right). The *upright frame* is the image rotated by
    ``-skew_deg`` about its centre ``(width/2, height/2)``: there the rules are axis-parallel.
    """

    width: int = Field(ge=1)
    height: int = Field(ge=1)
    dpi: float = Field(gt=0)
    skew_deg: float = 0.0
    horizontal: list[Segment] = Field(default_factory=list)
    vertical: list[Segment] = Field(default_factory=list)

    @property
    def segments(self) -> list[Segment]:
        return [*self.horizontal, *self.vertical]

    def to_upright(self, x: float, y: float) -> tuple[float, float]:
        """Image pixel → upright frame (rotate by −skew about the image centre)."""
        return _rotate(x, y, -self.skew_deg, self.width / 2, self.height / 2)

    def from_upright(self, x: float, y: float) -> tuple[float, float]:
        """Upright frame → image pixel."""
        return _rotate(x, y, self.skew_deg, self.width / 2, self.height / 2)


def _rotate(x: float, y: float, deg: float, cx: float, cy: float) -> tuple[float, float]:
    if deg == 0.0:
        return (x, y)
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    dx, dy = x - cx, y - cy
    return (cx + c * dx - s * dy, cy + s * dx + c * dy)


def _px(pt: float, dpi: float) -> float:
    return pt * dpi / 72.0


def _odd(n: float) -> int:
    k = max(3, round(n))
    return k | 1


# --------------------------------------------------------------------------------------------------
# binarise and skew


def binarize(gray: np.ndarray, dpi: float, options: LineOptions | None = None) -> np.ndarray:
    """Ink mask (uint8, 1 = ink) of a grey page image by a local-mean adaptive threshold (for the
    skew estimate)."""
    o = options or LineOptions()
    if gray.ndim != 2:
        raise ValueError(f"expected a 2-D grey image, got shape {gray.shape}")
    if gray.dtype != np.uint8:
        gray = np.clip(gray, 0, 255).astype(np.uint8)
    block = _odd(_px(o.threshold_block_pt, dpi))
    bw = cv2.adaptiveThreshold(gray, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, o.threshold_c)
    return bw


def _component_fits(mask: np.ndarray, min_len: int, vertical: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Per connected component of ``mask`` at least ``min_len`` long: (slope, length).

    The slope is dy/dx (horizontal components) or dx/dy (``vertical``), by second moments.
    """
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    along = cv2.CC_STAT_HEIGHT if vertical else cv2.CC_STAT_WIDTH
    slopes, lengths = [], []
    for i in np.nonzero(stats[:, along] >= min_len)[0]:
        if i == 0:
            continue
        x, y, w, h = (int(v) for v in stats[i, :4])
        roi = (labels[y:y + h, x:x + w] == i).astype(np.uint8)
        m = cv2.moments(roi, binaryImage=True)
        var = m["mu02"] if vertical else m["mu20"]
        if var > 0:
            slopes.append(m["mu11"] / var)
            lengths.append(float(h if vertical else w))
    return np.asarray(slopes, dtype=np.float64), np.asarray(lengths, dtype=np.float64)


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cw = np.cumsum(w)
    return float(v[np.searchsorted(cw, cw[-1] / 2)])


def estimate_skew(ink: np.ndarray, dpi: float, options: LineOptions | None = None) -> float:
    """Skew of the ruling lines in degrees (``atan(dy/dx)`` of horizontal rules, y down); 0 when unsure."""
    o = options or LineOptions()
    k = max(5, round(_px(o.skew_kernel_pt, dpi)))
    h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    v = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, k)))
    # bridge the one-pixel steps of a skewed thin rule before fitting
    h = cv2.dilate(h, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    v = cv2.dilate(v, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    min_len = 3 * k
    sh, lh = _component_fits(h, min_len)
    sv, lv = _component_fits(v, min_len, vertical=True)
    angles = np.concatenate([np.degrees(np.arctan(sh)), -np.degrees(np.arctan(sv))])
    weights = np.concatenate([lh, lv]) ** 2
    ok = np.abs(angles) <= o.max_skew_deg + 1.0
    if not ok.any():
        return 0.0
    ang = _weighted_median(angles[ok], weights[ok])
    if abs(ang) > o.max_skew_deg:
        return 0.0
    return round(ang, 4)


class RuleMasks(NamedTuple):
    """Rule masks of an upright page (uint8 0/1) and the thin-dark pixels they were read from (bool)."""

    horizontal: np.ndarray
    vertical: np.ndarray
    thin_h: np.ndarray
    thin_v: np.ndarray
    dark: np.ndarray


def line_masks(gray: np.ndarray, dpi: float, options: LineOptions | None = None) -> RuleMasks:
    """Masks of horizontal and vertical rule pixels of an upright grey image.

    *Darkness* is the black-hat transform (a grey closing with a ``blackhat_pt`` square, minus the
    image): how much darker a pixel is than the paper around it, whatever the light, less the
    paper's own median darkness (noise raises the closing, so plain paper reads a little dark). Along each
    direction it is smoothed over ``smooth_pt``, thresholded at ``weak_ink`` grey levels, and a
    pixel is on a rule when at least ``min_fill`` of a ``min_length_pt`` window along the rule is
    that dark (a rank opening: gaps in a broken rule and noise holes in a faint one do not cut it,
    character strokes are too short and text rows too gappy).
    """
    o = options or LineOptions()
    kb = _odd(_px(o.blackhat_pt, dpi))
    dark = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (kb, kb)))
    # on noisy paper the closing rides on the noise peaks: take the paper's typical darkness off
    paper = int(np.median(dark[::7, ::7]))
    if paper > 0:
        dark = cv2.subtract(dark, paper)
    L = max(5, round(_px(o.min_length_pt, dpi)))
    sm = max(1, round(_px(o.smooth_pt, dpi)))
    dists = sorted({max(1, round(_px(v, dpi))) for v in (o.isolation_near_pt, o.isolation_pt)})
    out = []
    thins = []
    for ksize in ((L, 1), (1, L)):
        horizontal = ksize[1] == 1
        d = cv2.blur(dark, (sm, 1) if horizontal else (1, sm))
        weak = d >= o.weak_ink
        # a rule is a thin dark band: markedly lighter on both sides across it (most character
        # strokes have more ink beside them)
        light = cv2.max(cv2.multiply(d, o.isolation_ratio), float(o.weak_ink))
        sides = []
        for sign in (-1, 1):
            side = np.zeros(d.shape, dtype=bool)
            for dist in dists:
                # darkness ``dist`` pixels across the rule, before (sign -1) or after (+1)
                if horizontal and sign > 0:
                    side[:-dist] |= d[dist:] < light[:-dist]
                elif horizontal:
                    side[dist:] |= d[:-dist] < light[dist:]
                elif sign > 0:
                    side[:, :-dist] |= d[:, dist:] < light[:, :-dist]
                else:
                    side[:, dist:] |= d[:, :-dist] < light[:, dist:]
            sides.append(side)
        thin = weak & sides[0] & sides[1]
        thins.append(thin)
        frac = cv2.boxFilter(thin.view(np.uint8), cv2.CV_32F, ksize, normalize=True, borderType=cv2.BORDER_CONSTANT)
        centre = (frac >= o.min_fill - 1e-6).view(np.uint8)
        # a window centred at x qualifies up to (f - 1/2)·L inside a rule's end: grow it back by that
        grow = max(1, round((2 * o.min_fill - 1) * L))
        out.append(cv2.dilate(centre, cv2.getStructuringElement(cv2.MORPH_RECT, (grow, 1) if horizontal else (1, grow))))
    return RuleMasks(out[0], out[1], thins[0], thins[1], dark)


# --------------------------------------------------------------------------------------------------
# pieces and joining


def _pieces(mask: np.ndarray, max_thick: float, min_len: int,
            vertical: bool = False) -> list[tuple[float, float, float, float]]:
    """Pieces of a rule mask: (pos, a0, a1, thickness); pos = the component's centre row (column when
    ``vertical``), a0..a1 its extent along the rule, in continuous pixel coordinates."""
    n, _, stats, centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        a0, length = (y, h) if vertical else (x, w)
        if length < min_len:
            continue
        thick = area / length
        if thick > max_thick:
            continue
        # continuous coordinates: pixel i covers [i, i + 1)
        out.append((float(centroids[i, 0 if vertical else 1]) + 0.5, float(a0), float(a0 + length), thick))
    return out


def join_segments(pieces: list[tuple[float, float, float, float]], max_offset: float,
                  max_gap: float) -> list[tuple[float, float, float, float]]:
    """Join collinear pieces ``(pos, a0, a1, thickness)`` whose centre lines are within ``max_offset``
    and whose extents overlap or leave a gap up to ``max_gap``. Returns joined pieces, pos = length-
    weighted mean."""
    out: list[tuple[float, float, float, float]] = []
    # greedy: sort by start; join into the open line whose position is nearest
    lines: list[list[float]] = []  # [sum_pos_w, sum_w, a0, a1, max_thick]
    for pos, a0, a1, th in sorted(pieces, key=lambda p: (p[1], p[0])):
        w = max(a1 - a0, 1.0)
        best, best_d = None, max_offset + 1e-9
        for ln in lines:
            lp = ln[0] / ln[1]
            d = abs(lp - pos)
            if d <= best_d and a0 <= ln[3] + max_gap:
                best, best_d = ln, d
        if best is None:
            lines.append([pos * w, w, a0, a1, th])
        else:
            best[0] += pos * w
            best[1] += w
            best[3] = max(best[3], a1)
            best[4] = max(best[4], th)
    for s, w, a0, a1, th in lines:
        out.append((s / w, a0, a1, th))
    return out


Piece = tuple[float, float, float, float]


def _snap_ends(pieces: list[Piece], cross: list[Piece], tol: float) -> list[Piece]:
    """Move each end of a piece onto the centre line of a perpendicular piece passing within ``tol``
    (the darkness test stops a rule a few pixels short of a rule it meets)."""
    out = []
    for pos, a0, a1, th in pieces:
        best0, best1 = tol + 1e-9, tol + 1e-9
        n0, n1 = a0, a1
        for cpos, c0, c1, _ in cross:
            if not (c0 - tol <= pos <= c1 + tol):
                continue
            if abs(cpos - a0) < best0:
                best0, n0 = abs(cpos - a0), cpos
            if abs(cpos - a1) < best1:
                best1, n1 = abs(cpos - a1), cpos
        out.append((pos, n0, n1, th) if n1 > n0 else (pos, a0, a1, th))
    return out


def _thin_along(thin: np.ndarray, p: Piece, vertical: bool, margin: float) -> float:
    """Fraction of a piece's interior (``margin`` off each end, where it meets other rules) that is
    thin-dark on (or a pixel beside) its centre line: a character stroke has crossing strokes and
    a gap to the next line; a rule has neither."""
    pos, a0, a1, _ = p
    i = int(pos)  # continuous → index
    j0, j1 = max(0, round(a0 + margin)), round(a1 - margin)
    band = thin[j0:j1, max(0, i - 1):i + 2] if vertical else thin[max(0, i - 1):i + 2, j0:j1]
    if band.size == 0:
        return 1.0
    return float(band.any(axis=1 if vertical else 0).mean())


def _crossings(dark: np.ndarray, p: Piece, vertical: bool, margin: float, reach: int, weak: float,
               rules: Sequence[Piece] = ()) -> int:
    """Positions in a piece's interior where a stroke crosses it: ink running without a break from
    its centre line ``reach`` pixels out on *both* sides (other than where one of the perpendicular
    ``rules`` crosses). The other strokes of a character cross its stroke (本, 十); text set beside a
    rule leaves the cell padding blank, noise does not run on."""
    pos, a0, a1, _ = p
    i = int(pos)
    j0, j1 = max(0, round(a0 + margin)), round(a1 - margin)
    n = dark.shape[1] if vertical else dark.shape[0]
    if j1 <= j0 or i - reach < 0 or i + reach + 1 > n:
        return 0
    band = dark[j0:j1, i - reach:i + reach + 1] if vertical else dark[i - reach:i + reach + 1, j0:j1].T
    band = band.astype(np.float32)
    thr = np.maximum(weak, 0.3 * band[:, reach:reach + 1])
    crossed = (band >= thr).all(axis=1)
    for cpos, c0, c1, _ in rules:
        if c0 - margin <= pos <= c1 + margin:
            crossed[max(0, round(cpos - margin) - j0):max(0, round(cpos + margin) - j0)] = False
    return int(crossed.sum())


def _keep_rules(hp: list[Piece], vp: list[Piece], *, min_len: float, check_len: float, tol: float,
                crossed: Callable[[Piece, bool, list[Piece]], int], thin: Callable[[Piece, bool], float],
                min_thin: float, min_thin_long: float) -> tuple[list[Piece], list[Piece]]:
    """Snap ends onto the rules they meet, then keep

    * pieces at least ``check_len`` long;
    * pieces at least ``min_len`` long that no stroke crosses between the perpendicular pieces
      (``crossed``: aligned strokes of characters in consecutive rows or lines, joined up, are
      crossed by the characters' other strokes);
    * shorter pieces as *bridges*: both ends on long perpendicular pieces, uncrossed, and thin-dark
      along at least ``min_thin`` of their interior (two lines' aligned strokes leave the line gap).
    """
    hp, vp = _snap_ends(hp, vp, tol), _snap_ends(vp, hp, tol)
    hl = [p for p in hp if p[2] - p[1] >= min_len]
    vl = [p for p in vp if p[2] - p[1] >= min_len]

    def bridges(p: Piece, cross: list[Piece]) -> bool:
        pos, a0, a1, _ = p
        ends = [False, False]
        for cpos, c0, c1, _ in cross:
            if c0 - tol <= pos <= c1 + tol:
                ends[0] = ends[0] or abs(cpos - a0) <= 1e-6
                ends[1] = ends[1] or abs(cpos - a1) <= 1e-6
        return ends[0] and ends[1]

    def keep(p: Piece, vertical: bool, cross: list[Piece], long_cross: list[Piece]) -> bool:
        length = p[2] - p[1]
        if length >= check_len:
            return True
        if crossed(p, vertical, cross) > 0:
            return False
        if length >= min_len:
            return thin(p, vertical) >= min_thin_long
        return bridges(p, long_cross) and thin(p, vertical) >= min_thin

    return ([p for p in hp if keep(p, False, vp, vl)], [p for p in vp if keep(p, True, hp, hl)])


# --------------------------------------------------------------------------------------------------
# the whole thing


def detect_lines(gray: np.ndarray, dpi: float = 200.0, options: LineOptions | None = None, *,
                 skew_deg: float | None = None) -> LineSet:
    """Horizontal and vertical ruling segments of a grey (uint8) page image at ``dpi``.

    ``skew_deg``: the skew when already known (0 for a deskewed page); measured when None.
    """
    o = options or LineOptions()
    if gray.ndim == 3:
        gray = cv2.cvtColor(gray, cv2.COLOR_BGR2GRAY)
    hgt, wid = gray.shape
    ink = binarize(gray, dpi, o)
    skew = estimate_skew(ink, dpi, o) if skew_deg is None else float(skew_deg)
    if abs(skew) < o.deskew_min_deg:
        skew = 0.0
    # the upright page on a padded canvas
    pad = 0
    up = gray
    if skew != 0.0:
        pad = math.ceil(max(wid, hgt) * math.sin(math.radians(abs(skew)))) + 2
        # about the centre in pixel-index coordinates = (w/2, h/2) in continuous ones
        m = cv2.getRotationMatrix2D(((wid - 1) / 2, (hgt - 1) / 2), skew, 1.0)  # cv2: + = counter-clockwise
        m[:, 2] += pad
        up = cv2.warpAffine(gray, m, (wid + 2 * pad, hgt + 2 * pad), flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_REPLICATE)
    hmask, vmask, thin_h, thin_v, dark = line_masks(up, dpi, o)
    k = max(5, round(_px(o.min_length_pt, dpi)))
    max_thick = max(2.0, _px(o.max_thickness_pt, dpi))
    off, gap = _px(o.join_offset_pt, dpi) + 0.5, _px(o.join_gap_pt, dpi)
    hp = join_segments(_pieces(hmask, max_thick, k), off, gap)
    vp = join_segments(_pieces(vmask, max_thick, k, vertical=True), off, gap)
    tol = _px(o.bridge_tol_pt, dpi)
    reach = max(2, round(_px(o.isolation_pt, dpi)))
    hp, vp = _keep_rules(
        hp, vp, min_len=_px(o.min_segment_pt, dpi), check_len=_px(o.crossing_check_pt, dpi), tol=tol,
        crossed=lambda p, vertical, rules: _crossings(dark, p, vertical, tol, reach, o.weak_ink, rules),
        thin=lambda p, vertical: _thin_along(thin_v if vertical else thin_h, p, vertical, tol),
        min_thin=o.bridge_min_thin, min_thin_long=o.min_thin)
    ls = LineSet(width=wid, height=hgt, dpi=dpi, skew_deg=skew)

    def back(x: float, y: float) -> tuple[float, float]:
        return ls.from_upright(x - pad, y - pad)

    hs = []
    for pos, a0, a1, th in hp:
        (x0, y0), (x1, y1) = back(a0, pos), back(a1, pos)
        hs.append(Segment(x0=round(x0, 2), y0=round(y0, 2), x1=round(x1, 2), y1=round(y1, 2),
                          orientation="h", thickness=round(th, 2)))
    vs = []
    for pos, a0, a1, th in vp:
        (x0, y0), (x1, y1) = back(pos, a0), back(pos, a1)
        vs.append(Segment(x0=round(x0, 2), y0=round(y0, 2), x1=round(x1, 2), y1=round(y1, 2),
                          orientation="v", thickness=round(th, 2)))
    hs.sort(key=lambda s: (s.y0, s.x0))
    vs.sort(key=lambda s: (s.x0, s.y0))
    return LineSet(width=wid, height=hgt, dpi=dpi, skew_deg=skew, horizontal=hs, vertical=vs)
