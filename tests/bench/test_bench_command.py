"""``budgetdoc bench`` end to end on one labelled page: predictions written, scored, timed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from budgetdoc.cli import app

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "datasets" / "samples" / "real-jiangsu-gaoyuan-2017-p011-clean"

pytestmark = pytest.mark.slow


def test_bench_scores_the_pipeline_on_the_same_samples(tmp_path):
    pytest.importorskip("rapidocr")
    samples = tmp_path / "samples"
    samples.mkdir()
    shutil.copytree(SAMPLE, samples / SAMPLE.name)
    out = tmp_path / "bench"
    result = CliRunner().invoke(app, ["bench", "--samples", str(samples), "--out", str(out),
                                      "--engine", "rapidocr", "--no-peer"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "bench.json").read_text(encoding="utf-8"))
    run = data["systems"]["budgetdoc:rapidocr"]
    assert run["status"] == "ok" and run["pages"] == 1 and run["median_s_per_page"] > 0
    scores = run["scores"]
    # a clean 200-dpi page of a real PDF, OCR'd: every table found, numbers near-perfect
    assert scores["table_recall"] == 1.0 and scores["numeric_cell_accuracy"] >= 0.95
    assert (out / "budgetdoc-rapidocr" / f"{SAMPLE.name}.json").exists()
    assert "| budgetdoc:rapidocr |" in (out / "bench.md").read_text(encoding="utf-8")
