"""Pages → one document: tables continued across page breaks merged, then each table and card
structured, then the document's own facts (title, department, year, kind) read, and the narrative
text (the lines outside tables and cards) split into sections with the figures they state.

A table continues on the next page when the next page's first table has no title above it and its
columns line up with the previous table's (or the previous item is a card, whose forms run on
freely). A repeated header is dropped; a merged cell the page break cut in two (text on one part,
the other blank) is joined again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from budgetdoc.layout import TableContext, TextLine, is_title_text
from budgetdoc.model.document import (
    CellGrid,
    DisclosureDocument,
    PerformanceCard,
    ProcessingError,
    Provenance,
    SourceFile,
    Table,
)
from budgetdoc.model.geometry import BoundingBox
from budgetdoc.parsing import detect_document_kind, normalize
from budgetdoc.parsing.narrative import NarrativeLine, heading_of, is_toc_line, sections_from_lines
from budgetdoc.pipeline.page import PageExtraction, PageTable
from budgetdoc.structuring import structure_card, structure_table

__all__ = ["MergedItem", "assemble_document", "merge_grids", "merge_pages", "narrative_lines", "narrative_sections"]


class MergedItem(BaseModel):
    """A table or card after cross-page merging, not yet structured."""

    model_config = ConfigDict(extra="forbid")

    grid: CellGrid
    context: TableContext
    pages: list[int]
    bbox_by_page: dict[int, BoundingBox] = Field(default_factory=dict)
    col_edges_pt: list[float] = Field(default_factory=list)


def _row_texts(grid: CellGrid, row: int) -> list[str]:
    return [normalize(c.text) for c in sorted(grid.cells, key=lambda c: c.col) if c.row == row]


def _repeated_header_rows(prev: CellGrid, prev_header: int, cont: CellGrid) -> int:
    """How many leading rows of ``cont`` repeat ``prev``'s header rows word for word."""
    n = 0
    for r in range(min(prev_header, cont.num_rows)):
        a, b = _row_texts(prev, r), _row_texts(cont, r)
        if a and a == b:
            n += 1
        else:
            break
    return n


def align_edges(a: Sequence[float], b: Sequence[float], *, max_scale_change: float = 0.06) -> list[float] | None:
    """``b``'s column rules moved into ``a``'s frame (outer rules onto outer rules), or None when
    the tables' widths differ by more than ``max_scale_change`` (not the same table). Each page of
    a scan lies on the glass a little differently: a few points off, a little larger or smaller."""
    if len(a) < 2 or len(b) < 2:
        return None
    wa, wb = a[-1] - a[0], b[-1] - b[0]
    if wa <= 0 or wb <= 0 or abs(wa - wb) > max_scale_change * wa:
        return None
    return [a[0] + (x - b[0]) * wa / wb for x in b]


def _union_edges(a: Sequence[float], b: Sequence[float], tol: float) -> list[float]:
    """The column rules of two aligned parts together (rules closer than ``tol`` are one)."""
    merged: list[float] = []
    for x in sorted([*a, *b]):
        if merged and x - merged[-1] <= tol:
            continue
        merged.append(x)
    return merged


def _remap_columns(grid: CellGrid, edges: Sequence[float], union: Sequence[float]) -> CellGrid:
    """The grid on the union's column slots (a cell spans every union slot inside its rules)."""
    def slot(x: float) -> int:
        return min(range(len(union)), key=lambda k: abs(union[k] - x))

    cells = []
    for c in grid.cells:
        c0, c1 = slot(edges[c.col]), slot(edges[c.col + c.col_span])
        cells.append(c.model_copy(update={"col": c0, "col_span": max(1, c1 - c0)}))
    return CellGrid(num_rows=grid.num_rows, num_cols=len(union) - 1, header_rows=grid.header_rows, cells=cells)


def merge_grids(prev: CellGrid, cont: CellGrid, *, drop_rows: int = 0, join_cut_cells: bool = True,
                card: bool = False) -> CellGrid:
    """``cont`` appended under ``prev`` (same column slots), its first ``drop_rows`` rows left out.

    A cut merged cell is joined: the last cell of ``prev`` and the first of ``cont`` in the same
    columns, one of them blank, become one cell when either spans rows or (in a card) always.
    """
    offset = prev.num_rows - drop_rows
    prev_cells = [c.model_copy() for c in prev.cells]
    cont_cells = [c.model_copy(update={"row": c.row + offset}) for c in cont.cells if c.row >= drop_rows]
    if join_cut_cells and cont_cells:
        bottom = {(c.col, c.col_span): i for i, c in enumerate(prev_cells) if c.row + c.row_span == prev.num_rows}
        keep = []
        for c in cont_cells:
            i = bottom.get((c.col, c.col_span)) if c.row == prev.num_rows else None
            if i is not None:
                p = prev_cells[i]
                blank_one = (not p.text.strip()) != (not c.text.strip())
                if blank_one and (card or p.row_span > 1 or c.row_span > 1):
                    text = p.text if p.text.strip() else c.text
                    prov = p.provenance if p.text.strip() else c.provenance
                    prev_cells[i] = p.model_copy(update={"row_span": p.row_span + c.row_span, "text": text,
                                                         "provenance": prov})
                    continue
            keep.append(c)
        cont_cells = keep
    return CellGrid(num_rows=prev.num_rows + cont.num_rows - drop_rows, num_cols=prev.num_cols,
                    header_rows=prev.header_rows, cells=prev_cells + cont_cells)


def _first_on_page(items: list[PageTable], i: int) -> bool:
    return i == 0 or items[i - 1].page != items[i].page


def merge_pages(pages: Sequence[PageExtraction], *, col_tol_pt: float = 4.0) -> list[MergedItem]:
    """Tables and cards of the pages in order, those continued across a page break merged."""
    flat = [t for p in pages for t in p.tables]
    items: list[MergedItem] = []
    for i, pt in enumerate(flat):
        prev = items[-1] if items else None
        joined = False
        if prev is not None and pt.context.continues_previous and _first_on_page(flat, i) \
                and prev.pages[-1] == pt.page - 1:
            aligned = align_edges(prev.col_edges_pt, pt.col_edges_pt)
            union = _union_edges(prev.col_edges_pt, aligned, col_tol_pt) if aligned is not None else None
            card = prev.context.is_card
            if union is not None and (card or len(union) == len(prev.col_edges_pt) == len(pt.col_edges_pt)):
                a = _remap_columns(prev.grid, prev.col_edges_pt, union) if card else prev.grid
                b = _remap_columns(pt.grid, aligned, union) if card else pt.grid
                header = prev.grid.header_rows or _guess_header_rows(prev.grid)
                drop = 0 if card else _repeated_header_rows(prev.grid, header, pt.grid)
                prev.grid = merge_grids(a, b, drop_rows=drop, card=card)
                prev.col_edges_pt = union
                prev.pages.append(pt.page)
                prev.bbox_by_page[pt.page] = pt.bbox
                prev.context = prev.context.model_copy(
                    update={"notes": [*prev.context.notes, *pt.context.notes]})
                joined = True
        if not joined:
            items.append(MergedItem(grid=pt.grid.model_copy(), context=pt.context, pages=[pt.page],
                                    bbox_by_page={pt.page: pt.bbox}, col_edges_pt=list(pt.col_edges_pt)))
    return items


def _guess_header_rows(grid: CellGrid) -> int:
    from budgetdoc.structuring import detect_header_rows

    return detect_header_rows(grid)


def _card_like(grid: CellGrid) -> bool:
    """A form with the indicator tree or the card's key fields, whatever its title says."""
    text = "".join(normalize(c.text) for c in grid.cells if c.col <= 1)
    return ("绩效指标" in text or "一级指标" in text) and ("项目名称" in text or "部门名称" in text
                                                      or "年度目标" in text or "绩效目标" in text)


_YEAR_RE = re.compile(r"((?:19|20)\d{2})年")


def assemble_document(pages: Sequence[PageExtraction], *, source: SourceFile | None = None,
                      errors: Sequence[ProcessingError] = (), producer: str | None = None) -> DisclosureDocument:
    """The typed document from its extracted pages (tables and cards structured; checks not run)."""
    tables: list[Table] = []
    cards: list[PerformanceCard] = []
    errs = list(errors)
    for item in merge_pages(pages):
        title = item.context.title
        try:
            if item.context.is_card or _card_like(item.grid):
                card = structure_card(item.grid, title=title, card_id=f"c{len(cards) + 1:02d}", pages=item.pages)
                cards.append(card)
            else:
                table = structure_table(item.grid, title=title, context_lines=item.context.context_lines,
                                        notes=item.context.notes, table_id=f"t{len(tables) + 1:02d}")
                tables.append(table.model_copy(update={
                    "pages": item.pages, "bbox_by_page": item.bbox_by_page,
                    "title_provenance": Provenance(page=item.pages[0], raw_text=title, source="ocr")
                    if title else None,
                }))
        except Exception as e:  # noqa: BLE001  # one unreadable table must not lose the rest of the document
            errs.append(ProcessingError(stage="structuring", page=item.pages[0],
                                        message=f"page {item.pages[0]}: table {title or '(untitled)'!r} "
                                                f"could not be structured: {type(e).__name__}: {e}"))
    lines = [ln.text for p in pages for ln in p.lines]
    head = " ".join(lines[:40])
    years = [int(m.group(1)) for t in [*(t.title for t in tables), head] for m in [_YEAR_RE.search(normalize(t))] if m]
    department = next((t.department for t in tables if t.department), None) or \
        next((c.department_name for c in cards if c.department_name), None)
    title = next((normalize(ln) for ln in lines[:10] if ("预算" in ln or "决算" in ln) and len(normalize(ln)) <= 40),
                 None)
    try:
        sections = narrative_sections(pages, departments=[d for d in (department,) if d])
    except Exception as e:  # noqa: BLE001  # the narrative must not lose the tables
        sections = []
        errs.append(ProcessingError(stage="narrative", message=f"narrative text could not be read: "
                                                               f"{type(e).__name__}: {e}"))
    return DisclosureDocument(
        title=title, department=department, year=max(set(years), key=years.count) if years else None,
        kind=detect_document_kind(head + " ".join(t.title for t in tables)),
        source=source, pages=[p.page for p in pages], tables=tables, cards=cards, sections=sections, errors=errs,
        producer=producer,
    )


# --------------------------------------------------------------------------------------------------
# narrative text

#: Line roles that never belong to the narrative (the table's own lines are dropped by ownership).
_NOT_NARRATIVE = {"page_number", "table_label", "department_line", "unit_line"}
_PAGE_NO_RE = re.compile(r"^[-—–－―~·_\s]*(?:第)?\d{1,4}(?:页)?(?:/\d{1,4}|共\d{1,4}页)?[-—–－―~·_\s]*$")
_EDGE = 0.08  # top and bottom bands (share of the page height) where running headers and footers sit
_DEPT_CODE_RE = re.compile(r"^\d+\s*[-－—]\s*")


def _line_pt(box_px: tuple[float, float, float, float], scale: float) -> BoundingBox:
    l, t, r, b = box_px
    return BoundingBox(l=round(l / scale, 2), t=round(t / scale, 2), r=round(r / scale, 2), b=round(b / scale, 2))


def _rows(lines: list) -> list[list]:
    """Lines on one printed row (their heights overlap by half) together, left to right, rows top
    to bottom: pieces of one line read apart become one line again."""
    rows: list[list] = []
    for ln in sorted(lines, key=lambda ln: (ln.box_px[1] + ln.box_px[3]) / 2):
        for row in rows:
            t, b = min(x.box_px[1] for x in row), max(x.box_px[3] for x in row)
            overlap = min(b, ln.box_px[3]) - max(t, ln.box_px[1])
            if overlap >= 0.5 * min(b - t, ln.box_px[3] - ln.box_px[1]):
                row.append(ln)
                break
        else:
            rows.append([ln])
    return [sorted(r, key=lambda ln: ln.box_px[0]) for r in sorted(rows, key=lambda r: min(x.box_px[1] for x in r))]


def _prose_table(table: PageTable) -> bool:
    """A "table" found without rules over a paragraph: few columns, no cell a bare number, and
    sentences (。，；) in its cells. Its cells are read back as lines of prose."""
    texts = [normalize(c.text) for c in table.grid.cells if c.text.strip()]
    return table.source != "ruled" and table.grid.num_cols <= 3 and bool(texts) \
        and not any(re.fullmatch(r"[-+\d,.%]+", t) for t in texts) and any(ch in t for t in texts for ch in "。，;,；")


def _prose_rows(table: PageTable, scale: float) -> list[TextLine]:
    """The cells of a prose "table" as text lines: each grid row's cells left to right."""
    out = []
    for r in range(table.grid.num_rows):
        cells = sorted((c for c in table.grid.cells if c.row == r and c.text.strip()), key=lambda c: c.col)
        boxes = [c.provenance.bbox for c in cells if c.provenance is not None and c.provenance.bbox is not None]
        if not cells or not boxes:
            continue
        box = (min(b.l for b in boxes) * scale, min(b.t for b in boxes) * scale, max(b.r for b in boxes) * scale,
               max(b.b for b in boxes) * scale)
        src = cells[0].provenance.source if cells[0].provenance is not None else None
        out.append(TextLine(text="".join(c.text for c in cells), box_px=box,
                            source="text_layer" if src == "text_layer" else "ocr"))
    return out


def narrative_lines(pages: Sequence[PageExtraction]) -> list[NarrativeLine]:
    """The narrative's lines in reading order: every line outside the tables and cards that is no
    table title, label, 部门名称/单位 line or note of a table, no page number, no running header or
    footer (the same text at the top or foot of three pages or more) and no table of contents; with
    the layout hints the sections need (indented first lines, lines that run on to the right
    margin, centred headings), in page points."""
    per_page: list[tuple[PageExtraction, float, list]] = []
    for p in pages:
        scale = (p.page.dpi or 72.0) / 72.0
        height = p.page.height * scale
        prose = {i for i, t in enumerate(p.tables) if _prose_table(t)}
        bands = [(t.bbox.t * scale, t.bbox.b * scale) for i, t in enumerate(p.tables) if i not in prose]
        kept = [ln for i in sorted(prose) for ln in _prose_rows(p.tables[i], scale)]
        for b in p.layout.blocks:
            text = normalize(b.line.text)
            owned = b.table is not None and b.table not in prose
            if not text or b.kind in _NOT_NARRATIVE or is_toc_line(b.line.text):
                continue
            if owned and not (b.kind == "title" and heading_of(b.line.text) and not is_title_text(text)):
                continue  # a table's own lines, but for a section heading taken for its title
            if any(t <= (b.line.box_px[1] + b.line.box_px[3]) / 2 <= bt for t, bt in bands):
                continue  # beside a table or card (a rotated header cell, a margin note): no prose
            if b.kind == "title" and b.table is None and not text.startswith("("):
                continue  # a table's title whose table was not found: its rows are no prose either
            y = (b.line.box_px[1] + b.line.box_px[3]) / 2
            if (y < _EDGE * height or y > (1 - _EDGE) * height) and _PAGE_NO_RE.match(text):
                continue
            kept.append(b.line)
        if any(normalize(ln.text) in ("目录", "目次") for ln in kept):
            continue  # a table of contents: headings with page numbers, no prose
        per_page.append((p, scale, kept))

    # running headers and footers: the same text (digits aside) at the edge of three pages or more
    def edge_key(p: PageExtraction, scale: float, ln) -> str | None:
        y = (ln.box_px[1] + ln.box_px[3]) / 2 / scale
        if _EDGE * p.page.height <= y <= (1 - _EDGE) * p.page.height:
            return None
        return re.sub(r"\d+", "#", normalize(ln.text))

    seen: dict[str, set[int]] = {}
    for p, scale, kept in per_page:
        for ln in kept:
            k = edge_key(p, scale, ln)
            if k is not None:
                seen.setdefault(k, set()).add(p.page.number)
    running = {k for k, nums in seen.items() if len(nums) >= 3}

    laid: list[tuple[PageExtraction, float, list, list[tuple[float, float, float, float]]]] = []
    for p, scale, kept in per_page:
        rows = _rows([ln for ln in kept if edge_key(p, scale, ln) not in running])
        if rows:
            laid.append((p, scale, rows, [(min(x.box_px[0] for x in r) / scale, min(x.box_px[1] for x in r) / scale,
                                           max(x.box_px[2] for x in r) / scale, max(x.box_px[3] for x in r) / scale)
                                          for r in rows]))
    # the text block's margins (points): a page's own when it has full lines, else the document's
    full = [(min(b[0] for b in bx), max(b[2] for b in bx)) for _, _, rows, bx in laid if len(rows) >= 4]
    doc_left = sorted(x for x, _ in full)[len(full) // 2] if full else None
    doc_right = sorted(x for _, x in full)[len(full) // 2] if full else None

    out: list[NarrativeLine] = []
    for p, scale, rows, boxes in laid:
        heights = sorted(b[3] - b[1] for b in boxes)
        em = heights[len(heights) // 2]
        left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
        wide = [b for b in boxes if b[2] - b[0] > 0.5 * (right - left)]
        if doc_left is not None and doc_right is not None and (len(wide) < 2 or right < doc_right - 3 * em
                                                                or left > doc_left + 3 * em):
            left, right = min(left, doc_left), max(right, doc_right)  # no full line here: the document's
        elif len(wide) < 2:
            left, right = min(left, 0.1 * p.page.width), max(right, 0.9 * p.page.width)
        for r, box in zip(rows, boxes):
            text = "".join(x.text for x in r)
            folded = normalize(text)
            confs = [x.confidence for x in r if x.confidence is not None]
            indented = box[0] - left > 1.0 * em
            runs_on = right - box[2] < 3.0 * em
            centred = abs((box[0] + box[2]) / 2 - p.page.width / 2) < 0.05 * p.page.width and indented \
                and not runs_on and len(folded) <= 30 and folded[-1:] not in ",;:。!?" and "%" not in folded \
                and sum("\u4e00" <= ch <= "\u9fff" for ch in folded) >= 2
            out.append(NarrativeLine(text=text, page=p.page.number, bbox=_line_pt(box, 1.0),
                                     confidence=min(confs) if confs else None, source=r[0].source,
                                     starts_paragraph=indented, runs_on=runs_on, centred_heading=centred))
    return out


def narrative_sections(pages: Sequence[PageExtraction], *, departments: Sequence[str] = ()) -> list:
    """The narrative sections of the pages, each with the figures it states (see
    :func:`budgetdoc.parsing.narrative.sections_from_lines`); ``departments`` are names stripped
    from the figures' labels ("2026年度某局预算收入总计" → 预算收入总计)."""
    names = [n for d in departments for n in {d, _DEPT_CODE_RE.sub("", d)} if n]
    return sections_from_lines(narrative_lines(pages), departments=names)

