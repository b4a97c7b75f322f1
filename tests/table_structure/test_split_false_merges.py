"""Splitting cells a faded rule merged: two texts with a clear gap on a column line split; one
centred text, or text with specks beside it, stays one cell."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from budgetdoc.synth.fonts import NOTO_SERIF_SC, load_font
from budgetdoc.table_structure.grid import DetectedCell, DetectedTable
from budgetdoc.table_structure.split import split_false_merges

W, H = 600, 60
EDGES = [0.0, 300.0, 600.0]


def _table() -> DetectedTable:
    cell = DetectedCell(row=0, col=0, col_span=2, bbox_px=(0, 0, W, H), quad_px=((0, 0), (W, 0), (W, H), (0, H)))
    return DetectedTable(bbox_px=(0, 0, W, H), quad_px=((0, 0), (W, 0), (W, H), (0, H)), row_edges=[0.0, H],
                         col_edges=EDGES, cells=[cell])


def _page(texts: list[tuple[int, str]], specks: bool = False) -> np.ndarray:
    im = Image.new("L", (W, H), 255)
    d = ImageDraw.Draw(im)
    font = load_font(NOTO_SERIF_SC, 28)
    for x, t in texts:
        d.text((x, 14), t, fill=0, font=font)
    if specks:
        for x in (20, 40, 560, 580):
            d.rectangle((x, 30, x + 1, 31), fill=0)
    return np.asarray(im)


def test_two_amounts_either_side_of_a_faded_rule_are_two_cells():
    gray = _page([(180, "389.23"), (480, "389.23")])
    out = split_false_merges(_table(), gray, glyph_px=24)
    assert [(c.col, c.col_span) for c in out.cells] == [(0, 1), (1, 1)]
    assert out.cells[0].bbox_px == (0, 0, 300.0, H) and out.cells[1].bbox_px == (300.0, 0, W, H)


@pytest.mark.parametrize("texts, specks", [
    ([(240, "本年收入")], False),        # a centred header across the line
    ([(20, "合计")], True),              # text on one side, specks on the other
    ([(150, "一般公共服务支出合计")], False),  # one run of text crossing the line
])
def test_one_text_stays_one_merged_cell(texts, specks):
    out = split_false_merges(_table(), _page(texts, specks), glyph_px=24)
    assert [(c.col, c.col_span) for c in out.cells] == [(0, 2)]
