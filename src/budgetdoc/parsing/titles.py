"""Table titles (表名) to :class:`~budgetdoc.model.vocab.TableType`, and the document kind.

Printed titles carry much more than the table's name: a label (预算公开表1, 公开01表, 部门公开表9,
表一, 一、), a year (2026年, 2017年度), the department (江苏省高级人民法院, 中共上海市普陀区委社会工作部
2024年度部门决算表), a qualifier (（不含上年结转）, （功能科目）) — and regions word the same table
differently (收支总表 / 收支预算总表; 一般公共预算基本支出部门预算经济分类预算表 / 一般公共预算安排基本
支出分经济科目表). :func:`classify_table_title` strips the noise and decides on the keywords that
distinguish the types, matching each keyword with up to one OCR error; when no rule fires it falls
back to the closest canonical name by similarity.
"""

from __future__ import annotations

import difflib
import re

from budgetdoc.model.vocab import TABLE_TYPE_NAMES, DocumentKind, TableType
from budgetdoc.parsing.text import YEAR_RE, fuzzy_contains, normalize

__all__ = ["classify_table_title", "detect_document_kind", "strip_title_noise"]

T = TableType

# Table labels printed before or above the name. A numeral must not swallow the year or the 一 of
# 一般 that follow it in run-together text ("表五2026年…", "表一一般公共预算…").
_CN_NUM = "一二三四五六七八九十"
_LABEL_NUM = rf"(?:\d{{1,2}}(?=(?:19|20)\d{{2}}年|\D|$)|十?[{_CN_NUM}])"
_LABEL_RE = re.compile(
    rf"(?:部门|预算|决算)?(?:公开)?附?表{_LABEL_NUM}(?:-\d+)?"  # 预算公开表1, 部门公开表9, 表一, 附表3
    r"|公开\d+表"  # 公开01表 (Jiangsu)
    rf"|^(?:[{_CN_NUM}]+|\d+)[、.]"  # 一、 十二、 1、 1.
    rf"|^\((?:[{_CN_NUM}]+|\d+)\)"  # (一) (1)
)
# Traditional or variant forms an OCR model may return for the characters of table names.
_VARIANTS = str.maketrans("決預經費資撥門綜產營國務總類別報項達", "决预经费资拨门综产营国务总类别报项达")
# A table of contents line: dot leaders (… is "..." after NFKC) and the page number.
_LEADER_RE = re.compile(r"(?:\.{2,}|·{2,}|-{3,}).*$")
# Words before a department's "部门" that show it is not a department name but the table's own.
_NOT_DEPARTMENT_RE = re.compile(r"预算|决算|支出|收入|收支|表|经费|拨款")
# Qualifiers that mention another table's keyword without changing the type.
_QUALIFIER_RE = re.compile(r"\((?:不含|含)上年结转(?:和结余)?\)|不含上年结转|\((?:功能|经济)(?:科目|分类)\)")
_SIMILARITY_CUTOFF = 0.75
# Ends of narrative headings, which mention tables without being one.
_NARRATIVE_RE = re.compile(r"(?:说明|情况|解释|概况|原因)$")


def strip_title_noise(title: str) -> str:
    """Normalise a title and remove what does not name the table: label, year, department, TOC leaders.

    A department name printed before the year ("中共上海市普陀区委社会工作部2024年度…") is dropped
    with the year; one printed after the year is dropped up to its "部门" ("2017年度江苏省高级
    人民法院部门收支预算总表" → "收支预算总表").
    """
    s = normalize(title).translate(_VARIANTS)
    s = _LEADER_RE.sub("", s)
    s = _LABEL_RE.sub("", s)
    m = None
    for m in YEAR_RE.finditer(s):
        pass
    if m is not None:  # everything before the (last) year is label or department
        s = s[m.end():]
    # "XX法院部门收支预算总表" / "部门一般公共预算…": what precedes the first 部门 is the department.
    i = s.find("部门")
    if i >= 0 and not s.startswith(("部门决算", "部门预算")) and not _NOT_DEPARTMENT_RE.search(s[:i]):
        s = s[i + 2:]
    return s


def _has(s: str, kw: str) -> bool:
    # One OCR error is tolerated only for long keywords, which differ from each other by two or
    # more characters; short ones (三公, 总表, 决算) must match exactly.
    return fuzzy_contains(s, kw, 1 if len(kw) >= 4 else 0)


def _classify(s: str) -> TableType:
    s = _QUALIFIER_RE.sub("", s)
    final = "决算" in s
    summary = "总表" in s
    fiscal = _has(s, "财政拨款")
    gpb = _has(s, "一般公共预算")
    basic = _has(s, "基本支出")
    fund = _has(s, "政府性基金")
    capital = _has(s, "国有资本经营")
    both_sides = "收支" in s or _has(s, "收入支出")
    revenue = "收入" in s
    expenditure = "支出" in s
    three = "三公" in s

    if final:
        if three:
            return T.final_three_public_expenses
        if fund:
            return T.final_government_fund
        if capital:
            return T.final_state_capital_operation
        if summary and fiscal:
            return T.final_fiscal_appropriation_summary
        if summary and both_sides:
            return T.final_revenue_expenditure_summary
        if gpb and basic:
            return T.final_general_public_budget_basic
        if gpb:
            return T.final_general_public_budget_expenditure
        if revenue and not expenditure:
            return T.final_revenue
        if expenditure and not revenue:
            return T.final_expenditure
        return T.other

    if summary:
        if _has(s, "财务收支"):
            return T.department_financial_summary
        if fiscal and both_sides:
            return T.fiscal_appropriation_summary
        if both_sides:
            return T.revenue_expenditure_summary
        if revenue:
            return T.revenue_summary
        if expenditure:
            return T.expenditure_summary
        return T.other
    if _has(s, "政府采购"):
        return T.government_procurement
    if three:
        return T.three_public_and_agency_operating if _has(s, "机关运行") else T.three_public_expenses
    if _has(s, "机关运行"):
        return T.agency_operating_expenses
    if _has(s, "项目支出") and not basic:
        return T.project_expenditure_carryover if _has(s, "上年结转") else T.project_expenditure
    if capital:
        return T.state_capital_operation if both_sides else T.state_capital_operation_expenditure
    if fund:
        return T.government_fund_revenue if revenue and not expenditure else T.government_fund_expenditure
    if gpb and basic:
        return T.general_public_budget_basic_economic
    if gpb and expenditure:
        return T.general_public_budget_expenditure
    if fiscal and basic:
        return T.fiscal_appropriation_basic_economic
    if fiscal and expenditure:
        return T.fiscal_appropriation_expenditure
    return T.other


# Canonical names plus regional wordings, for the similarity fallback.
_ALIASES: dict[str, TableType] = {
    strip_title_noise(name): t for t, name in TABLE_TYPE_NAMES.items() if t is not T.other
}
_ALIASES.update({
    "收支预算总表": T.revenue_expenditure_summary,
    "收入预算总表": T.revenue_summary,
    "支出预算总表": T.expenditure_summary,
    "财政拨款收支预算总表": T.fiscal_appropriation_summary,
    "一般公共预算支出功能分类预算表": T.general_public_budget_expenditure,
    "一般公共预算基本支出部门预算经济分类预算表": T.general_public_budget_basic_economic,
    "一般公共预算基本支出预算表": T.general_public_budget_basic_economic,
    "政府性基金预算支出功能分类预算表": T.government_fund_expenditure,
    "一般公共预算机关运行经费支出预算表": T.agency_operating_expenses,
    '"三公"经费、会议费、培训费支出预算表': T.three_public_expenses,
    "政府采购支出预算表": T.government_procurement,
})


def _is_table_title(s: str) -> bool:
    # Narrative headings name tables too ("一、收支预算总表情况说明", "九、政府采购情况"); table
    # titles end in 表, possibly followed by a qualifier in parentheses.
    return "表" in s and not _NARRATIVE_RE.search(s)


def classify_table_title(title: str, header_text: str = "") -> TableType:
    """The :class:`TableType` of a table from its printed title (and, if needed, its header text).

    Robust to table labels, years, department prefixes, qualifiers such as （不含上年结转）, regional
    wordings, and one wrong or missing character per keyword. When the title alone names no known
    table (e.g. only "2024年度部门决算表", or too garbled), the header text is added, and as a last
    resort the title is compared with the canonical names (difflib ratio ≥ 0.75). Returns
    ``TableType.other`` for a narrative heading ("…情况说明") and when nothing fits.

    >>> classify_table_title("公开06表 财政拨款基本支出预算表（经济科目）").value
    'fiscal_appropriation_basic_economic'
    >>> classify_table_title("表十三2026年项目支出预算表（上年结转）").value
    'project_expenditure_carryover'
    """
    s = strip_title_noise(title)
    if _NARRATIVE_RE.search(s):
        return T.other
    t = _classify(s) if _is_table_title(s) else T.other
    if t is T.other and header_text:
        h = strip_title_noise(header_text)
        if "基本支出" in h and "项目支出" in h:
            # columns 基本支出 | 项目支出 split a by-function table: they name neither the
            # basic-expenditure (经济科目) table nor the project table
            h = h.replace("基本支出", "").replace("项目支出", "")
        t = _classify(s + h)
        # A title without 决算 whose header has 决算数 columns is a final-accounts table.
        if t is T.other and "决算" not in s and "决算数" in h:
            t = _classify(s + "决算")
    if t is T.other and s:
        best = difflib.get_close_matches(s, list(_ALIASES), n=1, cutoff=_SIMILARITY_CUTOFF)
        if best:
            t = _ALIASES[best[0]]
    return t


_KINDS: dict[tuple[str, str], DocumentKind] = {
    ("部门", "预算"): DocumentKind.department_budget,
    ("部门", "决算"): DocumentKind.department_final_accounts,
    ("单位", "预算"): DocumentKind.unit_budget,
    ("单位", "决算"): DocumentKind.unit_final_accounts,
}
_KIND_RE = re.compile(r"(部门|单位)?(预算|决算)")


def detect_document_kind(text: str) -> DocumentKind | None:
    """The kind of disclosure (部门预算/部门决算/单位预算/单位决算) a document's text states.

    The first 预算 or 决算 in the text decides, because the cover and title come first and later
    text mentions other kinds ("部门预算构成主要为本级单位预算", "全年预算数" in a 决算). It is a
    unit-level kind when 单位 is printed right before it, else department-level — also when nothing
    is ("2018年度江苏省高级人民法院预算公开"). None when neither word occurs.
    """
    m = _KIND_RE.search(normalize(text))
    if m is None:
        return None
    return _KINDS[(m.group(1) or "部门", m.group(2))]
