"""Repair: a misread digit the identities single out is put back; nothing else is ever changed."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetdoc.checks.confidence import amount_refs, assign_confidence, review_list
from budgetdoc.checks.identities import _ref, check_document
from budgetdoc.checks.readings import CONFUSIONS, candidate_readings, well_formed
from budgetdoc.checks.repair import repair_document
from budgetdoc.checks.values import cell_key, read_cell, write_cell
from budgetdoc.checks.verify import verify_document
from budgetdoc.model import Column
from budgetdoc.model.document import CharCandidate, CharReading, DisclosureDocument, Provenance
from budgetdoc.model.io import load_document
from budgetdoc.parsing.amounts import format_amount, parse_amount
from budgetdoc.synth.variants import random_document

TRUTH = Path(__file__).resolve().parents[2] / "datasets" / "seed" / "seed_truth.json"


@pytest.fixture()
def seed() -> DisclosureDocument:
    return load_document(TRUTH)


def _values(doc: DisclosureDocument) -> dict:
    return {cell_key(r): read_cell(doc, r).value for r in amount_refs(doc)}


def _t05_basic(doc: DisclosureDocument):
    t = next(t for t in doc.tables if t.id == "t05")
    row = next(r for r in t.rows if r.subject_code == "2010350")
    return _ref(t, row, Column.basic_expenditure)


def test_a_confused_digit_is_repaired_and_recorded(seed):
    truth = _values(seed)
    ref = _t05_basic(seed)
    assert read_cell(seed, ref).text == "137.31"
    write_cell(seed, ref, "187.31", Provenance(page=9, raw_text="187.31", confidence=0.8, source="ocr"))
    report = repair_document(seed)
    assert report.failed_before > 0 and report.failed_after == 0
    [rep] = report.repairs
    assert (rep.original, rep.repaired) == ("187.31", "137.31")
    assert cell_key(rep.cell) == cell_key(ref) and rep.cell.page == 9
    assert set(rep.rule_ids) == {"subject.children_sum_to_parent", "row.total_eq_basic_plus_project"}
    assert "8→3" in rep.evidence
    cell = read_cell(seed, ref)
    assert cell.value == Decimal("137.31") and cell.provenance.source == "repair"
    assert cell.provenance.raw_text == "187.31"  # the OCR's reading is kept
    assert _values(seed) == truth  # the typed amount and the grid text both hold the repair, nothing else moved
    t05 = next(t for t in seed.tables if t.id == "t05")
    assert t05.cell_at(ref.row, ref.col).text == "137.31"


def test_the_ocr_alternatives_decide_what_priors_cannot(seed):
    # c02's 实施期 funds: 合计 550000 = 市县(区)财政资金 550000. Misread the source line as 520000
    # (5 → 2: no known confusion): the total could as well be the wrong one, so nothing is changed;
    # when the recogniser itself offered "5" at 0.3 beside its "2", the source line is repaired.
    from budgetdoc.model.document import CellRef

    ref = CellRef(card_id="c02", field="funds[3].period_amount")
    assert read_cell(seed, ref).text == "550000"
    bad = "520000"
    chars = [CharReading(char=ch, score=0.6 if k == 1 else 0.99,
                         alternatives=[CharCandidate(char="5", score=0.3)] if k == 1 else [])
             for k, ch in enumerate(bad)]
    for given_chars, repaired in ((None, False), (chars, True)):
        doc = load_document(TRUTH)
        write_cell(doc, ref, bad, Provenance(raw_text=bad, confidence=0.6, source="ocr", chars=given_chars))
        report = repair_document(doc)
        assert report.failed_before == 1
        assert bool(report.repairs) is repaired, report.repairs
        if repaired:
            assert report.repairs[0].repaired == "550000" and report.failed_after == 0
            assert report.repairs[0].rule_ids == ["card.project_sources_sum"]


def test_an_ambiguous_failure_is_flagged_not_guessed(seed):
    # c03's 实施期 合计 297200 against its one source line 297200: misread the total as 287200 and
    # either cell could be the wrong one (9 ↔ 8 both ways), so neither is changed
    from budgetdoc.model.document import CellRef

    ref = CellRef(card_id="c03", field="funds[0].period_amount")
    assert read_cell(seed, ref).text == "297200"
    write_cell(seed, ref, "287200", Provenance(raw_text="287200", confidence=0.9, source="ocr"))
    report = verify_document(seed)
    assert report.failed_after == report.failed_before == 1 and report.repairs == []
    assert read_cell(seed, ref).text == "287200"
    assert read_cell(seed, ref).provenance.check_status == "contradicted"
    first = seed.review[0]
    assert first.reason == "contradicted" and first.cell.card_id == "c03"


def test_confidence_and_review_list(seed):
    ref = _t05_basic(seed)
    write_cell(seed, ref, "187.31", Provenance(raw_text="187.31", confidence=0.8, source="ocr"))
    t01 = next(t for t in seed.tables if t.id == "t01")
    other = next(r for r in amount_refs(seed) if r.table_id == "t01")
    cell = read_cell(seed, other)
    write_cell(seed, other, cell.text, Provenance(raw_text=cell.text, confidence=0.7, source="ocr"))
    verify_document(seed)
    assert read_cell(seed, ref).provenance.check_status == "repaired"
    confirmed = read_cell(seed, other).provenance
    assert confirmed.check_status == "confirmed" and confirmed.verified_confidence == pytest.approx(0.97)
    assert [it.reason for it in seed.review] == ["repaired"]
    assert t01.id == "t01"


def test_unchecked_low_confidence_cells_are_listed(seed):
    doc = seed
    for t in doc.tables:  # no identity can run without typed rows: every amount is unchecked
        t.rows = []
    assign_confidence(doc, check_document(doc))
    assert review_list(doc) == []


@pytest.mark.parametrize("style", ["shanxi", "jiangsu", "shanghai"])
def test_injected_misreadings_are_repaired_or_left_never_miscorrected(style):
    """Misread digits (confusions, any digit, a lost point, a dropped digit) injected one at a time
    into a generated document: a repair is always the true value, and no other value changes."""
    base = random_document(11, style=style)
    truth = _values(base)
    refs = [r for r in amount_refs(base) if (c := read_cell(base, r)) and c.value and c.text]
    rng = random.Random(5)
    repaired = detected = 0
    for ref in rng.sample(refs, 12):
        doc = base.model_copy(deep=True)
        text = read_cell(doc, ref).text
        i = rng.choice([k for k, ch in enumerate(text) if ch.isdigit()])
        swap = CONFUSIONS.get(text[i]) or "0123456789".replace(text[i], "")
        bad = text[:i] + rng.choice(swap) + text[i + 1:]
        write_cell(doc, ref, bad)
        report = repair_document(doc)
        detected += report.failed_before > 0
        after = _values(doc)
        for r in report.repairs:
            assert cell_key(r.cell) == cell_key(ref), r  # only the misread cell
        changed = {k for k in truth if after[k] != truth[k]}
        assert changed <= {cell_key(ref)}
        if report.repairs:
            repaired += 1
            assert not changed and report.failed_after == 0
    assert detected >= 8 and repaired >= detected // 3, (detected, repaired)


@settings(max_examples=150, deadline=None)
@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal(99999999), places=2))
def test_candidate_readings_are_other_amounts_cheapest_first(value):
    text = format_amount(value, thousands=bool(value.to_integral_value() % 2))
    out = candidate_readings(text)
    assert all(r.value != parse_amount(text) for r in out)
    assert all(r.text == "" or parse_amount(r.text) == r.value for r in out)
    assert [r.cost for r in out] == sorted(r.cost for r in out)
    assert all(r.text == "" or (r.text.split(".")[1:] and len(r.text.split(".")[1]) == 2) for r in out)
    for k, ch in enumerate(text):  # every known confusion of every digit is among them
        for alt in CONFUSIONS.get(ch, ""):
            swapped = text[:k] + alt + text[k + 1:]
            if well_formed(swapped, 2) and parse_amount(swapped) != value:
                assert swapped in {r.text for r in out}, swapped


def test_malformed_readings_and_leading_zeros():
    assert not well_formed("3.8.6", 2) and not well_formed("14.334", None) and not well_formed("07.31", 2)
    assert not well_formed("1,23", 2) and not well_formed("137.3", 2) and well_formed("1,234.56", 2)
    assert "0,000.00" not in {r.text for r in candidate_readings("9,000.00")}


def test_lost_decimal_point_and_speck():
    assert "137.31" in {r.text for r in candidate_readings("13731")}
    assert [r.text for r in candidate_readings("7")] == [""]
    assert candidate_readings("7", places=0)[0].text == ""
