"""Tiny grids for the structuring tests, written as rows of text.

In a row, "<" continues the cell to its left and "^" the cell above (a merged cell), so
``[["收入", "<"], ["项目", "金额"]]`` is a two-row header whose 收入 spans both columns.
"""

from __future__ import annotations

from budgetdoc.model.document import CellGrid, TableCell


def grid(rows: list[list[str]], *, header_rows: int = 0, flags: bool = False) -> CellGrid:
    """A :class:`CellGrid` from text rows; ``flags`` marks the first ``header_rows`` rows' cells as
    column headers."""
    n, m = len(rows), max((len(r) for r in rows), default=0)
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for r in range(n):
        for c in range(m):
            t = rows[r][c] if c < len(rows[r]) else ""
            if t == "<":
                owner[(r, c)] = owner[(r, c - 1)]
            elif t == "^":
                owner[(r, c)] = owner[(r - 1, c)]
            else:
                owner[(r, c)] = (r, c)
    spans: dict[tuple[int, int], list[int]] = {}
    for (r, c), (r0, c0) in owner.items():
        s = spans.setdefault((r0, c0), [r0, c0, r0, c0])
        s[2], s[3] = max(s[2], r), max(s[3], c)
    cells = [TableCell(text=rows[r0][c0], row=r0, col=c0, row_span=r1 - r0 + 1, col_span=c1 - c0 + 1,
                       column_header=flags and r0 < header_rows)
             for (r0, c0), (_a, _b, r1, c1) in sorted(spans.items())]
    return CellGrid(num_rows=n, num_cols=m, header_rows=header_rows, cells=cells)
