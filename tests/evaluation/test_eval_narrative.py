"""Narrative figures in the evaluator: label normalisation, pairing, and the per-document and summary
scores (only where the truth has narrative sections)."""

from __future__ import annotations

from decimal import Decimal

from budgetdoc.evaluation.loading import Prediction
from budgetdoc.evaluation.narrative import (
    document_figures,
    figure_differences,
    figure_scores,
    figure_value_scores,
    labels_match,
    match_figures,
    normalize_label,
)
from budgetdoc.evaluation.report import render_markdown
from budgetdoc.evaluation.scoring import score_document, score_documents
from budgetdoc.model.document import StatedFigure


def _fig(label, kind="amount", value="389.23", unit="万元") -> StatedFigure:
    return StatedFigure(text="", label=label, kind=kind, value=Decimal(value), unit=unit)


def test_label_normalisation_and_matching():
    assert normalize_label("上年结转（收入）") == "上年结转" and normalize_label("科室数") == "科室"
    assert normalize_label("“三公”经费") == "三公经费"
    assert normalize_label("比上年增长") == normalize_label("比上年变动") == normalize_label(None) == ""
    assert labels_match("本年部门预算支出总计", "预算支出总计") and labels_match("科室", "内设科室")
    assert labels_match("预算收入总计", "比上年增长")  # a label naming no item matches any
    assert not labels_match("基本支出", "项目支出") and not labels_match("支", "基本支出")


def test_pairs_need_kind_value_unit_and_label():
    gt = [_fig("基本支出", value="200.14"), _fig("基本支出", kind="share", value="51.42", unit="%"),
          _fig("项目支出", value="189.09"), _fig("比上年增长", kind="change_amount", value="35.12")]
    pred = [_fig("基本支出", value="200.140"), _fig("基本支出", kind="share", value="51.42", unit="％"),
            _fig("基本支出", value="189.09"), _fig("预算收入总计", kind="change_amount", value="35.12"),
            _fig("住房保障支出", value="21.30")]
    assert match_figures(pred=pred, gt=gt) == [(0, 0), (1, 1), (3, 3)]
    s = figure_scores(pred=pred, gt=gt)
    assert (s.tp, s.n_pred, s.n_gt) == (3, 5, 4)
    assert figure_value_scores(pred=pred, gt=gt).tp == 4  # 项目支出's value is there, under the wrong label
    missed, invented = figure_differences(pred=pred, gt=gt)
    assert missed == ["项目支出: amount 189.09 万元"] and len(invented) == 2


def test_documents_are_scored_on_figures_only_where_the_truth_has_sections(truths):
    seed = truths["seed-clean"]
    figs = document_figures(seed.doc)
    assert len(figs) == 89
    same = score_document(seed, Prediction.from_document(seed.id, seed.doc), with_grits=False)
    assert same.figures.f1 == 1.0 and same.figure_values.f1 == 1.0 and not same.missed_figures
    bare = seed.doc.model_copy(update={"sections": []})
    none = score_document(seed, Prediction.from_document(seed.id, bare), with_grits=False)
    assert (none.figures.tp, none.figures.n_pred, none.figures.n_gt, none.figures.recall) == (0, 0, 89, 0.0)
    assert len(none.missed_figures) == 50  # capped
    real = truths["real-jiangsu-gaoyuan-2018-p014-clean"]
    assert not real.doc.sections
    other = score_document(real, Prediction.from_document(real.id, seed.doc), with_grits=False)
    assert other.figures is None  # no narrative truth: the prediction's figures are not counted against it
    result = score_documents([seed, real], {seed.id: Prediction.from_document(seed.id, bare),
                                            real.id: Prediction.from_document(real.id, real.doc)}, with_grits=False)
    s = result.summary
    assert (s.figure_recall, s.figure_precision, s.figure_f1) == (0.0, 1.0, 0.0) and s.figures.n_gt == 89
    text = render_markdown(result)
    assert "narrative figure F1" in text and "## Narrative figures missed and invented" in text
