"""Structuring: cell grids of tables and performance cards → the typed disclosure model.

* :func:`structure_table` — a table grid with its title and surrounding lines → :class:`Table`
  (table type, label, department, unit, header rows, column specs, typed rows, emptiness).
* :func:`structure_card` — a card's printed form → :class:`PerformanceCard` (key/value fields,
  typed identity and narrative fields, funds, key tasks, the indicator tree with parsed values).

Both are pure functions over the model types; the parsers they use live in
:mod:`budgetdoc.parsing`.
"""

from budgetdoc.structuring.cards import structure_card
from budgetdoc.structuring.columns import column_specs, detect_header_rows, header_paths
from budgetdoc.structuring.rows import read_rows, row_kind
from budgetdoc.structuring.tables import (
    classify_table,
    is_empty_table,
    read_department,
    read_label,
    read_unit,
    structure_table,
)

__all__ = [
    "classify_table",
    "column_specs",
    "detect_header_rows",
    "header_paths",
    "is_empty_table",
    "read_department",
    "read_label",
    "read_rows",
    "read_unit",
    "row_kind",
    "structure_card",
    "structure_table",
]
