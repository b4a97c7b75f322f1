"""Performance cards (绩效目标表) laid out as their printed form grids.

:func:`build_card_form` turns a typed :class:`~budgetdoc.model.document.PerformanceCard` into the
:class:`~budgetdoc.model.document.CellGrid` the card is printed as, merges included:

* layout ``shanxi`` (the seed): a project card (项目支出绩效目标表) has 项目名称, 主管部门及代码 |
  实施单位, 项目属性 | 项目期, the 项目资金(元) block (实施期资金总额 | 年度资金总额 and the sources), the
  narrative rows (项目概况 … 项目实施计划), 实施期目标 | 年度目标, and the 绩效指标 block with
  一级/二级/三级指标/指标值 for the period and 二级/三级/指标值 for the year, 一级 and 二级 cells merged
  down over their rows. A department card (整体支出绩效目标申报表) has the 部门基本信息 block, 部门职责,
  部门战略目标, 年度预算情况 by source and by direction, 年度重点任务, 年度绩效目标 and 年度绩效指标.
* layout ``shenbao`` (the 申报表 other regions print): one indicator block (一级/二级/三级/指标值), a
  资金情况 block with 实施期/年度 columns, 年度总体目标.

Every cell text is what the form prints: amounts in 元 as "550,000", in 万元 as "389.23", an absent
amount as a blank cell. Label cells are ``row_header``; the indicator header row and the other
column-title rows are ``column_header``. ``header_rows`` is 0 (a form has no table header).
"""

from __future__ import annotations

from decimal import Decimal

from budgetdoc.model.document import CellGrid, FundLine, IndicatorRow, PerformanceCard
from budgetdoc.model.vocab import CardType, IndicatorScope, Unit
from budgetdoc.parsing.amounts import format_amount
from budgetdoc.synth.tables import GridBuilder

__all__ = ["LAYOUTS", "build_card_form", "card_amount_text", "indicator_groups"]

LAYOUTS: tuple[str, ...] = ("shanxi", "shenbao")


def card_amount_text(value: Decimal | None, unit: Unit | None) -> str:
    """An amount as a card prints it: 元 as "550,000" (decimals only when there are fen), 万元 and
    others with two decimals ("389.23"); None as a blank."""
    if value is None:
        return ""
    if unit in (None, Unit.yuan):
        if value == value.to_integral_value():
            return f"{int(value):,}"
        return format_amount(value, places=2, thousands=True)
    return format_amount(value, places=2)


def indicator_groups(rows: list[IndicatorRow]) -> list[tuple[str, list[tuple[str, list[IndicatorRow]]]]]:
    """Consecutive rows grouped by 一级指标, then by 二级指标 (the cells a form merges)."""
    out: list[tuple[str, list[tuple[str, list[IndicatorRow]]]]] = []
    for r in rows:
        if not out or out[-1][0] != r.level1:
            out.append((r.level1, []))
        l2 = out[-1][1]
        if not l2 or l2[-1][0] != r.level2:
            l2.append((r.level2, []))
        l2[-1][1].append(r)
    return out


def _grid(g: GridBuilder) -> CellGrid:
    cells = g.finish()
    return CellGrid(num_rows=g.nrows, num_cols=g.ncols, header_rows=0, cells=cells)


def _block_rows(g: GridBuilder, top: int, rows: list[IndicatorRow], col_l2: int, n: int) -> None:
    """Write one block's 二级/三级/指标值 cells for the rows of one 一级 group, from ``top``; the
    last 二级 cell is stretched when the block has fewer rows than the group (``n``)."""
    r = top
    groups = indicator_groups(rows)
    runs = [run for _l1, l2s in groups for run in l2s]
    for i, (l2, inds) in enumerate(runs):
        span = len(inds)
        if i == len(runs) - 1:
            span = top + n - r
        g.add(r, col_l2, l2, rs=span, rh=True)
        for k, ind in enumerate(inds):
            g.add(r + k, col_l2 + 1, ind.level3)
            g.add(r + k, col_l2 + 2, ind.value)
        r += span


def _indicator_section(g: GridBuilder, label: str, blocks: list[list[IndicatorRow]], *, with_level1: bool = True,
                       header: list[str]) -> None:
    """A 绩效指标 block: label cell down the left, a header row, then the level-1 groups; ``blocks``
    are the period and (optionally) the annual indicator lists, printed side by side."""
    top = g.next_row()
    for k, t in enumerate(header):
        g.add(top, 1 + k, t, ch=True)
    r = top + 1
    order: list[str] = []
    for b in blocks:
        for ind in b:
            if ind.level1 not in order:
                order.append(ind.level1)
    for l1 in order:
        parts = [[ind for ind in b if ind.level1 == l1] for b in blocks]
        n = max(1, *(len(p) for p in parts))
        if with_level1:
            g.add(r, 1, l1, rs=n, rh=True)
        col = 2
        for p in parts:
            if p:
                _block_rows(g, r, p, col, n)
            col += 3
        r += n
        g.nrows = max(g.nrows, r)
    g.add(top, 0, label, rs=r - top, rh=True)
    g.nrows = max(g.nrows, r)


def _fund_lines(card: PerformanceCard) -> tuple[FundLine | None, list[FundLine], list[FundLine]]:
    total = next((f for f in card.funds if f.canonical == "total" and not f.direction), None)
    sources = [f for f in card.funds if not f.direction and f is not total]
    directions = [f for f in card.funds if f.direction]
    return total, sources, directions


def _field(card: PerformanceCard, key: str) -> str | None:
    return next((f.value for f in card.fields if f.key == key), None)


def _dept_text(card: PerformanceCard) -> str:
    name = card.department_name or ""
    return f"{card.department_code}-{name}" if card.department_code else name


# --------------------------------------------------------------------------------------------------
# project cards


_NARRATIVE = (("项目概况", "overview"), ("立项依据", "basis"), ("项目设立必要性", "necessity"),
              ("保证项目实施的制度、措施", "safeguards"), ("项目实施计划", "plan"))


def _project_shanxi(card: PerformanceCard) -> CellGrid:
    g = GridBuilder(8)
    u = card.funds_unit

    def kv(key: str, value: str) -> None:
        r = g.next_row()
        g.add(r, 0, key, cs=2, rh=True)
        g.add(r, 2, value, cs=6)

    def kv2(k1: str, v1: str, k2: str, v2: str) -> None:
        r = g.next_row()
        g.add(r, 0, k1, cs=2, rh=True)
        g.add(r, 2, v1, cs=2)
        g.add(r, 4, k2, cs=2, rh=True)
        g.add(r, 6, v2, cs=2)

    kv("项目名称", card.project_name or "")
    kv2("主管部门及代码", _dept_text(card), "实施单位", card.implementing_unit or "")
    kv2("项目属性", card.project_attribute or "", "项目期", card.project_period or "")
    total, sources, _dirs = _fund_lines(card)
    top = g.next_row()
    r = top
    g.add(r, 1, "实施期资金总额:", rh=True)
    g.add(r, 2, card_amount_text(total.period_amount if total else None, u), cs=2)
    g.add(r, 4, "年度资金总额:", cs=2, rh=True)
    g.add(r, 6, card_amount_text(total.annual_amount if total else None, u), cs=2)
    for f in sources:
        r += 1
        g.add(r, 1, f.source, rh=True)
        g.add(r, 2, card_amount_text(f.period_amount, u), cs=2)
        g.add(r, 4, f.source, cs=2, rh=True)
        g.add(r, 6, card_amount_text(f.annual_amount, u), cs=2)
    unit_txt = u.value if u is not None else "元"
    g.add(top, 0, f"项目资金({unit_txt})", rs=r - top + 1, rh=True)
    for key, attr in _NARRATIVE:
        value = getattr(card, attr)
        if value is not None:
            kv(key, value)
    r = g.next_row()
    g.add(r, 0, "", cs=2)
    g.add(r, 2, "实施期目标", cs=3, ch=True)
    g.add(r, 5, "年度目标", cs=3, ch=True)
    r += 1
    g.add(r, 0, "总体目标", cs=2, rh=True)
    if _field(card, "总体目标") is not None:
        g.add(r, 2, card.period_goal or card.annual_goal or "", cs=6)
    else:
        g.add(r, 2, card.period_goal or "", cs=3)
        g.add(r, 5, card.annual_goal or "", cs=3)
    period = [i for i in card.indicators if i.scope != IndicatorScope.annual]
    annual = [i for i in card.indicators if i.scope == IndicatorScope.annual]
    _indicator_section(g, "绩效指标", [period, annual],
                       header=["一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"])
    return _grid(g)


def _project_shenbao(card: PerformanceCard) -> CellGrid:
    g = GridBuilder(5)
    u = card.funds_unit

    def kv(key: str, value: str) -> None:
        r = g.next_row()
        g.add(r, 0, key, rh=True)
        g.add(r, 1, value, cs=4)

    def kv2(k1: str, v1: str, k2: str, v2: str) -> None:
        r = g.next_row()
        g.add(r, 0, k1, rh=True)
        g.add(r, 1, v1, cs=2)
        g.add(r, 3, k2, rh=True)
        g.add(r, 4, v2)

    kv("项目名称", card.project_name or "")
    kv2("主管部门及代码", _dept_text(card), "实施单位", card.implementing_unit or "")
    kv2("项目属性", card.project_attribute or "", "项目期", card.project_period or "")
    total, sources, _dirs = _fund_lines(card)
    top = g.next_row()
    g.add(top, 1, "资金来源", cs=2, ch=True)
    g.add(top, 3, "实施期资金总额", ch=True)
    g.add(top, 4, "年度资金总额", ch=True)
    r = top
    for f in ([total] if total else []) + sources:
        r += 1
        g.add(r, 1, f.source, cs=2, rh=True)
        g.add(r, 3, card_amount_text(f.period_amount, u))
        g.add(r, 4, card_amount_text(f.annual_amount, u))
    unit_txt = u.value if u is not None else "元"
    g.add(top, 0, f"项目资金（{unit_txt}）", rs=r - top + 1, rh=True)
    for key, attr in _NARRATIVE:
        value = getattr(card, attr)
        if value is not None:
            kv(key, value)
    if card.period_goal and card.period_goal != card.annual_goal:
        kv("实施期总体目标", card.period_goal)
    kv("年度总体目标", card.annual_goal or card.period_goal or "")
    annual = [i for i in card.indicators if i.scope == IndicatorScope.annual] or list(card.indicators)
    _indicator_section(g, "年度绩效指标", [annual], header=["一级指标", "二级指标", "三级指标", "指标值"])
    return _grid(g)


# --------------------------------------------------------------------------------------------------
# department cards


def _department_shanxi(card: PerformanceCard) -> CellGrid:
    g = GridBuilder(5)
    u = card.funds_unit
    top = 0
    g.add(0, 1, "部门名称", rh=True)
    g.add(0, 2, _dept_text(card), cs=3)
    g.add(1, 1, "内设职能部门数", rh=True)
    g.add(1, 2, card.internal_divisions or "")
    g.add(1, 3, "所属预算单位数", rh=True)
    g.add(1, 4, card.subordinate_units or "")
    g.add(2, 1, "核定的人员编制数", rh=True)
    g.add(2, 2, card.authorized_staff or "")
    g.add(2, 3, "实际在职人员总数", rh=True)
    g.add(2, 4, card.actual_staff or "")
    g.add(3, 1, "", rs=2, cs=2)
    g.add(3, 3, "其中:在编人员数", rh=True)
    g.add(3, 4, card.established_staff or "")
    g.add(4, 3, "其他人员数", rh=True)
    g.add(4, 4, card.other_staff or "")
    g.add(top, 0, "部门基本信息", rs=5, rh=True)

    def kv(key: str, value: str) -> None:
        r = g.next_row()
        g.add(r, 0, key, rh=True)
        g.add(r, 1, value, cs=4)

    kv("部门职责", card.responsibilities or "")
    kv("部门战略目标", card.strategic_goal or "")
    total, sources, directions = _fund_lines(card)
    unit_txt = u.value if u is not None else "万元"
    top = g.next_row()
    for k, t in enumerate(["按资金来源划分", f"资金总额({unit_txt})", "按资金方向划分", f"资金总额({unit_txt})"]):
        g.add(top, 1 + k, t, ch=True)
    left = ([total] if total else []) + sources
    n = max(len(left), len(directions))
    for i in range(n):
        r = top + 1 + i
        if i < len(left):
            g.add(r, 1, left[i].source, rh=True)
            g.add(r, 2, card_amount_text(left[i].annual_amount, u))
        if i < len(directions):
            g.add(r, 3, directions[i].source, rh=True)
            g.add(r, 4, card_amount_text(directions[i].annual_amount, u))
    g.nrows = max(g.nrows, top + 1 + n)
    g.add(top, 0, "年度预算情况", rs=n + 1, rh=True)
    top = g.next_row()
    g.add(top, 1, "核心职能", cs=2, ch=True)
    g.add(top, 3, "重点任务", cs=2, ch=True)
    for i, t in enumerate(card.key_tasks):
        g.add(top + 1 + i, 1, t.function, cs=2)
        g.add(top + 1 + i, 3, t.task, cs=2)
    g.add(top, 0, "年度重点任务", rs=len(card.key_tasks) + 1, rh=True)
    kv("年度绩效目标", card.annual_goal or "")
    _indicator_section(g, "年度绩效指标", [list(card.indicators)], header=["一级指标", "二级指标", "三级指标", "指标值"])
    return _grid(g)


def _department_shenbao(card: PerformanceCard) -> CellGrid:
    g = GridBuilder(5)
    u = card.funds_unit

    def kv(key: str, value: str) -> None:
        r = g.next_row()
        g.add(r, 0, key, rh=True)
        g.add(r, 1, value, cs=4)

    kv("部门（单位）名称", _dept_text(card))
    if card.responsibilities:
        kv("部门职责", card.responsibilities)
    total, sources, directions = _fund_lines(card)
    unit_txt = u.value if u is not None else "万元"
    top = g.next_row()
    r = top
    for f in ([total] if total else []) + sources + directions:
        g.add(r, 1, f.source, cs=2, rh=True)
        g.add(r, 3, card_amount_text(f.annual_amount, u), cs=2)
        r += 1
    if r > top:
        g.add(top, 0, f"年度预算资金（{unit_txt}）", rs=r - top, rh=True)
    if card.key_tasks:
        top = g.next_row()
        g.add(top, 1, "任务名称", cs=2, ch=True)
        g.add(top, 3, "主要内容", cs=2, ch=True)
        for i, t in enumerate(card.key_tasks):
            g.add(top + 1 + i, 1, t.function, cs=2)
            g.add(top + 1 + i, 3, t.task, cs=2)
        g.add(top, 0, "年度主要任务", rs=len(card.key_tasks) + 1, rh=True)
    kv("年度总体目标", card.annual_goal or "")
    _indicator_section(g, "年度绩效指标", [list(card.indicators)], header=["一级指标", "二级指标", "三级指标", "指标值"])
    return _grid(g)


def build_card_form(card: PerformanceCard, *, layout: str = "shanxi") -> CellGrid:
    """The printed form of ``card`` in ``layout`` ("shanxi" or "shenbao"), merged cells included."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown card layout {layout!r}; choose from {LAYOUTS}")
    if card.card_type == CardType.project:
        return _project_shanxi(card) if layout == "shanxi" else _project_shenbao(card)
    return _department_shanxi(card) if layout == "shanxi" else _department_shenbao(card)
