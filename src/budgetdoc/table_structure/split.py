"""Undo merges that a faint, broken rule made: split a cell where its ink has a clear gap on a
column line the rest of the table has.

On a poor scan a short stretch of a column rule can fade away; the grid builder then sees one cell
spanning two columns, and the two amounts in it read as one ("389.23389.23"). A truly merged cell
holds one piece of text (a title, "合计", a centred header), whose characters sit closer than half
a glyph; two cells' texts are separated by the cells' padding. So a spanning cell is split at an
inner column line when no ink lies within ``gap_em`` glyphs of it and there is ink on both sides.
"""

from __future__ import annotations

import numpy as np

from budgetdoc.table_structure.grid import DetectedCell, DetectedTable

__all__ = ["split_false_merges"]


def _glyph_spans(gray: np.ndarray, box: tuple[float, float, float, float], inset: float,
                 glyph_px: float) -> list[tuple[int, int]] | None:
    """``(x0, x1)`` (absolute) of the glyph-sized ink components inside ``box``; specks are left
    out so that scanner noise never looks like text on the far side of a line."""
    import cv2

    h, w = gray.shape[:2]
    l, t = max(0, int(round(box[0] + inset))), max(0, int(round(box[1] + inset)))
    r, b = min(w, int(round(box[2] - inset))), min(h, int(round(box[3] - inset)))
    if r - l < 2 or b - t < 2:
        return None
    crop = gray[t:b, l:r]
    ink = (crop < float(np.percentile(crop, 90)) - 40).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    out = []
    for i in range(1, n):
        x, _, cw, ch, _ = stats[i]
        if max(cw, ch) >= 0.3 * glyph_px and not (cw >= 0.8 * (r - l) and ch <= 0.2 * glyph_px):
            out.append((l + int(x), l + int(x + cw)))
    return out


def _cuts(spans: list[tuple[int, int]], edges: list[float], half_gap: float) -> list[int]:
    """Which inner ``edges`` (absolute x) have no glyph within ``half_gap`` and glyphs on both sides."""
    out = []
    for k, x in enumerate(edges):
        lo, hi = x - half_gap, x + half_gap
        if any(a < hi and b > lo for a, b in spans):
            continue
        if any(b <= lo for a, b in spans) and any(a >= hi for a, b in spans):
            out.append(k)
    return out


def split_false_merges(table: DetectedTable, gray: np.ndarray, *, glyph_px: float, gap_em: float = 0.4,
                       inset: float = 3.0) -> DetectedTable:
    """``table`` with each column-spanning cell split at the inner column lines its ink leaves
    clear (see the module docstring). Only for a level table (``skew_deg`` near 0)."""
    if abs(table.skew_deg) > 0.3:
        return table
    half = gap_em * glyph_px / 2
    cells: list[DetectedCell] = []
    changed = False
    for c in table.cells:
        if c.col_span < 2:
            cells.append(c)
            continue
        spans = _glyph_spans(gray, c.bbox_px, inset, glyph_px)
        inner = table.col_edges[c.col + 1:c.col_end]
        cuts = _cuts(spans, inner, half) if spans else []
        if not cuts:
            cells.append(c)
            continue
        changed = True
        bounds = [c.col] + [c.col + 1 + k for k in cuts] + [c.col_end]
        for a, b in zip(bounds, bounds[1:]):
            l = c.bbox_px[0] if a == c.col else table.col_edges[a]
            r = c.bbox_px[2] if b == c.col_end else table.col_edges[b]
            t, btm = c.bbox_px[1], c.bbox_px[3]
            cells.append(DetectedCell(row=c.row, col=a, row_span=c.row_span, col_span=b - a, bbox_px=(l, t, r, btm),
                                      quad_px=((l, t), (r, t), (r, btm), (l, btm))))
    if not changed:
        return table
    cells.sort(key=lambda x: (x.row, x.col))
    return table.model_copy(update={"cells": cells})
