"""Cell grids as HTML tables in the PubTabNet convention, the input of TEDS.

``<table>`` with ``<thead>`` for header rows and ``<tbody>`` for the rest; merged cells carry
``rowspan``/``colspan``; each ``<td>`` holds the cell text, HTML-escaped. Slots covered by no cell
are written as empty ``<td></td>`` so every row has the full width.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from budgetdoc.model.document import CellGrid, TableCell


def grid_to_html(grid: CellGrid, *, with_body_tags: bool = False,
                 cell_attrs: Callable[[TableCell], str] | None = None) -> str:
    """Return the grid as one ``<table>…</table>`` string (wrapped in html/body if asked).

    ``cell_attrs`` adds attributes to each cell's ``<td>`` (already escaped, with a leading space):
    the review page hangs its cell ids and colours there, on the same grid TEDS reads.
    """
    starts = {(c.row, c.col): c for c in grid.cells}
    covered: set[tuple[int, int]] = set()
    for c in grid.cells:
        for r in range(c.row, c.row_end):
            for k in range(c.col, c.col_end):
                covered.add((r, k))
    parts: list[str] = ["<table>"]
    n_head = min(grid.header_rows, grid.num_rows)
    for r in range(grid.num_rows):
        if r == 0 and n_head:
            parts.append("<thead>")
        if r == n_head:
            parts.append("<tbody>")
        parts.append("<tr>")
        for k in range(grid.num_cols):
            c = starts.get((r, k))
            if c is not None:
                attrs = ""
                if c.row_span > 1:
                    attrs += f' rowspan="{c.row_span}"'
                if c.col_span > 1:
                    attrs += f' colspan="{c.col_span}"'
                if cell_attrs is not None:
                    attrs += cell_attrs(c)
                parts.append(f"<td{attrs}>{escape(c.text)}</td>")
            elif (r, k) not in covered:
                parts.append("<td></td>")
        parts.append("</tr>")
        if r == n_head - 1:
            parts.append("</thead>")
    if grid.num_rows > n_head:
        parts.append("</tbody>")
    parts.append("</table>")
    html = "".join(parts)
    if with_body_tags:
        html = f'<html><head><meta charset="utf-8"></head><body>{html}</body></html>'
    return html
