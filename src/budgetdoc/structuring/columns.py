"""A table's header: how many rows it has, each column's printed header path, role and meaning.

:func:`detect_header_rows` finds the header when the grid does not say: the column-header flags
when a grid has them, else the block of rows that merged header cells hold together (a cell that
spans rows down, a group cell that is split beneath), plus a column-numbering row (1 2 3 …).
:func:`column_specs` reads each column's header path (top to bottom, merged cells once, the
numbering row left out) and decides

* its **role**: subject code (whole, or split 类/款/项), subject name, economic code/name, the
  政府预算 economic name, project name, unit name, item label, amount, serial or free text — from
  the header words first, then from what the body holds;
* its canonical **column** (:func:`~budgetdoc.parsing.canonical_column`) for amounts; when two
  amount columns on one side map to the same column, the one with the deeper header path keeps
  it (the “三公”经费 小计 beside a grand 合计 that adds 会议费/培训费; the second 金额 of a
  Jiangsu 收支总表's 支出用途 list);
* its **side** in a two-sided summary table (收入 | 支出): from the header path, or for a summary
  table printed without that header row, revenue for the first label group and expenditure for
  the others. A table is two-sided only when label columns exist on both sides.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from budgetdoc.model.document import CellGrid, ColumnSpec
from budgetdoc.model.vocab import TableType
from budgetdoc.parsing import canonical_column, fuzzy_contains, normalize, parse_subject_code
from budgetdoc.structuring._grid import SlotGrid, is_amount_text, is_numbering_texts, is_total_label

__all__ = [
    "ECONOMIC_TABLES",
    "LABEL_ROLES",
    "PROJECT_TABLES",
    "TWO_SIDED_TABLES",
    "column_specs",
    "detect_header_rows",
    "header_paths",
]

T = TableType
Side = Literal["revenue", "expenditure"]

#: Tables whose rows are economic-classification subjects (部门/政府预算支出经济分类).
ECONOMIC_TABLES: frozenset[TableType] = frozenset({
    T.general_public_budget_basic_economic, T.fiscal_appropriation_basic_economic,
    T.agency_operating_expenses, T.final_general_public_budget_basic,
})
#: Tables whose rows are projects (department / unit / project lines).
PROJECT_TABLES: frozenset[TableType] = frozenset({T.project_expenditure, T.project_expenditure_carryover})
#: Summary tables printed as two sides, 收入 | 支出.
TWO_SIDED_TABLES: frozenset[TableType] = frozenset({
    T.revenue_expenditure_summary, T.fiscal_appropriation_summary, T.department_financial_summary,
    T.state_capital_operation, T.final_revenue_expenditure_summary, T.final_fiscal_appropriation_summary,
})
#: Roles of the columns that label a row (as opposed to amounts, serials and free text).
LABEL_ROLES: frozenset[str] = frozenset({
    "subject_code", "subject_code_lei", "subject_code_kuan", "subject_code_xiang", "subject_name",
    "economic_code", "economic_name", "government_economic_name", "project_name", "item", "unit_name",
})
_CODE_ROLES = frozenset({"subject_code", "subject_code_lei", "subject_code_kuan", "subject_code_xiang",
                         "economic_code"})
_SPLIT = {"类": "subject_code_lei", "款": "subject_code_kuan", "项": "subject_code_xiang"}


# --------------------------------------------------------------------------------------------------
# header rows


def _is_data_row(g: SlotGrid, row: int) -> bool:
    """A body row: it holds an amount or a subject code (a numbering row 1 2 3 … does not count)."""
    texts = g.row_texts(row)
    if is_numbering_texts(texts):
        return False
    return any(is_amount_text(t) or parse_subject_code(t) is not None for t in texts)


def detect_header_rows(grid: CellGrid) -> int:
    """The number of leading header rows of ``grid``.

    Uses the cells' ``column_header`` flags when any are set. Otherwise: 0 when the first row
    already holds amounts or codes (a continuation page); else the header grows from the first row
    while a header cell spans further down, or a merged group cell is split into several cells in
    the row beneath (and that row holds text but no data); a column-numbering row right after is
    header too.
    """
    g = SlotGrid(grid)
    n = grid.num_rows
    if n == 0:
        return 0
    flagged = [c for c in grid.cells if c.column_header]
    if flagged:
        h = max(c.row_end for c in flagged)
    else:
        if _is_data_row(g, 0):
            return 0
        h = 1
        changed = True
        while changed and h < n:
            changed = False
            for c in grid.cells:
                if c.row < h < c.row_end:
                    h, changed = c.row_end, True
            if changed or h >= n or g.row_is_blank(h) or _is_data_row(g, h) or is_numbering_texts(g.row_texts(h)):
                continue
            for c in grid.cells:
                if c.row_end == h and c.col_span > 1 and len(g.row_cells(h, range(c.col, c.col_end))) > 1:
                    h, changed = h + 1, True
                    break
    if h < n and is_numbering_texts(g.row_texts(h)):
        h += 1
    return min(h, n)


def _numbering_rows(g: SlotGrid, header_rows: int) -> set[int]:
    return {r for r in range(header_rows) if is_numbering_texts(g.row_texts(r))}


def header_paths(grid: CellGrid, header_rows: int) -> list[list[str]]:
    """Each column's printed header texts, top to bottom: a merged cell once, blanks and a numbering
    row left out, a text repeated right below itself (a split copy of a merged cell) kept once."""
    g = SlotGrid(grid)
    skip = _numbering_rows(g, header_rows)
    paths: list[list[str]] = []
    for k in range(grid.num_cols):
        path: list[str] = []
        seen: set[int] = set()
        for r in range(header_rows):
            if r in skip:
                continue
            i = g.index(r, k)
            if i is None or i in seen:
                continue
            seen.add(i)
            text = g.cells[i].text
            if not text.strip():
                continue
            if path and normalize(path[-1]) == normalize(text):
                continue
            path.append(text)
        paths.append(path)
    return paths


# --------------------------------------------------------------------------------------------------
# roles


def _has(s: str, kw: str) -> bool:
    return fuzzy_contains(s, kw, 1 if len(kw) >= 4 else 0)


def _header_role(path: Sequence[str], project_table: bool) -> str | None:
    """The role the header words give, or None when they do not name a label column."""
    if not path:
        return None
    leaf = normalize(path[-1])
    full = normalize("".join(path))
    if leaf in _SPLIT:
        return "economic_code" if "经济" in full else _SPLIT[leaf]
    if leaf in ("序号", "行次", "栏次", "编号"):
        return "serial"
    if "编码" in leaf or "代码" in leaf or leaf.endswith("科目编号"):
        return "economic_code" if "经济" in full else "subject_code"
    if leaf.endswith("单位名称") or leaf == "单位":
        return "unit_name"
    if "经济" in leaf and ("名称" in leaf or "科目" in leaf or "分类" in leaf):
        return "government_economic_name" if "政府预算" in leaf else "economic_name"
    if "科目" in leaf and ("名称" in leaf or leaf.endswith("科目")):
        return "subject_name"
    if leaf in ("项目", "项目名称", "项目名") or leaf.endswith(("项目", "项目名称")):
        return "project_name" if project_table else "item"
    if "品目" in leaf or "物品" in leaf:
        return "item"
    if "名称" in leaf or leaf.endswith(("形式", "方式", "备注", "说明", "内容")):
        return "text"
    return None


def _body_role(texts: list[str], first: bool) -> str:
    """Role from the body alone: amounts (or nothing) make an amount column, words a label or text."""
    filled = [t for t in texts if t]
    if all(is_amount_text(t) for t in filled):
        return "amount"
    if filled and sum(parse_subject_code(t) is not None for t in filled) >= max(1, len(filled) // 2):
        return "subject_code"
    return "item" if first else "text"


def _side_of(path: Sequence[str]) -> Side | None:
    for p in path:
        s = normalize(p)
        rev, exp = "收入" in s, "支出" in s
        if rev and not exp:
            return "revenue"
        if exp and not rev:
            return "expenditure"
    return None


def column_specs(grid: CellGrid, header_rows: int, *, table_type: TableType = T.other) -> list[ColumnSpec]:
    """What each grid column holds: header path, role, canonical column and (two-sided) side."""
    g = SlotGrid(grid)
    paths = header_paths(grid, header_rows)
    body = range(header_rows, grid.num_rows)
    project = table_type in PROJECT_TABLES
    roles: list[str] = []
    columns: list = []
    for k, path in enumerate(paths):
        texts = [g.text(r, k) for r in body]
        role = _header_role(path, project)
        col = canonical_column(path) if path else None
        if role is None:
            role = "amount" if col is not None else _body_role([t for t in texts if not is_total_label(t)], k == 0)
        if role != "amount":
            col = None
        roles.append(role)
        columns.append(col)

    # economic or function codes: the codes the body prints decide, else the table type
    code_heads = {normalize(g.text(r, k))[:1] for k, role in enumerate(roles) if role in _CODE_ROLES
                  for r in body if parse_subject_code(g.text(r, k)) is not None}
    economic = (any(r in ("economic_code", "economic_name", "government_economic_name") for r in roles)
                and "item" not in roles)
    if code_heads:
        economic = economic or code_heads <= {"3", "5"}
    elif table_type in ECONOMIC_TABLES:
        economic = True
    if economic and "item" not in roles:
        swap = {"subject_code": "economic_code", "subject_code_lei": "economic_code",
                "subject_code_kuan": "economic_code", "subject_code_xiang": "economic_code",
                "subject_name": "economic_name"}
        roles = [swap.get(r, r) for r in roles]

    sides = _sides(paths, roles, table_type)
    if any(sides):
        # a name column is a subject name only beside a code column of its side; else an item label
        for k, role in enumerate(roles):
            if role in ("subject_name", "economic_name") and not any(
                    sides[j] == sides[k] and roles[j] in _CODE_ROLES for j in range(len(roles))):
                roles[k] = "item"

    # one canonical column per side: the deeper header path keeps it, else the first
    best: dict[tuple, int] = {}
    for k, col in enumerate(columns):
        if col is None:
            continue
        key = (sides[k], col)
        if key not in best or len(paths[k]) > len(paths[best[key]]):
            best[key] = k
    keep = set(best.values())
    columns = [c if k in keep else None for k, c in enumerate(columns)]

    return [ColumnSpec(index=k, header=paths[k], column=columns[k], role=roles[k], side=sides[k])  # type: ignore[arg-type]
            for k in range(len(paths))]


def _sides(paths: list[list[str]], roles: list[str], table_type: TableType) -> list[Side | None]:
    """Each column's side when the table is two-sided (label columns on both sides), else None."""
    n = len(paths)
    sides = [_side_of(p) for p in paths]
    label_sides = {sides[k] for k in range(n) if roles[k] in LABEL_ROLES}
    if {"revenue", "expenditure"} <= label_sides:
        # a column under neither word takes the side of the label column before it
        cur: Side | None = None
        out: list[Side | None] = []
        for k in range(n):
            if sides[k] is not None:
                cur = sides[k]
            out.append(sides[k] or cur)
        return out
    if table_type in TWO_SIDED_TABLES and not any(sides):
        # printed without the 收入 | 支出 row: the first label group is revenue, the rest expenditure
        groups = 0
        out = []
        prev_label = False
        for k in range(n):
            is_label = roles[k] in LABEL_ROLES
            if is_label and not prev_label:
                groups += 1
            prev_label = is_label
            out.append(None if groups == 0 else ("revenue" if groups == 1 else "expenditure"))
        if groups >= 2:
            return out  # type: ignore[return-value]
    return [None] * n
