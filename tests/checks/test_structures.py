"""The layouts real disclosures print, as the checker reads them.

Numbered sub-items (①② under an unnumbered item, "1." under "一、", an item column right of a group
column), 本年合计 labels (本年收入合计, 当年收入小计, 收入合计 …), 上年结转 columns and lines (counted
in or left out as each table's own header and title say), and rules skipped when the structure they need
is absent. A changed digit in such a structure fails the right rule, naming the right cell.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetdoc.checks import check_document
from budgetdoc.checks import identities as ids
from budgetdoc.model import Column, TableType
from budgetdoc.model.document import CheckResult, DisclosureDocument, ItemRow, SubjectRow, Table
from budgetdoc.parsing.columns import canonical_column
from budgetdoc.synth.variants import STYLES, random_document

ZERO = Decimal(0)


def _failed(results: list[CheckResult]) -> list[CheckResult]:
    return [r for r in results if r.status == "failed"]


def _strict(doc: DisclosureDocument) -> list[CheckResult]:
    return check_document(doc, tolerance=ZERO)


def _rows(labels: list[str]) -> list[ItemRow]:
    return [ItemRow(grid_row=i, label=label) for i, label in enumerate(labels)]


def _cell(r: CheckResult, i: int) -> tuple:
    c = r.cells[i]
    return c.table_id, c.row, c.col


def _at(table: Table, row, column: Column) -> tuple:
    return table.id, row.grid_row, ids.col_index(table, column, getattr(row, "side", None))


def _item(table: Table, label: str, side: str | None = None, nth: int = 0) -> ItemRow:
    return [r for r in table.rows if isinstance(r, ItemRow) and r.label == label
            and (side is None or r.side == side)][nth]


# --------------------------------------------------------------------------------------------------
# labels and outlines


@pytest.mark.parametrize("label,rank", [
    ("一、财政拨款", 0), ("二十九、抗疫特别国债安排的支出", 0), ("（一）基本支出", 1), ("(二)项目支出", 1),
    ("1.一般公共预算", 2), ("1、一般公共预算", 2), ("１．一般公共预算", 2), ("2. 政府性基金", 2),
    ("(1)办公费", 3), ("（2）印刷费", 3), ("1)办公费", 3), ("①公务用车购置费", 4), ("② 公务用车运行维护费", 4),
    ("❶公务用车购置费", 4), ("公务接待费", None), ("一般公共预算", None), ("2026年预算", None), ("1.5万元", None),
])
def test_enumeration_rank(label: str, rank: int | None) -> None:
    assert ids._enum_rank(label) == rank


@pytest.mark.parametrize("label,name", [
    ("①公务用车购置费", "公务用车购置费"), ("1.一般公共预算", "一般公共预算"), ("一、一般公共服务支出", "一般公共服务支出"),
    ("（一）基本支出", "基本支出"), ("其中：基本支出", "基本支出"), ("当年收入小计", "当年收入小计"),
])
def test_label_drops_numbering(label: str, name: str) -> None:
    assert ids._label(label) == name


@pytest.mark.parametrize("labels,parents", [
    # shanxi 三公: ①② under the unnumbered 公务用车购置及运行费
    (["因公出国（境）费", "公务接待费", "公务用车购置及运行费", "①公务用车购置费", "②公务用车运行维护费"],
     [None, None, None, 2, 2]),
    # jiangsu / shanghai 收入: "1." "2." under "一、"
    (["一、财政拨款", "1.一般公共预算", "2.政府性基金预算", "二、财政专户管理资金", "三、其他资金"],
     [None, 0, 0, None, None]),
    # a list numbered in one style only is flat
    (["1. 一般公共预算资金", "2. 政府性基金", "3. 国有资本经营预算"], [None, None, None]),
    # 上年财政拨款结转 and its breakdown
    (["上年财政拨款结转", "一、一般公共预算", "二、政府性基金预算"], [None, 0, 0]),
    # 其中 lines belong to the line above
    (["上年结转和结余资金", "其中：动用上年结转和结余资金", "其他收入"], [None, 0, None]),
    (["一、A", "（一）B", "1.C", "(1)D", "①E", "2.F", "二、G"], [None, 0, 1, 2, 3, 1, None]),
    # OCR lost the "一、" of the first line: its list does not start at 一, so it is a sibling
    (["一般公共预算", "二、政府性基金预算", "三、国有资本经营预算"], [None, None, None]),
    (["公务接待费", "公务用车购置及运行费", "②公务用车运行维护费"], [None, None, None]),
])
def test_outline(labels: list[str], parents: list[int | None]) -> None:
    assert ids._outline(_rows(labels)) == parents


def test_a_lone_qizhong_line_is_not_a_breakdown() -> None:
    tops, subs = ids._tree(_rows(["上年结转和结余资金", "其中：动用上年结转和结余资金", "其他资金", "1.事业收入",
                                  "2.经营收入"]))
    assert [r.label for r in tops] == ["上年结转和结余资金", "其他资金"]
    assert [(p.label, [k.label for k in kids]) for p, kids in subs] == [("其他资金", ["1.事业收入", "2.经营收入"])]


@pytest.mark.parametrize("labels,expected", [
    # shanxi: 本年收入合计 … 上年结转 … 收入总计
    (["一、一般公共预算", "本年收入合计", "上年结转", "收入总计"], (1, 3)),
    # jiangsu 01: 当年收入小计 … 上年结转资金 … 收入合计 (the grand total here)
    (["一、财政拨款", "1.一般公共预算", "当年收入小计", "上年结转资金", "收入合计"], (2, 4)),
    # jiangsu 04: 收入合计 alone is this year's total
    (["一、一般公共预算", "二、政府性基金预算", "收入合计"], (2, None)),
    # shanghai: a 收入总计 with nothing carried over above it is this year's total too
    (["一、财政拨款收入", "1. 一般公共预算资金", "二、事业收入", "收入总计"], (3, 3)),
    # … but not when 上年结转 is among the lines
    (["一、财政拨款收入", "上年结转", "收入总计"], (None, 2)),
])
def test_total_lines(labels: list[str], expected: tuple) -> None:
    rows = _rows(labels)
    for r in rows:
        r.is_total = ids._label(r.label) in ids.CURRENT_REVENUE_TOTAL | ids.REVENUE_GRAND_TOTAL \
            | ids.REVENUE_TOTAL_EITHER
    assert ids._total_lines(rows, "revenue") == expected


def test_carryover_is_read_from_titles_and_headers() -> None:
    doc = random_document(8, style="shanxi")
    assert ids._excludes_carryover(doc.table(TableType.general_public_budget_expenditure))  # （不含上年结转）
    assert not ids._excludes_carryover(doc.table(TableType.fiscal_appropriation_summary))
    # 收入总表: 本年收入 (合计 | 一般公共预算 | …) | 上年结转 — the 合计 leaves 上年结转 out
    assert ids._carryover_outside_total(doc.table(TableType.revenue_summary))
    assert not ids._carryover_outside_total(doc.table(TableType.expenditure_summary))


# --------------------------------------------------------------------------------------------------
# shanxi: ①② sub-items and 上年结转


def test_circled_subitem_changed_digit() -> None:
    doc = random_document(31, style="shanxi")
    assert _failed(_strict(doc)) == []
    t = doc.table(TableType.three_public_expenses)
    parent, sub = _item(t, "公务用车购置及运行费"), _item(t, "①公务用车购置费")
    assert sub.amounts[Column.total] == Decimal("33.66")
    sub.amounts[Column.total] = Decimal("38.66")  # one digit
    failed = _failed(_strict(doc))
    by_rule = {r.rule_id: r for r in failed}
    # the ① line is a sub-item: the items still add up to 合计, the sub-items no longer to their item
    # (and the narrative's 公务用车购置费 no longer matches the table)
    assert set(by_rule) == {ids.ITEMS_SUB, ids.SOURCES, ids.NARRATIVE_FIGURES}
    sub_rule = by_rule[ids.ITEMS_SUB]
    assert _cell(sub_rule, 0) == _at(t, parent, Column.total)
    assert _at(t, sub, Column.total) in [_cell(sub_rule, i) for i in range(1, len(sub_rule.cells))]
    assert (sub_rule.found, sub_rule.expected) == (parent.amounts[Column.total], parent.amounts[Column.total] + 5)
    # the row's own identity names the changed cell first
    assert _cell(by_rule[ids.SOURCES], 0) == _at(t, sub, Column.total)


def test_circled_subitems_sum_to_their_item() -> None:
    doc = random_document(31, style="shanxi")
    t = doc.table(TableType.three_public_expenses)
    results = [r for r in _strict(doc) if r.cells and r.cells[0].table_id == t.id]
    items = [r for r in results if r.rule_id == ids.ITEMS_TOTAL and r.status == "passed"]
    assert items and all(len(r.cells) == 4 for r in items)  # 合计 = 出国 + 接待 + 公务用车
    subs = [r for r in results if r.rule_id == ids.ITEMS_SUB and r.status == "passed"]
    assert subs and all(len(r.cells) == 3 for r in subs)  # 公务用车 = ① + ②


@pytest.fixture()
def carried() -> DisclosureDocument:
    """A Shanxi document with 上年结转 (in the 收入总表's own column, the 财政拨款收支总表's 结转 lines,
    the 上年结转 project table); the 一般公共预算支出表 is （不含上年结转）."""
    doc = random_document(8, style="shanxi")
    assert doc.table(TableType.fiscal_appropriation_summary)
    return doc


def test_carryover_is_counted_where_each_table_says(carried: DisclosureDocument) -> None:
    results = _strict(carried)
    assert _failed(results) == []
    fiscal = carried.table(TableType.fiscal_appropriation_summary)
    carry_gpb = _item(fiscal, "一、一般公共预算", "revenue", nth=1)  # the 上年财政拨款结转 breakdown line
    assert carry_gpb.amounts[Column.total] == Decimal("34.79")
    carry_cell = _at(fiscal, carry_gpb, Column.total)
    passed = [r for r in results if r.status == "passed"]

    def cells(rule_id: str) -> list[list[tuple]]:
        return [[_cell(r, i) for i in range(len(r.cells))] for r in passed if r.rule_id == rule_id]

    # 财政拨款收支总表 一般公共预算 = 一般公共预算支出表 (不含上年结转) + the 一般公共预算 结转
    assert any(carry_cell in c for c in cells(ids.CROSS_FISCAL_GPB))
    # … by category too, the 结转 split by the 上年结转 projects' subject codes
    carry_projects = carried.table(TableType.project_expenditure_carryover)
    assert any(any(x[0] == carry_projects.id for x in c) for c in cells(ids.CROSS_FISCAL_GPB))
    # the department card's 一般公共预算 line = 收入总表 一般公共预算 + its 结转
    assert any(carry_cell in c for c in cells(ids.CARD_DEPT_VS_TABLES))
    # 支出总表 by code = 收入总表 合计 + 上年结转 (its own column, outside 本年收入)
    revenue = carried.table(TableType.revenue_summary)
    r210 = next(r for r in revenue.rows if isinstance(r, SubjectRow) and r.subject_code == "210")
    assert any(_at(revenue, r210, Column.carryover) in c for c in cells(ids.CROSS_SUBJECTS))


def test_changed_digit_in_the_carryover_breakdown(carried: DisclosureDocument) -> None:
    fiscal = carried.table(TableType.fiscal_appropriation_summary)
    carry_gpb = _item(fiscal, "一、一般公共预算", "revenue", nth=1)
    carry_gpb.amounts[Column.total] = Decimal("34.70")
    failed = _failed(_strict(carried))
    assert {r.rule_id for r in failed} == {ids.CARRYOVER_ITEMS, ids.CROSS_FISCAL_GPB, ids.CARD_DEPT_VS_TABLES}
    cell = _at(fiscal, carry_gpb, Column.total)
    assert all(cell in [_cell(r, i) for i in range(len(r.cells))] for r in failed)


def test_carryover_column_of_the_revenue_table(carried: DisclosureDocument) -> None:
    revenue = carried.table(TableType.revenue_summary)
    r210 = next(r for r in revenue.rows if isinstance(r, SubjectRow) and r.subject_code == "210")
    r210.amounts[Column.carryover] = Decimal("34.70")
    failed = _failed(_strict(carried))
    cross = [r for r in failed if r.rule_id == ids.CROSS_SUBJECTS]
    assert [r.description.split(":")[0] for r in cross] == ["210"]
    assert _at(revenue, r210, Column.carryover) in [_cell(cross[0], i) for i in range(len(cross[0].cells))]


# --------------------------------------------------------------------------------------------------
# jiangsu: 当年收入小计, "1." sub-items, 支出用途, tables without 类 rows


@pytest.fixture()
def jiangsu() -> DisclosureDocument:
    return random_document(0, style="jiangsu")


def test_jiangsu_summary_totals(jiangsu: DisclosureDocument) -> None:
    results = _strict(jiangsu)
    assert _failed(results) == []
    summary = jiangsu.table(TableType.revenue_expenditure_summary)
    mine = [r for r in results if r.status == "passed" and r.cells[0].table_id == summary.id]
    descriptions = [r.description for r in mine]
    assert f"{summary.id} 当年收入小计 total = sum of the revenue items" in descriptions
    assert f"{summary.id} 收入合计 total = 当年收入小计 + 上年结转资金" in descriptions
    assert f"{summary.id} 收入合计 = 支出合计" in descriptions
    # the 支出用途 list (基本支出, 项目支出 …) adds up to 当年支出小计 as well
    assert any("lines by 支出/支出用途" in d for d in descriptions)


def test_jiangsu_numbered_subitem_changed_digit(jiangsu: DisclosureDocument) -> None:
    summary = jiangsu.table(TableType.revenue_expenditure_summary)
    parent, sub = _item(summary, "一、财政拨款", "revenue"), _item(summary, "1.一般公共预算", "revenue")
    sub.amounts[Column.total] = Decimal("238.61")  # printed 238.67
    failed = _failed(_strict(jiangsu))
    by_rule = {r.rule_id: r for r in failed}
    # not the revenue-items rule: "1.一般公共预算" is part of 一、财政拨款, not a second item
    assert set(by_rule) == {ids.ITEMS_SUB, ids.CROSS_REVENUE_ITEMS, ids.CROSS_REVENUE_SOURCES}
    cell = _at(summary, sub, Column.total)
    sub_rule = by_rule[ids.ITEMS_SUB]
    assert _cell(sub_rule, 0) == _at(summary, parent, Column.total) and cell in [_cell(sub_rule, 1), _cell(sub_rule, 2)]
    # the cross-table rules name the changed cell first, and the line it was compared with
    fiscal = jiangsu.table(TableType.fiscal_appropriation_summary)
    items = by_rule[ids.CROSS_REVENUE_ITEMS]
    assert _cell(items, 0) == cell and _cell(items, 1) == _at(fiscal, _item(fiscal, "一、一般公共预算"), Column.total)
    assert (items.found, items.expected) == (Decimal("238.61"), Decimal("238.67"))
    revenue = jiangsu.table(TableType.revenue_summary)
    sources = by_rule[ids.CROSS_REVENUE_SOURCES]
    assert _cell(sources, 0) == cell and _cell(sources, 1) == _at(revenue, _item(revenue, "一般公共预算资金"), Column.total)


def test_jiangsu_revenue_table_groups(jiangsu: DisclosureDocument) -> None:
    """公开02表 prints 项目名称 over two columns (group | item): the items sum to their group."""
    revenue = jiangsu.table(TableType.revenue_summary)
    item = _item(revenue, "公共财政拨款（补助）资金")
    item.amounts[Column.total] = Decimal("238.60")
    failed = _failed(_strict(jiangsu))
    assert {r.rule_id for r in failed} == {ids.ITEMS_SUB}
    assert _cell(failed[0], 0) == _at(revenue, _item(revenue, "一般公共预算资金"), Column.total)
    assert _at(revenue, item, Column.total) in [_cell(failed[0], i) for i in range(1, len(failed[0].cells))]


def test_jiangsu_rules_without_their_structure_are_skipped(jiangsu: DisclosureDocument) -> None:
    results = _strict(jiangsu)
    functions = [r for r in results if r.rule_id == ids.CROSS_FUNCTIONS]
    assert [r.status for r in functions] == ["skipped"] and "no 类 rows" in functions[0].message
    fiscal = [r for r in results if r.rule_id == ids.CROSS_FISCAL_GPB]
    # 财政拨款收支预算总表 lists uses (基本支出/项目支出): its 一般公共预算 income line is compared, not categories
    assert [r.status for r in fiscal] == ["passed", "skipped"]
    assert fiscal[0].description.startswith("t04 一、一般公共预算 = t07 合计")
    basic = [r for r in results if r.rule_id == ids.CROSS_BASIC_ECONOMIC]
    assert sorted(r.status for r in basic) == ["passed", "skipped"]  # 财政拨款 basic = its 基本支出 line


# --------------------------------------------------------------------------------------------------
# shanghai: 总计 as this year's total; the 财政拨款收入 column


def test_generated_amount_columns_agree_with_canonical_column() -> None:
    for style in STYLES:
        for seed in range(3):
            for t in random_document(seed, style=style).tables:
                for spec in t.columns:
                    if spec.column is not None:
                        assert canonical_column(tuple(spec.header)) == spec.column, (style, t.id, spec.header)


def test_shanghai_fiscal_revenue_column() -> None:
    doc = random_document(0, style="shanghai")
    fiscal = doc.table(TableType.fiscal_appropriation_summary)
    spec = next(c for c in fiscal.columns if c.side == "revenue" and c.role == "amount")
    assert spec.header == ["财政拨款收入", "预算数"]
    assert spec.column == canonical_column(("财政拨款收入", "预算数")) == Column.fiscal_appropriation
    results = _strict(doc)
    assert _failed(results) == []
    grand = _item(fiscal, "收入总计", "revenue")
    assert grand.amounts[Column.fiscal_appropriation] is not None
    mine = {r.rule_id for r in results if r.status == "passed" and r.cells[0].table_id == fiscal.id}
    assert {ids.REVENUE_ITEMS, ids.EXPENDITURE_ITEMS, ids.BALANCE} <= mine

    grand.amounts[Column.fiscal_appropriation] += 1
    failed = _failed(_strict(doc))
    cell = _at(fiscal, grand, Column.fiscal_appropriation)
    assert {r.rule_id for r in failed} == {ids.REVENUE_ITEMS, ids.BALANCE, ids.CROSS_REVENUE_ITEMS}
    assert all(cell in [_cell(r, i) for i in range(len(r.cells))] for r in failed)
