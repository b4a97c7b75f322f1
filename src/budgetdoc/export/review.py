"""A self-contained HTML review page per document: page images with the cells drawn on them, the
extracted tables beside them, and the failed identities, repairs and doubtful cells to check first.

A person checking an extraction wants the scan and the numbers side by side, with what the
accounting checks found pointed out on both. The page is one file (opened from disk, no server, no
network): page images are embedded as base64 JPEG, the overlays are SVG drawn with each page's
:class:`~budgetdoc.model.geometry.PageTransform` (upright points -> image pixels), the script is a
few lines of inline vanilla JS. Every text from the document is OCR output, so it is escaped
everywhere it goes; the script reads cell ids from attributes and never builds HTML from them.

A cell is named by one key wherever it appears (``table:t05:5:3`` for a table cell at its starting
grid position, ``card:c02:4:1`` for a card form cell, ``card:c02:funds[3].annual_amount`` or
``doc:sections[0].figures[2]`` for a value with no grid cell): the SVG shape and the ``<td>`` carry
it in ``data-cell``, the violation, repair and review items list the keys they name in
``data-cells``.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from PIL import Image

from budgetdoc.checks.values import locate
from budgetdoc.export.html import grid_to_html
from budgetdoc.model.document import (
    CellGrid,
    CellRef,
    CheckResult,
    DisclosureDocument,
    Page,
    PerformanceCard,
    Repair,
    ReviewItem,
    Table,
    TableCell,
)
from budgetdoc.model.geometry import BoundingBox, PageTransform
from budgetdoc.model.vocab import TABLE_TYPE_NAMES

__all__ = ["MAX_IMAGE_WIDTH", "cell_key", "review_html", "review_path", "write_review"]

#: Embedded page images are downscaled to this width: enough to read a scanned figure, and a
#: 35-page document stays a few MB.
MAX_IMAGE_WIDTH = 1600
JPEG_QUALITY = 80
#: Render dpi ceiling for the source-file fallback (a page rendered only to be looked at).
RENDER_DPI = 150.0

_REASONS = {
    "contradicted": "矛盾 (contradicted)",
    "repaired": "已修正 (repaired)",
    "low_confidence": "低置信度 (low confidence)",
    "unchecked": "未校验 (unchecked)",
}
_BACKGROUNDS = {
    "image": "页面图像 (page image)",
    "render": "源文件渲染 (rendered from the source file)",
    "blank": "无页面图像：仅绘制框 (no page image: boxes only)",
}


# --------------------------------------------------------------------------------------------------
# cell keys and marks


def _grid_key(kind: str, owner: str, cell: TableCell) -> str:
    return f"{kind}:{owner}:{cell.row}:{cell.col}"


@dataclass
class _Index:
    """The document's grids by id, so a reference resolves to the cell that starts its slot."""

    tables: dict[str, Table]
    cards: dict[str, PerformanceCard]

    @classmethod
    def of(cls, doc: DisclosureDocument) -> _Index:
        return cls({t.id: t for t in doc.tables}, {c.id: c for c in doc.cards})


def _form_cell_at(form: CellGrid, page: int, box: BoundingBox) -> TableCell | None:
    """The card form cell whose box holds the centre of ``box`` (a fund line points at its value by box)."""
    x, y = box.center
    for c in form.cells:
        p = c.provenance
        if p is not None and p.page == page and p.bbox is not None and p.bbox.contains_point(x, y):
            return c
    return None


def cell_key(doc: DisclosureDocument, ref: CellRef, index: _Index | None = None) -> str:
    """The key a reference's cell carries on the page (see the module docstring)."""
    index = index or _Index.of(doc)
    if ref.table_id is not None and ref.row is not None and ref.col is not None:
        table = index.tables.get(ref.table_id)
        cell = table.cell_at(ref.row, ref.col) if table is not None else None
        row, col = (cell.row, cell.col) if cell is not None else (ref.row, ref.col)
        return f"table:{ref.table_id}:{row}:{col}"
    if ref.card_id is not None:
        card = index.cards.get(ref.card_id)
        where = locate(doc, ref)
        if card is not None and card.form is not None and where.page is not None and where.bbox is not None:
            cell = _form_cell_at(card.form, where.page, where.bbox)
            if cell is not None:
                return _grid_key("card", card.id, cell)
        if ref.row is not None and ref.col is not None:
            return f"card:{ref.card_id}:{ref.row}:{ref.col}"
        return f"card:{ref.card_id}:{ref.field or ''}"
    return f"doc:{ref.field or ''}"


@dataclass
class _Marks:
    """What the checks say about each cell key: violated, repaired, on the review list."""

    bad: set[str] = field(default_factory=set)
    fixed: dict[str, Repair | None] = field(default_factory=dict)  # None: a status without its repair
    review: dict[str, ReviewItem] = field(default_factory=dict)
    refs: dict[str, CellRef] = field(default_factory=dict)  # every key named, located (for extra shapes)

    def classes(self, key: str) -> list[str]:
        out = []
        if key in self.bad:
            out.append("bad")
        if key in self.fixed:
            out.append("fixed")
        if key in self.review:
            out.append("review")
        return out


def _violations(doc: DisclosureDocument) -> list[CheckResult]:
    return [r for r in doc.checks if r.status == "failed"]


def _marks(doc: DisclosureDocument, index: _Index) -> _Marks:
    """Collect the violated, repaired and review cells, and the provenance statuses the checks left."""
    marks = _Marks()

    def note(ref: CellRef) -> str:
        key = cell_key(doc, ref, index)
        marks.refs.setdefault(key, locate(doc, ref))
        return key

    for result in _violations(doc):
        for ref in result.cells:
            marks.bad.add(note(ref))
    for rep in doc.repairs:
        marks.fixed[note(rep.cell)] = rep
    for item in doc.review:
        marks.review.setdefault(note(item.cell), item)
    # statuses the checks wrote into provenance count too (a document whose lists were trimmed)
    for kind, owner, grid in _grids(doc):
        for c in grid.cells:
            status = c.provenance.check_status if c.provenance is not None else None
            if status == "contradicted":
                marks.bad.add(_grid_key(kind, owner, c))
            elif status == "repaired":
                marks.fixed.setdefault(_grid_key(kind, owner, c), None)
    return marks


def _grids(doc: DisclosureDocument) -> Iterator[tuple[str, str, CellGrid]]:
    """Every grid drawn on the page: tables, then the cards' printed forms."""
    for t in doc.tables:
        yield "table", t.id, t
    for c in doc.cards:
        if c.form is not None:
            yield "card", c.id, c.form


# --------------------------------------------------------------------------------------------------
# page backgrounds


@dataclass
class _Sheet:
    """One page's background: the embedded image (or none), its pixel size and points -> pixels."""

    kind: str  # "image" | "render" | "blank"
    width: float
    height: float
    matrix: list[float]
    data_uri: str | None = None


def _jpeg_data_uri(im: Image.Image) -> str:
    """``im`` downscaled to :data:`MAX_IMAGE_WIDTH` and encoded as a JPEG data URI."""
    im = im.convert("L") if im.mode in ("1", "L", "LA", "I", "I;16", "F") else im.convert("RGB")
    if im.width > MAX_IMAGE_WIDTH:
        im = im.resize((MAX_IMAGE_WIDTH, max(1, round(im.height * MAX_IMAGE_WIDTH / im.width))),
                       Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    im.save(buf, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _image_sheet(path: Path, page: Page) -> _Sheet | None:
    """The page image the transform was made for, or None when it cannot be read."""
    try:
        with Image.open(path) as im:
            w, h = im.size
            # the transform maps to the stored pixels; a browser would turn an EXIF-rotated image,
            # so such an image is re-encoded (which drops EXIF) like any other
            plain_jpeg = (im.format == "JPEG" and w <= MAX_IMAGE_WIDTH and im.mode in ("L", "RGB")
                          and im.getexif().get(0x0112, 1) == 1)
            uri = ("data:image/jpeg;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
                   if plain_jpeg else _jpeg_data_uri(im))
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    matrix = page.transform.matrix if page.transform is not None else \
        PageTransform.identity_at(page.dpi or w * 72.0 / page.width).matrix
    return _Sheet("image", float(w), float(h), list(matrix), uri)


def _blank_sheet(page: Page) -> _Sheet:
    """A white sheet of the page's size in points, so the boxes still show where the cells lie."""
    return _Sheet("blank", page.width, page.height, [1.0, 0.0, 0.0, 0.0, 1.0, 0.0])


def _resolve(raw: str, json_path: Path) -> Path | None:
    """A path the document names: as given when absolute, else beside the JSON, else from here."""
    p = Path(raw)
    for cand in ([p] if p.is_absolute() else [json_path.parent / p, p]):
        if cand.exists():
            return cand
    return None


def _render_source(doc: DisclosureDocument, json_path: Path, pages: list[Page]) -> dict[int, _Sheet]:
    """Render ``pages`` from the document's source file, when it is still there.

    Extraction's page transform maps upright points to the pixels of the page as read (before it
    was turned and deskewed), at the page's dpi: a render of the source is that raster, so the
    transform scaled to the render's dpi puts the boxes on it. A page turned by the reader shows
    turned, as in the file."""
    from budgetdoc.ingest.sources import read_pages
    from budgetdoc.ingest.types import IngestOptions, PageImage

    source = _resolve(doc.source.path, json_path) if doc.source is not None and doc.source.path else None
    if source is None or not pages:
        return {}
    wanted = {p.number: p for p in pages}
    dpi = min(min(p.dpi or RENDER_DPI, MAX_IMAGE_WIDTH * 72.0 / p.width) for p in pages)
    options = IngestOptions(dpi=min(dpi, RENDER_DPI), text_layer=False, color="gray")
    # a folder or an archive of images is numbered through the batch, as extraction numbers it
    by_index = source.is_dir() or source.suffix.lower() == ".zip"
    found: dict[int, _Sheet] = {}
    try:
        for item in read_pages(source, options):
            if not isinstance(item, PageImage):
                continue
            number = item.index + 1 if by_index else item.page
            page = wanted.get(number)
            if page is None or number in found:
                continue
            if page.transform is not None and page.dpi:
                k = item.dpi / page.dpi
                matrix = [m * k for m in page.transform.matrix]
            else:
                matrix = PageTransform.identity_at(item.dpi).matrix
            found[number] = _Sheet("render", float(item.width_px), float(item.height_px), matrix,
                                   _jpeg_data_uri(Image.fromarray(item.image)))
            if len(found) == len(wanted):
                break
    except Exception:  # noqa: BLE001  # a broken source only loses the backgrounds, never the page
        pass
    return found


def _sheets(doc: DisclosureDocument, json_path: Path) -> dict[int, _Sheet]:
    """Each page's background: its image, else a render of the source file, else a blank sheet."""
    sheets: dict[int, _Sheet] = {}
    for page in doc.pages:
        path = _resolve(page.image, json_path) if page.image else None
        sheet = _image_sheet(path, page) if path is not None and path.is_file() else None
        if sheet is not None:
            sheets[page.number] = sheet
    missing = [p for p in doc.pages if p.number not in sheets]
    sheets.update(_render_source(doc, json_path, missing))
    for page in doc.pages:
        sheets.setdefault(page.number, _blank_sheet(page))
    return sheets


# --------------------------------------------------------------------------------------------------
# the overlay


def _points(matrix: list[float], box: BoundingBox) -> str:
    quad = PageTransform(matrix=matrix).quad(box)
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in quad)


def _attr(name: str, value: object) -> str:
    return f' {name}="{escape(str(value), quote=True)}"'


def _cell_title(cell: TableCell, key: str, marks: _Marks) -> str:
    """Tooltip text: the cell as read, how sure, and what the checks did with it."""
    parts = [cell.text or "∅"]
    p = cell.provenance
    if p is not None:
        if p.raw_text is not None and p.raw_text != cell.text:
            parts.append(f"读作 (read) {p.raw_text}")
        if p.confidence is not None:
            parts.append(f"置信度 (confidence) {p.confidence:.2f}")
        if p.check_status:
            parts.append(f"校验 (check) {p.check_status}")
        if p.verified_confidence is not None:
            parts.append(f"综合 (verified) {p.verified_confidence:.2f}")
    rep = marks.fixed.get(key)
    if rep is not None:
        parts.append(f"修正 (repaired) {rep.original} → {rep.repaired}")
    return " · ".join(parts)


def _cell_data_attrs(kind: str, owner: str, cell: TableCell, marks: _Marks) -> tuple[str, str]:
    """Attributes shared by a cell's SVG shape and its ``<td>``, and its status classes."""
    key = _grid_key(kind, owner, cell)
    attrs = (_attr("data-cell", key) + _attr(f"data-{kind}", owner) + _attr("data-row", cell.row)
             + _attr("data-col", cell.col))
    return attrs, " ".join(marks.classes(key))


def _shape(points: str, classes: str, attrs: str, title: str | None) -> str:
    tip = f"<title>{escape(title)}</title>" if title else ""
    return f'<polygon class="{classes}" points="{points}"{attrs}>{tip}</polygon>'


def _page_shapes(doc: DisclosureDocument, page: Page, sheet: _Sheet, marks: _Marks) -> list[str]:
    """SVG shapes on one page: table outlines, every cell, and the named values with no grid cell."""
    shapes: list[str] = []
    drawn: set[str] = set()
    for t in doc.tables:
        box = t.bbox_by_page.get(page.number)
        if box is not None:
            shapes.append(_shape(_points(sheet.matrix, box), "ov tbl", _attr("data-table", t.id),
                                 f"{t.id} {t.title}"))
    for kind, owner, grid in _grids(doc):
        boxes = [c.provenance.bbox for c in grid.cells if c.provenance is not None
                 and c.provenance.page == page.number and c.provenance.bbox is not None]
        if kind == "card" and boxes:
            outline = boxes[0]
            for b in boxes[1:]:
                outline = outline.union(b)
            shapes.append(_shape(_points(sheet.matrix, outline), "ov tbl card", _attr("data-card", owner),
                                 owner))
        for c in grid.cells:
            p = c.provenance
            if p is None or p.page != page.number or p.bbox is None:
                continue
            attrs, status = _cell_data_attrs(kind, owner, c, marks)
            key = _grid_key(kind, owner, c)
            drawn.add(key)
            head = " head" if c.column_header or c.row_header else ""
            shapes.append(_shape(_points(sheet.matrix, p.bbox), f"ov cell{head} {status}".rstrip(), attrs,
                                 _cell_title(c, key, marks)))
    for key, ref in marks.refs.items():
        if key in drawn or ref.page != page.number or ref.bbox is None:
            continue
        classes = " ".join(["ov cell extra", *marks.classes(key)])
        shapes.append(_shape(_points(sheet.matrix, ref.bbox), classes, _attr("data-cell", key), key))
    return shapes


def _sheet_svg(doc: DisclosureDocument, page: Page, sheet: _Sheet, marks: _Marks) -> str:
    w, h = sheet.width, sheet.height
    bg = (f'<image href="{sheet.data_uri}" x="0" y="0" width="{w:g}" height="{h:g}" '
          'preserveAspectRatio="none"/>'
          if sheet.data_uri else f'<rect class="blank" x="0" y="0" width="{w:g}" height="{h:g}"/>')
    shapes = "".join(_page_shapes(doc, page, sheet, marks))
    return (f'<svg class="sheet-svg" viewBox="0 0 {w:g} {h:g}" xmlns="http://www.w3.org/2000/svg" '
            f'role="img" aria-label="page {page.number}">{bg}<g class="overlay">{shapes}</g></svg>')


# --------------------------------------------------------------------------------------------------
# tables beside the page


def _grid_html(kind: str, owner: str, grid: CellGrid, marks: _Marks) -> str:
    def attrs(cell: TableCell) -> str:
        data, status = _cell_data_attrs(kind, owner, cell, marks)
        classes = " ".join(x for x in ("head" if cell.column_header else "", status) if x)
        key = _grid_key(kind, owner, cell)
        title = _attr("title", _cell_title(cell, key, marks))
        return data + (_attr("class", classes) if classes else "") + title

    return grid_to_html(grid, cell_attrs=attrs)


def _table_block(t: Table, page: int, marks: _Marks) -> str:
    first = min(t.pages or [page])
    cont = f' <span class="cont">续第{first}页 (continued from page {first})</span>' if first < page else ""
    meta = [x for x in (t.label, TABLE_TYPE_NAMES.get(t.table_type, t.table_type.value),
                        f"单位 (unit): {t.unit.value}" if t.unit is not None else None) if x]
    body = _grid_html("table", t.id, t, marks) if t.cells else '<p class="muted">（无单元格 no cells）</p>'
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in t.notes)
    return (f'<div class="grid-block"{_attr("data-table-block", t.id)}>'
            f"<h3>{escape(t.id)} · {escape(t.title)}{cont}</h3>"
            f'<p class="meta">{escape(" · ".join(meta))}</p>'
            f'<div class="grid-scroll">{body}</div>{notes}</div>')


def _card_block(c: PerformanceCard, page: int, marks: _Marks) -> str:
    first = min(c.pages or [page])
    cont = f' <span class="cont">续第{first}页 (continued from page {first})</span>' if first < page else ""
    if c.form is not None:
        body = _grid_html("card", c.id, c.form, marks)
    else:
        rows = "".join(f"<tr><td>{escape(f.key)}</td><td>{escape(f.value)}</td></tr>" for f in c.fields)
        body = f"<table>{rows}</table>" if rows else '<p class="muted">（无表格 no form）</p>'
    return (f'<div class="grid-block"{_attr("data-card-block", c.id)}>'
            f"<h3>{escape(c.id)} · {escape(c.title)}{cont}</h3>"
            f'<div class="grid-scroll">{body}</div></div>')


def _pages_of(pages: list[int], boxes: Iterable[int], grid: CellGrid | None) -> list[int]:
    """The pages a table or card lies on: as recorded, else where its boxes and cells are."""
    found = set(pages) | set(boxes)
    if grid is not None and not found:
        found = {c.provenance.page for c in grid.cells if c.provenance is not None and c.provenance.page}
    return sorted(found)


# --------------------------------------------------------------------------------------------------
# side lists


def _where(ref: CellRef) -> str:
    owner = ref.table_id or ref.card_id or "文档 (document)"
    parts = [owner]
    if ref.row is not None and ref.col is not None:
        parts.append(f"r{ref.row} c{ref.col}")
    if ref.field:
        parts.append(ref.field)
    if ref.page is not None:
        parts.append(f"第{ref.page}页 (p.{ref.page})")
    return " ".join(parts)


def _item(classes: str, keys: list[str], inner: str, number: int) -> str:
    return (f'<li class="{classes}" tabindex="0" role="button"{_attr("data-cells", json.dumps(keys))}'
            f'{_attr("data-n", number)}>{inner}</li>')


def _rule_text(rule_id: str) -> str:
    from budgetdoc.checks.rules import RULES_BY_ID

    rule = RULES_BY_ID.get(rule_id)
    return f"{rule.description_zh} ({rule.description_en})" if rule is not None else ""


def _violation_items(doc: DisclosureDocument, index: _Index) -> list[str]:
    out = []
    for n, r in enumerate(_violations(doc), start=1):
        keys = [cell_key(doc, c, index) for c in r.cells]
        cells = "; ".join(_where(locate(doc, c)) for c in r.cells)
        text = _rule_text(r.rule_id) or r.description or ""
        nums = (f"应为 (expected) {r.expected} · 实为 (found) {r.found}"
                if r.expected is not None or r.found is not None else "")
        msg = f'<div class="msg">{escape(r.message)}</div>' if r.message else ""
        out.append(_item("item violation", keys, (
            f'<div class="rule">{escape(text)}</div><code>{escape(r.rule_id)}</code>'
            f'<div class="nums">{escape(nums)}</div>{msg}<div class="where">{escape(cells)}</div>'), n))
    return out


def _repair_items(doc: DisclosureDocument, index: _Index) -> list[str]:
    out = []
    for n, r in enumerate(doc.repairs, start=1):
        rules = ", ".join(r.rule_ids or [r.rule_id])
        conf = f" · 置信度 (confidence) {r.confidence:.2f}" if r.confidence is not None else ""
        ev = f'<div class="msg">{escape(r.evidence)}</div>' if r.evidence else ""
        out.append(_item("item repair", [cell_key(doc, r.cell, index)], (
            f'<div class="rule"><span class="orig">{escape(r.original)}</span> → '
            f'<span class="new">{escape(r.repaired)}</span>{escape(conf)}</div>'
            f"<code>{escape(rules)}</code>{ev}"
            f'<div class="where">{escape(_where(locate(doc, r.cell)))}</div>'), n))
    return out


def _review_items(doc: DisclosureDocument, index: _Index) -> list[str]:
    out = []
    for n, it in enumerate(doc.review, start=1):
        conf = f"{it.confidence:.2f}" if it.confidence is not None else "—"
        rules = f"<code>{escape(', '.join(it.rule_ids))}</code>" if it.rule_ids else ""
        out.append(_item(f"item review-item {escape(it.reason)}", [cell_key(doc, it.cell, index)], (
            f'<div class="rule"><span class="rank">{n}.</span> '
            f'<span class="text">{escape(it.text or "∅")}</span> '
            f'<span class="reason">{escape(_REASONS.get(it.reason, it.reason))}</span> '
            f'<span class="conf">{escape(conf)}</span></div>{rules}'
            f'<div class="where">{escape(_where(locate(doc, it.cell)))}</div>'), n))
    return out


def _section(title: str, items: list[str], empty: str, list_id: str) -> str:
    body = (f'<ol class="items" id="{list_id}">{"".join(items)}</ol>' if items
            else f'<p class="muted">{empty}</p>')
    return (f'<section class="side-block"><h2>{title} <span class="count">{len(items)}</span></h2>'
            f"{body}</section>")


# --------------------------------------------------------------------------------------------------
# the page


_CSS = """
*{box-sizing:border-box}
html,body{margin:0;height:100%;font:13px/1.45 "Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",
"PingFang SC",sans-serif;color:#1d1d1f;background:#eef0f3}
.layout{display:grid;grid-template-columns:360px 1fr;height:100vh}
#side{overflow:auto;background:#fff;border-right:1px solid #d0d4da;padding:12px 14px}
#main{overflow:auto;padding:12px 16px;position:relative}
h1{font-size:16px;margin:0 0 4px}
h2{font-size:14px;margin:14px 0 6px}
h3{font-size:13px;margin:0 0 2px}
.meta,.muted,.where,.cont{color:#666;font-size:12px}
.muted{font-style:italic}
.count{background:#e5e7eb;border-radius:9px;padding:0 7px;font-size:12px;font-weight:normal}
.summary{font-size:12px;color:#444;margin:2px 0 6px}
.legend span{display:inline-block;margin:2px 8px 2px 0;font-size:12px}
.legend i{display:inline-block;width:12px;height:12px;vertical-align:-2px;margin-right:3px;border:2px solid}
.legend .l-bad{border-color:#d11;background:#ffd6d6}
.legend .l-fixed{border-color:#e08a00;background:#ffe6ad}
.legend .l-review{border-color:#7b3fd0;border-style:dashed}
.legend .l-hl{border-color:#0a66ff;background:#cfe0ff}
ol.items{list-style:none;margin:0;padding:0}
li.item{border:1px solid #e1e4e8;border-left-width:4px;border-radius:4px;padding:5px 7px;margin:0 0 6px;
cursor:pointer}
li.item:hover,li.item:focus{background:#f4f8ff;outline:none}
li.item.active{background:#e3eeff;border-color:#0a66ff}
li.violation{border-left-color:#d11}
li.repair{border-left-color:#e08a00}
li.review-item{border-left-color:#7b3fd0}
li.item code{font-size:11px;color:#555;word-break:break-all}
.rule{font-weight:600}
.nums{font-variant-numeric:tabular-nums}
.msg{font-size:12px;color:#333}
.orig{color:#b00;text-decoration:line-through}
.new{color:#0a7a28}
.reason{font-weight:normal;color:#555;font-size:12px}
.conf{font-weight:normal;font-variant-numeric:tabular-nums;color:#7b3fd0}
section.page{background:#fff;border:1px solid #d0d4da;border-radius:6px;margin:0 0 16px;padding:10px}
section.page>h2{margin:0 0 8px}
.page-body{display:flex;gap:12px;align-items:flex-start}
.sheet{flex:0 0 50%;min-width:0}
.sheet figcaption{font-size:12px;color:#666;margin-top:2px}
.sheet-svg{display:block;width:100%;height:auto;border:1px solid #ccc;background:#fff}
.blank{fill:#fff}
.tables{flex:1 1 auto;min-width:0;max-height:calc(100vh - 40px);overflow:auto;position:sticky;top:0}
.grid-block{margin:0 0 14px}
.grid-scroll{overflow-x:auto}
.tables table{border-collapse:collapse;font-size:12px;font-variant-numeric:tabular-nums}
.tables td{border:1px solid #c7ccd3;padding:2px 5px;white-space:nowrap}
.tables td.head{background:#f2f4f7;font-weight:600;text-align:center}
.tables td[data-cell]{cursor:pointer}
.tables td.review{box-shadow:inset 0 0 0 2px #7b3fd0}
.tables td.fixed{background:#ffe6ad}
.tables td.bad{background:#ffd6d6;color:#900}
.tables td.highlight{background:#cfe0ff !important;outline:3px solid #0a66ff;outline-offset:-2px}
.note{font-size:12px;color:#555;margin:2px 0}
.ov{vector-effect:non-scaling-stroke;fill:rgba(0,0,0,0);cursor:pointer}
.ov.tbl{stroke:#1a9a3c;stroke-width:2px;pointer-events:none}
.ov.cell{stroke:#2a62d8;stroke-width:.6px;stroke-opacity:.55}
.ov.cell.head{stroke:#e07b00}
.ov.review{stroke:#7b3fd0;stroke-width:2px;stroke-dasharray:4 2;stroke-opacity:1}
.ov.fixed{stroke:#e08a00;stroke-width:2.5px;stroke-opacity:1;fill:rgba(255,170,0,.28)}
.ov.bad{stroke:#d11;stroke-width:2.5px;stroke-opacity:1;fill:rgba(220,20,20,.22)}
.ov.highlight{stroke:#0a66ff;stroke-width:4px;stroke-opacity:1;stroke-dasharray:none;fill:rgba(10,102,255,.3);
animation:pulse 1s ease-in-out 3}
@keyframes pulse{50%{fill:rgba(10,102,255,.05)}}
body.hide-cells .ov.cell:not(.bad):not(.fixed):not(.review):not(.highlight){display:none}
.toggle{font-size:12px;display:block;margin:6px 0}
@media (max-width:1100px){.page-body{flex-direction:column}.sheet{flex-basis:auto;width:100%}
.tables{position:static;max-height:none}}
"""

# The script reads keys from attributes and only toggles classes and scroll positions: no text of
# the document is ever turned into HTML here.
_JS = """
(function () {
  "use strict";
  var byKey = {};
  var cells = document.querySelectorAll("[data-cell]");
  for (var i = 0; i < cells.length; i++) {
    var k = cells[i].getAttribute("data-cell");
    (byKey[k] = byKey[k] || []).push(cells[i]);
  }
  function clear() {
    var on = document.querySelectorAll(".highlight, li.item.active");
    for (var i = 0; i < on.length; i++) {
      on[i].classList.remove("highlight");
      on[i].classList.remove("active");
    }
  }
  // centre el vertically in panel, and scroll sideways only as far as needed (row labels stay in view)
  function scrollInside(panel, el) {
    var p = panel.getBoundingClientRect(), e = el.getBoundingClientRect();
    panel.scrollTop += (e.top - p.top) - (panel.clientHeight - e.height) / 2;
    var right = p.left + panel.clientWidth;
    if (e.right > right) { panel.scrollLeft += e.right - right + 8; }
    else if (e.left < p.left) { panel.scrollLeft -= p.left - e.left + 8; }
  }
  function show(keys, item) {
    clear();
    if (item) { item.classList.add("active"); }
    var shape = null, tds = [];
    keys.forEach(function (k) {
      (byKey[k] || []).forEach(function (el) {
        el.classList.add("highlight");
        if (el instanceof SVGElement) { if (!shape) { shape = el; } } else { tds.push(el); }
      });
    });
    if (shape) { shape.scrollIntoView({block: "center", inline: "nearest"}); }
    // the table beside the shape's page, else the first copy of the table
    var page = shape ? shape.closest("section.page") : null;
    var td = tds.filter(function (t) { return t.closest("section.page") === page; })[0] || tds[0];
    if (td) {
      if (!shape) { td.scrollIntoView({block: "center", inline: "nearest"}); }
      var panel = td.closest(".tables");
      if (panel) { scrollInside(panel, td); }
      var wide = td.closest(".grid-scroll");
      if (wide) { scrollInside(wide, td); }
    }
  }
  var items = document.querySelectorAll("li[data-cells]");
  for (var j = 0; j < items.length; j++) {
    (function (item) {
      var keys = [];
      try { keys = JSON.parse(item.getAttribute("data-cells") || "[]"); } catch (e) { keys = []; }
      item.addEventListener("click", function () { show(keys, item); });
      item.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); show(keys, item); }
      });
    })(items[j]);
  }
  for (var m = 0; m < cells.length; m++) {
    (function (el) {
      el.addEventListener("click", function () { show([el.getAttribute("data-cell")], null); });
    })(cells[m]);
  }
  var toggle = document.getElementById("toggle-cells");
  if (toggle) {
    toggle.addEventListener("change", function () {
      document.body.classList.toggle("hide-cells", !toggle.checked);
    });
  }
})();
"""


def _header(doc: DisclosureDocument, n_bad: int) -> str:
    title = doc.title or (doc.source.path if doc.source is not None else "") or "budgetdoc document"
    facts = [x for x in (doc.department, str(doc.year) if doc.year else None,
                         doc.kind.value if doc.kind is not None else None, doc.region) if x]
    src = f"源文件 (source): {doc.source.path}" if doc.source is not None else ""
    counts = (f"{len(doc.pages)} 页 (pages) · {len(doc.tables)} 表 (tables) · {len(doc.cards)} 绩效表 (cards) · "
              f"{n_bad} 违反 (violations) · {len(doc.repairs)} 修正 (repairs) · "
              f"{len(doc.review)} 待复核 (to review)")
    return (f"<h1>{escape(title)}</h1>"
            + (f'<p class="summary">{escape(" · ".join(facts))}</p>' if facts else "")
            + (f'<p class="summary">{escape(src)}</p>' if src else "")
            + f'<p class="summary">{escape(counts)}</p>'
            + '<div class="legend"><span><i class="l-bad"></i>违反勾稽关系 (violation)</span>'
              '<span><i class="l-fixed"></i>已修正 (repaired)</span>'
              '<span><i class="l-review"></i>待复核 (to review)</span>'
              '<span><i class="l-hl"></i>选中 (selected)</span></div>'
            + '<label class="toggle"><input type="checkbox" id="toggle-cells" checked> '
              '显示全部单元格框 (show every cell box)</label>')


def _errors_block(doc: DisclosureDocument) -> str:
    if not doc.errors:
        return ""
    items = "".join(f"<li>{escape(e.message)}</li>" for e in doc.errors)
    return (f'<section class="side-block"><h2>处理错误 (processing errors) '
            f'<span class="count">{len(doc.errors)}</span></h2><ul class="errors">{items}</ul></section>')


def _page_section(doc: DisclosureDocument, page: Page, sheet: _Sheet, marks: _Marks,
                  blocks: list[str]) -> str:
    side = "".join(blocks) or '<p class="muted">本页无表格 (no table on this page)</p>'
    return (f'<section class="page" id="page-{page.number}"{_attr("data-page", page.number)}>'
            f"<h2>第 {page.number} 页 (page {page.number})</h2>"
            f'<div class="page-body"><figure class="sheet" style="margin:0">'
            f"{_sheet_svg(doc, page, sheet, marks)}"
            f"<figcaption>{escape(_BACKGROUNDS[sheet.kind])}</figcaption></figure>"
            f'<div class="tables">{side}</div></div></section>')


def review_html(doc: DisclosureDocument, *, json_path: Path | str) -> str:
    """The review page of ``doc`` as one HTML string; ``json_path`` is where the document was read
    from (page images and the source file are found relative to it)."""
    json_path = Path(json_path)
    index = _Index.of(doc)
    marks = _marks(doc, index)
    sheets = _sheets(doc, json_path)
    known = {p.number for p in doc.pages}
    blocks: dict[int, list[str]] = {}
    loose: list[str] = []  # grids on no page of the document still belong on the page for a person to read
    for t in doc.tables:
        on = [p for p in _pages_of(t.pages, t.bbox_by_page, t) if p in known]
        for p in on:
            blocks.setdefault(p, []).append(_table_block(t, p, marks))
        if not on:
            loose.append(_table_block(t, 0, marks))
    for c in doc.cards:
        on = [p for p in _pages_of(c.pages, (), c.form) if p in known]
        for p in on:
            blocks.setdefault(p, []).append(_card_block(c, p, marks))
        if not on:
            loose.append(_card_block(c, 0, marks))
    pages = "".join(_page_section(doc, p, sheets[p.number], marks, blocks.get(p.number, []))
                    for p in doc.pages)
    if loose:
        pages += ('<section class="page" id="page-none"><h2>无页面的表格 (tables on no page)</h2>'
                  f'<div class="page-body"><div class="tables">{"".join(loose)}</div></div></section>')
    violations = _violation_items(doc, index)
    side = (_header(doc, len(violations))
            + _section("违反的勾稽关系 (violations)", violations, "无 (none)", "violations")
            + _section("已修正 (repairs)", _repair_items(doc, index), "无 (none)", "repairs")
            + _section("待复核，最可疑在前 (to review, most doubtful first)", _review_items(doc, index),
                       "无 (none)", "review")
            + _errors_block(doc))
    title = doc.title or json_path.stem
    return ("<!DOCTYPE html>\n"
            '<html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
            f"<title>{escape(title)} · 复核 (review)</title><style>{_CSS}</style></head>"
            f'<body><div class="layout"><aside id="side">{side}</aside><main id="main">{pages}</main></div>'
            f"<script>{_JS}</script></body></html>\n")


def review_path(doc_json_path: Path | str) -> Path:
    """Where the review page of a document goes by default: ``<name>.review.html`` beside the JSON."""
    p = Path(doc_json_path)
    return p.with_name(f"{p.stem}.review.html")


def write_review(doc_json_path: Path | str, out: Path | str | None = None) -> Path:
    """Read a document JSON and write its review page (atomically) to ``out`` or beside the JSON.

    Raises ValueError naming the file when the JSON cannot be read as a document."""
    from budgetdoc.model.io import load_document
    from budgetdoc.util.files import atomic_write_text

    path = Path(doc_json_path)
    try:
        doc = load_document(path)
    except (TypeError, AttributeError, KeyError) as e:
        # JSON of the wrong shape (``"tables": 5``) trips the loader before validation does
        raise ValueError(f"{path}: not a budgetdoc document: {type(e).__name__}: {e}") from e
    target = Path(out) if out is not None else review_path(path)
    return atomic_write_text(target, review_html(doc, json_path=path))
