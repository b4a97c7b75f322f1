"""The random disclosures: deterministic, valid, fully specified grids, and exact accounting identities.

The identities are asserted twice: by small loops here that read only the printed tables and cards
(exact, no tolerance), and by :func:`budgetdoc.checks.identities.check_document` at tolerance 0, which
must find no failure and pass every rule that applies to the style (:data:`NOT_APPLICABLE` lists the
rest, and why).
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest

from budgetdoc.checks.identities import RULES, check_document
from budgetdoc.model.document import (
    CellGrid,
    DisclosureDocument,
    EconomicRow,
    ItemRow,
    ProjectRow,
    SubjectRow,
    Table,
)
from budgetdoc.model.io import document_to_json, parse_document
from budgetdoc.model.vocab import CardType, Column, IndicatorValueKind, SubjectLevel, TableType, Unit
from budgetdoc.synth.variants import STYLES, random_budget_data, random_document

SEEDS = range(20)
ZERO = Decimal(0)

#: check_document rules with nothing to check in a style's documents (skipped, never passed), and why.
NOT_APPLICABLE: dict[str, dict[str, str]] = {
    "shanxi": {
        "row.three_public_columns": "the “三公” items are rows (①② sub-items), not columns",
    },
    "jiangsu": {
        "card.project_annual_vs_table": "no project tables",
        "cross.project_total": "no project tables",
        "project.children_sum_to_parent": "no project tables",
        "cross.function_categories_agree": "公开03表 支出预算总表 is one row without 类 rows",
        "cross.revenue_vs_expenditure_subjects": "公开02表 收入预算总表 lists sources, not subjects",
        "cross.gpb_revenue_vs_gpb_expenditure_subjects": "公开02表 收入预算总表 lists sources, not subjects",
        "row.total_eq_personnel_plus_public": "the economic tables print one amount column",
        "row.total_eq_sum_of_sources": "no table prints source columns next to a 合计",
        "two_sided.carryover_items_sum": "上年结转资金 has no breakdown",
    },
    "shanghai": {
        "card.project_annual_vs_table": "no project tables",
        "cross.project_total": "no project tables",
        "project.children_sum_to_parent": "no project tables",
        "cross.gpb_revenue_vs_gpb_expenditure_subjects": "收入预算总表 has 财政拨款收入, not 一般公共预算",
        "items.sum_to_total": "the “三公” items are columns of one 合计 row",
        "two_sided.carryover_items_sum": "nothing is carried over",
        "two_sided.revenue_grand_total": "收入总计 is this year's total (nothing carried over)",
        "two_sided.expenditure_grand_total": "支出总计 is this year's total (nothing carried over)",
    },
}


@pytest.fixture(scope="module")
def docs() -> dict[str, list[DisclosureDocument]]:
    return {st: [random_document(s, style=st) for s in SEEDS] for st in STYLES}


def _strip_derived(data: dict) -> dict:
    for t in data.get("tables", []):
        t.pop("grid", None)
        t.pop("header", None)
    for c in data.get("cards", []):
        if c.get("form"):
            c["form"].pop("grid", None)
            c["form"].pop("header", None)
    return data


# --------------------------------------------------------------------------------------------------
# determinism and schema


@pytest.mark.parametrize("style", STYLES)
def test_same_seed_same_bytes_and_seeds_differ(style: str) -> None:
    a = document_to_json(random_document(11, style=style))
    b = document_to_json(random_document(11, style=style))
    c = document_to_json(random_document(12, style=style))
    assert a == b
    assert a != c


def test_same_bytes_across_processes() -> None:
    """No dependence on hash randomisation (set order) or other process state."""
    import hashlib
    import os
    import subprocess
    import sys

    code = ("import hashlib; from budgetdoc.synth.variants import random_document; "
            "from budgetdoc.model.io import document_to_json; "
            "print(hashlib.sha256(document_to_json(random_document(4, style='jiangsu')).encode()).hexdigest())")
    here = hashlib.sha256(document_to_json(random_document(4, style="jiangsu")).encode()).hexdigest()
    for h in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": h})
        assert out.stdout.strip() == here


def test_styles_and_units_give_different_documents() -> None:
    a = document_to_json(random_document(3, style="shanxi"))
    assert a != document_to_json(random_document(3, style="jiangsu"))
    assert a != document_to_json(random_document(3, style="shanxi", unit=Unit.yuan))


@pytest.mark.parametrize("style", STYLES)
def test_model_validate_round_trip(docs, style: str) -> None:
    for doc in docs[style][:5]:
        text = document_to_json(doc)
        again = DisclosureDocument.model_validate(_strip_derived(json.loads(text)))
        assert document_to_json(again) == text


def test_parse_document_reads_card_forms() -> None:
    doc = random_document(1)
    text = document_to_json(doc)
    assert document_to_json(parse_document(json.loads(text))) == text


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        random_document(1, style="guangdong")
    with pytest.raises(ValueError):
        random_document(1, unit=Unit.hundred_million_yuan)


# --------------------------------------------------------------------------------------------------
# grids


def assert_grid_covered_once(g: CellGrid, what: str) -> None:
    seen: dict[tuple[int, int], int] = {}
    for i, c in enumerate(g.cells):
        for r in range(c.row, c.row_end):
            for k in range(c.col, c.col_end):
                assert (r, k) not in seen, f"{what}: ({r},{k}) covered twice"
                seen[(r, k)] = i
    missing = [(r, k) for r in range(g.num_rows) for k in range(g.num_cols) if (r, k) not in seen]
    assert not missing, f"{what}: slots {missing[:5]} not covered"


@pytest.mark.parametrize("style", STYLES)
def test_every_grid_slot_is_covered_exactly_once(docs, style: str) -> None:
    for doc in docs[style]:
        for t in doc.tables:
            assert_grid_covered_once(t, f"{doc.producer} {t.id}")
        for c in doc.cards:
            assert c.form is not None
            assert_grid_covered_once(c.form, f"{doc.producer} {c.id}")


@pytest.mark.parametrize("style", STYLES)
def test_headers_and_column_specs(docs, style: str) -> None:
    for doc in docs[style]:
        for t in doc.tables:
            assert t.header_rows >= 1
            assert [c.index for c in t.columns] == list(range(t.num_cols))
            for c in t.cells:
                assert c.column_header == (c.row < t.header_rows), (t.id, c)
            # a header cell never reaches into the body
            assert all(c.row_end <= t.header_rows for c in t.cells if c.column_header)
            for spec in t.columns:
                assert spec.header, (t.id, spec)
                if spec.column is not None:
                    assert spec.role == "amount"


def _cell_text(t: Table, row: int, col: int) -> str:
    c = t.cell_at(row, col)
    return "" if c is None else c.text


def _col(t: Table, column: Column, side: str | None) -> int | None:
    return next((c.index for c in t.columns if c.column == column and (side is None or c.side == side)), None)


@pytest.mark.parametrize("style", STYLES)
def test_typed_rows_read_the_printed_cells(docs, style: str) -> None:
    for doc in docs[style]:
        for t in doc.tables:
            for r in t.rows:
                assert r.grid_row >= t.header_rows
                for column, value in r.amounts.items():
                    k = _col(t, column, getattr(r, "side", None))
                    if k is None:
                        continue  # e.g. Jiangsu 支出用途 amounts keyed 基本支出/项目支出
                    text = _cell_text(t, r.grid_row, k).replace(",", "")
                    assert (value is None) == (text == ""), (t.id, r.grid_row, column, text, value)
                    if value is not None:
                        assert Decimal(text) == value
                        assert str(value) == text  # the printed scale is kept
                if isinstance(r, SubjectRow) and r.subject_code:
                    assert r.subject_name in [c.text for c in t.cells if c.row == r.grid_row]


# --------------------------------------------------------------------------------------------------
# identities, read from the printed tables only


def v(x: Decimal | None) -> Decimal:
    return ZERO if x is None else x


def amount_columns(t: Table) -> list[Column]:
    return [c.column for c in t.columns if c.column is not None]


def check_subject_tables(t: Table) -> None:
    rows = [r for r in t.rows if isinstance(r, SubjectRow)]
    coded = [r for r in rows if r.subject_code]
    total = next((r for r in rows if r.is_total), None)
    for col in amount_columns(t):
        for p in coded:
            kids = [r for r in coded if r.subject_code != p.subject_code and r.subject_code.startswith(p.subject_code)
                    and len(r.subject_code) == len(p.subject_code) + 2]
            if kids:
                assert v(p.amounts.get(col)) == sum(v(k.amounts.get(col)) for k in kids), (t.id, p.subject_code, col)
        if total is not None:
            lei = [r for r in coded if r.subject_level == SubjectLevel.lei]
            assert v(total.amounts.get(col)) == sum(v(r.amounts.get(col)) for r in lei), (t.id, col)


def check_row_identities(t: Table) -> None:
    cols = set(amount_columns(t))
    for r in t.rows:
        a = r.amounts
        if {Column.total, Column.basic_expenditure, Column.project_expenditure} <= cols and Column.total in a \
                and Column.basic_expenditure in a:
            assert v(a[Column.total]) == v(a[Column.basic_expenditure]) + v(a.get(Column.project_expenditure)), t.id
        if Column.personnel in a:
            assert v(a[Column.total]) == v(a[Column.personnel]) + v(a[Column.public_funds]), t.id
        sources = [c for c in (Column.general_public_budget, Column.government_fund, Column.state_capital,
                               Column.special_account, Column.unit_funds, Column.fiscal_appropriation,
                               Column.business_income, Column.operating_income, Column.other_income) if c in a]
        if len(sources) >= 2 and Column.total in a and t.table_type != TableType.fiscal_appropriation_summary:
            assert v(a[Column.total]) == sum(v(a[c]) for c in sources), (t.id, r.grid_row)
        if t.table_type == TableType.fiscal_appropriation_summary and getattr(r, "side", None) == "expenditure" \
                and Column.general_public_budget in a:
            parts = (Column.general_public_budget, Column.government_fund, Column.state_capital)
            assert v(a.get(Column.total)) == sum(v(a.get(c)) for c in parts), (t.id, r.grid_row)
        if Column.vehicle_total in a:
            assert v(a[Column.vehicle_total]) == v(a[Column.vehicle_purchase]) + v(a[Column.vehicle_operation])
            assert v(a[Column.total]) == v(a[Column.overseas_travel]) + v(a[Column.official_reception]) + \
                v(a[Column.vehicle_total])


def item(t: Table, label: str, side: str | None = None) -> ItemRow:
    return next(r for r in t.rows if isinstance(r, ItemRow) and r.label == label and (side is None or r.side == side))


def total_row(t: Table):
    return next(r for r in t.rows if getattr(r, "is_total", False) or getattr(r, "level", None) == "department")


def in_yuan(x: Decimal | None, unit: Unit | None) -> Decimal:
    return v(x) * (unit or Unit.yuan).in_yuan


def check_document_identities(doc: DisclosureDocument, style: str) -> None:
    T = Column.total
    for t in doc.tables:
        check_row_identities(t)
        if any(isinstance(r, SubjectRow) for r in t.rows):
            check_subject_tables(t)
        if any(isinstance(r, EconomicRow) for r in t.rows) and not t.is_empty:
            rows = [r for r in t.rows if isinstance(r, EconomicRow)]
            tot = next(r for r in rows if r.is_total)
            lei = [r for r in rows if r.economic_level == SubjectLevel.lei]
            for col in amount_columns(t):
                assert v(tot.amounts.get(col)) == sum(v(r.amounts.get(col)) for r in lei), (t.id, col)
        if t.table_type in (TableType.project_expenditure, TableType.project_expenditure_carryover) and t.rows:
            rows = [r for r in t.rows if isinstance(r, ProjectRow)]
            dept = rows[0]
            units = [r for r in rows if r.level == "unit"]
            for col in amount_columns(t):
                assert v(dept.amounts.get(col)) == sum(v(u.amounts.get(col)) for u in units)
            for i, u in enumerate(units):
                nxt = rows.index(units[i + 1]) if i + 1 < len(units) else len(rows)
                projs = rows[rows.index(u) + 1:nxt]
                for col in amount_columns(t):
                    assert v(u.amounts.get(col)) == sum(v(p.amounts.get(col)) for p in projs)

    tables = {t.table_type: t for t in doc.tables}
    exp = tables[TableType.expenditure_summary]
    exp_tot = total_row(exp)
    total = v(exp_tot.amounts[T])
    basic = v(exp_tot.amounts[Column.basic_expenditure])
    project = v(exp_tot.amounts[Column.project_expenditure])
    unit = exp.unit
    assert total == basic + project
    # 收入总计 = 支出总计, and the same total everywhere
    summary = tables.get(TableType.revenue_expenditure_summary) or tables[TableType.department_financial_summary]
    grand = {"shanxi": ("收入总计", "支出总计"), "jiangsu": ("收入合计", "支出合计"),
             "shanghai": ("收入总计", "支出总计")}[style]
    assert v(item(summary, grand[0], "revenue").amounts[T]) == v(item(summary, grand[1], "expenditure").amounts[T]) \
        == total
    rev = tables[TableType.revenue_summary]
    rev_tot = total_row(rev)
    carry = v(rev_tot.amounts.get(Column.carryover))
    if style == "jiangsu":
        assert v(rev_tot.amounts[T]) == total
    else:
        assert v(rev_tot.amounts[T]) + carry == total
    # 基本支出 = economic table 合计
    econ = tables[TableType.general_public_budget_basic_economic]
    econ_tot = next(r for r in econ.rows if isinstance(r, EconomicRow) and r.is_total)
    assert next(v(x) for x in econ_tot.amounts.values()) == basic
    if Column.personnel in econ_tot.amounts:
        public = v(econ_tot.amounts[Column.public_funds])
    else:
        public = sum(v(r.amounts.get(Column.basic_expenditure)) for r in econ.rows
                     if isinstance(r, EconomicRow) and r.economic_level == SubjectLevel.lei
                     and (r.economic_code or "").startswith(("302", "310")))
    # 一般公共预算 current-year expenditure = the 一般公共预算 income
    gpb = tables[TableType.general_public_budget_expenditure]
    gpb_tot = total_row(gpb)
    if style == "jiangsu":  # 公开07表 prints one 金额 column
        assert v(gpb_tot.amounts[T]) == v(item(summary, "1.一般公共预算", "revenue").amounts[T])
    else:
        assert v(gpb_tot.amounts[Column.basic_expenditure]) == basic
        assert v(gpb_tot.amounts[T]) == v(rev_tot.amounts[Column.general_public_budget] if style == "shanxi"
                                          else item(summary, "1. 一般公共预算资金", "revenue").amounts[T])
    # 项目支出 = project tables (Shanxi) and the cards
    cards = [c for c in doc.cards if c.card_type == CardType.project]
    assert 2 <= len(cards) <= 5
    if style == "shanxi":
        proj_tables = [t for t in doc.tables if t.table_type in (TableType.project_expenditure,
                                                                 TableType.project_expenditure_carryover)]
        assert sum(v(total_row(t).amounts[T]) for t in proj_tables if t.rows) == project
        ptab = tables[TableType.project_expenditure]
        by_name = {r.project_name: r for r in ptab.rows if isinstance(r, ProjectRow) and r.level == "project"}
        for c in cards:
            annual = c.fund("total").annual_amount
            assert annual == in_yuan(by_name[c.project_name].amounts[T], ptab.unit), c.project_name
    else:
        assert sum(in_yuan(c.fund("total").annual_amount, Unit.yuan) for c in cards) == in_yuan(project, unit)
    for c in cards:
        tot = c.fund("total")
        parts = [f for f in c.funds if f is not tot and not f.direction]
        assert tot.annual_amount == sum(v(f.annual_amount) for f in parts)
        assert tot.period_amount == sum(v(f.period_amount) for f in parts)
        assert tot.period_amount >= tot.annual_amount
    # department card = the tables
    dcard = next(c for c in doc.cards if c.card_type == CardType.department)
    dtot = next(f for f in dcard.funds if f.canonical == "total" and not f.direction)
    assert in_yuan(dtot.annual_amount, dcard.funds_unit) == in_yuan(total, unit)
    assert dtot.annual_amount == sum(v(f.annual_amount) for f in dcard.funds if not f.direction and f is not dtot)
    directions = {f.canonical: f.annual_amount for f in dcard.funds if f.direction}
    assert in_yuan(directions["basic_expenditure"], dcard.funds_unit) == in_yuan(basic, unit)
    assert in_yuan(directions["project_expenditure"], dcard.funds_unit) == in_yuan(project, unit)
    # 机关运行经费 = 公用经费 (administrative bodies) or nothing
    agency = next(t for t in doc.tables if t.table_type in (TableType.agency_operating_expenses,
                                                            TableType.three_public_and_agency_operating))
    if style == "shanghai":
        ao = v(agency.rows[0].amounts[Column.agency_operating])
    elif style == "jiangsu":
        ao = v(total_row(agency).amounts.get(Column.agency_operating)) if agency.rows else ZERO
    else:
        ao = v(total_row(agency).amounts[T])
    assert ao == 0 or in_yuan(ao, agency.unit) == in_yuan(public, unit)
    # narrative figures = the tables (万元, rounded half up where the tables print 元)
    figs = {f.text: f for s in doc.sections for f in s.figures}
    basic_fig = next(f for t_, f in figs.items() if t_.startswith("基本支出"))
    expected = (in_yuan(basic, unit) / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert basic_fig.value == expected or (expected == 0 and basic_fig.value == 0)
    for s in doc.sections:
        for f in s.figures:
            assert f.text in s.text


@pytest.mark.parametrize("style", STYLES)
def test_identities_hold_exactly(docs, style: str) -> None:
    for doc in docs[style]:
        check_document_identities(doc, style)


@pytest.mark.parametrize("style", STYLES)
def test_check_document_passes_every_applicable_rule(docs, style: str) -> None:
    passed: Counter[str] = Counter()
    for doc in docs[style]:
        for r in check_document(doc, tolerance=ZERO):
            assert r.status != "failed", (doc.producer, r.message)
            passed[r.rule_id] += r.status == "passed"
    assert sum(passed.values()) > 500
    for rule_id in RULES:
        if rule_id in NOT_APPLICABLE[style]:
            assert passed[rule_id] == 0, (rule_id, NOT_APPLICABLE[style][rule_id])
        else:
            assert passed[rule_id] > 0, rule_id


def test_ledger_is_exact_in_every_supported_unit() -> None:
    for unit in (Unit.yuan, Unit.thousand_yuan, Unit.ten_thousand_yuan):
        for style in STYLES:
            doc = random_document(5, style=style, unit=unit)
            assert doc.table(TableType.expenditure_summary).unit == unit
            check_document_identities(doc, style)


# --------------------------------------------------------------------------------------------------
# style features


def test_shanghai_splits_codes_into_lei_kuan_xiang(docs) -> None:
    for doc in docs["shanghai"][:5]:
        for tt in (TableType.revenue_summary, TableType.expenditure_summary, TableType.general_public_budget_expenditure):
            t = doc.table(tt)
            roles = [c.role for c in t.columns[:4]]
            assert roles == ["subject_code_lei", "subject_code_kuan", "subject_code_xiang", "subject_name"]
            head = next(c for c in t.cells if c.text == "功能分类科目编码")
            assert (head.col, head.col_span, head.column_header) == (0, 3, True)
            assert [c.text for c in t.cells if c.row == head.row_end and c.col < 3] == ["类", "款", "项"]
            for r in t.rows:
                if isinstance(r, SubjectRow) and r.subject_code:
                    code = r.subject_code
                    assert [_cell_text(t, r.grid_row, k) for k in range(3)] == [code[:3], code[3:5], code[5:7]]
            assert t.rows[-1].is_total  # 合计 at the bottom
        assert doc.table(TableType.three_public_and_agency_operating).unit == Unit.ten_thousand_yuan
        assert doc.table(TableType.expenditure_summary).unit == Unit.yuan


@pytest.mark.parametrize("style,n,label", [("shanxi", 13, "预算公开表"), ("jiangsu", 12, "公开"), ("shanghai", 9, None)])
def test_table_sets(docs, style: str, n: int, label: str | None) -> None:
    for doc in docs[style]:
        assert len(doc.tables) == n
        assert len({t.table_type for t in doc.tables}) == n
        assert len({t.id for t in doc.tables}) == n
        labels = [t.label for t in doc.tables if t.label]
        assert all(label and lab.startswith(label) for lab in labels) if label else not labels


def test_empty_tables_say_so(docs) -> None:
    seen_empty = 0
    for style in STYLES:
        for doc in docs[style]:
            for t in doc.tables:
                if t.is_empty:
                    seen_empty += 1
                    assert all(v(x) == 0 for r in t.rows for x in r.amounts.values())
                    if style == "shanxi":
                        assert t.notes == ["注：本表无数据"]
    assert seen_empty > 50
    shanxi = docs["shanxi"][0]
    assert shanxi.table(TableType.government_fund_revenue).is_empty
    assert shanxi.table(TableType.state_capital_operation).is_empty


def test_summary_table_lists_the_thirty_categories(docs) -> None:
    t = docs["shanxi"][0].table(TableType.revenue_expenditure_summary)
    labels = [r.label for r in t.rows if isinstance(r, ItemRow) and r.side == "expenditure"]
    assert labels[0] == "一、一般公共服务支出"
    assert "三十、抗疫特别国债安排的支出" in labels
    assert [c.text for c in t.cells if c.row == 0] == ["收入", "支出"]


def test_multi_level_headers(docs) -> None:
    t = docs["jiangsu"][0].table(TableType.three_public_expenses)
    assert t.header_rows == 3
    top = {c.text: c for c in t.cells if c.row == 0}
    assert top["“三公”经费"].col_span == 6 and top["合计"].row_span == 3
    car = next(c for c in t.cells if c.text == "公务用车购置及运行维护费")
    assert (car.row, car.col_span) == (1, 3)
    p = docs["shanxi"][0].table(TableType.project_expenditure)
    assert p.header_rows == 3 and [c.text for c in p.cells if c.row == 2][:3] == ["1", "2", "3"]


def test_indicators_are_parsed(docs) -> None:
    kinds = set()
    for style in STYLES:
        for doc in docs[style][:8]:
            for c in doc.cards:
                assert c.indicators
                for ind in c.indicators:
                    assert ind.parsed is not None and ind.parsed.raw == ind.value
                    kinds.add(ind.parsed.kind)
    assert {IndicatorValueKind.percent, IndicatorValueKind.number, IndicatorValueKind.date,
            IndicatorValueKind.text, IndicatorValueKind.empty} <= kinds


def test_texts_long_enough_to_wrap(docs) -> None:
    names = [r.subject_name for d in docs["shanxi"] for t in d.tables for r in t.rows if isinstance(r, SubjectRow)]
    projects = [c.project_name or "" for d in docs["shanxi"] for c in d.cards]
    overviews = [c.overview or "" for d in docs["shanxi"] for c in d.cards]
    assert max(map(len, names)) >= 16
    assert max(map(len, projects)) >= 18
    assert min(len(o) for o, c in zip(overviews, projects) if c) >= 60


def test_ledger_profile_is_consistent() -> None:
    prof, data = random_budget_data(9, style="shanxi")
    assert data.department == prof.department
    assert data.total == data.basic_total + data.project_total
    assert data.basic_total == sum(e.amount for e in data.economic)
    assert data.public_total + data.personnel_total == data.basic_total
