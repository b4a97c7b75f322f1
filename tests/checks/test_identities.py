"""Accounting identities on the seed truth: it passes; a changed digit fails the right rule and cell."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetdoc.checks import RULES, check_document, summarize
from budgetdoc.checks import identities as ids
from budgetdoc.model import Column
from budgetdoc.model.document import DisclosureDocument, ProjectRow, SubjectRow
from budgetdoc.model.io import load_document

TRUTH = Path(__file__).resolve().parents[2] / "datasets" / "seed" / "seed_truth.json"

#: Rules with nothing to check on the seed, and why (see the report in the module docstring).
SKIPPED_ON_SEED = {
    ids.THREE_PUBLIC_COLUMNS: "三公 items are rows here, not columns",
    ids.ITEMS_TOTAL: "三公 and 机关运行经费 tables are empty",
    ids.ITEMS_SUB: "三公 table is empty",
    ids.CARRYOVER_ITEMS: "上年财政拨款结转 and its breakdown are blank",
}


@pytest.fixture()
def doc() -> DisclosureDocument:
    return load_document(TRUTH)


def _failed(results):
    return [r for r in results if r.status == "failed"]


def _row(doc, tid, pred):
    t = next(t for t in doc.tables if t.id == tid)
    return t, next(r for r in t.rows if pred(r))


def test_seed_passes_every_applicable_identity(doc):
    results = check_document(doc)
    assert _failed(results) == []
    summary = summarize(results)
    assert set(summary) == set(RULES)
    for rule_id, counts in summary.items():
        if rule_id in SKIPPED_ON_SEED:
            assert counts["passed"] == 0, rule_id
        else:
            assert counts["passed"] > 0, (rule_id, SKIPPED_ON_SEED.get(rule_id))


def test_rounding_tail_is_within_tolerance(doc):
    # the seed's own 尾差: 人员经费 185.20 + 公用经费 14.95 = 200.15, printed 合计 200.14
    assert _failed(check_document(doc, tolerance=Decimal("0.01"))) == []
    strict = _failed(check_document(doc, tolerance=Decimal(0)))
    assert {r.rule_id for r in strict} == {ids.PERSONNEL_PUBLIC, ids.ECONOMIC_ITEMS, ids.ECONOMIC_GROUPS}
    assert all(r.cells[0].table_id == "t06" for r in strict)
    pp = next(r for r in strict if r.rule_id == ids.PERSONNEL_PUBLIC)
    assert (pp.expected, pp.found) == (Decimal("200.15"), Decimal("200.14"))


def test_changed_digit_in_a_subject_row_fails_the_right_rules(doc):
    _, row = _row(doc, "t03", lambda r: isinstance(r, SubjectRow) and r.subject_code == "2010399")
    row.amounts[Column.total] = Decimal("189.99")  # printed 189.09
    failed = _failed(check_document(doc))
    by_rule = {r.rule_id: r for r in failed}
    assert set(by_rule) == {ids.BASIC_PROJECT, ids.SUBJECT_CHILDREN, ids.CROSS_SUBJECTS}
    # the row's own identity names the changed cell first
    bp = by_rule[ids.BASIC_PROJECT]
    assert (bp.cells[0].table_id, bp.cells[0].row, bp.cells[0].col) == ("t03", row.grid_row, 2)
    assert (bp.expected, bp.found) == (Decimal("189.09"), Decimal("189.99"))
    # the parent 20103 no longer adds up; the changed child is among its cells
    _, parent = _row(doc, "t03", lambda r: isinstance(r, SubjectRow) and r.subject_code == "20103")
    sc = by_rule[ids.SUBJECT_CHILDREN]
    assert (sc.cells[0].table_id, sc.cells[0].row) == ("t03", parent.grid_row)
    assert any(c.table_id == "t03" and c.row == row.grid_row for c in sc.cells[1:])


def test_changed_digit_in_a_total_fails_cross_table_rules(doc):
    _, row = _row(doc, "t01", lambda r: r.side == "expenditure" and r.label == "本年支出合计")
    row.amounts[Column.total] = Decimal("389.28")
    failed = {r.rule_id for r in _failed(check_document(doc))}
    assert {ids.EXPENDITURE_ITEMS, ids.EXPENDITURE_GRAND, ids.CROSS_EXPENDITURE_TOTAL} <= failed


def test_changed_project_row_fails_card_and_tree(doc):
    _, row = _row(doc, "t12", lambda r: isinstance(r, ProjectRow) and r.project_name == "政府统一服务经费")
    row.amounts[Column.total] = Decimal("10.00")  # printed 100.00
    failed = _failed(check_document(doc))
    card = next(r for r in failed if r.rule_id == ids.CARD_PROJECT_VS_TABLE)
    assert card.cells[0].card_id == "c05" and (card.cells[1].table_id, card.cells[1].row) == ("t12", row.grid_row)
    assert (card.expected, card.found) == (Decimal("100000.0000"), Decimal(1000000))
    assert {r.rule_id for r in failed} >= {ids.PROJECT_CHILDREN, ids.SOURCES}


def test_economic_group_and_department_card(doc):
    _, row = _row(doc, "t06", lambda r: r.economic_name == "差旅费")
    row.amounts[Column.total] = Decimal("8.00")  # printed 3.00
    failed = _failed(check_document(doc))
    eco = next(r for r in failed if r.rule_id == ids.ECONOMIC_ITEMS)
    assert eco.cells[0].table_id == "t06" and any(c.row == row.grid_row for c in eco.cells)
    assert any(r.rule_id == ids.PERSONNEL_PUBLIC and r.cells[0].row == row.grid_row for r in failed)

    doc2 = load_document(TRUTH)
    basic = next(f for f in doc2.cards[0].funds if f.canonical == "basic_expenditure")
    basic.annual_amount = Decimal("200.41")
    failed = {r.rule_id for r in _failed(check_document(doc2))}
    assert failed == {ids.CARD_DEPT_DIRECTIONS, ids.CARD_DEPT_VS_TABLES}


def test_missing_tables_are_skipped_not_failed(doc):
    bare = doc.model_copy(update={"tables": [], "cards": []})
    results = check_document(bare)
    assert results and all(r.status == "skipped" for r in results)
    assert set(summarize(results)) == set(RULES)


def test_source_columns_follow_the_header_groups(doc):
    t = {t.id: t for t in doc.tables}
    assert ids.source_columns(t["t02"]) == (Column.total, [Column.general_public_budget, Column.government_fund,
                                                           Column.state_capital, Column.special_account,
                                                           Column.unit_funds])  # not 上年结转
    assert ids.source_columns(t["t01"], "expenditure") == (Column.total, [Column.current_year, Column.carryover])
    assert ids.source_columns(t["t12"])[1] == [Column.general_public_budget, Column.government_fund,
                                               Column.state_capital, Column.special_account, Column.unit_funds]
    assert ids.source_columns(t["t03"]) is None
