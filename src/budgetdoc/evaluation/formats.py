"""The tables the evaluator scores, read from our schema, from HTML or from CSV.

Every prediction format becomes a list of :class:`EvalTable`: a :class:`~budgetdoc.model.document.CellGrid`
(cells with explicit spans) plus what the format carries besides the grid: a title (our JSON; HTML
``<caption>``), a table type and typed rows (our JSON only). HTML is what PP-Structure, MinerU and
docling print: ``<table>`` elements with ``<tr>``/``<td>``/``<th>``, ``rowspan``/``colspan``, an
optional ``<thead>``; CSV is one table per file, one slot per field, no spans and no header rows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

from budgetdoc.model.document import CellGrid, Table, TableCell, TableRow


@dataclass(frozen=True)
class EvalTable:
    """One table to score: its grid and what else the source format said about it.

    ``title`` is ``None`` when the format carries no title (CSV, HTML without ``<caption>``);
    ``table_type`` and ``rows`` are ``None`` outside our schema's JSON.
    """

    id: str
    grid: CellGrid
    title: str | None = None
    table_type: str | None = None
    pages: tuple[int, ...] = ()
    rows: tuple[TableRow, ...] | None = None
    source: str | None = None

    @classmethod
    def from_table(cls, table: Table, *, source: str | None = None) -> EvalTable:
        return cls(id=table.id, grid=table, title=table.title, table_type=table.table_type.value,
                   pages=tuple(table.pages), rows=tuple(table.rows), source=source)


def grid_from_rows(rows: list[list[str]], *, header_rows: int = 0) -> CellGrid:
    """A grid of 1×1 cells from rows of text (short rows are padded with empty slots)."""
    width = max((len(r) for r in rows), default=0)
    cells = [TableCell(text=t, row=i, col=k, column_header=i < header_rows)
             for i, r in enumerate(rows) for k, t in enumerate(r)]
    return CellGrid(num_rows=len(rows), num_cols=width, header_rows=min(header_rows, len(rows)), cells=cells)


# --------------------------------------------------------------------------------------------------
# HTML


@dataclass
class _RawCell:
    text: list[str] = field(default_factory=list)
    row_span: int = 1
    col_span: int = 1
    th: bool = False


@dataclass
class _RawTable:
    caption: list[str] = field(default_factory=list)
    rows: list[list[_RawCell]] = field(default_factory=list)
    head_rows: list[bool] = field(default_factory=list)


def _span(value: str | None) -> int:
    try:
        return max(1, min(1000, int(str(value).strip())))
    except (TypeError, ValueError):
        return 1


class _TablesParser(HTMLParser):
    """Collects the top-level ``<table>`` elements of an HTML text; nested tables become cell text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[_RawTable] = []
        self._depth = 0
        self._in_head = False
        self._cell: _RawCell | None = None
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._depth += 1
            if self._depth == 1:
                self.tables.append(_RawTable())
                self._in_head = False
            return
        if self._depth != 1:
            if tag == "br" and self._cell is not None:
                self._cell.text.append("\n")
            return
        table = self.tables[-1]
        if tag == "caption":
            self._in_caption = True
        elif tag == "thead":
            self._in_head = True
        elif tag in ("tbody", "tfoot"):
            self._in_head = False
        elif tag == "tr":
            table.rows.append([])
            table.head_rows.append(self._in_head)
            self._cell = None
        elif tag in ("td", "th"):
            if not table.rows:  # a cell outside any <tr>: start a row for it
                table.rows.append([])
                table.head_rows.append(self._in_head)
            a = dict(attrs)
            self._cell = _RawCell(row_span=_span(a.get("rowspan")), col_span=_span(a.get("colspan")),
                                  th=tag == "th")
            table.rows[-1].append(self._cell)
        elif tag == "br" and self._cell is not None:
            self._cell.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._depth = max(0, self._depth - 1)
            if self._depth == 0:
                self._cell = None
                self._in_caption = False
            return
        if self._depth != 1:
            return
        if tag in ("td", "th", "tr"):
            self._cell = None
        elif tag == "caption":
            self._in_caption = False
        elif tag == "thead":
            self._in_head = False

    def handle_data(self, data: str) -> None:
        if self._depth == 0:
            return
        if self._in_caption and self._depth == 1:
            self.tables[-1].caption.append(data)
        elif self._cell is not None:
            self._cell.text.append(data)


def _layout(raw: _RawTable) -> CellGrid:
    """Place the cells of an HTML table on a grid (the usual occupancy walk)."""
    n_rows = len(raw.rows)
    occupied: set[tuple[int, int]] = set()
    cells: list[TableCell] = []
    width = 0
    for r, row in enumerate(raw.rows):
        c = 0
        for rc in row:
            while (r, c) in occupied:
                c += 1
            rs = 1  # spans that would run into earlier cells are shortened
            while rs < min(rc.row_span, n_rows - r) and (r + rs, c) not in occupied:
                rs += 1
            cs = 1
            while cs < rc.col_span and not any((r + i, c + cs) in occupied for i in range(rs)):
                cs += 1
            for i in range(rs):
                for k in range(cs):
                    occupied.add((r + i, c + k))
            text = "".join(rc.text).strip()
            cells.append(TableCell(text=text, row=r, col=c, row_span=rs, col_span=cs,
                                   column_header=raw.head_rows[r] or rc.th))
            c += cs
            width = max(width, c)
    head = 0
    while head < n_rows and raw.head_rows[head]:
        head += 1
    if head == 0:  # no <thead>: leading rows made only of <th> cells are the header
        while head < n_rows and raw.rows[head] and all(c.th for c in raw.rows[head]):
            head += 1
    return CellGrid(num_rows=n_rows, num_cols=width, header_rows=head, cells=cells)


def read_html_tables(text: str, *, source: str = "html") -> list[EvalTable]:
    """Every top-level ``<table>`` in ``text``, in document order.

    Raises ``ValueError`` when ``text`` has content but no ``<table>`` element. An empty (or
    whitespace-only) text is a prediction of no tables.
    """
    if not text.strip():
        return []
    parser = _TablesParser()
    parser.feed(text)
    parser.close()
    if not parser.tables:
        raise ValueError(f"{source}: no <table> element")
    out = []
    for i, raw in enumerate(parser.tables, 1):
        caption = "".join(raw.caption).strip() or None
        out.append(EvalTable(id=f"{source}#{i}", grid=_layout(raw), title=caption, source=source))
    return out


def grid_to_html(grid: CellGrid, *, caption: str | None = None) -> str:
    """A ``<table>`` (with ``<thead>`` for header rows and spans) of a grid, as other tools print it."""
    parts = ["<table>"]
    if caption:
        parts.append(f"<caption>{escape(caption)}</caption>")
    by_row: dict[int, list[TableCell]] = {}
    for c in grid.cells:
        by_row.setdefault(c.row, []).append(c)
    head = min(grid.header_rows, grid.num_rows)
    for r in range(grid.num_rows):
        if r == 0 and head:
            parts.append("<thead>")
        if r == head:
            parts.append("<tbody>")
        parts.append("<tr>")
        for c in sorted(by_row.get(r, []), key=lambda c: c.col):
            attrs = (f' rowspan="{c.row_span}"' if c.row_span > 1 else "") + (
                f' colspan="{c.col_span}"' if c.col_span > 1 else "")
            parts.append(f"<td{attrs}>{escape(c.text)}</td>")
        parts.append("</tr>")
        if r == head - 1:
            parts.append("</thead>")
    if grid.num_rows > head:
        parts.append("</tbody>")
    parts.append("</table>")
    return "".join(parts)


# --------------------------------------------------------------------------------------------------
# CSV


def read_csv_table(text: str, *, source: str = "csv") -> EvalTable:
    """One table from CSV text: one 1×1 cell per field, no spans, no header rows.

    Blank lines are skipped; short rows are padded. Raises ``ValueError`` on malformed CSV.
    """
    try:
        rows = [r for r in csv.reader(io.StringIO(text), strict=True) if r]
    except csv.Error as e:
        raise ValueError(f"{source}: malformed CSV: {e}") from e
    return EvalTable(id=source, grid=grid_from_rows(rows), source=source)


def grid_to_csv(grid: CellGrid) -> str:
    """The grid as CSV: a merged cell's text in its top-left slot, the slots it covers empty."""
    rows = [["" for _ in range(grid.num_cols)] for _ in range(grid.num_rows)]
    for c in grid.cells:
        rows[c.row][c.col] = c.text
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()
