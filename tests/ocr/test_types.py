from __future__ import annotations

import pytest
from pydantic import ValidationError

from budgetdoc.ocr import OcrChar, OcrLine, OcrResult, PixelBox
from budgetdoc.ocr.types import join_texts, words_from_chars

QUAD = ((10.0, 20.0), (110.0, 20.0), (110.0, 50.0), (10.0, 50.0))


def test_box_is_filled_from_quad_and_shifts_with_it():
    line = OcrLine(text="x", quad=QUAD)
    assert line.box == PixelBox(l=10, t=20, r=110, b=50)
    moved = line.shifted(5, -20)
    assert moved.box == PixelBox(l=15, t=0, r=115, b=30)
    assert moved.quad[2] == (115.0, 30.0)


def test_pixel_box_to_points():
    bb = PixelBox(l=0, t=0, r=200, b=100).to_points(dpi=200)
    assert (bb.r, bb.b) == pytest.approx((72.0, 36.0))


def test_models_are_strict_and_frozen():
    with pytest.raises(ValidationError):
        OcrChar(char="1", scroe=0.5)
    with pytest.raises(ValidationError):
        OcrChar(char="12")
    c = OcrChar(char="1", score=0.9)
    with pytest.raises(ValidationError):
        c.score = 0.1


def test_words_split_at_spaces_and_script_changes():
    chars = [OcrChar(char=ch, score=1.0) for ch in "2026年预算 389.23"]
    words = words_from_chars(chars, QUAD)
    assert [w.text for w in words] == ["2026", "年预算", "389.23"]
    line = OcrLine(text="2026年预算 389.23", quad=QUAD, words=words)
    assert "".join(c.char for c in line.chars) == "2026年预算389.23"


def test_join_texts():
    assert join_texts(["国有资本经营", "预算"]) == "国有资本经营预算"
    assert join_texts(["Total", "expenditure", "", "12"]) == "Total expenditure 12"
    assert join_texts(["合计", "12.5"]) == "合计 12.5"


def test_result_json_round_trip():
    chars = [OcrChar(char="7", quad=QUAD, score=0.6, alternatives=(("7", 0.6), ("1", 0.35)))]
    line = OcrLine(text="7", quad=QUAD, confidence=0.6, words=words_from_chars(chars, QUAD))
    res = OcrResult(
        engine="rapidocr",
        engine_version="3.10.0",
        image_width=200,
        image_height=100,
        lines=(line,),
        timings={"total": 0.1},
    )
    again = OcrResult.model_validate_json(res.model_dump_json())
    assert again == res
    assert again.lines[0].chars[0].alternatives == (("7", 0.6), ("1", 0.35))
    assert again.text == "7"
