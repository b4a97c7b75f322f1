"""Ruled tables from a born-digital PDF page: visible rules -> table regions -> grids -> merged cells.

All coordinates are upright-page points, origin top-left (pdfplumber's ``top``/``bottom`` already
apply the page's ``/Rotate``).

The rule model:

* **Rules** are what a reader sees as a line: ``page.lines`` stroked in a visible (non-white)
  colour; thin ``page.rects`` (one side <= :data:`THIN`) filled or stroked in a visible colour; the
  four edges of larger rects that are stroked, or filled in a visible (non-white) colour. Rects
  filled white are invisible padding (the Jiangsu PDFs paint every cell with five white rects and
  draw the rules as 0.48 pt black rects) and are ignored, as are tiny squares (junction dots) and
  curves.
* Collinear rules (same orientation, positions within :data:`POS_TOL`) that overlap or leave a gap
  of at most :data:`GAP_TOL` are merged.
* A **table region** is a connected set of horizontal and vertical rules (they touch or cross within
  :data:`TOUCH_TOL`) with at least two distinct positions in each direction.
* Its **grid** is the distinct x positions of its vertical rules and the distinct y positions of
  its horizontal rules (clustered within :data:`GRID_TOL`). Two neighbouring grid slots are one
  cell when the rule between them is missing (covers less than :data:`COVER_MIN` of their common
  side); slots joined to the outside of the grid that way are not cells. A merged region that is
  not a rectangle is an error (:class:`GridError`), a rectangle is one cell with its spans.
* Grid lines that no cell edge uses are dropped, so ``row``/``col`` count only real boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from budgetdoc.table_structure.slots import merged_slot_groups

THIN = 2.0  # pt: a rect no thicker than this is a line
DOT = 2.0  # pt: a rect no larger than this in both directions is a junction dot, not a rule
POS_TOL = 1.0  # pt: collinear rules closer than this share one position
GAP_TOL = 2.0  # pt: collinear rules with a gap up to this are one rule
TOUCH_TOL = 2.0  # pt: a horizontal and a vertical rule this close touch
GRID_TOL = 2.0  # pt: rule positions this close are one grid line
OPEN_MIN = 4.0  # pt: vertical rules running on this far past the outer horizontal rule leave it open
COVER_MIN = 0.6  # fraction of a slot side a rule must cover to count as present
WHITE_LUMINANCE = 0.97  # colours at least this light are invisible on paper


class GridError(ValueError):
    """A ruled region that cannot be read as a grid of rectangular cells."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Segment:
    """An axis-parallel rule: ``orient`` "h" (at y=pos, from x=a0 to a1) or "v" (x=pos, y a0..a1)."""

    orient: str
    pos: float
    a0: float
    a1: float
    width: float = 0.5  # stroke thickness (pt)
    virtual: bool = False  # closes an open table edge; not drawn on the page

    @property
    def length(self) -> float:
        return self.a1 - self.a0


@dataclass
class GridCell:
    row: int
    col: int
    row_span: int
    col_span: int
    bbox: tuple[float, float, float, float]  # l, t, r, b in points

    @property
    def row_end(self) -> int:
        return self.row + self.row_span

    @property
    def col_end(self) -> int:
        return self.col + self.col_span


@dataclass
class Grid:
    """One ruled table: its box, grid line positions and cells (spans explicit)."""

    bbox: tuple[float, float, float, float]
    xs: list[float]
    ys: list[float]
    cells: list[GridCell] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)

    @property
    def num_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def num_cols(self) -> int:
        return len(self.xs) - 1

    def cell_at_point(self, x: float, y: float) -> GridCell | None:
        for c in self.cells:
            l, t, r, b = c.bbox
            if l <= x <= r and t <= y <= b:
                return c
        return None


# --------------------------------------------------------------------------------------------------
# colours and segments


def luminance(color: Any) -> float | None:
    """Luminance 0 (black) .. 1 (white) of a pdfplumber colour; None when unknown (pattern …)."""
    if color is None:
        return 0.0  # PDF default colour is black
    if isinstance(color, (int, float)):
        return float(color)
    if isinstance(color, (list, tuple)):
        vals = [v for v in color if isinstance(v, (int, float))]
        if len(vals) != len(color) or not vals:
            return None
        if len(vals) == 1:
            return float(vals[0])
        if len(vals) == 3:
            r, g, b = vals
            return 0.299 * r + 0.587 * g + 0.114 * b
        if len(vals) == 4:
            c, m, y, k = vals
            return (1 - c) * (1 - m) * (1 - y) * (1 - k)
    return None


def visible(color: Any) -> bool:
    lum = luminance(color)
    return lum is None or lum < WHITE_LUMINANCE


def collect_segments(page: Any) -> list[Segment]:
    """Visible axis-parallel rules of a pdfplumber page (unmerged)."""
    segs: list[Segment] = []

    def add_box(x0: float, top: float, x1: float, bottom: float) -> None:
        w, h = x1 - x0, bottom - top
        if w <= DOT and h <= DOT:
            return
        if h <= THIN and w > h:
            segs.append(Segment("h", (top + bottom) / 2, x0, x1, max(h, 0.1)))
        elif w <= THIN:
            segs.append(Segment("v", (x0 + x1) / 2, top, bottom, max(w, 0.1)))

    for ln in page.lines:
        if not ln.get("stroke", True) or not visible(ln.get("stroking_color")):
            continue
        x0, x1 = sorted((ln["x0"], ln["x1"]))
        top, bottom = sorted((ln["top"], ln["bottom"]))
        lw = max(float(ln.get("linewidth") or 0.0), 0.1)
        if bottom - top <= THIN and x1 - x0 > bottom - top:
            segs.append(Segment("h", (top + bottom) / 2, x0, x1, lw))
        elif x1 - x0 <= THIN and bottom - top > x1 - x0:
            segs.append(Segment("v", (x0 + x1) / 2, top, bottom, lw))
    for r in page.rects:
        x0, top, x1, bottom = r["x0"], r["top"], r["x1"], r["bottom"]
        w, h = x1 - x0, bottom - top
        filled = bool(r.get("fill")) and visible(r.get("non_stroking_color"))
        stroked = bool(r.get("stroke")) and visible(r.get("stroking_color"))
        if not (filled or stroked):
            continue
        if w <= THIN or h <= THIN:
            add_box(x0, top, x1, bottom)
        else:
            lw = max(float(r.get("linewidth") or 0.0), 0.1) if stroked else 0.1
            segs.append(Segment("h", top, x0, x1, lw))
            segs.append(Segment("h", bottom, x0, x1, lw))
            segs.append(Segment("v", x0, top, bottom, lw))
            segs.append(Segment("v", x1, top, bottom, lw))
    return segs


def _cluster(values: list[float], tol: float) -> list[list[float]]:
    """Single-linkage clusters of sorted values (neighbours within ``tol``)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return out


def merge_segments(segs: list[Segment]) -> list[Segment]:
    """Merge collinear rules that overlap or nearly touch."""
    out: list[Segment] = []
    for orient in ("h", "v"):
        group = sorted((s for s in segs if s.orient == orient), key=lambda s: (s.pos, s.a0))
        # cluster positions
        clusters: list[list[Segment]] = []
        for s in group:
            if clusters and s.pos - clusters[-1][-1].pos <= POS_TOL:
                clusters[-1].append(s)
            else:
                clusters.append([s])
        for cl in clusters:
            cl.sort(key=lambda s: s.a0)
            cur: list[Segment] = []
            cur_a1 = -1e9
            for s in cl:
                if cur and s.a0 <= cur_a1 + GAP_TOL:
                    cur.append(s)
                    cur_a1 = max(cur_a1, s.a1)
                else:
                    if cur:
                        out.append(_merged(orient, cur))
                    cur, cur_a1 = [s], s.a1
            if cur:
                out.append(_merged(orient, cur))
    return out


def _merged(orient: str, parts: list[Segment]) -> Segment:
    total = sum(max(p.length, 0.01) for p in parts)
    pos = sum(p.pos * max(p.length, 0.01) for p in parts) / total
    return Segment(orient, round(pos, 3), round(min(p.a0 for p in parts), 3), round(max(p.a1 for p in parts), 3),
                   round(max(p.width for p in parts), 3))


# --------------------------------------------------------------------------------------------------
# regions and grids


def _touch(h: Segment, v: Segment) -> bool:
    return (h.a0 - TOUCH_TOL <= v.pos <= h.a1 + TOUCH_TOL) and (v.a0 - TOUCH_TOL <= h.pos <= v.a1 + TOUCH_TOL)


def table_regions(segs: list[Segment]) -> list[list[Segment]]:
    """Connected groups of merged rules that can bound at least one cell, top to bottom."""
    hs = [s for s in segs if s.orient == "h"]
    vs = [s for s in segs if s.orient == "v"]
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if _touch(h, v):
                a, b = find(i), find(len(hs) + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, list[Segment]] = {}
    for i, s in enumerate(hs + vs):
        groups.setdefault(find(i), []).append(s)
    regions = []
    for g in groups.values():
        nh = len(_cluster([s.pos for s in g if s.orient == "h"], GRID_TOL))
        nv = len(_cluster([s.pos for s in g if s.orient == "v"], GRID_TOL))
        if nh >= 2 and nv >= 2:
            regions.append(g)
    regions.sort(key=lambda g: (min(s.pos if s.orient == "h" else s.a0 for s in g),
                                min(s.pos if s.orient == "v" else s.a0 for s in g)))
    return regions


def _coverage(segs: list[Segment], lo: float, hi: float) -> float:
    """Fraction of [lo, hi] covered by the union of the segments' extents."""
    if hi <= lo:
        return 1.0
    ivs = sorted((max(s.a0, lo), min(s.a1, hi)) for s in segs if s.a1 > lo and s.a0 < hi)
    covered, cur_lo, cur_hi = 0.0, None, None
    for a, b in ivs:
        if cur_hi is None or a > cur_hi:
            if cur_hi is not None:
                covered += cur_hi - cur_lo
            cur_lo, cur_hi = a, b
        else:
            cur_hi = max(cur_hi, b)
    if cur_hi is not None:
        covered += cur_hi - cur_lo
    return covered / (hi - lo)


def close_open_edges(region: list[Segment]) -> list[Segment]:
    """Close a table edge left open by a page break.

    A vertical rule is *open* at its top when it runs on past the topmost horizontal rule crossing
    it by more than :data:`OPEN_MIN` (likewise at the bottom). When two or more vertical rules (at
    distinct x) are open, the table was cut there: a *virtual* horizontal rule is added where they
    end (their median end), spanning every vertical rule that reaches it. Its cells are then closed
    like any other; the virtual rule is not drawn on the page (``virtual=True``).
    """
    hs = [s for s in region if s.orient == "h"]
    vs = [s for s in region if s.orient == "v"]
    if not hs or not vs:
        return region
    out = list(region)

    def crossing(v: Segment) -> list[float]:
        return [h.pos for h in hs if h.a0 - TOUCH_TOL <= v.pos <= h.a1 + TOUCH_TOL]

    for side in ("top", "bottom"):
        if side == "top":
            ext = [v for v in vs if v.a0 < min(crossing(v), default=float("inf")) - OPEN_MIN]
            ends = sorted(v.a0 for v in ext)
        else:
            ext = [v for v in vs if v.a1 > max(crossing(v), default=float("-inf")) + OPEN_MIN]
            ends = sorted(v.a1 for v in ext)
        if len(_cluster([v.pos for v in ext], GRID_TOL)) < 2:
            continue
        y = ends[len(ends) // 2]
        reach = [v for v in vs if (v.a0 <= y + GRID_TOL if side == "top" else v.a1 >= y - GRID_TOL)]
        out.append(Segment("h", round(y, 3), min(v.pos for v in reach), max(v.pos for v in reach), 0.0, True))
    return out


def build_grid(region: list[Segment]) -> Grid:
    """The cells of one ruled region; raises :class:`GridError` on a non-rectangular merge."""
    region = close_open_edges(region)
    hcl = _cluster([s.pos for s in region if s.orient == "h"], GRID_TOL)
    vcl = _cluster([s.pos for s in region if s.orient == "v"], GRID_TOL)
    ys = [round(sum(c) / len(c), 3) for c in hcl]
    xs = [round(sum(c) / len(c), 3) for c in vcl]

    def line_index(cl: list[list[float]], pos: float) -> int:
        for i, c in enumerate(cl):
            if c[0] - 1e-6 <= pos <= c[-1] + 1e-6:
                return i
        raise AssertionError("segment position not in any cluster")

    h_on: dict[int, list[Segment]] = {}
    v_on: dict[int, list[Segment]] = {}
    for s in region:
        if s.orient == "h":
            h_on.setdefault(line_index(hcl, s.pos), []).append(s)
        else:
            v_on.setdefault(line_index(vcl, s.pos), []).append(s)

    nr, nc = len(ys) - 1, len(xs) - 1

    def v_present(k: int, r: int) -> bool:  # vertical grid line k over row slot r
        return _coverage(v_on.get(k, []), ys[r], ys[r + 1]) >= COVER_MIN

    def h_present(k: int, c: int) -> bool:  # horizontal grid line k over column slot c
        return _coverage(h_on.get(k, []), xs[c], xs[c + 1]) >= COVER_MIN

    comps = dict(enumerate(merged_slot_groups(nr, nc, v_present, h_present)))
    raw: list[tuple[int, int, int, int]] = []
    for slots in comps.values():
        r0 = min(s[0] for s in slots)
        r1 = max(s[0] for s in slots) + 1
        c0 = min(s[1] for s in slots)
        c1 = max(s[1] for s in slots) + 1
        if len(slots) != (r1 - r0) * (c1 - c0):
            raise GridError(
                "non_rectangular_cell",
                f"merged region at grid ({r0},{c0})-({r1},{c1}) is not a rectangle",
            )
        raw.append((r0, c0, r1, c1))
    if not raw:
        raise GridError("no_closed_cell", "ruled region encloses no cell")
    # keep only grid lines some cell edge uses
    used_r = sorted({v for r0, _, r1, _ in raw for v in (r0, r1)})
    used_c = sorted({v for _, c0, _, c1 in raw for v in (c0, c1)})
    ri = {v: i for i, v in enumerate(used_r)}
    ci = {v: i for i, v in enumerate(used_c)}
    cells = [
        GridCell(
            row=ri[r0], col=ci[c0], row_span=ri[r1] - ri[r0], col_span=ci[c1] - ci[c0],
            bbox=(xs[c0], ys[r0], xs[c1], ys[r1]),
        )
        for r0, c0, r1, c1 in raw
    ]
    cells.sort(key=lambda c: (c.row, c.col))
    gxs = [xs[v] for v in used_c]
    gys = [ys[v] for v in used_r]
    bbox = (min(c.bbox[0] for c in cells), min(c.bbox[1] for c in cells),
            max(c.bbox[2] for c in cells), max(c.bbox[3] for c in cells))
    return Grid(bbox=bbox, xs=gxs, ys=gys, cells=cells, segments=region)


def find_grids(page: Any) -> tuple[list[Grid], list[GridError]]:
    """Every ruled table on a pdfplumber page (top to bottom) and the regions that failed."""
    segs = merge_segments(collect_segments(page))
    grids: list[Grid] = []
    errors: list[GridError] = []
    for region in table_regions(segs):
        try:
            grids.append(build_grid(region))
        except GridError as e:
            errors.append(e)
    return grids, errors
