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
* A rule that has nothing to check in a document (no such table, no such columns, an empty table,
  a table without the rows it compares, such as 类 rows) yields ``skipped`` results that say why,
  so that a report lists every rule.
* Item lists nest by their printed numbering (一、 > （一） > 1. > (1) > ①; unnumbered lines are
  outermost, "其中：" lines belong to the line above) and by the item column (group | item): only the
  outermost lines add up to a total, each breakdown adds up to its line (:func:`_outline`).
* 上年结转 is counted in or left out as each table's own header and title say: a 收入总表 合计 under
  本年收入 leaves its separate 上年结转 column out, a table "（不含上年结转）" leaves it out, a
  财政拨款收支总表 and the department card spend it; the 结转 added back comes from the printed
  上年财政拨款结转 breakdown (by source) and the 上年结转 project table (by category).
* Narrative figures (:func:`check_narrative`) are compared with the table cells the text was written
  from, by label and by the section they are printed in; amounts in the figure's unit (万元 text over
  元 tables admits half the figure's last digit), shares recomputed from the tables and rounded as
  printed. A label no table states is skipped.

The only names known here are the standard printed labels (合计, 本年收入合计, 收入总计, 上年结转 …)
and their common variants; everything else comes from the canonical columns of the schema. Each rule
family is one small function; :mod:`budgetdoc.checks.rules` is the rulebook that describes every rule
(id, family, 说明/description, tolerance) and says which rules each table type gets, and
:func:`check_document` runs it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

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
    "DEFAULT_TOLERANCE",
    "RULES",
    "check_basic_plus_project",
    "check_basic_vs_economic",
    "check_cross_tables",
    "check_department_card",
    "check_document",
    "check_economic_tree",
    "check_item_list",
    "check_narrative",
    "check_personnel_plus_public",
    "check_project_cards",
    "check_project_table_total",
    "check_project_tree",
    "check_sources_sum",
    "check_subject_tree",
    "check_three_public_columns",
    "check_two_sided",
    "summarize",
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
NARRATIVE_FIGURES = "narrative.figures_match_tables"

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
THREE_PUBLIC_TABLES = (TableType.three_public_expenses, TableType.three_public_and_agency_operating,
                       TableType.final_three_public_expenses)

# printed labels (compared after normalize() and dropping an enumeration prefix) ------------------
#: This year's subtotal of a 收支总表 side (本年收入合计, Jiangsu's 当年收入小计 …).
CURRENT_REVENUE_TOTAL = frozenset({"本年收入合计", "本年收入小计", "当年收入合计", "当年收入小计", "本年收入", "收入小计"})
CURRENT_EXPENDITURE_TOTAL = frozenset({"本年支出合计", "本年支出小计", "当年支出合计", "当年支出小计", "本年支出",
                                       "支出小计"})
#: The grand total of a side (this year's money plus 上年结转 …).
REVENUE_GRAND_TOTAL = frozenset({"收入总计", "收入总合计"})
EXPENDITURE_GRAND_TOTAL = frozenset({"支出总计", "支出总合计"})
#: "收入合计" is this year's total where no subtotal line is printed above it, and the grand total
#: where one is (Jiangsu: 当年收入小计, 上年结转资金, 收入合计).
REVENUE_TOTAL_EITHER = frozenset({"收入合计"})
EXPENDITURE_TOTAL_EITHER = frozenset({"支出合计"})
_CURRENT = {"revenue": CURRENT_REVENUE_TOTAL, "expenditure": CURRENT_EXPENDITURE_TOTAL}
_GRAND = {"revenue": REVENUE_GRAND_TOTAL, "expenditure": EXPENDITURE_GRAND_TOTAL}
_EITHER = {"revenue": REVENUE_TOTAL_EITHER, "expenditure": EXPENDITURE_TOTAL_EITHER}
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
#: A line that *starts* with this is the 财政拨款 subtotal ("一、财政拨款", "财政拨款收入"); inside a
#: label it is not ("公共财政拨款（补助）资金", "上年财政拨款结转").
FISCAL_PREFIX = "财政拨款"
#: Expenditure lines by use (支出用途), not function categories (功能分类).
USE_LABELS = frozenset({"基本支出", "项目支出", "单位预留机动经费", "预留机动经费", "事业单位经营支出", "上缴上级支出",
                        "对附属单位补助支出", "结转下年资金", "年终结转", "年末结转和结余"})
#: Columns that are a funding source (or a part of a total) rather than a use of the money.
SOURCE_COLUMNS = frozenset({
    Column.general_public_budget, Column.government_fund, Column.state_capital, Column.special_account,
    Column.unit_funds, Column.fiscal_appropriation, Column.business_income, Column.operating_income,
    Column.other_income, Column.current_year, Column.carryover,
})
FISCAL_PARTS = frozenset({Column.general_public_budget, Column.government_fund, Column.state_capital})

#: Circled numbers (① ❶ ➀ ⓵ ㉑ …): NFKC turns ① into a bare "1", so they are read before normalize().
_CIRCLED = frozenset(chr(c) for c in (*range(0x2460, 0x2474), 0x24EA, *range(0x24F5, 0x24FF),
                                       *range(0x2776, 0x2794), *range(0x3251, 0x3260), *range(0x32B1, 0x32C0)))
_CN_NUM = "一二三四五六七八九十百零〇"
#: Numbering styles, outermost first: 一、 > （一） > 1. > (1) > ① (normalised text; ① is rank 4).
_RANKED: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(rf"^[{_CN_NUM}]+[、.,]"), 0),
    (re.compile(rf"^\([{_CN_NUM}]+\)"), 1),
    (re.compile(r"^\d+[、.,](?!\d)"), 2),
    (re.compile(r"^(?:\(\d+\)|\d+\))"), 3),
)
_CIRCLED_RANK = 4
_ENUM_RE = re.compile(rf"^(?:[{_CN_NUM}]+[、.,]|\([{_CN_NUM}\d]+\)|\d+[、.,](?!\d)|\d+\))")
_QIZHONG_RE = re.compile(r"^其中[:：]?")

Refd = tuple[Decimal | None, CellRef]


# ==================================================================================================
# small helpers
# ==================================================================================================

#: Lookups memoised for the length of one :func:`check_document` run (the document is not changed
#: while its checks run); outside a run every lookup is computed afresh. Only structure is memoised
#: (cells by position, columns, item outlines, which line is a total), never an amount: a caller that
#: changes amounts only may hold one cache over several runs (:mod:`budgetdoc.checks.coverage` does).
_RUN_CACHE: ContextVar[dict | None] = ContextVar("budgetdoc_checks_run_cache", default=None)


@contextmanager
def run_cache() -> Iterator[None]:
    """Memoise table lookups (cells by grid position, columns) while the document stays unchanged."""
    token = _RUN_CACHE.set({}) if _RUN_CACHE.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _RUN_CACHE.reset(token)


def _cached(key: tuple, compute: Callable[[], object]):
    cache = _RUN_CACHE.get()
    if cache is None:
        return compute()
    try:
        return cache[key]
    except KeyError:
        value = cache[key] = compute()
        return value


def _structural(key: Callable[..., tuple]) -> Callable[[Callable], Callable]:
    """Memoise a lookup that reads only a table's structure (labels, columns, rows, cell positions),
    never an amount, for the length of a run (:func:`run_cache`)."""
    def wrap(fn: Callable) -> Callable:
        name = fn.__name__

        def cached(*args):
            cache = _RUN_CACHE.get()
            if cache is None:
                return fn(*args)
            k = (name, *key(*args))
            try:
                return cache[k]
            except KeyError:
                value = cache[k] = fn(*args)
                return value
        cached.__doc__, cached.__name__, cached.__wrapped__ = fn.__doc__, name, fn  # type: ignore[attr-defined]
        return cached
    return wrap


def _ids(rows: Sequence) -> tuple[int, ...]:
    return tuple(map(id, rows))


def _cell_index(table: Table) -> dict[tuple[int, int], object]:
    """Grid position -> the cell covering it (spans expanded)."""
    def build() -> dict[tuple[int, int], object]:
        out: dict[tuple[int, int], object] = {}
        for c in table.cells:
            for r in range(c.row, c.row + c.row_span):
                for k in range(c.col, c.col + c.col_span):
                    out.setdefault((r, k), c)
        return out
    return _cached(("cells", id(table)), build)



@lru_cache(maxsize=1 << 16)
def _label(text: str) -> str:
    """A printed label without spaces, width variants, a "其中：" and an enumeration prefix:
    "一、外交支出" -> "外交支出", "①公务用车购置费" -> "公务用车购置费"."""
    raw = (text or "").strip()
    if raw[:1] in _CIRCLED:
        raw = raw[1:]
    return _ENUM_RE.sub("", _QIZHONG_RE.sub("", normalize(raw)))


@lru_cache(maxsize=1 << 16)
def _is_qizhong(text: str) -> bool:
    return bool(_QIZHONG_RE.match(normalize(text)))


@lru_cache(maxsize=1 << 16)
def _enum_rank(text: str) -> int | None:
    """How deep the printed numbering of a label is: 一、 0, （一） 1, 1. 2, (1) 3, ① 4; None if unnumbered."""
    raw = (text or "").strip()
    if raw[:1] in _CIRCLED:
        return _CIRCLED_RANK
    s = normalize(raw)
    return next((rank for pattern, rank in _RANKED if pattern.match(s)), None)


_FIRST_NUMBER_RE = re.compile(r"^\(?(?:一|0*1)(?![\d一二三四五六七八九十])")


@lru_cache(maxsize=1 << 16)
def _numbered_first(text: str) -> bool:
    """Whether a numbered label carries the first number of its style (一、 （一） 1. (1) ①)."""
    raw = (text or "").strip()
    if raw[:1] in _CIRCLED:
        return raw[:1] == "①"
    return bool(_FIRST_NUMBER_RE.match(normalize(raw)))


def _outline(rows: Sequence[ItemRow], depths: Sequence[int] | None = None) -> list[int | None]:
    """The parent (an index into ``rows``) of each printed line, read from the numbering, or None.

    A line belongs to the nearest line above it that is numbered in an outer style ("1.一般公共预算"
    under "一、财政拨款", "①公务用车购置费" under the unnumbered "公务用车购置及运行费"); unnumbered
    lines are outermost; "其中：" lines belong to the line above them. A list numbered in one style
    only ("1. …", "2. …") is a flat list. ``depths`` (the item column a line is printed in, when a
    label spans two columns: group | item) nests before the numbering does.

    A breakdown starts at the first number of its style: an unnumbered line followed by "二、…" is
    "一、" with its number lost (OCR drops it), so it takes the list's rank instead of heading it.
    """
    parents: list[int | None] = []
    stack: list[tuple[float, int]] = []
    has_kids: set[int] = set()
    prev_rank, prev_q = -1.0, False
    for i, r in enumerate(rows):
        q = _is_qizhong(r.label)
        if q:
            rank = prev_rank if prev_q else prev_rank + 0.5
        else:
            e = _enum_rank(r.label)
            rank = (-1.0 if e is None else float(e)) + 100 * (depths[i] if depths else 0)
            top = stack[-1] if stack else None
            if (e is not None and top is not None and top[0] < rank and top[1] == i - 1 and top[1] not in has_kids
                    and _enum_rank(rows[top[1]].label) is None and not _is_qizhong(rows[top[1]].label)
                    and not _numbered_first(r.label)):
                stack[-1] = (rank, top[1])  # the line above lost its number: a sibling, not a parent
        while stack and stack[-1][0] >= rank:
            stack.pop()
        parents.append(stack[-1][1] if stack else None)
        if stack:
            has_kids.add(stack[-1][1])
        stack.append((rank, i))
        prev_rank, prev_q = rank, q
    return parents


@_structural(lambda table, row: (id(table), id(row)))
def _item_depth(table: Table, row: ItemRow) -> int:
    """0 for a line in the first of adjacent item columns (项目名称 over group | item), 1 in the next …;
    item columns with an amount column between them are separate lists, each at depth 0."""
    k = _item_col(table, row)
    if k is None:
        return 0
    roles = {c.index: c.role for c in table.columns}
    depth = 0
    while roles.get(k - 1 - depth) == "item":
        depth += 1
    return depth


@_structural(lambda rows, table=None: (_ids(rows), id(table)))
def _tree(rows: Sequence[ItemRow], table: Table | None = None
          ) -> tuple[list[ItemRow], list[tuple[ItemRow, list[ItemRow]]]]:
    """The outermost lines, and each line that has a breakdown with its direct sub-lines.

    A lone "其中：" line is part of its parent, not a breakdown of it, and is left out of the second list.
    """
    parents = _outline(rows, [_item_depth(table, r) for r in rows] if table is not None else None)
    kids: dict[int, list[int]] = {}
    for i, p in enumerate(parents):
        if p is not None:
            kids.setdefault(p, []).append(i)
    tops = [r for r, p in zip(rows, parents) if p is None]
    subs = [(rows[p], [rows[k] for k in ks]) for p, ks in kids.items()
            if not (len(ks) == 1 and _is_qizhong(rows[ks[0]].label))]
    return tops, subs


def _is_carry(label: str) -> bool:
    name = _label(label)
    return "结转" in name or "结余" in name


def _header_path(table: Table, index: int) -> list[str]:
    spec = next((c for c in table.columns if c.index == index), None)
    return [h for h in (spec.header if spec else []) if not normalize(h).isdigit()]


def col_index(table: Table, column: Column, side: str | None = None) -> int | None:
    """Grid column that holds ``column`` (on ``side`` for two-sided tables; an unsided column serves
    either side of a one-sided table), or None."""
    cache = _RUN_CACHE.get()
    if cache is not None:
        key = ("col", id(table), column, side)
        if key not in cache:
            cache[key] = _col_index(table, column, side)
        return cache[key]
    return _col_index(table, column, side)


def _col_index(table: Table, column: Column, side: str | None) -> int | None:
    found = next((c.index for c in table.columns if c.column == column and (side is None or c.side == side)), None)
    if found is None and side is not None:
        found = next((c.index for c in table.columns if c.column == column and c.side is None), None)
    return found


def _ref(table: Table, row, column: Column, side: str | None = None) -> CellRef:
    """The reference of a typed amount. Within a run the results that name one cell share its
    :class:`CellRef` (treat results' references as read-only)."""
    side = side or (row.side if isinstance(row, ItemRow) else None)
    col = col_index(table, column, side)
    cache = _RUN_CACHE.get()
    if cache is None:
        return CellRef(table_id=table.id, row=row.grid_row, col=col)
    key = ("ref", table.id, row.grid_row, col)
    ref = cache.get(key)
    if ref is None:
        ref = cache[key] = CellRef(table_id=table.id, row=row.grid_row, col=col)
    return ref


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
        found=found[0], cells=cells, terms=[found[0], *(p[0] for p in parts)], tolerance=tolerance,
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
    """The table's 合计 row: an is_total subject/economic/project row, or an is_total item of a table
    that is not two-sided (unsided items, or items all on one side like Jiangsu's 收入/支出预算总表)."""
    sides = {r.side for r in table.rows if isinstance(r, ItemRow)}
    for r in table.rows:
        if isinstance(r, (SubjectRow, EconomicRow)) and r.is_total:
            return r
        if isinstance(r, ProjectRow) and r.level == "total":
            return r
        if isinstance(r, ItemRow) and r.is_total and (r.side is None or len(sides) == 1):
            return r
    return None


@_structural(lambda table, side: (id(table), side))
def _side_rows(table: Table, side: str) -> list[ItemRow]:
    return sorted((r for r in table.rows if isinstance(r, ItemRow) and r.side == side), key=lambda r: r.grid_row)


def _find(rows: Sequence[ItemRow], labels: frozenset[str]) -> int | None:
    return next((i for i, r in enumerate(rows) if _label(r.label) in labels), None)


@_structural(lambda rows, side: (_ids(rows), side))
def _total_lines(rows: Sequence[ItemRow], side: str) -> tuple[int | None, int | None]:
    """Indexes of a side's 本年合计 line (this year's money) and its 总计 line (with 上年结转 …).

    "收入合计" is the 本年合计 unless a subtotal (当年收入小计) is printed above it, then it is the
    总计. A 总计 with nothing but this year's items above it (no 结转 lines, as in Shanghai's 本年收入
    tables) is the 本年合计 too.
    """
    cur, grand, either = _find(rows, _CURRENT[side]), _find(rows, _GRAND[side]), _find(rows, _EITHER[side])
    if either is not None:
        if cur is None and (grand is None or either < grand):
            cur = either
        elif grand is None and cur is not None and either > cur:
            grand = either
    if cur is None and grand and not any(_is_carry(r.label) for r in rows[:grand]):
        cur = grand
    return cur, grand


def _current_line(table: Table, side: str) -> ItemRow | None:
    rows = _side_rows(table, side)
    cur = _total_lines(rows, side)[0]
    return rows[cur] if cur is not None else None


def _grand_line(table: Table, side: str) -> ItemRow | None:
    """The 总计 line, or the 本年合计 line where it is the side's last total (nothing carried over)."""
    rows = _side_rows(table, side)
    cur, grand = _total_lines(rows, side)
    if grand is not None:
        return rows[grand]
    if cur is not None and not any(r.is_total or _is_carry(r.label) for r in rows[cur + 1:]):
        return rows[cur]
    return None


@_structural(lambda table, side: (id(table), side))
def _lines_above(table: Table, side: str) -> list[ItemRow]:
    """Every line of a side above its 本年合计 (items and sub-items), in print order."""
    rows = _side_rows(table, side)
    cur = _total_lines(rows, side)[0]
    return [r for r in rows[:cur] if not r.is_total] if cur is not None else []


def _main_col(table: Table, side: str | None) -> Column:
    """A side's amount column: 合计 where printed, else its first amount column (财政拨款收入 / 预算数)."""
    cols = _side_columns(table, side)
    return Column.total if Column.total in cols or not cols else cols[0]


@_structural(lambda table, row: (id(table), id(row)))
def _item_col(table: Table, row: ItemRow) -> int | None:
    """The item column a line is printed in (a side can have two: 功能分类 | 支出用途)."""
    want = normalize(row.label)
    cells = _cell_index(table)
    for spec in table.columns:
        if spec.role == "item" and spec.side in (row.side, None):
            cell = cells.get((row.grid_row, spec.index))
            if cell is not None and normalize(cell.text) == want:
                return spec.index
    return None


def _item_header(table: Table, row: ItemRow) -> list[str]:
    k = _item_col(table, row)
    return next((c.header for c in table.columns if c.index == k), []) if k is not None else []


def _listed_amount(table: Table, row: ItemRow, item_col: int) -> Refd:
    """The amount printed right of a line's item column. A 支出用途 list under one 金额 header keys its
    lines' amounts by use (基本支出 / 项目支出), so a column without a canonical name takes the line's
    only amount."""
    spec = next((c for c in sorted(table.columns, key=lambda c: c.index)
                  if c.index > item_col and c.role == "amount" and c.side in (row.side, None)), None)
    if spec is None:
        return None, CellRef(table_id=table.id, row=row.grid_row)
    if spec.column is not None:
        value = row.amounts.get(spec.column)
    else:
        values = list(row.amounts.values())
        value = values[0] if len(values) == 1 else None
    return value, CellRef(table_id=table.id, row=row.grid_row, col=spec.index)


@_structural(lambda table, row: (id(table), id(row)))
def _is_function_line(table: Table, row: ItemRow) -> bool:
    """An expenditure line that is a function category (一般公共服务支出), not a use (基本支出)."""
    head = normalize("".join(_item_header(table, row)))
    if "用途" in head or "经济" in head:
        return False
    if "功能" in head:
        return True
    return _label(row.label) not in USE_LABELS


def _excludes_carryover(table: Table) -> bool:
    """The table says it leaves 上年结转 out: "（不含上年结转）" in its title or a header."""
    texts = [table.title or "", *(h for c in table.columns for h in c.header)]
    return any("不含" in t and "结转" in t for t in map(normalize, texts))


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
    """Function-classification tables: 项 rows sum to their 款, 款 to their 类, top-level rows to 合计.

    A table that states it has no data (本表无数据) has no subjects: a 合计 it prints is 0."""
    rows = [r for r in table.rows if isinstance(r, SubjectRow)]
    if not rows:
        return []
    if table.is_empty:
        total = _total_row(table)
        empty = [identity(SUBJECT_TOP, f"{table.id} 合计 {column.value} = 0 (本表无数据)", _val(table, total, column),
                          [], tolerance) for column in _side_columns(table, None)] if total is not None else []
        return [skipped(SUBJECT_CHILDREN, "table is empty (本表无数据)", table),
                *(r for r in empty if r.status != "skipped")]
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


def _breakdowns(rule_id: str, table: Table, subs: Sequence[tuple[ItemRow, list[ItemRow]]], columns: Sequence[Column],
                tolerance: Decimal, what: str = "sum of its sub-items") -> list[CheckResult]:
    out = []
    for column in columns:
        for item, kids in subs:
            out.append(identity(rule_id, f"{table.id} {item.label} {column.value} = {what}",
                                _val(table, item, column), [_val(table, k, column) for k in kids], tolerance))
    return out


def _two_sided(table: Table) -> bool:
    return {r.side for r in table.rows if isinstance(r, ItemRow)} >= {"revenue", "expenditure"}


def check_item_list(table: Table, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """Item tables that are not two-sided (三公经费, 机关运行经费, Jiangsu's 收入预算总表 …): items sum
    to 合计; sub-items (①②, "1." under "一、", an item column right of a group column) to their item."""
    if _two_sided(table):
        return []
    rows = sorted((r for r in table.rows if isinstance(r, ItemRow)), key=lambda r: r.grid_row)
    if not rows:
        return []
    total = next((r for r in rows if r.is_total), None)
    tops, subs = _tree([r for r in rows if not r.is_total], table)
    if total is None or not tops:
        return [skipped(ITEMS_TOTAL, "no items under the total", table)]
    if table.is_empty:
        return [skipped(ITEMS_TOTAL, "table is empty (本表无数据)", table)]
    out = []
    columns = _side_columns(table, None)
    for column in columns:
        out.append(identity(ITEMS_TOTAL, f"{table.id} {total.label} {column.value} = sum of the items",
                            _val(table, total, column), [_val(table, i, column) for i in tops], tolerance))
    return out + _breakdowns(ITEMS_SUB, table, subs, columns, tolerance)


def _two_sided_side(table: Table, side: str, items_rule: str, grand_rule: str,
                    tolerance: Decimal) -> list[CheckResult]:
    rows = _side_rows(table, side)
    cur, grand = _total_lines(rows, side)
    columns = _side_columns(table, side)
    if cur is None:
        return [skipped(items_rule, f"no {side} 本年合计 line", table)]
    # a side may list the money twice, in two item columns (Jiangsu: 功能分类 | 支出用途); the list
    # printed in the 本年合计 line's column is the main one, each other list adds up to it as well
    body = [r for r in rows[:cur] if not r.is_total]
    where = [_item_col(table, r) for r in body]
    main = _item_col(table, rows[cur])
    if main is None:
        main = next((k for k in where if k is not None), None)
    items, subs = _tree([r for r, k in zip(body, where) if k is None or k == main], table)
    out = []
    for column in columns:
        out.append(identity(items_rule, f"{table.id} {rows[cur].label} {column.value} = sum of the {side} items",
                            _val(table, rows[cur], column), [_val(table, r, column) for r in items], tolerance))
    out += _breakdowns(ITEMS_SUB, table, subs, columns, tolerance)
    for k in dict.fromkeys(k for k in where if k is not None and k != main):
        listed = _tree([r for r, kk in zip(body, where) if kk == k], table)[0]
        head = "/".join(_header_path(table, k)[:-1])
        out.append(identity(items_rule, f"{table.id} {rows[cur].label} = sum of the {side} lines by {head}",
                            _val(table, rows[cur], _main_col(table, side)),
                            [_listed_amount(table, r, k) for r in listed], tolerance))
    if grand is None or grand < cur:
        return out + [skipped(grand_rule, f"no {side} 总计 line", table)]
    if grand == cur:
        return out + [skipped(grand_rule, f"{rows[cur].label} is both 本年合计 and 总计 (nothing carried over)", table)]
    # lines between 本年合计 and 总计: main lines (上年结转, 年终结转 …) and their numbered breakdown
    mains, parts = _tree(rows[cur + 1:grand], table)
    for column in columns:
        out.append(identity(grand_rule, f"{table.id} {rows[grand].label} {column.value} = "
                            f"{rows[cur].label} + " + " + ".join(m.label for m in mains),
                            _val(table, rows[grand], column),
                            [_val(table, rows[cur], column)] + [_val(table, m, column) for m in mains], tolerance))
    return out + _breakdowns(CARRYOVER_ITEMS, table, parts, columns, tolerance, "sum of its breakdown")


def check_two_sided(table: Table, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """收支总表-style tables: 本年收入合计 = revenue items, 本年支出合计 = expenditure items (sub-items
    such as "1.一般公共预算" under "一、财政拨款" sum to their item), 收入总计 = 本年收入合计 + 上年结转 (…),
    支出总计 = 本年支出合计 + 年终结转 (…), 收入总计 = 支出总计."""
    if not _two_sided(table):
        return []
    if table.is_empty:
        return [skipped(rule, "table is empty (本表无数据)", table) for rule in (REVENUE_ITEMS, EXPENDITURE_ITEMS, BALANCE)]
    out = _two_sided_side(table, "revenue", REVENUE_ITEMS, REVENUE_GRAND, tolerance)
    out += _two_sided_side(table, "expenditure", EXPENDITURE_ITEMS, EXPENDITURE_GRAND, tolerance)
    rev, exp = _grand_line(table, "revenue"), _grand_line(table, "expenditure")
    if rev is None or exp is None:
        out.append(skipped(BALANCE, "no 收入总计/支出总计 lines", table))
    else:
        out.append(identity(BALANCE, f"{table.id} {rev.label} = {exp.label}",
                            _val(table, rev, _main_col(table, "revenue")),
                            [_val(table, exp, _main_col(table, "expenditure"))], tolerance))
    return out


TABLE_RULES: tuple[Callable[[Table, Decimal], list[CheckResult]], ...] = (
    check_subject_tree, check_basic_plus_project, check_personnel_plus_public, check_sources_sum,
    check_three_public_columns, check_economic_tree, check_project_tree, check_item_list, check_two_sided,
)


# ==================================================================================================
# cross-table rules
# ==================================================================================================


@_structural(lambda table: (id(table),))
def _revenue_items(table: Table) -> list[ItemRow]:
    """The outermost revenue lines above 本年收入合计 (not "1.一般公共预算" under "一、财政拨款")."""
    return _tree(_lines_above(table, "revenue"), table)[0]


@_structural(lambda table: (id(table),))
def _expenditure_items(table: Table) -> list[ItemRow]:
    return _tree(_lines_above(table, "expenditure"), table)[0]


def _source_of(label: str) -> Column | None:
    name = _label(label)
    found = next((c for k, c in SOURCE_KEYWORDS if k in name), None)
    return found or (Column.fiscal_appropriation if name.startswith(FISCAL_PREFIX) else None)


def _eq(rule_id: str, desc: str, a: tuple[Table, object, Column], b: tuple[Table, object, Column],
        tolerance: Decimal) -> CheckResult:
    return identity(rule_id, desc, _val(*a), [_val(*b)], tolerance)


@_structural(lambda table: (id(table),))
def _carry_lines(table: Table | None) -> tuple[list[ItemRow], dict[Column, ItemRow]]:
    """A 收支总表's 上年结转 lines (between 本年收入合计 and 收入总计) and their breakdown by source
    (上年财政拨款结转: 一、一般公共预算 …)."""
    if not _usable(table):
        return [], {}
    rows = _side_rows(table, "revenue")
    cur, grand = _total_lines(rows, "revenue")
    if cur is None or grand is None or grand <= cur:
        return [], {}
    mains, subs = _tree(rows[cur + 1:grand], table)
    carry = [m for m in mains if _is_carry(m.label)]
    by_source: dict[Column, ItemRow] = {}
    for parent, kids in subs:
        if parent in carry:
            for k in kids:
                if (col := _source_of(k.label)) is not None:
                    by_source.setdefault(col, k)
    return carry, by_source


def _revenue_source(table: Table, total, column: Column) -> Refd | None:
    """A funding source's amount in a 收入总表: its column in the 合计 row, or its line (Jiangsu's
    收入预算总表 lists 一般公共预算资金, 政府性基金 … as rows)."""
    if column in total.amounts:
        return _val(table, total, column)
    if isinstance(total, ItemRow):
        row = next((r for r in table.rows if isinstance(r, ItemRow) and not r.is_total
                    and _source_of(r.label) == column), None)
        if row is not None:
            return _val(table, row, _main_col(table, row.side))
    return None


def _revenue_carry(table: Table, total) -> Refd | None:
    """A 收入总表's 上年结转: the 合计 row's 上年结转 column, or its 上年结转 line."""
    if Column.carryover in total.amounts:
        return _val(table, total, Column.carryover)
    if isinstance(total, ItemRow):
        rows = [r for r in table.rows if isinstance(r, ItemRow) and not r.is_total]
        row = next((r for r in _tree(rows, table)[0] if _is_carry(r.label)), None)
        if row is not None:
            return _val(table, row, _main_col(table, row.side))
    return None


def _carryover_outside_total(table: Table) -> bool:
    """The 合计 column leaves the 上年结转 column out (本年收入: 合计 | 一般公共预算 … | 上年结转)."""
    if col_index(table, Column.carryover) is None:
        return False
    found = source_columns(table)
    return found is not None and Column.carryover not in found[1]


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
        col = _main_col(summary, "revenue")
        tot = _total_row(revenue)
        # a 收入总表 whose total line is 收入总计 (Jiangsu) includes 上年结转; a 合计 under 本年收入 does not
        grand = isinstance(tot, ItemRow) and _label(tot.label) in REVENUE_GRAND_TOTAL
        line = _grand_line(summary, "revenue") if grand else _current_line(summary, "revenue")
        if line is None or tot is None or Column.total not in tot.amounts:
            out.append(skipped(CROSS_REVENUE_TOTAL, "no 本年收入合计 or 合计 row", revenue))
        else:
            out.append(_eq(CROSS_REVENUE_TOTAL, f"{summary.id} {line.label} = {revenue.id} {_row_name(tot)}",
                           (summary, line, col), (revenue, tot, Column.total), tolerance))
            theirs = _revenue_carry(revenue, tot)
            for carry in _carry_lines(summary)[0][:1]:
                if theirs is not None:
                    out.append(identity(CROSS_REVENUE_TOTAL, f"{summary.id} {carry.label} = {revenue.id} 上年结转",
                                        _val(summary, carry, col), [theirs], tolerance))
            # each funding-source line of 收支总表 = that source in 收入总表 (合计 row column or line)
            for item in _lines_above(summary, "revenue"):
                source = _source_of(item.label)
                other = _revenue_source(revenue, tot, source) if source is not None else None
                if other is not None:
                    out.append(identity(CROSS_REVENUE_SOURCES,
                                        f"{summary.id} {item.label} = {revenue.id} {source.value}",
                                        _val(summary, item, col), [other], tolerance))

    # 收支总表 本年支出合计 = 支出总表 合计; 收支总表 function categories = 支出总表 类 rows
    miss = _empty_or_missing(CROSS_EXPENDITURE_TOTAL, [summary, expenditure], "收支总表 or 支出总表")
    if miss:
        out += miss
    else:
        col = _main_col(summary, "expenditure")
        tot = _total_row(expenditure)
        # a 支出总表 that prints 结转下年资金 next to its 合计 counts it in (= 支出合计, the grand total)
        later = tot is not None and Column.year_end_carryover in tot.amounts
        line = (_grand_line(summary, "expenditure") if later else None) or _current_line(summary, "expenditure")
        if line is None or tot is None:
            out.append(skipped(CROSS_EXPENDITURE_TOTAL, "no 本年支出合计 or 合计 row", expenditure))
        else:
            out.append(_eq(CROSS_EXPENDITURE_TOTAL, f"{summary.id} {line.label} = {expenditure.id} 合计",
                           (summary, line, col), (expenditure, tot, Column.total), tolerance))
        out += _function_categories(summary, col, expenditure, Column.total, CROSS_FUNCTIONS, tolerance)

    # 收支总表 and 财政拨款收支总表: the fiscal funding-source lines agree (a 财政拨款 line = the
    # 财政拨款收支总表's 本年收入合计)
    miss = _empty_or_missing(CROSS_REVENUE_ITEMS, [summary, fiscal], "收支总表 or 财政拨款收支总表")
    if miss:
        out += miss
    else:
        theirs: dict[Column, ItemRow] = {}
        for r in _lines_above(fiscal, "revenue"):
            if (source := _source_of(r.label)) is not None:
                theirs.setdefault(source, r)
        fiscal_cur = _current_line(fiscal, "revenue")
        if fiscal_cur is not None:
            theirs.setdefault(Column.fiscal_appropriation, fiscal_cur)
        for item in _lines_above(summary, "revenue"):
            other = theirs.get(_source_of(item.label))
            if other is not None:
                out.append(_eq(CROSS_REVENUE_ITEMS, f"{summary.id} {item.label} = {fiscal.id} {other.label}",
                               (summary, item, _main_col(summary, "revenue")),
                               (fiscal, other, _main_col(fiscal, "revenue")), tolerance))

    miss = _empty_or_missing(CROSS_FISCAL_GPB, [fiscal, gpb], "财政拨款收支总表 or 一般公共预算支出表")
    out += miss if miss else _fiscal_vs_gpb(doc, fiscal, gpb, tolerance)

    # subject rows: 收入总表 = 支出总表 by code (total, plus 上年结转 where 合计 leaves it out);
    # 收入总表 一般公共预算 = 一般公共预算支出表 by code
    rev_cols = [Column.total]
    if _usable(revenue) and _carryover_outside_total(revenue):
        rev_cols.append(Column.carryover)
    out += _subjects_agree(revenue, rev_cols, expenditure, Column.total, CROSS_SUBJECTS, tolerance)
    out += _subjects_agree(revenue, [Column.general_public_budget], gpb, Column.total, CROSS_GPB_SUBJECTS, tolerance)
    return out


def _fiscal_vs_gpb(doc: DisclosureDocument, fiscal: Table, gpb: Table, tolerance: Decimal) -> list[CheckResult]:
    """财政拨款收支总表 一般公共预算 = 一般公共预算支出表 (合计 and 类 rows).

    The 财政拨款收支总表 spends 上年财政拨款结转 too; a 一般公共预算支出表 "（不含上年结转）" does not, so
    its 合计 plus the 一般公共预算 结转 is compared. Where the 支出 side has no 一般公共预算 column (it
    lists uses, 基本支出/项目支出, and includes 政府性基金), the 收入 line 一、一般公共预算 is compared.
    """
    out: list[CheckResult] = []
    tot = _total_row(gpb)
    if tot is None:
        return [skipped(CROSS_FISCAL_GPB, "一般公共预算支出表 has no 合计 row", gpb)]
    excludes = _excludes_carryover(gpb)
    carry, by_source = _carry_lines(fiscal)
    rcol = _main_col(fiscal, "revenue")
    carried = _sum(r.amounts.get(rcol) for r in carry)
    gpb_carry = by_source.get(Column.general_public_budget)
    carry_part = [_val(fiscal, gpb_carry, rcol)] if gpb_carry is not None else []
    by_column = col_index(fiscal, Column.general_public_budget, "expenditure") is not None
    # the 一般公共预算 结转 is needed where one side counts it and the other does not
    if carried and gpb_carry is None and excludes == by_column:
        return [skipped(CROSS_FISCAL_GPB, "上年财政拨款结转 is not broken down by source", fiscal)]
    g = (gpb, tot, Column.total)

    if by_column:
        col = Column.general_public_budget
        cur = _current_line(fiscal, "expenditure")
        if cur is not None:
            out.append(identity(CROSS_FISCAL_GPB, f"{fiscal.id} {cur.label} {col.value} = {gpb.id} 合计"
                                + (" + 上年结转" if excludes and carry_part else ""),
                                _val(fiscal, cur, col), [_val(*g)] + (carry_part if excludes else []), tolerance))
        gpb_carry_value = gpb_carry.amounts.get(rcol) if gpb_carry is not None else None
        by_category: dict[str, list[Refd]] = {}
        if excludes and gpb_carry_value:
            found = _gpb_carry_by_category(doc, gpb_carry_value, tolerance)
            if found is None:
                return out + [skipped(CROSS_FISCAL_GPB, "上年结转 is not broken down by category", fiscal)]
            by_category = found
        return out + _function_categories(fiscal, col, gpb, Column.total, CROSS_FISCAL_GPB, tolerance, by_category)

    # no 一般公共预算 column on the 支出 side: this year's 一般公共预算 income = the table
    line = next((r for r in _lines_above(fiscal, "revenue")
                 if _source_of(r.label) == Column.general_public_budget), None)
    if line is None:
        return [skipped(CROSS_FISCAL_GPB, "no 一般公共预算 column or line", fiscal)]
    if excludes or not carry_part:
        out.append(identity(CROSS_FISCAL_GPB, f"{fiscal.id} {line.label} = {gpb.id} 合计",
                            _val(fiscal, line, rcol), [_val(*g)], tolerance))
    else:
        out.append(identity(CROSS_FISCAL_GPB, f"{gpb.id} 合计 = {fiscal.id} {line.label} + 上年结转",
                            _val(*g), [_val(fiscal, line, rcol)] + carry_part, tolerance))
    return out + [skipped(CROSS_FISCAL_GPB, f"{fiscal.id} has no 一般公共预算 column by category", fiscal)]


def _lei_names(doc: DisclosureDocument) -> dict[str, str]:
    """类 code -> name, from every function-classification table of the document."""
    out: dict[str, str] = {}
    for t in doc.tables:
        for r in t.rows:
            if isinstance(r, SubjectRow) and r.subject_code and r.subject_level == SubjectLevel.lei:
                out.setdefault(r.subject_code, _label(r.subject_name))
    return out


def _gpb_carry_by_category(doc: DisclosureDocument, amount: Decimal,
                           tolerance: Decimal) -> dict[str, list[Refd]] | None:
    """The 一般公共预算 上年结转 (``amount``) by function category (keyed by the 类 name), or None.

    From the 上年结转 project table (its 一般公共预算 column, by the projects' subject codes) when its
    projects account for all of ``amount``; else from the 收支总表's 上年结转安排 column when all the
    上年结转 is 一般公共预算.
    """
    names = _lei_names(doc)
    for t in _tables(doc, (TableType.project_expenditure_carryover,)):
        if not _usable(t) or col_index(t, Column.general_public_budget) is None:
            continue
        projects = [r for r in t.rows if isinstance(r, ProjectRow) and r.level == "project"]
        if abs(_sum(r.amounts.get(Column.general_public_budget) for r in projects) - amount) > tolerance:
            continue
        out: dict[str, list[Refd]] = {}
        for r in projects:
            if r.amounts.get(Column.general_public_budget):
                name = names.get((r.subject_code or "")[:3])
                if name is None:
                    break
                out.setdefault(name, []).append(_val(t, r, Column.general_public_budget))
        else:
            return out
    summary = _first(doc, REVENUE_EXPENDITURE_SUMMARY)
    if _usable(summary) and col_index(summary, Column.carryover, "expenditure") is not None:
        cur = _current_line(summary, "expenditure")
        if cur is not None and abs((cur.amounts.get(Column.carryover) or ZERO) - amount) <= tolerance:
            return {_label(r.label): [_val(summary, r, Column.carryover)] for r in _expenditure_items(summary)
                    if r.amounts.get(Column.carryover)}
    return None


def _function_categories(summary: Table, column: Column, table: Table, table_column: Column, rule_id: str,
                         tolerance: Decimal, extra: dict[str, list[Refd]] | None = None) -> list[CheckResult]:
    """Expenditure lines of a 收支总表 (一、一般公共服务支出 …) = the 类 rows of a function table
    (plus ``extra`` amounts by category, e.g. the 上年结转 a "不含上年结转" table leaves out).

    Skipped when the function table prints no 类 rows (Jiangsu's one-row 支出预算总表) or the 收支总表
    lists uses (基本支出, 项目支出) rather than function categories.
    """
    lei = {_label(r.subject_name): r for r in table.rows
           if isinstance(r, SubjectRow) and r.subject_level == SubjectLevel.lei}
    if not lei:
        return [skipped(rule_id, f"{table.id} has no 类 rows", table)]
    items = [r for r in _expenditure_items(summary) if _is_function_line(summary, r)]
    if not items:
        return [skipped(rule_id, f"{summary.id} lists no function categories", summary)]
    extra = extra or {}
    out = []
    for item in items:
        name = _label(item.label)
        row = lei.get(name)
        more = extra.get(name, [])
        if row is not None:
            out.append(identity(rule_id, f"{summary.id} {item.label} {column.value} = {table.id} {row.subject_code}"
                                + (" + 上年结转" if more else ""),
                                _val(summary, item, column), [_val(table, row, table_column), *more], tolerance))
        elif item.amounts.get(column):
            out.append(identity(rule_id, f"{summary.id} {item.label}: no {table.id} row",
                                _val(summary, item, column), [(None, CellRef(table_id=table.id)), *more], tolerance))
    return out


def _subjects_agree(a: Table | None, a_cols: Sequence[Column], b: Table | None, b_col: Column, rule_id: str,
                    tolerance: Decimal) -> list[CheckResult]:
    """Subject rows of two tables agree by code: ``a``'s columns (summed) = ``b``'s column.

    With one column the ``a`` cell is the checked one; with several (合计 + 上年结转) the ``b`` cell is.
    """
    miss = _empty_or_missing(rule_id, [a, b], "function-classification")
    if miss:
        return miss
    rows_a = {r.subject_code: r for r in a.rows if isinstance(r, SubjectRow) and r.subject_code}
    rows_b = {r.subject_code: r for r in b.rows if isinstance(r, SubjectRow) and r.subject_code}
    if not rows_a or not rows_b or not any(a_cols[0] in r.amounts for r in rows_a.values()):
        return [skipped(rule_id, "no subject rows with that column on both sides", a)]
    what_a = " + ".join(c.value for c in a_cols)
    out = []
    for code in sorted(set(rows_a) | set(rows_b)):
        ra, rb = rows_a.get(code), rows_b.get(code)
        mine = [_val(a, ra, c) for c in a_cols] if ra else [(None, CellRef(table_id=a.id))]
        other = _val(b, rb, b_col) if rb else (None, CellRef(table_id=b.id))
        if len(a_cols) == 1:
            out.append(identity(rule_id, f"{code}: {a.id} {what_a} = {b.id} {b_col.value}", mine[0], [other],
                                tolerance))
        else:
            out.append(identity(rule_id, f"{code}: {b.id} {b_col.value} = {a.id} {what_a}", other, mine, tolerance))
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


def _basic_source(doc: DisclosureDocument, economic: Table) -> tuple[Table, object, Column] | None:
    """Where the 基本支出 an economic table breaks down is printed, for the same funds.

    A 一般公共预算 economic table: the 一般公共预算支出表's 合计 基本支出 (the 支出总表's where the document
    has no 一般公共预算支出表). A 财政拨款 one: the 财政拨款收支总表's 基本支出 line (支出用途), else the
    一般公共预算支出表's 合计 基本支出.
    """
    gpb = _first(doc, GPB_EXPENDITURE)
    if economic.table_type == TableType.fiscal_appropriation_basic_economic:
        fiscal = _first(doc, FISCAL_SUMMARY)
        if _usable(fiscal):
            line = next((r for r in _side_rows(fiscal, "expenditure")
                         if _label(r.label) == "基本支出" and not _is_function_line(fiscal, r)), None)
            if line is not None:
                return fiscal, line, _main_col(fiscal, "expenditure")
    source = gpb if gpb is not None else _first(doc, EXPENDITURE_SUMMARY)
    if not _usable(source):
        return None
    row = _total_row(source)
    if row is None or Column.basic_expenditure not in row.amounts:
        return None
    return source, row, Column.basic_expenditure


def check_basic_vs_economic(doc: DisclosureDocument, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """基本支出 (of the same funds: see :func:`_basic_source`) = each economic table's 合计."""
    economics = _tables(doc, BASIC_ECONOMIC)
    if not economics:
        return [skipped(CROSS_BASIC_ECONOMIC, "no economic table")]
    out = []
    for economic in economics:
        if not _usable(economic):
            out.append(skipped(CROSS_BASIC_ECONOMIC, "table is empty (本表无数据)", economic))
            continue
        total, source = _total_row(economic), _basic_source(doc, economic)
        columns = _side_columns(economic, None)
        if total is None or not columns or source is None:
            out.append(skipped(CROSS_BASIC_ECONOMIC, "no 合计 基本支出 of the same funds", economic))
            continue
        column = Column.total if Column.total in columns else columns[0]
        table, row, col = source
        out.append(_eq(CROSS_BASIC_ECONOMIC, f"{table.id} {_row_name(row)} {col.value} = {economic.id} 合计",
                       source, (economic, total, column), tolerance))
    return out


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


def _doc_carryover(doc: DisclosureDocument, revenue: Table,
                   total) -> tuple[Decimal, dict[Column, tuple[Refd, Table]], Decimal]:
    """上年结转 in the document: its amount (收支总表's 上年结转 lines, else the 收入总表's), the part of
    each fiscal source (the 上年财政拨款结转 breakdown of the 财政拨款收支总表, else of the 收支总表), and
    the rest (结转 of the other sources)."""
    summary, fiscal = _first(doc, REVENUE_EXPENDITURE_SUMMARY), _first(doc, FISCAL_SUMMARY)
    carry = _carry_lines(summary)[0]
    if carry:
        carried = _sum(r.amounts.get(_main_col(summary, "revenue")) for r in carry)
    else:
        theirs = _revenue_carry(revenue, total)
        carried = theirs[0] or ZERO if theirs is not None else ZERO
    by_source: dict[Column, tuple[Refd, Table]] = {}
    for t in (fiscal, summary):
        rows = _carry_lines(t)[1]
        if rows:
            by_source = {c: (_val(t, r, _main_col(t, "revenue")), t) for c, r in rows.items()}
            break
    return carried, by_source, carried - _sum(v for (v, _), _t in by_source.values())


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
    # against the tables (compared in 元). The card's 合计 is the year's whole money (收入总计), so its
    # source lines include 上年结转: a 收入总表 source (this year's income) plus that source's 结转.
    summary, revenue, expenditure = (_first(doc, REVENUE_EXPENDITURE_SUMMARY), _first(doc, REVENUE_SUMMARY),
                                     _first(doc, EXPENDITURE_SUMMARY))
    pairs: list[tuple[tuple[bool, str], str, list[tuple[Refd, Table]]]] = []
    if _usable(summary):
        grand = _grand_line(summary, "revenue")
        if grand is not None:
            pairs.append(((False, "total"), f"{summary.id} {grand.label}",
                          [(_val(summary, grand, _main_col(summary, "revenue")), summary)]))
    tot = _total_row(revenue) if _usable(revenue) else None
    if tot is not None:
        carried, by_source, rest = _doc_carryover(doc, revenue, tot)
        for canonical, col in (("general_public_budget", Column.general_public_budget),
                               ("government_fund", Column.government_fund), ("state_capital", Column.state_capital),
                               ("special_account", Column.special_account)):
            this_year = _revenue_source(revenue, tot, col)
            if this_year is None or (False, canonical) not in lines:
                continue
            parts = [(this_year, revenue)]
            if carried:
                if col in by_source:
                    parts.append(by_source[col])
                elif (col in FISCAL_PARTS and not by_source) or (col not in FISCAL_PARTS and rest != 0):
                    out.append(skipped(CARD_DEPT_VS_TABLES, f"上年结转 of {col.value} is not printed", card=card))
                    continue
            pairs.append(((False, canonical), f"{revenue.id} {col.value}" + (" + 上年结转" if len(parts) > 1 else ""),
                          parts))
    if _usable(expenditure):
        tot = _total_row(expenditure)
        for canonical, col in (("total", Column.total), ("basic_expenditure", Column.basic_expenditure),
                               ("project_expenditure", Column.project_expenditure)):
            if tot is not None and col in tot.amounts:
                pairs.append(((True, canonical), f"{expenditure.id} {col.value}", [(_val(expenditure, tot, col), expenditure)]))
    for key, what, parts in pairs:
        i = lines.get(key)
        if i is None:
            continue
        scale = (parts[0][1].unit or Unit.ten_thousand_yuan).in_yuan
        out.append(identity(
            CARD_DEPT_VS_TABLES, f"{card.id} {card.funds[i].source} = {what} (in 元)",
            (_in_yuan(card.funds[i].annual_amount, card.funds_unit), _fund_ref(card, i, "annual_amount")),
            [(_in_yuan(v, t.unit), ref) for (v, ref), t in parts], tolerance * scale))
    if not any(r.rule_id == CARD_DEPT_VS_TABLES for r in out):
        out.append(skipped(CARD_DEPT_VS_TABLES, "no summary tables to compare with", card=card))
    return out


# ==================================================================================================
# narrative
# ==================================================================================================
#
# A figure stated in the text (预算收入总计389.23万元, 占51.42%) is compared with the table cell the
# text was written from. What a label measures depends on the section it is printed in: 上年结转 is the
# department's under 收支预算总体情况 and the 财政拨款 one under 财政拨款收支预算总体情况; 基本支出 is
# the 支出总表's in 支出预算情况说明 and the economic table's 合计 in 一般公共预算基本支出情况说明. So a
# section heading gives a scope, and each scope a small table label -> (resolver, argument); labels
# that mean the same everywhere (三公 items, 机关运行经费, 政府采购 …) are looked up in every scope.
# A label no table answers (比上年增长, counts, a label the checker does not know) is skipped.

#: The table unit a narrative figure's printed unit names (万元 when it names none).
_FIGURE_UNITS = {u.value: u for u in Unit}
_ZERO_PLACES = 2  # "0万元", "占0%": a printed nil, as exact as the figures around it

NarrativePart = tuple[Refd, Table]


def _figure_ref(i: int, j: int) -> CellRef:
    return CellRef(field=f"sections[{i}].figures[{j}]")


def narrative_scope(heading: str) -> str:
    """The part of the budget a section's figures speak of, from its heading: ``fiscal`` (财政拨款),
    ``gpb_basic`` (一般公共预算基本支出), ``gpb`` (一般公共预算), ``revenue`` (收入预算), ``expenditure``
    (支出预算) or ``department`` (the whole budget: 收支总体情况, 绩效管理, 三公 …)."""
    h = normalize(heading)
    if "财政拨款" in h:
        return "fiscal"
    if "一般公共预算" in h:
        return "gpb_basic" if "基本支出" in h else "gpb"
    if "收支" in h or "三公" in h or "机关运行" in h or "采购" in h:
        return "department"
    if "收入" in h:
        return "revenue"
    if "支出" in h:
        return "expenditure"
    return "department"


def _summary_line_part(table: Table | None, line: ItemRow | None, side: str,
                       column: Column | None = None) -> list[NarrativePart] | None:
    if not _usable(table) or line is None:
        return None
    column = column or _main_col(table, side)
    return [(_val(table, line, column), table)]


def _carried(table: Table | None) -> list[NarrativePart] | None:
    """A 收支总表's 上年结转 lines; [] when it shows nothing was carried over (its 总计 is its 本年合计)."""
    if not _usable(table):
        return None
    carry = _carry_lines(table)[0]
    if carry:
        col = _main_col(table, "revenue")
        return [(_val(table, r, col), table) for r in carry]
    rows = _side_rows(table, "revenue")
    cur, grand = _total_lines(rows, "revenue")
    if cur is not None and grand in (None, cur) and not any(_is_carry(r.label) for r in rows):
        return []
    return None


def _n_revenue_grand(doc: DisclosureDocument, _arg) -> list[NarrativePart] | None:
    summary = _first(doc, REVENUE_EXPENDITURE_SUMMARY)
    if _usable(summary):
        return _summary_line_part(summary, _grand_line(summary, "revenue"), "revenue")
    revenue = _first(doc, REVENUE_SUMMARY)  # a 收入预算总表 whose total line is 收入总计 (Jiangsu)
    tot = _total_row(revenue) if _usable(revenue) else None
    if isinstance(tot, ItemRow) and _label(tot.label) in REVENUE_GRAND_TOTAL:
        return [(_val(revenue, tot, _main_col(revenue, tot.side)), revenue)]
    return None


def _n_revenue_current(doc: DisclosureDocument, _arg) -> list[NarrativePart] | None:
    summary = _first(doc, REVENUE_EXPENDITURE_SUMMARY)
    return _summary_line_part(summary, _current_line(summary, "revenue") if _usable(summary) else None, "revenue")


def _n_carryover(doc: DisclosureDocument, _arg) -> list[NarrativePart] | None:
    found = _carried(_first(doc, REVENUE_EXPENDITURE_SUMMARY))
    if found is not None:
        return found
    revenue = _first(doc, REVENUE_SUMMARY)
    tot = _total_row(revenue) if _usable(revenue) else None
    theirs = _revenue_carry(revenue, tot) if tot is not None else None
    return [(theirs, revenue)] if theirs is not None else None


def _n_expenditure_grand(doc: DisclosureDocument, _arg) -> list[NarrativePart] | None:
    summary = _first(doc, REVENUE_EXPENDITURE_SUMMARY)
    return _summary_line_part(summary, _grand_line(summary, "expenditure") if _usable(summary) else None,
                              "expenditure")


def _n_expenditure_total(doc: DisclosureDocument, _arg) -> list[NarrativePart] | None:
    """The 支出总表's 合计 (else the 收支总表's 支出总计)."""
    expenditure = _first(doc, EXPENDITURE_SUMMARY)
    tot = _total_row(expenditure) if _usable(expenditure) else None
    if tot is not None and Column.total in tot.amounts:
        return [(_val(expenditure, tot, Column.total), expenditure)]
    return _n_expenditure_grand(doc, None)


def _n_expenditure_column(doc: DisclosureDocument, column: Column) -> list[NarrativePart] | None:
    """A column of the 收支总表's 支出总计 line (当年预算安排, 上年结转安排)."""
    summary = _first(doc, REVENUE_EXPENDITURE_SUMMARY)
    if not _usable(summary) or col_index(summary, column, "expenditure") is None:
        return None
    return _summary_line_part(summary, _grand_line(summary, "expenditure"), "expenditure", column)


def _n_use(doc: DisclosureDocument, column: Column) -> list[NarrativePart] | None:
    """基本支出 / 项目支出 of the department: the 支出总表's 合计 row, else the 收支总表's 支出用途 line."""
    expenditure = _first(doc, EXPENDITURE_SUMMARY)
    tot = _total_row(expenditure) if _usable(expenditure) else None
    if tot is not None and column in tot.amounts:
        return [(_val(expenditure, tot, column), expenditure)]
    summary = _first(doc, REVENUE_EXPENDITURE_SUMMARY)
    if _usable(summary):
        name = "基本支出" if column == Column.basic_expenditure else "项目支出"
        for r in _side_rows(summary, "expenditure"):
            k = _item_col(summary, r)
            if _label(r.label) == name and not _is_function_line(summary, r) and k is not None:
                return [(_listed_amount(summary, r, k), summary)]
    return None


def _n_source(doc: DisclosureDocument, column: Column) -> list[NarrativePart] | None:
    """This year's income from one source: the 收入总表 (its column or line), else the 收支总表's line."""
    revenue = _first(doc, REVENUE_SUMMARY)
    tot = _total_row(revenue) if _usable(revenue) else None
    if tot is not None:
        found = _revenue_source(revenue, tot, column)
        if found is not None:
            return [(found, revenue)]
    summary = _first(doc, REVENUE_EXPENDITURE_SUMMARY)
    if _usable(summary):
        line = next((r for r in _lines_above(summary, "revenue") if _source_of(r.label) == column), None)
        if line is not None:
            return _summary_line_part(summary, line, "revenue")
    return None


def _n_fiscal_grand(doc: DisclosureDocument, _arg) -> list[NarrativePart] | None:
    fiscal = _first(doc, FISCAL_SUMMARY)
    return _summary_line_part(fiscal, _grand_line(fiscal, "revenue") if _usable(fiscal) else None, "revenue")


def _n_fiscal_current(doc: DisclosureDocument, _arg) -> list[NarrativePart] | None:
    fiscal = _first(doc, FISCAL_SUMMARY)
    return _summary_line_part(fiscal, _current_line(fiscal, "revenue") if _usable(fiscal) else None, "revenue")


def _n_fiscal_carry(doc: DisclosureDocument, _arg) -> list[NarrativePart] | None:
    return _carried(_first(doc, FISCAL_SUMMARY))


def _n_fiscal_source(doc: DisclosureDocument, column: Column) -> list[NarrativePart] | None:
    """A 财政拨款 source with its 上年结转 (一般公共预算拨款 of the 财政拨款收支总预算): the 支出总计 line's
    column for that source, else the 收入 line plus that source's 结转 line."""
    fiscal = _first(doc, FISCAL_SUMMARY)
    if not _usable(fiscal):
        return None
    if any(c.column == column and c.side == "expenditure" for c in fiscal.columns):
        return _summary_line_part(fiscal, _grand_line(fiscal, "expenditure"), "expenditure", column)
    line = next((r for r in _lines_above(fiscal, "revenue") if _source_of(r.label) == column), None)
    if line is None:
        return None
    col = _main_col(fiscal, "revenue")
    parts: list[NarrativePart] = [(_val(fiscal, line, col), fiscal)]
    carry, by_source = _carry_lines(fiscal)
    if column in by_source:
        parts.append((_val(fiscal, by_source[column], col), fiscal))
    elif _sum(r.amounts.get(col) for r in carry):
        return None  # 结转 printed but not by source
    return parts


def _lei_row(table: Table | None, name: str) -> SubjectRow | None:
    if not _usable(table):
        return None
    return next((r for r in table.rows if isinstance(r, SubjectRow) and r.subject_level == SubjectLevel.lei
                 and _label(r.subject_name) == name), None)


def _n_fiscal_category(doc: DisclosureDocument, name: str) -> list[NarrativePart] | None:
    """A function category of the 财政拨款 money: the 财政拨款收支总表's line, else the 类 row of the
    财政拨款支出表 (功能科目)."""
    fiscal = _first(doc, FISCAL_SUMMARY)
    if _usable(fiscal):
        items = [r for r in _expenditure_items(fiscal) if _is_function_line(fiscal, r)]
        if items:
            line = next((r for r in items if _label(r.label) == name), None)
            return _summary_line_part(fiscal, line, "expenditure") if line is not None else None
    table = _first(doc, (TableType.fiscal_appropriation_expenditure,))
    row = _lei_row(table, name)
    return [(_val(table, row, Column.total), table)] if row is not None and Column.total in row.amounts else None


def _gpb_total_row(doc: DisclosureDocument) -> tuple[Table, object] | None:
    table = _first(doc, GPB_EXPENDITURE)
    tot = _total_row(table) if _usable(table) else None
    return (table, tot) if tot is not None else None


def _n_gpb_total(doc: DisclosureDocument, _arg) -> list[NarrativePart] | None:
    found = _gpb_total_row(doc)
    if found is None:
        return None
    table, tot = found
    cols = _side_columns(table, None)
    column = Column.total if Column.total in tot.amounts else (cols[0] if cols else Column.total)
    return [(_val(table, tot, column), table)]


def _n_gpb_column(doc: DisclosureDocument, column: Column) -> list[NarrativePart] | None:
    found = _gpb_total_row(doc)
    if found is None or column not in found[1].amounts:
        return None
    return [(_val(found[0], found[1], column), found[0])]


def _n_gpb_category(doc: DisclosureDocument, name: str) -> list[NarrativePart] | None:
    table = _first(doc, GPB_EXPENDITURE)
    row = _lei_row(table, name)
    return [(_val(table, row, Column.total), table)] if row is not None and Column.total in row.amounts else None


#: 人员经费 are the 工资福利支出 (301) and 对个人和家庭的补助 (303) groups; 公用经费 the rest.
PERSONNEL_GROUPS = frozenset({"301", "303"})


def _n_economic(doc: DisclosureDocument, column: Column | None) -> list[NarrativePart] | None:
    """The 一般公共预算基本支出 economic table's 合计 (``column`` None), 人员经费 or 公用经费 (its column,
    else its 类 rows by code)."""
    table = _first(doc, (TableType.general_public_budget_basic_economic, TableType.final_general_public_budget_basic))
    if not _usable(table):
        table = _first(doc, (TableType.fiscal_appropriation_basic_economic,))
    tot = _total_row(table) if _usable(table) else None
    if tot is None:
        return None
    cols = _side_columns(table, None)
    main = Column.total if Column.total in cols else (cols[0] if cols else Column.total)
    if column is None:
        return [(_val(table, tot, main), table)]
    if column in tot.amounts:
        return [(_val(table, tot, column), table)]
    groups = [r for r in table.rows if isinstance(r, EconomicRow) and not r.is_total
              and r.economic_level == SubjectLevel.lei]
    if not groups or any(not r.economic_code for r in groups):
        return None
    personnel = column == Column.personnel
    return [(_val(table, r, main), table) for r in groups if (r.economic_code[:3] in PERSONNEL_GROUPS) == personnel]


#: 三公 items as the narrative names them, and the column that holds each where items are columns.
THREE_PUBLIC_ITEMS: dict[str, Column] = {
    "因公出国(境)费": Column.overseas_travel, "因公出国(境)费用": Column.overseas_travel,
    "公务接待费": Column.official_reception,
    "公务用车购置及运行费": Column.vehicle_total, "公务用车购置及运行维护费": Column.vehicle_total,
    "公务用车购置费": Column.vehicle_purchase,
    "公务用车运行维护费": Column.vehicle_operation, "公务用车运行费": Column.vehicle_operation,
    '"三公"经费': Column.total, "三公经费": Column.total,
}


def _stated_empty(tables: Sequence[Table]) -> bool:
    """Every one of these tables is printed and says it has no data (本表无数据): its amounts are 0."""
    return bool(tables) and all(t.is_empty for t in tables)


def _n_three_public(doc: DisclosureDocument, column: Column) -> list[NarrativePart] | None:
    if _stated_empty(_tables(doc, THREE_PUBLIC_TABLES)):
        return []
    for table in _tables(doc, THREE_PUBLIC_TABLES):
        tot = _total_row(table) if _usable(table) else None
        if tot is None:
            continue
        if column == Column.total or column in tot.amounts:
            if column in tot.amounts:
                return [(_val(table, tot, column), table)]
            continue
        for r in table.rows:
            if isinstance(r, ItemRow) and not r.is_total and THREE_PUBLIC_ITEMS.get(_label(r.label)) == column:
                return [(_val(table, r, _main_col(table, None)), table)]
    return None


def _n_agency(doc: DisclosureDocument, _arg) -> list[NarrativePart] | None:
    if _stated_empty(_tables(doc, (TableType.agency_operating_expenses,))):
        return []
    for table in _tables(doc, (TableType.agency_operating_expenses, TableType.three_public_and_agency_operating)):
        tot = _total_row(table) if _usable(table) else None
        if tot is None:
            continue
        for column in (Column.agency_operating, Column.total):
            if column in tot.amounts and (column == Column.agency_operating
                                          or table.table_type == TableType.agency_operating_expenses):
                return [(_val(table, tot, column), table)]
    return None


PROCUREMENT_CATEGORIES = ("货物", "工程", "服务")


def _n_procurement(doc: DisclosureDocument, category: str | None) -> list[NarrativePart] | None:
    """The 政府采购预算表's 合计, or the lines of one category (货物, 工程, 服务); [] when every line names
    a category and none names this one."""
    if _stated_empty(_tables(doc, (TableType.government_procurement,))):
        return []
    table = _first(doc, (TableType.government_procurement,))
    tot = _total_row(table) if _usable(table) else None
    if tot is None:
        return None
    column = _main_col(table, None)
    if category is None:
        return [(_val(table, tot, column), table)]
    tops = _tree([r for r in table.rows if isinstance(r, ItemRow) and not r.is_total], table)[0]
    if not tops or not all(any(k in _label(r.label) for k in PROCUREMENT_CATEGORIES) for r in tops):
        return None
    return [(_val(table, r, column), table) for r in tops if category in _label(r.label)]


_Resolver = Callable[[DisclosureDocument, object], "list[NarrativePart] | None"]
_RESOLVERS: dict[str, _Resolver] = {
    "revenue_grand": _n_revenue_grand, "revenue_current": _n_revenue_current, "carryover": _n_carryover,
    "expenditure_grand": _n_expenditure_grand, "expenditure_total": _n_expenditure_total,
    "expenditure_column": _n_expenditure_column, "use": _n_use, "source": _n_source,
    "fiscal_grand": _n_fiscal_grand, "fiscal_current": _n_fiscal_current, "fiscal_carry": _n_fiscal_carry,
    "fiscal_source": _n_fiscal_source, "fiscal_category": _n_fiscal_category,
    "gpb_total": _n_gpb_total, "gpb_column": _n_gpb_column, "gpb_category": _n_gpb_category,
    "economic": _n_economic, "three_public": _n_three_public, "agency": _n_agency, "procurement": _n_procurement,
}


def _keys(table: dict[str, tuple[str, object]]) -> dict[str, tuple[str, object]]:
    return {_label(k): v for k, v in table.items()}


#: Labels that mean the same in every section.
NARRATIVE_ANYWHERE: dict[str, tuple[str, object]] = _keys({
    "预算收入总计": ("revenue_grand", None), "部门预算收入总计": ("revenue_grand", None),
    "收入总计": ("revenue_grand", None), "部门预算资金": ("revenue_grand", None),
    "整体绩效目标涉及部门预算资金": ("revenue_grand", None),
    "预算支出总计": ("expenditure_grand", None), "部门预算支出总计": ("expenditure_grand", None),
    "支出总计": ("expenditure_grand", None),
    "财政拨款收支总预算": ("fiscal_grand", None), "财政拨款收入总计": ("fiscal_grand", None),
    "一般公共预算当年支出": ("gpb_total", None), "一般公共预算当年拨款": ("gpb_total", None),
    "机关运行经费": ("agency", None),
    "政府采购预算总额": ("procurement", None), "政府采购货物预算": ("procurement", "货物"),
    "政府采购工程预算": ("procurement", "工程"), "政府采购服务预算": ("procurement", "服务"),
    **{k: ("three_public", c) for k, c in THREE_PUBLIC_ITEMS.items()},
})
_DEPARTMENT: dict[str, tuple[str, object]] = {
    "预算收入": ("revenue_grand", None), "本年收入": ("revenue_current", None), "本年收入合计": ("revenue_current", None),
    "上年结转": ("carryover", None), "上年结转(收入)": ("carryover", None), "上年结转资金": ("carryover", None),
    "支出预算": ("expenditure_total", None), "预算支出": ("expenditure_total", None),
    "本年预算安排": ("expenditure_column", Column.current_year),
    "上年结转(支出)": ("expenditure_column", Column.carryover),
    "基本支出": ("use", Column.basic_expenditure), "项目支出": ("use", Column.project_expenditure),
}
#: Labels by section scope (:func:`narrative_scope`).
NARRATIVE_SCOPED: dict[str, dict[str, tuple[str, object]]] = {
    "department": _keys(_DEPARTMENT), "revenue": _keys(_DEPARTMENT), "expenditure": _keys(_DEPARTMENT),
    "fiscal": _keys({
        "当年拨款收入": ("fiscal_current", None), "本年拨款收入": ("fiscal_current", None),
        "本年收入": ("fiscal_current", None),
        "上年结转收入": ("fiscal_carry", None), "上年结转": ("fiscal_carry", None),
        "上年财政拨款结转": ("fiscal_carry", None),
        "一般公共预算拨款": ("fiscal_source", Column.general_public_budget),
        "一般公共预算拨款收入": ("fiscal_source", Column.general_public_budget),
        "政府性基金预算拨款": ("fiscal_source", Column.government_fund),
        "政府性基金预算拨款收入": ("fiscal_source", Column.government_fund),
        "国有资本经营预算拨款": ("fiscal_source", Column.state_capital),
        "国有资本经营预算拨款收入": ("fiscal_source", Column.state_capital),
    }),
    "gpb": _keys({"基本支出": ("gpb_column", Column.basic_expenditure),
                  "项目支出": ("gpb_column", Column.project_expenditure)}),
    "gpb_basic": _keys({"基本支出": ("economic", None), "人员经费": ("economic", Column.personnel),
                        "公用经费": ("economic", Column.public_funds)}),
}
#: The whole a share (占 …%) is a part of, by scope.
SHARE_WHOLE: dict[str, tuple[str, object]] = {
    "revenue": ("revenue_grand", None), "expenditure": ("expenditure_total", None), "gpb": ("gpb_total", None),
}
#: Scopes whose other labels are function categories (一般公共服务支出 …), and where to find them.
CATEGORY_RESOLVER = {"fiscal": "fiscal_category", "gpb": "gpb_category"}


def resolve_figure(doc: DisclosureDocument, scope: str, label: str | None) -> list[NarrativePart] | None:
    """The table cells a narrative label in ``scope`` states the sum of, or None when none answers."""
    if not label:
        return None
    name = _label(label)
    entry = NARRATIVE_SCOPED.get(scope, {}).get(name) or NARRATIVE_ANYWHERE.get(name)
    if entry is None and scope in CATEGORY_RESOLVER and name.endswith("支出"):
        entry = (CATEGORY_RESOLVER[scope], name)
    if entry is None and scope in ("department", "revenue", "expenditure") and "支出" not in name \
            and not _is_carry(name) and (source := _source_of(name)) is not None:
        entry = ("source", source)
    if entry is None:
        return None
    return _RESOLVERS[entry[0]](doc, entry[1])


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _figure_places(value: Decimal) -> int:
    return max(_places(value), _ZERO_PLACES) if value == 0 else _places(value)


def _to_unit(value: Decimal | None, unit: Unit | None, target: Unit) -> Decimal | None:
    """``value`` in ``unit`` (万元 when unknown) expressed in ``target``, keeping its printed digits."""
    if value is None:
        return None
    shift = (unit or Unit.ten_thousand_yuan).in_yuan.adjusted() - target.in_yuan.adjusted()
    return value.scaleb(shift)


def _narrative_amount(desc: str, ref: CellRef, figure, unit: Unit, parts: list[NarrativePart],
                      tolerance: Decimal) -> CheckResult:
    """The stated amount = the sum of the table cells, in the figure's unit. The tables' rounding
    (尾差) is the run's tolerance in the figure's unit; a table printed finer than the figure (元 under
    a text in 万元 to 0.01) adds half the figure's last printed digit."""
    converted = [(_to_unit(v, t.unit, unit), cell) for (v, cell), t in parts]
    places = _figure_places(figure.value)
    finer = any(v is not None and _places(v) > places for v, _ in converted)
    tol = tolerance + (Decimal(5).scaleb(-places - 1) if finer else ZERO)
    return identity(NARRATIVE_FIGURES, desc, (figure.value, ref), converted, tol)


def _narrative_share(desc: str, ref: CellRef, figure, part: list[NarrativePart], whole: list[NarrativePart],
                     tolerance: Decimal) -> CheckResult:
    """占 x% = part / whole × 100, rounded as printed (half up), within the run's tolerance in points."""
    cells = [ref, *(c for (_, c), _t in part), *(c for (_, c), _t in whole)]
    num = _sum(_to_unit(v, t.unit, Unit.yuan) for (v, _), t in part)
    den = _sum(_to_unit(v, t.unit, Unit.yuan) for (v, _), t in whole)
    if den == 0:
        if num != 0:
            return CheckResult(rule_id=NARRATIVE_FIGURES, status="skipped", description=desc, cells=cells,
                               message="the whole is 0")
        expected = ZERO
    else:
        expected = (num * 100 / den).quantize(Decimal(1).scaleb(-_figure_places(figure.value)), rounding=ROUND_HALF_UP)
    ok = abs(figure.value - expected) <= tolerance
    # terms stay empty: a share is not a sum of its cells (the repair search reads only sums)
    return CheckResult(rule_id=NARRATIVE_FIGURES, status="passed" if ok else "failed", description=desc,
                       expected=expected, found=figure.value, cells=cells, tolerance=tolerance,
                       message=None if ok else f"{desc}: expected {expected}, found {figure.value}")


def _figure_skipped(desc: str, ref: CellRef, reason: str) -> CheckResult:
    return CheckResult(rule_id=NARRATIVE_FIGURES, status="skipped", description=desc, cells=[ref], message=reason)


def check_narrative(doc: DisclosureDocument, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """Figures stated in the narrative = the table cells they were written from (amounts, converted to
    the figure's unit; shares recomputed from the tables). Figures no table answers are skipped."""
    out: list[CheckResult] = []
    for i, section in enumerate(doc.sections):
        scope = narrative_scope(section.heading)
        for j, figure in enumerate(section.figures):
            ref = _figure_ref(i, j)
            label = figure.label or ""
            desc = f"{section.heading} {figure.text}: {label or '(no label)'}"
            if figure.kind not in ("amount", "share"):
                out.append(_figure_skipped(desc, ref, f"{figure.kind} figures are not in the tables"))
                continue
            if not label:
                out.append(_figure_skipped(desc, ref, "the figure has no label: what it measures is not stated"))
                continue
            part = resolve_figure(doc, scope, label)
            if part is None:
                out.append(_figure_skipped(desc, ref, f"no table of this document states {label} (a {scope} section)"))
                continue
            if figure.kind == "amount":
                unit = _FIGURE_UNITS.get(normalize(figure.unit or "万元"))
                if unit is None:
                    out.append(_figure_skipped(desc, ref, f"unit {figure.unit!r} is not an amount unit"))
                    continue
                what = " + ".join(dict.fromkeys(t.id for _, t in part)) or "0 (the tables print none)"
                out.append(_narrative_amount(f"{desc} {figure.value}{unit.value} = {what}", ref, figure, unit,
                                             part, tolerance))
                continue
            whole_entry = SHARE_WHOLE.get(scope)
            whole = _RESOLVERS[whole_entry[0]](doc, whole_entry[1]) if whole_entry else None
            if not whole:
                out.append(_figure_skipped(desc, ref, f"no whole for a share in a {scope} section"))
                continue
            out.append(_narrative_share(f"{desc} {figure.value}% = part / whole × 100", ref, figure, part, whole,
                                        tolerance))
    if not out:
        out.append(skipped(NARRATIVE_FIGURES, "no figures stated in the narrative"))
    return out


# ==================================================================================================
# the whole document
# ==================================================================================================

DOCUMENT_RULES: tuple[Callable[[DisclosureDocument, Decimal], list[CheckResult]], ...] = (
    check_cross_tables, check_project_table_total, check_basic_vs_economic, check_project_cards,
    check_department_card, check_narrative,
)

#: Every rule id this module can produce.
RULES: tuple[str, ...] = (
    SUBJECT_CHILDREN, SUBJECT_TOP, BASIC_PROJECT, PERSONNEL_PUBLIC, SOURCES, THREE_PUBLIC_COLUMNS,
    ECONOMIC_ITEMS, ECONOMIC_GROUPS, PROJECT_CHILDREN, ITEMS_TOTAL, ITEMS_SUB, REVENUE_ITEMS, EXPENDITURE_ITEMS,
    CARRYOVER_ITEMS, REVENUE_GRAND, EXPENDITURE_GRAND, BALANCE, CROSS_REVENUE_TOTAL, CROSS_EXPENDITURE_TOTAL,
    CROSS_REVENUE_ITEMS, CROSS_REVENUE_SOURCES, CROSS_FUNCTIONS, CROSS_FISCAL_GPB, CROSS_SUBJECTS,
    CROSS_GPB_SUBJECTS, CROSS_PROJECT_TOTAL, CROSS_BASIC_ECONOMIC, CARD_PROJECT_SOURCES, CARD_PROJECT_VS_TABLE,
    CARD_DEPT_SOURCES, CARD_DEPT_DIRECTIONS, CARD_DEPT_VS_TABLES, NARRATIVE_FIGURES,
)


def check_document(doc: DisclosureDocument, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """Run the rulebook (:mod:`budgetdoc.checks.rules`) on ``doc``: each table's rules by its type, then
    the rules across tables, cards and narrative. A rule that found nothing to check anywhere gets one
    skipped result."""
    from budgetdoc.checks.rules import run_rulebook  # the rulebook is built from this module

    return run_rulebook(doc, tolerance)


def summarize(results: Iterable[CheckResult]) -> dict[str, Counter]:
    """Counts of passed/failed/skipped per rule id."""
    out: dict[str, Counter] = {}
    for r in results:
        out.setdefault(r.rule_id, Counter())[r.status] += 1
    return out
