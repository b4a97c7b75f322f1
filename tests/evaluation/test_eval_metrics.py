"""The pure metric functions on hand-made grids: known answers, empty cases, pred/gt not swappable."""

from __future__ import annotations

from budgetdoc.evaluation.formats import grid_from_rows
from budgetdoc.evaluation.metrics import (
    align_grids,
    align_sequences,
    card_field_scores,
    cell_correct,
    cell_kind,
    cell_scores,
    indicator_differences,
    indicator_scores,
    match_tables,
    table_similarity,
    typed_row_scores,
)
from budgetdoc.evaluation.results import PRF
from budgetdoc.model.document import IndicatorRow, ItemRow, SubjectRow

GT = [["科目", "名称", "金额"], ["201", "一般公共服务支出", "1,234.50"], ["20101", "人大事务", ""],
      ["合计", "", "1,234.50"]]


def test_cell_kinds_and_rules():
    assert cell_kind("") == "empty" and cell_kind(" 12.0 ") == "numeric" and cell_kind("01") == "text"
    assert cell_correct(pred="1234.5", gt="1,234.50") and cell_correct(pred="１,２３４.５", gt="1234.50")
    assert not cell_correct(pred="1234.6", gt="1234.5") and not cell_correct(pred="", gt="0")
    assert cell_correct(pred="人大 事务", gt="人大事务") and not cell_correct(pred="人大事物", gt="人大事务")
    assert cell_correct(pred=" ", gt="") and not cell_correct(pred="0.00", gt="")


GTG = grid_from_rows(GT, header_rows=1)


def test_identical_grids_score_perfectly():
    s = cell_scores(pred=GT, gt=GTG)
    c = s.counts
    assert (c.numeric_total, c.text_total, c.empty_total) == (4, 6, 2)  # codes without a leading 0 are numbers
    assert c.numeric_accuracy == c.text_accuracy == c.empty_accuracy == 1.0 and c.cer == 0.0
    assert s.errors == [] and s.alignment.method == "positional"
    assert (s.rows_total, s.rows_correct) == (3, 3)


def test_one_wrong_digit_is_one_numeric_cell():
    pred = [r[:] for r in GT]
    pred[3][2] = "1,234.60"
    s = cell_scores(pred=pred, gt=GTG)
    assert s.counts.numeric_correct == s.counts.numeric_total - 1
    assert s.counts.text_correct == s.counts.text_total and s.counts.cer_edits == 1
    (e,) = s.errors
    assert (e.row, e.col, e.kind, e.truth, e.pred) == (3, 2, "numeric", "1,234.50", "1,234.60")
    assert (s.rows_total, s.rows_correct) == (3, 2)


def test_empty_cases():
    none = cell_scores(pred=None, gt=GT).counts
    assert none.numeric_correct == none.text_correct == 0 and none.empty_correct == none.empty_total == 2
    assert none.cer == 1.0
    empty_truth = cell_scores(pred=GT, gt=[]).counts
    assert empty_truth.cells == 0 and empty_truth.numeric_accuracy is None and empty_truth.cer is None
    assert table_similarity(pred=[], gt=[]) == 1.0 and table_similarity(pred=GT, gt=[["", ""]]) == 0.0
    assert match_tables(pred=[], gt=[GT]) == [] and match_tables(pred=[GT], gt=[]) == []
    assert PRF().f1 == 1.0 and PRF(n_gt=3).f1 == 0.0 and PRF(n_gt=3).precision == 1.0
    assert PRF(n_pred=2).recall == 1.0 and PRF(n_pred=2).precision == 0.0


def test_dropped_row_is_aligned_away():
    pred = [GT[0], GT[1], GT[3]]
    s = cell_scores(pred=pred, gt=GT)
    assert s.alignment.rows == (0, 1, None, 2) and s.alignment.method == "dp-rows"
    # only row 2's cells are lost: its code and name; its empty cell stays empty
    assert s.counts.text_correct == s.counts.text_total - 1
    assert s.counts.numeric_correct == s.counts.numeric_total - 1
    assert s.counts.empty_correct == s.counts.empty_total


def test_inserted_column_is_aligned_away_and_a_shifted_column_is_not():
    inserted = [[""] + r for r in GT]
    s = cell_scores(pred=inserted, gt=GT)
    assert s.alignment.cols == (1, 2, 3) and s.counts.numeric_accuracy == 1.0 and s.counts.text_accuracy == 1.0
    shifted = [[r[0], "", r[1]] for r in GT]  # names read into the amount column: same shape, positions kept
    s = cell_scores(pred=shifted, gt=GT)
    assert s.alignment.method == "positional"
    assert s.counts.numeric_correct == 2  # the codes in column 0
    assert s.counts.text_correct == s.counts.text_total - 4  # 名称, 金额 and two names moved right


def test_align_sequences_never_pairs_unrelated_items():
    from collections import Counter

    a = [Counter({"x": 1}), Counter({"y": 1})]
    b = [Counter({"z": 1}), Counter({"y": 1})]
    assert align_sequences(a, b) == (None, 1)
    assert align_sequences([], b) == ()


def test_swapping_pred_and_gt_changes_the_score():
    invented = [r[:] for r in GT]
    invented[2][2] = "5.00"  # text where the truth has none
    a, b = cell_scores(pred=invented, gt=GT).counts, cell_scores(pred=GT, gt=invented).counts
    assert a.empty_accuracy == 0.5 and a.numeric_accuracy == 1.0
    assert b.numeric_accuracy == 0.8 and b.empty_accuracy == 1.0
    gt = [IndicatorRow(level1="产出指标", level2="数量指标", level3="面积", value="9.84")]
    pred = gt + [IndicatorRow(level1="效益指标", level3="满意度", value="≥90%")]
    fwd, back = indicator_scores(pred=pred, gt=gt), indicator_scores(pred=gt, gt=pred)
    assert (fwd.precision, fwd.recall) == (0.5, 1.0) and (back.precision, back.recall) == (1.0, 0.5)
    m = match_tables(pred=[GT, [["其他", "9"]]], gt=[GT])
    assert [(x.gt, x.pred) for x in m] == [(0, 0)]


def test_typed_rows_compare_the_full_row_as_decimals():
    gt = [SubjectRow(grid_row=3, subject_code="2010101", subject_name="行政运行", amounts={"total": "10.50"}),
          ItemRow(grid_row=2, side="revenue", label="一、一般公共预算", amounts={"total": "389.23"})]
    same = [SubjectRow(grid_row=9, subject_code="2010101", subject_name="行政 运行", amounts={"total": "10.5"}),
            ItemRow(grid_row=2, side="revenue", label="一、一般公共预算", amounts={"total": "389.23"})]
    assert typed_row_scores(pred=same, gt=gt).recall == 1.0
    wrong = [same[0].model_copy(update={"subject_code": "2010102"}), same[1]]
    assert typed_row_scores(pred=wrong, gt=gt).tp == 1


def test_card_fields_count_only_what_the_truth_fills(truths):
    card = truths["seed-clean"].doc.cards[1]
    full = card_field_scores(pred=card, gt=card)
    assert full.total > 10 and full.correct == full.total and full.errors == []
    nothing = card_field_scores(pred=None, gt=card)
    assert nothing.correct == 0 and nothing.total == full.total
    changed = card.model_copy(update={"department_code": "609", "funds": card.funds[1:]})
    s = card_field_scores(pred=changed, gt=card)
    assert s.total - s.correct == 1 + 2  # the code, and the total line's two amounts
    assert ("department_code", "608", "609") in s.errors


def test_indicator_parsed_key_reads_the_parsed_value(truths):
    inds = truths["seed-clean"].doc.cards[1].indicators
    reworded = [i.model_copy(update={"value": i.value + " "}) for i in inds]
    assert indicator_scores(pred=reworded, gt=inds, parsed=True).f1 == 1.0
    unparsed = [i.model_copy(update={"parsed": None}) for i in inds]
    assert indicator_scores(pred=unparsed, gt=inds).f1 == 1.0
    assert indicator_scores(pred=unparsed, gt=inds, parsed=True).tp == 0


def test_align_grids_on_empty_prediction():
    al = align_grids(pred=[], gt=GT)
    assert al.rows == (None,) * 4 and al.cols == (None,) * 3


def test_indicator_differences_name_the_missed_and_invented_rows():
    gt = [IndicatorRow(level1="产出指标", level2="数量指标", level3="面积", value="9.84")]
    pred = [IndicatorRow(level1="产出指标", level2="数量指标", level3="面积", value="9.85")]
    assert indicator_differences(pred=pred, gt=gt) == (["产出指标/数量指标/面积 = 9.84"], ["产出指标/数量指标/面积 = 9.85"])
    assert indicator_differences(pred=gt, gt=gt) == ([], [])
