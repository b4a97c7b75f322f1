"""Table structure: ruled grids from line detection, merged cells with spans, text assigned to cells.

Stages (pure functions over typed values, pixel coordinates of the page image):

* :mod:`.lines` — page image → horizontal/vertical ruling :class:`Segment` s (skew measured);
* :mod:`.grid` — segments → :class:`DetectedTable` s (table regions, row/column rules, cells with
  spans, open edges closed), convertible to the schema's :class:`~budgetdoc.model.document.CellGrid`;
* :mod:`.assign` — OCR text boxes → cell texts (a box crossing a cell border is split at it);
* :mod:`.borderless` — a fallback grid from text-box alignment when a table has no rules;
* :mod:`.pipeline` — page image (+ OCR boxes) → tables with their text;
* :mod:`.score` — cell-box F1 and span agreement against the labelled sample set.
"""

from budgetdoc.table_structure.assign import Assignment, CellText, TextBox, assign_text, join_fragments
from budgetdoc.table_structure.borderless import BorderlessOptions, borderless_table
from budgetdoc.table_structure.grid import DetectedCell, DetectedTable, GridOptions, find_tables
from budgetdoc.table_structure.lines import LineOptions, LineSet, Segment, detect_lines
from budgetdoc.table_structure.pipeline import (
    TableStructureOptions,
    TableWithText,
    detect_tables,
    extract_tables,
)

__all__ = [
    "Assignment",
    "BorderlessOptions",
    "CellText",
    "DetectedCell",
    "DetectedTable",
    "GridOptions",
    "LineOptions",
    "LineSet",
    "Segment",
    "TableStructureOptions",
    "TableWithText",
    "TextBox",
    "assign_text",
    "borderless_table",
    "detect_lines",
    "detect_tables",
    "extract_tables",
    "find_tables",
    "join_fragments",
]
