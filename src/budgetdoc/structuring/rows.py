"""The typed reading of a table's body rows, given its column specs.

Which row model a table gets follows from its label columns:

* a project-name column → :class:`ProjectRow` (the department, unit and project lines told apart
  by the amounts: a unit line is the sum of the projects under it, the department line the sum of
  the units; by name when the amounts do not add up);
* a two-sided summary (label columns on the 收入 and the 支出 side) → one :class:`ItemRow` per side
  (and per label group: a Jiangsu 收支总表 prints 功能分类 and 支出用途 lists side by side);
* item or unit-name columns → :class:`ItemRow`; a table with no label column at all (a one-row
  “三公” table) gives one "合计" total row;
* economic codes or names → :class:`EconomicRow`;
* subject codes (whole, or split 类 | 款 | 项) or names → :class:`SubjectRow`.

Amounts are read with :func:`~budgetdoc.parsing.parse_amount` into exact decimals (None for a blank
cell) and keyed by each amount column's canonical :class:`~budgetdoc.model.vocab.Column`. Codes
are read with :func:`~budgetdoc.parsing.parse_subject_code` / :func:`~budgetdoc.parsing.join_split_code`,
so OCR spaces and O/l-for-digit slips inside a code are tolerated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from budgetdoc.model.document import (
    CellGrid,
    ColumnSpec,
    EconomicRow,
    ItemRow,
    ProjectRow,
    SubjectRow,
)
from budgetdoc.model.vocab import Column, SubjectLevel, TableType
from budgetdoc.parsing import (
    canonical_column,
    join_split_code,
    load_reference,
    normalize,
    parse_amount,
    parse_subject_code,
    subject_level,
)
from budgetdoc.structuring._grid import SlotGrid, is_total_label, strip_numbering
from budgetdoc.structuring.columns import LABEL_ROLES

__all__ = ["read_rows", "row_kind"]

T = TableType
AnyRow = SubjectRow | EconomicRow | ProjectRow | ItemRow

#: One-sided item tables whose lines are all on one side (the Jiangsu 收入/支出预算总表).
_SIDE_BY_TYPE: dict[TableType, str] = {
    T.revenue_summary: "revenue", T.final_revenue: "revenue",
    T.expenditure_summary: "expenditure", T.final_expenditure: "expenditure",
}
_SPLIT_ROLES = ("subject_code_lei", "subject_code_kuan", "subject_code_xiang")
_BARE_TOTALS = frozenset({"合计", "总计"})


def row_kind(columns: list[ColumnSpec]) -> str:
    """The row model the columns call for: "project", "item", "economic" or "subject"."""
    roles = {c.role for c in columns}
    if "project_name" in roles:
        return "project"
    if any(c.side is not None for c in columns if c.role in LABEL_ROLES):
        return "item"
    if roles & {"item", "unit_name"}:
        return "item"
    if roles & {"economic_code", "economic_name", "government_economic_name"}:
        return "economic"
    if roles & {"subject_code", "subject_name", *_SPLIT_ROLES}:
        return "subject"
    return "item"


def _first(columns: list[ColumnSpec], role: str) -> int | None:
    return next((c.index for c in columns if c.role == role), None)


def _amounts(g: SlotGrid, row: int, cols: list[ColumnSpec]) -> dict[Column, Decimal | None]:
    return {c.column: parse_amount(g.text(row, c.index)) for c in cols if c.column is not None}


def _has_amount(g: SlotGrid, row: int, cols: list[ColumnSpec]) -> bool:
    return any(parse_amount(g.text(row, c.index)) is not None for c in cols)


def read_rows(grid: CellGrid, header_rows: int, columns: list[ColumnSpec], *, table_type: TableType = T.other,
              department: str | None = None) -> list[AnyRow]:
    """The typed body rows of ``grid`` (rows after ``header_rows``), blank rows skipped."""
    g = SlotGrid(grid)
    body = [r for r in range(header_rows, grid.num_rows) if not g.row_is_blank(r)]
    kind = row_kind(columns)
    if kind == "project":
        return _project_rows(g, body, columns, department)
    if kind == "item":
        if not body and header_rows < grid.num_rows and not any(c.role in LABEL_ROLES for c in columns):
            body = [header_rows]  # a one-row table without a label column, all its amounts blank
        return _item_rows(g, body, columns, table_type)
    if kind == "economic":
        return _economic_rows(g, body, columns)
    return _subject_rows(g, body, columns)


# --------------------------------------------------------------------------------------------------
# subject and economic rows


def _code_and_labels(g: SlotGrid, r: int, columns: list[ColumnSpec], code_role: str) -> tuple[str | None, list[str]]:
    """The row's code (whole or joined from split columns) and the texts of its code cells."""
    split = [c.index for c in columns if c.role in _SPLIT_ROLES]
    if code_role == "economic_code":
        split = [c.index for c in columns if c.role == "economic_code"]
        whole = None if len(split) > 1 else (split[0] if split else None)
        if whole is not None:
            split = []
    else:
        whole = _first(columns, "subject_code")
    if whole is not None:
        text = g.text(r, whole)
        return parse_subject_code(text), [text]
    if split:
        texts = [g.text(r, k) for k in split]
        if not any(texts) or any(is_total_label(t) for t in texts):
            return None, texts
        try:
            return join_split_code(*texts[:3]), texts
        except ValueError:
            return None, texts
    return None, []


def _subject_rows(g: SlotGrid, body: list[int], columns: list[ColumnSpec]) -> list[AnyRow]:
    amounts = [c for c in columns if c.role == "amount"]
    name_col = _first(columns, "subject_name")
    rows: list[AnyRow] = []
    for r in body:
        code, code_texts = _code_and_labels(g, r, columns, "subject_code")
        name = g.text(r, name_col)
        total = code is None and any(is_total_label(t) for t in [*code_texts, name] if t)
        if total and not name:
            name = next(t for t in code_texts if is_total_label(t))
        if code is None and not name and not _has_amount(g, r, amounts):
            continue
        rows.append(SubjectRow(grid_row=r, subject_code=code, subject_level=subject_level(code) if code else None,
                               subject_name=name, is_total=total, amounts=_amounts(g, r, amounts)))
    return rows


@lru_cache(maxsize=1)
def _economic_levels() -> dict[str, SubjectLevel]:
    out: dict[str, SubjectLevel] = {}
    for kind in ("economic_department", "economic_government"):
        for name, level in load_reference(kind).values():  # type: ignore[arg-type]
            out.setdefault(normalize(name), level)
    return out


def _economic_rows(g: SlotGrid, body: list[int], columns: list[ColumnSpec]) -> list[AnyRow]:
    amounts = [c for c in columns if c.role == "amount"]
    name_col = _first(columns, "economic_name")
    gov_col = _first(columns, "government_economic_name")
    rows: list[AnyRow] = []
    for r in body:
        code, code_texts = _code_and_labels(g, r, columns, "economic_code")
        name = g.text(r, name_col)
        gov = g.text(r, gov_col) or None
        total = code is None and any(is_total_label(t) for t in [*code_texts, name] if t)
        if total and not name:
            name = next(t for t in code_texts if is_total_label(t))
        if code is None and not name and not _has_amount(g, r, amounts):
            continue
        level = subject_level(code) if code else None
        if level is None and not total and name:
            # no code printed (the 部门/政府预算经济科目名称 layout): the reference names the level;
            # failing that, a 类 line has no 政府预算 name beside it
            level = _economic_levels().get(normalize(name))
            if level is None and gov_col is not None:
                level = SubjectLevel.kuan if gov else SubjectLevel.lei
        rows.append(EconomicRow(grid_row=r, economic_code=code, economic_level=level, economic_name=name,
                                government_economic_name=gov if not total else None, is_total=total,
                                amounts=_amounts(g, r, amounts)))
    return rows


# --------------------------------------------------------------------------------------------------
# item rows


@dataclass
class _Group:
    """A run of label columns and the amount columns after it (one side's list in a summary)."""

    side: str | None
    labels: list[ColumnSpec] = field(default_factory=list)
    amounts: list[ColumnSpec] = field(default_factory=list)


def _groups(columns: list[ColumnSpec], two_sided: bool) -> list[_Group]:
    if not two_sided:
        # one list: the first run of item (or unit-name) columns labels it; every amount counts
        labels: list[ColumnSpec] = []
        for c in columns:
            if c.role in ("item", "unit_name"):
                if labels and c.index != labels[-1].index + 1:
                    break
                labels.append(c)
        return [_Group(side=None, labels=labels, amounts=[c for c in columns if c.role == "amount"])]
    groups: list[_Group] = []
    for c in columns:
        if c.role in LABEL_ROLES:
            cur = groups[-1] if groups else None
            if cur is None or cur.amounts or cur.side != c.side:
                groups.append(_Group(side=c.side))
            groups[-1].labels.append(c)
        elif c.role == "amount" and groups:
            groups[-1].amounts.append(c)
    return groups


def _label(g: SlotGrid, r: int, group: _Group) -> str:
    """The printed label of a group in row ``r``: the name cell, else the most specific label cell
    (a "小计" line takes its group's name: 一般公共预算资金 | 小计 → 一般公共预算资金)."""
    name = next((c for c in group.labels if c.role in ("subject_name", "economic_name")), None)
    if name is not None and g.text(r, name.index):
        return g.text(r, name.index)
    texts = [c.text.strip() for c in g.row_cells(r, [c.index for c in group.labels]) if c.text.strip()]
    if not texts:
        return ""
    if len(texts) > 1 and normalize(texts[-1]) in ("小计", "合计"):
        return texts[0]
    return texts[-1]


def _item_amounts(g: SlotGrid, r: int, group: _Group, label: str, two_sided: bool) -> dict[Column, Decimal | None]:
    out = _amounts(g, r, group.amounts)
    if two_sided:
        # an amount column without a meaning of its own (the 支出用途 金额) is keyed by its line
        for c in group.amounts:
            if c.column is None:
                col = canonical_column(label)
                if col is not None and col not in out:
                    out[col] = parse_amount(g.text(r, c.index))
    return out


def _item_rows(g: SlotGrid, body: list[int], columns: list[ColumnSpec], table_type: TableType) -> list[AnyRow]:
    two_sided = any(c.side is not None for c in columns if c.role in LABEL_ROLES)
    groups = _groups(columns, two_sided)
    rows: list[AnyRow] = []
    if not two_sided:
        grp = groups[0]
        side = _SIDE_BY_TYPE.get(table_type)
        for r in body:
            if grp.labels:
                label = _label(g, r, grp)
                if not label or not g.text(r, grp.labels[0].index):
                    continue  # detail lines under a group label (政府采购 items) stay in the grid
            else:
                label = "合计"  # a one-row table printed without a label column
            rows.append(ItemRow(grid_row=r, side=side, label=label, is_total=is_total_label(label),  # type: ignore[arg-type]
                                amounts=_item_amounts(g, r, grp, label, False)))
        return rows
    for r in body:
        labels = [_label(g, r, grp) for grp in groups]
        filled = [i for i, lab in enumerate(labels) if lab]
        if len(filled) == 1 and normalize(labels[filled[0]]) in _BARE_TOTALS:
            # a lone 合计 across the row (an empty two-sided table) totals every side
            first_by_side: dict[str | None, int] = {}
            for i, grp in enumerate(groups):
                first_by_side.setdefault(grp.side, i)
            for i in first_by_side.values():
                if not labels[i] and groups[i].side != groups[filled[0]].side:
                    labels[i] = labels[filled[0]]
        for grp, label in zip(groups, labels):
            if not label:
                continue
            rows.append(ItemRow(grid_row=r, side=grp.side, label=label, is_total=is_total_label(label),  # type: ignore[arg-type]
                                amounts=_item_amounts(g, r, grp, label, True)))
    return rows


# --------------------------------------------------------------------------------------------------
# project rows


def _project_rows(g: SlotGrid, body: list[int], columns: list[ColumnSpec], department: str | None) -> list[AnyRow]:
    amounts = [c for c in columns if c.role == "amount"]
    name_col = _first(columns, "project_name")
    code_col = _first(columns, "subject_code")
    entries: list[tuple[int, str, dict[Column, Decimal | None], str | None]] = []
    for r in body:
        name = g.text(r, name_col)
        if not name:
            continue
        code = parse_subject_code(g.text(r, code_col)) if code_col is not None else None
        entries.append((r, name, _amounts(g, r, amounts), code))
    levels = _project_levels([(n, a) for _r, n, a, _c in entries], department)
    return [ProjectRow(grid_row=r, project_name=n, level=lv, subject_code=c, amounts=a)  # type: ignore[arg-type]
            for (r, n, a, c), lv in zip(entries, levels)]


def _total_of(amounts: dict[Column, Decimal | None]) -> Decimal:
    if Column.total in amounts:
        return amounts[Column.total] or Decimal(0)
    return sum((v or Decimal(0) for v in amounts.values()), Decimal(0))


def _unit_starts(totals: list[Decimal], start: int) -> list[int] | None:
    """Split ``totals[start:]`` into groups (unit line, its project lines) where each unit line is the
    sum of its projects; the unit lines' positions, or None when no split adds up."""
    n = len(totals)
    memo: dict[int, list[int] | None] = {}

    def go(i: int) -> list[int] | None:
        if i == n:
            return []
        if i in memo:
            return memo[i]
        memo[i] = None
        acc = Decimal(0)
        for j in range(i + 1, n):
            acc += totals[j]
            if acc == totals[i]:
                rest = go(j + 1)
                if rest is not None:
                    memo[i] = [i, *rest]
                    break
        return memo[i]

    return go(start)


def _project_levels(entries: list[tuple[str, dict[Column, Decimal | None]]], department: str | None) -> list[str]:
    """Level of each project-table line: total (合计), department, unit or project.

    The usual layout is department line, then for each budget unit its line and its projects. The
    amounts decide when they add up (department = Σ units, unit = Σ its projects); a department
    line followed directly by projects, or projects alone, are accepted too. Failing the sums, a
    line named like the department (first line) or like a unit (本级, 局, 中心 …) is taken as such.
    """
    levels = ["total" if is_total_label(n) else "" for n, _a in entries]
    idx = [i for i, lv in enumerate(levels) if not lv]
    if not idx:
        return levels
    totals = [_total_of(entries[i][1]) for i in idx]
    if len(idx) >= 3:
        units = _unit_starts(totals, 1)
        if units is not None and sum(totals[u] for u in units) == totals[0]:
            levels[idx[0]] = "department"
            for k, i in enumerate(idx[1:], 1):
                levels[i] = "unit" if k in units else "project"
            return levels
    if len(idx) >= 2 and sum(totals[1:]) == totals[0]:
        levels[idx[0]] = "department"
        for i in idx[1:]:
            levels[i] = "project"
        return levels
    dep = normalize(department) if department else None
    for k, i in enumerate(idx):
        name = normalize(entries[i][0])
        if k == 0 and dep and name == dep:
            levels[i] = "department"
        elif dep and name == dep or strip_numbering(name).endswith(("本级", "(本级)")):
            levels[i] = "unit"
        else:
            levels[i] = "project"
    return levels
