"""structure_card on small hand-written forms of both layouts, with OCR noise and lost merges."""

from __future__ import annotations

from decimal import Decimal

import pytest
from structuring_grids import grid

from budgetdoc.model.vocab import CardType, Comparator, IndicatorScope, IndicatorValueKind, Unit
from budgetdoc.structuring import structure_card
from budgetdoc.structuring.cards import fund_canonical, split_department

SHANXI_PROJECT = [
    ["项目名祢", "<", "某评估经费", "<", "<", "<", "<", "<"],  # 称 read as 祢
    ["主管部门及代码", "<", "608-晋城经济技术开发区行政审批局", "<", "实施单位", "<", "某局", "<"],
    ["项目属性", "<", "新增项目", "<", "项目期", "<", "1年", "<"],
    ["项目资金(元)", "实施期资金总额:", "1,550,000", "<", "年度资金总额:", "<", "550,000", "<"],
    ["^", "其中:中央财政资金", "0", "<", "其中:中央财政资金", "<", "0", "<"],
    ["^", "市县(区)财政资金", "1,550,000", "<", "市县(区)财政资金", "<", "550,000", "<"],
    ["^", "其他资金", "", "<", "其他资金", "<", "", "<"],
    ["项目概况", "<", "概况文字", "<", "<", "<", "<", "<"],
    ["", "<", "实施期目标", "<", "<", "年度目标", "<", "<"],
    ["总体目标", "<", "实施期的目标", "<", "<", "本年的目标", "<", "<"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"],
    ["^", "产出指标", "数量指标", "评估面积", "9.84平方千米", "数量指标", "评估面积", "9.84平方千米"],
    ["^", "^", "^", "完成率", "100%", "^", "", ""],  # the 年度 block's 数量指标 stretched over a blank row
    ["^", "效益指标", "经济效益", "", "", "经济效益", "", ""],  # a 二级 without 三级: kept once
    ["^", "^", "社会效益", "减轻企业负担", "减轻", "社会效益", "减轻企业负担", "≤27.22万元"],
]


def _period_annual(card):
    p = [(i.level1, i.level2, i.level3, i.value) for i in card.indicators if i.scope == IndicatorScope.period]
    a = [(i.level1, i.level2, i.level3, i.value) for i in card.indicators if i.scope == IndicatorScope.annual]
    return p, a


EXPECTED_PERIOD = [("产出指标", "数量指标", "评估面积", "9.84平方千米"), ("产出指标", "数量指标", "完成率", "100%"),
                   ("效益指标", "经济效益", "", ""), ("效益指标", "社会效益", "减轻企业负担", "减轻")]
EXPECTED_ANNUAL = [("产出指标", "数量指标", "评估面积", "9.84平方千米"), ("效益指标", "经济效益", "", ""),
                   ("效益指标", "社会效益", "减轻企业负担", "≤27.22万元")]


def test_shanxi_project_card():
    form = grid(SHANXI_PROJECT)
    before = form.model_dump()
    card = structure_card(form, title="某县(区)级预算部门(单位)项目支出绩效目标表", card_id="c02", year=2026)
    assert form.model_dump() == before
    assert (card.id, card.card_type, card.year) == ("c02", CardType.project, 2026)
    assert (card.project_name, card.department_code, card.department_name, card.implementing_unit) == (
        "某评估经费", "608", "晋城经济技术开发区行政审批局", "某局")
    assert (card.project_attribute, card.project_period, card.overview) == ("新增项目", "1年", "概况文字")
    assert (card.period_goal, card.annual_goal, card.funds_unit) == ("实施期的目标", "本年的目标", Unit.yuan)
    assert [(f.source, f.canonical, f.period_amount, f.annual_amount) for f in card.funds] == [
        ("实施期资金总额/年度资金总额", "total", Decimal(1550000), Decimal(550000)),
        ("其中:中央财政资金", "central", Decimal(0), Decimal(0)),
        ("市县(区)财政资金", "municipal_county", Decimal(1550000), Decimal(550000)),
        ("其他资金", "other", None, None)]
    assert [(f.key, f.value) for f in card.fields] == [
        ("项目名称", "某评估经费"), ("主管部门及代码", "608-晋城经济技术开发区行政审批局"), ("实施单位", "某局"),
        ("项目属性", "新增项目"), ("项目期", "1年"), ("实施期资金总额", "1,550,000"), ("实施期/其中:中央财政资金", "0"),
        ("实施期/市县(区)财政资金", "1,550,000"), ("实施期/其他资金", ""), ("年度资金总额", "550,000"),
        ("年度/其中:中央财政资金", "0"), ("年度/市县(区)财政资金", "550,000"), ("年度/其他资金", ""),
        ("项目概况", "概况文字"), ("实施期目标/总体目标", "实施期的目标"), ("年度目标/总体目标", "本年的目标")]
    assert _period_annual(card) == (EXPECTED_PERIOD, EXPECTED_ANNUAL)
    last = card.indicators[-1].parsed
    assert (last.kind, last.comparator, last.number, last.unit) == (
        IndicatorValueKind.number, Comparator.le, Decimal("27.22"), "万元")
    assert card.indicators[2].parsed.kind == IndicatorValueKind.empty


def test_indicator_levels_are_carried_down_when_ocr_lost_the_merges():
    rows = [list(r) for r in SHANXI_PROJECT]
    for r in rows[11:]:  # the merged 一级/二级 cells came back as separate blank cells
        for k in (1, 2, 5):
            if r[k] == "^":
                r[k] = ""
    rows[12][0] = rows[13][0] = rows[14][0] = "^"
    card = structure_card(grid(rows), title="项目支出绩效目标表")
    assert _period_annual(card) == (EXPECTED_PERIOD, EXPECTED_ANNUAL)


def test_one_merged_goal_value_is_the_goal_of_both():
    rows = [list(r) for r in SHANXI_PROJECT]
    rows[9] = ["总体目标", "<", "同一目标", "<", "<", "<", "<", "<"]
    card = structure_card(grid(rows), title="项目支出绩效目标表")
    assert (card.period_goal, card.annual_goal) == ("同一目标", "同一目标")
    assert ("总体目标", "同一目标") in [(f.key, f.value) for f in card.fields]


def test_shenbao_department_card():
    form = grid([
        ["部门（单位）名称", "9396-昆山市市政设施管理中心", "<", "<", "<"],
        ["部门职责", "负责市政设施管理。", "<", "<", "<"],
        ["年度预算资金（万元）", "合计", "<", "198.22", "<"],
        ["^", "其中:一般公共预算资金", "<", "150.76", "<"],
        ["^", "政府性基金预算资金", "<", "47.46", "<"],
        ["^", "合计", "<", "198.22", "<"],
        ["^", "其中:基本支出", "<", "123.55", "<"],
        ["^", "项目支出", "<", "74.67", "<"],
        ["年度主要任务", "任务名称", "<", "主要内容", "<"],
        ["^", "市容环境卫生管理", "<", "稳步推进市政设施工作", "<"],
        ["年度总体目标", "提升城市精细化管理水平。", "<", "<", "<"],
        ["年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
        ["^", "产出指标", "时效指标", "响应时间", "24小时之内"],
        ["^", "满意度指标", "服务对象满意度指标", "入驻企业满意度", "满意"],
    ])
    card = structure_card(form, title="2018年度部门整体支出绩效目标申报表")
    assert (card.card_type, card.year, card.department_code, card.department_name) == (
        CardType.department, 2018, "9396", "昆山市市政设施管理中心")
    assert (card.responsibilities, card.annual_goal, card.period_goal) == ("负责市政设施管理。", "提升城市精细化管理水平。", None)
    assert card.funds_unit == Unit.ten_thousand_yuan
    assert [(f.source, f.canonical, f.direction, f.annual_amount) for f in card.funds] == [
        ("合计", "total", False, Decimal("198.22")), ("其中:一般公共预算资金", "general_public_budget", False, Decimal("150.76")),
        ("政府性基金预算资金", "government_fund", False, Decimal("47.46")), ("合计", "total", True, Decimal("198.22")),
        ("其中:基本支出", "basic_expenditure", True, Decimal("123.55")),
        ("项目支出", "project_expenditure", True, Decimal("74.67"))]
    assert [(t.function, t.task) for t in card.key_tasks] == [("市容环境卫生管理", "稳步推进市政设施工作")]
    keys = [f.key for f in card.fields]
    assert keys[:3] == ["部门名称", "部门职责", "按资金来源划分/合计"] and keys[-1] == "年度绩效目标"
    assert [i.scope for i in card.indicators] == [None, None]
    assert card.indicators[0].parsed.comparator == Comparator.le and card.indicators[0].parsed.unit == "小时"


def test_shenbao_project_card_reads_its_funds_by_the_header_and_its_one_block_as_annual():
    form = grid([
        ["项目名称", "某项目", "<", "<", "<"],
        ["主管部门及代码", "123-某局", "<", "实施单位", "某局"],
        ["项目资金（元）", "资金来源", "<", "实施期资金总额", "年度资金总额"],
        ["^", "合计", "<", "300,000", "100,000"],
        ["^", "其中：一般公共预算资金", "<", "300,000", "100,000"],
        ["年度总体目标", "完成任务。", "<", "<", "<"],
        ["年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
        ["^", "产出指标", "质量指标", "合格率", "≥95%"],
    ])
    card = structure_card(form, title="项目支出绩效目标申报表")
    assert card.card_type == CardType.project and card.funds_unit == Unit.yuan
    assert [(f.source, f.canonical, f.period_amount, f.annual_amount) for f in card.funds] == [
        ("合计", "total", Decimal(300000), Decimal(100000)),
        ("其中：一般公共预算资金", "general_public_budget", Decimal(300000), Decimal(100000))]
    assert (card.period_goal, card.annual_goal) == ("完成任务。", "完成任务。")
    assert [(i.scope, i.parsed.kind) for i in card.indicators] == [(IndicatorScope.annual, IndicatorValueKind.percent)]
    assert ("实施期/其中：一般公共预算资金", "300,000") in [(f.key, f.value) for f in card.fields]


@pytest.mark.parametrize("text, canon", [
    ("其中:中央财政资金", "central"), ("省级财政资金", "provincial"), ("市县(区)财政资金", "municipal_county"),
    ("单位自筹", "self_raised"), ("其他资金", "other"), ("实施期资金总额/年度资金总额", "total"),
    ("社会保险基金预算资金", "social_insurance_fund"), ("专户管理资金", "special_account"), ("某种来源", "unknown"),
])
def test_fund_canonical(text, canon):
    assert fund_canonical(text) == canon


def test_split_department():
    assert split_department("608-晋城经济技术开发区行政审批局") == ("608", "晋城经济技术开发区行政审批局")
    assert split_department("608 － 某局") == ("608", "某局")
    assert split_department("某局") == (None, "某局")


def test_card_type_from_the_form_when_the_title_says_nothing():
    form = grid([["项目名称", "某项目"], ["项目期", "1年"]])
    assert structure_card(form, title="绩效目标表").card_type == CardType.project
    assert structure_card(grid([["部门名称", "某局"]]), title="绩效目标表").card_type == CardType.department
