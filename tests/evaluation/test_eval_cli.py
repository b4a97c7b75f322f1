"""``budgetdoc eval`` through typer's runner: a small subset, and the whole committed sample set."""

from __future__ import annotations

import json
import shutil

from conftest import SAMPLES
from typer.testing import CliRunner

from budgetdoc.cli import app
from budgetdoc.evaluation.report import read_json, render_markdown

runner = CliRunner()
SUBSET = ("seed-clean", "synth-0001-shanxi-clean", "synth-0008-shanghai-office-scan",
          "real-shanghai-putuo-shegongbu-2024-p016-poor-scan")
TOP_LEVEL = ("numeric_cell_accuracy", "text_cell_accuracy", "empty_cell_accuracy", "table_recall",
             "table_precision", "title_accuracy", "teds", "teds_struct", "row_accuracy", "indicator_f1",
             "documents", "missing_predictions")
METRIC_LINES = ("numeric_cell_accuracy", "text_cell_accuracy", "empty_cell_accuracy", "table_recall",
                "table_precision", "title_accuracy", "table_type_accuracy", "teds", "teds_struct", "grits_con",
                "row_accuracy", "card_field_accuracy", "indicator_precision", "indicator_recall", "indicator_f1",
                "indicator_parsed_f1")


def _subset(tmp_path):
    root = tmp_path / "truth"
    for i in SUBSET:
        (root / i).mkdir(parents=True)
        for name in ("truth.json", "meta.json"):
            shutil.copy(SAMPLES / i / name, root / i / name)
    return root


def _values(output: str) -> dict[str, str]:
    return {parts[0]: parts[1] for line in output.splitlines() if len(parts := line.split()) == 2}


def test_eval_of_a_subset_against_itself_writes_json_report_and_plots(tmp_path):
    truth = _subset(tmp_path)
    out_json, report = tmp_path / "out" / "eval.json", tmp_path / "out" / "eval.md"
    res = runner.invoke(app, ["eval", "--truth", str(truth), "--pred", str(truth), "--json", str(out_json),
                              "--report", str(report)])
    assert res.exit_code == 0, res.output
    values = _values(res.output)
    for key in METRIC_LINES:
        assert values[key] == "1.0000", key
    assert values["cer"] == "0.0000" and values["documents"] == "4" and values["missing_predictions"] == "0"
    data = json.loads(out_json.read_text(encoding="utf-8"))
    for key in TOP_LEVEL:
        assert key in data, key
    assert data["documents"] == 4 and data["teds"] == 1.0
    assert {b["key"] for b in data["breakdowns"]["preset"]} == {"clean", "office-scan", "poor-scan"}
    text = report.read_text(encoding="utf-8")
    for heading in ("## Summary", "## By degradation preset", "## By dpi", "## By table type", "worst cells"):
        assert heading in text
    for png in ("eval-preset.png", "eval-dpi.png"):
        assert (report.parent / png).read_bytes().startswith(b"\x89PNG")
        assert f"({png})" in text
    again = read_json(out_json)  # the report can be redrawn from the JSON alone
    assert again.summary.teds == 1.0 and len(again.per_document) == 4
    assert render_markdown(again).splitlines()[:8] == text.splitlines()[:8]


def test_eval_reports_a_deleted_document_as_missing(tmp_path):
    truth = _subset(tmp_path)
    pred = tmp_path / "pred"
    shutil.copytree(truth, pred)
    shutil.rmtree(pred / SUBSET[1])
    report = tmp_path / "r.md"
    res = runner.invoke(app, ["eval", "--truth", str(truth), "--pred", str(pred), "--report", str(report),
                              "--no-plots"])
    assert res.exit_code == 0, res.output
    values = _values(res.output)
    assert values["missing_predictions"] == "1" and values["documents"] == "4"
    assert float(values["table_recall"]) < 1.0 and values["table_precision"] == "1.0000"
    assert f"missing: {SUBSET[1]}" in res.output
    text = report.read_text(encoding="utf-8")
    assert f"| {SUBSET[1]} | missing |" in text and not (tmp_path / "r-preset.png").exists()
    stopped = runner.invoke(app, ["eval", "--truth", str(truth), "--pred", str(pred), "--stop-on-error"])
    assert stopped.exit_code == 1


def test_eval_of_the_whole_sample_set_prints_one_everywhere(tmp_path):
    res = runner.invoke(app, ["eval", "--truth", str(SAMPLES), "--pred", str(SAMPLES),
                              "--json", str(tmp_path / "e.json")])
    assert res.exit_code == 0, res.output
    values = _values(res.output)
    for key in METRIC_LINES:
        assert values[key] == "1.0000", key
    assert values["documents"] == "38" and values["missing_predictions"] == "0" and values["cer"] == "0.0000"
    data = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    assert data["truth_tables"] == data["predicted_tables"] == data["matched_tables"] == 88
    assert data["cells"]["numeric_total"] + data["cells"]["text_total"] + data["cells"]["empty_total"] == 7932
    assert data["problems"] == [] and data["worst_cells"] == [] and data["unreadable_predictions"] == 0


def test_eval_rejects_a_missing_pred_folder(tmp_path):
    res = runner.invoke(app, ["eval", "--truth", str(SAMPLES), "--pred", str(tmp_path / "nope")])
    assert res.exit_code == 2 and "--pred" in res.output  # a usage error, not a crash
