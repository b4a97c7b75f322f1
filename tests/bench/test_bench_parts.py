"""budgetdoc.bench: engine comparison on known structure, and the img2table peer.

Real pixels of datasets/samples/synth-0004-jiangsu-clean (page 1: one ruled table, 84 cells).
Expected counts come from the page's labels, not from a previous run.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from budgetdoc.bench.engines import (
    EngineComparison,
    _crop_quad_upright,
    compare_engines,
    crop_cells,
    find_samples,
    load_pages,
    score_cells,
)
from budgetdoc.evaluation.text import fold_text, parse_decimal

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "datasets" / "samples"
CLEAN = SAMPLES / "synth-0004-jiangsu-clean"


def _rapidocr_available() -> bool:
    from budgetdoc.ocr import available_engines

    return available_engines().get("rapidocr") is not None


# -- scoring and crops (no engine) ---------------------------------------------------------------


def test_score_cells_counts_numbers_text_empties_and_cer():
    truths = ["1,234.50", "389.23", "0203", "一般公共预算", "", "", "12"]
    reads = ["1234.5", "389.28", "0203", "一般 公共预算", "", "x", ""]
    mistakes = []
    c = score_cells(truths, reads, mistakes=mistakes)
    assert (c.cells, c.numeric_cells, c.numeric_exact) == (7, 3, 1)  # 1,234.50 = 1234.5; 389.28 and "" wrong
    assert (c.text_cells, c.text_exact) == (2, 2)  # a code with a leading zero is text; spaces folded
    assert (c.empty_cells, c.empty_false_positives, c.empty_false_positives_wordlike) == (2, 1, 1)
    assert score_cells(["", ""], ["，", "."]).empty_false_positives_wordlike == 0
    # CER over folded text: "1234.5" vs "1,234.50" = 2 edits, 389.28 = 1, "" vs "12" = 2
    assert c.truth_chars == 8 + 6 + 4 + 6 + 2
    assert c.char_edits == 2 + 1 + 0 + 0 + 2
    assert [m.truth for m in mistakes] == ["389.23", "", "12"]
    assert c.numeric_accuracy == pytest.approx(1 / 3) and c.empty_fp_rate == 0.5
    with pytest.raises(ValueError):
        score_cells(["a"], [])


def test_quad_crop_turns_a_sideways_cell_upright():
    page = np.full((300, 200, 3), 255, np.uint8)
    page[40:60, 90:110] = 0  # a mark near the cell's reading-order top-left corner
    # cell drawn on a page turned 90° clockwise: its reading quad (tl, tr, br, bl) in image pixels
    quad = [(120.0, 30.0), (120.0, 230.0), (80.0, 230.0), (80.0, 30.0)]
    crop = _crop_quad_upright(page, quad, inset=2)
    assert crop.shape[:2] == (36, 196)  # 40 high, 200 wide, less 2 px a side
    ink = np.argwhere(crop[:, :, 0] < 128)
    assert ink[:, 1].max() < 40  # the mark ends up at the left, where reading starts


def test_sample_selection_and_page_cells():
    office = find_samples(SAMPLES, presets=["office-scan"])
    assert office and all(d.name.endswith("office-scan") for d in office)
    pages = load_pages(CLEAN)
    labels = json.loads((CLEAN / "labels" / "page-001.json").read_text(encoding="utf-8"))
    table_cells = [c for c in labels["cells"] if c.get("table_id")]
    assert pages[0].page == 1 and len(pages[0].texts) == len(table_cells) > 50
    image = cv2.imread(str(pages[0].image_path))
    quad, bbox = crop_cells(image, pages[0], inset=4), crop_cells(image, pages[0], inset=4, crop="bbox")
    # a clean page is neither turned nor skewed: both ways cut the same cells
    assert len(quad) == len(bbox)
    for q, b in zip(quad, bbox):
        assert abs(q.shape[0] - b.shape[0]) <= 1 and abs(q.shape[1] - b.shape[1]) <= 1


# -- engines on real pixels ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def clean_comparison(tmp_path_factory) -> EngineComparison:
    if not _rapidocr_available():
        pytest.skip("rapidocr/onnxruntime not installed (pip install 'budgetdoc[ocr]')")
    empty = tmp_path_factory.mktemp("no-models")
    engines = [
        {"name": "v6", "options": {"kind": "rapidocr", "model_set": "PP-OCRv6-small"}},
        {
            "name": "v4-nowhere",
            "options": {"kind": "rapidocr", "model_set": "PP-OCRv4", "model_dir": str(empty)},
        },
        {"name": "tess-missing", "options": {"kind": "tesseract", "binary": "no-such-tesseract-binary"}},
    ]
    return compare_engines([CLEAN], engines, max_pages=1)


def test_ppocrv6_reads_a_clean_page_with_known_counts(clean_comparison):
    res = clean_comparison
    labels = json.loads((CLEAN / "labels" / "page-001.json").read_text(encoding="utf-8"))
    texts = [c["text"] for c in labels["cells"] if c.get("table_id")]
    numeric = sum(parse_decimal(t) is not None for t in texts)
    empty = sum(not fold_text(t) for t in texts)
    assert (res.pages, res.cells, res.presets, res.clean) == (1, len(texts), ["clean"], True)
    s = res.score("v6", "clean")
    assert s is not None and s.pages == 1 and s.samples == 1
    c = s.counts
    assert (c.cells, c.numeric_cells, c.empty_cells) == (len(texts), numeric, empty)
    assert c.text_cells == len(texts) - numeric - empty
    assert numeric > 40 and empty > 0
    # measured: 100% numeric and text exact, CER 0, no empty FP on this page
    assert s.numeric_accuracy >= 0.95 and s.text_accuracy >= 0.9
    assert s.cer <= 0.02 and c.empty_false_positives == 0
    assert s.seconds_per_page_median is not None and s.seconds_per_page_median > 0
    assert len(s.page_seconds) == 1 and s.seconds_total == pytest.approx(s.seconds_per_page_median)


def test_unavailable_engines_are_reported_not_run(clean_comparison):
    res = clean_comparison
    by = {e.name: e for e in res.engines}
    assert by["v6"].available and by["v6"].version
    assert not by["v4-nowhere"].available and "OcrUnavailable" in by["v4-nowhere"].reason
    assert "ch_PP-OCRv4_det_infer.onnx" in by["v4-nowhere"].reason
    assert not by["tess-missing"].available and by["tess-missing"].reason
    assert {s.engine for s in res.scores} == {"v6"}
    md = res.to_markdown()
    assert "| v6 | clean | 1 |" in md and "- v4-nowhere: OcrUnavailable" in md
    again = EngineComparison.model_validate_json(res.model_dump_json())
    assert again.score("v6", "clean").counts == res.score("v6", "clean").counts


def test_an_engine_failing_on_a_page_is_recorded(monkeypatch):
    """A page an engine raises on is listed in its errors; the run goes on."""
    from budgetdoc.ocr.types import OcrLine

    class Broken:
        name = "broken"
        version = "0"

        def recognize_crops(self, crops: list[np.ndarray]) -> list[OcrLine]:
            raise RuntimeError("boom")

    from budgetdoc import ocr

    monkeypatch.setattr(ocr, "build_engine", lambda options: Broken())
    res = compare_engines([CLEAN], [{"name": "b", "options": {"kind": "tesseract"}}], max_pages=1)
    assert res.engines[0].available and res.engines[0].errors
    assert "RuntimeError: boom" in res.engines[0].errors[-1] and res.scores == []


# -- img2table peer ------------------------------------------------------------------------------


def test_ni_black_threshold_marks_dark_ink():
    import cv2

    from budgetdoc.bench.peers import ensure_ximgproc, ni_black_threshold

    img = np.full((60, 80), 230, np.uint8)
    img[20:40, 30:34] = 20  # a stroke
    out = ni_black_threshold(img, 255, cv2.THRESH_BINARY_INV, 15, 0.2, binarizationMethod=1)
    assert out.dtype == np.uint8 and set(np.unique(out)) <= {0, 255}
    assert (out[20:40, 30:34] == 255).all() and out[:10].max() == 0
    assert ensure_ximgproc() in (True, False)
    assert hasattr(cv2, "ximgproc") and hasattr(cv2.ximgproc, "niBlackThreshold")


def test_img2table_unavailable_language_is_reported(tmp_path):
    pytest.importorskip("img2table")
    from budgetdoc.bench.peers import run_img2table

    run = run_img2table([CLEAN], tmp_path / "out", lang="nosuchlang")
    assert not run.available and "nosuchlang" in run.reason
    assert not (tmp_path / "out").exists()
    assert "unavailable" in run.to_markdown()


def test_img2table_writes_html_the_evaluator_reads(tmp_path):
    pytest.importorskip("img2table")
    pytest.importorskip("bs4")
    from budgetdoc.bench.peers import img2table_status, run_img2table
    from budgetdoc.evaluation.loading import find_prediction

    ok, why = img2table_status()
    if not ok:
        pytest.skip(why)
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract not installed")
    out = tmp_path / "pred"
    run = run_img2table([CLEAN], out, pages=[2])  # page 2: one ruled table, 4 × 9 with merged headers
    assert run.available, run.reason
    assert run.pages == 1 and run.seconds_per_page_median > 0
    sample = run.samples[0]
    assert sample.sample_id == CLEAN.name and sample.preset == "clean"
    assert sample.tables == 1 and sample.files == ["t01.html"]
    html = (out / CLEAN.name / "t01.html").read_text(encoding="utf-8")
    assert html.lstrip().startswith("<table>") and "<caption>" in html and "colspan" in html

    pred = find_prediction(out, CLEAN.name)
    assert pred.status == "found" and pred.format == "html"
    assert len(pred.tables) == 1
    grid = pred.tables[0].grid
    labels = json.loads((CLEAN / "labels" / "page-002.json").read_text(encoding="utf-8"))
    cells = labels["cells"]
    n_rows = max(c["row"] + c["row_span"] for c in cells)
    n_cols = max(c["col"] + c["col_span"] for c in cells)
    assert (grid.num_rows, grid.num_cols) == (n_rows, n_cols) == (4, 9)
    assert pred.tables[0].title  # the unit line just above the table
    assert "| clean | 1 | 1 | 1 |" in run.to_markdown()
