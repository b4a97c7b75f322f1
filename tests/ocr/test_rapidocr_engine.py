"""RapidOCR on real pixels of datasets/samples/seed-clean page 5 (2026年预算收入总表).

Expected strings come from the page's labels (labels/page-005.json), not from a previous run.
"""

from __future__ import annotations

import numpy as np
import pytest
from ocr_helpers import TOP_TEXTS, rf

from budgetdoc.ocr import PixelBox, crop_box
from budgetdoc.ocr.cells import read_cells


def cell_crops(page, labels, positions, inset=rf.CELL_INSET):
    by_pos = {(c["row"], c["col"]): c for c in labels["cells"]}
    cells = [by_pos[p] for p in positions]
    return cells, [crop_box(page, PixelBox(**dict(zip("ltrb", c["bbox_px"]))), inset=inset) for c in cells]


def test_recognize_crops_reads_ten_number_cells_exactly(rapid_engine, clean_page, clean_labels):
    cells, crops = cell_crops(clean_page, clean_labels, rf.NUMBER_CELLS)
    truth = [c["text"] for c in cells]
    assert truth[:2] == ["389.23", "326.40"]
    lines = rapid_engine.recognize_crops(crops)
    assert [ln.text for ln in lines] == truth
    for line, crop in zip(lines, crops):
        assert line.box == PixelBox(l=0, t=0, r=crop.shape[1], b=crop.shape[0])
        assert len(line.words) == 1
        for ch in line.chars:
            assert ch.alternatives is not None and ch.alternatives[0][0] == ch.char
            assert 0 < sum(p for _, p in ch.alternatives) <= 1.0 + 1e-6
            assert ch.score > 0.9


def test_read_cells_trims_splits_and_joins(rapid_engine, clean_page, clean_labels):
    """Header cells (tall, wrapped over two lines), codes, names, numbers and blank cells."""
    positions = [(c["row"], c["col"]) for c in clean_labels["cells"] if c["row"] <= 3]
    cells, crops = cell_crops(clean_page, clean_labels, positions)
    wrapped = {c["text"] for c in cells} & {"国有资本经营预算", "财政专户管理资金"}
    assert wrapped and any(c["text"] == "" for c in cells)
    readings = read_cells(rapid_engine, crops)
    assert [r.text for r in readings] == [c["text"] for c in cells]
    two_line = next(r for r, c in zip(readings, cells) if c["text"] == "国有资本经营预算")
    assert len(two_line.lines) == 2 and two_line.lines[0].box.b <= two_line.lines[1].box.t


def test_recognize_page_on_a_region(rapid_engine, clean_page, clean_labels):
    l, t, r, b = rf.CLEAN_REGION
    res = rapid_engine.recognize_page(clean_page[t:b, l:r])
    assert [ln.text for ln in res.lines] == TOP_TEXTS
    assert (res.image_width, res.image_height) == (r - l, b - t)
    assert res.models and all("@" in m for m in res.models)
    # the first 389.23 sits where the labels put the text of cell (2, 2)
    cell = next(c for c in clean_labels["cells"] if (c["row"], c["col"]) == (2, 2))
    x0, y0, x1, y1 = cell["bbox_px"]
    line = next(ln for ln in res.lines if ln.text == "389.23")
    cx, cy = line.box.shifted(l, t).center
    assert x0 < cx < x1 and y0 < cy < y1


def test_blank_and_empty_inputs(rapid_engine):
    white = np.full((60, 200, 3), 255, np.uint8)
    lines = rapid_engine.recognize_crops([white, white[:0, :0], np.full((40, 40), 255, np.uint8)])
    assert [ln.text for ln in lines] == ["", "", ""]
    assert rapid_engine.recognize_page(white[:, :60]).lines == ()
    assert rapid_engine.recognize_crops([]) == []


def test_grey_input_reads_like_bgr(rapid_engine, clean_page, clean_labels):
    _, crops = cell_crops(clean_page, clean_labels, rf.NUMBER_CELLS[:2])
    grey = [c[:, :, 0].copy() for c in crops]
    assert [ln.text for ln in rapid_engine.recognize_crops(grey)] == ["389.23", "326.40"]


def test_rejects_non_images(rapid_engine):
    with pytest.raises(TypeError):
        rapid_engine.recognize_page(np.zeros((10, 10), np.float32))
