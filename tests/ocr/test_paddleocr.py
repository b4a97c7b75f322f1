"""PaddleOCR: conversion of its documented result layout; the engine itself is untested here
(no paddleocr, no weights)."""

from __future__ import annotations

import pytest

from budgetdoc.ocr.paddleocr_backend import paddle_page_to_lines


def test_predict_result_converts_to_lines():
    # Hand-written in the layout of PaddleOCR 3.x OCR.predict() results.
    res = {
        "rec_texts": ["合计", "389.23", ""],
        "rec_scores": [0.99, 0.42, 0.0],
        "rec_polys": [
            [[10, 10], [60, 10], [60, 40], [10, 40]],
            [[100, 10], [180, 12], [180, 42], [100, 40]],
            [[0, 0], [1, 0], [1, 1], [0, 1]],
        ],
    }
    lines = paddle_page_to_lines(res)
    assert [ln.text for ln in lines] == ["合计", "389.23"]
    assert lines[1].box.b == 42 and lines[1].words[0].text == "389.23"
    assert [ln.text for ln in paddle_page_to_lines(res, text_score=0.5)] == ["合计"]
    with pytest.raises(ValueError):
        paddle_page_to_lines({"rec_texts": ["a"], "rec_scores": [], "rec_polys": []})
