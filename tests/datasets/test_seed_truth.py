"""The seed's hand-checked truth: valid, complete, faithful to the printed text, reproducible."""

from __future__ import annotations

import hashlib
import importlib.util
from decimal import Decimal
from pathlib import Path

import pytest

from budgetdoc.model import CardType, Column, IndicatorScope, SubjectLevel, TableType, Unit
from budgetdoc.model.document import EconomicRow, ItemRow, ProjectRow, SubjectRow
from budgetdoc.model.io import document_to_json, load_document

ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = ROOT / "datasets" / "seed"
TRUTH = SEED_DIR / "seed_truth.json"
SEED_TEXT = (SEED_DIR / "000_6835dc16bfc66720.txt").read_text(encoding="utf-8")
SEED_LINES = SEED_TEXT.split("\n")

EXPECTED_TABLES = [
    ("t01", TableType.revenue_expenditure_summary, "2026年预算收支总表", "预算公开表1"),
    ("t02", TableType.revenue_summary, "2026年预算收入总表", "预算公开表2"),
    ("t03", TableType.expenditure_summary, "2026年预算支出总表", None),
    ("t04", TableType.fiscal_appropriation_summary, "2026年财政拨款收支总表", None),
    ("t05", TableType.general_public_budget_expenditure, "2026年一般公共预算支出预算表（不含上年结转）", None),
    ("t06", TableType.general_public_budget_basic_economic,
     "2026年一般公共预算安排基本支出分经济科目表（不含上年结转）", None),
    ("t07", TableType.government_fund_revenue, "2026年政府性基金预算收入表（不含上年结转）", None),
    ("t08", TableType.government_fund_expenditure, "2026年政府性基金预算支出表（不含上年结转）", None),
    ("t09", TableType.state_capital_operation, "2026年国有资本经营预算收支预算表（不含上年结转）", "部门公开表9"),
    ("t10", TableType.three_public_expenses, "2026年财政拨款安排“三公”经费支出预算表", "预算公开表10"),
    ("t11", TableType.agency_operating_expenses, "2026年财政拨款安排机关运行经费预算表", None),
    ("t12", TableType.project_expenditure, "2026年项目支出预算表（本年预算）", None),
    ("t13", TableType.project_expenditure_carryover, "2026年项目支出预算表（上年结转）", None),
]
EMPTY = {"t07", "t08", "t09", "t10", "t11", "t13"}


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_seed_truth", SEED_DIR / "build_seed_truth.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def doc():
    return load_document(TRUTH)


@pytest.fixture(scope="module")
def builder():
    return _load_builder()


def _table(doc, tid):
    return next(t for t in doc.tables if t.id == tid)


def _subject(table, code):
    return next(r for r in table.rows if isinstance(r, SubjectRow) and r.subject_code == code)


# --------------------------------------------------------------------------------------------------
# document


def test_builder_output_equals_committed_json(builder):
    assert document_to_json(builder.build_document()) == TRUTH.read_text(encoding="utf-8")


def test_document_identity(doc):
    assert doc.title == "2026年度部门预算公开"
    assert doc.department == "晋城经济技术开发区行政审批局"
    assert doc.year == 2026 and doc.kind.value == "department_budget" and doc.region == "山西省晋城市"
    assert doc.producer == "seed truth (hand-checked)"
    assert doc.source.path == "datasets/seed/000_6835dc16bfc66720.txt"
    assert doc.source.sha256 == hashlib.sha256(SEED_TEXT.encode("utf-8")).hexdigest()
    assert doc.pages == [] and doc.checks == []


def test_seed_copy_is_the_shared_seed():
    shared = Path("/work/shared/seeds/000_6835dc16bfc66720.txt")
    if not shared.exists():
        pytest.skip("shared seed folder not mounted")
    assert shared.read_bytes() == (SEED_DIR / "000_6835dc16bfc66720.txt").read_bytes()


# --------------------------------------------------------------------------------------------------
# tables


def test_thirteen_tables_in_order(doc):
    got = [(t.id, t.table_type, t.title, t.label) for t in doc.tables]
    assert got == EXPECTED_TABLES
    for t in doc.tables:
        assert t.department == "晋城经济技术开发区行政审批局"
        assert t.unit is Unit.ten_thousand_yuan
        assert t.title in SEED_LINES
        assert t.pages == [] and t.bbox_by_page == {}


def test_every_grid_slot_is_covered_exactly_once(doc):
    for t in doc.tables:
        covered = [(r, k) for c in t.cells for r in range(c.row, c.row_end) for k in range(c.col, c.col_end)]
        assert sorted(covered) == [(r, k) for r in range(t.num_rows) for k in range(t.num_cols)], t.id
        assert all(c.column_header == (c.row < t.header_rows) for c in t.cells), t.id
        assert len(t.columns) == t.num_cols and [c.index for c in t.columns] == list(range(t.num_cols))


def test_body_rows_are_verbatim_seed_rows(doc, builder):
    lines = set(SEED_LINES)
    for spec in builder.TABLE_SPECS:
        for line in builder.body_lines(spec["body"]):
            assert line in lines, (spec["id"], line)
    unwrapped = {builder.unwrap(x) for x in lines}
    for t in doc.tables:  # the cells hold that text (a wrapped cell without its line-break space)
        for r in range(t.header_rows, t.num_rows):
            row = "\t".join(t.grid[r])
            assert row in lines or row in unwrapped, (t.id, row)


def test_header_merges(doc):
    t01 = _table(doc, "t01")
    assert t01.header_rows == 2
    assert [(c.text, c.col, c.col_span) for c in t01.cells if c.row == 0] == [("收入", 0, 2), ("支出", 2, 4)]
    assert t01.grid[1] == ["项目", "2026年", "项目", "2026年合计", "当年预算安排", "上年结转安排"]
    t02 = _table(doc, "t02")
    head = {c.text: c for c in t02.cells if c.column_header}
    assert (head["项目"].col_span, head["本年收入"].col_span, head["上年结转"].row_span) == (2, 6, 2)
    t04 = _table(doc, "t04")
    assert t04.header_rows == 3
    money = next(c for c in t04.cells if c.text == "金额" and c.col == 3)
    assert (money.row, money.col_span) == (1, 4)
    assert t04.grid[2][3:] == ["小计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]
    assert [c.text for c in t04.header[1].children[1].children] == ["小计", "一般公共预算", "政府性基金预算",
                                                                   "国有资本经营预算"]
    t12 = _table(doc, "t12")
    assert t12.header_rows == 3 and t12.grid[2] == list("1234567")
    assert t12.grid[0][5] == "财政专户管理资金" and t12.grid[1][4] == "国有资本经营预算"  # wraps removed
    assert t12.columns[5].header == ["财政专户管理资金"] and t12.columns[2].header == ["2026年财政拨款", "一般公共预算"]


def test_two_sided_summary(doc):
    t01 = _table(doc, "t01")
    assert t01.num_rows == 2 + 33
    exp = [r for r in t01.rows if isinstance(r, ItemRow) and r.side == "expenditure"]
    rev = [r for r in t01.rows if isinstance(r, ItemRow) and r.side == "revenue"]
    assert len(exp) == 33 and len(rev) == 8
    assert exp[0].label == "一、一般公共服务支出" and exp[29].label == "三十、抗疫特别国债安排的支出"
    assert exp[0].amounts == {Column.total: Decimal("326.40"), Column.current_year: Decimal("326.40"),
                              Column.carryover: None}
    grand = next(r for r in rev if r.label == "收入总计")
    assert grand.is_total and grand.amounts == {Column.total: Decimal("389.23")}
    assert t01.notes == ["注：本套报表因取数时四舍五入，部分金额可能存在尾差"]
    t04 = _table(doc, "t04")
    assert [r.label for r in t04.rows if r.side == "revenue"][-5:] == [
        "上年财政拨款结转", "一、一般公共预算", "二、政府性基金预算", "三、国有资本经营预算", "收入总计"]


def test_spot_numbers(doc):
    t02 = _table(doc, "t02")
    assert _subject(t02, "2010399").amounts[Column.total] == Decimal("189.09")
    assert _subject(t02, "2010399").subject_level is SubjectLevel.xiang
    assert _subject(t02, "20103").subject_level is SubjectLevel.kuan
    assert _subject(t02, "221").subject_name == "住房保障支出"
    assert str(_subject(t02, "2210201").amounts[Column.general_public_budget]) == "21.30"  # scale kept
    t03 = _table(doc, "t03")
    total = next(r for r in t03.rows if r.is_total)
    assert (total.amounts[Column.total], total.amounts[Column.basic_expenditure],
            total.amounts[Column.project_expenditure]) == (Decimal("389.23"), Decimal("200.14"), Decimal("189.09"))
    assert _subject(t03, "2010350").amounts[Column.project_expenditure] is None
    t06 = _table(doc, "t06")
    rows = [r for r in t06.rows if isinstance(r, EconomicRow)]
    total = rows[0]
    assert total.is_total and [str(total.amounts[c]) for c in (Column.total, Column.personnel, Column.public_funds)] \
        == ["200.14", "185.20", "14.95"]
    groups = [r.economic_name for r in rows if r.economic_level is SubjectLevel.lei]
    assert groups == ["工资福利支出", "商品和服务支出", "对个人和家庭的补助"]
    retire = next(r for r in rows if r.economic_name == "退休费")
    assert retire.economic_level is SubjectLevel.kuan and retire.government_economic_name == "离退休费"
    assert retire.economic_code is None
    t12 = _table(doc, "t12")
    projects = [r for r in t12.rows if isinstance(r, ProjectRow)]
    assert [r.level for r in projects] == ["department", "unit"] + ["project"] * 5
    assert projects[-1].project_name == "金匠工业园区北区区域水资源论证评估经费"
    assert sum(r.amounts[Column.total] for r in projects if r.level == "project") == Decimal("189.09")


def test_empty_tables(doc):
    for t in doc.tables:
        assert t.is_empty == (t.id in EMPTY), t.id
        if t.is_empty:
            assert t.notes == ["注：本表无数据"]
            assert all(v is None for r in t.rows for v in r.amounts.values())
    assert [r.label for r in _table(doc, "t10").rows] == [
        "因公出国（境）费", "公务接待费", "公务用车购置及运行费", "①公务用车购置费", "②公务用车运行维护费", "合计"]
    assert _table(doc, "t13").rows == [] and _table(doc, "t13").num_rows == 3


# --------------------------------------------------------------------------------------------------
# cards


def test_six_cards(doc):
    assert [c.id for c in doc.cards] == ["c01", "c02", "c03", "c04", "c05", "c06"]
    assert [c.card_type for c in doc.cards] == [CardType.department] + [CardType.project] * 5
    assert [c.project_name for c in doc.cards[1:]] == [
        "金匠工业园区北区区域水资源论证评估经费", "开发区行政审批局专项业务费", "开发区主城区区域评估经费",
        "政府统一服务经费", "审批事项办理工作经费"]
    for c in doc.cards:
        assert c.year == 2026 and c.department_code == "608" and c.department_name == "晋城经济技术开发区行政审批局"
        assert c.title in SEED_LINES
        for f in c.fields:  # every printed value occurs in the seed
            assert f.value in SEED_TEXT or f.value.replace(":", "") in SEED_TEXT, (c.id, f.key)


def test_department_card(doc):
    c = doc.cards[0]
    assert (c.internal_divisions, c.subordinate_units, c.authorized_staff, c.actual_staff, c.established_staff,
            c.other_staff) == ("6个", "1个", "9人", "9人", "9人", "0人")
    assert c.funds_unit is Unit.ten_thousand_yuan
    assert c.fund("total").annual_amount == Decimal("389.23") and not c.fund("total").direction
    basic = next(f for f in c.funds if f.canonical == "basic_expenditure")
    assert basic.direction and basic.annual_amount == Decimal("200.14")
    assert [f.direction for f in c.funds] == [False] * 6 + [True] * 3
    assert len(c.key_tasks) == 3 and c.key_tasks[2].function == "提高审批效率"
    assert len(c.indicators) == 34 and all(i.scope is None for i in c.indicators)
    cost = [i for i in c.indicators if i.level2 == "成本指标"]
    assert len(cost) == 9 and cost[-1].value == "≤27.22万元"
    eco = next(i for i in c.indicators if i.level2 == "生态效益指标")
    assert (eco.level1, eco.level3, eco.value, eco.parsed.kind.value) == ("效益指标", "", "", "empty")


def test_project_cards(doc):
    c02 = doc.cards[1]
    assert c02.funds_unit is Unit.yuan
    assert c02.fund("total").annual_amount == Decimal("270000")
    assert c02.fund("total").period_amount == Decimal("550000")
    assert c02.fund("municipal_county").annual_amount == Decimal("270000")
    assert c02.fund("other").annual_amount is None and c02.fund("central").annual_amount == Decimal("0")
    assert (c02.project_attribute, c02.project_period) == ("延续性项目(阶段开展)", "3年")
    assert c02.implementing_unit == "晋城经济技术开发区行政审批局"
    totals = {c.project_name: c.fund("total").annual_amount for c in doc.cards[1:]}
    assert totals == {"金匠工业园区北区区域水资源论证评估经费": 270000, "开发区行政审批局专项业务费": 297200,
                      "开发区主城区区域评估经费": 33000, "政府统一服务经费": 1000000, "审批事项办理工作经费": 290700}
    for c in doc.cards[1:]:
        assert c.overview and c.basis and c.necessity and c.safeguards and c.plan and c.period_goal
        scopes = [i.scope for i in c.indicators]
        n = scopes.count(IndicatorScope.period)
        assert n == scopes.count(IndicatorScope.annual) and scopes == [IndicatorScope.period] * n + [
            IndicatorScope.annual] * n
    assert doc.cards[3].annual_goal is None  # c04 prints its 总体目标 once, under 实施期目标


def test_card_c03_blocks_differ_as_printed(doc):
    c03 = doc.cards[2]
    period = [i for i in c03.indicators if i.scope is IndicatorScope.period]
    annual = [i for i in c03.indicators if i.scope is IndicatorScope.annual]
    fee = "协助窗口业务受理工作费用(按年)"
    assert next(i.value for i in period if i.level3 == fee) == "≤27.2万元"
    assert next(i.value for i in annual if i.level3 == fee) == "≤27.22万元"
    assert [i.level3 for i in period if i.level2 == "质量指标"][:2] == ["窗口业务受理工作办结率", "中介超市运行稳定率"]
    assert [i.level3 for i in annual if i.level2 == "质量指标"][:2] == ["中介超市运行稳定率", "窗口业务受理工作办结率"]
    assert [(i.level3, i.value) for i in annual if i.level2 == "社会效益"] == [("保障窗口业务工作的正常开展", "保障")]
    assert [(i.level3, i.value) for i in period if i.level2 == "社会效益"] == [("提升政务服务水平", "提升")]
    parsed = next(i.parsed for i in annual if i.level3 == fee)
    assert (parsed.comparator.value, parsed.number, parsed.unit) == ("≤", Decimal("27.22"), "万元")


def test_indicators_are_printed_and_parsed(doc):
    total = sum(len(c.indicators) for c in doc.cards)
    assert total == 168
    for c in doc.cards:
        for i in c.indicators:
            assert i.level1 in {"产出指标", "效益指标", "满意度指标"}, (c.id, i)
            assert i.level2 and i.level2 in SEED_TEXT
            assert i.level3 in SEED_TEXT and i.value in SEED_TEXT
            assert i.parsed is not None and i.parsed.raw == i.value
            assert bool(i.level3) == bool(i.value), (c.id, i)


def test_every_printed_indicator_cell_is_in_the_truth(doc, builder):
    headers = {"年度绩效指标", "绩效指标", "绩效指", "标", "一级指标", "二级指标", "三级指标", "指标值"}
    for card in doc.cards:
        first, last = builder.INDICATOR_SEED_LINES[card.id]
        printed = {x for line in SEED_LINES[first - 1:last] for x in line.split("\t") if x} - headers
        levels = {i.level1 for i in card.indicators} | {i.level2 for i in card.indicators}
        used = {x for i in card.indicators for x in (i.level3, i.value)} | levels
        assert printed - used <= {"取中预算"}, card.id  # c05's page-break fragment, kept as a card field
        assert {x for x in used if x} <= printed, card.id


# --------------------------------------------------------------------------------------------------
# narrative


def test_sections_and_figures(doc):
    headings = [(s.part, s.heading) for s in doc.sections]
    assert headings[:2] == [("第一部分", "一、本部门职责"), ("第一部分", "二、机构设置情况")]
    third = [h for p, h in headings if p == "第三部分"]
    assert len(third) == 12 and third[0].startswith("一、") and third[-1].startswith("十二、")
    for s in doc.sections:
        assert s.heading in SEED_LINES or f"{s.part} {s.heading}" in SEED_LINES, s.heading
        for f in s.figures:
            assert f.text in s.text
    three = next(s for s in doc.sections if s.heading == "三、支出预算情况说明")
    got = {(f.text, f.kind, f.value, f.unit) for f in three.figures}
    assert ("基本支出200.14万元", "amount", Decimal("200.14"), "万元") in got
    assert ("占51.42%", "share", Decimal("51.42"), "%") in got
    one = next(s for s in doc.sections if s.heading.startswith("一、部门预算收支"))
    kinds = {(f.text, f.kind) for f in one.figures}
    assert ("增长9.92%", "change_percent") in kinds and ("比上年增长35.12万元", "change_amount") in kinds
    four = next(s for s in doc.sections if s.heading.startswith("四、"))
    assert "支出包括：一般公共服务支出326.40万元" in four.text  # page break joined


def test_narrative_matches_tables(doc):
    """The figures the narrative states are the tables' figures (a consistency check of the truth)."""
    three = next(s for s in doc.sections if s.heading == "三、支出预算情况说明")
    by_label = {f.label: f.value for f in three.figures if f.kind == "amount"}
    t03_total = next(r for r in _table(doc, "t03").rows if r.is_total)
    assert by_label["基本支出"] == t03_total.amounts[Column.basic_expenditure]
    assert by_label["项目支出"] == t03_total.amounts[Column.project_expenditure]
    six = next(s for s in doc.sections if s.heading.startswith("六、"))
    t06_total = next(r for r in _table(doc, "t06").rows if r.is_total)
    assert {f.label: f.value for f in six.figures}["人员经费"] == t06_total.amounts[Column.personnel]
