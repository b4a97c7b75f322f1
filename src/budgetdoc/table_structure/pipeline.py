"""Page image (+ OCR boxes) → tables: ruled grids first, the text-alignment fallback where none is."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from budgetdoc.table_structure.assign import Assignment, TextBox, assign_text
from budgetdoc.table_structure.borderless import BorderlessOptions, borderless_table
from budgetdoc.table_structure.grid import DetectedTable, GridOptions, find_tables
from budgetdoc.table_structure.lines import LineOptions, detect_lines

__all__ = ["TableStructureOptions", "TableWithText", "detect_tables", "extract_tables"]

BoxPx = tuple[float, float, float, float]


class TableStructureOptions(BaseModel):
    """Options of the table-structure stage: line detector, grid builder, borderless fallback."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lines: LineOptions = Field(default_factory=LineOptions)
    grid: GridOptions = Field(default_factory=GridOptions)
    borderless: BorderlessOptions = Field(default_factory=BorderlessOptions)


class TableWithText(BaseModel):
    """A detected table and the OCR text assigned to its cells."""

    model_config = ConfigDict(extra="forbid")

    table: DetectedTable
    text: Assignment


def detect_tables(gray: np.ndarray, *, dpi: float = 200.0, options: TableStructureOptions | None = None,
                  skew_deg: float | None = None) -> list[DetectedTable]:
    """Ruled tables of a grey page image (upright or slightly skewed), top to bottom."""
    o = options or TableStructureOptions()
    lines = detect_lines(gray, dpi, o.lines, skew_deg=skew_deg)
    return find_tables(lines, o.grid)


def _overlap(a: BoxPx, b: BoxPx) -> float:
    """Intersection area over the area of ``b``."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    area = max((b[2] - b[0]) * (b[3] - b[1]), 1e-9)
    return max(0.0, w) * max(0.0, h) / area


def extract_tables(gray: np.ndarray, text_boxes: Sequence[TextBox], *, dpi: float = 200.0,
                   regions: Sequence[BoxPx] = (), options: TableStructureOptions | None = None,
                   skew_deg: float | None = None) -> list[TableWithText]:
    """Ruled tables with their text; plus, for each table ``region`` (from layout analysis) that no
    ruled table covers by half, a borderless table read from the text boxes inside it. Boxes that
    cross a cell border are split with the help of the page image (see :func:`assign_text`)."""
    o = options or TableStructureOptions()
    tables = detect_tables(gray, dpi=dpi, options=o, skew_deg=skew_deg)
    for reg in regions:
        if any(_overlap(t.bbox_px, reg) >= 0.5 for t in tables):
            continue
        t = borderless_table(text_boxes, dpi=dpi, region=reg, options=o.borderless)
        if t is not None:
            tables.append(t)
    tables.sort(key=lambda t: (t.bbox_px[1], t.bbox_px[0]))
    return [TableWithText(table=t, text=assign_text(t, [b for b in text_boxes if _overlap(t.bbox_px, b.box_px) > 0],
                                                    image=gray))
            for t in tables]
