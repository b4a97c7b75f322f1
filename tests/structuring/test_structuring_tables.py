"""structure_table on small hand-written grids: OCR noise, layouts, header detection, emptiness."""

from __future__ import annotations

from decimal import Decimal

import pytest
from structuring_grids import grid

from budgetdoc.model.document import ItemRow, ProjectRow, SubjectRow, Table
from budgetdoc.model.vocab import Column, SubjectLevel, TableType, Unit
from budgetdoc.structuring import (
    column_specs,
    detect_header_rows,
    read_department,
    read_label,
    read_unit,
    structure_table,
)

K = Column


# --------------------------------------------------------------------------------------------------
# OCR noise


def test_thousands_separators_stray_spaces_in_codes_and_a_wrong_title_character():
    g = grid([
        ["项目", "<", "本年收入", "<", "上年结转"],
        ["科目编码", "科目名称", "合计", "一般公共预箅", "^"],  # 算 read as 箅
        ["合计", "<", "1,234.50", "1,234.50", ""],
        ["201", "一般公共服务支出", "1,234.50", "1,234.50", ""],
        ["2010 350", "事业运行", "1,000.00", "1 000.00", "-"],  # a space inside the code and the amount
        ["2O10399", "其他政府办公厅（室）及相关机构事务支出", "234.50", "234.50", ""],  # O for 0
    ], header_rows=2)
    t = structure_table(g, title="2026年预算收入总衰", context_lines=["部门名称：测试局    单位：万元"])
    assert t.table_type == TableType.revenue_summary
    assert (t.department, t.unit, t.is_empty) == ("测试局", Unit.ten_thousand_yuan, False)
    assert [c.column for c in t.columns] == [None, None, K.total, K.general_public_budget, K.carryover]
    assert [c.role for c in t.columns[:2]] == ["subject_code", "subject_name"]
    rows = t.rows
    assert all(isinstance(r, SubjectRow) for r in rows)
    assert (rows[0].is_total, rows[0].subject_name, rows[0].subject_code) == (True, "合计", None)
    assert rows[0].amounts[K.total] == Decimal("1234.50") and str(rows[0].amounts[K.total]) == "1234.50"
    assert [(r.subject_code, r.subject_level) for r in rows[1:]] == [
        ("201", SubjectLevel.lei), ("2010350", SubjectLevel.xiang), ("2010399", SubjectLevel.xiang)]
    assert rows[2].amounts == {K.total: Decimal("1000.00"), K.general_public_budget: Decimal("1000.00"),
                               K.carryover: None}


def test_split_lei_kuan_xiang_columns_with_stray_spaces_and_the_total_at_the_bottom():
    g = grid([
        ["项目", "<", "<", "<", "支出预算", "<", "<"],
        ["功能分类科目编码", "<", "<", "功能分类科目名称", "合计", "基本支出", "项目支出"],
        ["类", "款", "项", "^", "^", "^", "^"],
        ["2 01", "", "", "一般公共服务支出", "1,838,409.00", "1,089,009.00", "749,400.00"],
        ["201", "0 3", "", "政府办公厅（室）及相关机构事务", "1,838,409.00", "1,089,009.00", "749,400.00"],
        ["201", "03", "01", "行政运行", "1,089,009.00", "1,089,009.00", ""],
        ["201", "03", "2", "一般行政管理事务", "749,400.00", "", "749,400.00"],  # lost leading zero
        ["合计", "<", "<", "<", "1,838,409.00", "1,089,009.00", "749,400.00"],
    ])
    t = structure_table(g, title="2017年部门支出预算总表", context_lines=["编制部门：上海市某局 单位：元"])
    assert (t.table_type, t.header_rows, t.unit, t.department) == (
        TableType.expenditure_summary, 3, Unit.yuan, "上海市某局")
    assert [c.role for c in t.columns[:4]] == ["subject_code_lei", "subject_code_kuan", "subject_code_xiang",
                                               "subject_name"]
    assert [c.header for c in t.columns[:2]] == [["项目", "功能分类科目编码", "类"], ["项目", "功能分类科目编码", "款"]]
    assert [r.subject_code for r in t.rows] == ["201", "20103", "2010301", "2010302", None]
    assert t.rows[-1].is_total and t.rows[-1].subject_name == "合计"
    assert t.rows[0].amounts[K.project_expenditure] == Decimal("749400.00")


# --------------------------------------------------------------------------------------------------
# header rows


def test_header_rows_from_merges_numbering_row_and_flags():
    g = grid([
        ["项目名称", "合计", "2026年财政拨款", "<"],
        ["^", "^", "一般公共预算", "政府性基金预算"],
        ["1", "2", "3", "4"],
        ["某局", "10.00", "10.00", ""],
    ])
    assert detect_header_rows(g) == 3
    flagged = grid([["科目编码", "科目名称", "金额"], ["合计", "", "5.00"]], header_rows=1, flags=True)
    assert detect_header_rows(flagged.model_copy(update={"header_rows": 0})) == 1


def test_a_continuation_page_without_header_and_a_group_cell_split_below():
    assert detect_header_rows(grid([["30206", "电费", "235.00"], ["30207", "邮电费", "105.00"]])) == 0
    g = grid([["收入", "<", "支出", "<"], ["项目", "金额", "项目", "金额"], ["一、一般公共预算", "5.00", "一、一般公共服务支出", "5.00"]])
    assert detect_header_rows(g) == 2
    # a merged body cell under a merged header cell is body, not header
    g = grid([["项目名称", "<", "金额"], ["收入总计", "<", "198.22"], ["一般公共预算资金", "小计", "150.76"]])
    assert detect_header_rows(g) == 1


# --------------------------------------------------------------------------------------------------
# layouts


def test_two_sided_summary_gives_one_item_per_side_and_a_lone_total_covers_both():
    g = grid([
        ["国有资本经营预算收入", "<", "<", "国有资本经营预算支出", "<", "<", "<", "<"],
        ["项目", "<", "国有资本经营收入预算", "科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ["收入科目编码", "科目名称", "^", "^", "^", "^", "^", "^"],
        ["合计", "", "", "", "", "", "", ""],
    ])
    t = structure_table(g, title="2026年国有资本经营预算收支预算表（不含上年结转）", notes=["注：本表无数据"])
    assert t.table_type == TableType.state_capital_operation and t.is_empty
    assert [c.side for c in t.columns] == ["revenue"] * 3 + ["expenditure"] * 5
    assert [(r.side, r.label, r.is_total) for r in t.rows] == [("revenue", "合计", True), ("expenditure", "合计", True)]
    assert t.rows[1].amounts == {K.total: None, K.basic_expenditure: None, K.project_expenditure: None}


def test_an_amount_column_without_meaning_is_keyed_by_its_line():
    g = grid([
        ["收入", "<", "支出", "<", "<", "<"],
        ["项目名称", "金额", "功能分类", "<", "支出用途", "<"],
        ["^", "^", "功能科目名称", "金额", "项目名称", "金额"],
        ["一、财政拨款", "1,314.38", "一、一般公共服务支出", "1,314.38", "一、基本支出", "1,213.46"],
        ["", "", "", "", "三、单位预留机动经费", ""],
        ["收入合计", "1,314.38", "支出合计", "1,314.38", "", ""],
    ])
    t = structure_table(g, title="收支预算总表", context_lines=["公开01表", "部门名称：某局", "单位：万元"])
    assert (t.table_type, t.label) == (TableType.revenue_expenditure_summary, "公开01表")
    assert [c.column for c in t.columns] == [None, K.total, None, K.total, None, None]
    assert [c.role for c in t.columns] == ["item", "amount", "item", "amount", "item", "amount"]
    by_label = {r.label: r for r in t.rows}
    assert by_label["一、基本支出"].amounts == {K.basic_expenditure: Decimal("1213.46")}
    assert by_label["三、单位预留机动经费"].amounts == {}
    assert by_label["支出合计"].is_total and by_label["支出合计"].side == "expenditure"
    assert len(t.rows) == 6


def test_the_deeper_header_keeps_a_canonical_column_two_columns_share():
    g = grid([
        ["合计", "“三公”经费", "<", "<", "会议费"],
        ["^", "小计", "因公出国（境）费", "公务接待费", "^"],
        ["28.67", "17.71", "14.23", "3.48", "10.96"],
    ])
    t = structure_table(g, title="一般公共预算“三公”经费、会议费、培训费支出预算表")
    assert [c.column for c in t.columns] == [None, K.total, K.overseas_travel, K.official_reception, None]
    assert [c.role for c in t.columns] == ["amount"] * 5
    (row,) = t.rows
    assert isinstance(row, ItemRow) and (row.label, row.is_total, row.side) == ("合计", True, None)
    assert row.amounts[K.total] == Decimal("17.71") and K.overseas_travel in row.amounts


def test_item_table_with_grouped_labels_takes_the_group_name_for_its_subtotal():
    g = grid([
        ["项目名称", "<", "金额"],
        ["收入总计", "<", "198.22"],
        ["一般公共预算资金", "小计", "150.76"],
        ["^", "公共财政拨款（补助）资金", "150.76"],
        ["^", "专项收入", ""],
    ])
    t = structure_table(g, title="二、2018年度昆山市某中心部门收入预算总表", context_lines=["单位：万元"])
    assert t.department == "昆山市某中心"  # from the title when no 部门名称 line is printed
    assert [(r.label, r.side, r.is_total) for r in t.rows] == [
        ("收入总计", "revenue", True), ("一般公共预算资金", "revenue", False),
        ("公共财政拨款（补助）资金", "revenue", False), ("专项收入", "revenue", False)]


def test_economic_rows_without_codes_take_their_level_from_the_reference():
    g = grid([
        ["部门预算支出经济科目名称", "政府预算支出经济科目名称", "2026年预算数", "<", "<"],
        ["^", "^", "合计", "人员经费", "公用经费"],
        ["合计", "", "200.14", "185.20", "14.95"],
        ["工资福利支出", "", "182.63", "182.63", ""],
        ["基本工资", "工资福利支出", "45.57", "45.57", ""],
        ["某个未收录的款", "机关工资福利支出", "1.00", "1.00", ""],
    ])
    t = structure_table(g, title="2026年一般公共预算安排基本支出分经济科目表（不含上年结转）")
    assert t.table_type == TableType.general_public_budget_basic_economic
    assert [(r.economic_name, r.economic_level and r.economic_level.value, r.government_economic_name)
            for r in t.rows] == [("合计", None, None), ("工资福利支出", "类", None), ("基本工资", "款", "工资福利支出"),
                                 ("某个未收录的款", "款", "机关工资福利支出")]


def test_codes_of_the_economic_classification_make_an_economic_table():
    g = grid([["科目编码", "科目名称", "金额"], ["合计", "", "9.00"], ["301", "工资福利支出", "9.00"],
              ["30101", "基本工资", "9.00"]])
    t = structure_table(g, title="公开06表 财政拨款基本支出预算表（经济科目）")
    assert (t.label, t.table_type) == ("公开06表", TableType.fiscal_appropriation_basic_economic)
    assert [c.role for c in t.columns] == ["economic_code", "economic_name", "amount"]
    assert [(r.economic_code, r.economic_level) for r in t.rows] == [
        (None, None), ("301", SubjectLevel.lei), ("30101", SubjectLevel.kuan)]


@pytest.mark.parametrize("amounts, levels", [
    (["30.00", "30.00", "10.00", "20.00"], ["department", "unit", "project", "project"]),
    # the sums fit no layout: a 本级 line is a unit, the rest projects
    (["30.00", "10.00", "20.00", "5.00"], ["project", "unit", "project", "project"]),
    (["35.00", "10.00", "20.00", "5.00"], ["department", "project", "project", "project"]),
])
def test_project_lines_are_told_apart_by_their_sums(amounts, levels):
    names = ["某局", "某局本级", "项目甲经费", "项目乙经费"]
    g = grid([["项目名称", "合计"]] + [[n, a] for n, a in zip(names, amounts)], header_rows=1)
    t = structure_table(g, title="2026年项目支出预算表（本年预算）")
    assert all(isinstance(r, ProjectRow) for r in t.rows)
    assert [r.level for r in t.rows] == levels


def test_project_lines_fall_back_to_names_when_sums_do_not_add_up():
    g = grid([["项目名称", "合计"], ["某局", "30.00"], ["某局", "31.00"], ["项目甲经费", "10.00"], ["合计", "30.00"]],
             header_rows=1)
    t = structure_table(g, title="2026年项目支出预算表（本年预算）", context_lines=["部门名称：某局"])
    assert [r.level for r in t.rows] == ["department", "unit", "project", "total"]


# --------------------------------------------------------------------------------------------------
# emptiness, context, purity


@pytest.mark.parametrize("notes, rows, empty", [
    (["注:本部门2025年无政府性基金预算财政拨款安排的预算，故本表为空表。"], [["201", "一般公共服务支出", "5.00"]], True),
    ([], [["合计", "", ""]], True),  # only a blank total line
    ([], [["合计", "", "0"]], True),
    ([], [["本表无数据", "<", "<"]], True),  # stated inside the grid
    ([], [["201", "一般公共服务支出", ""], ["合计", "", ""]], False),  # a template: lines, no amounts yet
    ([], [["合计", "", "5.00"]], False),
])
def test_empty_tables(notes, rows, empty):
    g = grid([["科目编码", "科目名称", "金额"], *rows], header_rows=1)
    assert structure_table(g, title="政府性基金预算支出表", notes=notes).is_empty is empty


def test_context_lines():
    assert read_department(["编制部门：上海市普陀区财政局 单位：元"]) == "上海市普陀区财政局"
    assert read_department(["单位：万元", "部门名称： 晋城经济技术开发区行政审批局"]) == "晋城经济技术开发区行政审批局"
    assert read_department(["单位：万元"]) is None
    assert read_label(["预算公开表1"]) == "预算公开表1"
    assert read_label([], "表十三2026年项目支出预算表（上年结转）") == "表十三"
    assert read_label([], "表一一般公共预算支出表") == "表一"
    assert read_label(["部门名称：某局"], "2026年预算收支总表") is None
    assert read_unit([], "2026年预算收支总表", "项目 金额(万元)") == Unit.ten_thousand_yuan
    assert read_unit(["单位：元"], "金额(万元)") == Unit.yuan


def test_structure_table_does_not_change_its_input_and_keeps_a_table_identity():
    g = grid([["科目编码", "科目名称", "金额"], ["合计", "", "5.00"]])
    before = g.model_dump()
    t = structure_table(g, title="政府性基金预算支出表")
    assert g.model_dump() == before and t.header_rows == 1 and g.header_rows == 0
    src = Table(id="t07", title="x", table_type=TableType.other, pages=[3, 4], **g.model_dump(
        include={"num_rows", "num_cols", "header_rows", "cells"}))
    out = structure_table(src, title="2026年政府性基金预算支出表")
    assert (out.id, out.pages, out.table_type) == ("t07", [3, 4], TableType.government_fund_expenditure)


def test_degenerate_grids():
    from budgetdoc.model.document import CellGrid

    t = structure_table(CellGrid(), title="")
    assert (t.table_type, t.rows, t.columns, t.header_rows) == (TableType.other, [], [], 0)
    assert column_specs(CellGrid(), 0) == []
    one = structure_table(grid([["合计"]]), title="x")
    assert one.rows == [] and one.header_rows == 1
