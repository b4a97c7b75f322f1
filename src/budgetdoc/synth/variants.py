"""Random but self-consistent 部门预算公开 documents, in the styles of three regions.

:func:`random_document` draws a department (name, code, region, staff, duties), a ledger of amounts
(:class:`~budgetdoc.synth.tables.BudgetData`, integers in 分) and lays it out as the tables, performance
cards and narrative sections of one style. Every printed figure is derived from the one ledger, so the
accounting identities hold exactly (no rounding anywhere):

* 项 → 款 → 类 → 合计 in every subject table; 合计 = 基本支出 + 项目支出; 人员经费 + 公用经费 = 合计;
  sources sum to their totals; 收入总计 = 支出总计; the same totals in every table;
* 基本支出 (all 一般公共预算, current year) = the economic table's 合计; 项目支出 = the project
  table(s); 机关运行经费 = 公用经费 for an administrative body (0 for a public institution);
* each project card's 年度资金总额 (元) = its project row × the table unit; the department card's
  合计 / sources / 基本支出 / 项目支出 = the table totals;
* the narrative's figures are the tables' totals and shares (in 万元, rounded half up to 0.01 where
  the tables print 元).

Styles: ``shanxi`` (the seed: 预算公开表1–13, 万元), ``jiangsu`` (公开01表–12表, 万元 with
separators, 申报表 cards), ``shanghai`` (元, split 类/款/项 code columns, 申报表 cards).

Deterministic: the same ``(seed, style, unit)`` gives the same document (only ``random.Random`` seeded
from those, no global state, no set iteration).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from budgetdoc.model.document import (
    CardField,
    DisclosureDocument,
    FundLine,
    IndicatorRow,
    KeyTask,
    NarrativeSection,
    PerformanceCard,
    StatedFigure,
)
from budgetdoc.model.vocab import CardType, DocumentKind, IndicatorScope, TableType, Unit
from budgetdoc.parsing.indicators import parse_indicator_value
from budgetdoc.synth import vocab_pools as pools
from budgetdoc.synth.cards import build_card_form, card_amount_text
from budgetdoc.synth.tables import (
    BudgetData,
    EconomicItem,
    Leaf,
    ProcurementItem,
    ProjectItem,
    build_tables,
    to_unit,
)

__all__ = ["CARD_LAYOUTS", "DEFAULT_UNITS", "STYLES", "Profile", "random_budget_data", "random_document"]

STYLES: tuple[str, ...] = ("shanxi", "jiangsu", "shanghai")
DEFAULT_UNITS: dict[str, Unit] = {"shanxi": Unit.ten_thousand_yuan, "jiangsu": Unit.ten_thousand_yuan,
                                  "shanghai": Unit.yuan}
CARD_LAYOUTS: dict[str, str] = {"shanxi": "shanxi", "jiangsu": "shenbao", "shanghai": "shenbao"}
YEARS: dict[str, tuple[int, int]] = {"shanxi": (2017, 2027), "jiangsu": (2017, 2024), "shanghai": (2017, 2027)}
SUPPORTED_UNITS: tuple[Unit, ...] = (Unit.yuan, Unit.thousand_yuan, Unit.ten_thousand_yuan)

WAN = 1_000_000  # 分 per 万元


# --------------------------------------------------------------------------------------------------
# the department


@dataclass
class Profile:
    """Who publishes the document."""

    style: str
    year: int
    province: str
    city: str | None
    county: str | None
    level: str  # province / city / county
    department: str
    code: str
    domain: dict
    institution: bool
    offices: list[str]
    units: list[str]
    staff: int
    place: str
    extra: dict = field(default_factory=dict)

    @property
    def region(self) -> str:
        return self.province + (self.city or "") + (self.county or "")

    @property
    def abbr(self) -> str:
        return pools.PROVINCE_ABBR.get(self.province, "政")

    @property
    def level_word(self) -> str:
        return {"province": "省级", "city": "市级", "county": "县(区)级"}[self.level]


def _profile(rng: random.Random, style: str) -> Profile:
    lo, hi = YEARS[style]
    year = rng.randint(lo, hi)
    province, city, county = rng.choice(pools.REGIONS[style])
    level = "county" if county else ("city" if city else "province")
    if style == "shanghai" and level == "province":
        level = "city"  # 上海市 itself: municipal departments
    prefix = county or city or province
    if style == "shanghai" and county:
        prefix = province + county
    elif county and city and county.endswith("区") and rng.random() < 0.6:
        prefix = city + county  # 苏州市吴江区…; a 开发区 or 县 prints its own name
    domains = [d for d in pools.DOMAINS if not (d["key"] == "court" and style == "shanghai" and level == "city")]
    domain = rng.choice(domains)
    institution = bool(domain.get("institution")) or rng.random() < 0.2
    lvl = "province" if level == "province" else ("city" if level == "city" else "county")
    if domain.get("institution"):
        base = rng.choice(domain["names"][lvl])
    elif institution:
        base = rng.choice(domain["institution_names"])
    else:
        base = rng.choice(domain["names"][lvl])
    if domain["key"] == "college" and level == "province":
        prefix = province[:-1]
    department = prefix + base
    code = rng.choice(pools.DEPARTMENT_CODES_SHANXI) if style == "shanxi" else str(rng.randint(100, 999999)).zfill(3)
    offices = rng.sample(list(domain["offices"]), k=min(len(domain["offices"]), rng.randint(3, 9)))
    units = [department]
    if style == "shanxi" and not institution and rng.random() < 0.35 and domain["institution_names"]:
        sub = (county or city or province) + rng.choice(domain["institution_names"])
        if sub != department:
            units.append(sub)
    staff = int(math.exp(rng.uniform(math.log(6), math.log(320 if domain["key"] == "court" else 160))))
    place = (county or city or province).removesuffix("市").removesuffix("县").removesuffix("区") or province
    return Profile(style=style, year=year, province=province, city=city, county=county, level=level,
                   department=department, code=code, domain=domain, institution=institution, offices=offices,
                   units=units, staff=staff, place=place)


# --------------------------------------------------------------------------------------------------
# amounts


def _rnd(fen: float, grain: int) -> int:
    """Round to a positive multiple of ``grain`` 分."""
    return max(grain, round(fen / grain) * grain)


def _split(rng: random.Random, total: int, weights: list[float], grain: int) -> list[int]:
    """Split ``total`` (a multiple of ``grain``) into parts proportional to ``weights``, each a
    positive multiple of ``grain`` where possible, summing exactly to ``total``."""
    n = len(weights)
    units = total // grain
    if units < n:
        parts = [1] * units + [0] * (n - units)
        return [p * grain for p in parts]
    s = sum(weights)
    raw = [max(1, int(units * w / s)) for w in weights]
    diff = units - sum(raw)
    i = 0
    while diff != 0:
        k = i % n
        if diff > 0:
            raw[k] += 1
            diff -= 1
        elif raw[k] > 1:
            raw[k] -= 1
            diff += 1
        i += 1
    return [r * grain for r in raw]


def random_budget_data(seed: int, *, style: str = "shanxi", unit: Unit | None = None) -> tuple[Profile, BudgetData]:
    """The profile and ledger :func:`random_document` lays out (for tests and other generators)."""
    rng, unit = _start(seed, style, unit)
    prof = _profile(rng, style)
    return prof, _ledger(rng, prof, unit)


def _start(seed: int, style: str, unit: Unit | None) -> tuple[random.Random, Unit]:
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; choose from {STYLES}")
    unit = unit or DEFAULT_UNITS[style]
    if unit not in SUPPORTED_UNITS:
        raise ValueError(f"unit {unit.value} is not supported; choose from {[u.value for u in SUPPORTED_UNITS]}")
    return random.Random(f"budgetdoc.synth/{style}/{unit.name}/{seed}"), unit


def _ledger(rng: random.Random, prof: Profile, unit: Unit) -> BudgetData:
    style = prof.style
    g_main = int(unit.in_yuan)  # 分 per 0.01 of the unit
    g_pers = max(g_main, 100)
    g_pub = max(g_main, 10_000 if style == "shanghai" else 100)
    g_proj = max(g_main, 10_000)
    names = pools.function_names()
    inst = prof.institution

    # -- basic expenditure by economic 款 -----------------------------------------------------
    per_person = rng.uniform(8.0, 20.0) * WAN
    base = prof.staff * per_person
    econ: dict[str, int] = {}
    wage = [(c, rng.uniform(lo, hi)) for c, lo, hi in pools.WAGE_BASE_ITEMS if c != "30103" or rng.random() < 0.5]
    for (c, _w), amt in zip(wage, _split(rng, _rnd(base, g_pers), [w for _c, w in wage], g_pers)):
        econ[c] = amt
    for c, lo, hi in pools.WAGE_DERIVED_ITEMS:
        if c == "30110" or rng.random() < 0.92:
            econ[c] = _rnd(base * rng.uniform(lo, hi), g_pers)
    for c, lo, hi in pools.OPTIONAL_WAGE_ITEMS:
        if (c != "30111" or not inst) and rng.random() < 0.45:
            econ[c] = _rnd(base * rng.uniform(lo, hi), g_pers)
    for c, lo, hi in pools.FAMILY_ITEMS:
        p = 0.6 if c == "30302" else 0.18
        if rng.random() < p:
            econ[c] = _rnd(base * rng.uniform(lo, hi), g_pers)
    personnel = sum(econ.values())
    public = personnel * rng.uniform(0.05, 0.25)
    goods = [pools.GOODS_ITEMS[0]] + rng.sample(list(pools.GOODS_ITEMS[1:]), k=rng.randint(3, 13))
    if rng.random() < 0.3:
        goods.append(rng.choice(pools.CAPITAL_ITEMS))
    goods.sort()
    weights = [rng.uniform(lo, hi) for _c, lo, hi in goods]
    pub_total = _rnd(public, g_pub * (10 if rng.random() < 0.5 else 1))
    for (c, _lo, _hi), amt in zip(goods, _split(rng, pub_total, weights, g_pub)):
        if amt:
            econ[c] = amt
    economic = [EconomicItem(code=c, amount=a) for c, a in sorted(econ.items()) if a]

    # -- basic expenditure by subject ------------------------------------------------------------
    dom = prof.domain
    basic_subject = dom["basic_inst"] if inst else dom["basic_admin"]
    leaves: dict[str, Leaf] = {}

    def leaf(code: str) -> Leaf:
        if code not in names:
            raise KeyError(f"subject {code} is not in the function classification pools")
        return leaves.setdefault(code, Leaf(code=code))

    old_jiangsu = style == "jiangsu" and prof.year <= 2019
    for e in economic:
        target = pools.ECONOMIC_TO_SUBJECT.get(e.code)
        subj = basic_subject
        if target is not None:
            subj = target[1 if inst else 0]
            if old_jiangsu and subj in ("2080501", "2080502"):
                subj = "2080504"
        leaf(subj).basic += e.amount
    # an administrative body with a 事业运行 subject puts part of its running costs there
    if not inst and dom["basic_inst"] != dom["basic_admin"] and rng.random() < 0.3:
        lf = leaves[basic_subject]
        part = (lf.basic // 3 // g_pers) * g_pers
        if part:
            lf.basic -= part
            leaf(dom["basic_inst"]).basic += part

    # -- projects ----------------------------------------------------------------------------------
    lo_n, hi_n = {"shanxi": (2, 8), "jiangsu": (2, 5), "shanghai": (2, 5)}[style]
    n_proj = rng.randint(lo_n, hi_n)
    basic_total = sum(e.amount for e in economic)
    cap = max(30 * WAN, basic_total * rng.uniform(0.15, 0.9))
    projects: list[ProjectItem] = []
    used_names: list[str] = []
    for i in range(n_proj):
        name = _project_name(rng, prof, used_names)
        amount = _rnd(math.exp(rng.uniform(math.log(3 * WAN), math.log(cap))), g_proj * rng.choice((1, 1, 10, 100)))
        subj = rng.choice(dom["projects"])
        if rng.random() < 0.12:
            subj = rng.choice(pools.GENERIC_PROJECT_SUBJECTS)
        amounts = {"gpb": amount}
        r = rng.random()
        if r < 0.12 and style != "shanghai" or (r < 0.06 and style == "shanghai"):
            subj = pools.FUND_GROUP_PROJECT[0]
            amounts = {"gf": amount}
        elif r < 0.25:
            other_src = {"shanxi": "uf", "jiangsu": rng.choice(("biz", "other")), "shanghai": rng.choice(("biz", "other", "oper"))}[style]
            part = _rnd(amount * rng.uniform(0.1, 0.6), g_proj)
            if part < amount:
                amounts = {"gpb": amount - part, other_src: part}
            else:
                amounts = {other_src: amount}
        if dom["key"] == "college" and style != "shanghai" and rng.random() < 0.5:
            part = _rnd(amount * rng.uniform(0.2, 0.8), g_proj)
            if part < amounts.get("gpb", 0):
                amounts["gpb"] -= part
                amounts["sa"] = part
        unit_name = prof.units[0] if len(prof.units) == 1 or i == 0 else rng.choice(prof.units)
        projects.append(ProjectItem(name=name, unit_name=unit_name, subject=subj, amounts=amounts))
    # group projects by unit in print order
    projects.sort(key=lambda p: prof.units.index(p.unit_name))
    for p in projects:
        lf = leaf(p.subject)
        for s, v in p.amounts.items():
            lf.project[s] = lf.project.get(s, 0) + v

    carry_projects: list[ProjectItem] = []
    if style == "shanxi" and rng.random() < 0.25:
        for _ in range(rng.randint(1, 2)):
            name = _project_name(rng, prof, used_names)
            amount = _rnd(math.exp(rng.uniform(math.log(2 * WAN), math.log(cap / 2))), g_proj)
            src = "gf" if rng.random() < 0.15 else "gpb"
            subj = pools.FUND_GROUP_PROJECT[0] if src == "gf" else rng.choice(dom["projects"])
            carry_projects.append(ProjectItem(name=name, unit_name=prof.units[0], subject=subj, amounts={src: amount}))
            lf = leaf(subj)
            lf.carry[src] = lf.carry.get(src, 0) + amount

    # -- “三公”, meetings, training, 机关运行经费 -------------------------------------------------
    g3 = 10_000 if style == "shanghai" else g_main
    g3 = max(g3, g_pub) if style == "shanghai" else g3

    def extra(p: float, lo: float, hi: float) -> int:
        return _rnd(rng.uniform(lo, hi) * WAN, g3) if rng.random() < p else 0

    def from_econ(code: str) -> int:
        v = econ.get(code, 0)
        return v if v % g3 == 0 else 0

    three = {
        "overseas": from_econ("30212") + extra(0.1 if prof.level != "province" else 0.4, 2, 30),
        "reception": from_econ("30217") + extra(0.25, 0.5, 8),
        "vehicle_purchase": extra(0.08, 15, 40),
        "vehicle_operation": from_econ("30231") + extra(0.15, 1, 20),
    }
    if rng.random() < 0.2:  # some departments have no “三公” at all
        three = {k: 0 for k in three}
    meeting = from_econ("30215") + extra(0.3, 0.5, 20)
    training = from_econ("30216") + extra(0.3, 0.5, 30)
    public_total = sum(e.amount for e in economic if not e.personnel)
    agency = {} if inst else {prof.department: public_total}

    # -- procurement -----------------------------------------------------------------------------
    procurement = _procurement(rng, prof, econ, projects, g_proj)

    gov = pools.GOV_ECONOMIC_INSTITUTION if inst else pools.GOV_ECONOMIC_ADMIN
    subject_names = {c: pools.subject_name(c, prof.year) for c in names}
    return BudgetData(
        style=style, year=prof.year, department=prof.department, unit=unit, leaves=dict(sorted(leaves.items())),
        economic=economic, gov_economic=dict(gov), projects=projects, carry_projects=carry_projects,
        units=list(prof.units), three_public=three, meeting=meeting, training=training, agency_operating=agency,
        procurement=procurement, small_unit=Unit.ten_thousand_yuan, subject_names=subject_names,
        merge_total=style == "shanghai" or rng.random() < 0.5,
        labels=[rng.random() < 0.75 for _ in range(13)] if rng.random() < 0.5 else [True] * 13,
    )


def _project_name(rng: random.Random, prof: Profile, used: list[str]) -> str:
    for _ in range(50):
        if rng.random() < 0.08 and prof.domain["key"] == "approval":
            name = rng.choice(pools.LONG_PROJECT_NAMES)
        else:
            stem = rng.choice(prof.domain["project_stems"])
            prefix = rng.choice(pools.PROJECT_PREFIXES).format(year=prof.year, place=prof.place)
            suffix = rng.choice(pools.PROJECT_SUFFIXES)
            if rng.random() < 0.15:
                stem2 = rng.choice(prof.domain["project_stems"])
                if stem2 != stem:
                    stem = f"{stem}及{stem2}"
            name = f"{prefix}{stem}{suffix}"
        if name not in used:
            used.append(name)
            return name
    name = f"{prof.place}专项业务经费{len(used) + 1}"
    used.append(name)
    return name


GOODS_ITEMS = ("台式计算机", "便携式计算机", "打印设备", "多功能一体机", "其他办公设备", "计算机软件", "PC服务器", "家具用具")
SERVICE_ITEMS = ("运行维护服务", "会议服务", "印刷和出版服务", "物业管理服务", "互联网信息服务", "计算机设备维修和保养服务",
                 "车辆维修和保养服务", "审计服务", "法律服务", "其他服务")
WORKS_ITEMS = ("修缮工程", "装修工程")
METHODS = ("政府集中采购", "部门集中采购", "分散自行组织")


def _procurement(rng: random.Random, prof: Profile, econ: dict[str, int], projects: list[ProjectItem],
                 grain: int) -> list[ProcurementItem]:
    names = pools.economic_names()
    out: list[ProcurementItem] = []
    for code in ("31002", "31003", "31007"):
        amt = econ.get(code, 0)
        if amt and amt % grain == 0 and amt >= 2 * grain:
            k = min(3, amt // grain)
            parts = _split(rng, amt, [rng.uniform(1, 3) for _ in range(k)], grain)
            items = rng.sample(GOODS_ITEMS, k=len(parts))
            for it, p in zip(items, parts):
                out.append(ProcurementItem("货物", "设备购置费", names[code], it, rng.choice(METHODS), p))
    for p in projects:
        if rng.random() < 0.45 and p.amounts.get("gpb", 0) >= 2 * grain:
            amt = _rnd(p.amounts["gpb"] * rng.uniform(0.2, 1.0), grain)
            amt = min(amt, p.amounts["gpb"])
            cat = "工程" if rng.random() < 0.1 else "服务"
            item = rng.choice(WORKS_ITEMS if cat == "工程" else SERVICE_ITEMS)
            econ_name = names["30213"] if cat == "工程" else names[rng.choice(("30227", "30213", "30226", "30299"))]
            out.append(ProcurementItem(cat, p.name, econ_name, item, rng.choice(METHODS), amt))
    order = {"货物": 0, "工程": 1, "服务": 2}
    out.sort(key=lambda x: order[x.category])
    return out


# --------------------------------------------------------------------------------------------------
# indicators


def _num(d: Decimal) -> str:
    """A Decimal without trailing zeros: 27.20 -> 27.2, 55.00 -> 55."""
    s = format(d.normalize(), "f")
    return s


def _wan(fen: int) -> Decimal:
    return (Decimal(fen) / WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _project_indicators(rng: random.Random, prof: Profile, annual_fen: int, period_fen: int
                        ) -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str, str, str]]]:
    """(period rows, annual rows), each (level1, level2, level3, value)."""
    y = prof.year
    nouns = list(prof.domain["nouns"])
    suffix = "指标" if rng.random() < 0.5 else ""
    rows: list[tuple[str, str, str, str, str]] = []  # + tag for the annual variant

    def add(l1: str, l2: str, l3: str, v: str, tag: str = "") -> None:
        rows.append((l1, l2, l3, v, tag))

    for noun in rng.sample(nouns, k=rng.randint(1, min(3, len(nouns)))):
        kind = rng.random()
        if kind < 0.45:
            n = rng.choice((1, 2, 3, 4, 5, 6, 8, 10, 12, 20, 24, 30, 50, 58, 98, 100, 120, 200, 500))
            u = rng.choice(pools.QUANTITY_UNITS)
            add("产出指标", "数量指标", f"{noun}数量", f"{rng.choice(('≥', '', ''))}{n}{u}")
        elif kind < 0.85:
            add("产出指标", "数量指标", f"{noun}完成率", rng.choice(("100%", "≥95%", "≥98%", "100%")))
        else:
            area = Decimal(rng.randint(100, 2000)) / 100
            add("产出指标", "数量指标", f"{noun}覆盖面积", rng.choice((f"{_num(area)}平方千米", f"约{int(area)}平方公里")))
    for noun in rng.sample(nouns, k=rng.randint(1, 2)):
        add("产出指标", "质量指标", f"{noun}{rng.choice(pools.QUALITY_NOUNS)}", rng.choice(("100%", "≥95%", "≥98%", "≥90%")))
    if rng.random() < 0.4:
        add("产出指标", "质量指标", "资金管理规范性", "规范")
    for l3, v in rng.sample(pools.TIMELINESS_L3, k=rng.randint(1, 2)):
        noun = rng.choice(nouns)
        add("产出指标", "时效指标", l3.format(noun=noun), v.format(year=y, q=rng.randint(2, 4)), "time")
    cost_l1, cost_l2 = ("成本指标", "经济成本指标") if (y >= 2023 and rng.random() < 0.4) else ("产出指标", "成本指标")
    period_w, annual_w = _wan(period_fen), _wan(annual_fen)
    cmp_ = rng.choice(("≤", "≤", "<", ""))
    if period_fen != annual_fen:
        add(cost_l1, cost_l2, "项目总成本", f"{cmp_}{_num(period_w)}万元", "cost")
    else:
        add(cost_l1, cost_l2, rng.choice(("项目总成本", "全年经费", "项目预算控制数")), f"{cmp_}{_num(annual_w)}万元", "cost")
    if rng.random() < 0.5:
        noun = rng.choice(nouns)
        add(cost_l1, cost_l2, f"{noun}费用标准",
            f"≤{rng.choice((96, 300, 500, 1500, 3000, 20000))}元/{rng.choice(('项', '次', '套', '份', '人'))}")
    if rng.random() < 0.6:
        add("效益指标", f"经济效益{suffix}", "", "")
    for l3, v in rng.sample(pools.SOCIAL_L3, k=rng.randint(1, 3)):
        add("效益指标", f"社会效益{suffix}", l3.format(noun=rng.choice(nouns)), v)
    if rng.random() < 0.5:
        add("效益指标", f"生态效益{suffix}", "", "")
    elif rng.random() < 0.3:
        l3, v = rng.choice(pools.ECOLOGICAL_L3)
        add("效益指标", f"生态效益{suffix}", l3, v)
    if rng.random() < 0.5:
        add("效益指标", f"可持续影响{suffix}", "", "")
    elif rng.random() < 0.5:
        l3, v = rng.choice(pools.SUSTAIN_L3)
        add("效益指标", f"可持续影响{suffix}", l3, v)
    for who in rng.sample(pools.SATISFACTION_L3, k=rng.randint(1, 2)):
        add("满意度指标", f"服务对象满意度{suffix}", who, rng.choice(("≥90%", "≥95%", ">90%", "满意", "≥85%")))

    period = [(a, b, c, d) for a, b, c, d, _t in rows]
    annual = []
    for a, b, c, d, t in rows:
        if t == "cost" and period_fen != annual_fen:
            c, d = "年度成本", f"{cmp_}{_num(annual_w)}万元"
        annual.append((a, b, c, d))
    if rng.random() < 0.3:  # the annual block lists a group in another order (as the seed's second card)
        groups: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {}
        for r in annual:
            groups.setdefault((r[0], r[1]), []).append(r)
        annual = [r for key in groups for r in reversed(groups[key])]
    return period, annual


def _indicator_rows(rows: list[tuple[str, str, str, str]], scope: IndicatorScope | None) -> list[IndicatorRow]:
    return [IndicatorRow(level1=a, level2=b, level3=c, value=d, parsed=parse_indicator_value(d), scope=scope)
            for a, b, c, d in rows]


# --------------------------------------------------------------------------------------------------
# texts


def _policy(rng: random.Random, prof: Profile) -> str:
    title = rng.choice(pools.POLICY_TITLES)
    serial = rng.choice(pools.DOC_SERIALS)
    return f"《{title}》（{prof.abbr}{serial}〔{rng.randint(prof.year - 6, prof.year - 1)}〕{rng.randint(1, 120)}号）"


def _sentence(parts: list[str], sep: str = "；") -> str:
    return sep.join(parts) + "。"


def _project_texts(rng: random.Random, prof: Profile, name: str, annual_fen: int, period_fen: int) -> dict[str, str]:
    d = prof.domain
    nouns = d["nouns"]
    y = prof.year
    items = [f"{k}.{rng.choice(nouns)}{rng.choice(('服务', '管理', '维护', '评估', '宣传', '培训'))}，预计{_num(_wan(annual_fen) * Decimal(rng.choice((20, 30, 50))) / 100)}万元"
             for k in range(1, rng.randint(2, 5))]
    stem = name.removesuffix('经费').removesuffix('项目')
    overview = (f"为进一步做好{stem}工作，根据{_policy(rng, prof)}要求，{prof.department}"
                f"{rng.choice(('拟', '需', '计划'))}开展相关工作，{d['goal']}。主要内容包括：{'；'.join(items)}。"
                f"{'项目实施期资金' + _num(_wan(period_fen)) + '万元，' if period_fen != annual_fen else ''}"
                f"{y}年申请资金{_num(_wan(annual_fen))}万元。")
    basis = "、".join(_policy(rng, prof) for _ in range(rng.randint(1, 3)))
    if rng.random() < 0.4:
        basis = f"{prof.department}工作职责；{basis}"
    necessity = (f"开展{name.removesuffix('经费')}工作，可以保证{rng.choice(nouns)}等工作的正常开展，"
                 f"{rng.choice(('提高服务水平', '提升工作效率', '减轻企业和群众负担', '维护社会和谐稳定'))}，"
                 f"{d['goal']}。")
    safeguards = rng.choice(pools.SAFEGUARDS) + "。"
    plan = _sentence([s.format(year=y) for s in rng.sample(pools.PLAN_STEPS, k=rng.randint(2, 3))])
    goal = (f"完成{name.removesuffix('经费')}各项工作任务，{rng.choice(('保障', '确保', '推动'))}"
            f"{rng.choice(nouns)}工作{rng.choice(('正常开展', '有序推进', '按期完成'))}，{d['goal']}。")
    return {"overview": overview, "basis": basis, "necessity": necessity, "safeguards": safeguards, "plan": plan,
            "goal": goal}


def _key_tasks(rng: random.Random, prof: Profile) -> list[KeyTask]:
    duties = list(prof.domain["duty"])
    out = []
    for duty in rng.sample(duties, k=min(len(duties), rng.randint(2, 4))):
        fn = duty.removeprefix("负责").removeprefix("承担")
        noun = rng.choice(prof.domain["nouns"])
        task = f"{rng.choice(pools.KEY_TASK_VERBS)}{noun}工作，{rng.choice(('提升服务效能', '强化监督管理', '提高工作质量', '健全长效机制'))}"
        out.append(KeyTask(function=fn, task=task))
    return out


# --------------------------------------------------------------------------------------------------
# cards


def _yuan(fen: int) -> Decimal:
    return Decimal(fen // 100) if fen % 100 == 0 else Decimal(fen).scaleb(-2)


def _scale(parts: list[int], total: int, grain: int) -> list[int]:
    """Scale ``parts`` (summing to their own total) to sum to ``total``; the largest part takes the rest."""
    s = sum(parts)
    if s == 0:
        return parts
    out = [(p * total // s) // grain * grain for p in parts]
    big = max(range(len(parts)), key=lambda i: parts[i])
    out[big] += total - sum(out)
    return out


def _project_card(rng: random.Random, prof: Profile, data: BudgetData, p: ProjectItem, idx: int,
                  layout: str) -> PerformanceCard:
    y = prof.year
    attr, period_txt = rng.choice(pools.PROJECT_ATTRIBUTES)
    n_years = rng.randint(2, 5)
    period_txt = period_txt.format(n=n_years)
    annual = p.total
    if attr.startswith("延续性"):
        period = _rnd(annual * rng.uniform(1.5, n_years), 10_000)
        period = max(period, annual)
    else:
        period = annual
    texts = _project_texts(rng, prof, p.name, annual, period)
    funds: list[FundLine] = []
    if layout == "shanxi":
        fiscal = sum(p.amounts.get(s, 0) for s in ("gpb", "gf", "sc", "sa"))
        own = annual - fiscal
        lines = {"central": 0, "provincial": 0, "municipal_county": 0}
        main = "provincial" if prof.level == "province" else "municipal_county"
        if fiscal and rng.random() < 0.2 and fiscal >= 3 * 10_000:
            share = _rnd(fiscal * rng.uniform(0.1, 0.6), 10_000)
            other = "central" if main == "provincial" else rng.choice(("central", "provincial"))
            if share < fiscal:
                lines[other] = share
        lines[main] = fiscal - sum(v for k, v in lines.items() if k != main)
        keys = ["central", "provincial", "municipal_county", "self_raised"]
        ann = [lines["central"], lines["provincial"], lines["municipal_county"], own]
        per = _scale(ann, period, 100) if period != annual else list(ann)
        labels = {"central": "其中:中央财政资金", "provincial": "省级财政资金", "municipal_county": "市县(区)财政资金",
                  "self_raised": "单位自筹"}
        funds.append(FundLine(source="实施期资金总额/年度资金总额", canonical="total", period_amount=_yuan(period),
                              annual_amount=_yuan(annual)))
        for k, a, pp in zip(keys, ann, per):
            funds.append(FundLine(source=labels[k], canonical=k, period_amount=_yuan(pp), annual_amount=_yuan(a)))  # type: ignore[arg-type]
        funds.append(FundLine(source="其他资金", canonical="other", period_amount=None, annual_amount=None))
        title = f"{prof.county or prof.city or prof.province}{prof.level_word}预算部门(单位)项目支出绩效目标表"
    else:
        gpb = p.amounts.get("gpb", 0)
        gf = p.amounts.get("gf", 0)
        rest = annual - gpb - gf
        ann = [gpb, gf, rest]
        per = _scale(ann, period, 100) if period != annual else list(ann)
        funds.append(FundLine(source="合计", canonical="total", period_amount=_yuan(period), annual_amount=_yuan(annual)))
        for (label, canon), a, pp in zip((("其中：一般公共预算资金", "general_public_budget"),
                                          ("政府性基金预算资金", "government_fund"), ("其他资金", "other")), ann, per):
            funds.append(FundLine(source=label, canonical=canon, period_amount=_yuan(pp), annual_amount=_yuan(a)))  # type: ignore[arg-type]
        title = "项目支出绩效目标申报表" if rng.random() < 0.5 else f"{y}年度项目支出绩效目标申报表"
    period_rows, annual_rows = _project_indicators(rng, prof, annual, period)
    indicators = _indicator_rows(period_rows, IndicatorScope.period) + _indicator_rows(annual_rows, IndicatorScope.annual)
    same_goal = period == annual
    period_goal = texts["goal"]
    annual_goal = texts["goal"] if same_goal else f"{y}年度" + texts["goal"]
    merged_goal = layout == "shanxi" and same_goal and rng.random() < 0.2
    card = PerformanceCard(
        id=f"c{idx:02d}", card_type=CardType.project, title=title, year=y, project_name=p.name,
        department_name=prof.department, department_code=prof.code, implementing_unit=p.unit_name,
        project_attribute=attr, project_period=period_txt, funds_unit=Unit.yuan, funds=funds,
        overview=texts["overview"], basis=texts["basis"], necessity=texts["necessity"],
        safeguards=texts["safeguards"], plan=texts["plan"], period_goal=period_goal, annual_goal=annual_goal,
        indicators=indicators,
    )
    fields = [CardField(key="项目名称", value=p.name), CardField(key="主管部门及代码", value=f"{prof.code}-{prof.department}"),
              CardField(key="实施单位", value=p.unit_name), CardField(key="项目属性", value=attr),
              CardField(key="项目期", value=period_txt)]
    for scope, attr_name in (("实施期", "period_amount"), ("年度", "annual_amount")):
        for f in funds:
            key = f"{scope}资金总额" if f.canonical == "total" else f"{scope}/{f.source}"
            fields.append(CardField(key=key, value=card_amount_text(getattr(f, attr_name), Unit.yuan)))
    if layout == "shanxi":
        for key, attr_ in (("项目概况", "overview"), ("立项依据", "basis"), ("项目设立必要性", "necessity"),
                           ("保证项目实施的制度、措施", "safeguards"), ("项目实施计划", "plan")):
            fields.append(CardField(key=key, value=getattr(card, attr_)))
        if merged_goal:
            fields.append(CardField(key="总体目标", value=period_goal))
        else:
            fields += [CardField(key="实施期目标/总体目标", value=period_goal),
                       CardField(key="年度目标/总体目标", value=annual_goal)]
    else:
        card.overview = texts["overview"] if rng.random() < 0.5 else None
        card.basis = card.necessity = card.safeguards = card.plan = None
        if card.overview:
            fields.append(CardField(key="项目概况", value=card.overview))
        if period_goal != annual_goal:
            fields.append(CardField(key="实施期总体目标", value=period_goal))
        fields.append(CardField(key="年度总体目标", value=annual_goal))
    card.fields = fields
    card.form = build_card_form(card, layout=layout)
    return card


def _department_card(rng: random.Random, prof: Profile, data: BudgetData, indicators_from: list[PerformanceCard],
                     layout: str) -> PerformanceCard:
    y = prof.year
    u = data.unit  # the card prints the tables' unit, so its totals are the tables' totals

    def amt(fen: int) -> Decimal:
        return to_unit(fen, u)

    uf = data.total - sum(data.fiscal(s) for s in ("gpb", "gf", "sc")) - data.income("sa")
    lines = [("合计", "total", data.total), ("其中:一般公共预算资金", "general_public_budget", data.fiscal("gpb")),
             ("政府性基金预算资金", "government_fund", data.fiscal("gf")),
             ("国有资本经营预算资金", "state_capital", data.fiscal("sc")),
             ("社会保险基金预算资金", "social_insurance_fund", 0), ("专户管理资金", "special_account", data.income("sa"))]
    if uf:
        lines.append(("单位资金" if prof.style == "shanxi" else "其他资金", "other", uf))
    funds = [FundLine(source=s, canonical=c, annual_amount=amt(v)) for s, c, v in lines]  # type: ignore[arg-type]
    funds += [FundLine(source="合计", canonical="total", direction=True, annual_amount=amt(data.total)),
              FundLine(source="其中:基本支出", canonical="basic_expenditure", direction=True, annual_amount=amt(data.basic_total)),
              FundLine(source="项目支出", canonical="project_expenditure", direction=True, annual_amount=amt(data.project_total))]
    # indicators: drawn from the project cards' output/benefit indicators plus the basic ones
    pool: list[tuple[str, str, str, str]] = []
    project_costs = ("项目总成本", "年度成本", "全年经费", "项目预算控制数")
    for c in indicators_from:
        for ind in c.indicators:
            if ind.scope == IndicatorScope.annual and ind.level3 and ind.level3 not in project_costs:
                pool.append((ind.level1, ind.level2, ind.level3, ind.value))
    rows: list[tuple[str, str, str, str]] = []
    by_l2: dict[str, list[tuple[str, str, str, str]]] = {}
    for r in pool:
        l2 = r[1] if r[1].endswith("指标") else r[1] + "指标"
        if r[0] == "成本指标":
            l2 = "成本指标"
        by_l2.setdefault(l2, [])
        if r[2] not in [x[2] for x in by_l2[l2]]:
            by_l2[l2].append(("产出指标" if r[0] == "成本指标" else r[0], l2, r[2], r[3]))
    basics = {"质量指标": ("人员经费保障率", "100%"), "时效指标": ("工资及补助发放时间", "每月")}
    for l1, l2s in (("产出指标", ("数量指标", "质量指标", "时效指标", "成本指标")),
                    ("效益指标", ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")),
                    ("满意度指标", ("服务对象满意度指标",))):
        for l2 in l2s:
            got = by_l2.get(l2, [])[: rng.randint(1, 5)]
            if l2 in basics:
                got = [(l1, l2, *basics[l2]), *(x for x in got if x[2] != basics[l2][0])]
            if not got:
                got = [(l1, l2, "", "")]
            rows += [(l1, l2, c, d) for _a, _b, c, d in got]
    indicators = _indicator_rows(rows, None)
    established = max(1, prof.staff - rng.randint(0, max(1, prof.staff // 10)))
    other_staff = rng.randint(0, max(1, prof.staff // 8))
    authorized = established + rng.randint(0, max(1, prof.staff // 10))
    title = (f"{prof.level_word}预算部门(单位)整体支出绩效目标申报表" if layout == "shanxi"
             else f"{y}年度部门整体支出绩效目标申报表")
    card = PerformanceCard(
        id="c01", card_type=CardType.department, title=title, year=y, department_name=prof.department,
        department_code=prof.code, internal_divisions=f"{len(prof.offices)}个", subordinate_units=f"{len(prof.units)}个",
        authorized_staff=f"{authorized}人", actual_staff=f"{established + other_staff}人",
        established_staff=f"{established}人", other_staff=f"{other_staff}人",
        responsibilities=_sentence(list(prof.domain["duty"])), strategic_goal=prof.domain["goal"] + "。",
        key_tasks=_key_tasks(rng, prof), funds_unit=u, funds=funds,
        annual_goal=rng.choice(pools.ANNUAL_GOAL_OPENERS) + prof.domain["goal"] + "。", indicators=indicators,
    )
    card.fields = [CardField(key="部门名称", value=f"{prof.code}-{prof.department}"),
                   CardField(key="内设职能部门数", value=card.internal_divisions or ""),
                   CardField(key="所属预算单位数", value=card.subordinate_units or ""),
                   CardField(key="核定的人员编制数", value=card.authorized_staff or ""),
                   CardField(key="实际在职人员总数", value=card.actual_staff or ""),
                   CardField(key="其中:在编人员数", value=card.established_staff or ""),
                   CardField(key="其他人员数", value=card.other_staff or ""),
                   CardField(key="部门职责", value=card.responsibilities or ""),
                   CardField(key="部门战略目标", value=card.strategic_goal or ""),
                   *[CardField(key=f"{'按资金方向划分' if f.direction else '按资金来源划分'}/{f.source}",
                               value=card_amount_text(f.annual_amount, u)) for f in funds],
                   CardField(key="年度绩效目标", value=card.annual_goal or "")]
    card.form = build_card_form(card, layout=layout)
    return card


# --------------------------------------------------------------------------------------------------
# narrative


class _Para:
    def __init__(self, style: str) -> None:
        self.style = style
        self.parts: list[str] = []
        self.figs: list[StatedFigure] = []

    def add(self, s: str) -> None:
        self.parts.append(s)

    def money(self, label: str, fen: int, *, kind: str = "amount", signed: bool = False) -> None:
        """``label`` + amount in 万元; ``signed``: the printed magnitude is a decrease (value < 0)."""
        v = _wan(abs(fen))
        if v == 0:
            v = Decimal(0)  # printed "0万元"
        text = f"{label}{_money_text(v, self.style)}万元"
        self.parts.append(text)
        self.figs.append(StatedFigure(text=text, label=label or None, kind=kind, value=-v if signed else v,  # type: ignore[arg-type]
                                      unit="万元"))

    def share(self, part: int, whole: int, label: str | None = None) -> None:
        v = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if whole else Decimal(0)
        txt = "0%" if part == 0 else f"{v}%"
        text = f"占{txt}"
        self.parts.append(text)
        self.figs.append(StatedFigure(text=text, label=label, kind="share", value=v if part else Decimal(0), unit="%"))

    def count(self, label: str, n: int, unit: str, noun: str = "") -> None:
        """A count "6个科室": ``n``, measure word ``unit`` (个), optional ``noun`` after it."""
        text = f"{n}{unit}{noun}"
        self.parts.append(text)
        self.figs.append(StatedFigure(text=text, label=label, kind="count", value=Decimal(n), unit=unit))

    def text(self) -> str:
        return "".join(self.parts)


def _money_text(v: Decimal, style: str) -> str:
    if v == 0:
        return "0"
    if style == "jiangsu":
        return _num(v)
    if style == "shanghai":
        return f"{v:,.2f}"
    return f"{v:.2f}"


def _section(part: str | None, heading: str, para: _Para | str) -> NarrativeSection:
    if isinstance(para, str):
        return NarrativeSection(part=part, heading=heading, text=para)
    return NarrativeSection(part=part, heading=heading, text=para.text(), figures=para.figs)


def _sections(rng: random.Random, prof: Profile, data: BudgetData, n_cards: int) -> list[NarrativeSection]:
    st = prof.style
    y = prof.year
    dept = prof.department
    out: list[NarrativeSection] = []
    duty_head = "一、本部门职责" if st == "shanxi" else "一、主要职能"
    out.append(_section("第一部分", duty_head, _sentence(list(prof.domain["duty"]))))
    p = _Para(st)
    if len(prof.units) == 1:
        p.add("部门预算构成主要为本级单位预算，无下属预算单位。本级单位由")
        p.add("、".join(prof.offices))
        p.count("科室数", len(prof.offices), "个", "科室")
        p.add("构成。")
    else:
        p.add(f"纳入本部门{y}年度部门预算编制范围的预算单位共")
        p.count("预算单位数", len(prof.units), "家")
        p.add(f"，具体包括：{'、'.join(prof.units)}。本级内设")
        p.add("、".join(prof.offices))
        p.count("科室数", len(prof.offices), "个", "科室")
        p.add("。")
    out.append(_section("第一部分", "二、机构设置情况", p))

    part = "第三部分"
    total = data.total
    growth = rng.uniform(-0.15, 0.3)
    prev = _rnd(total / (1 + growth), 10_000)
    delta = total - prev
    word, pct_word = ("增长", "增长") if delta >= 0 else ("减少", "下降")
    pct = (Decimal(abs(delta)) * 100 / Decimal(prev)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    reason = rng.choice(("本年度项目资金预算较上年增加", "人员经费增加", "在职人员工资标准调整") if delta >= 0 else
                        ("项目支出预算压减", "部分项目完成后不再安排预算", "严格落实过紧日子要求，压减一般性支出"))
    p = _Para(st)
    p.add(f"{y}年度{dept}")
    p.money("预算收入总计", total)
    p.add("，其中：")
    p.money("本年收入", data.income_total)
    p.add("，")
    p.money("上年结转", data.carry_total)
    p.add("，")
    p.money(f"比上年{word}", delta, kind="change_amount", signed=delta < 0)
    p.add("，")
    p.parts.append(f"{pct_word}{pct}%")
    p.figs.append(StatedFigure(text=f"{pct_word}{pct}%", label="比上年变动", kind="change_percent",
                               value=pct if delta >= 0 else -pct, unit="%"))
    p.add(f"，主要原因是{reason}。")
    out.append(_section(part, "一、部门预算收支数据变动情况及原因" if st == "shanxi" else "一、收支预算总体情况说明", p))

    p = _Para(st)
    p.add(f"{y}年度{dept}")
    p.money("预算收入", data.total)
    p.add("，主要包括：")
    src_names = [("gpb", "一般公共预算拨款收入"), ("gf", "政府性基金预算拨款收入"), ("sc", "国有资本经营预算拨款收入"),
                 ("sa", "财政专户管理资金收入"), ("uf", "单位资金"), ("biz", "事业收入"), ("oper", "事业单位经营收入"),
                 ("other", "其他收入")]
    first = True
    for s, lab in src_names:
        v = data.income(s)
        if v == 0 and s not in ("gpb", "gf", "sc"):
            continue
        if not first:
            p.add("；")
        first = False
        p.money(lab, v)
        p.add("，")
        p.share(v, data.total, lab)
    p.add("；")
    p.money("上年结转", data.carry_total)
    p.add("，")
    p.share(data.carry_total, data.total, "上年结转")
    p.add("。")
    out.append(_section(part, "二、收入预算情况说明", p))

    p = _Para(st)
    p.add(f"{y}年度{dept}")
    p.money("支出预算", data.total)
    p.add("，其中：")
    p.money("基本支出", data.basic_total)
    p.add("，")
    p.share(data.basic_total, data.total, "基本支出")
    p.add("；")
    p.money("项目支出", data.project_total)
    p.add("，")
    p.share(data.project_total, data.total, "项目支出")
    p.add("。")
    out.append(_section(part, "三、支出预算情况说明", p))

    p = _Para(st)
    fiscal = sum(data.fiscal(s) for s in ("gpb", "gf", "sc"))
    p.add(f"{y}年度{dept}")
    p.money("财政拨款收支总预算", fiscal)
    p.add("。其中：")
    p.money("一般公共预算拨款", data.fiscal("gpb"))
    p.add("，")
    p.money("政府性基金预算拨款", data.fiscal("gf"))
    p.add("，")
    p.money("国有资本经营预算拨款", data.fiscal("sc"))
    p.add("。支出包括：")
    from budgetdoc.synth.tables import m_fiscal  # local: keeps the public import list short

    cats = [(n, v["total"]) for n, v in data.category_totals(m_fiscal(carry=True)).items() if v["total"]]
    for i, (n, v) in enumerate(cats):
        if i:
            p.add("、")
        p.money(n, v)
    p.add("等。")
    out.append(_section(part, "四、财政拨款收支预算总体情况说明", p))

    p = _Para(st)
    from budgetdoc.synth.tables import m_source

    gcats = [(n, v["total"]) for n, v in data.category_totals(m_source("gpb")).items() if v["total"]]
    gtot = data.income("gpb")
    p.add(f"{y}年度{dept}一般公共预算当年支出")
    p.money("", gtot)
    p.add("，主要用于以下方面：")
    for i, (n, v) in enumerate(gcats):
        if i:
            p.add("；")
        p.money(n, v)
        p.add("，")
        p.share(v, gtot, n)
    p.add("。")
    out.append(_section(part, "五、一般公共预算支出情况说明", p))

    names = pools.economic_names()
    p = _Para(st)
    p.add(f"{y}年度{dept}一般公共预算安排")
    p.money("基本支出", data.basic_total)
    p.add("，其中：\n")
    p.money("人员经费", data.personnel_total)
    p.add("，主要包括：" + "、".join(names[e.code] for e in data.economic if e.personnel) + "；\n")
    p.money("公用经费", data.public_total)
    p.add("，主要包括：" + "、".join(names[e.code] for e in data.economic if not e.personnel) + "。")
    out.append(_section(part, "六、一般公共预算基本支出情况说明", p))

    p = _Para(st)
    if data.three_public_total == 0:
        p.add("本部门无“三公”经费预算。")
    else:
        tp = data.three_public
        p.add(f"{y}年度{dept}“三公”经费预算")
        p.money("", data.three_public_total)
        p.add("，其中：")
        p.money("因公出国（境）费", tp["overseas"])
        p.add("，")
        p.money("公务用车购置及运行费", tp["vehicle_purchase"] + tp["vehicle_operation"])
        p.add("（其中：")
        p.money("公务用车购置费", tp["vehicle_purchase"])
        p.add("，")
        p.money("公务用车运行维护费", tp["vehicle_operation"])
        p.add("），")
        p.money("公务接待费", tp["reception"])
        p.add("。")
    out.append(_section(part, "七、“三公”经费增减变动原因说明", p))

    p = _Para(st)
    ao = sum(data.agency_operating.values())
    if ao == 0:
        p.add("本部门无机关运行经费。")
    else:
        p.add(f"{y}年度{dept}财政拨款安排的")
        p.money("机关运行经费", ao)
        p.add(f"，{rng.choice(('主要用于办公及印刷费、邮电费、差旅费、会议费、福利费、日常维修费等', '保障机关正常运转'))}。")
    out.append(_section(part, "八、机关运行经费增减变动原因说明", p))

    p = _Para(st)
    proc = data.procurement
    tot = sum(x.amount for x in proc)
    p.add(f"{y}年{dept}")
    p.money("政府采购预算总额", tot)
    p.add("。其中：")
    for i, (cat, lab) in enumerate((("货物", "政府采购货物预算"), ("工程", "政府采购工程预算"), ("服务", "政府采购服务预算"))):
        if i:
            p.add("、")
        p.money(lab, sum(x.amount for x in proc if x.category == cat))
    p.add("。")
    out.append(_section(part, "九、政府采购情况", p))

    p = _Para(st)
    p.add(f"{y}年编报部门整体支出绩效目标，涉及")
    p.money("部门预算资金", data.total)
    p.add("，其中")
    p.money("基本支出", data.basic_total)
    p.add("，")
    p.money("项目支出", data.project_total)
    p.add(f"。{y}年{dept}纳入绩效目标管理的项目")
    p.count("项目数", len(data.projects), "个")
    p.add("，共计金额")
    p.money("", sum(x.total for x in data.projects))
    p.add("，公开项目绩效目标")
    p.count("公开项目数", n_cards, "个")
    p.add("。\n（部门整体目标表和项目绩效目标表公开情况见附件）")
    out.append(_section(part, "十、绩效管理情况", p))

    p = _Para(st)
    vehicles = rng.choice((0, 0, 0, 1, 2, 3, 5, 8))
    p.add(f"截至{y - 1}年12月31日，{dept}共有公务用车")
    p.count("公务用车数", vehicles, "辆")
    p.add("；使用的办公用房建筑总面积")
    p.count("办公用房面积", rng.randint(60, 3000), "平方米")
    p.add("。")
    out.append(_section(part, "十一、国有资产占有使用情况", p))
    return out


# --------------------------------------------------------------------------------------------------
# the document


def random_document(seed: int, *, style: str = "shanxi", unit: Unit | None = None) -> DisclosureDocument:
    """A random, self-consistent department budget disclosure in ``style`` (shanxi, jiangsu, shanghai).

    ``unit`` overrides the style's table unit (元, 千元 or 万元). The same arguments give the same
    document. Tables, cards (one department card, 2–5 project cards, each with its ``form``) and
    narrative sections all derive from one ledger; see the module docstring for the identities.
    """
    rng, unit = _start(seed, style, unit)
    prof = _profile(rng, style)
    data = _ledger(rng, prof, unit)
    tables = build_tables(data)
    layout = CARD_LAYOUTS[style]
    projects = list(data.projects)
    if len(projects) > 5:
        projects = sorted(rng.sample(projects, k=5), key=data.projects.index)
    pcards = [_project_card(rng, prof, data, p, i + 2, layout) for i, p in enumerate(projects)]
    dcard = _department_card(rng, prof, data, pcards, layout)
    cards = [dcard, *pcards]
    sections = _sections(rng, prof, data, len(pcards))
    if style == "shanghai":
        title = f"{prof.region}{prof.year}年{'区级' if prof.county else '市级'}部门预算"
    else:
        title = f"{prof.year}年度部门预算公开"
    return DisclosureDocument(
        title=title, department=prof.department, year=prof.year, kind=DocumentKind.department_budget,
        region=prof.region, tables=tables, cards=cards, sections=sections,
        producer=f"budgetdoc.synth.variants style={style} unit={unit.value} seed={seed}",
    )


def table_types(style: str) -> list[TableType]:
    """The table types a style produces, in print order."""
    return [t.table_type for t in random_document(0, style=style).tables]
