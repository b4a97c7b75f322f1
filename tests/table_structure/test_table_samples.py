"""The whole labelled sample set: detected cells against the labels, per preset (slow, ~40 s).

Every page with labelled table/card cells is read (pages turned 90/180/270° are turned back with
their label transform first), its ruled tables detected, and the cells scored by
:mod:`budgetdoc.table_structure.score`: cell-box F1 at IoU ≥ 0.7 and exact span agreement (spans
recounted over the grid lines the page shows). The floors sit a little under what the
implementation measured when they were set (in brackets), so a regression fails:

==============  =================  ==================  ===================
preset          cell F1 (overall)  span agreement      worst page F1
==============  =================  ==================  ===================
clean           ≥ 0.995 (1.000)    ≥ 0.995 (1.000)     ≥ 0.97 (1.000)
office-scan     ≥ 0.99  (1.000)    ≥ 0.99  (1.000)     ≥ 0.97 (1.000)
poor-scan       ≥ 0.94  (0.968)    ≥ 0.97  (0.984)     (reported only)
==============  =================  ==================  ===================

On 24 further generated documents (439 pages, ``budgetdoc synth --variants 24 --seed 5000 --preset
mixed``, not tuned on) the same code measured F1 0.9999 / 1.000 / 0.988 and span agreement
0.998 / 1.000 / 0.994 (clean / office-scan / poor-scan).

The same pass checks text assignment on real pixels (clean and office-scan): each labelled cell's
text box (from the labels) must land in the detected cell matched to it, and two neighbouring
cells' one-line texts merged into one OCR box must come apart at the border again when the page
image is given (char positions unknown).

Regenerate the figures with ``.venv/bin/python -m budgetdoc.table_structure.score datasets/samples -v``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from table_structure_helpers import SAMPLES

from budgetdoc.model.geometry import BoundingBox
from budgetdoc.model.labels import PageLabels
from budgetdoc.table_structure.assign import TextBox, assign_text
from budgetdoc.table_structure.grid import DetectedCell, DetectedTable
from budgetdoc.table_structure.pipeline import detect_tables
from budgetdoc.table_structure.score import (
    PageScore,
    load_page,
    match_cells,
    sample_pages,
    score_cells,
    summarize,
)

pytestmark = pytest.mark.slow


@dataclass
class SetResult:
    scores: dict[str, list[PageScore]] = field(default_factory=dict)
    label_boxes: list[int] = field(default_factory=lambda: [0, 0])  # [right cell, total]
    merged_pairs: list[int] = field(default_factory=lambda: [0, 0])


def _text_box(lab: PageLabels, box_pt: tuple[float, float, float, float], text: str) -> TextBox:
    bb = lab.transform.pixel_bbox(BoundingBox(l=box_pt[0], t=box_pt[1], r=box_pt[2], b=box_pt[3]))
    return TextBox(text=text, box_px=bb)


def _check_assignment(res: SetResult, img, lab: PageLabels, tables: list[DetectedTable]) -> None:
    cells: list[tuple[DetectedTable, DetectedCell]] = [(t, c) for t in tables for c in t.cells]
    matches = match_cells(pred=[c.bbox_px for _, c in cells], gt=[g.bbox_px for g in lab.cells])
    g2p = {m.gt: m.pred for m in matches}
    one_line: dict[int, TextBox] = {}
    for j, g in enumerate(lab.cells):
        if not g.text or g.text_bbox_pt is None or j not in g2p:
            continue
        box = _text_box(lab, g.text_bbox_pt, g.text)
        t, c = cells[g2p[j]]
        res.label_boxes[1] += 1
        res.label_boxes[0] += assign_text(t, [box]).texts().get((c.row, c.col)) == g.text
        if "\n" not in g.text and box.box_px[3] - box.box_px[1] <= 14 * lab.dpi / 72:
            one_line[j] = box
    for j, box in one_line.items():
        g = lab.cells[j]
        nxt = next((k for k in one_line if (lab.cells[k].table_id, lab.cells[k].card_id, lab.cells[k].row)
                    == (g.table_id, g.card_id, g.row) and lab.cells[k].col == g.col + g.col_span
                    and lab.cells[k].row_span == g.row_span == 1), None)
        if nxt is None:
            continue
        b2 = one_line[nxt]
        if abs((box.box_px[1] + box.box_px[3]) / 2 - (b2.box_px[1] + b2.box_px[3]) / 2) > 4 or b2.box_px[2] <= box.box_px[0]:
            continue
        merged = TextBox(text=box.text + b2.text, box_px=(box.box_px[0], min(box.box_px[1], b2.box_px[1]),
                                                          b2.box_px[2], max(box.box_px[3], b2.box_px[3])))
        (t, c), (t2, c2) = cells[g2p[j]], cells[g2p[nxt]]
        if t is not t2:
            continue
        got = assign_text(t, [merged], image=img).texts()
        res.merged_pairs[1] += 1
        res.merged_pairs[0] += got.get((c.row, c.col)) == box.text and got.get((c2.row, c2.col)) == b2.text


@pytest.fixture(scope="module")
def results() -> SetResult:
    if not SAMPLES.exists():
        pytest.skip("sample set not present")
    res = SetResult()
    for f in sample_pages(SAMPLES):
        img, lab = load_page(f)
        tables = detect_tables(img, dpi=lab.dpi)
        pred = [(c.bbox_px, c.row_span, c.col_span) for t in tables for c in t.cells]
        s = score_cells(pred=pred, gt=lab.cells, name=f"{f.parent.parent.name}/{f.stem}", preset=lab.preset)
        res.scores.setdefault(lab.preset or "?", []).append(s)
        if lab.preset in ("clean", "office-scan"):
            _check_assignment(res, img, lab, tables)
    for preset, scores in sorted(res.scores.items()):
        print(preset, summarize(scores))
    print("label text boxes in their cell", res.label_boxes, "merged pairs split", res.merged_pairs)
    return res


def _worst(scores: list[PageScore]) -> str:
    return ", ".join(f"{s.name} F1 {s.f1:.3f} spans {s.span_accuracy:.3f}"
                     for s in sorted(scores, key=lambda s: (s.f1, s.span_accuracy))[:3])


def test_page_counts(results: SetResult) -> None:
    """The committed set: 48 clean, 31 office-scan, 48 poor-scan pages with labelled cells."""
    assert {k: len(v) for k, v in results.scores.items()} == {"clean": 48, "office-scan": 31, "poor-scan": 48}


@pytest.mark.parametrize(("preset", "f1", "spans", "worst"),
                         [("clean", 0.995, 0.995, 0.97), ("office-scan", 0.99, 0.99, 0.97), ("poor-scan", 0.94, 0.97, 0.0)])
def test_cell_f1_and_spans(results: SetResult, preset: str, f1: float, spans: float, worst: float) -> None:
    scores = results.scores[preset]
    tot = sum(scores[1:], scores[0])
    assert tot.f1 >= f1, _worst(scores)
    assert tot.span_accuracy >= spans, _worst(scores)
    assert min(s.f1 for s in scores) >= worst, _worst(scores)


def test_label_text_boxes_land_in_their_cells(results: SetResult) -> None:
    ok, total = results.label_boxes
    assert total > 3000 and ok / total >= 0.995


def test_merged_boxes_split_at_borders(results: SetResult) -> None:
    ok, total = results.merged_pairs
    assert total > 1000 and ok / total >= 0.95
