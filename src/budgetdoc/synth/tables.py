"""Typed budget data to printed :class:`~budgetdoc.model.document.Table` objects.

:class:`BudgetData` is the generator's ledger: every amount is an integer number of 分 (0.01 元), so
sums are exact; a table converts to its own unit when it prints (``Unit.万元`` with 2 decimals needs
multiples of 100 元, which the generator guarantees). The builders lay each table out as the
region's disclosures print it:

* ``shanxi``: the 13 tables of the seed (预算公开表1–13), whole subject codes, 合计 row on top, 万元
  without separators, blank cells for zero, "注：本表无数据" under empty tables.
* ``jiangsu``: 公开01表–公开12表, whole codes, 万元 with thousands separators, one-row summary tables.
* ``shanghai``: the 9 tables of a Shanghai district budget, 元 with separators, codes split into
  类/款/项 columns under a merged 功能分类科目编码 header, 合计 row at the bottom, "0.00" in the
  economic table, the “三公” table in 万元.

Every grid slot is covered by exactly one cell (gaps are filled with empty cells); header cells have
``column_header=True``; ``columns`` gives each grid column's printed header path and canonical
meaning; ``rows`` are the typed body rows, their amounts read back from the printed text (None for a
blank cell).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from budgetdoc.model.document import (
    ColumnSpec,
    EconomicRow,
    ItemRow,
    ProjectRow,
    SubjectRow,
    Table,
    TableCell,
)
from budgetdoc.model.vocab import Column, SubjectLevel, TableType, Unit
from budgetdoc.parsing.amounts import format_amount
from budgetdoc.synth import vocab_pools as pools

__all__ = [
    "FISCAL",
    "SOURCES",
    "SOURCE_COLUMN",
    "STYLE_TABLES",
    "BudgetData",
    "EconomicItem",
    "Fmt",
    "GridBuilder",
    "H",
    "Leaf",
    "ProcurementItem",
    "ProjectItem",
    "build_tables",
    "jiangsu_tables",
    "shanghai_tables",
    "shanxi_tables",
    "to_unit",
]

#: Money sources, in the order tables print them: 一般公共预算, 政府性基金, 国有资本经营, 财政专户,
#: 单位资金 (Shanxi), 事业收入, 事业单位经营收入, 其他收入 (Shanghai / Jiangsu 其他资金).
SOURCES: tuple[str, ...] = ("gpb", "gf", "sc", "sa", "uf", "biz", "oper", "other")
FISCAL: tuple[str, ...] = ("gpb", "gf", "sc")
SOURCE_COLUMN: dict[str, Column] = {
    "gpb": Column.general_public_budget, "gf": Column.government_fund, "sc": Column.state_capital,
    "sa": Column.special_account, "uf": Column.unit_funds, "biz": Column.business_income,
    "oper": Column.operating_income, "other": Column.other_income,
}
LEVEL_BY_LEN = {3: SubjectLevel.lei, 5: SubjectLevel.kuan, 7: SubjectLevel.xiang}


# --------------------------------------------------------------------------------------------------
# the ledger


@dataclass
class Leaf:
    """Amounts (分) of one 项 subject: basic expenditure (一般公共预算, current year), project
    expenditure of the current year by source, and project expenditure of last year's carry-over."""

    code: str
    basic: int = 0
    project: dict[str, int] = field(default_factory=dict)
    carry: dict[str, int] = field(default_factory=dict)

    def proj(self, src: str | None = None) -> int:
        return sum(self.project.values()) if src is None else self.project.get(src, 0)

    def car(self, src: str | None = None) -> int:
        return sum(self.carry.values()) if src is None else self.carry.get(src, 0)

    @property
    def total(self) -> int:
        return self.basic + self.proj() + self.car()


@dataclass
class EconomicItem:
    """One 部门预算支出经济分类 款 of the basic expenditure (一般公共预算): amount in 分."""

    code: str
    amount: int

    @property
    def personnel(self) -> bool:
        return self.code[:3] in ("301", "303")


@dataclass
class ProjectItem:
    """One project of the project table: name, budget unit, subject 项, amounts (分) by source."""

    name: str
    unit_name: str
    subject: str
    amounts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.amounts.values())


@dataclass
class ProcurementItem:
    """One line of a 政府采购预算表: category (货物/工程/服务), 专项名称, 经济科目, item, method, 分."""

    category: str
    special: str
    economic: str
    item: str
    method: str
    amount: int


@dataclass
class BudgetData:
    """Everything the tables of one disclosure print. Amounts in 分."""

    style: str
    year: int
    department: str
    unit: Unit
    leaves: dict[str, Leaf]
    economic: list[EconomicItem]
    gov_economic: dict[str, str]
    projects: list[ProjectItem]
    carry_projects: list[ProjectItem]
    units: list[str]
    three_public: dict[str, int]  # overseas, reception, vehicle_purchase, vehicle_operation
    meeting: int = 0
    training: int = 0
    agency_operating: dict[str, int] = field(default_factory=dict)  # by unit name
    procurement: list[ProcurementItem] = field(default_factory=list)
    small_unit: Unit = Unit.ten_thousand_yuan  # unit of the Shanghai “三公” table
    subject_names: dict[str, str] = field(default_factory=dict)
    merge_total: bool = True  # print 合计 in one cell across the code and name columns
    labels: list[bool] = field(default_factory=list)  # per table: print its label (预算公开表N)

    # -- totals ------------------------------------------------------------------------------
    def name(self, code: str) -> str:
        return self.subject_names.get(code) or pools.subject_name(code, self.year)

    @property
    def basic_total(self) -> int:
        return sum(lf.basic for lf in self.leaves.values())

    def project_cur(self, src: str | None = None) -> int:
        return sum(lf.proj(src) for lf in self.leaves.values())

    def project_carry(self, src: str | None = None) -> int:
        return sum(lf.car(src) for lf in self.leaves.values())

    @property
    def project_total(self) -> int:
        return self.project_cur() + self.project_carry()

    def income(self, src: str) -> int:
        """This year's income from ``src`` (不含上年结转)."""
        return (self.basic_total if src == "gpb" else 0) + self.project_cur(src)

    @property
    def income_total(self) -> int:
        return sum(self.income(s) for s in SOURCES)

    @property
    def carry_total(self) -> int:
        return self.project_carry()

    @property
    def total(self) -> int:
        return self.income_total + self.carry_total

    def fiscal(self, src: str) -> int:
        """Fiscal funds of ``src`` including last year's carry-over."""
        return self.income(src) + self.project_carry(src)

    @property
    def personnel_total(self) -> int:
        return sum(e.amount for e in self.economic if e.personnel)

    @property
    def public_total(self) -> int:
        return sum(e.amount for e in self.economic if not e.personnel)

    @property
    def three_public_total(self) -> int:
        t = self.three_public
        return t["overseas"] + t["reception"] + t["vehicle_purchase"] + t["vehicle_operation"]

    def econ(self, code: str) -> int:
        return sum(e.amount for e in self.economic if e.code == code)

    def subject_tree(self, metric: Callable[[Leaf], dict[str, int]], *, only_nonzero: bool = True
                     ) -> list[tuple[str, dict[str, int]]]:
        """(code, amounts) for every 类/款/项 with a nonzero amount, parents summed from children,
        in print order (类, its 款, their 项)."""
        acc: dict[str, dict[str, int]] = {}
        for code in sorted(self.leaves):
            vals = metric(self.leaves[code])
            for c in (code[:3], code[:5], code):
                d = acc.setdefault(c, {})
                for k, v in vals.items():
                    d[k] = d.get(k, 0) + v
        out = [(c, acc[c]) for c in sorted(acc, key=lambda c: (c[:3], c[:5] if len(c) >= 5 else "", c))]
        if only_nonzero:
            out = [(c, v) for c, v in out if any(v.values())]
        return out

    def category_totals(self, metric: Callable[[Leaf], dict[str, int]]) -> dict[str, dict[str, int]]:
        """类 name -> summed amounts."""
        out: dict[str, dict[str, int]] = {}
        for code, vals in self.subject_tree(metric, only_nonzero=False):
            if len(code) == 3:
                out[self.name(code)] = vals
        return out


# metrics over a leaf -----------------------------------------------------------------------------


def m_all(lf: Leaf) -> dict[str, int]:
    """Total / basic / project, all sources, carry-over included (支出总表)."""
    return {"total": lf.total, "basic": lf.basic, "project": lf.proj() + lf.car()}


def m_income(lf: Leaf) -> dict[str, int]:
    """This year's income by source, total, and carry-over (收入总表)."""
    d = {"total": lf.basic + lf.proj(), "carry": lf.car()}
    for s in SOURCES:
        d[s] = (lf.basic if s == "gpb" else 0) + lf.proj(s)
    return d


def m_split_cur(lf: Leaf) -> dict[str, int]:
    """Current year (不含上年结转), all sources: total/current/carry for the 收支总表 支出 side."""
    return {"total": lf.total, "current": lf.basic + lf.proj(), "carry": lf.car()}


def m_source(src: str, *, carry: bool = False) -> Callable[[Leaf], dict[str, int]]:
    """One source's funds (basic + project), optionally with carry-over."""

    def f(lf: Leaf) -> dict[str, int]:
        b = lf.basic if src == "gpb" else 0
        p = lf.proj(src) + (lf.car(src) if carry else 0)
        return {"total": b + p, "basic": b, "project": p}

    return f


def m_fiscal(*, carry: bool) -> Callable[[Leaf], dict[str, int]]:
    """Fiscal funds (一般公共预算 + 政府性基金 + 国有资本经营) by source and subtotal."""

    def f(lf: Leaf) -> dict[str, int]:
        d = {s: (lf.basic if s == "gpb" else 0) + lf.proj(s) + (lf.car(s) if carry else 0) for s in FISCAL}
        d["total"] = sum(d.values())
        d["basic"] = lf.basic
        d["project"] = d["total"] - lf.basic
        return d

    return f


# --------------------------------------------------------------------------------------------------
# printing


def to_unit(fen: int, unit: Unit) -> Decimal:
    """分 -> amount in ``unit`` with 2 decimals; raises if the amount is not exact in that unit."""
    per = int(unit.in_yuan) * 100  # 分 per unit
    num = fen * 100  # hundredths of the unit, times per
    if num % per:
        raise ValueError(f"{fen} 分 is not a whole 0.01 {unit.value}")
    return Decimal(num // per).scaleb(-2)


@dataclass(frozen=True)
class Fmt:
    """How a table prints amounts: thousands separators, the text of a zero, decimals."""

    sep: bool = False
    zero: str = ""
    places: int = 2

    def text(self, fen: int, unit: Unit) -> str:
        if fen == 0:
            return self.zero
        return format_amount(to_unit(fen, unit), places=self.places, thousands=self.sep)

    @staticmethod
    def value(text: str) -> Decimal | None:
        """The typed value of a printed amount cell (None when blank)."""
        t = text.replace(",", "").strip()
        return Decimal(t) if t else None


SHANXI_FMT = Fmt(sep=False, zero="")
JIANGSU_FMT = Fmt(sep=True, zero="")
SHANGHAI_FMT = Fmt(sep=True, zero="")


# --------------------------------------------------------------------------------------------------
# grid building


@dataclass(frozen=True)
class H:
    """A header node: text, children beneath it, and for a leaf its canonical meaning and width."""

    text: str
    children: tuple[H, ...] = ()
    column: Column | None = None
    role: str | None = None
    side: str | None = None
    span: int = 1

    @property
    def depth(self) -> int:
        return 1 + max((c.depth for c in self.children), default=0)

    @property
    def width(self) -> int:
        return sum(c.width for c in self.children) if self.children else self.span


def h(text: str, *children: H, col: Column | None = None, role: str | None = None,
      side: str | None = None, span: int = 1) -> H:
    if col is not None and role is None:
        role = "amount"
    return H(text, tuple(children), col, role, side, span)


class GridBuilder:
    """Cells placed at explicit positions; :meth:`finish` fills every uncovered slot."""

    def __init__(self, ncols: int) -> None:
        self.ncols = ncols
        self.nrows = 0
        self.cells: list[TableCell] = []
        self._occ: set[tuple[int, int]] = set()
        self.specs: list[ColumnSpec] = []
        self.header_rows = 0

    def add(self, row: int, col: int, text: str = "", rs: int = 1, cs: int = 1, *, ch: bool = False,
            rh: bool = False) -> TableCell:
        if col + cs > self.ncols:
            raise ValueError(f"cell ({row},{col}) span {cs} outside {self.ncols} columns")
        for r in range(row, row + rs):
            for k in range(col, col + cs):
                if (r, k) in self._occ:
                    raise ValueError(f"overlap at ({r},{k})")
                self._occ.add((r, k))
        c = TableCell(text=text, row=row, col=col, row_span=rs, col_span=cs, column_header=ch, row_header=rh)
        self.cells.append(c)
        self.nrows = max(self.nrows, row + rs)
        return c

    def header(self, nodes: Iterable[H], extra_rows: Iterable[list[str]] = ()) -> None:
        """Lay out a header tree from row 0; leaves reach down to the last tree row."""
        nodes = list(nodes)
        depth = max(n.depth for n in nodes)
        specs: dict[int, ColumnSpec] = {}

        def place(n: H, row: int, col: int, path: list[str]) -> None:
            p = path + ([n.text] if n.text else [])
            if n.children:
                self.add(row, col, n.text, 1, n.width, ch=True)
                c = col
                for ch in n.children:
                    place(ch, row + 1, c, p)
                    c += ch.width
            else:
                self.add(row, col, n.text, depth - row, n.width, ch=True)
                for k in range(n.width):
                    specs[col + k] = ColumnSpec(index=col + k, header=p, column=n.column, role=n.role,
                                                side=n.side)

        c = 0
        for n in nodes:
            place(n, 0, c, [])
            c += n.width
        if c != self.ncols:
            raise ValueError(f"header is {c} columns wide, grid has {self.ncols}")
        row = depth
        for texts in extra_rows:
            for k, t in enumerate(texts):
                self.add(row, k, t, ch=True)
            row += 1
        self.header_rows = row
        self.nrows = max(self.nrows, row)
        self.specs = [specs[k] for k in range(self.ncols)]

    def next_row(self) -> int:
        return self.nrows

    def row(self, items: list[str | tuple[str, int]], *, rh_first: bool = False) -> int:
        """Append a body row: each item is text (one column) or (text, colspan)."""
        r = self.nrows
        k = 0
        for i, it in enumerate(items):
            text, cs = (it, 1) if isinstance(it, str) else it
            self.add(r, k, text, 1, cs, rh=rh_first and i == 0)
            k += cs
        self.nrows = r + 1
        return r

    def finish(self) -> list[TableCell]:
        for r in range(self.nrows):
            for k in range(self.ncols):
                if (r, k) not in self._occ:
                    self.add(r, k, "")
        self.cells.sort(key=lambda c: (c.row, c.col))
        return self.cells


def _make_table(g: GridBuilder, *, tid: str, ttype: TableType, title: str, label: str | None,
                data: BudgetData, unit: Unit | None, rows: list, notes: list[str], is_empty: bool) -> Table:
    cells = g.finish()
    return Table(
        id=tid, title=title, table_type=ttype, label=label, department=data.department, unit=unit,
        num_rows=g.nrows, num_cols=g.ncols, header_rows=g.header_rows, cells=cells, columns=g.specs,
        rows=rows, is_empty=is_empty, notes=notes,
    )


def _amounts(texts: dict[Column, str]) -> dict[Column, Decimal | None]:
    return {c: Fmt.value(t) for c, t in texts.items()}


# --------------------------------------------------------------------------------------------------
# shared body writers


@dataclass
class Ctx:
    data: BudgetData
    fmt: Fmt
    unit: Unit

    def t(self, fen: int) -> str:
        return self.fmt.text(fen, self.unit)


def _subject_body(g: GridBuilder, ctx: Ctx, tree: list[tuple[str, dict[str, int]]],
                  cols: list[tuple[Column, str]], *, code_mode: str, total: dict[str, int] | None,
                  total_first: bool, total_label: str = "合计", zero_cols: Iterable[Column] = ()) -> list:
    """Write 合计 + subject rows: code column(s), name, amounts in ``cols`` (Column, metric key)."""
    rows: list = []
    ncode = {"whole": 1, "split": 3}[code_mode]
    zero_cols = set(zero_cols)

    def amounts_row(vals: dict[str, int]) -> tuple[list[str], dict[Column, str]]:
        texts = {}
        out = []
        for col, key in cols:
            v = vals.get(key, 0)
            txt = ctx.t(v) if (v or col not in zero_cols) else (ctx.fmt.text(0, ctx.unit) or "0.00")
            texts[col] = txt
            out.append(txt)
        return out, texts

    def write_total() -> None:
        assert total is not None
        out, texts = amounts_row(total)
        lead: list = [(total_label, ncode + 1)] if ctx.data.merge_total else [total_label] + [""] * ncode
        r = g.row([*lead, *out])
        rows.append(SubjectRow(grid_row=r, subject_name=total_label, is_total=True, amounts=_amounts(texts)))

    if total is not None and total_first:
        write_total()
    for code, vals in tree:
        name = ctx.data.name(code)
        out, texts = amounts_row(vals)
        if code_mode == "whole":
            items: list = [code, name]
        else:
            items = [code[:3], code[3:5], code[5:7], name]
        r = g.row([*items, *out])
        rows.append(SubjectRow(grid_row=r, subject_code=code, subject_level=LEVEL_BY_LEN[len(code)],
                               subject_name=name, amounts=_amounts(texts)))
    if total is not None and not total_first:
        write_total()
    return rows


def _economic_tree(data: BudgetData, items: list[EconomicItem]) -> list[tuple[str, int, bool]]:
    """(code, amount, personnel) for 类 and 款 rows, in code order."""
    by_lei: dict[str, list[EconomicItem]] = {}
    for e in sorted(items, key=lambda e: e.code):
        by_lei.setdefault(e.code[:3], []).append(e)
    out: list[tuple[str, int, bool]] = []
    for lei in sorted(by_lei):
        es = by_lei[lei]
        out.append((lei, sum(e.amount for e in es), es[0].personnel))
        out += [(e.code, e.amount, e.personnel) for e in es]
    return out


def _economic_body(g: GridBuilder, ctx: Ctx, items: list[EconomicItem], *, mode: str,
                   total_first: bool, with_split_cols: bool, zero_text: str = "") -> list:
    """Economic-classification rows. ``mode``: "gov" (name | 政府预算经济科目名称, no codes),
    "code" (code | name), "split" (类 | 款 | name). ``with_split_cols`` adds 人员经费 | 公用经费."""
    names = pools.economic_names()
    rows: list = []
    tree = _economic_tree(ctx.data, items)
    tot = sum(e.amount for e in items)
    pers = sum(e.amount for e in items if e.personnel)

    def amt(fen: int, force_zero: bool) -> str:
        if fen == 0 and force_zero:
            return zero_text
        return ctx.t(fen)

    def amount_cells(total: int, personnel: int) -> tuple[list[str], dict[Column, str]]:
        texts = {Column.total: ctx.t(total)}
        if with_split_cols:
            texts[Column.personnel] = amt(personnel, True)
            texts[Column.public_funds] = amt(total - personnel, True)
        return list(texts.values()), texts

    lead = {"gov": 2, "code": 2, "split": 3}[mode]

    def write_total() -> None:
        out, texts = amount_cells(tot, pers)
        first: list = [("合计", lead)] if ctx.data.merge_total else ["合计"] + [""] * (lead - 1)
        r = g.row([*first, *out])
        rows.append(EconomicRow(grid_row=r, economic_name="合计", is_total=True, amounts=_amounts(texts)))

    if total_first:
        write_total()
    for code, fen, personnel in tree:
        name = names[code]
        out, texts = amount_cells(fen, fen if personnel else 0)
        level = SubjectLevel.lei if len(code) == 3 else SubjectLevel.kuan
        gov = None
        if mode == "gov":
            gov = ctx.data.gov_economic.get(code, "") if len(code) == 5 else ""
            items_ = [name, gov]
            printed_code = None
        elif mode == "code":
            items_ = [code, name]
            printed_code = code
        else:
            items_ = [code[:3], code[3:5], name]
            printed_code = code
        r = g.row([*items_, *out])
        rows.append(EconomicRow(grid_row=r, economic_code=printed_code, economic_level=level, economic_name=name,
                                government_economic_name=gov or None, amounts=_amounts(texts)))
    if not total_first:
        write_total()
    return rows


def _two_sided(g: GridBuilder, ctx: Ctx, left: list[tuple[str, dict[Column, int] | None, bool]],
               right: list[tuple[str, dict[Column, int] | None, bool]], lcols: list[Column],
               rcols: list[Column], *, right_blank_zero: bool = True) -> list:
    """Rows of a two-sided summary: (label, amounts, is_total) on each side, aligned by index."""
    rows: list = []
    n = max(len(left), len(right))
    for i in range(n):
        items: list[str] = []
        row_items: list = []
        for side, lst, cols in (("revenue", left, lcols), ("expenditure", right, rcols)):
            if i < len(lst):
                label, vals, is_total = lst[i]
                texts = {c: (ctx.t(vals.get(c, 0)) if vals is not None else "") for c in cols}
                items += [label, *texts.values()]
                if label:
                    row_items.append((side, label, is_total, texts))
            else:
                items += [""] * (1 + len(cols))
        r = g.row(items)
        for side, label, is_total, texts in row_items:
            rows.append(ItemRow(grid_row=r, side=side, label=label, is_total=is_total, amounts=_amounts(texts)))
    return rows


def _category_side(ctx: Ctx, names: tuple[str, ...], metric: Callable[[Leaf], dict[str, int]],
                   keymap: dict[Column, str], *, numbered: bool = True, only_used: bool = False
                   ) -> list[tuple[str, dict[Column, int] | None, bool]]:
    cats = ctx.data.category_totals(metric)
    missing = [n for n, v in cats.items() if any(v.values()) and n not in names]
    if missing:
        raise ValueError(f"categories {missing} are not in the printed 类 list")
    out = []
    used = [n for n in names if n in cats and any(cats[n].values())] if only_used else list(names)
    for i, n in enumerate(used, 1):
        vals = cats.get(n)
        label = f"{pools.cn_num(i)}、{n}" if numbered else n
        out.append((label, {c: vals.get(k, 0) for c, k in keymap.items()} if vals else None, False))
    return out


# --------------------------------------------------------------------------------------------------
# shanxi


def shanxi_tables(data: BudgetData) -> list[Table]:
    y = data.year
    u = data.unit
    ctx = Ctx(data, SHANXI_FMT, u)
    out: list[Table] = []
    empty_note = "注：本表无数据"

    def tid() -> str:
        return f"t{len(out) + 1:02d}"

    def label() -> str | None:
        n = len(out) + 1
        keep = data.labels[n - 1] if len(data.labels) >= n else True
        return f"预算公开表{n}" if keep else None

    # 1 收支总表
    cats = pools.category_list("shanxi", y)
    g = GridBuilder(6)
    g.header([
        h("收入", h("项目", role="item", side="revenue"), h(f"{y}年", col=Column.total, side="revenue")),
        h("支出", h("项目", role="item", side="expenditure"),
          h(f"{y}年合计", col=Column.total, side="expenditure"),
          h("当年预算安排", col=Column.current_year, side="expenditure"),
          h("上年结转安排", col=Column.carryover, side="expenditure")),
    ])
    T, CY, CO = Column.total, Column.current_year, Column.carryover
    left = [
        ("一、一般公共预算", {T: data.income("gpb")}, False),
        ("二、政府性基金预算", {T: data.income("gf")}, False),
        ("三、国有资本经营预算", {T: data.income("sc")}, False),
        ("四、财政专户管理资金", {T: data.income("sa")}, False),
        ("五、单位资金", {T: data.income("uf")}, False),
    ]
    right = _category_side(ctx, cats, m_split_cur, {T: "total", CY: "current", CO: "carry"})
    rows = _two_sided(g, ctx, left, right, [T], [T, CY, CO])
    cur = data.income_total
    tail_l = [("本年收入合计", {T: cur}, True), ("上年结转", {T: data.carry_total}, False),
              ("收入总计", {T: data.total}, True)]
    tail_r = [("本年支出合计", {T: data.total, CY: cur, CO: data.carry_total}, True), ("年终结转", {}, False),
              ("支出总计", {T: data.total, CY: cur, CO: data.carry_total}, True)]
    rows += _two_sided(g, ctx, tail_l, tail_r, [T], [T, CY, CO])
    out.append(_make_table(g, tid=tid(), ttype=TableType.revenue_expenditure_summary, title=f"{y}年预算收支总表",
                           label=label(), data=data, unit=u, rows=rows,
                           notes=["注：本套报表因取数时四舍五入，部分金额可能存在尾差"], is_empty=False))

    # 2 收入总表
    g = GridBuilder(9)
    g.header([
        h("项目", h("科目编码", role="subject_code"), h("科目名称", role="subject_name")),
        h("本年收入", h("合计", col=Column.total), h("一般公共预算", col=Column.general_public_budget),
          h("政府性基金", col=Column.government_fund), h("国有资本经营预算", col=Column.state_capital),
          h("财政专户管理资金", col=Column.special_account), h("单位资金", col=Column.unit_funds)),
        h("上年结转", col=Column.carryover),
    ])
    cols = [(Column.total, "total"), (Column.general_public_budget, "gpb"), (Column.government_fund, "gf"),
            (Column.state_capital, "sc"), (Column.special_account, "sa"), (Column.unit_funds, "uf"),
            (Column.carryover, "carry")]
    tree = data.subject_tree(m_income)
    tot = {"total": data.income_total, "carry": data.carry_total, **{s: data.income(s) for s in SOURCES}}
    rows = _subject_body(g, ctx, tree, cols, code_mode="whole", total=tot, total_first=True)
    out.append(_make_table(g, tid=tid(), ttype=TableType.revenue_summary, title=f"{y}年预算收入总表",
                           label=label(), data=data, unit=u, rows=rows, notes=[], is_empty=False))

    # 3 支出总表
    def exp_table(title: str, ttype: TableType, metric: Callable[[Leaf], dict[str, int]], head: str) -> Table:
        g = GridBuilder(5)
        g.header([
            h("项目", h("科目编码", role="subject_code"), h("科目名称", role="subject_name")),
            h(head, h("合计", col=Column.total), h("基本支出", col=Column.basic_expenditure),
              h("项目支出", col=Column.project_expenditure)),
        ])
        tree = data.subject_tree(metric)
        tot = {"total": 0, "basic": 0, "project": 0}
        for code, vals in tree:
            if len(code) == 3:
                for k in tot:
                    tot[k] += vals.get(k, 0)
        cols = [(Column.total, "total"), (Column.basic_expenditure, "basic"),
                (Column.project_expenditure, "project")]
        rows = _subject_body(g, ctx, tree, cols, code_mode="whole", total=tot, total_first=True)
        empty = not tree
        return _make_table(g, tid=tid(), ttype=ttype, title=title, label=label(), data=data, unit=u, rows=rows,
                           notes=[empty_note] if empty else [], is_empty=empty)

    out.append(exp_table(f"{y}年预算支出总表", TableType.expenditure_summary, m_all, f"{y}年预算数"))

    # 4 财政拨款收支总表
    g = GridBuilder(7)
    g.header([
        h("收入", h("项目", role="item", side="revenue"), h("金额", col=Column.total, side="revenue")),
        h("支出", h("项目", role="item", side="expenditure"),
          h("金额", h("小计", col=Column.total, side="expenditure"),
            h("一般公共预算", col=Column.general_public_budget, side="expenditure"),
            h("政府性基金预算", col=Column.government_fund, side="expenditure"),
            h("国有资本经营预算", col=Column.state_capital, side="expenditure"))),
    ])
    GPB, GF, SC = Column.general_public_budget, Column.government_fund, Column.state_capital
    left = [("一、一般公共预算", {T: data.income("gpb")}, False), ("二、政府性基金预算", {T: data.income("gf")}, False),
            ("三、国有资本经营预算", {T: data.income("sc")}, False)]
    right = _category_side(ctx, cats, m_fiscal(carry=True), {T: "total", GPB: "gpb", GF: "gf", SC: "sc"})
    rcols = [T, GPB, GF, SC]
    rows = _two_sided(g, ctx, left, right, [T], rcols)
    fis_cur = sum(data.income(s) for s in FISCAL)
    fis_carry = sum(data.project_carry(s) for s in FISCAL)
    all_f = {T: fis_cur + fis_carry, **{SOURCE_COLUMN[s]: data.fiscal(s) for s in FISCAL}}
    tail_l = [("本年收入合计", {T: fis_cur}, True), ("上年财政拨款结转", {T: fis_carry}, False),
              ("一、一般公共预算", {T: data.project_carry("gpb")}, False),
              ("二、政府性基金预算", {T: data.project_carry("gf")}, False),
              ("三、国有资本经营预算", {T: data.project_carry("sc")}, False),
              ("收入总计", {T: fis_cur + fis_carry}, True)]
    tail_r = [("本年支出合计", all_f, True), ("年终结转", {}, False), ("", None, False), ("", None, False),
              ("", None, False), ("支出总计", all_f, True)]
    rows += _two_sided(g, ctx, tail_l, tail_r, [T], rcols)
    out.append(_make_table(g, tid=tid(), ttype=TableType.fiscal_appropriation_summary, title=f"{y}年财政拨款收支总表",
                           label=label(), data=data, unit=u, rows=rows, notes=[], is_empty=False))

    # 5 一般公共预算支出表
    out.append(exp_table(f"{y}年一般公共预算支出预算表（不含上年结转）", TableType.general_public_budget_expenditure,
                         m_source("gpb"), f"{y}年预算数"))

    # 6 基本支出分经济科目表
    g = GridBuilder(5)
    g.header([
        h("部门预算支出经济科目名称", role="economic_name"), h("政府预算支出经济科目名称", role="government_economic_name"),
        h(f"{y}年预算数", h("合计", col=Column.total), h("人员经费", col=Column.personnel),
          h("公用经费", col=Column.public_funds)),
    ])
    rows = _economic_body(g, ctx, data.economic, mode="gov", total_first=True, with_split_cols=True)
    out.append(_make_table(g, tid=tid(), ttype=TableType.general_public_budget_basic_economic,
                           title=f"{y}年一般公共预算安排基本支出分经济科目表（不含上年结转）", label=label(), data=data,
                           unit=u, rows=rows, notes=[], is_empty=False))

    # 7 政府性基金收入表 (收入科目 are not generated: always empty)
    g = GridBuilder(3)
    g.header([h("项目", h("收入科目编码", role="subject_code"), h("科目名称", role="subject_name")),
              h("政府性基金收入预算", col=Column.total)])
    r = g.row([("合计", 2), ""] if data.merge_total else ["合计", "", ""])
    rows = [SubjectRow(grid_row=r, subject_name="合计", is_total=True, amounts={Column.total: None})]
    out.append(_make_table(g, tid=tid(), ttype=TableType.government_fund_revenue,
                           title=f"{y}年政府性基金预算收入表（不含上年结转）", label=label(), data=data, unit=u,
                           rows=rows, notes=[empty_note], is_empty=True))

    # 8 政府性基金支出表
    g = GridBuilder(5)
    g.header([h("科目编码", role="subject_code"), h("科目名称", role="subject_name"), h("合计", col=Column.total),
              h("基本支出", col=Column.basic_expenditure), h("项目支出", col=Column.project_expenditure)])
    tree = data.subject_tree(m_source("gf"))
    gf = data.income("gf")
    cols = [(Column.total, "total"), (Column.basic_expenditure, "basic"), (Column.project_expenditure, "project")]
    rows = _subject_body(g, ctx, tree, cols, code_mode="whole", total={"total": gf, "basic": 0, "project": gf},
                         total_first=True)
    out.append(_make_table(g, tid=tid(), ttype=TableType.government_fund_expenditure,
                           title=f"{y}年政府性基金预算支出表（不含上年结转）", label=label(), data=data, unit=u,
                           rows=rows, notes=[] if tree else [empty_note], is_empty=not tree))

    # 9 国有资本经营预算收支表 (always empty: no 国有资本经营 codes in the reference)
    g = GridBuilder(8)
    g.header([
        h("国有资本经营预算收入", h("项目", h("收入科目编码", role="subject_code"), h("科目名称", role="subject_name")),
          h("国有资本经营收入预算", col=Column.total, side="revenue")),
        h("国有资本经营预算支出", h("科目编码", role="subject_code"), h("科目名称", role="subject_name"),
          h("合计", col=Column.total, side="expenditure"), h("基本支出", col=Column.basic_expenditure, side="expenditure"),
          h("项目支出", col=Column.project_expenditure, side="expenditure")),
    ])
    r = g.row(["合计", "", "", "", "", "", "", ""])
    rows = [ItemRow(grid_row=r, side="revenue", label="合计", is_total=True, amounts={Column.total: None}),
            ItemRow(grid_row=r, side="expenditure", label="合计", is_total=True,
                    amounts={Column.total: None, Column.basic_expenditure: None, Column.project_expenditure: None})]
    out.append(_make_table(g, tid=tid(), ttype=TableType.state_capital_operation,
                           title=f"{y}年国有资本经营预算收支预算表（不含上年结转）", label=label(), data=data, unit=u,
                           rows=rows, notes=[empty_note], is_empty=True))

    # 10 三公
    g = GridBuilder(5)
    g.header([h("项目", role="item"),
              h(f"{y}年预算数", h("合计", col=Column.total), h("一般公共预算", col=GPB), h("政府性基金预算", col=GF),
                h("国有资本经营预算", col=SC))])
    tp = data.three_public
    vt = tp["vehicle_purchase"] + tp["vehicle_operation"]
    items3 = [("因公出国（境）费", tp["overseas"], False), ("公务接待费", tp["reception"], False),
              ("公务用车购置及运行费", vt, False), ("①公务用车购置费", tp["vehicle_purchase"], False),
              ("②公务用车运行维护费", tp["vehicle_operation"], False), ("合计", data.three_public_total, True)]
    rows = []
    for lab, fen, is_t in items3:
        texts = {T: ctx.t(fen), GPB: ctx.t(fen), GF: "", SC: ""}
        r = g.row([lab, *texts.values()])
        rows.append(ItemRow(grid_row=r, label=lab, is_total=is_t, amounts=_amounts(texts)))
    empty = data.three_public_total == 0
    out.append(_make_table(g, tid=tid(), ttype=TableType.three_public_expenses,
                           title=f"{y}年财政拨款安排“三公”经费支出预算表", label=label(), data=data, unit=u, rows=rows,
                           notes=[empty_note] if empty else [], is_empty=empty))

    # 11 机关运行经费
    g = GridBuilder(5)
    head = f"{y}年预算数" if (y % 2 or len(data.department) % 2) else f"{y}预算数"
    g.header([h("单位名称", role="unit_name"),
              h(head, h("合计", col=Column.total), h("一般公共预算", col=GPB), h("政府性基金预算", col=GF),
                h("国有资本经营预算", col=SC))])
    ao_total = sum(data.agency_operating.values())
    rows = []
    for lab, fen, is_t in [("部门合计", ao_total, True), *[(n, v, False) for n, v in data.agency_operating.items()]]:
        texts = {T: ctx.t(fen), GPB: ctx.t(fen), GF: "", SC: ""}
        r = g.row([lab, *texts.values()])
        rows.append(ItemRow(grid_row=r, label=lab, is_total=is_t, amounts=_amounts(texts)))
    out.append(_make_table(g, tid=tid(), ttype=TableType.agency_operating_expenses,
                           title=f"{y}年财政拨款安排机关运行经费预算表", label=label(), data=data, unit=u, rows=rows,
                           notes=[] if ao_total else [empty_note], is_empty=ao_total == 0))

    # 12 / 13 项目支出
    out.append(_shanxi_projects(data, ctx, tid(), label(), carry=False))
    out.append(_shanxi_projects(data, ctx, tid(), label(), carry=True))
    return out


def _shanxi_projects(data: BudgetData, ctx: Ctx, tid: str, label: str, *, carry: bool) -> Table:
    y = data.year
    GPB, GF, SC, SA, UF = (Column.general_public_budget, Column.government_fund, Column.state_capital,
                           Column.special_account, Column.unit_funds)
    fiscal = h(f"{y}年财政拨款", h("一般公共预算", col=GPB), h("政府性基金预算", col=GF), h("国有资本经营预算", col=SC))
    if carry:
        nodes = [h("项目名称", role="project_name"), h("合计", col=Column.total), fiscal]
        srcs = ["gpb", "gf", "sc"]
    else:
        nodes = [h("项目名称", role="project_name"), h("合计", col=Column.total), fiscal,
                 h("财政专户管理资金", col=SA), h("单位资金", col=UF)]
        srcs = ["gpb", "gf", "sc", "sa", "uf"]
    ncols = 2 + len(srcs)
    g = GridBuilder(ncols)
    g.header(nodes, extra_rows=[[str(i) for i in range(1, ncols + 1)]])
    projects = data.carry_projects if carry else data.projects
    rows: list = []

    def write(name: str, level: str, amounts: dict[str, int], subject: str | None = None) -> None:
        texts = {Column.total: ctx.t(sum(amounts.get(s, 0) for s in srcs))}
        for s in srcs:
            texts[SOURCE_COLUMN[s]] = ctx.t(amounts.get(s, 0))
        r = g.row([name, *texts.values()])
        rows.append(ProjectRow(grid_row=r, project_name=name, level=level, subject_code=subject,  # type: ignore[arg-type]
                               amounts=_amounts(texts)))

    if projects:
        def summed(ps: list[ProjectItem]) -> dict[str, int]:
            d: dict[str, int] = {}
            for p in ps:
                for s, v in p.amounts.items():
                    d[s] = d.get(s, 0) + v
            return d

        write(data.department, "department", summed(projects))
        for unit_name in data.units:
            ps = [p for p in projects if p.unit_name == unit_name]
            if not ps:
                continue
            write(unit_name, "unit", summed(ps))
            for p in ps:
                write(p.name, "project", p.amounts, p.subject)
    title = f"{y}年项目支出预算表（上年结转）" if carry else f"{y}年项目支出预算表（本年预算）"
    ttype = TableType.project_expenditure_carryover if carry else TableType.project_expenditure
    return _make_table(g, tid=tid, ttype=ttype, title=title, label=label, data=data, unit=ctx.unit, rows=rows,
                       notes=[] if projects else ["注：本表无数据"], is_empty=not projects)


# --------------------------------------------------------------------------------------------------
# jiangsu


def jiangsu_tables(data: BudgetData) -> list[Table]:
    y = data.year
    u = data.unit
    ctx = Ctx(data, JIANGSU_FMT, u)
    out: list[Table] = []
    old = y <= 2018
    required = "注：“科目编码”和“科目名称”为必填项。"
    T = Column.total

    def meta(base: str) -> tuple[str, str, str | None]:
        n = len(out) + 1
        if old:
            return f"t{n:02d}", f"{pools.cn_num(n)}、{y}年度{data.department}部门{base}", None
        return f"t{n:02d}", base, f"公开{n:02d}表"

    # 01 收支预算总表: 收入 | 支出 (功能分类 | 支出用途). The 支出用途 list repeats the money by use:
    # its rows carry 基本支出 / 项目支出 amounts (not a second set of "total" items).
    g = GridBuilder(6)
    g.header([
        h("收入", h("项目名称", role="item", side="revenue"), h("金额", col=T, side="revenue")),
        h("支出", h("功能分类", h("功能科目名称", role="item", side="expenditure"), h("金额", col=T, side="expenditure")),
          h("支出用途", h("项目名称", role="item", side="expenditure"), h("金额", role="amount", side="expenditure"))),
    ])
    cats = _category_side(ctx, pools.category_list("jiangsu", y), m_all, {T: "total"})
    other = data.income("biz") + data.income("oper") + data.income("other") + data.income("uf")
    rev = [("一、财政拨款", data.income("gpb") + data.income("gf") + data.income("sc")),
           ("1.一般公共预算", data.income("gpb")), ("2.政府性基金预算", data.income("gf")),
           ("二、财政专户管理资金", data.income("sa")), ("三、其他资金", other)]
    use = [("一、基本支出", Column.basic_expenditure, data.basic_total),
           ("二、项目支出", Column.project_expenditure, data.project_total), ("三、单位预留机动经费", None, 0)]
    rows: list = []
    n = max(len(rev), len(cats), len(use))
    for i in range(n):
        items: list[str] = []
        row_items: list[ItemRow] = []
        if i < len(rev):
            txt = ctx.t(rev[i][1])
            items += [rev[i][0], txt]
            row_items.append(ItemRow(grid_row=0, side="revenue", label=rev[i][0], amounts={T: Fmt.value(txt)}))
        else:
            items += ["", ""]
        if i < len(cats):
            lab, vals, _t = cats[i]
            txt = ctx.t((vals or {}).get(T, 0))
            items += [lab, txt]
            row_items.append(ItemRow(grid_row=0, side="expenditure", label=lab, amounts={T: Fmt.value(txt)}))
        else:
            items += ["", ""]
        if i < len(use):
            lab, col, fen = use[i]
            txt = ctx.t(fen)
            items += [lab, txt]
            row_items.append(ItemRow(grid_row=0, side="expenditure", label=lab,
                                     amounts={col: Fmt.value(txt)} if col is not None else {}))
        else:
            items += ["", ""]
        r = g.row(items)
        for it in row_items:
            it.grid_row = r
        rows += row_items
    for (lab_l, fl), (lab_r, fr) in ((("当年收入小计", data.income_total), ("当年支出小计", data.income_total)),
                                     (("上年结转资金", data.carry_total), ("结转下年资金", 0)),
                                     (("收入合计", data.total), ("支出合计", data.total))):
        tl, tr = ctx.t(fl), ctx.t(fr)
        r = g.row([lab_l, tl, lab_r, tr, "", ""])
        tot = lab_l != "上年结转资金"
        rows += [ItemRow(grid_row=r, side="revenue", label=lab_l, is_total=tot, amounts={T: Fmt.value(tl)}),
                 ItemRow(grid_row=r, side="expenditure", label=lab_r, is_total=tot, amounts={T: Fmt.value(tr)})]
    tid, title, lab = meta("收支预算总表")
    out.append(_make_table(g, tid=tid, ttype=TableType.revenue_expenditure_summary, title=title, label=lab,
                           data=data, unit=u, rows=rows, notes=[], is_empty=False))

    # 02 收入预算总表: 项目名称 (group | item) | 金额
    g = GridBuilder(3)
    g.header([h("项目名称", role="item", span=2), h("金额", col=T)])
    rows = []
    r = g.row([("收入总计", 2), ctx.t(data.total)])
    rows.append(ItemRow(grid_row=r, side="revenue", label="收入总计", is_total=True, amounts={T: Fmt.value(ctx.t(data.total))}))
    groups = [
        ("一般公共预算资金", [("小计", data.income("gpb")), ("公共财政拨款（补助）资金", data.income("gpb")), ("专项收入", 0)]),
        ("政府性基金", [("小计", data.income("gf"))]),
        ("财政专户管理资金", [("小计", data.income("sa")), ("专户管理教育收费", data.income("sa")), ("其他非税收入", 0)]),
        ("其他资金", [("小计", other), ("事业收入", data.income("biz")), ("经营收入", data.income("oper")),
                  ("其他收入", data.income("other") + data.income("uf")), ("债务资金（银行贷款）", 0)]),
        ("上年结转和结余资金", [("小计", data.carry_total), ("其中：动用上年结转和结余资金", data.carry_total)]),
    ]
    for gname, items in groups:
        r0 = g.next_row()
        g.add(r0, 0, gname, rs=len(items), rh=True)
        for k, (it, fen) in enumerate(items):
            txt = ctx.t(fen)
            g.add(r0 + k, 1, it)
            g.add(r0 + k, 2, txt)
            g.nrows = r0 + k + 1
            lab_ = gname if it == "小计" else it
            rows.append(ItemRow(grid_row=r0 + k, side="revenue", label=lab_, amounts={T: Fmt.value(txt)}))
    tid, title, lab = meta("收入预算总表")
    out.append(_make_table(g, tid=tid, ttype=TableType.revenue_summary, title=title, label=lab, data=data, unit=u,
                           rows=rows, notes=[], is_empty=False))

    # 03 支出预算总表: one row
    g = GridBuilder(5)
    g.header([h("合计", col=T), h("基本支出", col=Column.basic_expenditure), h("项目支出", col=Column.project_expenditure),
              h("单位预留机动经费", role="amount"), h("结转下年资金", col=Column.year_end_carryover)])
    texts = {T: ctx.t(data.total), Column.basic_expenditure: ctx.t(data.basic_total),
             Column.project_expenditure: ctx.t(data.project_total)}
    r = g.row([*texts.values(), "", ""])
    texts[Column.year_end_carryover] = ""
    rows = [ItemRow(grid_row=r, side="expenditure", label="合计", is_total=True, amounts=_amounts(texts))]
    tid, title, lab = meta("支出预算总表")
    out.append(_make_table(g, tid=tid, ttype=TableType.expenditure_summary, title=title, label=lab, data=data, unit=u,
                           rows=rows, notes=[], is_empty=False))

    # 04 财政拨款收支预算总表
    g = GridBuilder(4)
    g.header([h("收入", h("项目名称", role="item", side="revenue"), h("金额", col=T, side="revenue")),
              h("支出", h("支出用途", h("项目名称", role="item", side="expenditure"), h("金额", col=T, side="expenditure")))])
    fis = sum(data.fiscal(s) for s in FISCAL)
    fis_basic = data.basic_total
    left = [("一、一般公共预算", {T: data.fiscal("gpb")}, False), ("二、政府性基金预算", {T: data.fiscal("gf")}, False)]
    right = [("一、基本支出", {T: fis_basic}, False), ("二、项目支出", {T: fis - fis_basic}, False),
             ("三、单位预留机动经费", {T: 0}, False)]
    rows = _two_sided(g, ctx, left, right, [T], [T])
    rows += _two_sided(g, ctx, [("收入合计", {T: fis}, True)], [("支出合计", {T: fis}, True)], [T], [T])
    tid, title, lab = meta("财政拨款收支预算总表")
    out.append(_make_table(g, tid=tid, ttype=TableType.fiscal_appropriation_summary, title=title, label=lab,
                           data=data, unit=u, rows=rows, notes=[], is_empty=False))

    def func_table(base: str, ttype: TableType, metric: Callable[[Leaf], dict[str, int]], empty_zero: bool) -> Table:
        g = GridBuilder(3)
        g.header([h("功能科目编码", role="subject_code"), h("功能科目名称", role="subject_name"), h("金 额", col=T)])
        tree = data.subject_tree(metric)
        tot = sum(v["total"] for c, v in tree if len(c) == 3)
        fmt = Fmt(sep=True, zero="0" if empty_zero else "")
        c2 = Ctx(data, fmt, u)
        rows = _subject_body(g, c2, tree, [(T, "total")], code_mode="whole", total={"total": tot}, total_first=True)
        tid, title, lab = meta(base)
        return _make_table(g, tid=tid, ttype=ttype, title=title, label=lab, data=data, unit=u, rows=rows,
                           notes=[required], is_empty=not tree)

    def econ_table(base: str, ttype: TableType, head: str, col: Column, items: list[EconomicItem]) -> Table:
        g = GridBuilder(3)
        g.header([h("科目编码", role="economic_code"), h("科目名称", role="economic_name"), h(head, col=col)])
        rows = _economic_body(g, ctx, items, mode="code", total_first=True, with_split_cols=False)
        if col != T:
            for rw in rows:
                rw.amounts = {col: rw.amounts[T]}
        tid, title, lab = meta(base)
        return _make_table(g, tid=tid, ttype=ttype, title=title, label=lab, data=data, unit=u, rows=rows,
                           notes=[required], is_empty=not items)

    out.append(func_table("财政拨款支出预算表（功能科目）", TableType.fiscal_appropriation_expenditure,
                          m_fiscal(carry=True), False))
    out.append(econ_table("财政拨款基本支出预算表（经济科目）", TableType.fiscal_appropriation_basic_economic, "金额", T,
                          data.economic))
    out.append(func_table("一般公共预算支出预算表（功能科目）", TableType.general_public_budget_expenditure,
                          m_source("gpb", carry=True), False))
    out.append(econ_table("一般公共预算基本支出预算表（经济科目）", TableType.general_public_budget_basic_economic,
                          "基本支出", Column.basic_expenditure, data.economic))


    # 09 “三公”经费、会议费、培训费: one row under a three-level header
    g = GridBuilder(9)
    g.header([
        h("合计", role="amount"),
        h("“三公”经费", h("小计", col=T), h("因公出国（境）费", col=Column.overseas_travel),
          h("公务用车购置及运行维护费", h("小计", col=Column.vehicle_total),
            h("公务用车购置费", col=Column.vehicle_purchase), h("公务用车运行维护费", col=Column.vehicle_operation)),
          h("公务接待费", col=Column.official_reception)),
        h("会议费", role="amount"), h("培训费", role="amount"),
    ])
    tp = data.three_public
    vt = tp["vehicle_purchase"] + tp["vehicle_operation"]
    grand = data.three_public_total + data.meeting + data.training
    texts = [ctx.t(v) for v in (grand, data.three_public_total, tp["overseas"], vt, tp["vehicle_purchase"],
                                tp["vehicle_operation"], tp["reception"], data.meeting, data.training)]
    r = g.row(texts)
    amounts = {T: Fmt.value(texts[1]), Column.overseas_travel: Fmt.value(texts[2]),
               Column.vehicle_total: Fmt.value(texts[3]), Column.vehicle_purchase: Fmt.value(texts[4]),
               Column.vehicle_operation: Fmt.value(texts[5]), Column.official_reception: Fmt.value(texts[6])}
    rows = [ItemRow(grid_row=r, label="合计", is_total=True, amounts=amounts)]
    tid, title, lab = meta("一般公共预算“三公”经费、会议费、培训费支出预算表")
    out.append(_make_table(g, tid=tid, ttype=TableType.three_public_expenses, title=title, label=lab, data=data,
                           unit=u, rows=rows, notes=[], is_empty=grand == 0))

    # 10 政府性基金
    out.append(func_table("政府性基金预算财政拨款支出预算表", TableType.government_fund_expenditure,
                          m_source("gf", carry=True), True))

    # 11 机关运行经费: the public-funds 款 of the basic expenditure
    g = GridBuilder(3)
    g.header([h("科目编码", role="economic_code"), h("科目名称", role="economic_name"),
              h("机关运行经费支出", col=Column.agency_operating)])
    ao = sum(data.agency_operating.values())
    items = [e for e in data.economic if not e.personnel] if ao else []
    if ao and sum(e.amount for e in items) != ao:
        raise ValueError("机关运行经费 must equal the public funds for the Jiangsu table")
    rows = _economic_body(g, ctx, items, mode="code", total_first=True, with_split_cols=False)
    for rw in rows:
        rw.amounts = {Column.agency_operating: rw.amounts[T]}
    tid, title, lab = meta("一般公共预算机关运行经费支出预算表")
    out.append(_make_table(g, tid=tid, ttype=TableType.agency_operating_expenses, title=title, label=lab,
                           data=data, unit=u, rows=rows, notes=[
                               ("注：1.“机关运行经费”指行政单位（含参照公务员法管理的事业单位）使用一般公共预算安排的基本支出中的"
                               "日常公用经费支出，包括办公及印刷费、邮电费、差旅费、会议费、福利费、日常维修费、专用材料及一般"
                               "设备购置费、办公用房水电费、办公用房取暖费、办公用房物业管理费、公务用车运行维护费及其他费用。"),
                               "2.“科目编码”和“科目名称”为必填项。"], is_empty=not items))

    # 12 政府采购
    out.append(_procurement_table(data, ctx, *meta("政府采购支出预算表")))
    return out


PROCUREMENT_CATEGORIES: tuple[tuple[str, str], ...] = (("货物", "一、货物A"), ("工程", "二、工程B"), ("服务", "三、服务C"))


def _procurement_table(data: BudgetData, ctx: Ctx, tid: str, title: str, label: str | None) -> Table:
    T = Column.total
    g = GridBuilder(6)
    g.header([h("采购品目大类", role="item"), h("专项名称", role="text"), h("经济科目", role="economic_name"),
              h("采购物品名称", role="item"), h("采购组织形式", role="text"), h("总计", col=T)])
    rows: list = []
    total = sum(p.amount for p in data.procurement)
    r = g.row([("合计", 5), ctx.t(total)])
    rows.append(ItemRow(grid_row=r, label="合计", is_total=True, amounts={T: Fmt.value(ctx.t(total))}))
    for cat, cat_label in PROCUREMENT_CATEGORIES:
        items = [p for p in data.procurement if p.category == cat]
        if not items:
            continue
        txt = ctx.t(sum(p.amount for p in items))
        r = g.row([cat_label, "", "", "", "", txt])
        rows.append(ItemRow(grid_row=r, label=cat_label, amounts={T: Fmt.value(txt)}))
        groups: dict[tuple[str, str], list[ProcurementItem]] = {}
        for p in items:
            groups.setdefault((p.special, p.economic), []).append(p)
        for (special, econ), ps in groups.items():
            # group and item lines stay in the grid only: as typed rows they would read as more
            # items of the flat 合计 list (the schema has no item hierarchy beyond ①② sub-items)
            g.row(["", special, econ, "", "", ctx.t(sum(p.amount for p in ps))])
            for p in ps:
                g.row(["", "", "", p.item, p.method, ctx.t(p.amount)])
    notes = ["注：1.采购组织形式为：集中采购、部门集中采购和分散采购。",
             "2.采购品目名称根据《政府采购品目分类目录》规定品目名称填写。"]
    return _make_table(g, tid=tid, ttype=TableType.government_procurement, title=title, label=label, data=data,
                       unit=ctx.unit, rows=rows, notes=notes, is_empty=not data.procurement)


# --------------------------------------------------------------------------------------------------
# shanghai


def shanghai_tables(data: BudgetData) -> list[Table]:
    y = data.year
    u = data.unit
    ctx = Ctx(data, SHANGHAI_FMT, u)
    out: list[Table] = []
    T = Column.total
    GPB, GF, SC = Column.general_public_budget, Column.government_fund, Column.state_capital
    if data.carry_total:
        raise ValueError("the shanghai tables print no carry-over")

    def tid() -> str:
        return f"t{len(out) + 1:02d}"

    def code_head() -> H:
        return h("功能分类科目编码", h("类", role="subject_code_lei"), h("款", role="subject_code_kuan"),
                 h("项", role="subject_code_xiang"))

    other = data.income("other") + data.income("uf") + data.income("sa")
    fiscal_cur = sum(data.income(s) for s in FISCAL)

    # 1 部门财务收支预算总表
    g = GridBuilder(4)
    g.header([h("本年收入", h("项目", role="item", side="revenue"), h("预算数", col=T, side="revenue")),
              h("本年支出", h("项目", role="item", side="expenditure"), h("预算数", col=T, side="expenditure"))])
    left = [("一、财政拨款收入", {T: fiscal_cur}, False), ("1. 一般公共预算资金", {T: data.income("gpb")}, False),
            ("2. 政府性基金", {T: data.income("gf")}, False), ("3. 国有资本经营预算", {T: data.income("sc")}, False),
            ("二、事业收入", {T: data.income("biz")}, False), ("三、事业单位经营收入", {T: data.income("oper")}, False),
            ("四、其他收入", {T: other}, False)]
    right = _category_side(ctx, pools.category_list("shanghai", y), m_all, {T: "total"}, only_used=True)
    rows = _two_sided(g, ctx, left, right, [T], [T])
    rows += _two_sided(g, ctx, [("收入总计", {T: data.total}, True)], [("支出总计", {T: data.total}, True)], [T], [T])
    out.append(_make_table(g, tid=tid(), ttype=TableType.department_financial_summary,
                           title=f"{y}年部门财务收支预算总表", label=None, data=data, unit=u, rows=rows, notes=[],
                           is_empty=False))

    # 2 部门收入预算总表
    g = GridBuilder(9)
    g.header([h("项目", code_head(), h("功能分类科目名称", role="subject_name")),
              h("收入预算", h("合计", col=T), h("财政拨款收入", col=Column.fiscal_appropriation),
                h("事业收入", col=Column.business_income), h("事业单位经营收入", col=Column.operating_income),
                h("其他收入", col=Column.other_income))])

    def m_rev(lf: Leaf) -> dict[str, int]:
        d = m_income(lf)
        return {"total": d["total"], "fiscal": d["gpb"] + d["gf"] + d["sc"], "biz": d["biz"], "oper": d["oper"],
                "other": d["other"] + d["uf"] + d["sa"]}

    cols = [(T, "total"), (Column.fiscal_appropriation, "fiscal"), (Column.business_income, "biz"),
            (Column.operating_income, "oper"), (Column.other_income, "other")]
    tot = {"total": data.income_total, "fiscal": fiscal_cur, "biz": data.income("biz"), "oper": data.income("oper"),
           "other": other}
    rows = _subject_body(g, ctx, data.subject_tree(m_rev), cols, code_mode="split", total=tot, total_first=False)
    out.append(_make_table(g, tid=tid(), ttype=TableType.revenue_summary, title=f"{y}年部门收入预算总表", label=None,
                           data=data, unit=u, rows=rows, notes=[], is_empty=False))

    def func_table(title: str, ttype: TableType, head: str, metric: Callable[[Leaf], dict[str, int]],
                   empty_note: str | None) -> Table:
        g = GridBuilder(7)
        g.header([h("项目", code_head(), h("功能分类科目名称", role="subject_name")),
                  h(head, h("合计", col=T), h("基本支出", col=Column.basic_expenditure),
                    h("项目支出", col=Column.project_expenditure))])
        tree = data.subject_tree(metric)
        tot = {"total": 0, "basic": 0, "project": 0}
        for code, vals in tree:
            if len(code) == 3:
                for k in tot:
                    tot[k] += vals.get(k, 0)
        cols = [(T, "total"), (Column.basic_expenditure, "basic"), (Column.project_expenditure, "project")]
        rows = _subject_body(g, ctx, tree, cols, code_mode="split", total=tot, total_first=False)
        empty = not tree
        return _make_table(g, tid=tid(), ttype=ttype, title=title, label=None, data=data, unit=u, rows=rows,
                           notes=[empty_note] if (empty and empty_note) else [], is_empty=empty)

    out.append(func_table(f"{y}年部门支出预算总表", TableType.expenditure_summary, "支出预算", m_all, None))

    # 4 部门财政拨款收支预算总表
    g = GridBuilder(7)
    # the revenue amount column is "财政拨款收入 / 预算数": the 财政拨款 income (canonical_column's reading)
    FA = Column.fiscal_appropriation
    g.header([h("财政拨款收入", h("项目", role="item", side="revenue"), h("预算数", col=FA, side="revenue")),
              h("财政拨款支出", h("项目", role="item", side="expenditure"), h("合计", col=T, side="expenditure"),
                h("一般公共预算", col=GPB, side="expenditure"), h("政府性基金预算", col=GF, side="expenditure"),
                h("国有资本经营预算", col=SC, side="expenditure"))])
    left = [("一、一般公共预算资金", {FA: data.income("gpb")}, False), ("二、政府性基金", {FA: data.income("gf")}, False),
            ("三、国有资本经营预算", {FA: data.income("sc")}, False)]
    right = _category_side(ctx, pools.category_list("shanghai", y), m_fiscal(carry=False),
                           {T: "total", GPB: "gpb", GF: "gf", SC: "sc"}, only_used=True)
    rcols = [T, GPB, GF, SC]
    rows = _two_sided(g, ctx, left, right, [FA], rcols)
    all_f = {T: fiscal_cur, **{SOURCE_COLUMN[s]: data.income(s) for s in FISCAL}}
    rows += _two_sided(g, ctx, [("收入总计", {FA: fiscal_cur}, True)], [("支出总计", all_f, True)], [FA], rcols)
    out.append(_make_table(g, tid=tid(), ttype=TableType.fiscal_appropriation_summary,
                           title=f"{y}年部门财政拨款收支预算总表", label=None, data=data, unit=u, rows=rows, notes=[],
                           is_empty=False))

    out.append(func_table(f"{y}年部门一般公共预算支出功能分类预算表", TableType.general_public_budget_expenditure,
                          "一般公共预算支出", m_source("gpb"), None))
    out.append(func_table(f"{y}年部门政府性基金预算支出功能分类预算表", TableType.government_fund_expenditure,
                          "政府性基金预算支出", m_source("gf"),
                          f"注:本部门{y}年无政府性基金预算财政拨款安排的预算，故本表为空表。"))
    out.append(func_table(f"{y}年部门国有资本经营预算支出功能分类预算表", TableType.state_capital_operation_expenditure,
                          "国有资本经营预算支出", m_source("sc"),
                          f"注:本部门{y}年无国有资本经营预算财政拨款安排的预算，故本表为空表。"))

    # 8 一般公共预算基本支出部门预算经济分类预算表
    g = GridBuilder(6)
    g.header([h("项目", h("部门预算经济分类科目编码", h("类", role="economic_code"), h("款", role="economic_code")),
                h("经济分类科目名称", role="economic_name")),
              h("一般公共预算基本支出", h("合计", col=T), h("人员经费", col=Column.personnel),
                h("公用经费", col=Column.public_funds))])
    rows = _economic_body(g, ctx, data.economic, mode="split", total_first=False, with_split_cols=True,
                          zero_text="0.00")
    out.append(_make_table(g, tid=tid(), ttype=TableType.general_public_budget_basic_economic,
                           title=f"{y}年部门一般公共预算基本支出部门预算经济分类预算表", label=None, data=data, unit=u,
                           rows=rows, notes=[], is_empty=False))

    # 9 “三公”经费和机关运行经费 (in the small unit, 万元)
    su = data.small_unit
    c2 = Ctx(data, SHANGHAI_FMT, su)
    g = GridBuilder(7)
    g.header([h("“三公”经费预算数", h("合计", col=T), h("因公出国(境)费", col=Column.overseas_travel),
                h("公务接待费", col=Column.official_reception),
                h("公务用车购置及运行费", h("小计", col=Column.vehicle_total), h("购置费", col=Column.vehicle_purchase),
                  h("运行费", col=Column.vehicle_operation))),
              h("机关运行经费预算数", col=Column.agency_operating)])
    tp = data.three_public
    texts = {T: c2.t(data.three_public_total), Column.overseas_travel: c2.t(tp["overseas"]),
             Column.official_reception: c2.t(tp["reception"]),
             Column.vehicle_total: c2.t(tp["vehicle_purchase"] + tp["vehicle_operation"]),
             Column.vehicle_purchase: c2.t(tp["vehicle_purchase"]), Column.vehicle_operation: c2.t(tp["vehicle_operation"]),
             Column.agency_operating: c2.t(sum(data.agency_operating.values()))}
    r = g.row(list(texts.values()))
    rows = [ItemRow(grid_row=r, label="合计", is_total=True, amounts=_amounts(texts))]
    out.append(_make_table(g, tid=tid(), ttype=TableType.three_public_and_agency_operating,
                           title=f"{y}年部门“三公”经费和机关运行经费预算表", label=None, data=data, unit=su, rows=rows,
                           notes=[], is_empty=False))
    return out


# --------------------------------------------------------------------------------------------------

STYLE_TABLES: dict[str, Callable[[BudgetData], list[Table]]] = {
    "shanxi": shanxi_tables, "jiangsu": jiangsu_tables, "shanghai": shanghai_tables,
}


def build_tables(data: BudgetData) -> list[Table]:
    """All tables of ``data.style`` in print order."""
    try:
        fn = STYLE_TABLES[data.style]
    except KeyError:
        raise ValueError(f"unknown style {data.style!r}; choose from {sorted(STYLE_TABLES)}") from None
    return fn(data)
