"""The amount a :class:`~budgetdoc.model.document.CellRef` names: read it, and change it.

The checks name cells by reference (a table cell by table id and grid position, a card's fund line
by ``funds[i].annual_amount``, a narrative figure by ``sections[i].figures[j]``). The repair search
and the confidence pass need the value behind a reference, its printed text and provenance, and a
way to change it everywhere the document keeps it (the typed row's amount *and* the grid cell's
text), so that a repaired document reads the same whichever view a user takes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from budgetdoc.model.document import (
    CellRef,
    DisclosureDocument,
    FundLine,
    ItemRow,
    Provenance,
    Table,
    TableCell,
    TableRow,
)
from budgetdoc.model.vocab import Column
from budgetdoc.parsing.amounts import format_amount, parse_amount

CellKey = tuple[str, str, int | None, int | None, str | None]

_FUND_RE = re.compile(r"^funds\[(\d+)\]\.(period_amount|annual_amount)$")
_FIGURE_RE = re.compile(r"^sections\[(\d+)\]\.figures\[(\d+)\]$")


def cell_key(ref: CellRef) -> CellKey:
    """A hashable identity of the cell a reference names (page and box left out)."""
    if ref.table_id is not None:
        return ("table", ref.table_id, ref.row, ref.col, None)
    if ref.card_id is not None:
        return ("card", ref.card_id, None, None, ref.field)
    return ("document", "", None, None, ref.field)


@dataclass
class AmountCell:
    """One amount as the document holds it: its value, printed text and provenance, and where."""

    ref: CellRef
    value: Decimal | None
    text: str
    provenance: Provenance | None
    kind: str  # "table" | "card" | "figure"

    @property
    def key(self) -> CellKey:
        return cell_key(self.ref)


def _table(doc: DisclosureDocument, table_id: str) -> Table | None:
    return next((t for t in doc.tables if t.id == table_id), None)


def _grid_cell(table: Table, row: int, col: int) -> TableCell | None:
    return next((c for c in table.cells if c.row <= row < c.row_end and c.col <= col < c.col_end), None)


def amount_col(table: Table, row: TableRow, column: Column) -> int | None:
    """The grid column of a typed amount: its canonical column's, else (a 支出用途 line under one 金额
    header, keyed by use) the amount column right of the line's item column."""
    from budgetdoc.checks.identities import _item_col, _listed_amount, col_index

    side = row.side if isinstance(row, ItemRow) else None
    col = col_index(table, column, side)
    if col is None and isinstance(row, ItemRow) and len(row.amounts) == 1:
        k = _item_col(table, row)
        if k is not None:
            col = _listed_amount(table, row, k)[1].col
    return col


def _typed_slots(table: Table, row: int, col: int) -> list[tuple[TableRow, Column]]:
    """(typed row, column) pairs stored at grid (row, col): usually one."""
    return [(r, column) for r in table.rows if r.grid_row == row for column in r.amounts
            if amount_col(table, r, column) == col]


def read_cell(doc: DisclosureDocument, ref: CellRef) -> AmountCell | None:
    """The amount ``ref`` names, or None when the reference names nothing this module can change."""
    if ref.table_id is not None and ref.row is not None and ref.col is not None:
        table = _table(doc, ref.table_id)
        if table is None:
            return None
        slots = _typed_slots(table, ref.row, ref.col)
        cell = _grid_cell(table, ref.row, ref.col)
        if not slots and cell is None:
            return None
        value = slots[0][0].amounts.get(slots[0][1]) if slots else parse_amount(cell.text if cell else None)
        text = cell.text if cell is not None else (format_amount(value) if value is not None else "")
        return AmountCell(ref, value, text, cell.provenance if cell else None, "table")
    if ref.card_id is not None and ref.field:
        m = _FUND_RE.match(ref.field)
        card = next((c for c in doc.cards if c.id == ref.card_id), None)
        if m is None or card is None or int(m.group(1)) >= len(card.funds):
            return None
        line: FundLine = card.funds[int(m.group(1))]
        value = getattr(line, m.group(2))
        return AmountCell(ref, value, format_amount(value) if value is not None else "", line.provenance, "card")
    if ref.field:
        m = _FIGURE_RE.match(ref.field)
        if m is None:
            return None
        i, j = int(m.group(1)), int(m.group(2))
        if i >= len(doc.sections) or j >= len(doc.sections[i].figures):
            return None
        fig = doc.sections[i].figures[j]
        return AmountCell(ref, fig.value, format_amount(fig.value), fig.provenance, "figure")
    return None


_KEEP = Provenance()  # sentinel: leave the provenance as it is


def write_cell(doc: DisclosureDocument, ref: CellRef, text: str, provenance: Provenance | None = _KEEP) -> bool:
    """Set the amount ``ref`` names to the number printed as ``text`` (in place), and its
    ``provenance`` when given (None clears it). Tables get both the typed amount and the grid cell's
    text. False when the reference names nothing."""
    value = parse_amount(text)
    if ref.table_id is not None and ref.row is not None and ref.col is not None:
        table = _table(doc, ref.table_id)
        if table is None:
            return False
        slots = _typed_slots(table, ref.row, ref.col)
        for row, column in slots:
            row.amounts[column] = value  # type: ignore[attr-defined]
        cell = _grid_cell(table, ref.row, ref.col)
        if cell is not None:
            cell.text = text
            if provenance is not _KEEP:
                cell.provenance = provenance
        return bool(slots) or cell is not None
    if ref.card_id is not None and ref.field and (m := _FUND_RE.match(ref.field)):
        card = next((c for c in doc.cards if c.id == ref.card_id), None)
        if card is None or int(m.group(1)) >= len(card.funds):
            return False
        line = card.funds[int(m.group(1))]
        setattr(line, m.group(2), value)
        if provenance is not _KEEP:
            line.provenance = provenance
        return True
    if ref.field and (m := _FIGURE_RE.match(ref.field)):
        i, j = int(m.group(1)), int(m.group(2))
        if i >= len(doc.sections) or j >= len(doc.sections[i].figures) or value is None:
            return False
        fig = doc.sections[i].figures[j]
        fig.value = value
        if provenance is not _KEEP:
            fig.provenance = provenance
        return True
    return False


def locate(doc: DisclosureDocument, ref: CellRef) -> CellRef:
    """``ref`` with its page and box (upright page points) filled from the cell it names, when known."""
    if ref.page and ref.bbox:
        return ref
    cell = read_cell(doc, ref)
    prov = cell.provenance if cell is not None else None
    if prov is None:
        return ref
    return ref.model_copy(update={"page": ref.page or prov.page, "bbox": ref.bbox or prov.bbox})
