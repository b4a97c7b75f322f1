"""Draw a :class:`DisclosureDocument` into upright page images, with labels from the drawing itself.

:func:`render_document` lays the document out on A4 pages (portrait, or landscape for wide tables),
the way the published disclosures look: a cover and narrative pages (第一部分 …), then each table
with its label line (预算公开表1), centred title, 部门名称 line on the left and 单位 line on the right,
a ruled grid with merged multi-level headers, body text in Song, numbers right-aligned, wrapped
names, notes under the table (注：本表无数据); tables longer than a page continue on the next page
without repeating the header. Performance cards are drawn as ruled forms from ``card.form``.

Every label is the geometry the renderer used to draw: a cell's box is its ruled rectangle (line
centres, upright page points, origin top-left), ``text_bbox_pt`` the ink box of the text drawn in
it. The returned truth copy of the document carries the same geometry in its provenance fields.

The result is deterministic for a given ``seed``: every variation (fonts, sizes, margins, line
widths, ink tone) is drawn from ``random.Random(seed)``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from PIL import Image, ImageDraw

from budgetdoc.model.document import (
    CellGrid,
    DisclosureDocument,
    Page,
    PerformanceCard,
    Provenance,
    Table,
    TableCell,
)
from budgetdoc.model.geometry import BoundingBox, PageTransform
from budgetdoc.model.labels import CellLabel, PageLabels, RegionLabel
from budgetdoc.synth.fonts import (
    AR_PL_UMING,
    HEI_BOLD_FACES,
    HEI_FACES,
    NOTO_SANS_SC,
    NOTO_SERIF_SC,
    NOTO_SERIF_SC_BOLD,
    WQY_ZENHEI,
    FontFace,
    Typeface,
)

A4_PORTRAIT = (595.3, 841.9)
A4_LANDSCAPE = (841.9, 595.3)

Box = tuple[float, float, float, float]
Orientation = Literal["portrait", "landscape"]
RegionKind = Literal["title", "table", "card", "text", "heading", "department_line", "unit_line",
                     "table_label", "note", "page_number", "other"]


# --------------------------------------------------------------------------------------------------
# styles


@dataclass(frozen=True)
class StyleSpec:
    """How a region's disclosures are typeset (the fixed part; sizes and fonts are drawn per document).

    ``landscape_min_cols``: tables with at least this many grid columns go on landscape pages.
    ``share_pages``: a table may start on the page where the previous one ended (Jiangsu prints
    two small tables per page); otherwise every table starts a new page.
    ``number_align``: how amounts sit in their cells. ``page_number``: format of the folio, or None.
    ``title_family``: the face family of table titles. ``header_bold``: bold Hei header cells.
    ``card_layout``: the layout :func:`budgetdoc.synth.cards.build_card_form` is asked for.
    """

    name: str
    landscape_min_cols: int = 7
    share_pages: bool = False
    number_align: Literal["right", "center"] = "right"
    page_number: str | None = "— {n} —"
    title_family: Literal["hei_bold", "song_bold", "song"] = "hei_bold"
    header_bold: bool = False
    card_layout: str = "shanxi"
    body_size: tuple[float, float] = (9.5, 10.5)
    title_size: tuple[float, float] = (15.0, 18.0)
    text_size: tuple[float, float] = (11.0, 12.0)
    row_min: tuple[float, float] = (1.75, 2.1)  # minimum row height, in body-size ems


STYLES: dict[str, StyleSpec] = {
    "shanxi": StyleSpec("shanxi"),
    "jiangsu": StyleSpec("jiangsu", landscape_min_cols=9, share_pages=True, page_number="{n}",
                         title_family="song_bold", header_bold=True, card_layout="shenbao",
                         body_size=(9.0, 10.0), title_size=(16.0, 20.0), row_min=(1.6, 1.9)),
    "shanghai": StyleSpec("shanghai", landscape_min_cols=6, number_align="center", page_number=None,
                          title_family="song", card_layout="shenbao", body_size=(9.0, 10.5),
                          title_size=(12.0, 15.0), row_min=(1.9, 2.4)),
}


@dataclass(frozen=True)
class DrawParams:
    """The variations drawn for one document (recorded in the sample's meta)."""

    style: str
    song: str
    hei: str
    title_face: str
    body_size: float
    title_size: float
    text_size: float
    line_spacing: float
    row_min_em: float
    outer_rule_pt: float
    inner_rule_pt: float
    margin_l: float
    margin_r: float
    margin_t: float
    margin_b: float
    ink: int
    cell_pad_pt: float

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


_FACES_BY_NAME = {f.name: f for f in (NOTO_SERIF_SC, AR_PL_UMING, NOTO_SERIF_SC_BOLD, NOTO_SANS_SC,
                                      WQY_ZENHEI, *HEI_BOLD_FACES)}


def draw_params(seed: int, style: str) -> DrawParams:
    """The per-document variations for ``seed`` in ``style`` (fonts, sizes, margins, rules, ink)."""
    spec = _style(style)
    rng = random.Random(f"budgetdoc-render-{seed}-{style}")
    song = rng.choice([NOTO_SERIF_SC, NOTO_SERIF_SC, AR_PL_UMING])
    hei = rng.choice(HEI_FACES)
    title = {"hei_bold": rng.choice([*HEI_BOLD_FACES, WQY_ZENHEI]),
             "song_bold": NOTO_SERIF_SC_BOLD, "song": song}[spec.title_family]
    u = rng.uniform
    return DrawParams(
        style=spec.name, song=song.name, hei=hei.name, title_face=title.name,
        body_size=round(u(*spec.body_size) * 2) / 2,
        title_size=round(u(*spec.title_size)),
        text_size=round(u(*spec.text_size) * 2) / 2,
        line_spacing=round(u(1.25, 1.45), 2),
        row_min_em=round(u(*spec.row_min), 2),
        outer_rule_pt=round(u(0.75, 1.2), 2),
        inner_rule_pt=round(u(0.5, 0.75), 2),
        margin_l=round(u(48, 72), 1), margin_r=round(u(48, 72), 1),
        margin_t=round(u(50, 72), 1), margin_b=round(u(52, 68), 1),
        ink=rng.randint(0, 35),
        cell_pad_pt=round(u(2.5, 4.0), 1),
    )


def _style(style: str) -> StyleSpec:
    try:
        return STYLES[style]
    except KeyError:
        raise ValueError(f"unknown style {style!r}; choose from {sorted(STYLES)}") from None


# --------------------------------------------------------------------------------------------------
# output types


@dataclass
class DrawnCell:
    """One table or card-form cell as drawn on one page (a cell cut by a page break: one per page)."""

    row: int
    col: int
    row_span: int
    col_span: int
    text: str
    column_header: bool
    bbox_pt: Box
    text_bbox_pt: Box | None
    table_id: str | None = None
    card_id: str | None = None


@dataclass
class DrawnRegion:
    kind: RegionKind
    bbox_pt: Box
    text: str | None = None
    ref: str | None = None


@dataclass
class RenderedPage:
    """One upright page: the raster, its size in points, and what was drawn where."""

    number: int
    image: Image.Image  # mode "L", upright, at ``dpi``
    line_mask: Image.Image  # mode "L": 255 where a ruling line was drawn
    width_pt: float
    height_pt: float
    dpi: float
    orientation: Orientation
    regions: list[DrawnRegion] = field(default_factory=list)
    cells: list[DrawnCell] = field(default_factory=list)

    def labels(self, *, transform: PageTransform | None = None, size_px: tuple[int, int] | None = None,
               dpi: float | None = None, preset: str | None = None) -> PageLabels:
        """Labels of this page on the delivered image (default: the upright raster itself)."""
        tr = transform or PageTransform.identity_at(self.dpi)
        w, h = size_px or self.image.size

        def geo(b: Box) -> dict[str, Any]:
            b = _rnd(b)  # type: ignore[assignment]
            bb = BoundingBox(l=b[0], t=b[1], r=b[2], b=b[3])
            return {"bbox_pt": b, "bbox_px": _rnd(tr.pixel_bbox(bb), 1),
                    "quad_px": [(round(x, 1), round(y, 1)) for x, y in tr.quad(bb)]}

        return PageLabels(
            page=self.number, width_px=w, height_px=h, dpi=dpi or self.dpi,
            width_pt=self.width_pt, height_pt=self.height_pt, preset=preset, transform=tr,
            regions=[RegionLabel(kind=r.kind, ref=r.ref, text=r.text, **geo(r.bbox_pt)) for r in self.regions],
            cells=[CellLabel(table_id=c.table_id, card_id=c.card_id, row=c.row, col=c.col, row_span=c.row_span,
                             col_span=c.col_span, text=c.text, column_header=c.column_header,
                             text_bbox_pt=_rnd(c.text_bbox_pt), **geo(c.bbox_pt)) for c in self.cells],
        )


@dataclass
class RenderedDocument:
    """The drawn pages and a truth copy of the document with every drawn box filled in."""

    pages: list[RenderedPage]
    truth: DisclosureDocument
    dpi: int
    style: str
    seed: int
    params: DrawParams

    def meta(self) -> dict[str, Any]:
        return {"render_seed": self.seed, "render_dpi": self.dpi, **self.params.as_dict()}


# --------------------------------------------------------------------------------------------------
# text helpers

_NUMBER = re.compile(r"^[-+−]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?%?$")
_CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")
_ENUM_HEADING = re.compile(r"^(（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|\d+[、.．])")
_TOKEN = re.compile(r"[A-Za-z0-9.,%:/\-+_]+|\s+|.", re.DOTALL)
_CLOSE = set("，。、；：？！）」』”’》〉】,.;:?!)%")


def is_number(text: str) -> bool:
    t = text.strip()
    return bool(t) and any(ch.isdigit() for ch in t) and bool(_NUMBER.match(t))


def wrap_text(text: str, tf: Typeface, max_w: float, *, first_w: float | None = None) -> list[str]:
    """Greedy line breaking for Chinese text: any character may break, Latin/digit runs stay whole
    (unless wider than a line), closing punctuation never starts a line; ``\\n`` forces a break.
    ``first_w`` is the width of the very first line (an indented paragraph), default ``max_w``."""
    lines: list[str] = []
    full_w = max_w
    for para in text.split("\n"):
        cur: list[str] = []
        cur_w = 0.0
        for tok in _TOKEN.findall(para):
            max_w = first_w if (first_w is not None and not lines) else full_w
            w = tf.width_pt(tok)
            if cur and cur_w + w > max_w + 1e-6:
                if tok.isspace():
                    lines.append("".join(cur).rstrip())
                    cur, cur_w = [], 0.0
                    continue
                if tok[0] in _CLOSE and len(cur) > 1:
                    last = cur.pop()
                    lines.append("".join(cur).rstrip())
                    cur = [last]
                    cur_w = tf.width_pt(last)
                else:
                    lines.append("".join(cur).rstrip())
                    cur, cur_w = [], 0.0
            if w > max_w and len(tok) > 1:  # an unbreakable run wider than the line: break by chars
                for ch in tok:
                    cw = tf.advance_pt(ch)
                    if cur and cur_w + cw > max_w + 1e-6:
                        lines.append("".join(cur))
                        cur, cur_w = [], 0.0
                    cur.append(ch)
                    cur_w += cw
                continue
            if not cur and tok.isspace():
                continue
            cur.append(tok)
            cur_w += w
        lines.append("".join(cur).rstrip())
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    return lines


def _min_token_width(text: str, tf: Typeface) -> float:
    return max((tf.width_pt(t) for t in _TOKEN.findall(text) if not t.isspace()), default=0.0)


def _union(a: Box | None, b: Box | None) -> Box | None:
    if a is None:
        return b
    if b is None:
        return a
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _rnd(b: Box | None, nd: int = 2) -> Box | None:
    return None if b is None else (round(b[0], nd), round(b[1], nd), round(b[2], nd), round(b[3], nd))


def _bbox(b: Box) -> BoundingBox:
    return BoundingBox(l=round(b[0], 2), t=round(b[1], 2), r=round(b[2], 2), b=round(b[3], 2))


# --------------------------------------------------------------------------------------------------
# pages


class _PageCanvas:
    def __init__(self, number: int, orientation: Orientation, dpi: int, p: DrawParams) -> None:
        self.number = number
        self.orientation = orientation
        self.width_pt, self.height_pt = A4_PORTRAIT if orientation == "portrait" else A4_LANDSCAPE
        self.dpi = dpi
        self.s = dpi / 72.0
        size = (int(round(self.width_pt * self.s)), int(round(self.height_pt * self.s)))
        self.image = Image.new("L", size, 255)
        self.mask = Image.new("L", size, 0)
        self.draw = ImageDraw.Draw(self.image)
        self.mdraw = ImageDraw.Draw(self.mask)
        self.left = p.margin_l
        self.right = self.width_pt - p.margin_r
        self.top = p.margin_t
        self.bottom = self.height_pt - p.margin_b
        self.y = self.top
        self.regions: list[DrawnRegion] = []
        self.cells: list[DrawnCell] = []
        self.ink = p.ink

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def remaining(self) -> float:
        return self.bottom - self.y

    def text(self, x: float, baseline: float, s: str, tf: Typeface) -> Box | None:
        """Draw one line with its left end at ``x`` and baseline at ``baseline`` (points); ink box."""
        if not s.strip():
            return None
        xy = (x * self.s, baseline * self.s)
        self.draw.text(xy, s, font=tf.font, fill=self.ink, anchor="ls")
        l, t, r, b = self.draw.textbbox(xy, s, font=tf.font, anchor="ls")
        return (l / self.s, t / self.s, r / self.s, b / self.s)

    def hline(self, x0: float, x1: float, y: float, w: float) -> None:
        wp = self._wpx(w)
        y0 = int(round(y * self.s - wp / 2))
        self._fill(int(round(x0 * self.s - wp / 2)), y0, int(round(x1 * self.s - wp / 2)) + wp, y0 + wp)

    def vline(self, x: float, y0: float, y1: float, w: float) -> None:
        wp = self._wpx(w)
        x0 = int(round(x * self.s - wp / 2))
        self._fill(x0, int(round(y0 * self.s - wp / 2)), x0 + wp, int(round(y1 * self.s - wp / 2)) + wp)

    def _wpx(self, w: float) -> int:
        return max(1, int(round(w * self.s)))

    def _fill(self, x0: int, y0: int, x1: int, y1: int) -> None:
        """Fill pixels [x0, x1) x [y0, y1) with ink, and mark them as ruling in the line mask."""
        self.draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=self.ink)
        self.mdraw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=255)

    def region(self, kind: RegionKind, box: Box | None, text: str | None = None, ref: str | None = None) -> None:
        if box is not None:
            self.regions.append(DrawnRegion(kind=kind, bbox_pt=box, text=text, ref=ref))

    def done(self) -> RenderedPage:
        return RenderedPage(number=self.number, image=self.image, line_mask=self.mask, width_pt=self.width_pt,
                            height_pt=self.height_pt, dpi=self.dpi, orientation=self.orientation,
                            regions=self.regions, cells=self.cells)


# --------------------------------------------------------------------------------------------------
# grid layout


@dataclass
class _GridCell:
    cell: TableCell
    tf: Typeface
    align: Literal["left", "right", "center"]
    lines: list[str] = field(default_factory=list)


@dataclass
class _GridLayout:
    col_x: list[float]  # num_cols + 1 boundaries, relative to the grid's left edge
    row_h: list[float]
    cells: list[_GridCell]
    line_h: dict[int, float]  # per cell index: line height

    @property
    def width(self) -> float:
        return self.col_x[-1]


class _Renderer:
    def __init__(self, doc: DisclosureDocument, seed: int, dpi: int, style: str, text_pages: bool) -> None:
        self.spec = _style(style)
        self.p = draw_params(seed, style)
        self.rng = random.Random(f"budgetdoc-layout-{seed}-{style}")
        self.dpi = dpi
        self.text_pages = text_pages
        self.truth = doc.model_copy(deep=True)
        self.pages: list[RenderedPage] = []
        self.cur: _PageCanvas | None = None
        self.song = _FACES_BY_NAME[self.p.song]
        self.hei = _FACES_BY_NAME[self.p.hei]
        self.title_face = _FACES_BY_NAME[self.p.title_face]
        self.hei_bold = HEI_BOLD_FACES[0]

    # -- typefaces -------------------------------------------------------------------------------

    def tf(self, face: FontFace, size: float) -> Typeface:
        return Typeface(face, size, self.dpi)

    # -- pages -----------------------------------------------------------------------------------

    def new_page(self, orientation: Orientation = "portrait") -> _PageCanvas:
        self.finish_page()
        self.cur = _PageCanvas(len(self.pages) + 1, orientation, self.dpi, self.p)
        return self.cur

    def finish_page(self) -> None:
        pg = self.cur
        if pg is None:
            return
        fmt = self.spec.page_number
        if fmt:
            tf = self.tf(self.song, 9.0)
            s = fmt.format(n=pg.number)
            w = tf.width_pt(s)
            base = pg.height_pt - pg_bottom_gap(self.p)
            box = pg.text((pg.width_pt - w) / 2, base, s, tf)
            pg.region("page_number", box, s)
        self.pages.append(pg.done())
        self.cur = None

    def page(self, orientation: Orientation = "portrait", need: float = 0.0, fresh: bool = False) -> _PageCanvas:
        """The current page if it has the orientation and ``need`` points left; else a new one."""
        pg = self.cur
        if pg is None or fresh or pg.orientation != orientation or pg.remaining < need:
            pg = self.new_page(orientation)
        return pg

    # -- text blocks -----------------------------------------------------------------------------

    def centered_line(self, pg: _PageCanvas, s: str, tf: Typeface, gap_after: float) -> Box | None:
        lines = wrap_text(s, tf, pg.width)
        box: Box | None = None
        lh = tf.size_pt * 1.35
        for ln in lines:
            w = tf.width_pt(ln)
            box = _union(box, pg.text(pg.left + (pg.width - w) / 2, pg.y + lh * 0.5 + tf.size_pt * 0.38, ln, tf))
            pg.y += lh
        pg.y += gap_after
        return box

    def paragraph(self, s: str, tf: Typeface, *, indent: float, kind: RegionKind, ref: str | None,
                  pages: set[int], spans: list[tuple[int, float, float, str, int]] | None = None) -> None:
        """Flow a paragraph over pages (first line indented); one text region per page it touches.

        ``spans`` collects (page, x, baseline, line, char offset) per line for locating phrases.
        """
        lh = tf.size_pt * self.p.line_spacing
        pg = self.page("portrait", need=lh)
        lines = wrap_text(s, tf, pg.width, first_w=pg.width - indent)
        offset = 0
        box: Box | None = None
        drawn: list[str] = []
        for i, ln in enumerate(lines):
            if pg.remaining < lh:
                pg.region(kind, box, "".join(drawn), ref)
                box, drawn = None, []
                pg = self.new_page("portrait")
            x = pg.left + (indent if i == 0 else 0.0)
            base = pg.y + lh * 0.5 + tf.size_pt * 0.38
            start = s.find(ln, offset) if ln else offset
            if start < 0:
                start = offset
            b = pg.text(x, base, ln, tf)
            if spans is not None:
                spans.append((pg.number, x, base, ln, start))
            offset = start + len(ln)
            box = _union(box, b)
            drawn.append(ln)
            pages.add(pg.number)
            pg.y += lh
        pg.region(kind, box, "".join(drawn), ref)
        pg.y += lh * 0.25

    # -- grids -----------------------------------------------------------------------------------

    def layout_grid(self, grid: CellGrid, width: float, size: float, *, columns: list[Any] | None,
                    fill: bool = True) -> tuple[_GridLayout, float]:
        """Column widths from text measurement, wrapped lines, row heights.

        Returns the layout and the overflow (points by which the columns' minimum widths exceed
        ``width``; 0 when they fit).
        """
        pad = self.p.cell_pad_pt
        body = self.tf(self.song, size)
        head = self.tf(self.hei_bold if self.spec.header_bold else self.song, size)
        roles = {c.index: c.role for c in (columns or [])}
        gcells: list[_GridCell] = []
        for c in grid.cells:
            hdr = c.column_header or c.row < grid.header_rows
            tf = head if hdr else body
            if hdr:
                align = "center"
            elif is_number(c.text) and not _CODE.match(c.text.strip()) and roles.get(c.col) not in (
                    "subject_code", "subject_code_lei", "subject_code_kuan", "subject_code_xiang",
                    "economic_code", "serial"):
                align = "right" if self.spec.number_align == "right" else "center"
            elif c.col_span > 1 and len(c.text) <= 12:
                align = "center"
            else:
                align = "left"
            gcells.append(_GridCell(c, tf, align))  # type: ignore[arg-type]
        n = grid.num_cols
        natural = [2 * pad + size * 2.0] * n
        minimum = [2 * pad + size * 1.0] * n
        for g in gcells:
            c = g.cell
            if c.col_span != 1 or not c.text:
                continue
            longest = max((g.tf.width_pt(t) for t in c.text.split("\n")), default=0.0)
            hdr = g.align == "center" and (c.column_header or c.row < grid.header_rows)
            if hdr:  # headers wrap readily: they ask for up to 6 characters on a line
                natural[c.col] = max(natural[c.col], min(longest, size * 6.2) + 2 * pad)
                minimum[c.col] = max(minimum[c.col], min(longest, size * 4.1) + 2 * pad)
            else:
                natural[c.col] = max(natural[c.col], longest + 2 * pad)
                tok = _min_token_width(c.text, g.tf)
                want = min(longest, max(tok, size * 5.2))
                minimum[c.col] = max(minimum[c.col], want + 2 * pad)
        # spanning cells: their columns together should fit their text on a line or two
        for g in gcells:
            c = g.cell
            if c.col_span < 2 or not c.text:
                continue
            cols = range(c.col, c.col_end)
            need = min(g.tf.width_pt(c.text), size * 8.0) + 2 * pad
            have = sum(natural[k] for k in cols)
            if have < need:
                for k in cols:
                    natural[k] += (need - have) / c.col_span
        overflow = max(0.0, sum(minimum) - width)
        total_nat = sum(natural)
        if total_nat <= width:
            extra = width - total_nat if fill else 0.0
            widths = [w + extra * w / total_nat for w in natural]
        else:
            room = width - sum(minimum)
            desire = [max(0.0, nat - mn) for nat, mn in zip(natural, minimum, strict=True)]
            tot = sum(desire) or 1.0
            widths = [mn + max(0.0, room) * d / tot for mn, d in zip(minimum, desire, strict=True)]
        col_x = [0.0]
        for w in widths:
            col_x.append(col_x[-1] + w)
        # wrap and row heights
        row_h = [size * self.p.row_min_em] * grid.num_rows
        line_h: dict[int, float] = {}
        spanning: list[tuple[int, float]] = []
        for i, g in enumerate(gcells):
            c = g.cell
            cw = col_x[c.col_end] - col_x[c.col] - 2 * pad
            g.lines = wrap_text(c.text, g.tf, cw) if c.text else []
            lh = g.tf.size_pt * (1.25 if len(g.lines) > 1 else 1.3)
            line_h[i] = lh
            need = len(g.lines) * lh + 2 * pad * 0.8
            if c.row_span == 1:
                row_h[c.row] = max(row_h[c.row], need)
            else:
                spanning.append((i, need))
        for i, need in sorted(spanning, key=lambda t: gcells[t[0]].cell.row_span):
            c = gcells[i].cell
            have = sum(row_h[c.row:c.row_end])
            if have < need:
                for r in range(c.row, c.row_end):
                    row_h[r] += (need - have) / c.row_span
        return _GridLayout(col_x=col_x, row_h=row_h, cells=gcells, line_h=line_h), overflow

    def _break_rows(self, grid: CellGrid, lay: _GridLayout, start: int, avail: float) -> int:
        """End row (exclusive) of the chunk starting at ``start`` that fits ``avail`` points.

        Prefers a boundary no row-spanning cell crosses; at least one row per chunk.
        """
        n = grid.num_rows
        crossing = set()
        for g in lay.cells:
            c = g.cell
            for r in range(c.row + 1, c.row_end):
                crossing.add(r)  # boundary above row r is inside a merged cell
        y = 0.0
        end = start
        while end < n and y + lay.row_h[end] <= avail + 1e-6:
            y += lay.row_h[end]
            end += 1
        if end >= n:
            return n
        if end == start:
            return start + 1
        best = end
        while best > start and best in crossing:
            best -= 1
        return best if best > start else end

    def draw_grid(self, grid: CellGrid, lay: _GridLayout, *, ref_table: str | None, ref_card: str | None,
                  orientation: Orientation, header_need: float = 0.0) -> dict[str, Any]:
        """Draw the grid from the current position, continuing on new pages without repeating the
        header. Returns per-page boxes and per-cell provenance."""
        p = self.p
        n = grid.num_rows
        page_boxes: dict[int, Box] = {}
        cell_prov: dict[int, tuple[int, Box, Box | None]] = {}
        start = 0
        pg = self.page(orientation)
        while start < n:
            avail = pg.bottom - pg.y
            end = self._break_rows(grid, lay, start, avail)
            if sum(lay.row_h[start:end]) > avail + 1e-6 and pg.y > pg.top + 1e-6:
                pg = self.new_page(orientation)  # not even one row fits here
                continue
            x0 = pg.left + (pg.width - lay.width) / 2
            row_y = [pg.y]
            for r in range(start, end):
                row_y.append(row_y[-1] + lay.row_h[r])
            top, bottom = row_y[0], row_y[-1]
            for i, g in enumerate(lay.cells):
                c = g.cell
                if c.row_end <= start or c.row >= end:
                    continue
                r0, r1 = max(c.row, start), min(c.row_end, end)
                ct, cb = row_y[r0 - start], row_y[r1 - start]
                cl, cr = x0 + lay.col_x[c.col], x0 + lay.col_x[c.col_end]
                box = (cl, ct, cr, cb)
                # a merged cell cut by a page break carries its text on the page holding most of it
                whole = sum(lay.row_h[c.row:c.row_end])
                here = cb - ct
                carries = (c.row >= start and c.row_end <= end) or here * 2 > whole or (
                    here * 2 == whole and c.row >= start)
                ink: Box | None = None
                text = ""
                if carries and g.lines:
                    ink = self._cell_text(pg, g, box, lay.line_h[i])
                    text = c.text
                if carries or i not in cell_prov:
                    cell_prov[i] = (pg.number, box, ink)
                pg.cells.append(DrawnCell(row=c.row, col=c.col, row_span=c.row_span, col_span=c.col_span,
                                          text=text, column_header=c.column_header, bbox_pt=box,
                                          text_bbox_pt=ink, table_id=ref_table, card_id=ref_card))
                # rules: every cell draws its four edges (shared edges coincide)
                w_top = p.outer_rule_pt if (r0 == start) else p.inner_rule_pt
                w_bot = p.outer_rule_pt if (r1 == end) else p.inner_rule_pt
                w_l = p.outer_rule_pt if c.col == 0 else p.inner_rule_pt
                w_r = p.outer_rule_pt if c.col_end == grid.num_cols else p.inner_rule_pt
                pg.hline(cl, cr, ct, w_top)
                pg.hline(cl, cr, cb, w_bot)
                pg.vline(cl, ct, cb, w_l)
                pg.vline(cr, ct, cb, w_r)
            covered = {(r, k) for g in lay.cells for r in range(g.cell.row, g.cell.row_end)
                       for k in range(g.cell.col, g.cell.col_end)}
            for r in range(start, end):  # slots no cell covers: still ruled, as blank cells
                for k in range(grid.num_cols):
                    if (r, k) not in covered:
                        ct, cb = row_y[r - start], row_y[r - start + 1]
                        cl, cr = x0 + lay.col_x[k], x0 + lay.col_x[k + 1]
                        pg.hline(cl, cr, ct, p.inner_rule_pt)
                        pg.hline(cl, cr, cb, p.inner_rule_pt)
                        pg.vline(cl, ct, cb, p.inner_rule_pt)
                        pg.vline(cr, ct, cb, p.inner_rule_pt)
            page_boxes[pg.number] = (x0, top, x0 + lay.width, bottom)
            pg.y = bottom
            start = end
            if start < n:
                pg = self.new_page(orientation)
        if n == 0:
            pass
        return {"page_boxes": page_boxes, "cell_prov": cell_prov}

    def _cell_text(self, pg: _PageCanvas, g: _GridCell, box: Box, lh: float) -> Box | None:
        pad = self.p.cell_pad_pt
        l, t, r, b = box
        total = len(g.lines) * lh
        y = t + (b - t - total) / 2
        ink: Box | None = None
        tf = g.tf
        for ln in g.lines:
            w = tf.width_pt(ln)
            if g.align == "left":
                x = l + pad
            elif g.align == "right":
                x = r - pad - w
            else:
                x = (l + r - w) / 2
            ink = _union(ink, pg.text(x, y + lh * 0.5 + tf.size_pt * 0.38, ln, tf))
            y += lh
        return ink

    # -- tables ----------------------------------------------------------------------------------

    def fit_grid(self, grid: CellGrid, columns: list[Any] | None, orientation: Orientation,
                 may_turn: bool) -> tuple[_GridLayout, Orientation, float]:
        """Choose the size (and, if allowed, orientation) at which the grid's columns fit."""
        size = self.p.body_size
        orient = orientation
        while True:
            page_w, page_h = A4_PORTRAIT if orient == "portrait" else A4_LANDSCAPE
            width = page_w - self.p.margin_l - self.p.margin_r
            lay, overflow = self.layout_grid(grid, width, size, columns=columns)
            # a single row taller than a page cannot be drawn: shrink the text as for width
            tallest = max(lay.row_h, default=0.0)
            overflow = max(overflow, tallest - (page_h - self.p.margin_t - self.p.margin_b - 60.0))
            if overflow <= 0:
                return lay, orient, size
            if may_turn and orient == "portrait":
                orient = "landscape"
                continue
            if size <= 6.5:
                return lay, orient, size
            size = round(size - 0.5, 1)

    def table(self, t: Table, index: int, first_heading: str | None) -> None:
        spec = self.spec
        p = self.p
        orient: Orientation = "landscape" if t.num_cols >= spec.landscape_min_cols else "portrait"
        lay, orient, size = self.fit_grid(t, t.columns, orient, may_turn=True)
        title_tf = self.tf(self.title_face, p.title_size)
        small = self.tf(self.song, max(9.0, size))
        # the block above the grid: label, title, department/unit line
        head_h = (small.size_pt * 1.8 if t.label else 0) + title_tf.size_pt * 1.35 + p.title_size * 0.5 \
            + small.size_pt * 1.6
        first_rows = sum(lay.row_h[:min(len(lay.row_h), max(t.header_rows, 0) + 2)])
        need = head_h + first_rows + (20 if first_heading else 0)
        fresh = not spec.share_pages or index == 0
        if self.cur is not None and self.cur.orientation == orient and self.cur.y > self.cur.top + 1 and fresh:
            pg = self.new_page(orient)
        else:
            pg = self.page(orient, need=need + 24)
            if pg.y > pg.top + 1:
                pg.y += 24  # space between two tables sharing a page
        if first_heading:
            tf = self.tf(self.hei_bold, p.text_size + 2)
            box = self.centered_line(pg, first_heading, tf, tf.size_pt * 0.8)
            pg.region("heading", box, first_heading)
        x0 = pg.left + (pg.width - lay.width) / 2
        x1 = x0 + lay.width
        if t.label:
            base = pg.y + small.size_pt * 1.2
            box = pg.text(x0, base, t.label, small)
            pg.region("table_label", box, t.label, t.id)
            pg.y += small.size_pt * 1.8
        box = self.centered_line(pg, t.title, title_tf, p.title_size * 0.45)
        pg.region("title", box, t.title, t.id)
        if box is not None:
            t.title_provenance = Provenance(page=pg.number, bbox=_bbox(box), raw_text=t.title, confidence=1.0,
                                            source="label")
        dept = f"部门名称：{t.department}" if t.department else None
        unit = f"单位：{t.unit.value}" if t.unit is not None else None
        if dept or unit:
            base = pg.y + small.size_pt * 1.05
            if dept:
                b = pg.text(x0 + 1, base, dept, small)
                pg.region("department_line", b, dept, t.id)
            if unit:
                w = small.width_pt(unit)
                b = pg.text(x1 - w - 1, base, unit, small)
                pg.region("unit_line", b, unit, t.id)
            pg.y += small.size_pt * 1.6
        res = self.draw_grid(t, lay, ref_table=t.id, ref_card=None, orientation=orient)
        self._finish_grid(t, res, "table", t.id)
        t.pages = sorted(set(res["page_boxes"]) | ({t.title_provenance.page} if t.title_provenance else set()))
        t.bbox_by_page = {k: _bbox(v) for k, v in sorted(res["page_boxes"].items())}
        # notes
        note_tf = self.tf(self.song, max(8.5, size - 0.5))
        pg = self.cur
        assert pg is not None
        pg.y += note_tf.size_pt * 0.4
        for note in t.notes:
            lines = wrap_text(note, note_tf, lay.width)
            lh = note_tf.size_pt * 1.35
            if pg.remaining < lh * len(lines):
                pg = self.new_page(orient)
            box = None
            for ln in lines:
                box = _union(box, pg.text(x0, pg.y + lh * 0.5 + note_tf.size_pt * 0.38, ln, note_tf))
                pg.y += lh
            pg.region("note", box, note, t.id)
            if pg.number not in t.pages:
                t.pages.append(pg.number)

    def _finish_grid(self, grid: CellGrid, res: dict[str, Any], kind: RegionKind, ref: str) -> None:
        pages = {pg.number: pg for pg in self.pages}
        if self.cur is not None:
            pages[self.cur.number] = self.cur  # type: ignore[assignment]
        for num, box in res["page_boxes"].items():
            pages[num].regions.append(DrawnRegion(kind=kind, bbox_pt=box, ref=ref))
        for i, c in enumerate(grid.cells):
            num, box, _ink = res["cell_prov"][i]
            c.provenance = Provenance(page=num, bbox=_bbox(box), raw_text=c.text, confidence=1.0, source="label")

    # -- cards -----------------------------------------------------------------------------------

    def card(self, card: PerformanceCard) -> None:
        p = self.p
        if card.form is None:
            card.form = build_form(card, layout=self.spec.card_layout)
        form = card.form
        orient: Orientation = "landscape" if form.num_cols >= 11 else "portrait"
        lay, orient, _size = self.fit_grid(form, None, orient, may_turn=False)
        pg = self.new_page(orient) if (self.cur is None or self.cur.y > self.cur.top + 1
                                       or self.cur.orientation != orient) else self.cur
        title_tf = self.tf(self.title_face, max(13.0, p.title_size - 2))
        box = self.centered_line(pg, card.title, title_tf, p.title_size * 0.5)
        pg.region("title", box, card.title, card.id)
        res = self.draw_grid(form, lay, ref_table=None, ref_card=card.id, orientation=orient)
        self._finish_grid(form, res, "card", card.id)
        card.pages = sorted(res["page_boxes"])
        self._card_provenance(card)

    def _card_provenance(self, card: PerformanceCard) -> None:
        form = card.form
        assert form is not None
        by_row: dict[int, list[TableCell]] = {}
        for c in form.cells:
            by_row.setdefault(c.row, []).append(c)
        for cells in by_row.values():
            cells.sort(key=lambda c: c.col)
        used: set[int] = set()
        # indicators: the 指标值 cell right of the 三级指标 cell (left block first for 实施期)
        for ind in card.indicators:
            if not ind.value and not ind.level3:
                continue
            best = None
            for r in sorted(by_row):
                cells = by_row[r]
                for j, c in enumerate(cells):
                    if id(c) in used or c.text != ind.level3 or not ind.level3:
                        continue
                    nxt = cells[j + 1] if j + 1 < len(cells) else None
                    if nxt is not None and nxt.text == ind.value and id(nxt) not in used:
                        best = (c, nxt)
                        break
                if best:
                    break
            if best is None:
                continue
            used.add(id(best[0]))
            used.add(id(best[1]))
            pv = best[1].provenance
            if pv is not None:
                ind.provenance = Provenance(page=pv.page, bbox=pv.bbox, raw_text=ind.value, confidence=1.0,
                                            source="label")
        # printed fields: the value cell right of the key cell
        for f in card.fields:
            for cells in (by_row[r] for r in sorted(by_row)):
                hit = next((j for j, c in enumerate(cells) if c.text.rstrip("：:") == f.key.rstrip("：:")), None)
                if hit is not None and hit + 1 < len(cells) and cells[hit + 1].text == f.value:
                    pv = cells[hit + 1].provenance
                    if pv is not None:
                        f.provenance = Provenance(page=pv.page, bbox=pv.bbox, raw_text=f.value, confidence=1.0,
                                                  source="label")
                    break

    # -- narrative -------------------------------------------------------------------------------

    def cover(self) -> None:
        d = self.truth
        if not (d.title or d.department):
            return
        pg = self.new_page("portrait")
        pg.y = pg.top + pg.width * 0.12
        if d.department:
            tf = self.tf(self.hei_bold, self.p.title_size + 2)
            box = self.centered_line(pg, d.department, tf, tf.size_pt * 1.5)
            pg.region("heading", box, d.department)
        if d.title:
            tf = self.tf(self.title_face, self.p.title_size + 6)
            box = self.centered_line(pg, d.title, tf, tf.size_pt * 2.0)
            pg.region("title", box, d.title)

    def sections(self, indices: list[int], cards_after: int | None, printed_parts: set[str]) -> None:
        d = self.truth
        text_tf = self.tf(self.song, self.p.text_size)
        head_tf = self.tf(self.hei, self.p.text_size)
        part_tf = self.tf(self.hei_bold, self.p.text_size + 3)
        for i in indices:
            sec = d.sections[i]
            pages: set[int] = set()
            enumerated = bool(_ENUM_HEADING.match(sec.heading))
            if sec.part and sec.part not in printed_parts:
                printed_parts.add(sec.part)
                line = f"{sec.part} {part_title(sec.part, d)}".strip() if enumerated else f"{sec.part} {sec.heading}"
                pg = self.page("portrait", need=part_tf.size_pt * 6)
                pg.y += part_tf.size_pt * 0.5
                box = self.centered_line(pg, line, part_tf, part_tf.size_pt * 0.6)
                pg.region("heading", box, line)
                pages.add(pg.number)
                show_heading = enumerated
            else:
                show_heading = True
            if show_heading and sec.heading:
                pg = self.page("portrait", need=head_tf.size_pt * 4)
                lh = head_tf.size_pt * 1.6
                box = pg.text(pg.left, pg.y + lh * 0.5 + head_tf.size_pt * 0.38, sec.heading, head_tf)
                pg.region("heading", box, sec.heading)
                pg.y += lh
                pages.add(pg.number)
            spans: list[tuple[int, float, float, str, int]] = []
            base = 0
            for para in sec.text.split("\n"):
                if not para.strip():
                    base += len(para) + 1
                    continue
                local: list[tuple[int, float, float, str, int]] = []
                self.paragraph(para.strip(), text_tf, indent=2 * text_tf.size_pt, kind="text", ref=None,
                               pages=pages, spans=local)
                lead = len(para) - len(para.lstrip())
                spans += [(a, b, c, ln, o + base + lead) for a, b, c, ln, o in local]
                base += len(para) + 1
            self._figures(sec, spans, text_tf)
            sec.pages = sorted(pages)
            if cards_after is not None and i == cards_after:
                for card in d.cards:
                    self.card(card)
                self.finish_page()

    def _figures(self, sec: Any, spans: list[tuple[int, float, float, str, int]], tf: Typeface) -> None:
        pos = 0
        for fig in sec.figures:
            at = sec.text.find(fig.text, pos)
            if at < 0:
                at = sec.text.find(fig.text)
            if at < 0 or not fig.text:
                continue
            pos = at + 1
            end = at + len(fig.text)
            box: Box | None = None
            page = None
            for num, x, base, ln, off in spans:
                lo, hi = max(at, off), min(end, off + len(ln))
                if lo >= hi:
                    continue
                if page is None:
                    page = num
                if num != page:
                    break
                xa = x + tf.width_pt(ln[:lo - off])
                xb = x + tf.width_pt(ln[:hi - off])
                box = _union(box, (xa, base - tf.size_pt * 0.92, xb, base + tf.size_pt * 0.16))
            if box is not None:
                fig.provenance = Provenance(page=page, bbox=_bbox(box), raw_text=fig.text, confidence=1.0,
                                            source="label")

    # -- whole document --------------------------------------------------------------------------

    def run(self) -> RenderedDocument:
        d = self.truth
        before, after = [], []
        seen_later = False
        for i, sec in enumerate(d.sections):
            if sec.part and sec.part not in ("第一部分",):
                seen_later = True
            (after if seen_later else before).append(i)
        cards_after = next((i for i in after if "绩效" in d.sections[i].heading), None)
        printed: set[str] = set()
        if self.text_pages:
            self.cover()
            if before:
                self.new_page("portrait")
                self.sections(before, None, printed)
        tables_heading = None
        if self.text_pages and any(s.part for s in d.sections) and d.tables:
            tables_heading = f"第二部分 {part_title('第二部分', d)}"
        for i, t in enumerate(d.tables):
            self.table(t, i, tables_heading if i == 0 else None)
        if self.text_pages and after:
            self.new_page("portrait")
            self.sections(after, cards_after if d.cards else None, printed)
        if not self.text_pages or cards_after is None:
            for card in d.cards:
                self.card(card)
        self.finish_page()
        if not self.pages:
            self.new_page("portrait")
            self.finish_page()
        d.pages = [Page(number=pg.number, width=pg.width_pt, height=pg.height_pt, dpi=float(self.dpi),
                        orientation=pg.orientation, has_text_layer=False) for pg in self.pages]
        return RenderedDocument(pages=self.pages, truth=d, dpi=self.dpi, style=self.spec.name,
                                seed=0, params=self.p)


def pg_bottom_gap(p: DrawParams) -> float:
    return max(24.0, p.margin_b * 0.55)


def part_title(part: str, doc: DisclosureDocument) -> str:
    """The usual title of a 第N部分 heading of a disclosure (budget or final accounts)."""
    year = f"{doc.year}年" if doc.year else ""
    final = doc.kind is not None and "final" in doc.kind.value
    word = "决算" if final else "预算"
    return {
        "第一部分": "概况",
        "第二部分": f"{year}部门{word}报表" if not final else f"{year}度部门决算报表",
        "第三部分": f"{year}度部门{word}情况说明",
        "第四部分": "名词解释",
    }.get(part, "")


def build_form(card: PerformanceCard, *, layout: str) -> CellGrid:
    """The card's printed form: :func:`budgetdoc.synth.cards.build_card_form` when available,
    else a plain key/value + indicator form."""
    try:
        from budgetdoc.synth.cards import build_card_form
    except ImportError:
        return fallback_card_form(card)
    return build_card_form(card, layout=layout)  # type: ignore[arg-type]


def fallback_card_form(card: PerformanceCard) -> CellGrid:
    """A simple ruled form: one row per printed field (key | value over 3 columns), then the
    indicator table (一级指标 | 二级指标 | 三级指标 | 指标值) with a header row."""
    cells: list[TableCell] = []
    r = 0
    for f in card.fields:
        cells.append(TableCell(text=f.key, row=r, col=0, row_header=True))
        cells.append(TableCell(text=f.value, row=r, col=1, col_span=3))
        r += 1
    if card.indicators:
        for k, h in enumerate(("一级指标", "二级指标", "三级指标", "指标值")):
            cells.append(TableCell(text=h, row=r, col=k, column_header=True))
        r += 1
        for ind in card.indicators:
            for k, v in enumerate((ind.level1, ind.level2, ind.level3, ind.value)):
                cells.append(TableCell(text=v, row=r, col=k))
            r += 1
    return CellGrid(num_rows=r, num_cols=4, header_rows=0, cells=cells)


def render_document(doc: DisclosureDocument, *, seed: int, dpi: int = 200, style: str = "shanxi",
                    text_pages: bool = True) -> RenderedDocument:
    """Draw ``doc`` into upright page images at ``dpi`` and return them with labels and a truth copy.

    ``style`` is one of :data:`STYLES` (shanxi, jiangsu, shanghai). ``text_pages`` draws the cover and
    narrative sections; without it only tables and cards are drawn. Deterministic in ``seed``.
    """
    r = _Renderer(doc, seed, dpi, style, text_pages)
    out = r.run()
    out.seed = seed
    return out


__all__ = [
    "A4_LANDSCAPE",
    "A4_PORTRAIT",
    "STYLES",
    "DrawParams",
    "DrawnCell",
    "DrawnRegion",
    "RenderedDocument",
    "RenderedPage",
    "StyleSpec",
    "build_form",
    "demo_document",
    "draw_params",
    "fallback_card_form",
    "is_number",
    "part_title",
    "render_document",
    "wrap_text",
]


# --------------------------------------------------------------------------------------------------
# a small built-in document (tests, smoke checks, ``budgetdoc synth --demo``)


def demo_document(*, long_rows: int = 60) -> DisclosureDocument:
    """A small disclosure exercising the layout: a two-level merged header with wrapped names, an
    empty table with its note, a wide (8-column) table, a table of ``long_rows`` body rows (crosses
    a page), a project card without a form, and narrative sections with stated figures."""
    from budgetdoc.model.document import (
        CardField,
        IndicatorRow,
        NarrativeSection,
        StatedFigure,
    )
    from budgetdoc.model.vocab import CardType, DocumentKind, TableType, Unit

    dept = "晋城经济技术开发区行政审批局"

    def grid(header: list[list[tuple[str, int, int]]], body: list[list[str]]) -> dict[str, Any]:
        cells: list[TableCell] = []
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(header):
            k = 0
            for text, rs, cs in row:
                while (r, k) in taken:
                    k += 1
                cells.append(TableCell(text=text, row=r, col=k, row_span=rs, col_span=cs, column_header=True))
                for rr in range(r, r + rs):
                    for kk in range(k, k + cs):
                        taken.add((rr, kk))
                k += cs
        h = len(header)
        ncols = max(len(b) for b in body) if body else sum(cs for _, _, cs in header[0])
        for i, row in enumerate(body):
            for k, text in enumerate(row):
                cells.append(TableCell(text=text, row=h + i, col=k))
        return {"num_rows": h + len(body), "num_cols": ncols, "header_rows": h, "cells": cells}

    t1 = Table(id="t01", title="2026年预算支出总表", table_type=TableType.expenditure_summary, label="预算公开表3",
               department=dept, unit=Unit.ten_thousand_yuan, **grid(
                   [[("项目", 1, 2), ("2026年预算数", 1, 3)],
                    [("科目编码", 1, 1), ("科目名称", 1, 1), ("合计", 1, 1), ("基本支出", 1, 1), ("项目支出", 1, 1)]],
                   [["合计", "", "389.23", "200.14", "189.09"],
                    ["201", "一般公共服务支出", "326.40", "137.31", "189.09"],
                    ["2010350", "事业运行", "137.31", "137.31", ""],
                    ["2010399", "其他政府办公厅（室）及相关机构事务支出其他政府办公厅（室）及相关机构事务支出",
                     "189.09", "", "189.09"],
                    ["2210201", "住房公积金", "21.30", "21.30", ""]]))
    t2 = Table(id="t02", title="2026年政府性基金预算支出表（不含上年结转）", table_type=TableType.government_fund_expenditure,
               department=dept, unit=Unit.ten_thousand_yuan, is_empty=True, notes=["注：本表无数据"], **grid(
                   [[("科目编码", 1, 1), ("科目名称", 1, 1), ("合计", 1, 1), ("基本支出", 1, 1), ("项目支出", 1, 1)]],
                   [["合计", "", "", "", ""]]))
    t3 = Table(id="t03", title="2026年预算收入总表", table_type=TableType.revenue_summary, label="预算公开表2",
               department=dept, unit=Unit.ten_thousand_yuan, **grid(
                   [[("项目", 1, 2), ("本年收入", 1, 6)],
                    [("科目编码", 1, 1), ("科目名称", 1, 1), ("合计", 1, 1), ("一般公共预算", 1, 1), ("政府性基金", 1, 1),
                     ("国有资本经营预算", 1, 1), ("财政专户管理资金", 1, 1), ("单位资金", 1, 1)]],
                   [["合计", "", "389.23", "389.23", "", "", "", ""],
                    ["201", "一般公共服务支出", "326.40", "326.40", "", "", "", ""],
                    ["2080505", "机关事业单位基本养老保险缴费支出", "18.06", "18.06", "", "", "", ""]]))
    names = ["基本工资", "津贴补贴", "奖金", "绩效工资", "机关事业单位基本养老保险缴费", "职业年金缴费", "办公费", "印刷费",
             "差旅费", "维修（护）费"]
    body = [["合计", "", f"{long_rows * 1.5:.2f}"]] + [
        [f"30{101 + i}", names[i % len(names)], f"{(i % 7) * 1.25 + 0.5:,.2f}"] for i in range(long_rows - 1)]
    t4 = Table(id="t04", title="2026年一般公共预算基本支出预算表（经济科目）",
               table_type=TableType.general_public_budget_basic_economic, label="预算公开表6", department=dept,
               unit=Unit.ten_thousand_yuan, notes=["注：本套报表因取数时四舍五入，部分金额可能存在尾差"],
               **grid([[("科目编码", 1, 1), ("科目名称", 1, 1), ("基本支出", 1, 1)]], body))
    card = PerformanceCard(
        id="c01", card_type=CardType.project, title="项目支出绩效目标表", year=2026,
        project_name="审批事项办理工作经费",
        fields=[CardField(key="项目名称", value="审批事项办理工作经费"),
                CardField(key="实施单位", value=dept),
                CardField(key="项目概况", value="为贯彻落实党中央、国务院关于深化“放管服”改革和优化营商环境的部署，"
                          "通过购买服务方式确定购买“帮代办”服务，服务金额为29.07万元。")],
        indicators=[IndicatorRow(level1="产出指标", level2="数量指标", level3="可服务窗口代办事项", value="58项"),
                    IndicatorRow(level1="产出指标", level2="质量指标", level3="事项办结率", value="≥90%"),
                    IndicatorRow(level1="满意度指标", level2="服务对象满意度", level3="服务企业满意度评价", value="≥90%")])
    text3 = ("2026年收入预算389.23万元，其中：一般公共预算389.23万元，占100%。\n"
             "2026年支出预算389.23万元，其中：基本支出200.14万元，占51.42%；项目支出189.09万元，占48.58%。")
    sections = [
        NarrativeSection(part="第一部分", heading="一、本部门职责",
                         text="集中行使行政许可权，并承担相应的法律责任；负责开发区行政审批制度改革以及相关工作体系、"
                              "体制机制创新和完善工作；负责规范行政审批行为，优化审批流程，提高审批效率。"),
        NarrativeSection(part="第三部分", heading="二、收入预算情况说明", text=text3, figures=[
            StatedFigure(text="基本支出200.14万元", label="基本支出", kind="amount", value="200.14", unit="万元"),
            StatedFigure(text="占48.58%", label="项目支出", kind="share", value="48.58", unit="%")]),
        NarrativeSection(part="第三部分", heading="十、绩效管理情况", text="2026年实行绩效目标管理的项目1个。"),
    ]
    return DisclosureDocument(title="2026年度部门预算公开", department=dept, year=2026,
                              kind=DocumentKind.department_budget, tables=[t1, t2, t3, t4], cards=[card],
                              sections=sections, producer="budgetdoc demo")
