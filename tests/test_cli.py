"""The command line, driven through typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from budgetdoc.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_help_lists_the_commands():
    out = runner.invoke(app, ["--help"]).output
    for command in ("synth", "label-real", "samples", "eval", "overlay", "schema", "validate"):
        assert command in out


def test_version_lists_ocr_backends():
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0
    assert res.output.startswith("budgetdoc ")
    for backend in ("rapidocr", "rapidocr_onnxruntime", "tesseract", "paddleocr"):
        assert backend in res.output


def test_validate_accepts_the_seed_truth_and_rejects_a_broken_copy(tmp_path):
    seed = ROOT / "datasets/seed/seed_truth.json"
    ok = runner.invoke(app, ["validate", str(seed)])
    assert ok.exit_code == 0 and "13 tables, 6 cards" in ok.output
    data = json.loads(seed.read_text(encoding="utf-8"))
    data["tables"][0]["cells"][0]["row"] = 999
    bad = tmp_path / "broken.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    res = runner.invoke(app, ["validate", str(seed), str(bad)])
    assert res.exit_code == 1
    assert "broken.json" in res.output


def test_schema_write_reproduces_the_committed_files(tmp_path):
    assert runner.invoke(app, ["schema", "--write", str(tmp_path)]).exit_code == 0
    for name in ("document.schema.json", "page_labels.schema.json"):
        assert (tmp_path / "schema" / name).read_bytes() == (ROOT / "schema" / name).read_bytes()
