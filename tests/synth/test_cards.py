"""Card forms: the seed's layout (shanxi) and the 申报表 layout (shenbao), merges included."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetdoc.model.document import CellGrid, FundLine, IndicatorRow, PerformanceCard, TableCell
from budgetdoc.model.io import load_document
from budgetdoc.model.vocab import CardType, IndicatorScope, Unit
from budgetdoc.synth.cards import LAYOUTS, build_card_form, card_amount_text, indicator_groups
from budgetdoc.synth.variants import random_document

SEED_TRUTH = Path(__file__).resolve().parents[2] / "datasets" / "seed" / "seed_truth.json"


def covered_once(g: CellGrid) -> bool:
    seen: set[tuple[int, int]] = set()
    for c in g.cells:
        for r in range(c.row, c.row_end):
            for k in range(c.col, c.col_end):
                if (r, k) in seen:
                    return False
                seen.add((r, k))
    return len(seen) == g.num_rows * g.num_cols


def cell(g: CellGrid, text: str) -> TableCell:
    return next(c for c in g.cells if c.text == text)


def ind(l1: str, l2: str, l3: str, value: str, scope: IndicatorScope | None) -> IndicatorRow:
    return IndicatorRow(level1=l1, level2=l2, level3=l3, value=value, scope=scope)


def seed_like_project_card() -> PerformanceCard:
    """The first project card of the seed (金匠工业园区…), typed by hand."""
    y = Decimal
    funds = [
        FundLine(source="实施期资金总额/年度资金总额", canonical="total", period_amount=y(550000), annual_amount=y(270000)),
        FundLine(source="其中:中央财政资金", canonical="central", period_amount=y(0), annual_amount=y(0)),
        FundLine(source="省级财政资金", canonical="provincial", period_amount=y(0), annual_amount=y(0)),
        FundLine(source="市县(区)财政资金", canonical="municipal_county", period_amount=y(550000), annual_amount=y(270000)),
        FundLine(source="单位自筹", canonical="self_raised", period_amount=y(0), annual_amount=y(0)),
        FundLine(source="其他资金", canonical="other"),
    ]
    rows = [
        ("产出指标", "数量指标", "评估面积", "9.84平方千米"),
        ("产出指标", "数量指标", "金匠工业园区北区区域水资源论证评估完成率", "100%"),
        ("产出指标", "质量指标", "评估报告通过专家评审率", "100%"),
        ("产出指标", "时效指标", "报告通过批复时间", "2027年12月底前"),
        ("产出指标", "时效指标", "报告编制完成时间", "2026年12月底前"),
        ("产出指标", "成本指标", "项目总成本", "<55万元"),
        ("效益指标", "经济效益", "", ""),
        ("效益指标", "社会效益", "减轻企业负担", "减轻"),
        ("效益指标", "社会效益", "提高审批效率", "提高"),
        ("满意度指标", "服务对象满意度", "入驻企业满意度", ">90%"),
    ]
    inds = [ind(*r, IndicatorScope.period) for r in rows] + [ind(*r, IndicatorScope.annual) for r in rows[:-1]]
    return PerformanceCard(
        id="c02", card_type=CardType.project, title="项目支出绩效目标表", year=2026,
        project_name="金匠工业园区北区区域水资源论证评估经费", department_name="晋城经济技术开发区行政审批局",
        department_code="608", implementing_unit="晋城经济技术开发区行政审批局", project_attribute="延续性项目(阶段开展)",
        project_period="3年", funds_unit=Unit.yuan, funds=funds, overview="为进一步提高行政审批效率……",
        basis="晋水规发[2022]1号", necessity="通过开展区域评估……", safeguards="依据……执行", plan="年底前。",
        period_goal="完成水资源论证区域评估。", annual_goal="完成水资源论证区域评估。", indicators=inds,
    )


def test_project_card_shanxi_layout() -> None:
    g = build_card_form(seed_like_project_card(), layout="shanxi")
    assert covered_once(g) and g.num_cols == 8 and g.header_rows == 0
    assert cell(g, "项目名称").col_span == 2
    name = cell(g, "金匠工业园区北区区域水资源论证评估经费")
    assert (name.col, name.col_span) == (2, 6)
    assert cell(g, "608-晋城经济技术开发区行政审批局").col_span == 2
    money = cell(g, "项目资金(元)")
    assert money.row_span == 6 and money.row_header  # 总额 row + 5 source lines
    assert g.grid[money.row][1:8] == ["实施期资金总额:", "550,000", "550,000", "年度资金总额:", "年度资金总额:",
                                      "270,000", "270,000"]
    assert g.grid[money.row + 5][2] == ""  # 其他资金: no amount printed
    head = cell(g, "一级指标")
    assert head.column_header and g.grid[head.row][1:] == ["一级指标", "二级指标", "三级指标", "指标值", "二级指标",
                                                           "三级指标", "指标值"]
    label = cell(g, "绩效指标")
    assert label.row_span == 11  # header row + 10 indicator rows
    l1 = next(c for c in g.cells if c.col == 1 and c.text == "产出指标")
    assert l1.row_span == 6
    l2 = next(c for c in g.cells if c.col == 2 and c.text == "时效指标")
    assert l2.row_span == 2
    # the annual block has one row fewer in 满意度指标: its 二级 cell spans the group anyway
    sat = next(c for c in g.cells if c.col == 1 and c.text == "满意度指标")
    assert sat.row_span == 1
    annual_l2 = next(c for c in g.cells if c.col == 5 and c.text == "时效指标")
    assert annual_l2.row_span == 2
    assert cell(g, "实施期目标").column_header and cell(g, "年度目标").col_span == 3


def test_project_card_shenbao_layout() -> None:
    g = build_card_form(seed_like_project_card(), layout="shenbao")
    assert covered_once(g) and g.num_cols == 5
    money = cell(g, "项目资金（元）")
    assert money.row_span == 7  # header + 合计 + 5 sources
    assert g.grid[money.row][1:] == ["资金来源", "资金来源", "实施期资金总额", "年度资金总额"]
    assert cell(g, "年度总体目标").row_header
    label = cell(g, "年度绩效指标")
    assert label.row_span == 10  # header + 9 annual indicators
    assert next(c for c in g.cells if c.col == 1 and c.text == "产出指标").row_span == 6


def test_department_card_layouts_from_the_seed_truth() -> None:
    doc = load_document(SEED_TRUTH)
    dept = next(c for c in doc.cards if c.card_type == CardType.department)
    g = build_card_form(dept, layout="shanxi")
    assert covered_once(g)
    assert cell(g, "部门基本信息").row_span == 5
    assert cell(g, "608-晋城经济技术开发区行政审批局").col_span == 3
    budget = cell(g, "年度预算情况")
    assert g.grid[budget.row][1:] == ["按资金来源划分", "资金总额(万元)", "按资金方向划分", "资金总额(万元)"]
    assert g.grid[budget.row + 1][1:] == ["合计", "389.23", "合计", "389.23"]
    assert g.grid[budget.row + 3][1:3] == ["政府性基金预算资金", "0.00"]
    assert budget.row_span == 7
    assert cell(g, "年度重点任务").row_span == len(dept.key_tasks) + 1
    out = next(c for c in g.cells if c.col == 1 and c.text == "产出指标")
    assert out.row_span == sum(1 for i in dept.indicators if i.level1 == "产出指标")
    values = {c.text for c in g.cells}
    assert all(i.value in values for i in dept.indicators)
    g2 = build_card_form(dept, layout="shenbao")
    assert covered_once(g2)
    assert cell(g2, "年度绩效指标").row_span == len(dept.indicators) + 1


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_seed_card_lays_out(layout: str) -> None:
    doc = load_document(SEED_TRUTH)
    for card in doc.cards:
        g = build_card_form(card, layout=layout)
        assert covered_once(g), card.id
        texts = {c.text for c in g.cells}
        assert card.title not in texts  # the title is printed above the form, not in it
        shown = [i for i in card.indicators if layout == "shanxi" or i.scope in (None, IndicatorScope.annual)]
        assert all(i.level3 in texts for i in shown)
        assert any(c.row_span > 1 for c in g.cells if c.col in (1, 2))  # merged level cells


def test_generated_cards_carry_their_form() -> None:
    for style, layout in (("shanxi", "shanxi"), ("jiangsu", "shenbao"), ("shanghai", "shenbao")):
        doc = random_document(2, style=style)
        for card in doc.cards:
            assert card.form == build_card_form(card, layout=layout)
            merged = [c for c in card.form.cells if c.row_span > 1 and c.col in (1, 2)]
            assert merged, (style, card.id)


def test_amount_text_and_groups() -> None:
    assert card_amount_text(Decimal(550000), Unit.yuan) == "550,000"
    assert card_amount_text(Decimal("138514.80"), Unit.yuan) == "138,514.80"
    assert card_amount_text(Decimal(0), Unit.yuan) == "0"
    assert card_amount_text(Decimal("389.23"), Unit.ten_thousand_yuan) == "389.23"
    assert card_amount_text(Decimal("0.00"), Unit.ten_thousand_yuan) == "0.00"
    assert card_amount_text(None, Unit.yuan) == ""
    rows = [ind("A", "a", "1", "", None), ind("A", "a", "2", "", None), ind("A", "b", "3", "", None),
            ind("B", "c", "4", "", None)]
    assert [(l1, [(l2, len(x)) for l2, x in l2s]) for l1, l2s in indicator_groups(rows)] == \
        [("A", [("a", 2), ("b", 1)]), ("B", [("c", 1)])]


def test_unknown_layout() -> None:
    with pytest.raises(ValueError):
        build_card_form(seed_like_project_card(), layout="guangdong")
