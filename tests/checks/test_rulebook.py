"""The rulebook: one record per rule, the within-table rules of each table type, skipped rules reported.

The per-type mapping must lose no check the functions make on the seed, the sample truths and
generated documents (each function run on every table, as before the rulebook), and ``docs/rules.md``
must be what the module generates.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from budgetdoc.checks import RULES, check_document, rule_catalogue
from budgetdoc.checks import identities as ids
from budgetdoc.checks import rules as rb
from budgetdoc.model.document import DisclosureDocument
from budgetdoc.model.io import load_document
from budgetdoc.model.vocab import TableType, Unit
from budgetdoc.synth.variants import STYLES, random_document

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "datasets" / "seed" / "seed_truth.json"
SAMPLES = sorted(p for p in (ROOT / "datasets" / "samples").glob("*/truth.json"))


def _documents() -> list[DisclosureDocument]:
    docs = [load_document(SEED), *(load_document(p) for p in SAMPLES)]
    for style in STYLES:
        docs += [random_document(s, style=style) for s in (0, 1, 8, 10)]
        docs.append(random_document(3, style=style, unit=Unit.yuan if style != "shanghai" else Unit.thousand_yuan))
    return docs


@pytest.fixture(scope="module")
def documents() -> list[DisclosureDocument]:
    return _documents()


def test_every_rule_has_one_record() -> None:
    assert tuple(r.id for r in rb.RULEBOOK) == RULES
    assert len(set(RULES)) == len(RULES) == 33
    for rule in rb.RULEBOOK:
        assert rule.family in rb.FAMILIES
        assert rule.description_zh and rule.description_en and rule.checks
        assert any("\u4e00" <= ch <= "\u9fff" for ch in rule.description_zh), rule.id
        assert rule.tolerance is None or rule.tolerance >= 0
    families = Counter(r.family for r in rb.RULEBOOK)
    assert families == {"within_table": 17, "across_tables": 10, "table_card": 5, "narrative": 1}


def test_every_table_type_has_its_rules() -> None:
    within = set(rb.WITHIN_TABLE_RULES)
    for table_type in TableType:
        got = rb.rules_for_table_type(table_type)
        assert got and set(got) <= within, table_type
    assert set(rb.rules_for_table_type(TableType.other)) == within
    assert set(rb.TABLE_TYPE_RULES[TableType.expenditure_summary]) >= {
        ids.SUBJECT_CHILDREN, ids.SUBJECT_TOP, ids.BASIC_PROJECT, ids.SOURCES}
    assert set(rb.TABLE_TYPE_RULES[TableType.general_public_budget_basic_economic]) >= {
        ids.ECONOMIC_ITEMS, ids.ECONOMIC_GROUPS, ids.PERSONNEL_PUBLIC}
    assert ids.BASIC_PROJECT not in rb.TABLE_TYPE_RULES[TableType.general_public_budget_basic_economic]
    assert ids.THREE_PUBLIC_COLUMNS in rb.TABLE_TYPE_RULES[TableType.three_public_expenses]
    assert {ids.REVENUE_ITEMS, ids.BALANCE} <= set(rb.TABLE_TYPE_RULES[TableType.revenue_expenditure_summary])


def _key(r) -> tuple:
    return (r.rule_id, r.status, tuple((c.table_id, c.row, c.col) for c in r.cells), r.expected, r.found)


def test_the_mapping_loses_no_check(documents) -> None:
    # every function on every table (the behaviour before the rulebook) against the rulebook
    for doc in documents:
        for table in doc.tables:
            before = Counter(_key(r) for f in ids.TABLE_RULES for r in f(table, ids.DEFAULT_TOLERANCE))
            now = Counter(_key(r) for r in rb.run_rules(doc, tables={table.id}, families=["within_table"]))
            assert not before - now, (doc.producer, table.id, table.table_type, before - now)


def test_an_unknown_table_type_gets_every_rule() -> None:
    doc = load_document(SEED)
    before = [_key(r) for r in rb.run_rules(doc, tables={"t03"}, families=["within_table"])]
    t03 = next(t for t in doc.tables if t.id == "t03")
    t03.table_type = TableType.other
    after = [_key(r) for r in rb.run_rules(doc, tables={"t03"}, families=["within_table"])]
    assert before and after == before


def test_rules_outside_a_type_are_not_run_on_it() -> None:
    doc = load_document(SEED)
    t06 = next(t for t in doc.tables if t.id == "t06")  # economic table: no 基本 + 项目 columns anyway
    t06.table_type = TableType.project_expenditure  # now the economic tree is not its business
    got = {r.rule_id for r in rb.run_rules(doc, tables={"t06"}, families=["within_table"])}
    assert ids.ECONOMIC_ITEMS not in got and ids.PERSONNEL_PUBLIC not in got


def test_check_document_runs_the_rulebook(documents) -> None:
    for doc in documents[:3]:
        assert [_key(r) for r in check_document(doc)] == [_key(r) for r in rb.run_rulebook(doc)]


def test_rules_with_nothing_to_check_are_reported_skipped() -> None:
    bare = load_document(SEED).model_copy(update={"tables": [], "cards": [], "sections": []})
    results = check_document(bare)
    assert {r.rule_id for r in results} == set(RULES) and all(r.status == "skipped" for r in results)
    rep = rb.report(results)
    assert rep["rules_applied"] == 0 and rep["rules_skipped"] == len(RULES) == len(rep["rules"])

    rep = rb.report(check_document(load_document(SEED)))
    assert rep["rules_applied"] + rep["rules_skipped"] == len(RULES)
    assert rep["rules_failed"] == 0 and "failed" not in rep["results"]
    skipped = {r for r, v in rep["rules"].items() if v["status"] == "skipped"}
    assert skipped == {ids.THREE_PUBLIC_COLUMNS, ids.ITEMS_TOTAL, ids.ITEMS_SUB, ids.CARRYOVER_ITEMS}
    assert rep["rules"][ids.NARRATIVE_FIGURES]["passed"] > 40
    assert sum(rep["families"]["within_table"].values()) == 17


def test_rule_evaluate_is_its_share_of_the_run() -> None:
    doc = load_document(SEED)
    full = check_document(doc)
    t03 = next(t for t in doc.tables if t.id == "t03")
    rule = rb.RULES_BY_ID[ids.BASIC_PROJECT]
    assert [_key(r) for r in rule.evaluate(t03)] == [_key(r) for r in full
                                                      if r.rule_id == ids.BASIC_PROJECT and r.cells[0].table_id == "t03"]
    narrative = rb.RULES_BY_ID[ids.NARRATIVE_FIGURES]
    assert [_key(r) for r in narrative.evaluate(doc)] == [_key(r) for r in full if r.rule_id == ids.NARRATIVE_FIGURES]


def test_a_rule_of_its_own_tolerance(monkeypatch) -> None:
    # the seed's 尾差: 人员经费 185.20 + 公用经费 14.95 = 200.15 printed 200.14 (fails at tolerance 0)
    doc = load_document(SEED)
    strict = {r.rule_id for r in check_document(doc, Decimal(0)) if r.status == "failed"}
    assert ids.PERSONNEL_PUBLIC in strict
    relaxed = dataclasses.replace(rb.RULES_BY_ID[ids.PERSONNEL_PUBLIC], tolerance=Decimal("0.01"))
    monkeypatch.setitem(rb.RULES_BY_ID, ids.PERSONNEL_PUBLIC, relaxed)
    now = [r for r in check_document(doc, Decimal(0)) if r.status == "failed"]
    assert ids.PERSONNEL_PUBLIC not in {r.rule_id for r in now}
    assert {r.rule_id for r in now} == strict - {ids.PERSONNEL_PUBLIC}  # the others still at the run's 0
    assert all(r.tolerance == Decimal("0.01") for r in relaxed.evaluate(next(t for t in doc.tables if t.id == "t06"),
                                                                         Decimal(0)) if r.status != "skipped")


def test_catalogue_and_docs_are_in_step() -> None:
    cat = rule_catalogue()
    assert [c["id"] for c in cat] == list(RULES)
    for c in cat:
        assert c["description_zh"] and c["description_en"] and c["family"] in rb.FAMILIES
        assert bool(c["table_types"]) == (c["family"] == "within_table")
    assert "expenditure_summary" in next(c for c in cat if c["id"] == ids.BASIC_PROJECT)["table_types"]
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert doc == rb.rules_markdown(), "regenerate: python -m budgetdoc.checks.rules > docs/rules.md"
    for rule in rb.RULEBOOK:
        assert f"`{rule.id}`" in doc
