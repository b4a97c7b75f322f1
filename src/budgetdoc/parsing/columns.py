"""Printed column headers (表头) to canonical :class:`~budgetdoc.model.vocab.Column` values.

A column is named by a header path, top to bottom: ("本年收入", "一般公共预算"), ("2026年预算数",
"基本支出"), ("“三公”经费", "公务用车购置及运行费", "购置费"). Cells wrap ("政府性基金 预算",
"国有资本经营预 算") and carry years ("2026年预算数"), numbering ("①公务用车购置费") and units
("金额(万元)"). :func:`canonical_column` maps such a path to one :class:`Column`.

Rules for a path:

* The bottom-most cell with a specific meaning decides: ("本年收入", "一般公共预算") is
  ``general_public_budget``.
* A generic bottom cell (合计, 小计, 金额, 预算数, 决算数 …) takes the meaning of the nearest cell above
  that is *exactly* a column name: ("财政拨款", "小计") is ``fiscal_appropriation``,
  ("公务用车购置及运行维护费", "小计") is ``vehicle_total``, and in the 决算
  三公 table ("因公出国（境）费", "决算数") is ``overseas_travel`` (:func:`column_measure` gives the
  预算数/决算数 side). A group cell that merely mentions a fund ("一般公共预算支出", "国有资本经营
  预算支出") is the table's subject, not a breakdown, so ("一般公共预算支出", "合计") is ``total``;
  so is the single amount column of a one-fund table ("政府性基金收入预算"). 本年收入/当年预算安排
  above a 合计 does not override it either: ("本年收入", "合计") is the row's ``total`` (as the seed
  truth labels it); ``current_year`` is the 本年/当年 column beside a 上年结转 column.
* Otherwise the generic cell's own meaning counts (合计 → ``total``, 决算数 → ``final_amount``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from budgetdoc.model.vocab import Column
from budgetdoc.parsing.text import YEAR_RE, fuzzy_contains, normalize

__all__ = ["canonical_column", "column_measure", "normalize_header"]

K = Column

# Exact names (normalised) of columns. Generic ones are in _GENERIC too.
_EXACT: dict[str, Column] = {
    # totals
    "合计": K.total, "小计": K.total, "总计": K.total, "金额": K.total, "合计数": K.total,
    "预算数": K.total, "预算": K.total, "本年预算数": K.total, "本年预算": K.total, "预算金额": K.total,
    "本年支出": K.total, "本年支出合计": K.total, "支出合计": K.total, "数额": K.total, "": K.total,
    # expenditure by type
    "基本支出": K.basic_expenditure, "项目支出": K.project_expenditure,
    "人员经费": K.personnel, "人员支出": K.personnel, "公用经费": K.public_funds, "日常公用经费": K.public_funds,
    # sources of funds
    "一般公共预算": K.general_public_budget, "一般公共预算拨款": K.general_public_budget,
    "一般公共预算资金": K.general_public_budget, "一般公共预算财政拨款": K.general_public_budget,
    "一般公共预算拨款收入": K.general_public_budget, "公共财政拨款": K.general_public_budget,
    "政府性基金": K.government_fund, "政府性基金预算": K.government_fund, "政府性基金拨款": K.government_fund,
    "政府性基金预算拨款": K.government_fund, "政府性基金预算财政拨款": K.government_fund,
    "国有资本经营预算": K.state_capital, "国有资本经营预算拨款": K.state_capital,
    "国有资本经营预算财政拨款": K.state_capital,
    "财政专户管理资金": K.special_account, "专户管理资金": K.special_account,
    "单位资金": K.unit_funds,
    "财政拨款": K.fiscal_appropriation, "财政拨款收入": K.fiscal_appropriation,
    "财政拨款小计": K.fiscal_appropriation, "财政拨款合计": K.fiscal_appropriation,
    "事业收入": K.business_income,
    "事业单位经营收入": K.operating_income, "经营收入": K.operating_income,
    "其他收入": K.other_income,
    # year split
    "当年预算安排": K.current_year, "本年收入": K.current_year, "本年收入合计": K.total,
    "当年拨款": K.current_year, "本年预算安排": K.current_year, "当年预算": K.current_year,
    "上年结转": K.carryover, "上年结转安排": K.carryover, "上年结转资金": K.carryover,
    "上年财政拨款结转": K.carryover, "年初结转和结余": K.carryover, "上年结转和结余": K.carryover,
    "年末结转和结余": K.year_end_carryover, "年终结转": K.year_end_carryover,
    "结转下年": K.year_end_carryover, "结转下年资金": K.year_end_carryover,
    # budget / final
    "年初预算数": K.initial_budget, "年初预算": K.initial_budget,
    "全年预算数": K.adjusted_budget, "全年预算": K.adjusted_budget, "调整预算数": K.adjusted_budget,
    "调整后预算数": K.adjusted_budget, "决算数": K.final_amount, "决算": K.final_amount,
    # 三公经费 and 机关运行经费
    "因公出国(境)费": K.overseas_travel, "因公出国(境)费用": K.overseas_travel,
    "公务接待费": K.official_reception,
    "公务用车购置及运行费": K.vehicle_total, "公务用车购置及运行维护费": K.vehicle_total,
    "公务用车购置费": K.vehicle_purchase, "购置费": K.vehicle_purchase, "车辆购置费": K.vehicle_purchase,
    "公务用车运行维护费": K.vehicle_operation, "公务用车运行费": K.vehicle_operation,
    "运行维护费": K.vehicle_operation, "运行费": K.vehicle_operation,
    "机关运行经费": K.agency_operating, "机关运行经费支出": K.agency_operating,
    "机关运行经费预算": K.agency_operating, "机关运行经费预算数": K.agency_operating,
}

#: Headers that say "the amount" without saying of what; a more specific cell above wins.
_GENERIC = frozenset({
    "合计", "小计", "总计", "金额", "合计数", "预算数", "预算", "本年预算数", "本年预算", "预算金额", "数额",
    "", "决算数", "决算", "年初预算数", "年初预算", "全年预算数", "全年预算", "调整预算数", "调整后预算数",
})

# Keyword rules for headers that are not an exact name, most specific first. Each keyword of
# four or more characters also matches with one OCR error.
_RULES: tuple[tuple[str, Column], ...] = (
    ("决算数", K.final_amount),
    ("年初预算", K.initial_budget),
    ("全年预算", K.adjusted_budget),
    ("调整预算", K.adjusted_budget),
    ("调整后预算", K.adjusted_budget),
    ("因公出国", K.overseas_travel),
    ("公务接待", K.official_reception),
    ("公务用车购置及运行", K.vehicle_total),
    ("公务用车购置", K.vehicle_purchase),
    ("公务用车运行", K.vehicle_operation),
    ("机关运行经费", K.agency_operating),
    ("上年结转", K.carryover),
    ("年初结转", K.carryover),
    ("年末结转", K.year_end_carryover),
    ("年终结转", K.year_end_carryover),
    ("结转下年", K.year_end_carryover),
    ("基本支出", K.basic_expenditure),
    ("项目支出", K.project_expenditure),
    ("人员经费", K.personnel),
    ("公用经费", K.public_funds),
    ("一般公共预算", K.general_public_budget),
    ("公共财政拨款", K.general_public_budget),
    ("政府性基金", K.government_fund),
    ("国有资本经营", K.state_capital),
    ("财政专户", K.special_account),
    ("专户管理", K.special_account),
    ("单位资金", K.unit_funds),
    ("事业单位经营收入", K.operating_income),
    ("经营收入", K.operating_income),
    ("事业收入", K.business_income),
    ("其他收入", K.other_income),
    ("财政拨款", K.fiscal_appropriation),
    ("当年预算", K.current_year),
    ("本年收入", K.current_year),
    ("当年拨款", K.current_year),
)

# Numbering and units around a header: "①", "1.", "一、", "其中:", "(万元)".
# A fund named with the table's own direction ("政府性基金收入预算", "一般公共预算支出") heads the
# amount of a table about that fund: its total, not a by-fund breakdown. ("…拨款收入" is a source.)
_SUBJECT_RE = re.compile(r"(?:一般公共预算|政府性基金(?:预算)?|国有资本经营(?:预算)?)(?:收入|支出)(?:预算)?(?:数)?")
_CIRCLED_RE = re.compile(r"^[①-⑳]")
_NUMBERING_RE = re.compile(r"^(?:\d{1,2}[、.]|[一二三四五六七八九十]+、|其中[:：]?)")
_UNIT_RE = re.compile(r"\((?:单位[:：]?)?(?:万元|元|千元|亿元)\)$")
_LEADING_YEAR_RE = re.compile(r"^(?:19|20)\d{2}(?:年度?)?")


def normalize_header(text: str) -> str:
    """A header cell in comparable form: NFKC, no whitespace, no numbering, year or unit.

    "①公务用车购置费" → "公务用车购置费", "2026年预算数" → "预算数", "金额(万元)" → "金额",
    "政府性基金 预算" → "政府性基金预算". A header that is only a year ("2026年") becomes "" (the
    amount column of that year).
    """
    s = normalize(_CIRCLED_RE.sub("", text.strip()))  # before NFKC, which turns ① into 1
    s = _NUMBERING_RE.sub("", s)
    s = _UNIT_RE.sub("", s)
    s = _LEADING_YEAR_RE.sub("", s)
    return YEAR_RE.sub("", s)


def _match(s: str) -> Column | None:
    if s in _EXACT:
        return _EXACT[s]
    if _SUBJECT_RE.fullmatch(s):
        return K.total
    for kw, col in _RULES:
        if kw in s:
            return col
    for kw, col in _RULES:
        if len(kw) >= 4 and fuzzy_contains(s, kw, 1):
            return col
    if re.search(r"(?:合计|小计|总计|金额|预算数)$", s):
        return K.total
    return None


def _path(header: str | Sequence[str]) -> list[str]:
    parts = [header] if isinstance(header, str) else list(header)
    # Drop empty header slots (a merged cell repeated in the grid leaves blanks or duplicates).
    out: list[str] = []
    for p in parts:
        if p is None or not normalize(p):
            continue
        if out and normalize(p) == normalize(out[-1]):
            continue
        out.append(p)
    return out


def canonical_column(header: str | Sequence[str]) -> Column | None:
    """The :class:`Column` a printed header (or header path, top to bottom) stands for, or None.

    None for label columns (项目, 科目编码, 科目名称, 项目名称, 单位名称) and amounts with no
    canonical column (上级补助收入, 会议费, 培训费 …). See the module docstring for the path rules.

    >>> canonical_column(["2026年预算数", "基本支出"]).value
    'basic_expenditure'
    >>> canonical_column("国有资本经营预 算").value
    'state_capital'
    >>> canonical_column("科目名称") is None
    True
    """
    path = _path(header)
    if not path:
        return None
    leaf_raw = path[-1]
    if re.fullmatch(r"\s*(?:19|20)\d{2}\s*年度?\s*", leaf_raw):
        leaf = ""  # a bare year heads that year's amount
    else:
        leaf = normalize_header(leaf_raw)
        if not leaf:
            return None
    col = _match(leaf)
    if col is None:
        return None
    if leaf in _GENERIC:
        for above in reversed(path[:-1]):
            a = normalize_header(above)
            if a in _EXACT and a not in _GENERIC and _EXACT[a] is not K.current_year:
                return _EXACT[a]
    return col


_MEASURES: dict[str, Column] = {
    "预算数": K.total, "决算数": K.final_amount, "年初预算数": K.initial_budget,
    "全年预算数": K.adjusted_budget, "调整预算数": K.adjusted_budget, "调整后预算数": K.adjusted_budget,
}


def column_measure(header: str | Sequence[str]) -> Column | None:
    """Which figure a column shows when a table prints budget and final side by side.

    In the 决算 三公 table each item has 预算数 and 决算数 columns; :func:`canonical_column` names
    the item, this names the measure: ``final_amount`` for 决算数, ``initial_budget`` /
    ``adjusted_budget`` for 年初/全年预算数, ``total`` for a plain 预算数; None when the bottom cell is
    not a measure.
    """
    path = _path(header)
    if not path:
        return None
    return _MEASURES.get(normalize_header(path[-1]))
