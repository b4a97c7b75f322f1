"""Accounting identities of a 部门预算/决算公开, as small pure functions over a DisclosureDocument.

Each rule reads the typed rows (``Table.rows``) and the cards, and returns :class:`CheckResult`
objects: one per instance (a parent row and an amount column, a pair of tables …) with ``expected``
(what the identity implies, computed from the other cells), ``found`` (the printed value of the
checked cell) and ``cells`` (the checked cell first, then the cells it was computed from).

Conventions:

* A blank cell counts as 0 in a sum; an instance whose cells are all blank is ``skipped``.
* ``tolerance`` (default 0.02, in the unit of the compared amounts) absorbs the rounding 尾差 the
  documents admit ("因取数时四舍五入，部分金额可能存在尾差"). Card amounts in 元 are compared with
  table amounts in 万元 after converting both to 元, with the tolerance in the table's unit.
* A rule that has nothing to check in a document (no such table, no such columns, an empty table)
  yields ``skipped`` results that say why, so that a report lists every rule.

The only names known here are the standard printed labels (合计, 本年收入合计, 收入总计, 上年结转 …)
and their common variants; everything else comes from the canonical columns of the schema. This is
the foundation of the declarative rules engine: keep each rule a small function.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from budgetdoc.model.document import (
    CellRef,
    CheckResult,
    DisclosureDocument,
    EconomicRow,
    ItemRow,
    PerformanceCard,
    ProjectRow,
    SubjectRow,
    Table,
)
from budgetdoc.model.vocab import CardType, Column, SubjectLevel, TableType, Unit
from budgetdoc.parsing.codes import parent_code
from budgetdoc.parsing.text import normalize

__all__ = [
    "DEFAULT_TOLERANCE", "RULES", "check_document", "summarize",
    "check_subject_tree", "check_basic_plus_project", "check_personnel_plus_public", "check_sources_sum",
    "check_three_public_columns", "check_economic_tree", "check_project_tree", "check_item_list",
    "check_two_sided", "check_cross_tables", "check_project_table_total", "check_basic_vs_economic",
    "check_project_cards", "check_department_card",
]

DEFAULT_TOLERANCE = Decimal("0.02")
ZERO = Decimal(0)

# rule ids ----------------------------------------------------------------------------------------
SUBJECT_CHILDREN = "subject.children_sum_to_parent"
SUBJECT_TOP = "subject.top_level_sum_to_total"
BASIC_PROJECT = "row.total_eq_basic_plus_project"
PERSONNEL_PUBLIC = "row.total_eq_personnel_plus_public"
SOURCES = "row.total_eq_sum_of_sources"
THREE_PUBLIC_COLUMNS = "row.three_public_columns"
ECONOMIC_ITEMS = "economic.items_sum_to_group"
ECONOMIC_GROUPS = "economic.groups_sum_to_total"
PROJECT_CHILDREN = "project.children_sum_to_parent"
ITEMS_TOTAL = "items.sum_to_total"
ITEMS_SUB = "items.subitems_sum_to_item"
REVENUE_ITEMS = "two_sided.revenue_items_sum"
EXPENDITURE_ITEMS = "two_sided.expenditure_items_sum"
CARRYOVER_ITEMS = "two_sided.carryover_items_sum"
REVENUE_GRAND = "two_sided.revenue_grand_total"
EXPENDITURE_GRAND = "two_sided.expenditure_grand_total"
BALANCE = "two_sided.grand_totals_equal"
CROSS_REVENUE_TOTAL = "cross.summary_vs_revenue_table"
CROSS_EXPENDITURE_TOTAL = "cross.summary_vs_expenditure_table"
CROSS_REVENUE_ITEMS = "cross.revenue_items_agree"
CROSS_REVENUE_SOURCES = "cross.revenue_sources_agree"
CROSS_FUNCTIONS = "cross.function_categories_agree"
CROSS_FISCAL_GPB = "cross.fiscal_vs_gpb_expenditure"
CROSS_SUBJECTS = "cross.revenue_vs_expenditure_subjects"
CROSS_GPB_SUBJECTS = "cross.gpb_revenue_vs_gpb_expenditure_subjects"
CROSS_PROJECT_TOTAL = "cross.project_total"
CROSS_BASIC_ECONOMIC = "cross.basic_vs_economic"
CARD_PROJECT_SOURCES = "card.project_sources_sum"
CARD_PROJECT_VS_TABLE = "card.project_annual_vs_table"
CARD_DEPT_SOURCES = "card.department_sources_sum"
CARD_DEPT_DIRECTIONS = "card.department_directions_sum"
CARD_DEPT_VS_TABLES = "card.department_vs_tables"

# table families ----------------------------------------------------------------------------------
REVENUE_EXPENDITURE_SUMMARY = (TableType.revenue_expenditure_summary, TableType.department_financial_summary,
                               TableType.final_revenue_expenditure_summary)
REVENUE_SUMMARY = (TableType.revenue_summary, TableType.final_revenue)
EXPENDITURE_SUMMARY = (TableType.expenditure_summary, TableType.final_expenditure)
FISCAL_SUMMARY = (TableType.fiscal_appropriation_summary, TableType.final_fiscal_appropriation_summary)
GPB_EXPENDITURE = (TableType.general_public_budget_expenditure,
                   TableType.final_general_public_budget_expenditure)
BASIC_ECONOMIC = (TableType.general_public_budget_basic_economic, TableType.fiscal_appropriation_basic_economic,
                  TableType.final_general_public_budget_basic)
PROJECT_TABLES = (TableType.project_expenditure, TableType.project_expenditure_carryover)

# printed labels (compared after normalize() and dropping an enumeration prefix) ------------------
CURRENT_REVENUE_TOTAL = frozenset({"本年收入合计", "本年收入小计", "收入合计", "本年收入"})
CURRENT_EXPENDITURE_TOTAL = frozenset({"本年支出合计", "本年支出小计", "支出合计", "本年支出"})
REVENUE_GRAND_TOTAL = frozenset({"收入总计", "收入总合计"})
EXPENDITURE_GRAND_TOTAL = frozenset({"支出总计", "支出总合计"})
#: Revenue lines that name a funding source, and the column that holds that source elsewhere.
SOURCE_KEYWORDS: tuple[tuple[str, Column], ...] = (
    ("一般公共预算", Column.general_public_budget),
    ("政府性基金", Column.government_fund),
    ("国有资本经营", Column.state_capital),
    ("财政专户", Column.special_account),
    ("单位资金", Column.unit_funds),
    ("事业收入", Column.business_income),
    ("经营收入", Column.operating_income),
    ("其他收入", Column.other_income),
)
#: Columns that are a funding source (or a part of a total) rather than a use of the money.
SOURCE_COLUMNS = frozenset({
    Column.general_public_budget, Column.government_fund, Column.state_capital, Column.special_account,
    Column.unit_funds, Column.fiscal_appropriation, Column.business_income, Column.operating_income,
    Column.other_income, Column.current_year, Column.carryover,
})
FISCAL_PARTS = frozenset({Column.general_public_budget, Column.government_fund, Column.state_capital})

_ENUM_RE = re.compile(r"^(?:[一二三四五六七八九十百]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．]|[①-⑳])")
_SUBITEM_RE = re.compile(r"^(?:其中[:：]?|[①-⑳]|[(（]?\d+[)）])")

Refd = tuple[Decimal | None, CellRef]


# ==================================================================================================
# small helpers
# ==================================================================================================


def _label(text: str) -> str:
    """A printed label without spaces, width variants and an enumeration prefix: "一、外交支出" -> "外交支出"."""
    return _ENUM_RE.sub("", normalize(text))


def _is_enumerated(text: str) -> bool:
    return bool(_ENUM_RE.match(normalize(text)))


def _is_subitem(text: str) -> bool:
    return bool(_SUBITEM_RE.match(normalize(text)))


def _header_path(table: Table, index: int) -> list[str]:
    spec = next((c for c in table.columns if c.index == index), None)
    return [h for h in (spec.header if spec else []) if not normalize(h).isdigit()]


def col_index(table: Table, column: Column, side: str | None = None) -> int | None:
    """Grid column that holds ``column`` (on ``side`` for two-sided tables), or None."""
    return next((c.index for c in table.columns
                 if c.column == column and (side is None or c.side == side)), None)


def _ref(table: Table, row, column: Column, side: str | None = None) -> CellRef:
    return CellRef(table_id=table.id, row=row.grid_row, col=col_index(table, column, side or getattr(row, "side", None)))


def _val(table: Table, row, column: Column) -> Refd:
    return row.amounts.get(column), _ref(table, row, column)


def _row_name(row) -> str:
    if isinstance(row, SubjectRow):
        return row.subject_code or row.subject_name
    if isinstance(row, EconomicRow):
        return row.economic_code or row.economic_name
    if isinstance(row, ProjectRow):
        return row.project_name
    return row.label


def _sum(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


def identity(rule_id: str, description: str, found: Refd, parts: Sequence[Refd], tolerance: Decimal) -> CheckResult:
    """``found`` should equal the sum of ``parts``; all blank -> skipped."""
    cells = [found[1], *(p[1] for p in parts)]
    if found[0] is None and all(p[0] is None for p in parts):
        return CheckResult(rule_id=rule_id, status="skipped", description=description, cells=cells,
                           message="all cells blank")
    expected = _sum(p[0] for p in parts)
    value = found[0] if found[0] is not None else ZERO
    ok = abs(value - expected) <= tolerance
    return CheckResult(
        rule_id=rule_id, status="passed" if ok else "failed", description=description, expected=expected,
        found=found[0], cells=cells,
        message=None if ok else f"{description}: expected {expected}, found {found[0]} (diff {value - expected})",
    )


def skipped(rule_id: str, reason: str, table: Table | None = None, card: PerformanceCard | None = None) -> CheckResult:
    cells = [CellRef(table_id=table.id if table else None, card_id=card.id if card else None)] if (table or card) else []
    return CheckResult(rule_id=rule_id, status="skipped", message=reason, cells=cells)


def _tables(doc: DisclosureDocument, types: Sequence[TableType]) -> list[Table]:
    return [t for t in doc.tables if t.table_type in types]


def _first(doc: DisclosureDocument, types: Sequence[TableType]) -> Table | None:
    return next(iter(_tables(doc, types)), None)


def _usable(table: Table | None) -> bool:
    return table is not None and not table.is_empty and bool(table.rows)


def _total_row(table: Table):
    """The table's 合计 row: an is_total subject/economic/project row, or an unsided is_total item."""
    for r in table.rows:
        if isinstance(r, (SubjectRow, EconomicRow)) and r.is_total:
            return r
        if isinstance(r, ProjectRow) and r.level == "total":
            return r
        if isinstance(r, ItemRow) and r.is_total and r.side is None:
            return r
    return None


def _side_rows(table: Table, side: str) -> list[ItemRow]:
    return sorted((r for r in table.rows if isinstance(r, ItemRow) and r.side == side), key=lambda r: r.grid_row)


def _find(rows: Sequence[ItemRow], labels: frozenset[str]) -> int | None:
    return next((i for i, r in enumerate(rows) if _label(r.label) in labels), None)


def _side_columns(table: Table, side: str | None) -> list[Column]:
    return [c.column for c in table.columns if c.column is not None and (side is None or c.side == side)]


def _empty_or_missing(rule_id: str, tables: Sequence[Table | None], what: str) -> list[CheckResult] | None:
    """A skipped result when one of the tables a cross rule needs is missing or empty, else None."""
    for t in tables:
        if t is None:
            return [skipped(rule_id, f"no {what} table")]
        if not _usable(t):
            return [skipped(rule_id, "table is empty (本表无数据)", t)]
    return None


# ==================================================================================================
# per-table rules
# ==================================================================================================


def check_subject_tree(table: Table, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """Function-classification tables: 项 rows sum to their 款, 款 to their 类, top-level rows to 合计."""
    rows = [r for r in table.rows if isinstance(r, SubjectRow)]
    if not rows:
        return []
    if table.is_empty:
        return [skipped(SUBJECT_CHILDREN, "table is empty (本表无数据)", table)]
    by_code = {r.subject_code: r for r in rows if r.subject_code}
    children: dict[str, list[SubjectRow]] = {}
    top: list[SubjectRow] = []
    for r in rows:
        if not r.subject_code:
            continue
        p = parent_code(r.subject_code)
        if p is not None and p in by_code:
            children.setdefault(p, []).append(r)
        else:
            top.append(r)
    out = []
    for column in _side_columns(table, None):
        for code, kids in children.items():
            parent = by_code[code]
            out.append(identity(SUBJECT_CHILDREN, f"{table.id} {code} {column.value} = sum of its children",
                                _val(table, parent, column), [_val(table, k, column) for k in kids], tolerance))
        total = _total_row(table)
        if total is not None and top:
            out.append(identity(SUBJECT_TOP, f"{table.id} 合计 {column.value} = sum of the top-level subjects",
                                _val(table, total, column), [_val(table, k, column) for k in top], tolerance))
    return out


def _row_identity(rule_id: str, table: Table, total: Column, parts: Sequence[Column],
                  tolerance: Decimal) -> list[CheckResult]:
    out = []
    for r in table.rows:
        if total in r.amounts and all(p in r.amounts for p in parts):
            desc = f"{table.id} {_row_name(r)}: {total.value} = " + " + ".join(p.value for p in parts)
            out.append(identity(rule_id, desc, _val(table, r, total), [_val(table, r, p) for p in parts], tolerance))
    if out and table.is_empty:
        return [skipped(rule_id, "table is empty (本表无数据)", table)]
    return out


def check_basic_plus_project(table: Table, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """Per row: 合计 = 基本支出 + 项目支出."""
    return _row_identity(BASIC_PROJECT, table, Column.total,
                         (Column.basic_expenditure, Column.project_expenditure), tolerance)


def check_personnel_plus_public(table: Table, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """Per row of an economic table: 合计 = 人员经费 + 公用经费."""
    return _row_identity(PERSONNEL_PUBLIC, table, Column.total, (Column.personnel, Column.public_funds), tolerance)


def check_three_public_columns(table: Table, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """三公 tables with the items as columns: 合计 = 出国 + 接待 + 公务用车; 公务用车 = 购置 + 运行维护."""
    out = _row_identity(THREE_PUBLIC_COLUMNS, table, Column.total,
                        (Column.overseas_travel, Column.official_reception, Column.vehicle_total), tolerance)
    return out + _row_identity(THREE_PUBLIC_COLUMNS, table, Column.vehicle_total,
                               (Column.vehicle_purchase, Column.vehicle_operation), tolerance)


def source_columns(table: Table, side: str | None = None) -> tuple[Column, list[Column]] | None:
    """The row total and the funding-source columns that add up to it, read from the header paths.

    The sources are the source columns printed under the same header group as the total ("本年收入"
    over 合计 | 一般公共预算 | … leaves the separate 上年结转 column out; a top-level 合计 takes every
    source column). A subtotal column (财政拨款, 当年预算安排) is dropped when its parts are there too.
    """
    total = next((c for c in table.columns if c.column == Column.total and c.side == side), None)
    if total is None:
        return None
    group = _header_path(table, total.index)[:-1]
    cols = [c.column for c in table.columns
            if c.side == side and c.column in SOURCE_COLUMNS and _header_path(table, c.index)[:len(group)] == group]
    if Column.fiscal_appropriation in cols and FISCAL_PARTS & set(cols):
        cols.remove(Column.fiscal_appropriation)
    if Column.current_year in cols and (set(cols) - {Column.current_year, Column.carryover}):
        cols.remove(Column.current_year)
    return (Column.total, cols) if cols else None


def check_sources_sum(table: Table, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """Per row (and side): the row total = the sum of its funding-source columns."""
    out = []
    for side in dict.fromkeys(c.side for c in table.columns):  # sides in column order
        found = source_columns(table, side)
        if found is None:
            continue
        total, parts = found
        for r in table.rows:
            if getattr(r, "side", None) != side or total not in r.amounts:
                continue
            desc = f"{table.id} {_row_name(r)}: total = " + " + ".join(p.value for p in parts)
            out.append(identity(SOURCES, desc, _val(table, r, total), [_val(table, r, p) for p in parts], tolerance))
    if out and table.is_empty:
        return [skipped(SOURCES, "table is empty (本表无数据)", table)]
    return out


def check_economic_tree(table: Table, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """Economic tables: 款 items sum to their 类 row, 类 rows sum to 合计.

    Groups come from the codes when printed (30101 under 301), otherwise from the order: a 类 row owns
    the 款 rows printed after it.
    """
    rows = [r for r in table.rows if isinstance(r, EconomicRow)]
    if not rows:
        return []
    if table.is_empty:
        return [skipped(ECONOMIC_ITEMS, "table is empty (本表无数据)", table)]
    groups: list[tuple[EconomicRow, list[EconomicRow]]] = []
    for r in rows:
        if r.is_total:
            continue
        if r.economic_level == SubjectLevel.lei:
            groups.append((r, []))
        elif r.economic_level == SubjectLevel.kuan:
            if r.economic_code and any(g[0].economic_code for g in groups):
                owner = next((g for g in reversed(groups)
                              if g[0].economic_code and r.economic_code.startswith(g[0].economic_code)), None)
            else:
                owner = groups[-1] if groups else None
            if owner is not None:
                owner[1].append(r)
    out = []
    total = _total_row(table)
    for column in _side_columns(table, None):
        for head, items in groups:
            if items:
                out.append(identity(ECONOMIC_ITEMS, f"{table.id} {head.economic_name} {column.value} = sum of its items",
                                    _val(table, head, column), [_val(table, i, column) for i in items], tolerance))
        if total is not None and groups:
            out.append(identity(ECONOMIC_GROUPS, f"{table.id} 合计 {column.value} = sum of the 类 rows",
                                _val(table, total, column), [_val(table, g[0], column) for g in groups], tolerance))
    return out


def check_project_tree(table: Table, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """Project tables: projects sum to their unit, units to their department, departments to 合计."""
    rows = sorted((r for r in table.rows if isinstance(r, ProjectRow)), key=lambda r: r.grid_row)
    if table.table_type not in PROJECT_TABLES and not rows:
        return []
    if table.is_empty or not rows:
        return [skipped(PROJECT_CHILDREN, "table is empty (本表无数据)", table)]
    rank = {"total": 0, "department": 1, "unit": 2, "project": 3}
    out = []
    for i, parent in enumerate(rows):
        if parent.level == "project":
            continue
        below = []
        for r in rows[i + 1:]:
            if rank[r.level] <= rank[parent.level]:
                break
            below.append(r)
        kids = [r for r in below if rank[r.level] == min((rank[b.level] for b in below), default=0)]
        for column in _side_columns(table, None):
            if kids:
                out.append(identity(PROJECT_CHILDREN, f"{table.id} {parent.project_name} ({parent.level}) "
                                    f"{column.value} = sum of its {kids[0].level} rows",
                                    _val(table, parent, column), [_val(table, k, column) for k in kids], tolerance))
    return out


def check_item_list(table: Table, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """Unsided item tables (三公经费, 机关运行经费): items sum to 合计; ①② sub-items sum to their item."""
    rows = sorted((r for r in table.rows if isinstance(r, ItemRow) and r.side is None), key=lambda r: r.grid_row)
    if not rows:
        return []
    total = next((r for r in rows if r.is_total), None)
    items: list[tuple[ItemRow, list[ItemRow]]] = []
    for r in rows:
        if r.is_total:
            continue
        if _is_subitem(r.label) and items:
            items[-1][1].append(r)
        else:
            items.append((r, []))
    if total is None or not items:
        return [skipped(ITEMS_TOTAL, "no items under the total", table)]
    if table.is_empty:
        return [skipped(ITEMS_TOTAL, "table is empty (本表无数据)", table)]
    out = []
    for column in _side_columns(table, None):
        out.append(identity(ITEMS_TOTAL, f"{table.id} {total.label} {column.value} = sum of the items",
                            _val(table, total, column), [_val(table, i, column) for i, _ in items], tolerance))
        for item, subs in items:
            if subs:
                out.append(identity(ITEMS_SUB, f"{table.id} {item.label} {column.value} = sum of its sub-items",
                                    _val(table, item, column), [_val(table, s, column) for s in subs], tolerance))
    return out


def _two_sided_side(table: Table, side: str, current_labels: frozenset[str], grand_labels: frozenset[str],
                    items_rule: str, grand_rule: str, tolerance: Decimal) -> list[CheckResult]:
    rows = _side_rows(table, side)
    cur, grand = _find(rows, current_labels), _find(rows, grand_labels)
    out = []
    columns = _side_columns(table, side)
    if cur is None:
        return [skipped(items_rule, f"no {side} 本年合计 line", table)]
    items = [r for r in rows[:cur] if not r.is_total and not _is_subitem(r.label)]
    for column in columns:
        out.append(identity(items_rule, f"{table.id} {rows[cur].label} {column.value} = sum of the {side} items",
                            _val(table, rows[cur], column), [_val(table, r, column) for r in items], tolerance))
    if grand is None or grand < cur:
        return out + [skipped(grand_rule, f"no {side} 总计 line", table)]
    # lines between 本年合计 and 总计: main lines (上年结转, 年终结转 …) and their enumerated breakdown
    mains: list[tuple[ItemRow, list[ItemRow]]] = []
    for r in rows[cur + 1:grand]:
        if mains and _is_enumerated(r.label):
            mains[-1][1].append(r)
        else:
            mains.append((r, []))
    for column in columns:
        out.append(identity(grand_rule, f"{table.id} {rows[grand].label} {column.value} = "
                            f"{rows[cur].label} + " + " + ".join(m.label for m, _ in mains),
                            _val(table, rows[grand], column),
                            [_val(table, rows[cur], column)] + [_val(table, m, column) for m, _ in mains], tolerance))
        for main, subs in mains:
            if subs:
                out.append(identity(CARRYOVER_ITEMS, f"{table.id} {main.label} {column.value} = sum of its breakdown",
                                    _val(table, main, column), [_val(table, s, column) for s in subs], tolerance))
    return out


def check_two_sided(table: Table, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """收支总表-style tables: 本年收入合计 = revenue items, 本年支出合计 = expenditure items,
    收入总计 = 本年收入合计 + 上年结转 (…), 支出总计 = 本年支出合计 + 年终结转 (…), 收入总计 = 支出总计."""
    if not any(isinstance(r, ItemRow) and r.side for r in table.rows):
        return []
    if table.is_empty:
        return [skipped(rule, "table is empty (本表无数据)", table) for rule in (REVENUE_ITEMS, EXPENDITURE_ITEMS, BALANCE)]
    out = _two_sided_side(table, "revenue", CURRENT_REVENUE_TOTAL, REVENUE_GRAND_TOTAL, REVENUE_ITEMS,
                          REVENUE_GRAND, tolerance)
    out += _two_sided_side(table, "expenditure", CURRENT_EXPENDITURE_TOTAL, EXPENDITURE_GRAND_TOTAL,
                           EXPENDITURE_ITEMS, EXPENDITURE_GRAND, tolerance)
    rev, exp = _side_rows(table, "revenue"), _side_rows(table, "expenditure")
    i, j = _find(rev, REVENUE_GRAND_TOTAL), _find(exp, EXPENDITURE_GRAND_TOTAL)
    if i is None or j is None:
        out.append(skipped(BALANCE, "no 收入总计/支出总计 lines", table))
    else:
        out.append(identity(BALANCE, f"{table.id} 收入总计 = 支出总计", _val(table, rev[i], Column.total),
                            [_val(table, exp[j], Column.total)], tolerance))
    return out


TABLE_RULES: tuple[Callable[[Table, Decimal], list[CheckResult]], ...] = (
    check_subject_tree, check_basic_plus_project, check_personnel_plus_public, check_sources_sum,
    check_three_public_columns, check_economic_tree, check_project_tree, check_item_list, check_two_sided,
)


# ==================================================================================================
# cross-table rules
# ==================================================================================================


def _item(table: Table, side: str, labels: frozenset[str]) -> ItemRow | None:
    rows = _side_rows(table, side)
    i = _find(rows, labels)
    return rows[i] if i is not None else None


def _revenue_items(table: Table) -> list[ItemRow]:
    rows = _side_rows(table, "revenue")
    cur = _find(rows, CURRENT_REVENUE_TOTAL)
    return [r for r in rows[:cur] if not r.is_total and not _is_subitem(r.label)] if cur is not None else []


def _expenditure_items(table: Table) -> list[ItemRow]:
    rows = _side_rows(table, "expenditure")
    cur = _find(rows, CURRENT_EXPENDITURE_TOTAL)
    return [r for r in rows[:cur] if not r.is_total and not _is_subitem(r.label)] if cur is not None else []


def _source_of(label: str) -> Column | None:
    name = _label(label)
    return next((c for k, c in SOURCE_KEYWORDS if k in name), None)


def _eq(rule_id: str, desc: str, a: tuple[Table, object, Column], b: tuple[Table, object, Column],
        tolerance: Decimal) -> CheckResult:
    return identity(rule_id, desc, _val(*a), [_val(*b)], tolerance)


def check_cross_tables(doc: DisclosureDocument, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """The same totals in 收支总表 / 收入总表 / 支出总表 / 财政拨款收支总表 / 一般公共预算支出表."""
    summary, revenue = _first(doc, REVENUE_EXPENDITURE_SUMMARY), _first(doc, REVENUE_SUMMARY)
    expenditure, fiscal = _first(doc, EXPENDITURE_SUMMARY), _first(doc, FISCAL_SUMMARY)
    gpb = _first(doc, GPB_EXPENDITURE)
    out: list[CheckResult] = []

    # 收支总表 本年收入合计 / 上年结转 = 收入总表 合计 row
    miss = _empty_or_missing(CROSS_REVENUE_TOTAL, [summary, revenue], "收支总表 or 收入总表")
    if miss:
        out += miss
    else:
        cur, tot = _item(summary, "revenue", CURRENT_REVENUE_TOTAL), _total_row(revenue)
        if cur is None or tot is None:
            out.append(skipped(CROSS_REVENUE_TOTAL, "no 本年收入合计 or 合计 row", revenue))
        else:
            out.append(_eq(CROSS_REVENUE_TOTAL, f"{summary.id} {cur.label} = {revenue.id} 合计",
                           (summary, cur, Column.total), (revenue, tot, Column.total), tolerance))
        rows = _side_rows(summary, "revenue")
        i, j = _find(rows, CURRENT_REVENUE_TOTAL), _find(rows, REVENUE_GRAND_TOTAL)
        carry = next((r for r in rows[i + 1:j] if "结转" in r.label), None) if i is not None and j is not None else None
        if carry is not None and tot is not None and Column.carryover in tot.amounts:
            out.append(_eq(CROSS_REVENUE_TOTAL, f"{summary.id} {carry.label} = {revenue.id} 合计 上年结转",
                           (summary, carry, Column.total), (revenue, tot, Column.carryover), tolerance))
        # each funding-source line of 收支总表 = that source's column in 收入总表's 合计 row
        for item in _revenue_items(summary):
            col = _source_of(item.label)
            if tot is not None and col is not None and col in tot.amounts:
                out.append(_eq(CROSS_REVENUE_SOURCES, f"{summary.id} {item.label} = {revenue.id} 合计 {col.value}",
                               (summary, item, Column.total), (revenue, tot, col), tolerance))

    # 收支总表 本年支出合计 = 支出总表 合计; 收支总表 function categories = 支出总表 类 rows
    miss = _empty_or_missing(CROSS_EXPENDITURE_TOTAL, [summary, expenditure], "收支总表 or 支出总表")
    if miss:
        out += miss
    else:
        cur, tot = _item(summary, "expenditure", CURRENT_EXPENDITURE_TOTAL), _total_row(expenditure)
        if cur is None or tot is None:
            out.append(skipped(CROSS_EXPENDITURE_TOTAL, "no 本年支出合计 or 合计 row", expenditure))
        else:
            out.append(_eq(CROSS_EXPENDITURE_TOTAL, f"{summary.id} {cur.label} = {expenditure.id} 合计",
                           (summary, cur, Column.total), (expenditure, tot, Column.total), tolerance))
        out += _function_categories(summary, Column.total, expenditure, Column.total, CROSS_FUNCTIONS, tolerance)

    # 收支总表 and 财政拨款收支总表: the fiscal funding-source lines agree
    miss = _empty_or_missing(CROSS_REVENUE_ITEMS, [summary, fiscal], "收支总表 or 财政拨款收支总表")
    if miss:
        out += miss
    else:
        theirs = {_source_of(r.label): r for r in _revenue_items(fiscal) if _source_of(r.label)}
        for item in _revenue_items(summary):
            other = theirs.get(_source_of(item.label))
            if other is not None:
                out.append(_eq(CROSS_REVENUE_ITEMS, f"{summary.id} {item.label} = {fiscal.id} {other.label}",
                               (summary, item, Column.total), (fiscal, other, Column.total), tolerance))

    # 财政拨款收支总表 一般公共预算 column = 一般公共预算支出表 (合计 and 类 rows)
    miss = _empty_or_missing(CROSS_FISCAL_GPB, [fiscal, gpb], "财政拨款收支总表 or 一般公共预算支出表")
    if miss:
        out += miss
    else:
        cur, tot = _item(fiscal, "expenditure", CURRENT_EXPENDITURE_TOTAL), _total_row(gpb)
        col = Column.general_public_budget if col_index(fiscal, Column.general_public_budget, "expenditure") is not None \
            else Column.total
        if cur is not None and tot is not None:
            out.append(_eq(CROSS_FISCAL_GPB, f"{fiscal.id} {cur.label} {col.value} = {gpb.id} 合计",
                           (fiscal, cur, col), (gpb, tot, Column.total), tolerance))
        out += _function_categories(fiscal, col, gpb, Column.total, CROSS_FISCAL_GPB, tolerance)

    # subject rows: 收入总表 = 支出总表 by code (total); 收入总表 一般公共预算 = 一般公共预算支出表 by code
    out += _subjects_agree(revenue, Column.total, expenditure, Column.total, CROSS_SUBJECTS, tolerance)
    out += _subjects_agree(revenue, Column.general_public_budget, gpb, Column.total, CROSS_GPB_SUBJECTS, tolerance)
    return out


def _function_categories(summary: Table, column: Column, table: Table, table_column: Column, rule_id: str,
                         tolerance: Decimal) -> list[CheckResult]:
    """Expenditure lines of a 收支总表 (一、一般公共服务支出 …) = the 类 rows of a function table."""
    lei = {_label(r.subject_name): r for r in table.rows
           if isinstance(r, SubjectRow) and r.subject_level == SubjectLevel.lei}
    out = []
    for item in _expenditure_items(summary):
        row = lei.get(_label(item.label))
        if row is not None:
            out.append(_eq(rule_id, f"{summary.id} {item.label} {column.value} = {table.id} {row.subject_code}",
                           (summary, item, column), (table, row, table_column), tolerance))
        elif item.amounts.get(column):
            out.append(identity(rule_id, f"{summary.id} {item.label}: no {table.id} row",
                                (item.amounts.get(column), _ref(summary, item, column)),
                                [(None, CellRef(table_id=table.id))], tolerance))
    return out


def _subjects_agree(a: Table | None, a_col: Column, b: Table | None, b_col: Column, rule_id: str,
                    tolerance: Decimal) -> list[CheckResult]:
    miss = _empty_or_missing(rule_id, [a, b], "function-classification")
    if miss:
        return miss
    rows_a = {r.subject_code: r for r in a.rows if isinstance(r, SubjectRow) and r.subject_code}
    rows_b = {r.subject_code: r for r in b.rows if isinstance(r, SubjectRow) and r.subject_code}
    if not rows_a or not rows_b or not any(a_col in r.amounts for r in rows_a.values()):
        return [skipped(rule_id, "no subject rows with that column on both sides", a)]
    out = []
    for code in sorted(set(rows_a) | set(rows_b)):
        ra, rb = rows_a.get(code), rows_b.get(code)
        found = _val(a, ra, a_col) if ra else (None, CellRef(table_id=a.id))
        other = _val(b, rb, b_col) if rb else (None, CellRef(table_id=b.id))
        out.append(identity(rule_id, f"{code}: {a.id} {a_col.value} = {b.id} {b_col.value}", found, [other], tolerance))
    return out


def _project_table_total(table: Table) -> tuple[Decimal | None, list[Refd]]:
    """A project table's total: its 合计 row, else the sum of its top-level rows."""
    rows = [r for r in table.rows if isinstance(r, ProjectRow)]
    if not rows:
        return None, []
    top = min(rows, key=lambda r: {"total": 0, "department": 1, "unit": 2, "project": 3}[r.level]).level
    parts = [_val(table, r, Column.total) for r in rows if r.level == top]
    return _sum(p[0] for p in parts), parts


def check_project_table_total(doc: DisclosureDocument, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """支出总表 合计 项目支出 = 项目支出预算表 total (本年预算 + 上年结转)."""
    expenditure = _first(doc, EXPENDITURE_SUMMARY)
    projects = _tables(doc, PROJECT_TABLES)
    miss = _empty_or_missing(CROSS_PROJECT_TOTAL, [expenditure, projects[0] if projects else None],
                             "支出总表 or 项目支出预算表")
    if miss:
        return miss
    tot = _total_row(expenditure)
    if tot is None or Column.project_expenditure not in tot.amounts:
        return [skipped(CROSS_PROJECT_TOTAL, "支出总表 has no 合计 项目支出", expenditure)]
    parts: list[Refd] = []
    for t in projects:  # an empty 上年结转 table adds nothing
        parts += _project_table_total(t)[1]
    return [identity(CROSS_PROJECT_TOTAL, f"{expenditure.id} 合计 项目支出 = project tables' total",
                     _val(expenditure, tot, Column.project_expenditure), parts, tolerance)]


def check_basic_vs_economic(doc: DisclosureDocument, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """基本支出 (一般公共预算支出表, else 支出总表) 合计 = the economic table's 合计."""
    economic = _first(doc, BASIC_ECONOMIC)
    source = _first(doc, GPB_EXPENDITURE) or _first(doc, EXPENDITURE_SUMMARY)
    miss = _empty_or_missing(CROSS_BASIC_ECONOMIC, [economic, source], "economic or expenditure")
    if miss:
        return miss
    a, b = _total_row(source), _total_row(economic)
    if a is None or b is None or Column.basic_expenditure not in a.amounts:
        return [skipped(CROSS_BASIC_ECONOMIC, "no 合计 基本支出", source)]
    return [_eq(CROSS_BASIC_ECONOMIC, f"{source.id} 合计 基本支出 = {economic.id} 合计",
                (source, a, Column.basic_expenditure), (economic, b, Column.total), tolerance)]


# ==================================================================================================
# cards
# ==================================================================================================


def _fund_ref(card: PerformanceCard, i: int, attr: str) -> CellRef:
    return CellRef(card_id=card.id, field=f"funds[{i}].{attr}")


def _in_yuan(value: Decimal | None, unit: Unit | None) -> Decimal | None:
    return None if value is None else value * (unit or Unit.yuan).in_yuan


def check_project_cards(doc: DisclosureDocument, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """Project cards: sources sum to the total (实施期 and 年度); the 年度 total = the project's table row."""
    cards = [c for c in doc.cards if c.card_type == CardType.project]
    if not cards:
        return [skipped(CARD_PROJECT_SOURCES, "no project cards"), skipped(CARD_PROJECT_VS_TABLE, "no project cards")]
    tables = [t for t in _tables(doc, PROJECT_TABLES) if _usable(t)]
    rows = {normalize(r.project_name): (t, r) for t in tables for r in t.rows
            if isinstance(r, ProjectRow) and r.level == "project"}
    out = []
    for card in cards:
        total_i = next((i for i, f in enumerate(card.funds) if f.canonical == "total" and not f.direction), None)
        parts = [i for i, f in enumerate(card.funds) if f.canonical != "total" and not f.direction]
        if total_i is None:
            out.append(skipped(CARD_PROJECT_SOURCES, "card has no 资金总额 line", card=card))
            continue
        for attr in ("period_amount", "annual_amount"):
            out.append(identity(
                CARD_PROJECT_SOURCES, f"{card.id} {attr}: total = sum of the sources",
                (getattr(card.funds[total_i], attr), _fund_ref(card, total_i, attr)),
                [(getattr(card.funds[i], attr), _fund_ref(card, i, attr)) for i in parts], tolerance))
        match = rows.get(normalize(card.project_name or ""))
        if match is None:
            out.append(skipped(CARD_PROJECT_VS_TABLE, f"no project row named {card.project_name!r}", card=card))
            continue
        table, row = match
        scale = (table.unit or Unit.ten_thousand_yuan).in_yuan
        out.append(identity(
            CARD_PROJECT_VS_TABLE, f"{card.id} 年度资金总额 = {table.id} {row.project_name} (in 元)",
            (_in_yuan(card.funds[total_i].annual_amount, card.funds_unit), _fund_ref(card, total_i, "annual_amount")),
            [(_in_yuan(row.amounts.get(Column.total), table.unit), _ref(table, row, Column.total))],
            tolerance * scale))
    return out


def check_department_card(doc: DisclosureDocument, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """Department card: sources and directions sum to their totals, and agree with the tables."""
    card = next((c for c in doc.cards if c.card_type == CardType.department), None)
    if card is None:
        return [skipped(r, "no department card") for r in (CARD_DEPT_SOURCES, CARD_DEPT_DIRECTIONS, CARD_DEPT_VS_TABLES)]
    out = []
    lines: dict[tuple[bool, str], int] = {}
    for direction, rule in ((False, CARD_DEPT_SOURCES), (True, CARD_DEPT_DIRECTIONS)):
        idx = [i for i, f in enumerate(card.funds) if f.direction == direction]
        for i in idx:
            lines.setdefault((direction, card.funds[i].canonical), i)
        total = lines.get((direction, "total"))
        parts = [i for i in idx if card.funds[i].canonical != "total"]
        if total is None or not parts:
            out.append(skipped(rule, "no total with parts on the card", card=card))
            continue
        out.append(identity(rule, f"{card.id} {'按资金方向' if direction else '按资金来源'} 合计 = sum of the lines",
                            (card.funds[total].annual_amount, _fund_ref(card, total, "annual_amount")),
                            [(card.funds[i].annual_amount, _fund_ref(card, i, "annual_amount")) for i in parts],
                            tolerance))
    # against the tables (compared in 元)
    summary, revenue, expenditure = (_first(doc, REVENUE_EXPENDITURE_SUMMARY), _first(doc, REVENUE_SUMMARY),
                                     _first(doc, EXPENDITURE_SUMMARY))
    pairs: list[tuple[tuple[bool, str], Table | None, object, Column]] = []
    if _usable(summary):
        pairs.append(((False, "total"), summary, _item(summary, "revenue", REVENUE_GRAND_TOTAL), Column.total))
    if _usable(revenue):
        tot = _total_row(revenue)
        for canonical, col in (("general_public_budget", Column.general_public_budget),
                               ("government_fund", Column.government_fund), ("state_capital", Column.state_capital),
                               ("special_account", Column.special_account)):
            pairs.append(((False, canonical), revenue, tot, col))
    if _usable(expenditure):
        tot = _total_row(expenditure)
        for canonical, col in (("total", Column.total), ("basic_expenditure", Column.basic_expenditure),
                               ("project_expenditure", Column.project_expenditure)):
            pairs.append(((True, canonical), expenditure, tot, col))
    for key, table, row, col in pairs:
        i = lines.get(key)
        if i is None or row is None or col not in row.amounts:
            continue
        scale = (table.unit or Unit.ten_thousand_yuan).in_yuan
        out.append(identity(
            CARD_DEPT_VS_TABLES, f"{card.id} {card.funds[i].source} = {table.id} {col.value} (in 元)",
            (_in_yuan(card.funds[i].annual_amount, card.funds_unit), _fund_ref(card, i, "annual_amount")),
            [(_in_yuan(row.amounts.get(col), table.unit), _ref(table, row, col))], tolerance * scale))
    if not any(r.rule_id == CARD_DEPT_VS_TABLES for r in out):
        out.append(skipped(CARD_DEPT_VS_TABLES, "no summary tables to compare with", card=card))
    return out


# ==================================================================================================
# the whole document
# ==================================================================================================

DOCUMENT_RULES: tuple[Callable[[DisclosureDocument, Decimal], list[CheckResult]], ...] = (
    check_cross_tables, check_project_table_total, check_basic_vs_economic, check_project_cards,
    check_department_card,
)

#: Every rule id this module can produce.
RULES: tuple[str, ...] = (
    SUBJECT_CHILDREN, SUBJECT_TOP, BASIC_PROJECT, PERSONNEL_PUBLIC, SOURCES, THREE_PUBLIC_COLUMNS,
    ECONOMIC_ITEMS, ECONOMIC_GROUPS, PROJECT_CHILDREN, ITEMS_TOTAL, ITEMS_SUB, REVENUE_ITEMS, EXPENDITURE_ITEMS,
    CARRYOVER_ITEMS, REVENUE_GRAND, EXPENDITURE_GRAND, BALANCE, CROSS_REVENUE_TOTAL, CROSS_EXPENDITURE_TOTAL,
    CROSS_REVENUE_ITEMS, CROSS_REVENUE_SOURCES, CROSS_FUNCTIONS, CROSS_FISCAL_GPB, CROSS_SUBJECTS,
    CROSS_GPB_SUBJECTS, CROSS_PROJECT_TOTAL, CROSS_BASIC_ECONOMIC, CARD_PROJECT_SOURCES, CARD_PROJECT_VS_TABLE,
    CARD_DEPT_SOURCES, CARD_DEPT_DIRECTIONS, CARD_DEPT_VS_TABLES,
)


def check_document(doc: DisclosureDocument, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """Run every identity on ``doc``. A rule that found nothing to check anywhere gets one skipped result."""
    out: list[CheckResult] = []
    for table in doc.tables:
        for rule in TABLE_RULES:
            out += rule(table, tolerance)
    for doc_rule in DOCUMENT_RULES:
        out += doc_rule(doc, tolerance)
    seen = {r.rule_id for r in out}
    out += [skipped(rule_id, "no table or card this rule applies to") for rule_id in RULES if rule_id not in seen]
    return out


def summarize(results: Iterable[CheckResult]) -> dict[str, Counter]:
    """Counts of passed/failed/skipped per rule id."""
    out: dict[str, Counter] = {}
    for r in results:
        out.setdefault(r.rule_id, Counter())[r.status] += 1
    return out
