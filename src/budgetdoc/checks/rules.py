"""The rulebook: every accounting rule as a small declarative record, and which rules each table type gets.

A :class:`Rule` has an id, a family (``within_table``, ``across_tables``, ``table_card``,
``narrative``), a description in Chinese and English, the rounding it admits (``tolerance``; None:
the run's tolerance, by default 0.02 of the compared unit, the 尾差 the documents admit) and the
function(s) of :mod:`budgetdoc.checks.identities` that evaluate it (one function per rule family;
a function may produce the results of several rules, which are told apart by ``rule_id``).

:data:`TABLE_TYPE_RULES` says which within-table rules apply to each :class:`~budgetdoc.model.vocab.TableType`
(the 支出总表 gets the subject tree, the top-level sum, 基本 + 项目 = 合计, the sources sum and the
item list of a one-row Jiangsu table; an economic table the economic tree and 人员 + 公用 …); a table of
type ``other`` (or a type not listed) gets every within-table rule, and each rule selects itself by
the columns and rows the table has. Document rules (across tables, cards, narrative) run once per
document. :func:`run_rulebook` runs it all (it is what :func:`~budgetdoc.checks.identities.check_document`
does); a rule with nothing to check in a document is reported ``skipped``, never passed silently,
and :func:`report` counts both.

The table of every rule is in ``docs/rules.md`` (:func:`rules_markdown` writes it; a test keeps it in
step with this module); :func:`rule_catalogue` gives the same as dicts for the CLI.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from budgetdoc.checks import identities as ids
from budgetdoc.checks.identities import DEFAULT_TOLERANCE, run_cache, skipped
from budgetdoc.model.document import CheckResult, DisclosureDocument, Table
from budgetdoc.model.vocab import TABLE_TYPE_NAMES, TableType

__all__ = [
    "FAMILIES",
    "RULEBOOK",
    "RULES_BY_ID",
    "TABLE_TYPE_RULES",
    "WITHIN_TABLE_RULES",
    "Rule",
    "report",
    "rule_catalogue",
    "rules_for_table_type",
    "rules_markdown",
    "run_rulebook",
    "run_rules",
]

Family = Literal["within_table", "across_tables", "table_card", "narrative"]
FAMILIES: tuple[Family, ...] = ("within_table", "across_tables", "table_card", "narrative")
TableCheck = Callable[[Table, Decimal], list[CheckResult]]
DocumentCheck = Callable[[DisclosureDocument, Decimal], list[CheckResult]]

RUN_TOLERANCE = "the run's (default 0.02 of the compared unit)"


@dataclass(frozen=True)
class Rule:
    """One accounting rule: what it says, how much rounding it admits, and what evaluates it.

    ``checks`` are the functions that produce this rule's results (a table function for
    ``within_table`` rules, a document function otherwise); they may produce other rules' results
    too, which :meth:`evaluate` leaves out.
    """

    id: str
    family: Family
    description_zh: str
    description_en: str
    checks: tuple[Callable[..., list[CheckResult]], ...]
    tolerance: Decimal | None = None
    tolerance_note: str = RUN_TOLERANCE

    @property
    def per_table(self) -> bool:
        return self.family == "within_table"

    def effective_tolerance(self, run_tolerance: Decimal) -> Decimal:
        return self.tolerance if self.tolerance is not None else run_tolerance

    def evaluate(self, target: Table | DisclosureDocument, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
        """This rule's results on one table (within-table rules) or one document (the others)."""
        tol = self.effective_tolerance(tolerance)
        return [r for check in self.checks for r in check(target, tol) if r.rule_id == self.id]


def _rule(rule_id: str, family: Family, zh: str, en: str, *checks: Callable[..., list[CheckResult]],
          tolerance: Decimal | None = None, note: str = RUN_TOLERANCE) -> Rule:
    return Rule(rule_id, family, zh, en, checks, tolerance, note)


_W, _X, _C, _N = "within_table", "across_tables", "table_card", "narrative"
_IN_YUAN = "the run's, in the table's unit (card and table compared in 元)"

#: Every rule, in report order.
RULEBOOK: tuple[Rule, ...] = (
    _rule(ids.SUBJECT_CHILDREN, _W, "功能分类科目：项之和等于所属款，款之和等于所属类",
          "Function subjects: 项 rows sum to their 款, 款 rows to their 类", ids.check_subject_tree),
    _rule(ids.SUBJECT_TOP, _W, "功能分类科目：各类（最上级科目）之和等于合计",
          "Function subjects: the top-level rows (类) sum to the 合计 row", ids.check_subject_tree),
    _rule(ids.BASIC_PROJECT, _W, "每行：合计 = 基本支出 + 项目支出",
          "Each row: total = 基本支出 (basic) + 项目支出 (project)", ids.check_basic_plus_project),
    _rule(ids.PERSONNEL_PUBLIC, _W, "经济分类表每行：合计 = 人员经费 + 公用经费",
          "Each row of an economic table: total = 人员经费 (personnel) + 公用经费 (public funds)",
          ids.check_personnel_plus_public),
    _rule(ids.SOURCES, _W, "每行：合计 = 同一表头下各资金来源之和",
          "Each row: total = the funding-source columns printed under the same header",
          ids.check_sources_sum),
    _rule(ids.THREE_PUBLIC_COLUMNS, _W,
          "“三公”经费（列）：合计 = 因公出国（境）费 + 公务接待费 + 公务用车购置及运行费；后者 = 购置费 + 运行维护费",
          "三公 columns: total = overseas travel + reception + vehicles; vehicles = purchase + operation",
          ids.check_three_public_columns),
    _rule(ids.ECONOMIC_ITEMS, _W, "经济分类：款之和等于所属类",
          "Economic classification: 款 items sum to their 类 group", ids.check_economic_tree),
    _rule(ids.ECONOMIC_GROUPS, _W, "经济分类：各类之和等于合计",
          "Economic classification: the 类 groups sum to the 合计 row", ids.check_economic_tree),
    _rule(ids.PROJECT_CHILDREN, _W, "项目支出表：项目之和等于单位，单位之和等于部门，部门之和等于合计",
          "Project tables: projects sum to their unit, units to their department, departments to the total",
          ids.check_project_tree),
    _rule(ids.ITEMS_TOTAL, _W, "项目清单（三公、机关运行经费、政府采购等）：最外层各项之和等于合计",
          "Item lists (三公, 机关运行经费, 政府采购 …): the outermost lines sum to the total",
          ids.check_item_list),
    _rule(ids.ITEMS_SUB, _W, "项目清单：子项（①②、“一、”下的“1.”、右侧项目列）之和等于所属项",
          "Item lists: sub-items (①②, '1.' under '一、', an item column right of a group) sum to their line",
          ids.check_item_list, ids.check_two_sided),
    _rule(ids.REVENUE_ITEMS, _W, "收支总表：收入各项之和等于本年收入合计",
          "Two-sided summary: the revenue lines sum to 本年收入合计", ids.check_two_sided),
    _rule(ids.EXPENDITURE_ITEMS, _W, "收支总表：支出各项（功能分类、支出用途各列）之和等于本年支出合计",
          "Two-sided summary: the expenditure lines (each listing: function, use) sum to 本年支出合计",
          ids.check_two_sided),
    _rule(ids.CARRYOVER_ITEMS, _W, "收支总表：上年结转（年终结转）的明细之和等于该行",
          "Two-sided summary: the breakdown of 上年结转 (年终结转) sums to its line", ids.check_two_sided),
    _rule(ids.REVENUE_GRAND, _W, "收支总表：收入总计 = 本年收入合计 + 上年结转等",
          "Two-sided summary: 收入总计 = 本年收入合计 + 上年结转 (…)", ids.check_two_sided),
    _rule(ids.EXPENDITURE_GRAND, _W, "收支总表：支出总计 = 本年支出合计 + 年终结转等",
          "Two-sided summary: 支出总计 = 本年支出合计 + 年终结转 (…)", ids.check_two_sided),
    _rule(ids.BALANCE, _W, "收支总表：收入总计 = 支出总计",
          "Two-sided summary: the revenue grand total = the expenditure grand total", ids.check_two_sided),
    _rule(ids.CROSS_REVENUE_TOTAL, _X, "收支总表本年收入合计（及上年结转）= 收入总表合计（及上年结转）",
          "The summary's 本年收入合计 (and 上年结转) = the revenue table's total (and 上年结转)",
          ids.check_cross_tables),
    _rule(ids.CROSS_EXPENDITURE_TOTAL, _X, "收支总表本年支出合计 = 支出总表合计",
          "The summary's 本年支出合计 = the expenditure table's total", ids.check_cross_tables),
    _rule(ids.CROSS_REVENUE_ITEMS, _X, "收支总表与财政拨款收支总表的财政拨款收入各项一致",
          "The fiscal funding lines agree between the summary and the 财政拨款收支总表", ids.check_cross_tables),
    _rule(ids.CROSS_REVENUE_SOURCES, _X, "收支总表各资金来源 = 收入总表的该来源",
          "Each funding-source line of the summary = that source in the revenue table", ids.check_cross_tables),
    _rule(ids.CROSS_FUNCTIONS, _X, "收支总表支出功能分类各类 = 支出总表的类级科目",
          "The summary's function categories = the expenditure table's 类 rows", ids.check_cross_tables),
    _rule(ids.CROSS_FISCAL_GPB, _X, "财政拨款收支总表一般公共预算 = 一般公共预算支出表（合计及各类，含上年结转的处理）",
          "The 财政拨款 summary's 一般公共预算 = the GPB expenditure table (total and 类 rows, with 上年结转)",
          ids.check_cross_tables),
    _rule(ids.CROSS_SUBJECTS, _X, "收入总表与支出总表按功能科目逐行一致",
          "The revenue and expenditure tables agree subject by subject", ids.check_cross_tables),
    _rule(ids.CROSS_GPB_SUBJECTS, _X, "收入总表一般公共预算列 = 一般公共预算支出表（按功能科目）",
          "The revenue table's 一般公共预算 column = the GPB expenditure table, subject by subject",
          ids.check_cross_tables),
    _rule(ids.CROSS_PROJECT_TOTAL, _X, "支出总表合计项目支出 = 项目支出表（本年预算 + 上年结转）合计",
          "The expenditure table's 项目支出 total = the project tables' total", ids.check_project_table_total),
    _rule(ids.CROSS_BASIC_ECONOMIC, _X, "基本支出（同一资金）= 各经济分类表合计",
          "基本支出 of the same funds = each economic table's total", ids.check_basic_vs_economic),
    _rule(ids.CARD_PROJECT_SOURCES, _C, "项目绩效目标表：资金总额 = 各资金来源之和（实施期、年度）",
          "Project card: total funds = the sum of its sources (period and year)", ids.check_project_cards),
    _rule(ids.CARD_PROJECT_VS_TABLE, _C, "项目绩效目标表年度资金总额 = 项目支出表中该项目的金额",
          "Project card: the year's total = the project's row in the project table", ids.check_project_cards,
          note=_IN_YUAN),
    _rule(ids.CARD_DEPT_SOURCES, _C, "部门整体绩效目标表：按资金来源的合计 = 各来源之和",
          "Department card: the total by source = the sum of the source lines", ids.check_department_card),
    _rule(ids.CARD_DEPT_DIRECTIONS, _C, "部门整体绩效目标表：按资金方向的合计 = 各方向之和",
          "Department card: the total by direction = the sum of the direction lines", ids.check_department_card),
    _rule(ids.CARD_DEPT_VS_TABLES, _C, "部门整体绩效目标表各行 = 收支总表、收入总表、支出总表中的对应数",
          "Department card lines = the same amounts in the summary, revenue and expenditure tables",
          ids.check_department_card, note=_IN_YUAN),
    _rule(ids.NARRATIVE_FIGURES, _N,
          "文字说明所列金额、占比 = 表中对应数（按单位换算；占比由表重算并按所列位数四舍五入）",
          "Figures stated in the narrative = the table cells they come from (converted to the figure's unit; "
          "shares recomputed from the tables, rounded as printed)", ids.check_narrative,
          note="the run's, in the figure's unit (percentage points for shares), plus half the figure's last "
               "printed digit where the table is printed finer (元 tables under a text in 万元)"),
)

RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULEBOOK}
assert tuple(RULES_BY_ID) == ids.RULES, "the rulebook and identities.RULES list the same rules, in the same order"

WITHIN_TABLE_RULES: tuple[str, ...] = tuple(r.id for r in RULEBOOK if r.per_table)

# --------------------------------------------------------------------------------------------------
# which within-table rules each table type gets

_SUBJECT = (ids.SUBJECT_CHILDREN, ids.SUBJECT_TOP)
_ITEMS = (ids.ITEMS_TOTAL, ids.ITEMS_SUB)
_ECONOMIC = (ids.ECONOMIC_ITEMS, ids.ECONOMIC_GROUPS, ids.PERSONNEL_PUBLIC)
_TWO_SIDED = (ids.REVENUE_ITEMS, ids.EXPENDITURE_ITEMS, ids.CARRYOVER_ITEMS, ids.REVENUE_GRAND,
              ids.EXPENDITURE_GRAND, ids.BALANCE, ids.ITEMS_SUB)
#: A function-classification table: the subject tree and the columns' identities; a table printed as
#: lines instead of codes (Jiangsu's one-row 支出预算总表, its 收入预算总表 of sources) is an item list.
_FUNCTION_TABLE = (*_SUBJECT, ids.BASIC_PROJECT, ids.SOURCES, *_ITEMS)
_REVENUE_TABLE = (*_SUBJECT, ids.SOURCES, *_ITEMS)
_SUMMARY = (*_TWO_SIDED, ids.SOURCES)
#: Fund tables of 收入 and 支出 side by side (国有资本经营预算收支表, 决算's 政府性基金 …).
_FUND_TABLE = (*_SUBJECT, ids.BASIC_PROJECT, ids.SOURCES, *_TWO_SIDED, ids.ITEMS_TOTAL)
_THREE_PUBLIC = (ids.THREE_PUBLIC_COLUMNS, *_ITEMS, ids.SOURCES)

#: The within-table rules each table type gets (declarative; a type not listed gets every one).
TABLE_TYPE_RULES: dict[TableType, tuple[str, ...]] = {
    TableType.revenue_expenditure_summary: _SUMMARY,
    TableType.department_financial_summary: _SUMMARY,
    TableType.final_revenue_expenditure_summary: _SUMMARY,
    TableType.fiscal_appropriation_summary: _SUMMARY,
    TableType.final_fiscal_appropriation_summary: _SUMMARY,
    TableType.revenue_summary: _REVENUE_TABLE,
    TableType.final_revenue: _REVENUE_TABLE,
    TableType.government_fund_revenue: _REVENUE_TABLE,
    TableType.expenditure_summary: _FUNCTION_TABLE,
    TableType.final_expenditure: _FUNCTION_TABLE,
    TableType.general_public_budget_expenditure: _FUNCTION_TABLE,
    TableType.final_general_public_budget_expenditure: _FUNCTION_TABLE,
    TableType.fiscal_appropriation_expenditure: _FUNCTION_TABLE,
    TableType.government_fund_expenditure: _FUNCTION_TABLE,
    TableType.state_capital_operation_expenditure: _FUNCTION_TABLE,
    TableType.state_capital_operation: _FUND_TABLE,
    TableType.final_government_fund: _FUND_TABLE,
    TableType.final_state_capital_operation: _FUND_TABLE,
    TableType.general_public_budget_basic_economic: (*_ECONOMIC, ids.SOURCES),
    TableType.fiscal_appropriation_basic_economic: (*_ECONOMIC, ids.SOURCES),
    TableType.final_general_public_budget_basic: (*_ECONOMIC, ids.SOURCES),
    TableType.three_public_expenses: _THREE_PUBLIC,
    TableType.final_three_public_expenses: _THREE_PUBLIC,
    TableType.three_public_and_agency_operating: _THREE_PUBLIC,
    # Jiangsu prints 机关运行经费 by economic subject, Shanxi as a 部门合计 line with sources
    TableType.agency_operating_expenses: (*_ITEMS, ids.SOURCES, ids.ECONOMIC_ITEMS, ids.ECONOMIC_GROUPS),
    TableType.government_procurement: (*_ITEMS, ids.SOURCES),
    TableType.project_expenditure: (ids.PROJECT_CHILDREN, ids.SOURCES, ids.BASIC_PROJECT),
    TableType.project_expenditure_carryover: (ids.PROJECT_CHILDREN, ids.SOURCES, ids.BASIC_PROJECT),
    TableType.other: WITHIN_TABLE_RULES,
}


def rules_for_table_type(table_type: TableType) -> tuple[str, ...]:
    """The within-table rule ids a table of ``table_type`` gets (every one for an unknown type)."""
    return TABLE_TYPE_RULES.get(table_type, WITHIN_TABLE_RULES)


def _plan(rule_ids: Iterable[str], tolerance: Decimal) -> list[tuple[Decimal, list[Callable], frozenset[str]]]:
    """(tolerance, the functions to call once each, the rule ids to keep), grouped by tolerance."""
    groups: dict[Decimal, list[Rule]] = {}
    for rule_id in rule_ids:
        rule = RULES_BY_ID[rule_id]
        groups.setdefault(rule.effective_tolerance(tolerance), []).append(rule)
    out = []
    for tol, rules in groups.items():
        checks = list(dict.fromkeys(c for r in rules for c in r.checks))
        out.append((tol, checks, frozenset(r.id for r in rules)))
    return out


def run_rules(doc: DisclosureDocument, tolerance: Decimal = DEFAULT_TOLERANCE, *,
              tables: Iterable[str] | None = None, families: Iterable[str] = FAMILIES,
              rules: Iterable[str] | None = None) -> list[CheckResult]:
    """The results of the rules of ``families`` (and in ``rules``, when given) on ``doc``: within-table
    rules on each table (only those whose id is in ``tables`` when given), document rules once. No
    skipped results are added for rules that produced nothing (see :func:`run_rulebook`)."""
    families = set(families)
    only = set(rules) if rules is not None else None
    wanted_tables = set(tables) if tables is not None else None
    out: list[CheckResult] = []
    with run_cache():
        if "within_table" in families:
            for table in doc.tables:
                if wanted_tables is not None and table.id not in wanted_tables:
                    continue
                applicable = [r for r in rules_for_table_type(table.table_type) if only is None or r in only]
                for tol, checks, keep in _plan(applicable, tolerance):
                    for check in checks:
                        out += [r for r in check(table, tol) if r.rule_id in keep]
        document_rules = [r.id for r in RULEBOOK if not r.per_table and r.family in families
                          and (only is None or r.id in only)]
        for tol, checks, keep in _plan(document_rules, tolerance):
            for check in checks:
                out += [r for r in check(doc, tol) if r.rule_id in keep]
    return out


def run_rulebook(doc: DisclosureDocument, tolerance: Decimal = DEFAULT_TOLERANCE) -> list[CheckResult]:
    """Every rule on ``doc``; a rule that found nothing to check anywhere gets one skipped result."""
    out = run_rules(doc, tolerance)
    seen = {r.rule_id for r in out}
    out += [skipped(rule.id, "no table or card this rule applies to") for rule in RULEBOOK if rule.id not in seen]
    return out


def report(results: Sequence[CheckResult]) -> dict[str, Any]:
    """What a run checked: results by status, and rules applied (≥ 1 passed or failed result),
    failed, and skipped (nothing to check), by rule and by family."""
    by_rule: dict[str, Counter] = {r.id: Counter() for r in RULEBOOK}
    for r in results:
        by_rule.setdefault(r.rule_id, Counter())[r.status] += 1
    rules = {}
    for rule_id, counts in by_rule.items():
        applied = counts["passed"] + counts["failed"] > 0
        rules[rule_id] = {"passed": counts["passed"], "failed": counts["failed"], "skipped": counts["skipped"],
                          "status": ("failed" if counts["failed"] else "passed") if applied else "skipped",
                          "family": RULES_BY_ID[rule_id].family if rule_id in RULES_BY_ID else None}
    families: dict[str, Counter] = {f: Counter() for f in FAMILIES}
    for v in rules.values():
        if v["family"] in families:
            families[v["family"]][v["status"]] += 1
    return {
        "results": dict(Counter(r.status for r in results)),
        "rules_applied": sum(v["status"] != "skipped" for v in rules.values()),
        "rules_failed": sum(v["status"] == "failed" for v in rules.values()),
        "rules_skipped": sum(v["status"] == "skipped" for v in rules.values()),
        "families": {f: dict(c) for f, c in families.items()},
        "rules": rules,
    }


# --------------------------------------------------------------------------------------------------
# the catalogue


def rule_catalogue() -> list[dict[str, Any]]:
    """Every rule as a dict: id, family, zh, en, tolerance, and the table types a within-table rule applies to."""
    out = []
    for rule in RULEBOOK:
        types = [t.value for t in TableType if rule.id in rules_for_table_type(t)] if rule.per_table else []
        out.append({"id": rule.id, "family": rule.family, "description_zh": rule.description_zh,
                    "description_en": rule.description_en,
                    "tolerance": str(rule.tolerance) if rule.tolerance is not None else None,
                    "tolerance_note": rule.tolerance_note, "table_types": types})
    return out


def rules_markdown() -> str:
    """``docs/rules.md``: the rules, and the within-table rules of each table type."""
    lines = ["# Accounting rules", "",
             ("Generated from `budgetdoc.checks.rules` (`python -m budgetdoc.checks.rules > docs/rules.md`); "
              "a test keeps it in step."), "",
             ("Tolerance: the rounding (尾差) a rule admits. \"run\" is the run's tolerance (`--tolerance`, "
              "default 0.02 of the compared unit)."), "",
             "| id | family | 说明 | description | tolerance |", "|---|---|---|---|---|"]
    for rule in RULEBOOK:
        tol = str(rule.tolerance) if rule.tolerance is not None else (
            "run" if rule.tolerance_note == RUN_TOLERANCE else f"run: {rule.tolerance_note}")
        lines.append(f"| `{rule.id}` | {rule.family} | {rule.description_zh} | {rule.description_en} | {tol} |")
    lines += ["", "## Within-table rules by table type", "",
              ("A table of a type not listed (or `other`) gets every within-table rule; each rule selects "
               "itself by the columns and rows the table has."), "", "| table type | rules |", "|---|---|"]
    for table_type, rule_ids in TABLE_TYPE_RULES.items():
        if table_type == TableType.other:
            continue
        lines.append(f"| `{table_type.value}` {TABLE_TYPE_NAMES[table_type]} | "
                     + ", ".join(f"`{r}`" for r in rule_ids) + " |")
    return "\n".join(lines) + "\n"


def write_docs(path: Path) -> None:
    path.write_text(rules_markdown(), encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    print(rules_markdown(), end="")
