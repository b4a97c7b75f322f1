"""One table grid plus its printed title and surrounding lines → a typed :class:`Table`.

:func:`structure_table` is the structuring stage for tables. Upstream stages hand it one grid of
cells (cross-page tables already merged), the title as printed, the lines printed around the table
(label "预算公开表1", "部门名称：…", "单位：万元", possibly on one line) and the notes under it. It

1. finds the header rows (:func:`~budgetdoc.structuring.columns.detect_header_rows`) unless the
   grid states them;
2. classifies the table from its title, tolerant of labels, years, department names, regional
   wording and one OCR error per keyword (:func:`~budgetdoc.parsing.classify_table_title`), and
   checks that against the table itself (:func:`classify_table`): a two-sided layout, 收入 in the
   header, 因公出国 lines, 决算数 columns repair titles whose short keywords OCR damaged;
3. reads the label, the department and the money unit from the lines and the title;
4. maps every column to its header path, role, canonical column and side
   (:func:`~budgetdoc.structuring.columns.column_specs`);
5. reads the typed rows (:func:`~budgetdoc.structuring.rows.read_rows`);
6. decides whether the table is empty (:func:`is_empty_table`): a printed "本表无数据" /
   "本表为空表" (in a note, a line or the grid), or neither a non-zero amount nor any line but its
   totals.

It is a pure function: nothing is read or written, the input grid is not changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from budgetdoc.model.document import CellGrid, ColumnSpec, ItemRow, ProjectRow, SubjectRow, Table
from budgetdoc.model.vocab import TableType, Unit
from budgetdoc.parsing import classify_table_title, fuzzy_contains, normalize, parse_amount, parse_unit
from budgetdoc.structuring._grid import SlotGrid
from budgetdoc.structuring.columns import (
    LABEL_ROLES,
    TWO_SIDED_TABLES,
    column_specs,
    detect_header_rows,
    header_paths,
)
from budgetdoc.structuring.rows import AnyRow, read_rows

__all__ = [
    "EMPTY_MARKERS",
    "classify_table",
    "is_empty_table",
    "read_department",
    "read_label",
    "read_unit",
    "structure_table",
]

T = TableType

#: Printed statements that a table has no data (after normalisation).
EMPTY_MARKERS: tuple[str, ...] = ("本表无数据", "本表为空表", "此表无数据", "本表无内容", "本表为空")

_LABEL_RE = re.compile(
    r"(?:(?:部门|预算|决算)?公开)?附?表(?:\d{1,2}(?:-\d+)?|十?[一二三四五六七八九十](?!般))"
    r"|公开\d{1,2}表"
)
_DEPARTMENT_RE = re.compile(
    r"(?:部门名称|编制部门|编制单位|预算单位|单位名称|部门)\s*[:：]\s*(?P<name>.+?)\s*"
    r"(?:(?:金额)?单位\s*[:：].*)?$"
)
_TITLE_DEPARTMENT_RE = re.compile(r"(?:19|20)\d{2}年度?(?P<name>.+?)部门(?:预算|决算|收|支|财|一般|政府|国有|项目|“|\"|三公|机关)")


def read_label(lines: Iterable[str], title: str = "") -> str | None:
    """The table label printed with the table ("预算公开表1", "公开06表", "部门公开表9", "表十三"),
    from the lines around it or the start of the title; None when none is printed."""
    for line in lines:
        m = _LABEL_RE.search(normalize(line))
        if m:
            return m.group()
    m = _LABEL_RE.match(normalize(title))
    return m.group() if m else None


def read_department(lines: Iterable[str], title: str = "") -> str | None:
    """The department from a "部门名称：X" / "编制部门：X" / "编制单位：X" line (the unit may follow
    on the same line), else from a title printed as "2018年度X部门收入预算总表"; None otherwise."""
    for line in lines:
        m = _DEPARTMENT_RE.search(line.strip())
        if m and m.group("name").strip():
            return m.group("name").strip()
    m = _TITLE_DEPARTMENT_RE.search(normalize(title))
    if m and m.group("name"):
        return m.group("name")
    return None


def read_unit(lines: Iterable[str], *more: str) -> Unit | None:
    """The money unit stated in the lines ("单位：万元"), else in the other texts given (title,
    header cells, notes) — the first statement wins."""
    for text in [*lines, *more]:
        u = parse_unit(text)
        if u is not None:
            return u
    return None


def _is_content_row(row: AnyRow) -> bool:
    if isinstance(row, ItemRow):
        return not row.is_total
    if isinstance(row, ProjectRow):
        return row.level != "total"
    if isinstance(row, SubjectRow):
        return not row.is_total and bool(row.subject_code or row.subject_name)
    return not row.is_total and bool(row.economic_code or row.economic_name)


def is_empty_table(grid: CellGrid, header_rows: int, columns: list[ColumnSpec], rows: list[AnyRow],
                   texts: Iterable[str] = ()) -> bool:
    """True when the table states it has no data, or has neither a non-zero amount nor a line
    other than its totals.

    ``texts`` are the notes and lines printed with the table; the body cells are searched for the
    statement ("本表无数据", "本表为空表") too. A table of named lines with blank amounts (a
    template, a continuation page) is not empty; a table that prints only its 合计 line with a blank
    or zero amount is.
    """
    g = SlotGrid(grid)
    body = range(header_rows, grid.num_rows)
    stated = [normalize(t) for t in texts] + [normalize(t) for r in body for t in g.row_texts(r)]
    if any(m in s for s in stated for m in EMPTY_MARKERS):
        return True
    for c in columns:
        if c.role != "amount":
            continue
        for r in body:
            v = parse_amount(g.text(r, c.index))
            if v is not None and v != 0:
                return False
    return not any(_is_content_row(row) for row in rows)


_THREE_PUBLIC_WORDS = ("因公出国", "公务接待")
_FUNCTION_CODE_ROLES = frozenset({"subject_code", "subject_code_lei", "subject_code_kuan", "subject_code_xiang"})
_FINAL_OF: dict[TableType, TableType] = {
    T.revenue_expenditure_summary: T.final_revenue_expenditure_summary, T.revenue_summary: T.final_revenue,
    T.expenditure_summary: T.final_expenditure, T.fiscal_appropriation_summary: T.final_fiscal_appropriation_summary,
    T.general_public_budget_expenditure: T.final_general_public_budget_expenditure,
    T.general_public_budget_basic_economic: T.final_general_public_budget_basic,
    T.three_public_expenses: T.final_three_public_expenses, T.government_fund_revenue: T.final_government_fund,
    T.government_fund_expenditure: T.final_government_fund, T.state_capital_operation: T.final_state_capital_operation,
    T.state_capital_operation_expenditure: T.final_state_capital_operation,
}


def classify_table(title: str, grid: CellGrid, header_rows: int, header_text: str = "") -> tuple[TableType, list[ColumnSpec]]:
    """The table type from the title, checked against the table itself; and the column specs.

    The title decides (:func:`~budgetdoc.parsing.classify_table_title`); the table overrides it
    where OCR damaged one of the short keywords the title classifier must match exactly:

    * nothing recognised, or no 表 in the title: retry with a trailing 表 (a lost last character);
    * printed two-sided (收入 and 支出 label columns) but not classified as a two-sided summary: the
      summary the title's other words name (财务收支 / 财政拨款 / 国有资本经营 / plain 收支总表);
    * a 收支总表 that is not two-sided and whose title does not say 收支: a 收入总表 when its
      header or labels say 收入, else a 支出总表; a 政府性基金 支出 table whose header speaks only of
      收入: the 收入 table;
    * not a “三公” type although the header or the item labels list 因公出国 / 公务接待: the “三公”
      table (with 机关运行经费 when the title or header names it too);
    * a budget type whose header prints 决算数 (or 年初 and 年末结转和结余): its 决算 counterpart;
    * nothing recognised for a table of function subjects: the expenditure table of the fund the
      title names (一般公共预算 / 政府性基金 / 财政拨款);
    * still nothing: the header words join the title (the classifier's own fallback).
    """
    t = normalize(title)
    ttype = classify_table_title(title)
    if t and (ttype is T.other or "表" not in t):
        retry = classify_table_title(title + "表")
        if retry is not T.other:
            ttype = retry
    columns = column_specs(grid, header_rows, table_type=ttype)
    g = SlotGrid(grid)
    label_texts = [g.text(r, c.index) for c in columns if c.role in ("item", "unit_name")
                   for r in range(header_rows, grid.num_rows)]
    head = normalize(header_text)
    words = head + normalize("".join(label_texts))
    final = "决算" in t
    two_sided = any(c.side is not None for c in columns if c.role in LABEL_ROLES)
    new = ttype
    if two_sided and ttype not in TWO_SIDED_TABLES:
        if "财务" in t:
            new = T.department_financial_summary
        elif fuzzy_contains(t, "财政拨款", 1):
            new = T.final_fiscal_appropriation_summary if final else T.fiscal_appropriation_summary
        elif fuzzy_contains(t, "国有资本经营", 1):
            new = T.final_state_capital_operation if final else T.state_capital_operation
        elif ttype is T.other or "总表" in t or "收" in t or "支" in t:
            new = T.final_revenue_expenditure_summary if final else T.revenue_expenditure_summary
    elif ttype is T.revenue_expenditure_summary and not two_sided and "收支" not in t:
        new = T.revenue_summary if "收入" in words else T.expenditure_summary
    elif ttype is T.government_fund_expenditure and "支出" not in t and "收入" in head and "支出" not in head:
        new = T.government_fund_revenue
    three = (T.three_public_expenses, T.three_public_and_agency_operating, T.final_three_public_expenses)
    if new not in three and "三公" not in t and any(w in words for w in _THREE_PUBLIC_WORDS):
        if final:
            new = T.final_three_public_expenses
        else:
            new = T.three_public_and_agency_operating if "机关运行" in t + words else T.three_public_expenses
    if not final and new in _FINAL_OF and ("决算数" in head or ("年初结转和结余" in head and "年末结转和结余" in head)):
        new = _FINAL_OF[new]
    if new is T.other and t and any(c.role in _FUNCTION_CODE_ROLES for c in columns):
        # a table of function subjects: the fund the title names
        if fuzzy_contains(t, "一般公共预算", 1):
            new = T.final_general_public_budget_expenditure if final else T.general_public_budget_expenditure
        elif fuzzy_contains(t, "政府性基金", 1):
            new = T.final_government_fund if final else T.government_fund_expenditure
        elif fuzzy_contains(t, "财政拨款", 1):
            new = T.fiscal_appropriation_expenditure
    if new is T.other and t:
        new = classify_table_title(title, header_text)
    if new is not ttype:
        columns = column_specs(grid, header_rows, table_type=new)
    return new, columns


def structure_table(
    grid: CellGrid,
    *,
    title: str,
    context_lines: Iterable[str] = (),
    notes: Iterable[str] = (),
    table_id: str | None = None,
    header_rows: int | None = None,
    table_type: TableType | None = None,
) -> Table:
    """Read ``grid`` as a typed :class:`Table` (see the module docstring for the steps).

    ``context_lines``: the lines printed above the table (label, 部门名称, 单位). ``notes``: the
    notes printed under it, kept on the table. ``header_rows`` overrides the grid's own count (0 in
    the grid means "not known": it is detected). ``table_type`` skips classification. When
    ``grid`` is already a :class:`Table`, its id, pages and boxes are kept.
    """
    lines = list(context_lines)
    notes = list(notes)
    if header_rows is None:
        header_rows = grid.header_rows or detect_header_rows(grid)
    header_rows = min(header_rows, grid.num_rows)
    paths = header_paths(grid, header_rows)
    header_text = " ".join(dict.fromkeys(t for p in paths for t in p))
    if table_type is None:
        table_type, columns = classify_table(title, grid, header_rows, header_text)
    else:
        columns = column_specs(grid, header_rows, table_type=table_type)
    department = read_department(lines, title)
    unit = read_unit(lines, title, header_text, *notes)
    rows = read_rows(grid, header_rows, columns, table_type=table_type, department=department)
    empty = is_empty_table(grid, header_rows, columns, rows, [*notes, *lines])
    extra: dict = {}
    if isinstance(grid, Table):
        extra = {"pages": list(grid.pages), "bbox_by_page": dict(grid.bbox_by_page),
                 "title_provenance": grid.title_provenance}
    return Table(
        id=table_id or (grid.id if isinstance(grid, Table) else "t01"),
        title=title,
        table_type=table_type,
        label=read_label(lines, title),
        department=department,
        unit=unit,
        num_rows=grid.num_rows,
        num_cols=grid.num_cols,
        header_rows=header_rows,
        cells=[c.model_copy() for c in grid.cells],
        columns=columns,
        rows=rows,
        is_empty=empty,
        notes=notes,
        **extra,
    )
