"""A performance card's printed form (绩效目标表) → a typed :class:`PerformanceCard`.

:func:`structure_card` reads the key/value form both card layouts print — the Shanxi
项目支出绩效目标表 / 整体支出绩效目标申报表 and the 申报表 layout of other regions — without being
told which: it walks the form by the cells of its first column, each of which is a key (项目名称,
主管部门及代码 …) or a section spanning several rows:

* **key/value rows**: cells alternate key, value (项目名称 | …, 主管部门及代码 | … | 实施单位 | …);
  keys are matched to the standard names, one OCR slip tolerated, and typed onto the card
  (主管部门及代码 "608-晋城…" gives ``department_code`` 608 and ``department_name``);
* **funds** (项目资金(元), 年度预算情况, 年度预算资金（万元）): one :class:`FundLine` per source or
  direction, with 实施期/年度 amounts as exact decimals in the card's unit — columns from the
  section's header row (资金来源 | 实施期资金总额 | 年度资金总额; 按资金来源划分 | 资金总额 |
  按资金方向划分 | 资金总额) or, without one, (label, amount) pairs, the first pair 实施期 and the
  second 年度 on a project card; on a department card the lines after a second 合计 (and 基本支出 /
  项目支出) are by direction;
* **goals**: the 实施期目标 | 年度目标 header row and its 总体目标 row (one merged value: 总体目标),
  or 实施期总体目标 / 年度总体目标 / 年度绩效目标 rows;
* **key tasks** (年度重点任务 / 年度主要任务): 核心职能 | 重点任务 rows;
* **indicators** (绩效指标 / 年度绩效指标): 一级/二级/三级指标 and 指标值 by the header row's
  columns, merged 一级 and 二级 cells carried down (also when OCR left them blank), each value
  parsed with :func:`~budgetdoc.parsing.parse_indicator_value`; a project card's two side-by-side
  blocks are the 实施期 and 年度 indicators. Rows that only continue a stretched merged 二级 cell
  are dropped; a 二级 with no 三级 indicator is kept once, as printed.

``fields`` keeps every key/value pair in print order; fund lines are keyed as "实施期资金总额",
"实施期/<source>", "年度/<source>" (project cards) and "按资金来源划分/<source>",
"按资金方向划分/<source>" (department cards), goals of the split 总体目标 row as
"实施期目标/总体目标" and "年度目标/总体目标". A department card's 部门（单位）名称 and 年度总体目标
are reported under the standard keys 部门名称 and 年度绩效目标.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from budgetdoc.model.document import (
    CardField,
    CellGrid,
    FundLine,
    IndicatorRow,
    KeyTask,
    PerformanceCard,
    TableCell,
)
from budgetdoc.model.vocab import CardType, IndicatorScope, Unit
from budgetdoc.parsing import edit_distance, normalize, parse_amount, parse_indicator_value, parse_unit
from budgetdoc.structuring._grid import SlotGrid, is_amount_text

__all__ = ["KEY_FIELDS", "fund_canonical", "split_department", "structure_card"]

#: Standard keys of the card forms and the typed field each fills (None: kept in ``fields`` only).
KEY_FIELDS: dict[str, str | None] = {
    "项目名称": "project_name", "主管部门及代码": "department", "实施单位": "implementing_unit",
    "项目属性": "project_attribute", "项目期": "project_period", "项目概况": "overview", "立项依据": "basis",
    "项目设立必要性": "necessity", "保证项目实施的制度、措施": "safeguards", "项目实施计划": "plan",
    "实施期总体目标": "period_goal", "年度总体目标": "annual_goal", "总体目标": "goal",
    "部门名称": "department", "内设职能部门数": "internal_divisions", "所属预算单位数": "subordinate_units",
    "核定的人员编制数": "authorized_staff", "实际在职人员总数": "actual_staff",
    "其中:在编人员数": "established_staff", "其他人员数": "other_staff", "部门职责": "responsibilities",
    "部门战略目标": "strategic_goal", "年度绩效目标": "annual_goal",
}
# Printed variants of the standard keys (normalised).
_SYNONYMS: dict[str, str] = {
    "主管部门": "主管部门及代码", "主管部门及编码": "主管部门及代码", "部门(单位)名称": "部门名称",
    "单位名称": "部门名称", "预算部门名称": "部门名称", "在编人员数": "其中:在编人员数",
    "实施期目标": "实施期总体目标", "年度目标": "年度总体目标", "项目实施期": "项目期",
}
_KEY_INDEX: dict[str, str] = {normalize(k): k for k in KEY_FIELDS} | {normalize(k): v for k, v in _SYNONYMS.items()}
_FUND_SECTIONS = ("项目资金", "资金情况", "年度预算情况", "预算资金", "资金来源", "年度资金")
_TASK_SECTIONS = ("年度重点任务", "年度主要任务", "重点任务", "主要任务")
_DEPARTMENT_CODE_RE = re.compile(r"^\s*(?P<code>\d{2,})\s*[-－—–_]\s*(?P<name>.+?)\s*$")

_FUND_CANONICAL: tuple[tuple[str, str], ...] = (
    ("合计", "total"), ("总计", "total"), ("资金总额", "total"), ("中央", "central"), ("省级", "provincial"),
    ("省财政", "provincial"), ("市县", "municipal_county"), ("市级", "municipal_county"),
    ("县级", "municipal_county"), ("自筹", "self_raised"), ("一般公共预算", "general_public_budget"),
    ("政府性基金", "government_fund"), ("国有资本经营", "state_capital"), ("社会保险基金", "social_insurance_fund"),
    ("专户", "special_account"), ("基本支出", "basic_expenditure"), ("项目支出", "project_expenditure"),
    ("单位资金", "other"), ("其他资金", "other"), ("其他", "other"),
)


def fund_canonical(source: str) -> str:
    """The canonical name of a printed fund source or direction ("其中:中央财政资金" → central,
    "市县(区)财政资金" → municipal_county, "实施期资金总额/年度资金总额" → total); "unknown" if none."""
    s = normalize(source)
    for kw, canon in _FUND_CANONICAL:
        if kw in s:
            return canon
    return "unknown"


def split_department(text: str) -> tuple[str | None, str]:
    """"608-晋城经济技术开发区行政审批局" → ("608", "晋城经济技术开发区行政审批局"); no code → (None, text)."""
    m = _DEPARTMENT_CODE_RE.match(text)
    if m:
        return m.group("code"), m.group("name")
    return None, text.strip()


def _clean_key(text: str) -> str:
    return normalize(text).rstrip(":：")


def _standard_key(text: str) -> str | None:
    """The standard key a printed key stands for: exact, a known variant, or — for keys of four or
    more characters — one OCR slip away (two for eight or more), when exactly one key is that close."""
    k = _clean_key(text)
    if not k:
        return None
    if k in _KEY_INDEX:
        return _KEY_INDEX[k]
    if len(k) < 4:
        return None
    allowed = 2 if len(k) >= 8 else 1
    close = {_KEY_INDEX[v] for v in _KEY_INDEX if abs(len(v) - len(k)) <= allowed and edit_distance(k, v) <= allowed}
    return close.pop() if len(close) == 1 else None


def _is_section(text: str, words: tuple[str, ...]) -> bool:
    """The key names one of the sections ``words``; in a word of four or more characters one
    character may be lost (a tall narrow key cell often loses one), never changed: 年度绩效目标 is
    not 绩效指标."""
    k = _clean_key(text)
    return any(w in k or (len(w) >= 4 and any(w[:i] + w[i + 1:] in k for i in range(len(w)))) for w in words)


# --------------------------------------------------------------------------------------------------
# the walk


@dataclass
class _Fund:
    source: str
    direction: bool = False
    texts: dict[str, str] = field(default_factory=dict)  # scope ("period"/"annual") -> printed amount


@dataclass
class _Reader:
    g: SlotGrid
    project: bool
    fields: list[CardField] = field(default_factory=list)
    typed: dict[str, str] = field(default_factory=dict)
    funds: list[_Fund] = field(default_factory=list)
    unit: Unit | None = None
    tasks: list[KeyTask] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    goal_cols: dict[str, tuple[int, int]] = field(default_factory=dict)

    # ---- key/value rows

    def put(self, key: str, value: str, cell: TableCell | None = None) -> None:
        std = _standard_key(key)
        name = std or _clean_key(key) or key.strip()
        if std in ("年度总体目标", "实施期总体目标") and not self.project:
            name = "年度绩效目标" if std == "年度总体目标" else std
        self.fields.append(CardField(key=name, value=value, provenance=cell.provenance if cell else None))
        attr = KEY_FIELDS.get(name) if std else None
        if attr == "goal":
            if self.project:
                self.set("period_goal", value)
            self.set("annual_goal", value)
        elif attr is not None:
            self.set(attr, value)

    def set(self, attr: str, value: str) -> None:
        """Fill a typed field once; a blank value leaves it unset (None)."""
        if value and attr not in self.typed:
            self.typed[attr] = value

    def kv_cells(self, cells: list[TableCell]) -> None:
        i = 0
        while i < len(cells):
            key = cells[i]
            if not key.text.strip():
                i += 1
                continue
            value = cells[i + 1] if i + 1 < len(cells) else None
            self.put(key.text, value.text.strip() if value else "", value)
            i += 2

    def goal_row(self, row: int, cells: list[TableCell]) -> None:
        """The 总体目标 row under a 实施期目标 | 年度目标 header: one merged value (key 总体目标) or one
        value under each header cell."""
        cols = self.goal_cols
        self.goal_cols = {}
        under = {scope: self.g.cell(row, c0) for scope, (c0, _c1) in cols.items()}
        if len({id(c) for c in under.values() if c is not None}) <= 1:
            value = next((c for c in cells if c.text.strip()), cells[0] if cells else None)
            self.put("总体目标", value.text.strip() if value else "", value)
            return
        for scope, label, attr in (("period", "实施期目标/总体目标", "period_goal"),
                                   ("annual", "年度目标/总体目标", "annual_goal")):
            c = under.get(scope)
            if c is None:
                continue
            text = c.text.strip()
            self.fields.append(CardField(key=label, value=text, provenance=c.provenance))
            self.set(attr, text)

    # ---- funds

    def fund_block(self, key: TableCell, rows: range) -> None:
        self.unit = self.unit or parse_unit(key.text)
        cols = range(key.col_end, self.g.num_cols)
        layout: list[tuple[list[int], list[tuple[int, str]], bool]] | None = None
        lines: list[_Fund] = []
        directions: list[_Fund] = []
        seen_total = False
        for r in rows:
            cells = self.g.row_cells(r, cols)
            texts = [c.text.strip() for c in cells]
            if layout is None and any("来源" in t or "方向" in t for t in texts) \
                    and not any(is_amount_text(t) for t in texts):
                layout = self._fund_header(cells)
                continue
            if layout is not None:
                for label_cols, amounts, direction in layout:
                    label = next((self.g.text(r, k) for k in label_cols if self.g.text(r, k)), "")
                    values = {scope: self.g.text(r, k) for k, scope in amounts}
                    if not label and not any(values.values()):
                        continue
                    (directions if direction else lines).append(_Fund(label, direction, values))
                continue
            # no header: (label, amount) pairs; on a project card the first is 实施期, the second 年度
            pairs = [(cells[i], cells[i + 1] if i + 1 < len(cells) else None) for i in range(0, len(cells), 2)]
            pairs = [(lab, val) for lab, val in pairs if lab.text.strip() or (val is not None and val.text.strip())]
            if not pairs:
                continue
            labels = [lab.text.strip().rstrip(":：") for lab, _v in pairs]
            if self.project and len(pairs) >= 2:
                source = labels[0] if labels[0] == labels[1] else f"{labels[0]}/{labels[1]}"
                texts2 = {"period": (pairs[0][1].text.strip() if pairs[0][1] else ""),
                          "annual": (pairs[1][1].text.strip() if pairs[1][1] else "")}
                lines.append(_Fund(source, False, texts2))
                continue
            label, val = labels[0], (pairs[0][1].text.strip() if pairs[0][1] else "")
            canon = fund_canonical(label)
            if self.project:
                scope = "period" if "实施期" in label else "annual"
                lines.append(_Fund(label, False, {scope: val}))
                continue
            if (canon == "total" and seen_total) or canon in ("basic_expenditure", "project_expenditure") or directions:
                directions.append(_Fund(label, True, {"annual": val}))
            else:
                lines.append(_Fund(label, False, {"annual": val}))
            seen_total = seen_total or canon == "total"
        self.funds += lines + directions

    def _fund_header(self, cells: list[TableCell]) -> list[tuple[list[int], list[tuple[int, str]], bool]]:
        """Column layout from a funds header row: label columns, amount columns with their scope."""
        out: list[tuple[list[int], list[tuple[int, str]], bool]] = []
        for c in cells:
            t = normalize(c.text)
            self.unit = self.unit or parse_unit(c.text)
            cols = list(range(c.col, c.col_end))
            if "来源" in t or "方向" in t:
                out.append((cols, [], "方向" in t))
            elif "实施期" in t:
                if not out:
                    out.append(([], [], False))
                out[-1][1].append((c.col, "period"))
            elif t:
                if not out:
                    out.append(([], [], False))
                out[-1][1].append((c.col, "annual"))
        if out and not out[0][0]:
            # no 资金来源 header cell: the label is whatever stands left of the first amount column
            first = min(k for _lab, amts, _d in out for k, _s in amts) if any(a for _l, a, _d in out) else None
            if first is not None:
                out[0] = (list(range(cells[0].col, first)), out[0][1], out[0][2])
        return out

    # ---- key tasks

    def task_block(self, key: TableCell, rows: range) -> None:
        cols = range(key.col_end, self.g.num_cols)
        for r in rows:
            texts = [c.text.strip() for c in self.g.row_cells(r, cols)]
            norm = [normalize(t) for t in texts]
            if any(t in ("核心职能", "重点任务", "任务名称", "主要内容") for t in norm):
                continue
            texts = [t for t in texts if t] + ["", ""]
            if texts[0] or texts[1]:
                self.tasks.append(KeyTask(function=texts[0], task=texts[1]))

    # ---- indicators

    def indicator_block(self, key: TableCell, rows: range) -> None:
        g = self.g
        cols = range(key.col_end, g.num_cols)
        head = next((r for r in rows if any(normalize(c.text) in ("一级指标", "二级指标", "三级指标", "指标值")
                                           for c in g.row_cells(r, cols))), None)
        if head is None:
            return
        groups: list[dict[str, int]] = []
        for c in g.row_cells(head, cols):
            t = normalize(c.text)
            name = {"一级指标": "l1", "二级指标": "l2", "三级指标": "l3", "指标值": "value"}.get(t)
            if name is None:
                continue
            if not groups or name in groups[-1] or (name == "l1" and groups[-1]):
                groups.append({})
            groups[-1][name] = c.col
        if not groups:
            return
        for grp in groups[1:]:
            grp.setdefault("l1", groups[0].get("l1", -1))
        if not self.project:
            scopes: list[IndicatorScope | None] = [None] * len(groups)
        elif len(groups) >= 2:
            scopes = [IndicatorScope.period, IndicatorScope.annual] + [IndicatorScope.annual] * (len(groups) - 2)
        else:
            k = normalize(key.text)
            scopes = [IndicatorScope.annual if ("年度" in k and "实施期" not in k) else IndicatorScope.period]
        body = [r for r in rows if r > head]
        for grp, scope in zip(groups, scopes):
            self.indicators += _indicator_rows(g, body, grp, scope)


def _indicator_rows(g: SlotGrid, body: list[int], grp: dict[str, int], scope: IndicatorScope | None
                    ) -> list[IndicatorRow]:
    out: list[IndicatorRow] = []
    l1 = l2 = ""
    used_l2: set[int] = set()
    for r in body:
        t1 = g.text(r, grp.get("l1"))
        l2_idx = g.index(r, grp["l2"]) if "l2" in grp else None
        t2 = g.text(r, grp.get("l2"))
        l3 = g.text(r, grp.get("l3"))
        vcell = g.cell(r, grp["value"]) if "value" in grp else None
        value = vcell.text.strip() if vcell is not None else ""
        if t1:
            if t1 != l1:
                l2 = ""
            l1 = t1
        if t2:
            l2 = t2
        elif not (l3 or value):
            continue  # a row this block leaves blank
        # a blank row under a 二级 cell: the indicator-less 二级 itself once, never a stretched merge's
        if not (l3 or value) and (l2_idx in used_l2 or (out and (out[-1].level1, out[-1].level2) == (l1, l2))):
            continue
        if l2_idx is not None:
            used_l2.add(l2_idx)
        out.append(IndicatorRow(level1=l1, level2=l2, level3=l3, value=value, parsed=parse_indicator_value(value),
                                scope=scope, provenance=vcell.provenance if vcell is not None else None))
    return out


def _card_type(title: str, g: SlotGrid) -> CardType:
    t = normalize(title)
    if "整体" in t:
        return CardType.department
    if "项目" in t:
        return CardType.project
    keys = {_standard_key(c.text) for c in g.cells if c.text.strip()}
    return CardType.project if "项目名称" in keys else CardType.department


def structure_card(
    form: CellGrid,
    *,
    title: str,
    card_id: str = "c01",
    year: int | None = None,
    pages: list[int] | tuple[int, ...] = (),
    card_type: CardType | None = None,
) -> PerformanceCard:
    """Read a card's printed form as a typed :class:`PerformanceCard` (see the module docstring).

    ``title`` is the card's printed title (it tells a 整体支出 department card from a project card
    when ``card_type`` is not given); ``year`` is taken from the title when it prints one ("2018年度
    …"), else from the argument. The form is kept on the card.
    """
    g = SlotGrid(form)
    ctype = card_type or _card_type(title, g)
    rd = _Reader(g=g, project=ctype == CardType.project)
    r = 0
    while r < g.num_rows:
        key = g.cell(r, 0)
        if key is None or key.row != r:
            # a row without its own first-column cell: read it as key/value cells
            rd.kv_cells(g.row_cells(r))
            r += 1
            continue
        rows = range(key.row, key.row_end)
        if key.row_span > 1 and _is_section(key.text, _FUND_SECTIONS):
            rd.fund_block(key, rows)
        elif _is_section(key.text, ("绩效指标",)):
            rd.indicator_block(key, rows)
        elif key.row_span > 1 and _is_section(key.text, _TASK_SECTIONS):
            rd.task_block(key, rows)
        elif _is_section(key.text, _FUND_SECTIONS) and not _standard_key(key.text):
            rd.fund_block(key, rows)
        else:
            # key/value rows; a first-column label over several rows (部门基本信息) is not a key
            section = key.row_span > 1 and not _standard_key(key.text)
            for rr in rows:
                cells = g.row_cells(rr)
                if section or rr > key.row:
                    cells = [c for c in cells if c is not key]
                heads = [normalize(c.text) for c in cells]
                if not key.text.strip() and any(h in ("实施期目标", "年度目标") for h in heads):
                    rd.goal_cols = {("period" if h == "实施期目标" else "annual"): (c.col, c.col_end)
                                    for c, h in zip(cells, heads) if h in ("实施期目标", "年度目标")}
                    continue
                if rd.goal_cols and cells and _standard_key(cells[0].text) == "总体目标":
                    rd.goal_row(rr, cells[1:])
                    continue
                rd.kv_cells(cells)
        r = key.row_end

    typed = rd.typed
    dept_code, dept_name = (None, None)
    if "department" in typed:
        dept_code, dept_name = split_department(typed["department"])
    funds = [_fund_line(f, rd.unit) for f in rd.funds]
    fields = _with_fund_fields(rd.fields, rd.funds, project=rd.project)
    m = re.search(r"((?:19|20)\d{2})年", normalize(title))
    return PerformanceCard(
        id=card_id, card_type=ctype, title=title, year=int(m.group(1)) if m else year, pages=list(pages),
        project_name=typed.get("project_name"), department_name=dept_name or None, department_code=dept_code,
        implementing_unit=typed.get("implementing_unit"), project_attribute=typed.get("project_attribute"),
        project_period=typed.get("project_period"), internal_divisions=typed.get("internal_divisions"),
        subordinate_units=typed.get("subordinate_units"), authorized_staff=typed.get("authorized_staff"),
        actual_staff=typed.get("actual_staff"), established_staff=typed.get("established_staff"),
        other_staff=typed.get("other_staff"), responsibilities=typed.get("responsibilities"),
        strategic_goal=typed.get("strategic_goal"), key_tasks=rd.tasks, funds_unit=rd.unit, funds=funds,
        overview=typed.get("overview"), basis=typed.get("basis"), necessity=typed.get("necessity"),
        safeguards=typed.get("safeguards"), plan=typed.get("plan"),
        period_goal=typed.get("period_goal") or (typed.get("annual_goal") if rd.project else None),
        annual_goal=typed.get("annual_goal"), indicators=rd.indicators, fields=fields,
        form=CellGrid.model_validate(form.model_dump(include={"num_rows", "num_cols", "header_rows", "cells"})),
    )


def _fund_line(f: _Fund, unit: Unit | None) -> FundLine:
    def amount(scope: str) -> Decimal | None:
        return parse_amount(f.texts[scope]) if scope in f.texts else None

    return FundLine(source=f.source, canonical=fund_canonical(f.source), direction=f.direction,  # type: ignore[arg-type]
                    period_amount=amount("period"), annual_amount=amount("annual"))


def _with_fund_fields(fields: list[CardField], funds: list[_Fund], *, project: bool) -> list[CardField]:
    """The fund lines as key/value fields, placed where the funds section is in the form (before the
    first field that follows it in print order: the narrative rows, or the goals)."""
    fund_fields: list[CardField] = []
    if project:
        for scope, word in (("period", "实施期"), ("annual", "年度")):
            for f in funds:
                if scope in f.texts:
                    key = f"{word}资金总额" if fund_canonical(f.source) == "total" else f"{word}/{f.source}"
                    fund_fields.append(CardField(key=key, value=f.texts[scope]))
    else:
        for f in funds:
            word = "按资金方向划分" if f.direction else "按资金来源划分"
            fund_fields.append(CardField(key=f"{word}/{f.source}", value=f.texts.get("annual", "")))
    if not fund_fields:
        return fields
    head = ("项目名称", "主管部门及代码", "实施单位", "项目属性", "项目期") if project else (
        "部门名称", "内设职能部门数", "所属预算单位数", "核定的人员编制数", "实际在职人员总数", "其中:在编人员数",
        "其他人员数", "部门职责", "部门战略目标")
    at = 0
    for i, fl in enumerate(fields):
        if fl.key in head:
            at = i + 1
    return fields[:at] + fund_fields + fields[at:]
