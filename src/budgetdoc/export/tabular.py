"""CSV and XLSX exports of a document: the files analysts open first.

* CSV, one file per table (and one per performance card, of its indicators): UTF-8 *with* BOM,
  because Excel only detects UTF-8 in a CSV by its BOM and otherwise shows Chinese as mojibake.
  The header line is the printed header rows flattened per column ("本年支出/基本支出"); body
  cells are the printed text, so nothing is lost to number parsing.
* XLSX, one workbook per document: a ``summary`` sheet, then one sheet per table and per card
  holding the grid *as printed*: merged cells stay merged, header rows are bold on a fill, amounts
  are numeric cells (so SUM works) while subject/economic codes such as "2010301" or "01" stay
  text (Excel would otherwise drop leading zeros and right-align codes as numbers).

Every file is written atomically (:mod:`budgetdoc.util.files`): a killed run never leaves half a
workbook that Excel refuses to open.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Literal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from budgetdoc.model.document import CellGrid, DisclosureDocument, PerformanceCard, Table
from budgetdoc.parsing.amounts import amount_with_unit, parse_amount
from budgetdoc.parsing.text import YEAR_RE, normalize
from budgetdoc.util.files import atomic_write_bytes

__all__ = [
    "GRID_TOP_ROW",
    "INDICATOR_COLUMNS",
    "SUMMARY_SHEET",
    "build_workbook",
    "flat_header",
    "grid_values",
    "indicators_csv_text",
    "sheet_names",
    "short_title",
    "table_csv_text",
    "write_document_exports",
    "write_table_csvs",
    "write_xlsx",
]

#: Name of the first sheet of every workbook.
SUMMARY_SHEET = "summary"

#: 1-based worksheet row where a table's (or card form's) grid starts: row 1 holds the title, row 2
#: the label/department/unit line, row 3 is blank. Grid cell (r, c) lands at (GRID_TOP_ROW + r, c + 1).
GRID_TOP_ROW = 4

#: Indicator columns: (CSV key, XLSX label). CSV keys are ASCII so that code reading them need not
#: care about encodings; the workbook shows the printed Chinese names.
INDICATOR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("level1", "一级指标"),
    ("level2", "二级指标"),
    ("level3", "三级指标"),
    ("value", "指标值"),
    ("scope", "实施期/年度"),
    ("kind", "值类型"),
    ("comparator", "比较符"),
    ("number", "数值"),
    ("unit", "计量单位"),
    ("text", "文字值"),
)

CellValue = str | Decimal | None
ColumnKind = Literal["amount", "text", "strict"]

_MAX_SHEET_NAME = 31
_SHEET_BAD_CHARS = re.compile(r"[\[\]:*?/\\]")
_FILE_BAD_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\s]+')
_CODE_RE = re.compile(r"0\d+")  # a leading zero: a code ("01", "0501"), never an amount
_CODE_ROLES = frozenset(
    {"subject_code", "subject_code_lei", "subject_code_kuan", "subject_code_xiang", "economic_code", "serial"}
)

_HEADER_FONT = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=13)
_HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_TEXT_ALIGN = Alignment(horizontal="left", vertical="center", wrap_text=True)
_NUMBER_ALIGN = Alignment(horizontal="right", vertical="center")


# --------------------------------------------------------------------------------------------------
# names


def short_title(title: str) -> str:
    """The title without whitespace and its leading year ("2026年 预算收支总表" → "预算收支总表").

    Every table of a disclosure starts with the same year, so it only wastes the 31 characters
    Excel allows a sheet name; spaces in Chinese titles are typesetting, not words.
    """
    compact = "".join(title.split())
    m = YEAR_RE.match(compact)
    return compact[m.end():] if m and m.end() < len(compact) else compact


def _safe_file_part(text: str, limit: int = 40) -> str:
    """A file-name fragment valid on Windows, macOS and Linux: no separators, no reserved chars."""
    s = _FILE_BAD_CHARS.sub("_", text).strip("._")
    return s[:limit].rstrip("._")


def _unique(name: str, taken: set[str], limit: int) -> str:
    """``name`` cut to ``limit`` chars, suffixed ~2, ~3 … until no case-insensitive clash."""
    candidate = name[:limit]
    n = 1
    while candidate.casefold() in taken:
        n += 1
        suffix = f"~{n}"
        candidate = name[: limit - len(suffix)] + suffix
    taken.add(candidate.casefold())
    return candidate


def _sheet_name(base: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name: ≤31 chars, none of []:*?/\\, no edge apostrophes."""
    s = _SHEET_BAD_CHARS.sub("_", ILLEGAL_CHARACTERS_RE.sub("", base)).strip().strip("'").strip()
    return _unique(s or "sheet", taken, _MAX_SHEET_NAME)


def _card_label(card: PerformanceCard) -> str:
    """What tells cards apart: their project (all project cards share one printed title)."""
    return card.project_name or card.department_name or short_title(card.title)


def sheet_names(doc: DisclosureDocument) -> tuple[list[str], list[str]]:
    """Sheet names for the document's tables and cards, in order, unique and valid.

    Computed once so the summary sheet can link to sheets written after it.
    """
    taken = {SUMMARY_SHEET.casefold()}
    tables = [_sheet_name(f"{t.id} {short_title(t.title)}", taken) for t in doc.tables]
    cards = [_sheet_name(f"{c.id} {_card_label(c)}", taken) for c in doc.cards]
    return tables, cards


# --------------------------------------------------------------------------------------------------
# cell values


def _has_separator(text: str) -> bool:
    s = normalize(text)
    return "." in s or "," in s


def _is_code(text: str) -> bool:
    return bool(_CODE_RE.fullmatch(normalize(text)))


def _column_kinds(grid: CellGrid) -> list[ColumnKind]:
    """How to read each column's body cells: amounts, text, or strict (number only if it has . or ,).

    A table's :class:`ColumnSpec` roles decide when present. Otherwise a column counts as amounts
    when some body cell parses with a decimal point or thousands separator and no cell looks like
    a zero-led code; bare integers elsewhere stay text, because subject codes (201, 2010301) are
    bare integers and must never become numbers. A card form mixes text and amounts in every
    column, so its cells are judged one by one (``strict``): "550,000", "27.50" and "0" are amounts,
    "608" (a department code) is not.
    """
    if not isinstance(grid, Table):
        return ["strict"] * grid.num_cols
    kinds: list[ColumnKind] = []
    specs = {c.index: c for c in grid.columns}
    body = [c for c in grid.cells if c.row >= grid.header_rows and not c.column_header]
    for k in range(grid.num_cols):
        spec = specs.get(k)
        if spec is not None and (spec.role == "amount" or spec.column is not None):
            kinds.append("amount")
        elif spec is not None and spec.role is not None:
            kinds.append("text")
        else:
            texts = [c.text for c in body if c.col == k and c.text.strip()]
            numeric = any(parse_amount(t) is not None and _has_separator(t) for t in texts)
            kinds.append("amount" if numeric and not any(_is_code(t) for t in texts) else "text")
    return kinds


def _cell_value(text: str, kind: ColumnKind) -> CellValue:
    """The typed value of one printed cell: Decimal for an amount, the text otherwise, None if blank.

    Empty marks ("-", "—", "/") stay as printed text: the model reads them as "no amount", not 0.
    An amount printed with its money unit stays text too, so the unit is not silently dropped.
    """
    if not text.strip():
        return None
    if kind == "text" or _is_code(text):
        return text
    value, unit = amount_with_unit(text)
    bare_integer = not _has_separator(text) and normalize(text) != "0"  # "0" is never a code
    if value is None or unit is not None or (kind == "strict" and bare_integer):
        return text  # "12.3万元" keeps its printed unit rather than becoming a bare 12.3
    return value


def grid_values(grid: CellGrid) -> dict[tuple[int, int], CellValue]:
    """Typed value of every cell, keyed by its top-left (row, col); header cells are always text."""
    kinds = _column_kinds(grid)
    out: dict[tuple[int, int], CellValue] = {}
    for c in grid.cells:
        header = c.column_header or c.row < grid.header_rows
        out[(c.row, c.col)] = (c.text or None) if header else _cell_value(c.text, kinds[c.col])
    return out


# --------------------------------------------------------------------------------------------------
# CSV


def flat_header(grid: CellGrid) -> list[str]:
    """One label per column: the printed header texts top to bottom joined with "/".

    A row-spanning header cell repeats in the grid and is kept once ("上年结转", not
    "上年结转/上年结转"). Without header rows, a table's column specs are used; a column with no
    header text at all is called col1, col2 … so that every CSV column has a name.
    """
    n = min(grid.header_rows, grid.num_rows)
    rows = grid.grid[:n]
    specs = {c.index: c.header for c in grid.columns} if isinstance(grid, Table) else {}
    labels: list[str] = []
    for k in range(grid.num_cols):
        texts = [rows[r][k].strip() for r in range(n)] if n else list(specs.get(k, []))
        parts: list[str] = []
        for t in texts:
            if t and (not parts or parts[-1] != t):
                parts.append(t)
        labels.append("/".join(parts) or f"col{k + 1}")
    return labels


def _body_rows(grid: CellGrid) -> list[list[str]]:
    """Body rows as printed text. A merged label repeats over its span so each row reads alone; a
    merged amount is written once, at its first slot, so that column sums never count it twice."""
    n = min(grid.header_rows, grid.num_rows)
    values = grid_values(grid)
    rows = [["" for _ in range(grid.num_cols)] for _ in range(grid.num_rows)]
    for c in grid.cells:
        slots = [(c.row, c.col)]
        if not isinstance(values[(c.row, c.col)], Decimal):
            slots = [(r, k) for r in range(c.row, c.row_end) for k in range(c.col, c.col_end)]
        for r, k in slots:
            rows[r][k] = c.text
    return rows[n:]


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """CSV text (RFC 4180 line ends, minimal quoting) encoded UTF-8 with BOM for Excel.

    A grid without columns gives an empty file (BOM only): a lone empty line would read as one
    unnamed column.
    """
    if not header:
        return "".encode("utf-8-sig")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def table_csv_text(table: CellGrid) -> str:
    """A table (or any grid) as CSV text, without the BOM: flattened header, printed body rows."""
    return _csv_bytes(flat_header(table), _body_rows(table)).decode("utf-8-sig")


def _indicator_record(card: PerformanceCard) -> list[list[str]]:
    """One row per indicator: printed levels and value, then the parsed value's parts."""
    rows: list[list[str]] = []
    for ind in card.indicators:
        p = ind.parsed
        rows.append([
            ind.level1, ind.level2, ind.level3, ind.value,
            ind.scope.value if ind.scope else "",
            p.kind.value if p else "",
            p.comparator.value if p and p.comparator else "",
            f"{p.number:f}" if p and p.number is not None else "",
            (p.unit or "") if p else "",
            (p.text or "") if p else "",
        ])
    return rows


def indicators_csv_text(card: PerformanceCard) -> str:
    """A card's indicators as CSV text, without the BOM; columns are :data:`INDICATOR_COLUMNS` keys."""
    header = [key for key, _ in INDICATOR_COLUMNS]
    return _csv_bytes(header, _indicator_record(card)).decode("utf-8-sig")


def write_table_csvs(
    doc: DisclosureDocument, out_dir: str | Path, *, include_cards: bool = True
) -> list[Path]:
    """Write one CSV per table (``<id>-<short title>.csv``) and per card (``<id>-<project>-indicators.csv``).

    Names are stable for a given document (ids come first, so files sort in document order) and
    made unique case-insensitively, so two tables with the same title never overwrite each other.
    Files of an earlier export that this document no longer has are left alone.
    """
    out = Path(out_dir)
    taken: set[str] = set()
    paths: list[Path] = []
    for t in doc.tables:
        stem = _unique(_safe_file_part(f"{t.id}-{short_title(t.title)}", 60) or "table", taken, 60)
        paths.append(atomic_write_bytes(out / f"{stem}.csv", _csv_bytes(flat_header(t), _body_rows(t))))
    if include_cards:
        for c in doc.cards:
            base = _safe_file_part(f"{c.id}-{_card_label(c)}", 49) + "-indicators"
            stem = _unique(base, taken, 60)
            header = [key for key, _ in INDICATOR_COLUMNS]
            paths.append(atomic_write_bytes(out / f"{stem}.csv", _csv_bytes(header, _indicator_record(c))))
    return paths


# --------------------------------------------------------------------------------------------------
# XLSX


def _text_width(text: str) -> int:
    """Display width in Excel character units: CJK characters are two columns wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _number_format(text: str) -> str:
    """Keep the printed scale: "389.20" shows two decimals, "550,000" none."""
    s = normalize(text)
    places = len(s.rsplit(".", 1)[1].rstrip(")")) if "." in s else 0
    return "#,##0" + ("." + "0" * places if places else "")


def _put(ws: Worksheet, row: int, col: int, value: CellValue) -> Cell:
    """Write one value; strings are sanitised and never read as formulas ("=100%" stays text)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _style_slots(ws: Worksheet, grid: CellGrid, top: int) -> None:
    """Borders on every slot, header fill and font on every header slot (merged or not)."""
    n_head = min(grid.header_rows, grid.num_rows)
    for r in range(grid.num_rows):
        for k in range(grid.num_cols):
            cell = ws.cell(row=top + r, column=k + 1)
            cell.border = _BORDER
            if r < n_head:
                cell.font = _HEADER_FONT
                cell.fill = _HEADER_FILL
                cell.alignment = _HEADER_ALIGN


def _write_grid(ws: Worksheet, grid: CellGrid, top: int) -> None:
    """The grid as printed at worksheet row ``top``: typed values, styles, then one merge per span."""
    _style_slots(ws, grid, top)
    values = grid_values(grid)
    for c in grid.cells:
        cell = _put(ws, top + c.row, c.col + 1, values[(c.row, c.col)])
        header = c.column_header or c.row < grid.header_rows
        if header:
            cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGN
        elif isinstance(cell.value, (int, float, Decimal)):
            cell.number_format, cell.alignment = _number_format(c.text), _NUMBER_ALIGN
        else:
            cell.alignment = _TEXT_ALIGN
    for c in grid.cells:
        if c.row_span > 1 or c.col_span > 1:
            ws.merge_cells(start_row=top + c.row, start_column=c.col + 1,
                           end_row=top + c.row_end - 1, end_column=c.col_end)


def _column_widths(grid: CellGrid, max_width: int) -> list[float]:
    """Widths from the widest single-column cell text (merged texts spread, so they don't count)."""
    widths = [6.0] * grid.num_cols
    for c in grid.cells:
        if c.col_span == 1:
            widths[c.col] = max(widths[c.col], min(_text_width(c.text) + 2, max_width))
    return widths


def _set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    """Set widths outright (not max with the current one: openpyxl reports 13 for unset columns)."""
    for k, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(k + 1)].width = w


def _fit_row_heights(ws: Worksheet, grid: CellGrid, top: int, widths: Sequence[float]) -> None:
    """Tall enough rows for wrapped text: Excel does not re-measure rows of a generated file."""
    lines = [1] * grid.num_rows
    for c in grid.cells:
        if c.row_span == 1 and c.text:
            room = max(sum(widths[c.col:c.col_end]) - 1, 1)
            lines[c.row] = max(lines[c.row], math.ceil(_text_width(c.text) / room))
    for r, n in enumerate(lines):
        if n > 1:
            ws.row_dimensions[top + r].height = min(15 * n, 409)


def _write_heading(ws: Worksheet, title: str, details: Iterable[str | None]) -> None:
    """Title on row 1, the printed details (label, department, unit, pages) on row 2."""
    _put(ws, 1, 1, title).font = _TITLE_FONT
    line = "    ".join(d for d in details if d)
    if line:
        _put(ws, 2, 1, line)


def _pages(pages: Sequence[int]) -> str:
    return ",".join(str(p) for p in pages)


def _write_table_sheet(ws: Worksheet, table: Table) -> None:
    """A table sheet: heading, the printed grid with merges, notes under it, frozen below the header."""
    unit = f"单位：{table.unit.value}" if table.unit else None
    pages = f"页：{_pages(table.pages)}" if table.pages else None
    _write_heading(ws, table.title, [table.label, table.department, unit, pages])
    _write_grid(ws, table, GRID_TOP_ROW)
    widths = _column_widths(table, max_width=40)
    _set_widths(ws, widths)
    _fit_row_heights(ws, table, GRID_TOP_ROW, widths)
    for i, note in enumerate(table.notes):
        _put(ws, GRID_TOP_ROW + table.num_rows + 1 + i, 1, note)
    if table.is_empty and not table.notes:
        _put(ws, GRID_TOP_ROW + table.num_rows + 1, 1, "（本表无数据）")
    if 0 < table.header_rows < table.num_rows:
        ws.freeze_panes = ws.cell(row=GRID_TOP_ROW + table.header_rows, column=1)


def _write_block(ws: Worksheet, top: int, header: Sequence[str], rows: Sequence[Sequence[CellValue]]) -> int:
    """A plain bordered block with a bold header row; returns the next free row."""
    for k, text in enumerate(header):
        cell = _put(ws, top, k + 1, text)
        cell.font, cell.fill, cell.alignment, cell.border = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGN, _BORDER
    for i, row in enumerate(rows, start=1):
        for k, value in enumerate(row):
            cell = _put(ws, top + i, k + 1, value)
            cell.border = _BORDER
            cell.alignment = _NUMBER_ALIGN if isinstance(value, Decimal) else _TEXT_ALIGN
    return top + len(rows) + 2


def _indicator_cells(card: PerformanceCard) -> list[list[CellValue]]:
    """Indicator rows for the workbook: the parsed number is a numeric cell, the rest text."""
    rows: list[list[CellValue]] = []
    for record, ind in zip(_indicator_record(card), card.indicators, strict=True):
        number = ind.parsed.number if ind.parsed else None
        rows.append([v or None for v in record[:7]] + [number] + [v or None for v in record[8:]])
    return rows


def _write_card_sheet(ws: Worksheet, card: PerformanceCard) -> None:
    """A card sheet: its printed form with merges (or its fields when no form), then its indicators."""
    unit = f"资金单位：{card.funds_unit.value}" if card.funds_unit else None
    pages = f"页：{_pages(card.pages)}" if card.pages else None
    _write_heading(ws, card.title, [card.project_name, card.department_name, unit, pages])
    row = GRID_TOP_ROW
    widths: list[float] = []
    if card.form is not None:
        _write_grid(ws, card.form, GRID_TOP_ROW)
        widths = _column_widths(card.form, max_width=30)
        _fit_row_heights(ws, card.form, GRID_TOP_ROW, widths)
        row = GRID_TOP_ROW + card.form.num_rows + 1
    elif card.fields:
        row = _write_block(ws, row, ["项目", "内容"], [[f.key, f.value] for f in card.fields])
        widths = [24.0, 60.0]
    if card.indicators:
        _write_block(ws, row, [label for _, label in INDICATOR_COLUMNS], _indicator_cells(card))
        widths = [max(w, 14.0) for w in widths] + [14.0] * (len(INDICATOR_COLUMNS) - len(widths))
    _set_widths(ws, widths)


def _link(cell: Cell, sheet: str) -> None:
    """Make a summary cell jump to its sheet."""
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{sheet}'!A1", display=sheet)
    cell.font = Font(color="0563C1", underline="single")


def _write_summary(ws: Worksheet, doc: DisclosureDocument, tables: list[str], cards: list[str]) -> None:
    """The first sheet: what the document is, and one line per table and card with a link to it."""
    _write_heading(ws, doc.title or doc.department or "budgetdoc export",
                   [doc.department, str(doc.year) if doc.year else None, doc.kind.value if doc.kind else None,
                    doc.source.path if doc.source else None])
    header = ["id", "title", "type", "label", "unit", "pages", "grid rows", "grid cols", "header rows",
              "typed rows", "empty", "notes", "sheet"]
    rows: list[list[CellValue]] = [
        [t.id, t.title, t.table_type.value, t.label, t.unit.value if t.unit else None, _pages(t.pages),
         Decimal(t.num_rows), Decimal(t.num_cols), Decimal(t.header_rows), Decimal(len(t.rows)),
         "yes" if t.is_empty else "no", " ".join(t.notes) or None, name]
        for t, name in zip(doc.tables, tables, strict=True)
    ]
    next_row = _write_block(ws, GRID_TOP_ROW, header, rows)
    for i, name in enumerate(tables, start=1):
        _link(ws.cell(row=GRID_TOP_ROW + i, column=len(header)), name)
    card_header = ["id", "type", "title", "project / department", "pages", "indicators", "form", "sheet"]
    card_rows: list[list[CellValue]] = [
        [c.id, c.card_type.value, c.title, _card_label(c), _pages(c.pages), Decimal(len(c.indicators)),
         "yes" if c.form is not None else "no", name]
        for c, name in zip(doc.cards, cards, strict=True)
    ]
    if card_rows:
        _write_block(ws, next_row, card_header, card_rows)
        for i, name in enumerate(cards, start=1):
            _link(ws.cell(row=next_row + i, column=len(card_header)), name)
    _set_widths(ws, [8, 48, 30, 16, 8, 10, 10, 10, 12, 10, 8, 24, 36])


def build_workbook(doc: DisclosureDocument) -> Workbook:
    """The whole workbook in memory: summary first, then tables and cards in document order."""
    wb = Workbook()
    summary = wb.active
    summary.title = SUMMARY_SHEET
    tables, cards = sheet_names(doc)
    for table, name in zip(doc.tables, tables, strict=True):
        _write_table_sheet(wb.create_sheet(name), table)
    for card, name in zip(doc.cards, cards, strict=True):
        _write_card_sheet(wb.create_sheet(name), card)
    _write_summary(summary, doc, tables, cards)
    return wb


def write_xlsx(doc: DisclosureDocument, path: str | Path) -> Path:
    """Write the document's workbook to ``path`` atomically (built in memory, then os.replace)."""
    buf = io.BytesIO()
    build_workbook(doc).save(buf)
    return atomic_write_bytes(Path(path), buf.getvalue())


def write_document_exports(doc: DisclosureDocument, out_dir: str | Path, stem: str) -> dict[str, list[Path]]:
    """Write both exports: CSVs into ``out_dir/<stem>/`` and the workbook at ``out_dir/<stem>.xlsx``."""
    out = Path(out_dir)
    csvs = write_table_csvs(doc, out / stem)
    xlsx = write_xlsx(doc, out / f"{stem}.xlsx")
    return {"csv": csvs, "xlsx": [xlsx]}
