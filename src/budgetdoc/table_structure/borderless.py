"""A grid from text alignment, for a table printed without rules (the fallback when no rule is found).

Input: OCR text boxes (image pixels, an upright page) of one table region. Rows and columns come
from where the text is:

* **Rows**: boxes sorted by vertical centre; a box joins the current row when it overlaps the
  row's vertical extent by at least ``row_overlap`` of the smaller height. Row edges lie midway
  between neighbouring rows' extents.
* **Columns**: for every x, the number of rows with a box over it; a *column gap* is a run at
  least ``min_col_gap_pt`` wide over which at most ``max_cross`` of the rows have text (so a header
  box spanning two columns does not hide the gap between them). Column edges are the gaps' middles
  and the outermost text.
* **Cells**: in each row, the boxes over the same columns form one cell (a box over several columns
  is one cell spanning them); column slots no box touches are empty 1×1 cells. Row spans are not
  inferred (a wrapped cell reads as rows).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from budgetdoc.table_structure.assign import TextBox
from budgetdoc.table_structure.grid import DetectedCell, DetectedTable

__all__ = ["BorderlessOptions", "borderless_table", "column_gaps", "text_rows"]

BoxPx = tuple[float, float, float, float]


class BorderlessOptions(BaseModel):
    """Options of the text-alignment grid (lengths in points, 1/72 inch)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["text_alignment"] = "text_alignment"
    row_overlap: float = Field(default=0.5, gt=0, le=1, description="vertical overlap (of the smaller box) to share a row")
    min_col_gap_pt: float = Field(default=6.0, ge=0, description="narrowest gap between columns")
    max_cross: float = Field(default=0.15, ge=0, lt=1,
                             description="fraction of rows whose text may cross a column gap (spanning headers)")
    min_rows: int = Field(default=2, ge=1)
    min_cols: int = Field(default=2, ge=1)


def text_rows(boxes: Sequence[TextBox], row_overlap: float = 0.5) -> list[list[TextBox]]:
    """Boxes grouped into rows, top to bottom; each row left to right."""
    rows: list[list[TextBox]] = []
    spans: list[list[float]] = []  # [top, bottom, min height]
    for bx in sorted(boxes, key=lambda b: ((b.box_px[1] + b.box_px[3]) / 2, b.box_px[0])):
        _, t, _, b = bx.box_px
        h = max(b - t, 1e-6)
        if rows:
            st, sb, sh = spans[-1]
            if min(b, sb) - max(t, st) >= row_overlap * min(h, sh):
                rows[-1].append(bx)
                spans[-1] = [min(st, t), max(sb, b), min(sh, h)]
                continue
        rows.append([bx])
        spans.append([t, b, h])
    return [sorted(r, key=lambda b: b.box_px[0]) for r in rows]


def column_gaps(rows: Sequence[Sequence[TextBox]], *, min_gap: float, max_cross: int) -> list[tuple[float, float]]:
    """Runs ``(x0, x1)`` at least ``min_gap`` wide, inside the text's extent, that at most
    ``max_cross`` rows have text over."""
    events: list[tuple[float, int]] = []
    for row in rows:
        # union of this row's boxes, so a row counts once however many boxes it has there
        ivs = sorted((b.box_px[0], b.box_px[2]) for b in row)
        cur: list[float] | None = None
        for a, z in ivs:
            if cur is not None and a <= cur[1]:
                cur[1] = max(cur[1], z)
            else:
                if cur is not None:
                    events += [(cur[0], 1), (cur[1], -1)]
                cur = [a, z]
        if cur is not None:
            events += [(cur[0], 1), (cur[1], -1)]
    if not events:
        return []
    events.sort(key=lambda e: (e[0], -e[1]))
    lo = events[0][0]
    hi = max(x for x, _ in events)
    gaps = []
    depth = 0
    start: float | None = None
    for x, d in events:
        was_open = depth <= max_cross
        depth += d
        now_open = depth <= max_cross
        if not was_open and now_open:
            start = x
        elif was_open and not now_open and start is not None:
            if x - start >= min_gap and start > lo and x < hi:
                gaps.append((start, x))
            start = None
    return gaps


def borderless_table(boxes: Sequence[TextBox], *, dpi: float = 200.0, region: BoxPx | None = None,
                     options: BorderlessOptions | None = None) -> DetectedTable | None:
    """A grid read from the alignment of the text boxes (those whose centre lies in ``region``, when
    given); None when there are fewer than ``min_rows`` rows or ``min_cols`` columns."""
    o = options or BorderlessOptions()
    if region is not None:
        rl, rt, rr, rb = region
        boxes = [b for b in boxes
                 if rl <= (b.box_px[0] + b.box_px[2]) / 2 <= rr and rt <= (b.box_px[1] + b.box_px[3]) / 2 <= rb]
    boxes = [b for b in boxes if b.text.strip()]
    rows = text_rows(boxes, o.row_overlap)
    if len(rows) < o.min_rows:
        return None
    gaps = column_gaps(rows, min_gap=o.min_col_gap_pt * dpi / 72.0, max_cross=math.floor(o.max_cross * len(rows)))
    if len(gaps) + 1 < o.min_cols:
        return None
    left = min(b.box_px[0] for b in boxes)
    right = max(b.box_px[2] for b in boxes)
    col_edges = [left, *((a + z) / 2 for a, z in gaps), right]
    tops = [min(b.box_px[1] for b in r) for r in rows]
    bottoms = [max(b.box_px[3] for b in r) for r in rows]
    row_edges = [tops[0]] + [(bottoms[i] + tops[i + 1]) / 2 for i in range(len(rows) - 1)] + [bottoms[-1]]
    nc = len(col_edges) - 1
    cells: list[DetectedCell] = []
    for ri, row in enumerate(rows):
        groups: list[list[int]] = []  # [c0, c1) per cell
        for b in row:
            inside = [c for c in range(nc) if b.box_px[0] < col_edges[c + 1] and b.box_px[2] > col_edges[c]]
            if not inside:
                continue
            c0, c1 = inside[0], inside[-1] + 1
            for g in groups:
                if c0 < g[1] and c1 > g[0]:
                    g[0], g[1] = min(g[0], c0), max(g[1], c1)
                    break
            else:
                groups.append([c0, c1])
        # merging may make groups overlap: merge until disjoint
        groups.sort()
        merged: list[list[int]] = []
        for g in groups:
            if merged and g[0] < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], g[1])
            else:
                merged.append(list(g))
        taken = {c for g in merged for c in range(g[0], g[1])}
        spans = merged + [[c, c + 1] for c in range(nc) if c not in taken]
        for c0, c1 in sorted(spans):
            box = (round(col_edges[c0], 2), round(row_edges[ri], 2), round(col_edges[c1], 2), round(row_edges[ri + 1], 2))
            quad = [(box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3])]
            cells.append(DetectedCell(row=ri, col=c0, row_span=1, col_span=c1 - c0, bbox_px=box, quad_px=quad))
    tb = (round(col_edges[0], 2), round(row_edges[0], 2), round(col_edges[-1], 2), round(row_edges[-1], 2))
    return DetectedTable(bbox_px=tb, quad_px=[(tb[0], tb[1]), (tb[2], tb[1]), (tb[2], tb[3]), (tb[0], tb[3])],
                         row_edges=[round(v, 2) for v in row_edges], col_edges=[round(v, 2) for v in col_edges],
                         cells=cells, source="borderless")
