"""Slot lookup over a :class:`~budgetdoc.model.document.CellGrid` (shared by tables and cards).

A merged cell covers several slots; :class:`SlotGrid` answers "which cell covers (row, col)" in
constant time and lists the distinct cells of a row or a column range, left to right, each once.
"""

from __future__ import annotations

import itertools
import re

from budgetdoc.model.document import CellGrid, TableCell
from budgetdoc.parsing import normalize, parse_amount, parse_subject_code

__all__ = ["SlotGrid", "is_amount_text", "is_numbering_texts", "is_total_label", "strip_numbering"]

_YEAR_ONLY_RE = re.compile(r"(?:19|20)\d{2}")
# Numbering before a printed label: "一、", "1.", "(一)", "①", "其中:".
_NUMBERING_RE = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\d{1,2}[、.]|\([一二三四五六七八九十\d]+\)|其中[:：]?)")
_CIRCLED_RE = re.compile(r"^\s*[①-⑳]")
_TOTAL_WORDS = ("合计", "总计", "小计")


class SlotGrid:
    """A read-only view of a cell grid: the cell and text at each slot (merged cells fill theirs)."""

    def __init__(self, grid: CellGrid) -> None:
        self.grid = grid
        self.num_rows = grid.num_rows
        self.num_cols = grid.num_cols
        self.cells = list(grid.cells)
        self._slot: list[list[int | None]] = [[None] * grid.num_cols for _ in range(grid.num_rows)]
        for i, c in enumerate(self.cells):
            for r in range(c.row, c.row_end):
                for k in range(c.col, c.col_end):
                    self._slot[r][k] = i

    def index(self, row: int, col: int) -> int | None:
        if 0 <= row < self.num_rows and 0 <= col < self.num_cols:
            return self._slot[row][col]
        return None

    def cell(self, row: int, col: int) -> TableCell | None:
        i = self.index(row, col)
        return None if i is None else self.cells[i]

    def text(self, row: int, col: int | None) -> str:
        """The cell text at a slot, outer whitespace removed; "" for an uncovered slot or no column."""
        if col is None:
            return ""
        c = self.cell(row, col)
        return c.text.strip() if c is not None else ""

    def row_cells(self, row: int, cols: range | list[int] | None = None) -> list[TableCell]:
        """The distinct cells covering ``row`` (in ``cols``, default all), left to right."""
        out: list[TableCell] = []
        seen: set[int] = set()
        for k in (range(self.num_cols) if cols is None else cols):
            i = self.index(row, k)
            if i is not None and i not in seen:
                seen.add(i)
                out.append(self.cells[i])
        return out

    def row_texts(self, row: int) -> list[str]:
        return [c.text.strip() for c in self.row_cells(row)]

    def row_is_blank(self, row: int) -> bool:
        return not any(self.row_texts(row))


def is_amount_text(text: str) -> bool:
    """True when ``text`` reads as a money amount (a bare year such as "2026" does not count)."""
    s = normalize(text)
    if not s or _YEAR_ONLY_RE.fullmatch(s):
        return False
    return parse_amount(s) is not None


def is_numbering_texts(texts: list[str]) -> bool:
    """True for a column-numbering row: "1 2 3 …" (or 栏次 labels), at least two numbers, increasing."""
    nums: list[int] = []
    for t in texts:
        s = normalize(t)
        if not s or s in ("栏次", "行次"):
            continue
        if not s.isdigit() or len(s) > 2:
            return False
        nums.append(int(s))
    return len(nums) >= 2 and all(b > a for a, b in itertools.pairwise(nums))


def strip_numbering(text: str) -> str:
    """Normalised ``text`` without the numbering in front of a label ("一、", "1.", "①", "其中:")."""
    return _NUMBERING_RE.sub("", normalize(_CIRCLED_RE.sub("", text)))


def is_total_label(text: str) -> bool:
    """True for a total line's label: 合计, 本年收入合计, 收入总计, 当年支出小计, 部门合计 …"""
    s = strip_numbering(text)
    return bool(s) and s.endswith(_TOTAL_WORDS)


def is_code_text(text: str) -> bool:
    return parse_subject_code(text) is not None
