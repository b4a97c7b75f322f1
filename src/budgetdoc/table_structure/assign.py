"""OCR text → table cells: each text box to the cell it lies in, split where it crosses a cell border.

Works in the table's upright frame (:meth:`DetectedTable.to_upright`), so a slightly skewed page
needs no deskewed OCR boxes.

* A text box belongs to the cells cut by the horizontal line through its vertical centre (in a grid
  of rectangles that line crosses a row of disjoint cells). A box outside every cell is
  *unassigned*.
* A box over two or more of those cells is **split at the vertical borders** between them. Each
  character goes to the cell holding its centre: its x extent from ``char_x`` when the OCR engine
  gave character positions, else estimated by width (a full-width character — CJK, full-width
  punctuation — counts one em, any other character half an em): over the box's inked columns
  when the page image is given (the blank between two cells' texts that an OCR engine merged into
  one box then holds no character), else over the box's whole width. A box that only grazes a
  neighbour cell stays whole.
* A cell's pieces are read as lines (pieces whose vertical centres lie within half a line height of
  each other), lines top to bottom, pieces left to right, and joined by :func:`join_fragments`: no
  space where either side is CJK, one space between two Latin/number tokens (within a line only
  where the pieces leave a gap of at least a fifth of the line height).
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Sequence

import cv2
import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from budgetdoc.table_structure.grid import DetectedCell, DetectedTable

__all__ = [
    "Assignment",
    "CellText",
    "TextBox",
    "assign_text",
    "char_extents",
    "ink_char_extents",
    "join_fragments",
    "split_box",
]

BoxPx = tuple[float, float, float, float]


class TextBox(BaseModel):
    """One OCR text box (a line or word) on the page image, pixels.

    ``char_x``: optional per-character ``(x0, x1)`` extents, one per character of ``text``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    box_px: BoxPx
    char_x: list[tuple[float, float]] | None = None
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _check(self) -> TextBox:
        l, t, r, b = self.box_px
        if r < l or b < t:
            raise ValueError(f"box edges out of order: {self.box_px}")
        if self.char_x is not None and len(self.char_x) != len(self.text):
            raise ValueError(f"char_x has {len(self.char_x)} extents for {len(self.text)} characters")
        return self


class CellText(BaseModel):
    """The text assigned to one cell, and the (possibly split) boxes it was read from."""

    model_config = ConfigDict(extra="forbid")

    row: int
    col: int
    text: str
    pieces: list[TextBox] = Field(default_factory=list)


class Assignment(BaseModel):
    """Cell texts of one table (cells without text left out) and the boxes outside every cell."""

    model_config = ConfigDict(extra="forbid")

    cells: list[CellText] = Field(default_factory=list)
    unassigned: list[TextBox] = Field(default_factory=list)

    def texts(self) -> dict[tuple[int, int], str]:
        """``{(row, col): text}``, ready for :meth:`DetectedTable.to_cell_grid`."""
        return {(c.row, c.col): c.text for c in self.cells}


# --------------------------------------------------------------------------------------------------
# characters


def _full_width(ch: str) -> bool:
    """Set one em wide in a Chinese font: wide, full-width and ambiguous (≥, ①, ※) characters."""
    return unicodedata.east_asian_width(ch) in ("W", "F", "A")


def _char_width(ch: str) -> float:
    """Rough advance width in em: full-width 1, digits and letters about half, narrow marks less."""
    if _full_width(ch):
        return 1.0
    if ch in ".,:;'`|!il":
        return 0.3
    if ch.isdigit():
        return 0.55
    if ch.isupper():
        return 0.65
    return 0.5


def _cjk(ch: str) -> bool:
    """A character written without spaces around it: CJK ideographs, kana, full-width forms."""
    return _full_width(ch)


def _wordish(ch: str) -> bool:
    """A character of a Latin/number token (letters, digits and the marks inside numbers)."""
    return not _full_width(ch) and (ch.isalnum() or ch in "%.,)")


def char_extents(box: TextBox) -> list[tuple[float, float]]:
    """Each character's ``(x0, x1)``: from ``char_x`` when given, else estimated by width."""
    if box.char_x is not None:
        return [(float(a), float(b)) for a, b in box.char_x]
    if not box.text:
        return []
    weights = [_char_width(ch) for ch in box.text]
    total = sum(weights)
    l, _, r, _ = box.box_px
    out = []
    x = l
    for w in weights:
        nx = x + (r - l) * w / total
        out.append((x, nx))
        x = nx
    return out


def ink_char_extents(box: TextBox, gray: np.ndarray, cuts: Sequence[float], *,
                     min_gap_em: float = 0.3, near_em: float = 1.5) -> list[tuple[float, float]] | None:
    """Character extents of a box that crosses the borders at ``cuts``, read from the page image.

    The box's inked columns (Otsu threshold inside the box, ruling lines left out) form runs; blanks of at least
    ``min_gap_em`` of the box height between them are *gaps*. For each cut the gap holding it (or
    the nearest within ``near_em``) is where one cell's text ends and the next one's begins. The
    characters are then shared out over the stretches of ink between those gaps by width (a
    full-width character one em, others half) in proportion to each stretch's extent, and laid
    out by width inside their stretch. None when the box holds no ink or lies off the image.
    """
    if not box.text:
        return []
    h_img, w_img = gray.shape[:2]
    l, t, r, b = (round(v) for v in box.box_px)
    l, t, r, b = max(0, l), max(0, t), min(w_img, r), min(h_img, b)
    if r - l < 2 or b - t < 2:
        return None
    region = np.ascontiguousarray(gray[t:b, l:r])
    if int(region.max()) - int(region.min()) < 30:
        return None
    thr, _ = cv2.threshold(region, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = region <= thr
    em = float(b - t)
    # ruling lines are not text: rows inked nearly across (a horizontal rule the box touches) and
    # the border itself at each cut (cell padding keeps text off it)
    ink[ink.mean(axis=1) >= 0.6] = False
    for c in cuts:
        ink[:, max(0, int(c - l - 0.2 * em)):max(0, int(c - l + 0.2 * em) + 1)] = False
    xs = np.flatnonzero(ink.sum(axis=0) >= max(1, round(0.05 * (b - t)))) + l
    if xs.size == 0:
        return None
    gaps = [(float(xs[i] + 1), float(xs[i + 1])) for i in range(xs.size - 1) if xs[i + 1] - xs[i] - 1 >= min_gap_em * em]
    chosen: list[tuple[float, float]] = []
    for c in cuts:
        # the same gap may hold several cuts (an empty cell between two texts)
        cands = [g for g in gaps if (not chosen or g[0] >= chosen[-1][0]) and g[0] - near_em * em <= c <= g[1] + near_em * em]
        if cands:
            chosen.append(min(cands, key=lambda g: 0.0 if g[0] <= c <= g[1] else min(abs(c - g[0]), abs(c - g[1]))))
        else:
            chosen.append((c, c))
    bounds = [float(xs[0])] + [v for g in chosen for v in g] + [float(xs[-1] + 1)]
    stretches = [(bounds[2 * i], max(bounds[2 * i], bounds[2 * i + 1])) for i in range(len(chosen) + 1)]
    weights = [_char_width(ch) for ch in box.text]
    total_w = sum(weights)
    cum = [0.0]
    for w in weights:
        cum.append(cum[-1] + w)
    extent = [z - a for a, z in stretches]
    total_e = sum(extent) or 1.0
    # split indices: the character boundary whose share of the width is nearest each stretch's share
    ks = [0]
    acc_e = 0.0
    for e in extent[:-1]:
        acc_e += e
        target = acc_e / total_e * total_w
        js = range(ks[-1], len(weights) + 1)
        best = min(abs(cum[j] - target) for j in js)
        # within about half an em of the best fit, prefer a change of script (资金|31, 组织|36.11):
        # two cells' texts meet there far more often than inside a word
        near = [j for j in js if abs(cum[j] - target) <= best + 0.6]
        at_change = [j for j in near if 0 < j < len(box.text) and _full_width(box.text[j - 1]) != _full_width(box.text[j])]
        k = min(at_change or near, key=lambda j: abs(cum[j] - target))
        ks.append(k)
    ks.append(len(weights))
    out: list[tuple[float, float]] = []
    for (a, z), k0, k1 in zip(stretches, ks[:-1], ks[1:]):
        span = cum[k1] - cum[k0]
        for j in range(k0, k1):
            f0 = (cum[j] - cum[k0]) / span if span else 0.0
            f1 = (cum[j + 1] - cum[k0]) / span if span else 0.0
            out.append((a + f0 * (z - a), a + f1 * (z - a)))
    return out


def split_box(box: TextBox, cuts: Sequence[float]) -> list[TextBox | None]:
    """Split a box at the x positions ``cuts`` (ascending): one box per interval, None when no
    character's centre falls in it. Spaces at the new ends are dropped."""
    ext = char_extents(box)
    bounds = [-float("inf"), *cuts, float("inf")]
    l, t, r, b = box.box_px
    out: list[TextBox | None] = []
    for lo, hi in itertools.pairwise(bounds):
        idx = [i for i, (a, z) in enumerate(ext) if lo <= (a + z) / 2 < hi]
        while idx and box.text[idx[0]].isspace():
            idx.pop(0)
        while idx and box.text[idx[-1]].isspace():
            idx.pop()
        if not idx:
            out.append(None)
            continue
        text = "".join(box.text[i] for i in range(idx[0], idx[-1] + 1))
        x0 = max(l, lo, ext[idx[0]][0])
        x1 = min(r, hi, ext[idx[-1]][1])
        chars = [ext[i] for i in range(idx[0], idx[-1] + 1)] if box.char_x is not None else None
        out.append(TextBox(text=text, box_px=(x0, t, max(x0, x1), b), char_x=chars, confidence=box.confidence))
    return out


def join_fragments(parts: Sequence[str]) -> str:
    """Join text pieces in reading order: no space where either side is CJK (or full-width), one
    space between two Latin/number tokens; pieces are stripped first, empty ones skipped."""
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and _wordish(out[-1]) and (p[0].isalnum() and not _full_width(p[0])):
            out += " "
        out += p
    return out


# --------------------------------------------------------------------------------------------------
# assignment


def _upright_box(table: DetectedTable, box: BoxPx) -> BoxPx:
    l, t, r, b = box
    pts = [table.to_upright(x, y) for x, y in ((l, t), (r, t), (r, b), (l, b))]
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def _to_upright(table: DetectedTable, box: TextBox) -> TextBox:
    if table.skew_deg == 0.0:
        return box
    ub = _upright_box(table, box.box_px)
    yc = (box.box_px[1] + box.box_px[3]) / 2
    chars = None
    if box.char_x is not None:
        chars = [(table.to_upright(a, yc)[0], table.to_upright(z, yc)[0]) for a, z in box.char_x]
    return TextBox(text=box.text, box_px=ub, char_x=chars, confidence=box.confidence)


def _lines(pieces: list[TextBox]) -> list[list[TextBox]]:
    """Group pieces into lines (vertical centres within half a line height), top to bottom."""
    lines: list[list[TextBox]] = []
    for p in sorted(pieces, key=lambda p: (p.box_px[1] + p.box_px[3]) / 2):
        yc = (p.box_px[1] + p.box_px[3]) / 2
        h = max(p.box_px[3] - p.box_px[1], 1.0)
        if lines:
            last = lines[-1]
            lyc = sum((q.box_px[1] + q.box_px[3]) / 2 for q in last) / len(last)
            lh = min(max(q.box_px[3] - q.box_px[1], 1.0) for q in last)
            if abs(yc - lyc) <= 0.5 * min(h, lh):
                last.append(p)
                continue
        lines.append([p])
    return [sorted(ln, key=lambda p: p.box_px[0]) for ln in lines]


def _join_line(line: list[TextBox]) -> str:
    """One line's pieces, left to right: a space between Latin/number tokens only across a real gap."""
    out = ""
    prev: TextBox | None = None
    for p in line:
        t = p.text.strip()
        if not t:
            continue
        if out and prev is not None:
            gap = p.box_px[0] - prev.box_px[2]
            h = min(p.box_px[3] - p.box_px[1], prev.box_px[3] - prev.box_px[1])
            if gap >= 0.2 * h and join_fragments([out, t]) != out + t:
                out += " "
        out += t
        prev = p
    return out


def assign_text(table: DetectedTable, boxes: Sequence[TextBox], *, image: np.ndarray | None = None) -> Assignment:
    """Assign OCR text boxes (image pixels) to the table's cells; see the module docstring.

    ``image`` (the grey page the boxes were read from), when given, places the characters of a box
    that crosses a border and has no ``char_x`` over its inked columns (:func:`ink_char_extents`)
    instead of over its whole width.
    """
    cell_boxes: list[tuple[DetectedCell, BoxPx]] = [(c, table.cell_box_upright(c)) for c in table.cells]
    got: dict[tuple[int, int], list[TextBox]] = {}
    unassigned: list[TextBox] = []
    for box in boxes:
        ub = _to_upright(table, box)
        l, t, r, b = ub.box_px
        yc = (t + b) / 2
        crossed = sorted(((c, cb) for c, cb in cell_boxes
                          if cb[1] <= yc < cb[3] and cb[0] < r and cb[2] > l), key=lambda x: x[1][0])
        if not crossed:
            unassigned.append(box)
            continue
        if image is not None and box.char_x is None and (len(crossed) > 1 or crossed[0][1][0] > l
                                                         or crossed[0][1][2] < r):
            yc_up = (t + b) / 2
            cuts_img = [table.from_upright(cb[2], yc_up)[0] for _, cb in crossed[:-1]]
            if crossed[0][1][0] > l:
                cuts_img.insert(0, table.from_upright(crossed[0][1][0], yc_up)[0])
            if crossed[-1][1][2] < r:
                cuts_img.append(table.from_upright(crossed[-1][1][2], yc_up)[0])
            chars = ink_char_extents(box, image, cuts_img)
            if chars is not None:
                ub = _to_upright(table, box.model_copy(update={"char_x": chars}))
        # split at the inner borders, and at the table's outer edges (text outside is unassigned)
        cuts = [crossed[0][1][0]] + [cb[2] for _, cb in crossed]
        parts = split_box(ub, cuts)
        if parts[0] is not None or parts[-1] is not None:
            outside = " ".join(p.text for p in (parts[0], parts[-1]) if p is not None)
            unassigned.append(TextBox(text=outside, box_px=box.box_px, confidence=box.confidence))
        for (cell, _), part in zip(crossed, parts[1:-1]):
            if part is not None:
                got.setdefault((cell.row, cell.col), []).append(part)
    cells = []
    for c in table.cells:
        pieces = got.get((c.row, c.col))
        if not pieces:
            continue
        lines = _lines(pieces)
        text = join_fragments([_join_line(ln) for ln in lines])
        cells.append(CellText(row=c.row, col=c.col, text=text, pieces=[p for ln in lines for p in ln]))
    return Assignment(cells=cells, unassigned=unassigned)
