"""Tests for budgetdoc.parsing.columns: printed headers to canonical Column values.

The header paths are the ones the seed and the real PDFs print (top to bottom).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetdoc.model.vocab import Column
from budgetdoc.parsing.columns import canonical_column, column_measure, normalize_header

K = Column


@pytest.mark.parametrize(
    ("header", "column"),
    [
        # single cells
        ("合计", K.total),
        ("小计", K.total),
        ("金额", K.total),
        ("金 额", K.total),  # Jiangsu justified header
        ("金额(万元)", K.total),
        ("2026年预算数", K.total),
        ("2026预算数", K.total),  # seed 机关运行经费 table prints no 年
        ("2026年合计", K.total),
        ("2026年", K.total),  # seed 收支总表 revenue side: the year heads the amount
        ("预算数", K.total),
        ("基本支出", K.basic_expenditure),
        ("项目支出", K.project_expenditure),
        ("人员经费", K.personnel),
        ("公用经费", K.public_funds),
        ("一般公共预算", K.general_public_budget),
        ("一般公共预算拨款", K.general_public_budget),
        ("一般公共预算资金", K.general_public_budget),
        ("一般公共预\n算财政拨款", K.general_public_budget),  # Shanghai 决算, wrapped
        ("政府性基金", K.government_fund),
        ("政府性基金预算", K.government_fund),
        ("政府性基金 预算", K.government_fund),  # seed, wrapped
        ("政府性基 金预算财 政拨款", K.government_fund),
        ("国有资本经营预算", K.state_capital),
        ("国有资本经营预 算", K.state_capital),  # seed, wrapped
        ("国有资本 经营预算", K.state_capital),
        ("财政专户管理资金", K.special_account),
        ("财政专户管理 资金", K.special_account),
        ("单位资金", K.unit_funds),
        ("财政拨款", K.fiscal_appropriation),
        ("财政拨款收入", K.fiscal_appropriation),
        ("2026年财政拨款", K.fiscal_appropriation),
        ("事业收入", K.business_income),
        ("事业单位经营收入", K.operating_income),
        ("事业单位\n经营收入", K.operating_income),
        ("经营收入", K.operating_income),
        ("其他收入", K.other_income),
        ("当年预算安排", K.current_year),
        ("本年收入", K.current_year),
        ("本年收入合计", K.total),  # 决算 收入决算表: the row total
        ("政府性基金收入预算", K.total),  # seed 表七: the only amount column of a one-fund table
        ("国有资本经营收入预算", K.total),
        ("一般公共预算支出", K.total),
        ("一般公共预算拨款收入", K.general_public_budget),  # a source, not the subject
        ("上年结转", K.carryover),
        ("上年结转安排", K.carryover),
        ("年初结转和结余", K.carryover),
        ("年末结转和结余", K.year_end_carryover),
        ("结转下年资金", K.year_end_carryover),
        ("年初预算数", K.initial_budget),
        ("全年预算数", K.adjusted_budget),
        ("调整预算数", K.adjusted_budget),
        ("决算数", K.final_amount),
        ("2024年决算数", K.final_amount),
        ("因公出国（境）费", K.overseas_travel),
        ("因公出国(境)费", K.overseas_travel),
        ("因公出国 （境）费", K.overseas_travel),
        ("公务接待费", K.official_reception),
        ("公务接 待费", K.official_reception),
        ("公务用车购置及运行费", K.vehicle_total),
        ("公务用车购置及运行维护费", K.vehicle_total),
        ("①公务用车购置费", K.vehicle_purchase),
        ("②公务用车运行维护费", K.vehicle_operation),
        ("公务用车购 置费", K.vehicle_purchase),
        ("机关运行经费", K.agency_operating),
        ("机关运行经费支出", K.agency_operating),
        ("机关运行经费预算数", K.agency_operating),
        ("机关运行经费预算\n数", K.agency_operating),  # Shanghai 2025, wrapped
        ("基本支岀", K.basic_expenditure),  # OCR: 岀 for 出
        ("人员经废", K.personnel),
    ],
)
def test_single_headers(header: str, column: Column) -> None:
    assert canonical_column(header) is column


@pytest.mark.parametrize(
    "header",
    ["项目", "项目名称", "科目编码", "科目名称", "功能分类科目编码", "经济分类科目名称", "单位名称", "收入", "支出",
     "上级补助收入", "附属单位上缴收入", "上缴上级支出", "经营支出", "对附属单位补助支出", "会议费", "培训费",
     "单位预留机动经费", "采购组织形式", "总计划", "", "  ", "1", "(万元)"],
)
def test_not_a_canonical_column(header: str) -> None:
    assert canonical_column(header) is None


@pytest.mark.parametrize(
    ("path", "column"),
    [
        # seed 预算收入总表
        (["本年收入", "合计"], K.total),  # as the seed truth labels it
        (["本年收入", "一般公共预算"], K.general_public_budget),
        (["本年收入", "政府性基金"], K.government_fund),
        (["上年结转"], K.carryover),
        # seed 预算支出总表 / 一般公共预算支出预算表
        (["2026年预算数", "合计"], K.total),
        (["2026年预算数", "基本支出"], K.basic_expenditure),
        (["2026年预算数", "项目支出"], K.project_expenditure),
        # seed 财政拨款收支总表
        (["支出", "金额", "小计"], K.total),
        (["支出", "金额", "一般公共预算"], K.general_public_budget),
        # seed 项目支出预算表
        (["2026年财政拨款", "一般公共预算"], K.general_public_budget),
        (["2026年财政拨款", "小计"], K.fiscal_appropriation),
        (["财政专户管理 资金"], K.special_account),
        # seed 国有资本经营预算收支预算表
        (["国有资本经营预算收入", "国有资本经营收入预算"], K.total),
        (["国有资本经营预算支出", "合计"], K.total),
        (["国有资本经营预算支出", "基本支出"], K.basic_expenditure),
        # seed 基本支出分经济科目表
        (["2026年预算数", "人员经费"], K.personnel),
        # Shanghai 2025: the group names the table's subject, not a breakdown
        (["项目", "一般公共预算支出", "合计"], K.total),
        (["项目", "国有资本经营预算支出", "合计"], K.total),
        (["项目", "一般公共预算基本支出", "人员经费"], K.personnel),
        (["财政拨款支出", "合计"], K.total),
        (["收入预算", "财政拨款收入"], K.fiscal_appropriation),
        # Shanghai 2025 三公 and 机关运行经费
        (["“三公”经费预算数", "合计"], K.total),
        (["“三公”经费预算数", "因公出国(境)费"], K.overseas_travel),
        (["“三公”经费预算数", "公务用车购置及运行费", "小计"], K.vehicle_total),
        (["“三公”经费预算数", "公务用车购置及运行费", "购置费"], K.vehicle_purchase),
        (["“三公”经费预算数", "公务用车购置及运行费", "运行费"], K.vehicle_operation),
        (["机关运行经费预算数"], K.agency_operating),
        # Jiangsu 三公、会议费、培训费 table
        (["“三公”经费", "公务用车购置及运行维护费", "小计"], K.vehicle_total),
        (["“三公”经费", "公务用车购置及运行维护费", "公务用车运行维护费"], K.vehicle_operation),
        (["会议费"], None),
        # Shanghai 决算 三公 table: item over 预算数/决算数
        (["财政拨款“三公”经费", "合计", "预算数"], K.total),
        (["财政拨款“三公”经费", "因公出国（境）费", "决算数"], K.overseas_travel),
        (["财政拨款“三公”经费", "公务用车购置及运行维护费", "小计", "决算数"], K.vehicle_total),
        (["财政拨款“三公”经费", "公务用车购置及运行维护费", "公务用车购置费", "预算数"], K.vehicle_purchase),
        (["财政拨款“三公”经费", "公务接待费", "决算数"], K.official_reception),
        # Shanghai 决算 收入决算表 / 支出决算表 / 基金表
        (["本年收入合计"], K.total),
        (["本年支出", "合计"], K.total),
        (["本年支出", "基本支出"], K.basic_expenditure),
        (["年初结转和结余"], K.carryover),
        # merged cells repeated down the grid, and blanks
        (["本年收入", "本年收入", "合计"], K.total),
        (["2026年财政拨款", "2026年财政拨款", "小计"], K.fiscal_appropriation),
        (["", "基本支出", ""], K.basic_expenditure),
        (("2026年预算数", "合计"), K.total),
        (["项目", "科目名称"], None),
    ],
)
def test_header_paths(path: list[str], column: Column | None) -> None:
    assert canonical_column(path) is column


@pytest.mark.parametrize(
    ("path", "measure"),
    [
        (["财政拨款“三公”经费", "因公出国（境）费", "决算数"], K.final_amount),
        (["财政拨款“三公”经费", "因公出国（境）费", "预算数"], K.total),
        (["年初预算数"], K.initial_budget),
        ("全年预算数", K.adjusted_budget),
        (["2026年预算数", "合计"], None),
        ([], None),
    ],
)
def test_column_measure(path: list[str] | str, measure: Column | None) -> None:
    assert column_measure(path) is measure


def test_every_column_has_a_printed_header() -> None:
    # each canonical column is reachable from at least one printed header
    printed = {
        "合计", "基本支出", "项目支出", "人员经费", "公用经费", "一般公共预算", "政府性基金", "国有资本经营预算",
        "财政专户管理资金", "单位资金", "财政拨款", "事业收入", "经营收入", "其他收入", "当年预算安排", "上年结转",
        "年末结转和结余", "年初预算数", "全年预算数", "决算数", "因公出国（境）费", "公务接待费",
        "公务用车购置及运行费", "公务用车购置费", "公务用车运行维护费", "机关运行经费",
    }
    assert {canonical_column(h) for h in printed} == set(Column)


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("①公务用车购置费", "公务用车购置费"),
        ("2026年预算数", "预算数"),
        ("金额（万元）", "金额"),
        ("政府性基金 预算", "政府性基金预算"),
        ("其中：基本支出", "基本支出"),
        ("因公出国（境）费", "因公出国(境)费"),
    ],
)
def test_normalize_header(raw: str, norm: str) -> None:
    assert normalize_header(raw) == norm


PRINTED_HEADERS = [
    "合计", "小计", "2026年预算数", "基本支出", "项目支出", "人员经费", "公用经费", "一般公共预算", "政府性基金预算",
    "国有资本经营预算", "财政专户管理资金", "单位资金", "财政拨款", "事业收入", "事业单位经营收入", "其他收入",
    "当年预算安排", "上年结转安排", "年末结转和结余", "年初预算数", "全年预算数", "决算数", "因公出国（境）费",
    "公务接待费", "公务用车购置及运行费", "公务用车购置费", "公务用车运行维护费", "机关运行经费", "项目", "科目名称",
    "上级补助收入", "会议费",
]


@given(st.sampled_from(PRINTED_HEADERS), st.lists(st.integers(0, 12), max_size=3), st.booleans())
def test_wrapping_and_full_width_do_not_change_the_column(header: str, cuts: list[int], wide: bool) -> None:
    expected = canonical_column(header)
    noisy = header
    for p in sorted(cuts, reverse=True):
        noisy = noisy[:p] + "\n" + noisy[p:]
    if wide:
        noisy = noisy.translate(str.maketrans("0123456789()", "０１２３４５６７８９（）"))
    assert canonical_column(noisy) is expected
    assert canonical_column(["项目", noisy]) is expected or expected is None
