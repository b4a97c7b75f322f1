"""The cell-box metric: IoU matching, precision vs recall, page spans, quarter turns undone."""

from __future__ import annotations

import pytest
from table_structure_helpers import SAMPLES

from budgetdoc.model.labels import CellLabel
from budgetdoc.table_structure.pipeline import detect_tables
from budgetdoc.table_structure.score import PageScore, iou, load_page, match_cells, page_spans, score_cells


def _cell(row: int, col: int, box: tuple[float, float, float, float], rs: int = 1, cs: int = 1,
          table: str = "t1") -> CellLabel:
    quad = [(box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3])]
    return CellLabel(table_id=table, row=row, col=col, row_span=rs, col_span=cs, bbox_pt=box, bbox_px=box,
                     quad_px=quad)


def test_iou() -> None:
    assert iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert iou((0, 0, 10, 10), (5, 0, 15, 10)) == pytest.approx(50 / 150)
    assert iou((0, 0, 1, 1), (2, 2, 3, 3)) == 0.0
    assert iou((0, 0, 0, 0), (0, 0, 0, 0)) == 0.0


def test_match_one_to_one_best_first() -> None:
    gt = [(0, 0, 10, 10), (10, 0, 20, 10)]
    pred = [(0, 0, 10, 10), (0.5, 0, 10, 10), (10, 0, 20, 10)]
    m = match_cells(pred=pred, gt=gt, iou_min=0.7)
    assert {(x.pred, x.gt) for x in m} == {(0, 0), (2, 1)}
    assert match_cells(pred=[], gt=gt) == []


def test_extra_prediction_costs_precision_not_recall() -> None:
    gt = [_cell(0, 0, (0, 0, 10, 10)), _cell(0, 1, (10, 0, 20, 10))]
    pred = [((0, 0, 10, 10), 1, 1), ((10, 0, 20, 10), 1, 1), ((30, 0, 40, 10), 1, 1)]
    s = score_cells(pred=pred, gt=gt)
    assert (s.precision, s.recall) == (pytest.approx(2 / 3), 1.0)
    s2 = score_cells(pred=pred[:1], gt=gt)  # a missed cell: the other way round
    assert (s2.precision, s2.recall) == (1.0, 0.5)
    assert s2.missed == [("t1", 0, 1)]


def test_span_agreement() -> None:
    gt = [_cell(0, 0, (0, 0, 20, 10), cs=2), _cell(1, 0, (0, 10, 10, 20)), _cell(1, 1, (10, 10, 20, 20))]
    ok = score_cells(pred=[((0, 0, 20, 10), 1, 2), ((0, 10, 10, 20), 1, 1), ((10, 10, 20, 20), 1, 1)], gt=gt)
    bad = score_cells(pred=[((0, 0, 20, 10), 1, 1), ((0, 10, 10, 20), 1, 1), ((10, 10, 20, 20), 1, 1)], gt=gt)
    assert ok.span_accuracy == 1.0 and bad.span_accuracy == pytest.approx(2 / 3)


def test_empty_cases() -> None:
    assert PageScore().f1 == 1.0 and PageScore().span_accuracy == 1.0
    assert PageScore(n_pred=3).precision == 0.0 and PageScore(n_gt=3).recall == 0.0
    total = PageScore(n_pred=2, n_gt=2, matched=2, spans_ok=2) + PageScore(n_pred=1, n_gt=2, matched=1, spans_ok=0)
    assert (total.precision, total.recall, total.span_accuracy) == (1.0, 0.75, pytest.approx(2 / 3))


def test_page_spans_recount_on_the_page() -> None:
    """A card continued on the next page: its whole-grid columns 3..5 are split only there."""
    cells = [
        _cell(0, 0, (0, 0, 10, 10), cs=2), _cell(0, 2, (10, 0, 40, 10), cs=4),  # cols 2..5 one cell here
        _cell(1, 0, (0, 10, 5, 20)), _cell(1, 1, (5, 10, 10, 20)), _cell(1, 2, (10, 10, 40, 20), cs=4),
        _cell(2, 0, (0, 20, 10, 30), rs=5, cs=2),  # runs on into the next page: cut at 30
    ]
    assert page_spans(cells) == [(1, 2), (1, 1), (1, 1), (1, 1), (1, 1), (1, 2)]


def test_quarter_turn_undone() -> None:
    """A poor-scan page delivered turned 270°: image and label boxes are turned back together."""
    path = SAMPLES / "seed-poor-scan/labels/page-013.json"
    if not path.exists():
        pytest.skip("sample set not present")
    img, lab = load_page(path)
    assert lab.transform.rotation == 270
    assert img.shape[1] > img.shape[0]  # a landscape table page, upright again
    assert all(0 <= c.bbox_px[0] < c.bbox_px[2] <= img.shape[1] and 0 <= c.bbox_px[1] < c.bbox_px[3] <= img.shape[0]
               for c in lab.cells)
    tables = detect_tables(img, dpi=lab.dpi)
    s = score_cells(pred=[(c.bbox_px, c.row_span, c.col_span) for t in tables for c in t.cells], gt=lab.cells)
    assert s.f1 >= 0.9
