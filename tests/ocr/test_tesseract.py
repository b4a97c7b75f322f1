"""Tesseract: TSV conversion always; a live run only where the binary and chi_sim are installed."""

from __future__ import annotations

import numpy as np
import pytest
from ocr_helpers import DATA, rf

from budgetdoc.ocr import PixelBox, TesseractOptions, available_engines, build_engine, crop_box
from budgetdoc.ocr.tesseract_backend import tsv_to_lines


def test_tsv_converts_to_lines_and_words():
    # Hand-written in Tesseract's TSV layout (no tesseract binary here to record a real run).
    tsv = (DATA / "tesseract_handmade.tsv").read_text(encoding="utf-8")
    lines = tsv_to_lines(tsv)
    assert [ln.text for ln in lines] == ["部门名称：晋城经济技术开发区", "合计 389.23"]
    second = lines[1]
    assert [w.text for w in second.words] == ["合计", "389.23"]
    assert second.box == PixelBox(l=10, t=100, r=260, b=130)
    assert second.words[1].confidence == pytest.approx(0.9112)
    assert all(c.box is None and c.alternatives is None for c in second.chars)
    assert [ln.text for ln in tsv_to_lines(tsv, min_confidence=95)] == [
        "部门名称：晋城经济技术开发区",
        "合计",
    ]


def test_tsv_rejects_other_text():
    with pytest.raises(ValueError):
        tsv_to_lines("a\tb\n1\t2\n")
    assert tsv_to_lines("") == []


@pytest.mark.skipif(
    available_engines()["tesseract"] is None,
    reason="tesseract with chi_sim not installed (Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim)",
)
def test_tesseract_reads_number_cells(clean_page, clean_labels):
    engine = build_engine(TesseractOptions())
    by_pos = {(c["row"], c["col"]): c for c in clean_labels["cells"]}
    cells = [by_pos[p] for p in rf.NUMBER_CELLS[:4]]
    crops = [
        crop_box(clean_page, PixelBox(**dict(zip("ltrb", c["bbox_px"]))), inset=rf.CELL_INSET) for c in cells
    ]
    lines = engine.recognize_crops(crops)
    assert [ln.text.replace(" ", "") for ln in lines] == [c["text"] for c in cells]
    assert engine.recognize_crops([np.zeros((0, 0, 3), np.uint8)])[0].text == ""
