"""Ruled tables from ruling segments: networks of rules → row/column rules → cells with spans.

Works in the *upright frame* of a :class:`~budgetdoc.table_structure.lines.LineSet` (rules
axis-parallel); cell corners are mapped back to image pixels at the end, so a skewed page gives
cells whose quads follow the skew and whose ``bbox_px`` is the axis-aligned box around that quad.

The model (sizes in points, converted with the page's dpi):

* A **table region** is a connected set of horizontal and vertical rules (a horizontal and a
  vertical rule touch when they cross or come within ``touch_tol_pt``) with at least two distinct
  positions each way once open edges are closed.
* **Open edges.** A vertical rule is open at its top when it runs on past the topmost horizontal
  rule crossing it by more than ``open_min_pt`` (likewise at the bottom; and for horizontal rules
  past the outermost vertical, left and right). When two or more rules at distinct positions are
  open on one side, the table was cut there (a page break, the page edge): a *virtual* rule is
  added where they end (their median end).
* The **grid** is the clustered positions (single linkage within ``cluster_tol_pt``; clusters
  closer than ``min_cell_pt`` are one line) of the region's horizontal rules (row edges) and
  vertical rules (column edges), each at the length-weighted mean of its rules.
* Two neighbouring grid slots belong to one cell when the rule between them is missing: the rules
  on that grid line cover less than ``cover_min`` of their common side. Slots joined to the outside
  of the grid that way are not cells. A merged region that is not a rectangle is split into
  rectangles (row by row), never dropped.
* Grid lines no cell edge uses are dropped, so ``row``/``col`` count only real boundaries — and the
  cells are read again without them (an unused line still cuts slots, so a short stray rule could
  cover "half" of a thin slot), until nothing changes.
* A network narrower than ``min_table_width_pt`` or whose median cell is lower than
  ``min_row_height_pt`` is not a table (the thick strokes of a large bold title can form one).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from budgetdoc.model.document import CellGrid, Provenance, TableCell
from budgetdoc.model.geometry import BoundingBox
from budgetdoc.table_structure.lines import LineSet, Segment
from budgetdoc.table_structure.slots import merged_slot_groups

__all__ = [
    "DetectedCell",
    "DetectedTable",
    "GridOptions",
    "Rule",
    "build_table",
    "find_tables",
    "rules_from_lines",
    "table_regions",
]

BoxPx = tuple[float, float, float, float]
Edge = Literal["top", "bottom", "left", "right"]
_EDGE_NAMES: dict[tuple[str, str], Edge] = {("v", "lo"): "top", ("v", "hi"): "bottom", ("h", "lo"): "left",
                                            ("h", "hi"): "right"}
QuadPx = list[tuple[float, float]]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GridOptions(_Frozen):
    """Options of the grid builder (lengths in points, 1/72 inch)."""

    kind: Literal["ruled"] = "ruled"
    touch_tol_pt: float = Field(default=4.0, ge=0, description="a horizontal and a vertical rule this close touch")
    cluster_tol_pt: float = Field(default=2.5, ge=0, description="rule positions this close are one grid line")
    cover_min: float = Field(default=0.5, gt=0, le=1, description="fraction of a slot side a rule must cover")
    open_min_pt: float = Field(default=5.0, ge=0, description="rules running on this far past the last crossing leave an edge open")
    close_sides: bool = Field(default=True, description="also close open left/right edges")
    min_cell_pt: float = Field(default=4.0, ge=0, description="grid lines closer than this are one line")
    min_table_width_pt: float = Field(default=54.0, ge=0, description="narrower networks are not tables")
    min_row_height_pt: float = Field(default=9.0, ge=0,
                                     description="networks whose median cell is lower than this are not tables "
                                                 "(strokes of a large bold title)")


class DetectedCell(_Frozen):
    """One cell: grid offsets and spans, its box on the image (axis-aligned around ``quad_px``)."""

    row: int = Field(ge=0)
    col: int = Field(ge=0)
    row_span: int = Field(default=1, ge=1)
    col_span: int = Field(default=1, ge=1)
    bbox_px: BoxPx = Field(description="(l, t, r, b) on the image, pixels")
    quad_px: QuadPx = Field(description="corners tl, tr, br, bl on the image, pixels")

    @property
    def row_end(self) -> int:
        return self.row + self.row_span

    @property
    def col_end(self) -> int:
        return self.col + self.col_span


class DetectedTable(_Frozen):
    """A table found on a page image: its box, grid lines and cells with explicit spans.

    ``row_edges``/``col_edges`` are the grid-line positions in the upright frame (see
    :class:`~budgetdoc.table_structure.lines.LineSet`); ``skew_deg`` and ``center`` say how that
    frame maps to the image (rotate by ``skew_deg`` about ``center``). ``open_edges`` lists the
    sides closed by a virtual rule ("top", "bottom", "left", "right"); ``source`` says how the
    table was found.
    """

    bbox_px: BoxPx
    quad_px: QuadPx
    row_edges: list[float]
    col_edges: list[float]
    cells: list[DetectedCell] = Field(default_factory=list)
    skew_deg: float = 0.0
    center: tuple[float, float] = (0.0, 0.0)
    open_edges: list[Edge] = Field(default_factory=list)
    source: Literal["ruled", "borderless"] = "ruled"

    @property
    def num_rows(self) -> int:
        return max(0, len(self.row_edges) - 1)

    @property
    def num_cols(self) -> int:
        return max(0, len(self.col_edges) - 1)

    def to_upright(self, x: float, y: float) -> tuple[float, float]:
        return _rotate(x, y, -self.skew_deg, *self.center)

    def from_upright(self, x: float, y: float) -> tuple[float, float]:
        return _rotate(x, y, self.skew_deg, *self.center)

    def cell_box_upright(self, cell: DetectedCell) -> BoxPx:
        """The cell's box in the upright frame, from the grid lines."""
        return (self.col_edges[cell.col], self.row_edges[cell.row],
                self.col_edges[cell.col_end], self.row_edges[cell.row_end])

    def to_cell_grid(self, *, texts: dict[tuple[int, int], str] | None = None, page: int | None = None,
                     dpi: float | None = None, header_rows: int = 0) -> CellGrid:
        """The schema's :class:`CellGrid` (texts empty unless given as ``{(row, col): text}``).

        With ``dpi`` each cell gets a provenance whose box is ``bbox_px`` in points (meaningful as
        upright-page points when the image is upright).
        """
        texts = texts or {}
        cells = []
        for c in self.cells:
            prov = None
            if dpi is not None:
                prov = Provenance(page=page, bbox=BoundingBox.from_pixels(*c.bbox_px, dpi=dpi), source="ocr")
            cells.append(TableCell(text=texts.get((c.row, c.col), ""), row=c.row, col=c.col,
                                   row_span=c.row_span, col_span=c.col_span,
                                   column_header=c.row < header_rows, provenance=prov))
        return CellGrid(num_rows=self.num_rows, num_cols=self.num_cols,
                        header_rows=min(header_rows, self.num_rows), cells=cells)


def _rotate(x: float, y: float, deg: float, cx: float, cy: float) -> tuple[float, float]:
    if deg == 0.0:
        return (x, y)
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    dx, dy = x - cx, y - cy
    return (cx + c * dx - s * dy, cy + s * dx + c * dy)


# --------------------------------------------------------------------------------------------------
# rules in the upright frame


@dataclass(frozen=True)
class Rule:
    """An axis-parallel rule in the upright frame: "h" at y=pos from x=a0 to a1, or "v" at x=pos."""

    orient: Literal["h", "v"]
    pos: float
    a0: float
    a1: float
    virtual: bool = False

    @property
    def length(self) -> float:
        return self.a1 - self.a0


def rules_from_lines(lines: LineSet) -> list[Rule]:
    """The line set's segments as axis-parallel rules in its upright frame."""
    out = []
    for s in lines.segments:
        (ux0, uy0), (ux1, uy1) = lines.to_upright(s.x0, s.y0), lines.to_upright(s.x1, s.y1)
        out.append(_rule(s.orientation, ux0, uy0, ux1, uy1))
    return out


def _rule(orient: Literal["h", "v"], x0: float, y0: float, x1: float, y1: float) -> Rule:
    if orient == "h":
        return Rule("h", (y0 + y1) / 2, min(x0, x1), max(x0, x1))
    return Rule("v", (x0 + x1) / 2, min(y0, y1), max(y0, y1))


def _cluster(values: Sequence[float], tol: float) -> list[list[float]]:
    """Single-linkage clusters of the values (sorted neighbours within ``tol``)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return out


def _touch(h: Rule, v: Rule, tol: float) -> bool:
    return (h.a0 - tol <= v.pos <= h.a1 + tol) and (v.a0 - tol <= h.pos <= v.a1 + tol)


def table_regions(rules: Sequence[Rule], touch_tol: float) -> list[list[Rule]]:
    """Connected networks of horizontal and vertical rules (each with both kinds), top to bottom."""
    hs = [r for r in rules if r.orient == "h"]
    vs = [r for r in rules if r.orient == "v"]
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if _touch(h, v, touch_tol):
                a, b = find(i), find(len(hs) + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, list[Rule]] = {}
    for i, r in enumerate(hs + vs):
        groups.setdefault(find(i), []).append(r)
    regions = [g for g in groups.values()
               if any(r.orient == "h" for r in g) and any(r.orient == "v" for r in g)]
    regions.sort(key=lambda g: (min(r.pos if r.orient == "h" else r.a0 for r in g),
                                min(r.pos if r.orient == "v" else r.a0 for r in g)))
    return regions


def _coverage(rules: Sequence[Rule], lo: float, hi: float) -> float:
    """Fraction of [lo, hi] covered by the union of the rules' extents."""
    if hi <= lo:
        return 1.0
    ivs = sorted((max(r.a0, lo), min(r.a1, hi)) for r in rules if r.a1 > lo and r.a0 < hi)
    covered = 0.0
    cur_lo: float | None = None
    cur_hi = 0.0
    for a, b in ivs:
        if cur_lo is None or a > cur_hi:
            if cur_lo is not None:
                covered += cur_hi - cur_lo
            cur_lo, cur_hi = a, b
        else:
            cur_hi = max(cur_hi, b)
    if cur_lo is not None:
        covered += cur_hi - cur_lo
    return covered / (hi - lo)


def close_open_edges(region: list[Rule], *, touch_tol: float, open_min: float, cluster_tol: float,
                     sides: bool = True) -> tuple[list[Rule], list[Edge]]:
    """Add a virtual rule on each side of the region where two or more rules run on, open."""
    out = list(region)
    opened: list[Edge] = []
    for orient, cross in (("v", "h"), ("h", "v")):
        if orient == "h" and not sides:
            continue
        runs = [r for r in region if r.orient == orient]
        crossers = [r for r in region if r.orient == cross]
        if not runs or not crossers:
            continue

        # where the perpendicular rules cross each run
        crossing = [[c.pos for c in crossers if c.a0 - touch_tol <= r.pos <= c.a1 + touch_tol] for r in runs]
        for side in ("lo", "hi"):
            if side == "lo":
                ext = [r for r, cs in zip(runs, crossing) if r.a0 < min(cs, default=math.inf) - open_min]
                ends = sorted(r.a0 for r in ext)
            else:
                ext = [r for r, cs in zip(runs, crossing) if r.a1 > max(cs, default=-math.inf) + open_min]
                ends = sorted(r.a1 for r in ext)
            if len(_cluster([r.pos for r in ext], cluster_tol)) < 2:
                continue
            at = ends[len(ends) // 2]
            reach = [r for r in runs if (r.a0 <= at + cluster_tol if side == "lo" else r.a1 >= at - cluster_tol)]
            out.append(Rule(cross, at, min(r.pos for r in reach), max(r.pos for r in reach), True))
            opened.append(_EDGE_NAMES[(orient, side)])
    return out, opened


def _centers(clusters: list[list[float]], weights: dict[float, float]) -> list[float]:
    out = []
    for c in clusters:
        w = [max(weights.get(v, 1.0), 1e-6) for v in c]
        out.append(sum(v * wi for v, wi in zip(c, w)) / sum(w))
    return out


def _merge_close(clusters: list[list[float]], weights: dict[float, float], min_gap: float) -> list[list[float]]:
    """Merge neighbouring clusters whose centres are closer than ``min_gap`` (no slot that thin)."""
    out: list[list[float]] = []
    for c in clusters:
        if out and _centers([c], weights)[0] - _centers([out[-1]], weights)[0] < min_gap:
            out[-1] = out[-1] + c
        else:
            out.append(list(c))
    return out


def _rectangles(slots: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Split a set of grid slots into rectangles (r0, c0, r1, c1): row runs, then stacked equal runs."""
    rows: dict[int, list[int]] = {}
    for r, c in slots:
        rows.setdefault(r, []).append(c)
    runs: list[tuple[int, int, int]] = []  # (row, c0, c1)
    for r, cs in sorted(rows.items()):
        cs.sort()
        start = prev = cs[0]
        for c in cs[1:]:
            if c != prev + 1:
                runs.append((r, start, prev + 1))
                start = c
            prev = c
        runs.append((r, start, prev + 1))
    rects: list[list[int]] = []
    for r, c0, c1 in runs:
        for rect in rects:
            if rect[2] == r and rect[1] == c0 and rect[3] == c1:
                rect[2] = r + 1
                break
        else:
            rects.append([r, c0, r + 1, c1])
    return [(x[0], x[1], x[2], x[3]) for x in rects]


def _slot_cells(ys: list[float], xs: list[float], h_on: list[list[Rule]], v_on: list[list[Rule]],
                cover_min: float) -> list[tuple[int, int, int, int]]:
    """Cells ``(r0, c0, r1, c1)`` (grid-line indices) of a grid: slots joined where a rule is missing."""
    nr, nc = len(ys) - 1, len(xs) - 1
    if nr < 1 or nc < 1:
        return []

    def v_present(k: int, r: int) -> bool:  # vertical grid line k over row slot r
        return _coverage(v_on[k], ys[r], ys[r + 1]) >= cover_min

    def h_present(k: int, c: int) -> bool:  # horizontal grid line k over column slot c
        return _coverage(h_on[k], xs[c], xs[c + 1]) >= cover_min

    comps = dict(enumerate(merged_slot_groups(nr, nc, v_present, h_present)))
    raw: list[tuple[int, int, int, int]] = []
    for slots in comps.values():
        r0 = min(t[0] for t in slots)
        r1 = max(t[0] for t in slots) + 1
        c0 = min(t[1] for t in slots)
        c1 = max(t[1] for t in slots) + 1
        if len(slots) == (r1 - r0) * (c1 - c0):
            raw.append((r0, c0, r1, c1))
        else:
            raw.extend(_rectangles(slots))
    return raw


def build_table(region: list[Rule], *, dpi: float, options: GridOptions | None = None,
                skew_deg: float = 0.0, center: tuple[float, float] = (0.0, 0.0)) -> DetectedTable | None:
    """The cells of one ruled region (rules in the upright frame); None when it encloses no cell."""
    o = options or GridOptions()
    s = dpi / 72.0
    touch, ctol, omin = o.touch_tol_pt * s, o.cluster_tol_pt * s, o.open_min_pt * s
    region, opened = close_open_edges(region, touch_tol=touch, open_min=omin, cluster_tol=ctol,
                                      sides=o.close_sides)
    hs = [r for r in region if r.orient == "h"]
    vs = [r for r in region if r.orient == "v"]
    hcl = _cluster([r.pos for r in hs], ctol)
    vcl = _cluster([r.pos for r in vs], ctol)
    if len(hcl) < 2 or len(vcl) < 2:
        return None
    hw: dict[float, float] = {}
    for r in hs:
        hw[r.pos] = hw.get(r.pos, 0.0) + r.length
    vw: dict[float, float] = {}
    for r in vs:
        vw[r.pos] = vw.get(r.pos, 0.0) + r.length
    min_cell = o.min_cell_pt * s
    hcl = _merge_close(hcl, hw, min_cell)
    vcl = _merge_close(vcl, vw, min_cell)
    ys = _centers(hcl, hw)
    xs = _centers(vcl, vw)

    def index(cl: list[list[float]], pos: float) -> int:
        for i, c in enumerate(cl):
            if c[0] - 1e-9 <= pos <= c[-1] + 1e-9:
                return i
        raise AssertionError("rule position in no cluster")

    h_on: list[list[Rule]] = [[] for _ in ys]
    v_on: list[list[Rule]] = [[] for _ in xs]
    for r in hs:
        h_on[index(hcl, r.pos)].append(r)
    for r in vs:
        v_on[index(vcl, r.pos)].append(r)
    # grid lines no cell edge uses still cut the slots (and so inflate the coverage of a short
    # stray rule across a thin slot): drop them and read the cells again until nothing changes
    for _ in range(4):
        raw = _slot_cells(ys, xs, h_on, v_on, o.cover_min)
        if not raw:
            return None
        used_r = sorted({v for r0, _, r1, _ in raw for v in (r0, r1)})
        used_c = sorted({v for _, c0, _, c1 in raw for v in (c0, c1)})
        if len(used_r) == len(ys) and len(used_c) == len(xs):
            break
        ys, h_on = [ys[i] for i in used_r], [h_on[i] for i in used_r]
        xs, v_on = [xs[i] for i in used_c], [v_on[i] for i in used_c]
    else:
        raw = _slot_cells(ys, xs, h_on, v_on, o.cover_min)
        if not raw:
            return None
    heights = sorted(ys[r1] - ys[r0] for r0, _, r1, _ in raw)
    if heights[len(heights) // 2] < o.min_row_height_pt * s:
        return None
    if max(xs[c1] for _, _, _, c1 in raw) - min(xs[c0] for _, c0, _, _ in raw) < o.min_table_width_pt * s:
        return None
    used_r = sorted({v for r0, _, r1, _ in raw for v in (r0, r1)})
    used_c = sorted({v for _, c0, _, c1 in raw for v in (c0, c1)})
    ri = {v: i for i, v in enumerate(used_r)}
    ci = {v: i for i, v in enumerate(used_c)}
    gys = [ys[v] for v in used_r]
    gxs = [xs[v] for v in used_c]

    def quad(l: float, t: float, r: float, b: float) -> QuadPx:
        return [_round2(_rotate(x, y, skew_deg, *center)) for x, y in ((l, t), (r, t), (r, b), (l, b))]

    cells = []
    for r0, c0, r1, c1 in sorted(raw):
        q = quad(xs[c0], ys[r0], xs[c1], ys[r1])
        cells.append(DetectedCell(row=ri[r0], col=ci[c0], row_span=ri[r1] - ri[r0], col_span=ci[c1] - ci[c0],
                                  bbox_px=_bbox(q), quad_px=q))
    cells.sort(key=lambda c: (c.row, c.col))
    l = min(xs[c0] for _, c0, _, _ in raw)
    r_ = max(xs[c1] for _, _, _, c1 in raw)
    t = min(ys[r0] for r0, _, _, _ in raw)
    b = max(ys[r1] for _, _, r1, _ in raw)
    tq = quad(l, t, r_, b)
    return DetectedTable(bbox_px=_bbox(tq), quad_px=tq, row_edges=[round(v, 2) for v in gys],
                         col_edges=[round(v, 2) for v in gxs], cells=cells, skew_deg=skew_deg,
                         center=center, open_edges=opened, source="ruled")


def _round2(p: tuple[float, float]) -> tuple[float, float]:
    return (round(p[0], 2), round(p[1], 2))


def _bbox(q: QuadPx) -> BoxPx:
    xs = [p[0] for p in q]
    ys = [p[1] for p in q]
    return (min(xs), min(ys), max(xs), max(ys))


def find_tables(lines: LineSet, options: GridOptions | None = None) -> list[DetectedTable]:
    """Every ruled table in a line set, top to bottom."""
    o = options or GridOptions()
    rules = rules_from_lines(lines)
    center = (lines.width / 2, lines.height / 2)
    out = []
    for region in table_regions(rules, o.touch_tol_pt * lines.dpi / 72.0):
        t = build_table(region, dpi=lines.dpi, options=o, skew_deg=lines.skew_deg, center=center)
        if t is not None and t.cells:
            out.append(t)
    return out


def segments_to_tables(horizontal: Sequence[Segment], vertical: Sequence[Segment], *, width: int, height: int,
                       dpi: float, skew_deg: float = 0.0, options: GridOptions | None = None) -> list[DetectedTable]:
    """Convenience: tables from bare segment lists (e.g. a JSON fixture)."""
    ls = LineSet(width=width, height=height, dpi=dpi, skew_deg=skew_deg, horizontal=list(horizontal),
                 vertical=list(vertical))
    return find_tables(ls, options)
