"""Labelled samples from real born-digital disclosures: labels from the PDF's own text layer, verified.

For every page of every PDF:

1. **Ruled tables** (:mod:`budgetdoc.labelling.grid`): visible rules from ``page.lines`` and
   ``page.rects`` (thin rects are rules, visibly filled or stroked rects give their edges; white
   padding rects are ignored), merged, grouped into connected table regions; each region's grid of
   distinct x/y rule positions gives the cells, a missing interior rule merging slots into one cell
   with spans. A table edge left open by a page break (vertical rules running on past the last
   horizontal one) is closed where the vertical rules end.
2. **Cell text** (:mod:`budgetdoc.labelling.textlayer`): every character of the text layer goes to
   the cell holding its centre; a cell's characters are read lines top to bottom, characters left to
   right; a space only between two non-CJK characters with a visible gap (> 0.2 em); wrapped lines
   joined without a space when either side is CJK.
3. **Verification** (a failing page is left out and counted under its reason,
   :data:`REJECT_REASONS`): every number token (:data:`~budgetdoc.labelling.textlayer.NUMBER_RE`)
   inside a table region lands in exactly one cell whose text contains it; no character lies in a
   table region outside every cell; merged regions are rectangles; tables do not overlap; no number
   sits in an unruled row hugging a table; and, before a sample is written, the clean 300 dpi
   raster has ink inside every non-empty cell's text box and none inside any empty cell.
4. **Text outside tables** becomes regions: heading (第二部分 …), table label (公开01表), title (the
   "…表" block nearest above a table), 部门名称/编制部门 line, 单位 line, notes under a table
   (注：…), page number, other text. A table with no title above it continues the previous page's
   last table: it keeps that title, type and unit (``title_provenance`` is then None).
5. **Truth**: a :class:`DisclosureDocument` per labelled page with one :class:`Table` per ruled
   table (cells with spans, header rows (:func:`header_row_count`) flagged ``column_header``,
   provenance per cell with ``source="text_layer"``, ``is_empty`` when a note says 本表无数据).
   Typed ``rows`` and ``columns`` are left empty. In the sample the page is page 1 (the sample's
   ``document.pdf`` has one page); ``meta.source_pages`` holds the page in the source PDF.
6. **Images**: the page rendered upright (``/Rotate`` applied by pdfium and pdfplumber alike) at
   300 dpi, degraded with a preset (:func:`budgetdoc.synth.degrade.degrade`, given the exact mask of
   the labelled rules for its faint/broken-line effects), labels mapped to pixels through the
   returned transform; PNG for ``clean`` (resampled to 200 dpi), JPEG for the scan presets.

Deterministic: the same PDFs, presets and seed give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from PIL import Image
from pydantic import BaseModel, Field

from budgetdoc.labelling.grid import Grid, find_grids
from budgetdoc.labelling.textlayer import (
    Char,
    bbox_of,
    group_lines,
    is_cjk,
    join_line,
    join_text,
    number_tokens,
    page_chars,
    segments_of_line,
)
from budgetdoc.model.document import (
    DisclosureDocument,
    Page,
    Provenance,
    SourceFile,
    Table,
    TableCell,
)
from budgetdoc.model.geometry import BoundingBox, PageTransform
from budgetdoc.model.labels import CellLabel, PageLabels, RegionLabel, SampleMeta
from budgetdoc.model.vocab import DocumentKind, TableType, Unit
from budgetdoc.parsing import classify_table_title, detect_document_kind, parse_unit

RENDER_DPI = 300
MIN_SAMPLE_BYTES = 150_000  # smaller than any real sample seen (image + its image-only PDF + JSON)
GENERATOR = "budgetdoc 0.1.0 label-real"
Box = tuple[float, float, float, float]

#: Why a page was left out.
REJECT_REASONS = {
    "no_ruled_table": "no ruled table (no region of visible rules enclosing two or more cells)",
    "non_rectangular_cell": "a merged region of grid slots is not a rectangle",
    "overlapping_tables": "two ruled regions overlap",
    "rotated_text": "text inside a table is not upright",
    "number_outside_cell": "a number inside a table region lies outside every cell",
    "text_outside_cells": "text inside a table region lies outside every cell (e.g. on a rule)",
    "number_split_across_cells": "a number's characters fall into more than one cell",
    "number_not_in_cell_text": "a cell's joined text does not contain a number that lies in it",
    "empty_table": "a ruled table holds no text at all",
    "unruled_row": "a number sits in a row next to a table that no rule closes (a table cut at the page edge)",
    "raster_mismatch": "the rendered page has no ink in a non-empty cell or ink in an empty cell",
}


# --------------------------------------------------------------------------------------------------
# page analysis


@dataclass
class Region:
    kind: str
    text: str
    bbox: Box
    ref: str | None = None
    size: float = 0.0


@dataclass
class LabelledCell:
    row: int
    col: int
    row_span: int
    col_span: int
    bbox: Box
    text: str
    chars: list[Char]
    column_header: bool = False

    @property
    def text_bbox(self) -> Box | None:
        return bbox_of(self.chars) if self.chars else None


@dataclass
class LabelledTable:
    id: str
    grid: Grid
    cells: list[LabelledCell]
    header_rows: int
    title: str = ""
    title_bbox: Box | None = None  # None: not printed on this page (continued table)
    label: str | None = None
    department: str | None = None
    unit: Unit | None = None
    notes: list[str] = field(default_factory=list)
    table_type: TableType = TableType.other

    @property
    def num_rows(self) -> int:
        return self.grid.num_rows

    @property
    def num_cols(self) -> int:
        return self.grid.num_cols

    def cell_at(self, row: int, col: int) -> LabelledCell | None:
        for c in self.cells:
            if c.row <= row < c.row + c.row_span and c.col <= col < c.col + c.col_span:
                return c
        return None

    def header_text(self) -> str:
        return " ".join(c.text for c in self.cells if c.column_header and c.text)


@dataclass
class PageAnalysis:
    """What the labeller read from one page; ``reason`` is set when the page is rejected."""

    pdf: Path
    page: int  # 1-based in the source PDF
    width: float
    height: float
    rotation: int
    tables: list[LabelledTable] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    reason: str | None = None
    detail: str = ""
    numbers_checked: int = 0

    @property
    def ok(self) -> bool:
        return self.reason is None


@dataclass
class _Carry:
    """What a continued table inherits from the previous page."""

    title: str = ""
    table_type: TableType = TableType.other
    label: str | None = None
    department: str | None = None
    unit: Unit | None = None


_BARE_NUMBER_RE = re.compile(r"[-+]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)%?")
_BODY_START_RE = re.compile(
    r"^(?:其中|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、．](?!\d)"
    r"|\d{3,}(?![\d年]))"
)
_TOTAL_RE = re.compile(r"^(?:合计|总计|小计)")
_HEADING_RE = re.compile(r"^第[一二三四五六七八九十]+部分")
_TABLE_LABEL_RE = re.compile(
    r"^(?:(?:部门|预算|决算)?公开(?:表)?\d+表?|(?:部门|预算|决算)?公开表\d+|附?表[一二三四五六七八九十\d]+(?:-\d+)?)$"
)
_DEPT_RE = re.compile(r"^(?:部门名称|编制部门|编制单位|单位名称|预算单位|部门\(单位\)名称|预算主管部门|主管部门)[:：]")
_UNIT_RE = re.compile(r"^(?:金额)?单位[:：]")
_PAGE_NO_RE = re.compile(r"^(?:[-—－–]\s*)?(?:第)?\d{1,3}(?:页)?(?:\s*[-—－–])?$|^\d{1,3}/\d{1,3}$")
_SECTION_RE = re.compile(r"(?:部门|单位)(?:预算|决算)表$|^第[一二三四五六七八九十]+部分")
_EMPTY_NOTE_RE = re.compile(r"本表无数据|本表为空表|故本表为空|无数据")
_NOTE_RE = re.compile(r"^(?:注|说明|备注)\s*[:：\d１-９]")


def _nospace(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _inside(box: Box, x: float, y: float) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _overlap_area(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(0.0, w) * max(0.0, h)


def header_row_count(cells: list[LabelledCell], num_rows: int) -> int:
    """The number of header rows: the rows above the first *body* row.

    A row is body when a cell starting in it

    * holds a bare number or code ("37,188.34", "2010301"), or
    * starts like a body line: an ordinal item ("一、", "（一）", "1."), 其中, or a code followed by
      its name ("30101基本工资"; a year such as "2019年预算数" does not count), or
    * is the first column and starts with 合计/总计/小计 while another cell of the row is empty or
      a number ("合计" heading a column of 三公经费表 or 支出总表 has text beside it), or
    * when every cell starting in the row is empty (header rows always have text).

    A continued table without a repeated header therefore gets 0; a table with no body row at all
    (a header cut off by the page end) counts every row as header.
    """
    starts: dict[int, list[LabelledCell]] = {}
    for c in cells:
        starts.setdefault(c.row, []).append(c)
    for r in range(num_rows):
        row = starts.get(r, [])
        if not row:
            continue
        texts = [_nospace(c.text) for c in row]
        if all(not t for t in texts):
            return _fit_header(cells, r)
        for c, t in zip(row, texts):
            if _BARE_NUMBER_RE.fullmatch(t) or _BODY_START_RE.match(t):
                return _fit_header(cells, r)
            if (c.col == 0 and _TOTAL_RE.match(t)
                    and any(not u or _BARE_NUMBER_RE.fullmatch(u) for d, u in zip(row, texts) if d is not c)):
                return _fit_header(cells, r)
    return num_rows


def _fit_header(cells: list[LabelledCell], h: int) -> int:
    # a cell that starts in the header and reaches into the body (a stub spanning down) would be
    # half header: stop the header above it.
    for c in cells:
        if c.row < h < c.row + c.row_span:
            h = c.row
    return h


def _blocks(chars: list[Char]) -> list[tuple[list[list[Char]], float]]:
    """Text outside tables grouped into blocks: phrases of a line (split at wide gaps) stacked
    under each other with a small leading, the same size and overlapping columns."""
    phrases: list[list[Char]] = []
    for line in group_lines(chars):
        phrases.extend(segments_of_line(line))
    phrases.sort(key=lambda p: (min(c.top for c in p), min(c.x0 for c in p)))
    blocks: list[dict[str, Any]] = []
    for ph in phrases:
        l, t, r, b = bbox_of(ph)
        size = float(np.median([c.size for c in ph]))
        target = None
        for blk in reversed(blocks):
            bl, bt, br, bb = blk["last"]
            if (0 <= t - bb <= 0.6 * size and abs(blk["size"] - size) <= 0.15 * size
                    and l < br and r > bl):
                target = blk
                break
        if target is None:
            blocks.append({"lines": [ph], "last": (l, t, r, b), "size": size})
        else:
            target["lines"].append(ph)
            target["last"] = (l, t, r, b)
    return [(blk["lines"], blk["size"]) for blk in blocks]


def _block_text(lines: list[list[Char]]) -> str:
    out = ""
    for ln in lines:
        s = join_line(ln)
        if out and s and not (is_cjk(out[-1]) or is_cjk(s[0])):
            out += " "
        out += s
    return out


def analyse_page(page: Any, pdf: Path, carry: _Carry | None = None) -> PageAnalysis:
    """Read and verify one pdfplumber page (see the module docstring)."""
    carry = carry or _Carry()
    pa = PageAnalysis(pdf=Path(pdf), page=page.page_number, width=float(page.width),
                      height=float(page.height), rotation=int(getattr(page, "rotation", 0) or 0) % 360)
    grids, errors = find_grids(page)
    grids = [g for g in grids if len(g.cells) >= 2]
    if not grids:
        if errors:
            pa.reason, pa.detail = errors[0].reason, str(errors[0])
        else:
            pa.reason, pa.detail = "no_ruled_table", "no ruled region with two or more cells"
        return pa

    def fail(reason: str, detail: str) -> None:
        # keep reading after a failure (a continued table still needs this page's titles);
        # the first failure is the page's reason
        if pa.reason is None:
            pa.reason, pa.detail = reason, detail

    if errors:
        fail(errors[0].reason, str(errors[0]))
    for i in range(len(grids)):
        for j in range(i + 1, len(grids)):
            if _overlap_area(grids[i].bbox, grids[j].bbox) > 1.0:
                fail("overlapping_tables", f"tables {i + 1} and {j + 1} overlap")
    chars = page_chars(page)

    # assign characters to cells
    cell_chars: list[dict[int, list[Char]]] = [dict() for _ in grids]
    outside: list[Char] = []
    char_cell: dict[int, tuple[int, int]] = {}
    for c in chars:
        ti = next((i for i, g in enumerate(grids) if _inside(g.bbox, c.cx, c.cy)), None)
        if ti is None:
            outside.append(c)
            continue
        if not c.upright:
            fail("rotated_text", f"character {c.text!r} at ({c.x0:.1f},{c.top:.1f}) is not upright")
        g = grids[ti]
        ci = next((k for k, gc in enumerate(g.cells) if _inside(gc.bbox, c.cx, c.cy)), None)
        if ci is None:
            is_num = bool(re.match(r"[\d.,%+-]", c.text))
            fail("number_outside_cell" if is_num else "text_outside_cells",
                 f"character {c.text!r} at ({c.x0:.1f},{c.top:.1f}) in table {ti + 1} but in no cell")
            continue
        cell_chars[ti].setdefault(ci, []).append(c)
        char_cell[id(c)] = (ti, ci)

    tables: list[LabelledTable] = []
    for ti, g in enumerate(grids):
        cells = []
        for ci, gc in enumerate(g.cells):
            cc = cell_chars[ti].get(ci, [])
            cells.append(LabelledCell(gc.row, gc.col, gc.row_span, gc.col_span, gc.bbox, join_text(cc), cc))
        if not any(c.text for c in cells):
            fail("empty_table", f"table {ti + 1} holds no text")
        h = header_row_count(cells, g.num_rows)
        for c in cells:
            c.column_header = c.row < h
        tables.append(LabelledTable(id=f"t{ti + 1:02d}", grid=g, cells=cells, header_rows=h))

    # verify numbers
    tokens = number_tokens(chars)
    for tok in tokens:
        where = {char_cell.get(id(c)) for c in tok.chars}
        if where == {None}:
            if all(not any(_inside(g.bbox, c.cx, c.cy) for g in grids) for c in tok.chars):
                continue  # outside every table
            fail("number_outside_cell", f"number {tok.text!r} lies in a table region but in no cell")
            continue
        if None in where:
            fail("number_split_across_cells", f"number {tok.text!r} straddles a cell border")
            continue
        if len(where) > 1:
            fail("number_split_across_cells",
                 f"number {tok.text!r} at {tuple(round(v, 1) for v in tok.bbox)} falls in {len(where)} cells")
            continue
        ti, ci = next(iter(where))  # type: ignore[misc]
        if tok.text not in tables[ti].cells[ci].text:
            fail("number_not_in_cell_text", f"number {tok.text!r} not in cell text {tables[ti].cells[ci].text!r}")
            continue
        pa.numbers_checked += 1

    # text outside the tables
    regions: list[Region] = []
    for lines, size in _blocks(outside):
        text = _block_text(lines)
        box = bbox_of([c for ln in lines for c in ln])
        regions.append(Region("text", text, box, size=size))
    for reg in regions:
        s = _nospace(reg.text)
        bottom_zone = reg.bbox[1] > pa.height * 0.85
        top_zone = reg.bbox[3] < pa.height * 0.08
        if _PAGE_NO_RE.match(s) and (bottom_zone or top_zone):
            reg.kind = "page_number"
        elif _HEADING_RE.match(s):
            reg.kind = "heading"
        elif _TABLE_LABEL_RE.match(s):
            reg.kind = "table_label"
        elif _DEPT_RE.match(s):
            reg.kind = "department_line"
        elif _UNIT_RE.match(s):
            reg.kind = "unit_line"

    # attach regions to tables: the zone above table k is between table k-1's bottom and its top
    for k, t in enumerate(tables):
        top = t.grid.bbox[1]
        prev_bottom = tables[k - 1].grid.bbox[3] if k else 0.0
        above = [r for r in regions if r.bbox[3] <= top + 1.0 and r.bbox[1] >= prev_bottom - 1.0]
        cands = [r for r in above if r.kind == "text" and "表" in r.text and len(_nospace(r.text)) <= 60]
        # the title is the "…表" block nearest above the table; larger "…部门决算表" blocks above it
        # are section headings
        title = max(cands, key=lambda r: (r.bbox[3], r.size)) if cands else None
        for r in cands:
            if r is not title and _SECTION_RE.search(_nospace(r.text)):
                r.kind = "heading"
        if title is not None:
            title.kind, title.ref = "title", t.id
            t.title, t.title_bbox = _nospace(title.text), title.bbox
        for r in above:
            if r.kind in ("table_label", "department_line", "unit_line"):
                r.ref = t.id
                if r.kind == "table_label":
                    t.label = _nospace(r.text)
                elif r.kind == "department_line":
                    dept = re.split(r"[:：]", _nospace(r.text), maxsplit=1)[1]
                    unit_at = re.search(r"(?:金额)?单位[:：]", dept)
                    if unit_at:  # "部门名称：X单位：万元" read as one phrase
                        t.unit = parse_unit(dept[unit_at.start():])
                        dept = dept[:unit_at.start()]
                    t.department = dept or None
                elif r.kind == "unit_line":
                    t.unit = parse_unit(_nospace(r.text))
        nxt_top = tables[k + 1].grid.bbox[1] if k + 1 < len(tables) else pa.height
        for r in regions:
            if (r.kind == "text" and r.bbox[1] >= t.grid.bbox[3] - 1.0 and r.bbox[3] <= nxt_top + 1.0
                    and _NOTE_RE.match(_nospace(r.text))):
                r.kind, r.ref = "note", t.id
                t.notes.append(_nospace(r.text))
        if title is None:  # continued from the previous page
            t.title, t.table_type = carry.title, carry.table_type
            t.label = t.label or carry.label
            t.department = t.department or carry.department
            t.unit = t.unit or carry.unit
        else:
            t.table_type = classify_table_title(t.title, t.header_text())
        carry.title, carry.table_type, carry.label = t.title, t.table_type, t.label
        carry.department, carry.unit = t.department, t.unit

    # a number in plain text hugging a table's top or bottom edge is a row the rules do not close
    # (a table cut at the page edge): it would be table content without a label
    plain = [r for r in regions if r.kind == "text"]
    for tok in tokens:
        l, tp, r, b = tok.bbox
        cx, cy = (l + r) / 2, (tp + b) / 2
        if any(_inside(g.bbox, c.cx, c.cy) for g in grids for c in tok.chars):
            continue
        reg = next((reg for reg in plain if _inside(reg.bbox, cx, cy)), None)
        if reg is None:
            continue
        for t in tables:
            gl, gt, gr, gb = t.grid.bbox
            row_h = float(np.median(np.diff(t.grid.ys))) if len(t.grid.ys) > 1 else 10.0
            near = max(6.0, row_h)
            # table content keeps to one column; a sentence running over the columns is not a row
            in_column = any(x0 - 2 <= reg.bbox[0] and reg.bbox[2] <= x1 + 2
                            for x0, x1 in zip(t.grid.xs, t.grid.xs[1:]))
            if in_column and gl <= cx <= gr and (0 <= gt - b < near or 0 <= tp - gb < near):
                fail("unruled_row", f"number {tok.text!r} at {tuple(round(v, 1) for v in tok.bbox)} sits in an "
                                    f"unruled row next to {t.id}")
                break
    pa.tables = tables
    pa.regions = regions
    return pa


def analyse_pdf(pdf: Path, pages: Sequence[int] | None = None) -> list[PageAnalysis]:
    """Analyse every page of ``pdf`` in order (continued tables need the pages before them).

    ``pages`` (1-based) limits which analyses are returned; earlier pages are still read for the
    titles that continued tables inherit.
    """
    import pdfplumber

    out = []
    carry = _Carry()
    with pdfplumber.open(str(pdf)) as doc:
        last = max(pages) if pages else len(doc.pages)
        for p in doc.pages[:last]:
            pa = analyse_page(p, pdf, carry)
            if not pa.tables:  # a page without tables ends any continued table
                carry = _Carry()
            if pages is None or pa.page in pages:
                out.append(pa)
            p.close()
    return out


# --------------------------------------------------------------------------------------------------
# document facts


@dataclass
class DocumentFacts:
    department: str | None
    year: int | None
    kind: DocumentKind | None
    page_count: int


def document_facts(pdf: Path) -> DocumentFacts:
    """Department, year and kind from the cover and the first pages (None where not stated)."""
    import pdfplumber

    with pdfplumber.open(str(pdf)) as doc:
        n = len(doc.pages)
        cover = _nospace(doc.pages[0].extract_text() or "")
        first = _nospace("".join((p.extract_text() or "") for p in doc.pages[:3]))
        dept = None
        for p in doc.pages:
            for line in (p.extract_text() or "").splitlines():
                m = re.match(r"(?:部门名称|编制部门|预算主管部门|主管部门)[:：](.+?)(?:(?:金额)?单位[:：].*)?$",
                             _nospace(line))
                if m:
                    dept = m.group(1)
                    break
            if dept:
                break
    year_m = re.search(r"((?:19|20)\d{2})年", cover) or re.search(r"((?:19|20)\d{2})年", first)
    year = int(year_m.group(1)) if year_m else None
    if dept is None:
        if re.match(r"^(?:19|20)\d{2}年", cover):  # "2017年度江苏省高级人民法院部门预算公开"
            m = re.match(r"^(?:19|20)\d{2}年度?(.+?)(?:部门|单位)?(?:预算|决算)", cover)
        else:  # "中共上海市普陀区委社会工作部2024年度部门决算"
            m = re.match(r"^(.+?)(?:19|20)\d{2}年度?(?:部门|单位)?(?:预算|决算)", cover)
        if m:
            dept = m.group(1)
    if dept:
        dept = re.sub(r"(?:上海市普陀区)?\d{4}年.*$", "", dept) or dept
    return DocumentFacts(department=dept, year=year, kind=detect_document_kind(cover or first),
                         page_count=n)


# --------------------------------------------------------------------------------------------------
# rasterising and degrading


@dataclass
class Raster:
    image: Image.Image
    dpi: float
    transform: PageTransform
    params: dict[str, Any]


def render_page(pdf: Path, page: int, dpi: int = RENDER_DPI) -> Image.Image:
    """The page upright (``/Rotate`` applied) at ``dpi``, RGB on white."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        pg = doc[page - 1]
        img = pg.render(scale=dpi / 72.0, may_draw_forms=True).to_pil().convert("RGB")
        pg.close()
    finally:
        doc.close()
    return img


def line_mask(pa: PageAnalysis, size: tuple[int, int], dpi: float = RENDER_DPI, pad_px: int = 1) -> np.ndarray:
    """Boolean mask (rows x cols) of the labelled tables' ruling lines on the upright raster."""
    w, h = size
    s = dpi / 72.0
    mask = np.zeros((h, w), dtype=bool)
    for t in pa.tables:
        for seg in t.grid.segments:
            if seg.virtual:
                continue
            half = max(seg.width, 0.3) / 2
            if seg.orient == "h":
                l, tp, r, b = seg.a0, seg.pos - half, seg.a1, seg.pos + half
            else:
                l, tp, r, b = seg.pos - half, seg.a0, seg.pos + half, seg.a1
            x0, y0 = max(0, int(np.floor(l * s)) - pad_px), max(0, int(np.floor(tp * s)) - pad_px)
            x1, y1 = min(w, int(np.ceil(r * s)) + pad_px), min(h, int(np.ceil(b * s)) + pad_px)
            mask[y0:y1, x0:x1] = True
    return mask


def degrade_page(image: Image.Image, pa: PageAnalysis, *, preset: str, rng: np.random.Generator,
                 clean_dpi: int | None = 200) -> tuple[Raster, str, int]:
    """Degrade the 300 dpi render with ``preset`` (``clean`` resampled to ``clean_dpi`` when set).

    Returns the raster, the image format ("png"/"jpeg") and the JPEG quality to write it with.
    """
    from dataclasses import replace

    from budgetdoc.synth.degrade import get_preset
    from budgetdoc.synth.degrade import degrade as _degrade

    p = get_preset(preset)
    if p.name == "clean" and clean_dpi:
        p = replace(p, dpi=(clean_dpi,))
    mask = line_mask(pa, image.size) if (p.faint_line_prob > 0 or p.broken_line_prob > 0) else None
    res = _degrade(image, width_pt=pa.width, height_pt=pa.height, render_dpi=RENDER_DPI, preset=p, rng=rng,
                   line_mask=mask)
    params = dict(res.params)
    if p.name == "clean" and clean_dpi:
        params["note"] = f"clean preset resampled to {clean_dpi} dpi"
    return Raster(res.image, float(res.dpi), res.transform, params), res.image_format, res.jpeg_quality


def raster_check(image: Image.Image, pa: PageAnalysis, dpi: float = RENDER_DPI, *,
                 ink_level: int = 160, margin_pt: float = 1.5) -> str | None:
    """None when every non-empty cell has ink inside its text box and every empty cell's interior
    (its box less ``margin_pt`` on each side) is blank on the clean upright raster; else a message."""
    g = np.asarray(image.convert("L"))
    s = dpi / 72.0
    h, w = g.shape
    for t in pa.tables:
        for c in t.cells:
            if c.chars:
                l, tp, r, b = c.text_bbox  # type: ignore[misc]
            else:
                l, tp, r, b = (c.bbox[0] + margin_pt, c.bbox[1] + margin_pt, c.bbox[2] - margin_pt,
                               c.bbox[3] - margin_pt)
            x0, y0 = max(0, int(np.floor(l * s))), max(0, int(np.floor(tp * s)))
            x1, y1 = min(w, int(np.ceil(r * s))), min(h, int(np.ceil(b * s)))
            if x1 <= x0 or y1 <= y0:
                continue
            dark = int((g[y0:y1, x0:x1] < ink_level).sum())
            if c.chars and dark == 0:
                return f"{t.id} cell ({c.row},{c.col}) {c.text!r} has no ink"
            if not c.chars and dark > 0:
                return f"{t.id} cell ({c.row},{c.col}) is empty in the text layer but has {dark} ink pixels"
    return None


# --------------------------------------------------------------------------------------------------
# truth and labels


def _bb(box: Box) -> BoundingBox:
    l, t, r, b = (round(float(v), 2) for v in box)
    return BoundingBox(l=l, t=t, r=r, b=b)


def _r(v: float) -> float:
    return round(float(v), 2)


def build_truth(pa: PageAnalysis, facts: DocumentFacts, *, dpi: float, transform: PageTransform,
                image_name: str, source: SourceFile) -> DisclosureDocument:
    """The truth document of one labelled page (page 1 of its sample)."""
    tables = []
    for t in pa.tables:
        cells = [
            TableCell(
                text=c.text, row=c.row, col=c.col, row_span=c.row_span, col_span=c.col_span,
                column_header=c.column_header,
                provenance=Provenance(page=1, bbox=_bb(c.bbox), raw_text=c.text, confidence=1.0,
                                      source="text_layer"),
            )
            for c in t.cells
        ]
        tables.append(Table(
            id=t.id, title=t.title, table_type=t.table_type, label=t.label, department=t.department,
            unit=t.unit, pages=[1], num_rows=t.num_rows, num_cols=t.num_cols, header_rows=t.header_rows,
            cells=cells, notes=list(t.notes), is_empty=any(_EMPTY_NOTE_RE.search(n) for n in t.notes),
            title_provenance=(Provenance(page=1, bbox=_bb(t.title_bbox), raw_text=t.title, confidence=1.0,
                                         source="text_layer") if t.title_bbox else None),
            bbox_by_page={1: _bb(t.grid.bbox)},
        ))
    page = Page(number=1, width=pa.width, height=pa.height, dpi=dpi, rotation_applied=0,
                transform=transform, image=image_name, has_text_layer=False,
                orientation="landscape" if pa.width > pa.height else "portrait")
    return DisclosureDocument(
        department=facts.department, year=facts.year, kind=facts.kind, source=source, pages=[page],
        tables=tables, producer=f"{GENERATOR} (text layer of {source.path} page {pa.page})",
    )


def build_labels(pa: PageAnalysis, *, raster: Raster, preset: str) -> PageLabels:
    tf = raster.transform

    def geo(box: Box) -> dict[str, Any]:
        bb = _bb(box)
        return {
            "bbox_pt": (bb.l, bb.t, bb.r, bb.b),
            "bbox_px": tuple(round(v, 1) for v in tf.pixel_bbox(bb)),
            "quad_px": [(round(x, 1), round(y, 1)) for x, y in tf.quad(bb)],
        }

    regions = [RegionLabel(kind="table", ref=t.id, text=t.title or None, **geo(t.grid.bbox)) for t in pa.tables]
    regions += [RegionLabel(kind=r.kind, ref=r.ref, text=r.text, **geo(r.bbox))  # type: ignore[arg-type]
                for r in sorted(pa.regions, key=lambda r: (r.bbox[1], r.bbox[0]))]
    cells = []
    for t in pa.tables:
        for c in t.cells:
            tb = c.text_bbox
            cells.append(CellLabel(
                table_id=t.id, row=c.row, col=c.col, row_span=c.row_span, col_span=c.col_span, text=c.text,
                column_header=c.column_header, text_bbox_pt=tuple(_r(v) for v in tb) if tb else None,
                **geo(c.bbox),
            ))
    w, h = raster.image.size
    return PageLabels(page=1, width_px=w, height_px=h, dpi=raster.dpi, width_pt=pa.width, height_pt=pa.height,
                      preset=preset, transform=tf, regions=regions, cells=cells)


# --------------------------------------------------------------------------------------------------
# the run


class PdfReport(BaseModel):
    pdf: str
    pages: int
    tried: int
    labelled: list[int] = Field(default_factory=list, description="source pages that passed")
    rejected: dict[int, str] = Field(default_factory=dict, description="source page -> reason")
    rejected_by_reason: dict[str, int] = Field(default_factory=dict)
    details: dict[int, str] = Field(default_factory=dict)
    samples: list[str] = Field(default_factory=list)


class LabellingReport(BaseModel):
    generator: str = GENERATOR
    seed: int
    presets: list[str]
    pages_per_pdf: int | None
    max_total_mb: float | None
    pdfs: list[PdfReport] = Field(default_factory=list)
    samples: list[str] = Field(default_factory=list)
    skipped_for_size: list[str] = Field(default_factory=list)
    total_bytes: int = 0
    tables: int = 0
    cells: int = 0
    reasons: dict[str, str] = Field(default_factory=lambda: dict(REJECT_REASONS))

    @property
    def labelled(self) -> int:
        return sum(len(p.labelled) for p in self.pdfs)

    def summary(self) -> str:
        lines = []
        for p in self.pdfs:
            rej = ", ".join(f"{k} {v}" for k, v in sorted(p.rejected_by_reason.items()))
            lines.append(f"{p.pdf}: {p.tried} pages tried, {len(p.labelled)} labelled, "
                         f"{len(p.rejected)} rejected ({rej}); {len(p.samples)} samples")
        lines.append(f"{len(self.samples)} samples, {self.tables} tables, {self.cells} cells, "
                     f"{self.total_bytes / 1e6:.2f} MB" + (f"; {len(self.skipped_for_size)} skipped for size"
                                                           if self.skipped_for_size else ""))
        return "\n".join(lines)


def pdf_slug(pdf: Path) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", Path(pdf).stem.lower()).strip("-")
    return re.sub(r"-(?:budget|final-accounts)$", "", s)


def sample_id(pdf: Path, page: int, preset: str) -> str:
    return f"real-{pdf_slug(pdf)}-p{page:03d}-{preset}"


def _rng(seed: int, sid: str) -> np.random.Generator:
    digest = hashlib.sha256(f"{seed}:{sid}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def _spread(items: list[int], k: int | None) -> list[int]:
    if k is None or k >= len(items):
        return list(items)
    if k <= 0:
        return []
    if k == 1:
        return [items[len(items) // 2]]
    return [items[round(i * (len(items) - 1) / (k - 1))] for i in range(k)]


def _dir_bytes(d: Path) -> int:
    return sum(f.stat().st_size for f in d.rglob("*") if f.is_file())


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    h.update(Path(path).read_bytes())
    return h.hexdigest()


def write_page_sample(pa: PageAnalysis, facts: DocumentFacts, out_dir: Path, *, preset: str, seed: int,
                      source: SourceFile, clean: Image.Image | None = None, clean_dpi: int | None = 200,
                      write_pdf: bool = True) -> Path:
    """Render, degrade and write one sample folder for a labelled page; returns the folder."""
    from budgetdoc.synth.writer import PageOutput, write_sample

    sid = sample_id(pa.pdf, pa.page, preset)
    img300 = clean if clean is not None else render_page(pa.pdf, pa.page)
    raster, fmt, quality = degrade_page(img300, pa, preset=preset, rng=_rng(seed, sid), clean_dpi=clean_dpi)
    image = raster.image
    ext = "png" if fmt == "png" else "jpg"
    labels = build_labels(pa, raster=raster, preset=preset)
    truth = build_truth(pa, facts, dpi=raster.dpi, transform=raster.transform, image_name=f"pages/page-001.{ext}",
                        source=source)
    meta = SampleMeta(
        sample_id=sid, origin="real", generator=GENERATOR, seed=seed, style=pdf_slug(pa.pdf), preset=preset,
        dpi=raster.dpi, source_pdf=source.path, source_pages=[pa.page],
        degradation=raster.params, pages=1, tables=len(pa.tables),
        cells=sum(len(t.cells) for t in pa.tables),
    )
    folder = Path(out_dir) / sid
    if folder.exists():
        shutil.rmtree(folder)
    write_sample(folder, truth=truth, pages=[PageOutput(image=image, labels=labels, image_format=fmt,
                                                        jpeg_quality=quality)], meta=meta, write_pdf=write_pdf)
    return folder


def label_real_pdfs(
    pdfs: list[Path],
    out_dir: Path,
    *,
    presets: Sequence[str] = ("clean", "office-scan", "poor-scan"),
    seed: int = 0,
    pages_per_pdf: int | None = None,
    max_total_mb: float | None = None,
    clean_dpi: int | None = 200,
    write_report: bool = True,
    write_pdf: bool = True,
) -> LabellingReport:
    """Label the table pages of real born-digital PDFs and write one sample folder per page.

    Every page of every PDF is analysed and verified (:func:`analyse_pdf`); labelled pages
    (``pages_per_pdf`` of them per PDF, spread evenly over the PDF, or all when None) each get one
    sample folder ``real-<pdf>-pNNN-<preset>``, the preset cycling through ``presets`` (starting one
    further for each PDF). Before writing, the clean 300 dpi render is checked against the labels
    (:func:`raster_check`). ``clean`` pages are resampled to ``clean_dpi`` (the scan presets bring
    their own dpi). Samples are written round-robin over the PDFs so that a ``max_total_mb`` budget
    (every byte of every sample folder) cuts evenly: a sample that would pass it is deleted and
    listed in ``skipped_for_size``. Writes ``<out_dir>/labelling-report.json`` unless
    ``write_report`` is False. The same arguments give the same bytes.
    """
    presets = list(presets)
    if not presets:
        raise ValueError("at least one preset is needed")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = LabellingReport(seed=seed, presets=presets, pages_per_pdf=pages_per_pdf, max_total_mb=max_total_mb)
    plans: list[list[tuple[PageAnalysis, str]]] = []
    facts_by_pdf: dict[Path, DocumentFacts] = {}
    sources: dict[Path, SourceFile] = {}
    reports: dict[Path, PdfReport] = {}
    for pi, pdf in enumerate(pdfs):
        pdf = Path(pdf)
        analyses = analyse_pdf(pdf)
        facts = document_facts(pdf)
        facts_by_pdf[pdf] = facts
        sources[pdf] = SourceFile(path=pdf.name, sha256=_sha256(pdf), media_type="application/pdf",
                                  page_count=facts.page_count)
        pr = PdfReport(pdf=pdf.name, pages=facts.page_count, tried=len(analyses))
        for pa in analyses:
            if pa.ok:
                pr.labelled.append(pa.page)
            else:
                pr.rejected[pa.page] = pa.reason  # type: ignore[assignment]
                pr.details[pa.page] = pa.detail
        chosen = set(_spread(pr.labelled, pages_per_pdf))
        plan = []
        for j, pa in enumerate(a for a in analyses if a.page in chosen):
            plan.append((pa, presets[(j + pi) % len(presets)]))
        plans.append(plan)
        reports[pdf] = pr
        report.pdfs.append(pr)

    budget = None if max_total_mb is None else int(max_total_mb * 1e6)
    order: list[tuple[PageAnalysis, str]] = []
    for j in range(max((len(p) for p in plans), default=0)):
        for plan in plans:
            if j < len(plan):
                order.append(plan[j])
    for k, (pa, preset) in enumerate(order):
        if budget is not None and budget - report.total_bytes < MIN_SAMPLE_BYTES:
            # no sample is this small: the rest would only be rendered to be thrown away
            report.skipped_for_size.extend(sample_id(p.pdf, p.page, pr_) for p, pr_ in order[k:])
            break
        clean = render_page(pa.pdf, pa.page)
        problem = raster_check(clean, pa)
        pr = reports[pa.pdf]
        if problem is not None:
            pr.labelled.remove(pa.page)
            pr.rejected[pa.page] = "raster_mismatch"
            pr.details[pa.page] = problem
            continue
        folder = write_page_sample(pa, facts_by_pdf[pa.pdf], out_dir, preset=preset, seed=seed,
                                   source=sources[pa.pdf], clean=clean, clean_dpi=clean_dpi, write_pdf=write_pdf)
        size = _dir_bytes(folder)
        if budget is not None and report.total_bytes + size > budget:
            shutil.rmtree(folder)
            report.skipped_for_size.append(folder.name)
            continue
        report.total_bytes += size
        report.samples.append(folder.name)
        pr.samples.append(folder.name)
        report.tables += len(pa.tables)
        report.cells += sum(len(t.cells) for t in pa.tables)
    for pr in report.pdfs:
        pr.rejected = dict(sorted(pr.rejected.items()))
        pr.details = dict(sorted(pr.details.items()))
        counts: dict[str, int] = {}
        for reason in pr.rejected.values():
            counts[reason] = counts.get(reason, 0) + 1
        pr.rejected_by_reason = dict(sorted(counts.items()))
    report.samples.sort()
    if write_report:
        from budgetdoc.util.files import atomic_write_text

        atomic_write_text(out_dir / "labelling-report.json",
                          json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=1) + "\n")
    return report


# --------------------------------------------------------------------------------------------------
# command


def label_real(
    pdfs: Annotated[list[Path] | None, typer.Argument(
        help="PDF files or folders of PDFs to label (default: datasets/real).", show_default=False)] = None,
    out: Annotated[Path, typer.Option(help="Folder to write the sample folders into.")] = Path("datasets/samples"),
    presets: Annotated[str, typer.Option(help="Comma-separated degradation presets, cycled over the pages.")]
    = "clean,office-scan,poor-scan",
    seed: Annotated[int, typer.Option(help="Seed for the degradations.")] = 2026,
    pages_per_pdf: Annotated[int | None, typer.Option(
        help="Labelled pages per PDF (spread evenly); 0 or unset: all.")] = 4,
    max_total_mb: Annotated[float | None, typer.Option(
        help="Keep samples up to this many MB in all; 0 or unset: no limit.")] = 12.0,
) -> None:
    """Label the table pages of real born-digital PDFs from their own text layer and write samples.

    Every page is analysed and verified; rejected pages are counted by reason in the summary and in
    ``<out>/labelling-report.json``.
    """
    paths: list[Path] = []
    for p in pdfs or [Path("datasets/real")]:
        p = Path(p)
        paths.extend(sorted(p.glob("*.pdf")) if p.is_dir() else [p])
    if not paths:
        raise typer.BadParameter("no PDF given")
    report = label_real_pdfs(paths, out, presets=[s.strip() for s in presets.split(",") if s.strip()],
                             seed=seed, pages_per_pdf=pages_per_pdf or None, max_total_mb=max_total_mb or None)
    typer.echo(report.summary())
