"""Converting recorded RapidOCR calls (tests/ocr/data/, made by record_fixtures.py) without the engine."""

from __future__ import annotations

from ocr_helpers import TOP_TEXTS, load_fixture, rf

from budgetdoc.ocr.ctc import CtcFrames
from budgetdoc.ocr.rapidocr_convert import (
    CtcPageRecord,
    NativePageRecord,
    crop_lines_from_frames,
    ctc_page_to_result,
    native_page_to_result,
)


def _inside(inner, outer, tol=1.0):
    return (outer.l - tol <= inner.l <= inner.r <= outer.r + tol) and (
        outer.t - tol <= inner.t <= inner.b <= outer.b + tol
    )


def test_ctc_page_record_converts_to_lines_words_and_chars():
    fx = load_fixture("page005_clean_top.ctc.json")
    record = CtcPageRecord.model_validate(fx["record"])
    res = ctc_page_to_result(record, top_k=fx["options"]["top_k"])
    assert res.engine == "rapidocr" and res.engine_version
    l, t, r, b = fx["region_px"]
    assert (res.image_width, res.image_height) == (r - l, b - t)
    assert [ln.text for ln in res.lines] == TOP_TEXTS
    assert {"det", "rec", "total"} <= set(res.timings)
    for line in res.lines:
        assert 0.9 < line.confidence <= 1.0 and line.det_score is not None
        assert "".join(w.text for w in line.words) == line.text.replace(" ", "")
        for ch in line.chars:
            assert ch.box is not None and _inside(ch.box, line.box)
            assert ch.alternatives and ch.alternatives[0] == (ch.char, ch.score)
            assert sum(p for _, p in ch.alternatives) <= 1.0 + 1e-6
    numbers = [ln for ln in res.lines if ln.text == "389.23"]
    assert len(numbers) == 2 and len(numbers[0].words) == 1
    xs = [c.box.center[0] for c in numbers[0].chars]
    assert xs == sorted(xs)


def test_text_score_drops_low_confidence_lines():
    record = CtcPageRecord.model_validate(load_fixture("page005_clean_top.ctc.json")["record"])
    assert ctc_page_to_result(record, text_score=1.0).lines == ()


def test_poor_scan_digits_carry_useful_alternatives():
    """On a poor scan the decimal point is unsure; the alternatives say what else it may be."""
    record = CtcPageRecord.model_validate(load_fixture("page005_poor_rows.ctc.json")["record"])
    res = ctc_page_to_result(record)
    texts = [ln.text for ln in res.lines]
    assert "2010350" in texts and "事业运行" in texts
    unsure = [
        (ln.text, ch)
        for ln in res.lines
        for ch in ln.chars
        if ch.char == "." and any(c == ":" and p > 0.05 for c, p in ch.alternatives)
    ]
    assert unsure, "expected a '.' with ':' as a real alternative"
    for _, ch in unsure:
        assert ch.score < 0.95


def test_native_record_converts_with_char_boxes_and_no_alternatives():
    fx = load_fixture("page005_clean_top.native.json")
    res = native_page_to_result(NativePageRecord.model_validate(fx["record"]))
    assert [ln.text for ln in res.lines] == TOP_TEXTS
    for line in res.lines:
        assert all(ch.box is not None and ch.alternatives is None for ch in line.chars)


def test_native_record_with_misaligned_word_results_keeps_text_without_boxes():
    fx = load_fixture("page005_clean_top.native.json")["record"]
    fx["word_results"] = fx["word_results"][1:]
    res = native_page_to_result(NativePageRecord.model_validate(fx))
    assert [ln.text for ln in res.lines] == TOP_TEXTS
    assert all(ch.box is None for ln in res.lines for ch in ln.chars)


def test_recorded_crops_convert_to_the_cells_text():
    fx = load_fixture("page005_clean_numbers.crops.json")
    frames = [CtcFrames.model_validate(f) for f in fx["frames"]]
    lines = crop_lines_from_frames(frames)
    assert [ln.text for ln in lines] == [c["text"] for c in fx["cells"]]
    assert [(c["row"], c["col"]) for c in fx["cells"]] == [tuple(p) for p in rf.NUMBER_CELLS]
    for line, f in zip(lines, frames):
        assert (line.box.r, line.box.b) == (f.crop_width, f.crop_height)
