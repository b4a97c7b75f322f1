"""read_cells with a stand-in engine: what it sends to the engine and how it reassembles."""

from __future__ import annotations

import numpy as np

from budgetdoc.ocr import OcrLine
from budgetdoc.ocr.cells import read_cells


class RecordingEngine:
    name = "fake"
    version = "0"

    def __init__(self, texts):
        self.texts = list(texts)
        self.calls = []

    def recognize_page(self, image):  # pragma: no cover - not used
        raise NotImplementedError

    def recognize_crops(self, crops):
        self.calls.append([c.shape for c in crops])
        out = []
        for c in crops:
            h, w = c.shape[:2]
            out.append(OcrLine(text=self.texts.pop(0), quad=((0, 0), (w, 0), (w, h), (0, h)), confidence=0.9))
        return out


def cell(h=100, w=200, bands=()):
    img = np.full((h, w, 3), 255, np.uint8)
    for t, b in bands:
        img[t:b, 20:150] = 0
    return img


def test_one_batched_call_for_all_bands_of_all_cells():
    engine = RecordingEngine(["国有资本经营", "预算", "12.50"])
    crops = [cell(bands=[(20, 40), (60, 80)]), cell(), cell(bands=[(40, 60)])]
    readings = read_cells(engine, crops)
    assert len(engine.calls) == 1 and len(engine.calls[0]) == 3
    assert [r.text for r in readings] == ["国有资本经营预算", "", "12.50"]
    # lines come back in the cell crop's pixels (the band was cut at y = 20 - 5)
    assert readings[0].lines[0].box.t == 15 and readings[0].lines[1].box.t == 55


def test_split_lines_off_sends_the_whole_ink_once():
    engine = RecordingEngine(["a b"])
    readings = read_cells(engine, [cell(bands=[(20, 40), (60, 80)])], split_lines=False)
    assert engine.calls == [[(90, 160, 3)]]  # ink 60×130 plus 15 px (a quarter of its height)
    assert readings[0].text == "a b"


def test_blank_cells_never_reach_the_engine():
    engine = RecordingEngine([])
    assert [r.text for r in read_cells(engine, [cell(), cell()[:0]])] == ["", ""]
    assert engine.calls == []
