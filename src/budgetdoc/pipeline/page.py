"""One page → its tables (cell grids with text and provenance) and the lines around them.

The page path depends on what the page offers:

* a born-digital page with a usable text layer is read from it: exact characters and boxes, no
  preprocessing and no OCR (its raster is only used to find the ruling lines);
* a scanned page is turned upright and deskewed, its ruled tables found from the ink, and then
  either each cell's crop is recognised (``cell_reading="crops"``: recognition only, batched, with
  the detector run only on the strips outside the tables) or the whole page is detected and
  recognised and the lines assigned to cells (``"page"``).

An OCR'd cell whose cleaned text looks like an amount also carries the recogniser's per-character
readings, aligned one-to-one with that text (``Provenance.chars``, see :mod:`budgetdoc.ocr.alignment`):
from the crop's own lines, or (assigned text) from the OCR line characters each piece was cut from.
Text cells and text-layer cells carry none.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from budgetdoc.ingest.types import PageImage, TextLayer
from budgetdoc.layout import LayoutAnalyzer, PageLayout, TableContext, TextLine
from budgetdoc.model.document import CellGrid, CharReading, Page, Provenance, TableCell
from budgetdoc.model.geometry import BoundingBox, PageTransform
from budgetdoc.ocr.alignment import Reading, char_readings, looks_like_amount, text_readings
from budgetdoc.ocr.base import OcrEngine
from budgetdoc.ocr.cells import CellReading, read_cells
from budgetdoc.ocr.crops import crop_box
from budgetdoc.ocr.projection import projection_lines
from budgetdoc.ocr.types import OcrChar, OcrLine, PixelBox
from budgetdoc.parsing import clean_number_reading
from budgetdoc.pipeline.options import ExtractOptions
from budgetdoc.preprocess import PreprocessRecord, preprocess_image
from budgetdoc.preprocess._binarize import glyph_height, ink_mask, to_gray
from budgetdoc.table_structure.assign import TextBox, assign_text
from budgetdoc.table_structure.backends import TableStructureBackend
from budgetdoc.table_structure.grid import DetectedTable
from budgetdoc.table_structure.split import split_false_merges

__all__ = ["CellText", "PageExtraction", "PageTable", "Stages", "clean_cell_text", "extract_page", "read_cell_text"]

BoxPx = tuple[float, float, float, float]

#: Readings made only of these are noise (specks read as punctuation) unless the engine is sure.
_DASHES = set("-—–－―")
_PUNCT_RE = re.compile(r"^[\W_]+$")
_LEADERS = set("….。·")
#: A mark read off a speck in front of a label: ",退休费", "·维修（护）费", "... 单位名称".
_LEADING_SPECK_RE = re.compile(r"^[.,，。、·•'’‘`:;]+\s*(?=[\u4e00-\u9fff（(])")


@dataclass
class Stages:
    """The backends one worker builds once and uses for every page."""

    ocr: OcrEngine | None
    structure: TableStructureBackend
    layout: LayoutAnalyzer


class PageTable(BaseModel):
    """A table (or card form) found on one page, with its printed context."""

    model_config = ConfigDict(extra="forbid")

    page: int
    grid: CellGrid
    context: TableContext
    bbox: BoundingBox = Field(description="the table's box in upright page points")
    col_edges_pt: list[float] = Field(default_factory=list, description="column rules, upright points")
    source: str = "ruled"


class PageExtraction(BaseModel):
    """What one page gave: the page model, its tables, its layout, and seconds per step."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    page: Page
    tables: list[PageTable] = Field(default_factory=list)
    layout: PageLayout = Field(default_factory=PageLayout)
    lines: list[TextLine] = Field(default_factory=list, description="all lines read outside the tables")
    detected: list[DetectedTable] = Field(default_factory=list, description="tables in upright pixels")
    timings: dict[str, float] = Field(default_factory=dict)
    path: str = Field(default="ocr", description="'text_layer' or 'ocr'")
    image: np.ndarray | None = Field(default=None, exclude=True, repr=False,
                                     description="the upright grey page, when asked for (overlays)")


def clean_cell_text(text: str, confidence: float | None) -> str:
    """A cell reading with scanner noise removed: a lone punctuation mark read off a speck is
    dropped unless the engine is sure of it; a printed dash (a zero or "not applicable") is kept;
    a number loses the marks read off specks at its ends (:func:`clean_number_reading`)."""
    s = clean_number_reading(text.strip())
    if not s:
        return ""
    if _PUNCT_RE.match(s):
        if set(s) <= _DASHES and (confidence is None or confidence >= 0.8):
            return s
        if len(set(s)) == 1 and (s[0] == "…" or (len(s) >= 3 and s[0] in _LEADERS)):
            return s  # a printed placeholder run of dots (……, 。。。)
        if confidence is not None and confidence >= 0.97 and len(s) > 1:
            return s
        return ""
    return _LEADING_SPECK_RE.sub("", s)


# --------------------------------------------------------------------------------------------------
# text boxes from the text layer or from OCR lines


def text_layer_boxes(layer: TextLayer, scale: float) -> list[TextBox]:
    """Runs of characters on one baseline with no wide gap, as boxes in pixels with per-character
    extents (so a run crossing a cell border is split exactly where the border is)."""
    boxes: list[TextBox] = []
    run: list = []

    def flush() -> None:
        if not run:
            return
        chars = [c for c in run if c.text.strip()]
        if chars:
            boxes.append(TextBox(
                text="".join(c.text for c in chars),
                box_px=(min(c.bbox.l for c in chars) * scale, min(c.bbox.t for c in chars) * scale,
                        max(c.bbox.r for c in chars) * scale, max(c.bbox.b for c in chars) * scale),
                char_x=[(c.bbox.l * scale, c.bbox.r * scale) for c in chars], confidence=1.0,
            ))
        run.clear()

    for ch in layer.chars:
        if not ch.text.strip():
            flush()
            continue
        if run:
            last = run[-1]
            # glyph boxes are tight (一 is a thin stroke, 、 sits low): measure in ems, the larger
            # side of a CJK glyph, so both stay on their line
            h = max(last.bbox.b - last.bbox.t, ch.bbox.b - ch.bbox.t, last.bbox.r - last.bbox.l,
                    ch.bbox.r - ch.bbox.l, 1.0)
            same_line = abs((ch.bbox.t + ch.bbox.b) / 2 - (last.bbox.t + last.bbox.b) / 2) < 0.6 * h
            gap = ch.bbox.l - last.bbox.r
            if not same_line or gap > 0.8 * h or gap < -0.5 * h:
                flush()
        run.append(ch)
    flush()
    return boxes


def ocr_line_box(line: OcrLine) -> TextBox:
    """An OCR line as a :class:`TextBox`, with per-character extents when the engine gave them."""
    chars = line.chars
    b = line.box
    if chars and all(c.box is not None for c in chars):
        return TextBox(text="".join(c.char for c in chars), box_px=(b.l, b.t, b.r, b.b),
                       char_x=[(c.box.l, c.box.r) for c in chars], confidence=line.confidence)
    return TextBox(text=line.text, box_px=(b.l, b.t, b.r, b.b), confidence=line.confidence)


def _as_line(box: TextBox, source: str) -> TextLine:
    return TextLine(text=box.text, box_px=box.box_px, confidence=box.confidence, source=source)  # type: ignore[arg-type]


def _group_lines(boxes: list[TextBox]) -> list[TextBox]:
    """Text-layer runs on one line (their heights overlap by half) joined left to right unless a
    gap of over 2 em splits them: the 部门名称 line and the 单位 line printed on one baseline stay
    apart, and a low-set mark (the 、 of "一、") stays in its line."""
    rows: list[list[TextBox]] = []
    for b in sorted(boxes, key=lambda b: (b.box_px[1] + b.box_px[3]) / 2):
        for row in rows:
            t, bt = min(r.box_px[1] for r in row), max(r.box_px[3] for r in row)
            overlap = min(bt, b.box_px[3]) - max(t, b.box_px[1])
            if overlap >= 0.5 * min(bt - t, b.box_px[3] - b.box_px[1]):
                row.append(b)
                break
        else:
            rows.append([b])
    out: list[TextBox] = []
    for row in rows:
        row.sort(key=lambda b: b.box_px[0])
        cur = row[0]
        for b in row[1:]:
            h = max(cur.box_px[3] - cur.box_px[1], b.box_px[3] - b.box_px[1], 1.0)
            if b.box_px[0] - cur.box_px[2] < 2 * h:
                cur = TextBox(text=cur.text + b.text,
                              box_px=(cur.box_px[0], min(cur.box_px[1], b.box_px[1]), max(cur.box_px[2], b.box_px[2]),
                                      max(cur.box_px[3], b.box_px[3])), confidence=1.0)
            else:
                out.append(cur)
                cur = b
        out.append(cur)
    out.sort(key=lambda b: (b.box_px[1], b.box_px[0]))
    return out


def _inside_any(box: BoxPx, tables: list[BoxPx], tol: float = 2.0) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return any(t[0] - tol <= cx <= t[2] + tol and t[1] - tol <= cy <= t[3] + tol for t in tables)


def _ocr_outside(engine: OcrEngine, gray: np.ndarray, tables: list[BoxPx]) -> list[OcrLine]:
    """Lines outside the tables: found from the ink's projections (no detector) and recognised in
    one batch. A bordered table's text never leaks in: the tables are masked out first."""
    boxes = projection_lines(gray, exclude=tables)
    crops = [crop_box(gray, b) for b in boxes]
    lines = engine.recognize_crops(crops) if crops else []
    return [ln.shifted(b.l, b.t) for b, ln in zip(boxes, lines) if ln.text.strip()]


# --------------------------------------------------------------------------------------------------


class CellText(NamedTuple):
    """What a cell was read as: the final (cleaned) text, the reader's confidence, the raw reading,
    and for an OCR'd amount the recogniser's per-character readings aligned with ``text``."""

    text: str
    confidence: float | None = None
    raw: str = ""
    chars: list[CharReading] | None = None


def _cell_grid(table: DetectedTable, texts: dict[tuple[int, int], CellText], *, page: int,
               scale: float, source: str) -> CellGrid:
    """The schema's grid of a detected table, every cell with its provenance (box in upright points)."""
    cells = []
    for c in table.cells:
        text, conf, raw, chars = texts.get((c.row, c.col), CellText(""))
        l, t, r, b = c.bbox_px
        cells.append(TableCell(
            text=text, row=c.row, col=c.col, row_span=c.row_span, col_span=c.col_span,
            provenance=Provenance(page=page, bbox=BoundingBox(l=l / scale, t=t / scale, r=r / scale, b=b / scale),
                                  raw_text=raw if raw != text else None,
                                  confidence=None if conf is None else round(min(1.0, max(0.0, conf)), 4),
                                  source=source, chars=chars),  # type: ignore[arg-type]
        ))
    return CellGrid(num_rows=table.num_rows, num_cols=table.num_cols, cells=cells)


def engine_top_k(engine: OcrEngine | None) -> int | None:
    """The alternatives per character the engine was configured to keep (``None``: not known)."""
    top_k = getattr(getattr(engine, "options", None), "top_k", None)
    return top_k if isinstance(top_k, int) else None


def read_cell_text(reading: CellReading, *, top_k: int | None = None) -> CellText:
    """One cell crop's reading as the cell's text: cleaned (:func:`clean_cell_text`), the raw
    reading kept, and — when the cleaned text looks like an amount — the recogniser's character
    readings aligned one-to-one with the cleaned text (:func:`budgetdoc.ocr.alignment.char_readings`:
    characters the cleaning inserted or changed get no score and no alternatives; ``None`` when
    nothing could be aligned). Text cells carry no character readings (they would swell the JSON)."""
    text = clean_cell_text(reading.text, reading.confidence)
    chars = None
    if text and looks_like_amount(text):
        chars = char_readings(text_readings(reading.lines), text, top_k=top_k)
    return CellText(text, reading.confidence, reading.text, chars)


def _read_by_crops(engine: OcrEngine, gray: np.ndarray, table: DetectedTable, inset: float, glyph_px: float
                   ) -> dict[tuple[int, int], CellText]:
    crops = [crop_box(gray, PixelBox(l=c.bbox_px[0], t=c.bbox_px[1], r=c.bbox_px[2], b=c.bbox_px[3]), inset=inset)
             for c in table.cells]
    top_k = engine_top_k(engine)
    return {(c.row, c.col): read_cell_text(reading, top_k=top_k)
            for c, reading in zip(table.cells, read_cells(engine, crops, glyph_px=glyph_px))}


def _read_by_assignment(table: DetectedTable, boxes: list[TextBox], gray: np.ndarray | None, *,
                        lines: list[OcrLine] | None = None, top_k: int | None = None
                        ) -> dict[tuple[int, int], CellText]:
    """Cell texts from text boxes assigned to the cells. ``lines``: the OCR lines the boxes were
    made from (page pixels), to carry their character readings onto amount cells; ``None`` for the
    text layer (no readings)."""
    inside = [b for b in boxes if _overlaps(table.bbox_px, b.box_px)]
    assignment = assign_text(table, inside, image=gray)
    near = [ln for ln in lines or () if _overlaps(table.bbox_px, (ln.box.l, ln.box.t, ln.box.r, ln.box.b))]
    out = {}
    for ct in assignment.cells:
        confs = [p.confidence for p in ct.pieces if p.confidence is not None]
        conf = min(confs) if confs else None
        text = clean_cell_text(ct.text, conf)
        chars = None
        if near and text and looks_like_amount(text):
            source: list[Reading] = []
            for piece in ct.pieces:
                if source:
                    source.append((" ", None))
                source += _piece_readings(piece, near, table)
            chars = char_readings(source, text, top_k=top_k)
        out[(ct.row, ct.col)] = CellText(text, conf, ct.text, chars)
    return out


def _piece_readings(piece: TextBox, lines: list[OcrLine], table: DetectedTable) -> list[Reading]:
    """The characters of an assigned piece of text (upright table frame) with the readings of the
    OCR line characters it was cut from: the line whose upright box holds the piece's centre line
    and whose characters spell the piece, at the occurrence nearest the piece's first character.
    No readings when no line fits."""
    key = "".join(ch for ch in piece.text if not ch.isspace())
    l, t, _, b = piece.box_px
    yc = (t + b) / 2
    x0 = (piece.char_x[0][0] + piece.char_x[0][1]) / 2 if piece.char_x else l
    best: tuple[float, list[OcrChar]] | None = None
    for ln in lines if key else ():
        chars = [c for c in ln.chars if c.box is not None]
        spelled = "".join(c.char for c in chars)
        if len(chars) != len(ln.chars) or key not in spelled:
            continue
        ys = [table.to_upright(x, y)[1] for x, y in ((ln.box.l, ln.box.t), (ln.box.r, ln.box.t),
                                                      (ln.box.l, ln.box.b), (ln.box.r, ln.box.b))]
        if not min(ys) <= yc <= max(ys):
            continue
        start = spelled.find(key)
        while start >= 0:
            c0 = chars[start].box
            assert c0 is not None
            cx = table.to_upright(*c0.center)[0] if piece.char_x else table.to_upright(c0.l, c0.center[1])[0]
            if best is None or abs(cx - x0) < best[0]:
                best = (abs(cx - x0), chars[start:start + len(key)])
            start = spelled.find(key, start + 1)
    if best is None:
        return [(ch, None) for ch in piece.text]
    it = iter(best[1])
    return [(ch, None if ch.isspace() else next(it)) for ch in piece.text]


def _overlaps(a: BoxPx, b: BoxPx) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def extract_page(page: PageImage, stages: Stages, options: ExtractOptions, *, keep_image: bool = False
                 ) -> PageExtraction:
    """Tables, lines and layout of one page (see the module docstring for the two paths)."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    gray = to_gray(page.image)
    scale = page.scale
    use_layer = options.use_text_layer and page.has_text_layer
    record: PreprocessRecord | None = None
    if not use_layer:
        upright = preprocess_image(gray, options.preprocess)
        gray, record = upright.image, upright.record
    timings["preprocess"] = time.perf_counter() - t0

    layer_boxes: list[TextBox] = []
    if use_layer:
        assert page.text_layer is not None
        layer_boxes = text_layer_boxes(page.text_layer, scale)

    t = time.perf_counter()
    # a deskewed page is level: the line detector must not go looking for a skew of its own
    # (on a resampled page of faint broken rules its estimate can lock onto noise)
    level = 0.0 if record is not None and options.preprocess.deskew else None
    tables = stages.structure.find_tables(gray, dpi=page.dpi, text_boxes=layer_boxes, skew_deg=level)
    glyph_px = glyph_height(ink_mask(gray)) if not use_layer else 0.0

    def mend(found: list[DetectedTable]) -> list[DetectedTable]:
        # a faded stretch of rule on a scan merges two cells: split them where the ink says so
        if use_layer:
            return found
        return [split_false_merges(t, gray, glyph_px=glyph_px) if t.source == "ruled" else t for t in found]

    tables = mend(tables)
    timings["tables"] = time.perf_counter() - t
    boxes = [tb.bbox_px for tb in tables]

    # lines outside the tables, and (page mode) every line on the page
    t = time.perf_counter()
    page_boxes: list[TextBox] = []
    read_lines: list[OcrLine] = []  # the OCR lines behind page_boxes (page mode) or outside (crops mode)
    if use_layer:
        outside = [_as_line(b, "text_layer") for b in _group_lines([b for b in layer_boxes
                                                                   if not _inside_any(b.box_px, boxes)])]
    else:
        if stages.ocr is None:
            raise RuntimeError("this page has no text layer and no OCR engine is configured")
        if options.cell_reading == "page" or not tables:
            ocr_lines = [ln for ln in stages.ocr.recognize_page(gray).lines if ln.text.strip()]
            page_boxes = [ocr_line_box(ln) for ln in ocr_lines]
            read_lines = ocr_lines
            outside = [_as_line(ocr_line_box(ln), "ocr") for ln in ocr_lines if not _inside_any(
                (ln.box.l, ln.box.t, ln.box.r, ln.box.b), boxes)]
        else:
            read_lines = _ocr_outside(stages.ocr, gray, boxes)
            outside = [_as_line(ocr_line_box(ln), "ocr") for ln in read_lines]
    timings["text_outside"] = time.perf_counter() - t

    h, w = gray.shape[:2]
    t = time.perf_counter()
    layout = stages.layout.analyse(outside, boxes, width=w, height=h, image=gray)
    if layout.borderless_regions:
        region_boxes = layer_boxes or page_boxes or [TextBox(text=ln.text, box_px=ln.box_px,
                                                             confidence=ln.confidence) for ln in outside]
        more = stages.structure.find_tables(gray, dpi=page.dpi, text_boxes=region_boxes,
                                            regions=layout.borderless_regions, skew_deg=level)
        if len(more) > len(tables):
            tables = mend(more)
            boxes = [tb.bbox_px for tb in tables]
            layout = stages.layout.analyse(outside, boxes, width=w, height=h, image=gray)
    timings["layout"] = time.perf_counter() - t

    t = time.perf_counter()
    page_tables: list[PageTable] = []
    inset = options.cell_inset_pt * scale
    for tb, ctx in zip(tables, layout.tables):
        if use_layer:
            texts = _read_by_assignment(tb, layer_boxes, gray)
            source = "text_layer"
        elif options.cell_reading == "crops" and tb.source == "ruled":
            texts = _read_by_crops(stages.ocr, gray, tb, inset, glyph_px)  # type: ignore[arg-type]
            source = "ocr"
        else:
            texts = _read_by_assignment(tb, page_boxes or [TextBox(text=ln.text, box_px=ln.box_px,
                                                                   confidence=ln.confidence) for ln in outside], gray,
                                        lines=read_lines, top_k=engine_top_k(stages.ocr))
            source = "ocr"
        l, tp, r, b = tb.bbox_px
        page_tables.append(PageTable(
            page=page.page, grid=_cell_grid(tb, texts, page=page.page, scale=scale, source=source), context=ctx,
            bbox=BoundingBox(l=l / scale, t=tp / scale, r=r / scale, b=b / scale),
            col_edges_pt=[x / scale for x in tb.col_edges], source=tb.source,
        ))
    timings["cells"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0

    model_page = Page(
        number=page.page, width=w / scale, height=h / scale, dpi=page.dpi,
        rotation_applied=(page.rotation_applied + 90 * (record.quarter_turns if record else 0)) % 360,
        skew_corrected=round(record.skew_degrees, 4) if record else 0.0,
        transform=record.input_transform(PageTransform.identity_at(page.dpi)) if record else None,
        has_text_layer=page.has_text_layer, orientation="landscape" if w > h else "portrait",
    )
    return PageExtraction(page=model_page, tables=page_tables, layout=layout, lines=outside, detected=tables,
                          timings=timings, path="text_layer" if use_layer else "ocr",
                          image=gray if keep_image else None)

