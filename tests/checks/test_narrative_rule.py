"""The narrative rule: figures stated in the text = the table cells they were written from.

The seed truth and every generated document pass it with many checked figures; a changed digit in a
figure fails it naming that figure; a changed table cell fails it naming the cell; figures no table
answers (unknown labels, changes on last year, counts) are skipped, never failed.
"""

from __future__ import annotations

import glob
import re
from decimal import Decimal
from pathlib import Path

import pytest

from budgetdoc.checks import check_document
from budgetdoc.checks import identities as ids
from budgetdoc.checks.identities import NARRATIVE_FIGURES, check_narrative, narrative_scope
from budgetdoc.model.document import CellRef, DisclosureDocument, StatedFigure, SubjectRow
from budgetdoc.model.io import load_document
from budgetdoc.model.vocab import Column, TableType, Unit
from budgetdoc.synth.variants import STYLES, random_document

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "datasets" / "seed" / "seed_truth.json"
ZERO = Decimal(0)


def _figure(doc: DisclosureDocument, section: str, label: str | None, kind: str = "amount", nth: int = 0):
    """(i, j, figure) of the ``nth`` figure of ``kind`` labelled ``label`` in the section whose heading
    contains ``section``."""
    hits = [(i, j, f) for i, s in enumerate(doc.sections) if section in s.heading
            for j, f in enumerate(s.figures) if f.label == label and f.kind == kind]
    return hits[nth]


def _result(results, i: int, j: int):
    field = f"sections[{i}].figures[{j}]"
    return next(r for r in results if r.rule_id == NARRATIVE_FIGURES and r.cells and r.cells[0].field == field)


def _stated(doc: DisclosureDocument, field: str) -> StatedFigure:
    i, j = map(int, re.fullmatch(r"sections\[(\d+)\]\.figures\[(\d+)\]", field).groups())
    return doc.sections[i].figures[j]


def _by_status(results) -> dict[str, int]:
    out = {"passed": 0, "failed": 0, "skipped": 0}
    for r in results:
        out[r.status] += 1
    return out


@pytest.fixture()
def seed() -> DisclosureDocument:
    return load_document(SEED)


def test_seed_figures_match_the_tables(seed) -> None:
    for tol in (ZERO, Decimal("0.01"), Decimal("0.02")):
        counts = _by_status(check_narrative(seed, tol))
        assert counts["failed"] == 0 and counts["passed"] >= 45, (tol, counts)
    results = check_narrative(seed)
    assert sum(len(s.figures) for s in seed.sections) == 89 == len(results)
    i, j, _ = _figure(seed, "支出预算情况说明", "基本支出", "share")
    share = _result(results, i, j)
    assert (share.status, share.expected, share.found) == ("passed", Decimal("51.42"), Decimal("51.42"))
    assert [(c.table_id, c.row, c.col) for c in share.cells[1:]] == [("t03", 2, 3), ("t03", 2, 2)]
    i, j, _ = _figure(seed, "一般公共预算基本支出", "人员经费")
    assert [(c.table_id, c.col) for c in _result(results, i, j).cells[1:]] == [("t06", 3)]
    # the seed's own slip: "一般公共预算支出326.40万元" for 一般公共服务支出 is a label no table states
    i, j, _ = _figure(seed, "一般公共预算支出情况说明", "一般公共预算支出")
    assert _result(results, i, j).status == "skipped"


def _documents() -> list[tuple[str, DisclosureDocument]]:
    docs = [(Path(p).parent.name, load_document(p)) for p in sorted(glob.glob(str(ROOT / "datasets/samples/*/truth.json")))]
    for style in STYLES:
        docs += [(f"{style}-{s}", random_document(s, style=style)) for s in (0, 8, 10, 31)]
        docs += [(f"{style}-{u.value}", random_document(5, style=style, unit=u))
                 for u in (Unit.yuan, Unit.thousand_yuan, Unit.ten_thousand_yuan)]
    return docs


def test_every_sample_and_generated_document_passes() -> None:
    passed = 0
    for name, doc in _documents():
        for tol in (ZERO, Decimal("0.02")):
            results = check_narrative(doc, tol)
            assert not [r.message for r in results if r.status == "failed"], (name, tol)
        if name.startswith(STYLES):  # full documents: most money figures are checked
            counts = _by_status(results)
            assert counts["passed"] >= 30, (name, counts)
        passed += _by_status(results)["passed"]
    assert passed > 1000


def test_a_changed_digit_in_a_figure_fails_naming_it(seed) -> None:
    for section, label, kind, new in (("支出预算情况说明", "基本支出", "amount", "200.74"),
                                      ("支出预算情况说明", "基本支出", "share", "51.47"),
                                      ("财政拨款收支预算总体", "一般公共服务支出", "amount", "326.48"),
                                      ("一般公共预算支出情况说明", "卫生健康支出", "share", "3.95"),
                                      ("收入预算情况说明", "单位资金", "amount", "1"),
                                      ("部门预算收支数据变动", "预算收入总计", "amount", "384.23")):
        doc = load_document(SEED)
        i, j, fig = _figure(doc, section, label, kind)
        old = fig.value
        fig.value = Decimal(new)
        failed = [r for r in check_document(doc) if r.status == "failed"]
        assert {r.rule_id for r in failed} == {NARRATIVE_FIGURES}, (label, kind)
        assert [r.cells[0] for r in failed] == [CellRef(field=f"sections[{i}].figures[{j}]")], (label, kind)
        assert failed[0].found == Decimal(new) and failed[0].expected is not None, (label, kind)
        assert old != fig.value


def test_a_changed_table_cell_fails_the_figures_read_from_it(seed) -> None:
    t05 = next(t for t in seed.tables if t.id == "t05")
    row = next(r for r in t05.rows if isinstance(r, SubjectRow) and r.subject_code == "221")  # 住房保障支出 21.30
    row.amounts[Column.total] = Decimal("27.30")
    failed = [r for r in check_narrative(seed) if r.status == "failed"]
    ref = (t05.id, row.grid_row, ids.col_index(t05, Column.total))
    assert len(failed) == 2  # the amount and its share
    assert all(ref in [(c.table_id, c.row, c.col) for c in r.cells] for r in failed)
    assert {r.cells[0].field for r in failed} == {f"sections[{i}].figures[{j}]" for i, j in
                                                  ((6, 10), (6, 11))}


def test_tables_in_yuan_admit_the_narratives_rounding() -> None:
    doc = random_document(0, style="shanghai")  # tables in 元, text in 万元 to 0.01
    i, j, fig = _figure(doc, "支出预算情况说明", "基本支出")
    t03 = doc.table(TableType.expenditure_summary)
    exact = next(r for r in t03.rows if getattr(r, "is_total", False)).amounts[Column.basic_expenditure]
    assert abs(fig.value - exact / 10000) <= Decimal("0.005") and fig.value != exact / 10000
    r = _result(check_narrative(doc, ZERO), i, j)
    assert r.status == "passed" and r.tolerance == Decimal("0.005")
    assert r.terms == [fig.value, exact / 10000]  # compared in 万元: linear, for the repair search
    for delta, tol, status in ((Decimal("0.01"), ZERO, "failed"), (Decimal("0.02"), Decimal("0.02"), "passed"),
                               (Decimal("0.03"), Decimal("0.02"), "failed")):
        fig.value += delta
        assert _result(check_narrative(doc, tol), i, j).status == status, (delta, tol)
        fig.value -= delta
    # a 万元 table compares exactly at tolerance 0: no rounding added
    doc = random_document(0, style="shanxi")
    i, j, fig = _figure(doc, "支出预算情况说明", "基本支出")
    assert _result(check_narrative(doc, ZERO), i, j).tolerance == ZERO


def test_carryover_and_fiscal_sources() -> None:
    doc = random_document(8, style="shanxi")  # 34.79 万元 carried over, all 一般公共预算
    results = check_narrative(doc, ZERO)
    i, j, fig = _figure(doc, "部门预算收支数据变动", "上年结转")
    r = _result(results, i, j)
    assert fig.value == Decimal("34.79") and r.status == "passed"
    summary = doc.table(TableType.revenue_expenditure_summary)
    line = next(x for x in summary.rows if getattr(x, "label", "") == "上年结转")
    assert (r.cells[1].table_id, r.cells[1].row) == (summary.id, line.grid_row)
    # 财政拨款收支总预算's 一般公共预算拨款 includes its 结转: the 支出总计 line's 一般公共预算 column
    i, j, fig = _figure(doc, "财政拨款收支预算总体", "一般公共预算拨款")
    r = _result(results, i, j)
    assert fig.value == Decimal("3989.88") and r.status == "passed"
    # 一般公共预算 categories: the table "（不含上年结转）" and the text agree on this year's money
    i, j, fig = _figure(doc, "一般公共预算支出情况说明", "医疗卫生与计划生育支出")
    assert _result(results, i, j).status == "passed" and fig.value == Decimal("3092.55")
    i, j, fig = _figure(doc, "财政拨款收支预算总体", "医疗卫生与计划生育支出")
    assert _result(results, i, j).status == "passed" and fig.value == Decimal("3127.34")


def test_jiangsu_personnel_from_the_economic_groups() -> None:
    doc = random_document(0, style="jiangsu")  # its economic tables print one amount column
    results = check_narrative(doc, ZERO)
    i, j, _ = _figure(doc, "一般公共预算基本支出", "人员经费")
    r = _result(results, i, j)
    assert r.status == "passed" and len(r.cells) == 3  # 301 工资福利支出 + 303 对个人和家庭的补助
    i, j, _ = _figure(doc, "三公", "因公出国（境）费")
    assert _result(results, i, j).status == "passed"  # the 三公 table's column


def test_unknown_labels_and_other_kinds_are_skipped_not_failed(seed) -> None:
    seed.sections[4].figures.append(StatedFigure(text="某某经费9.99万元", label="某某经费", kind="amount",
                                                 value=Decimal("9.99"), unit="万元"))
    seed.sections[4].figures.append(StatedFigure(text="占9%", label=None, kind="share", value=Decimal(9), unit="%"))
    results = check_narrative(seed)
    assert all(r.status != "failed" for r in results)
    assert _result(results, 4, 5).status == "skipped" and "某某经费" in _result(results, 4, 5).message
    assert _result(results, 4, 6).status == "skipped"
    kinds = {_stated(seed, r.cells[0].field).kind for r in results if r.status == "skipped"}
    assert {"count", "change_amount", "change_percent"} <= kinds
    bare = seed.model_copy(update={"sections": []})
    assert [r.status for r in check_narrative(bare)] == ["skipped"]


@pytest.mark.parametrize("heading,scope", [
    ("一、部门预算收支数据变动情况及原因", "department"), ("一、收支预算总体情况说明", "department"),
    ("二、收入预算情况说明", "revenue"), ("三、支出预算情况说明", "expenditure"),
    ("四、财政拨款收支预算总体情况说明", "fiscal"), ("五、一般公共预算支出情况说明", "gpb"),
    ("六、一般公共预算基本支出情况说明", "gpb_basic"), ("七、“三公”经费增减变动原因说明", "department"),
    ("九、政府采购情况", "department"), ("十、绩效管理情况", "department"),
])
def test_section_scope(heading: str, scope: str) -> None:
    assert narrative_scope(heading) == scope
