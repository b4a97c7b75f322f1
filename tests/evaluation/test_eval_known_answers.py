"""Known answers on real sample truths: self-score, and damage that moves each metric as expected."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import SAMPLES

from budgetdoc.evaluation.damage import (
    drop_row,
    fill_empty,
    numeric_body_cells,
    shift_column,
    split_table,
    write_csv_prediction,
    write_html_prediction,
    wrong_digit,
)
from budgetdoc.evaluation.loading import Prediction, find_prediction
from budgetdoc.evaluation.metrics import cell_kind
from budgetdoc.evaluation.scoring import evaluate, score_document, score_documents, summarise
from budgetdoc.evaluation.text import fold_text
from budgetdoc.model.document import Table, TableCell
from budgetdoc.model.io import document_to_json


def _score(truth, doc, **kw):
    return score_document(truth, Prediction.from_document(truth.id, doc), **kw)


def _table(res, table_id):
    return next(t for t in res.tables if t.id == table_id)


def test_one_wrong_digit_costs_exactly_one_numeric_cell(truths):
    truth = truths["seed-clean"]
    base = _table(_score(truth, truth.doc, with_grits=False), "t02").cells
    res = _score(truth, wrong_digit(truth.doc, 1, 0), with_grits=False)
    t02 = _table(res, "t02")
    assert t02.cells.numeric_correct == base.numeric_total - 1
    assert (t02.cells.text_correct, t02.cells.empty_correct) == (base.text_total, base.empty_total)
    assert t02.cells.cer_edits == 1
    assert (t02.row_mode, t02.rows_total - t02.rows_correct) == ("typed", 1)  # the typed row carries it too
    assert t02.teds < 1.0 and t02.teds_struct == 1.0
    s = summarise([res])
    assert s.cells.numeric_total - s.cells.numeric_correct == 1
    assert s.table_recall == s.table_precision == s.title_accuracy == s.card_field_accuracy == 1.0
    (e,) = res.worst_cells
    cell = truth.doc.tables[1].cells[numeric_body_cells(truth.doc.tables[1])[0]]
    assert (e.table, e.row, e.col, e.truth, e.page) == ("t02", cell.row, cell.col, cell.text, cell.provenance.page)
    assert e.bbox == (cell.provenance.bbox.l, cell.provenance.bbox.t, cell.provenance.bbox.r, cell.provenance.bbox.b)


def test_a_dropped_row_costs_its_cells_and_its_typed_rows(truths):
    truth = truths["synth-0001-shanxi-clean"]
    i = next(k for k, t in enumerate(truth.doc.tables) if t.id == "t04")
    table = truth.doc.tables[i]
    r0 = table.header_rows
    lost = [cell_kind(c.text) for c in table.cells if c.row == r0]
    typed_lost = sum(r.grid_row == r0 for r in table.rows)
    assert lost.count("numeric") and typed_lost
    res = _table(_score(truth, drop_row(truth.doc, i)), "t04")
    c = res.cells
    assert c.numeric_total - c.numeric_correct == lost.count("numeric")
    assert c.text_total - c.text_correct == lost.count("text")
    assert c.empty_correct == c.empty_total  # a dropped row invents nothing
    assert res.alignment == "dp-rows" and res.matched
    assert (res.row_mode, res.rows_total - res.rows_correct) == ("typed", typed_lost)
    assert res.teds < 1.0 and res.teds_struct < 1.0


def test_a_shifted_column_costs_both_columns_and_keeps_the_structure(truths):
    truth = truths["real-shanghai-putuo-shegongbu-2024-p008-clean"]
    table = truth.doc.tables[0]
    g = table.grid
    expected = {"numeric": 0, "text": 0, "empty": 0}
    rows_hit = set()
    for r in range(table.header_rows, table.num_rows):
        old4, old5 = g[r][4], g[r][5]
        if fold_text(old4):  # column 4 loses its text
            expected[cell_kind(old4)] += 1
            rows_hit.add(r)
        if fold_text(old4) != fold_text(old5):  # column 5 now reads column 4's text
            expected[cell_kind(old5)] += 1
            rows_hit.add(r)
    assert expected["numeric"] and expected["empty"]
    res = _table(_score(truth, shift_column(truth.doc, 0, 4)), "t01")
    c = res.cells
    assert (c.numeric_total - c.numeric_correct, c.text_total - c.text_correct,
            c.empty_total - c.empty_correct) == (expected["numeric"], expected["text"], expected["empty"])
    assert res.alignment == "positional" and res.teds_struct == 1.0 and res.teds < 1.0
    assert (res.row_mode, res.rows_total - res.rows_correct) == ("grid", len(rows_hit))  # real pages: grid rows


def test_invented_text_in_an_empty_cell_is_caught(truths):
    truth = truths["synth-0006-jiangsu-poor-scan"]
    res = _table(_score(truth, fill_empty(truth.doc, 0, 0)), truth.doc.tables[0].id)
    assert res.cells.empty_total - res.cells.empty_correct == 1
    assert res.cells.numeric_correct == res.cells.numeric_total


def test_a_split_cross_page_table_is_one_truth_table_and_one_false_positive(truths):
    truth = truths["seed-clean"]
    table = truth.doc.tables[0]
    assert len(table.pages) == 2
    at = min(c.row for c in table.cells if c.provenance.page == table.pages[1])
    res = _score(truth, split_table(truth.doc, 0))
    s = summarise([res])
    n = len(truth.doc.tables)
    assert s.table_recall == 1.0 and s.table_precision == n / (n + 1)
    assert res.false_positive_tables == ["t01b: paired with no truth table"]
    t01 = _table(res, "t01")
    assert t01.pred_id == "t01a"  # the bigger piece (page 3)
    lost = [cell_kind(c.text) for c in table.cells if c.row >= at]
    assert t01.cells.numeric_total - t01.cells.numeric_correct == lost.count("numeric")
    assert t01.cells.text_total - t01.cells.text_correct == lost.count("text")
    assert t01.rows_total - t01.rows_correct == sum(r.grid_row >= at for r in table.rows)
    assert 0 < t01.teds < 1 and all(t.teds == 1.0 for t in res.tables if t.id != "t01")


def test_a_missing_document_counts_all_its_truth_as_missed_and_no_false_positive(truths):
    ids = ["seed-clean", "synth-0002-shanxi-office-scan", "real-jiangsu-gaoyuan-2017-p013-office-scan"]
    docs = [truths[i] for i in ids]
    preds = {d.id: Prediction.from_document(d.id, d.doc) for d in docs[:2]}
    result = score_documents(docs, preds)
    s = result.summary
    gone = docs[2].doc.tables
    n_tables = sum(len(d.doc.tables) for d in docs)
    assert s.missing_predictions == 1 and s.documents == 3
    assert result.problems[0].document == ids[2] and result.problems[0].status == "missing"
    assert s.table_recall == (n_tables - len(gone)) / n_tables and s.table_precision == 1.0
    numeric = sum(cell_kind(c.text) == "numeric" for t in gone for c in t.cells)
    assert s.cells.numeric_total - s.cells.numeric_correct == numeric
    assert s.teds == pytest.approx((n_tables - len(gone)) / n_tables)
    assert s.card_field_accuracy == 1.0  # the missing document has no cards


@pytest.mark.parametrize("sample", ["synth-0001-shanxi-clean", "synth-0007-shanghai-clean",
                                    "real-jiangsu-gaoyuan-2018-p014-clean"])
def test_html_and_csv_predictions_score_the_same_as_the_same_content_in_json(truths, tmp_path, sample):
    truth = truths[sample]
    longest = max(range(len(truth.doc.tables)), key=lambda i: truth.doc.tables[i].num_rows)
    damaged = drop_row(wrong_digit(truth.doc, 0, 0), longest)
    (tmp_path / "json" / sample).mkdir(parents=True)
    (tmp_path / "json" / sample / "prediction.json").write_text(document_to_json(damaged), encoding="utf-8")
    write_html_prediction(damaged, tmp_path / "html" / sample)
    write_csv_prediction(damaged, tmp_path / "csv" / sample)
    res = {f: score_document(truth, find_prediction(tmp_path / f, sample)) for f in ("json", "html", "csv")}
    assert [res[f].pred_format for f in res] == ["json", "html", "csv"]
    grid_keys = ("matched", "cells", "teds", "teds_struct", "grits_con", "title_correct")
    for a, b in zip(res["json"].tables, res["html"].tables):
        assert {k: getattr(a, k) for k in grid_keys} == {k: getattr(b, k) for k in grid_keys}
    for a, c in zip(res["json"].tables, res["csv"].tables):
        assert (a.matched, a.cells) == (c.matched, c.cells)
        assert c.title_correct is None and c.type_correct is None and c.row_mode == "n/a"
    assert not res["html"].rows_applicable and res["html"].cards == []
    # the CSV's content as our JSON (no spans, no header rows) scores as the CSV does, structure included
    flat = damaged.model_copy(deep=True)
    flat.tables = [Table.model_validate(t.model_dump(exclude={"grid", "header"}) | {
        "cells": [TableCell(text=x, row=r, col=k).model_dump() for r, row in enumerate(e.grid.grid)
                  for k, x in enumerate(row)], "header_rows": 0})
        for t, e in zip(damaged.tables, find_prediction(tmp_path / "csv", sample).tables)]
    as_json = _score(truth, flat)
    for a, c in zip(as_json.tables, res["csv"].tables):
        assert (a.cells, a.teds, a.teds_struct, a.grits_con) == (c.cells, c.teds, c.teds_struct, c.grits_con)


def test_committed_sample_html_scores_as_the_truth(truths, tmp_path):
    sample = "seed-poor-scan"
    for f in sorted((SAMPLES / sample / "tables").glob("t*.html")):
        (tmp_path / sample).mkdir(exist_ok=True)
        shutil.copy(f, tmp_path / sample / f.name)
    res = score_document(truths[sample], find_prediction(tmp_path, sample))
    s = summarise([res])
    assert res.pred_format == "html" and s.title_accuracy is None and s.row_accuracy is None
    for key in ("numeric_cell_accuracy", "text_cell_accuracy", "empty_cell_accuracy", "table_recall",
                "table_precision", "teds", "teds_struct", "grits_con"):
        assert getattr(s, key) == 1.0, key
    assert s.indicator_f1 is None and s.card_field_accuracy is None


def test_card_forms_printed_as_tables_are_not_false_positives(truths, tmp_path):
    sample = "seed-clean"
    (tmp_path / sample).mkdir()
    for f in sorted((SAMPLES / sample / "tables").glob("*.html")):  # t01..t13 and the card forms c01..c06
        shutil.copy(f, tmp_path / sample / f.name)
    res = score_document(truths[sample], find_prediction(tmp_path, sample))
    assert len(res.card_form_tables) == 6 and res.false_positive_tables == []
    assert summarise([res]).table_precision == 1.0


def test_unreadable_predictions_are_counted_with_their_reason(truths, tmp_path):
    ids = ["real-jiangsu-gaoyuan-2017-p011-clean", "real-jiangsu-gaoyuan-2017-p013-office-scan",
           "real-jiangsu-gaoyuan-2017-p016-poor-scan", "real-jiangsu-gaoyuan-2017-p018-clean",
           "real-jiangsu-gaoyuan-2018-p009-office-scan", "real-jiangsu-gaoyuan-2018-p011-poor-scan"]
    truth_dir = tmp_path / "truth"
    for i in ids:
        (truth_dir / i).mkdir(parents=True)
        for name in ("truth.json", "meta.json"):
            shutil.copy(SAMPLES / i / name, truth_dir / i / name)
    pred = tmp_path / "pred"
    pred.mkdir()
    (pred / f"{ids[0]}.json").write_text("{not json", encoding="utf-8")
    data = json.loads((SAMPLES / ids[1] / "truth.json").read_text(encoding="utf-8"))
    data["tables"][0]["cells"][0]["row"] = 999
    (pred / f"{ids[1]}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (pred / f"{ids[2]}.html").write_text("<p>no table</p>", encoding="utf-8")
    (pred / ids[3]).mkdir()
    (pred / ids[3] / "t01.csv").write_text('a,"b\n', encoding="utf-8")
    (pred / f"{ids[4]}.html").write_bytes(b"<table><tr><td>\xff\xfe</td></tr></table>")
    (pred / ids[5]).mkdir()  # a folder with nothing in it
    result = evaluate(truth_dir, pred)
    reasons = {p.document: (p.status, p.reason) for p in result.problems}
    assert reasons[ids[0]][0] == "unreadable" and "not JSON" in reasons[ids[0]][1]
    assert reasons[ids[1]][0] == "unreadable" and "not a valid budgetdoc document" in reasons[ids[1]][1]
    assert reasons[ids[2]][0] == "unreadable" and "no <table>" in reasons[ids[2]][1]
    assert reasons[ids[3]][0] == "unreadable" and "malformed CSV" in reasons[ids[3]][1]
    assert reasons[ids[4]][0] == "unreadable" and "decode" in reasons[ids[4]][1]
    assert reasons[ids[5]] == ("missing", f"{pred / ids[5]} has no truth.json, prediction.json, *.html or *.csv")
    s = result.summary
    assert (s.unreadable_predictions, s.missing_predictions, s.scored_documents) == (5, 1, 0)
    assert s.table_recall == 0.0 and s.table_precision is None
    with pytest.raises(ValueError, match="unreadable"):
        evaluate(truth_dir, pred, stop_on_error=True)


def test_truth_as_plain_document_files(truths, tmp_path):
    for i in ("seed-clean", "real-jiangsu-gaoyuan-2017-p011-clean"):
        shutil.copy(SAMPLES / i / "truth.json", tmp_path / f"{i}.json")
    (tmp_path / "broken.json").write_text("[]", encoding="utf-8")
    result = evaluate(tmp_path, SAMPLES)
    assert result.summary.documents == 2 and result.summary.teds == 1.0
    assert [p.status for p in result.problems] == ["truth_unreadable"]
    assert {d.preset for d in result.per_document} == {None}
    assert {d.dpi for d in result.per_document} == {200.0}  # from the pages' dpi
