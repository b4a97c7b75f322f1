"""``budgetdoc check`` on document JSON: a correct document passes (exit 0); one changed digit is
flagged by the identity it breaks, naming the cell with its page and box (exit 1)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from budgetdoc.cli import app
from budgetdoc.model.io import dump_document, load_document
from budgetdoc.model.vocab import Column, TableType

SAMPLE = Path(__file__).resolve().parents[2] / "datasets" / "samples" / "seed-clean" / "truth.json"


def _with_one_digit_changed(tmp_path: Path) -> tuple[Path, str, int, int]:
    """seed t05 (一般公共预算支出表), 项 2010350 基本支出 137.31 → 187.31 (row and cell)."""
    doc = load_document(SAMPLE)
    t = next(t for t in doc.tables if t.table_type is TableType.general_public_budget_expenditure)
    row = next(r for r in t.rows if getattr(r, "subject_code", None) == "2010350")
    col = next(s.index for s in t.columns if s.column is Column.basic_expenditure)
    row.amounts[Column.basic_expenditure] = Decimal("187.31")
    for c in t.cells:
        if c.row == row.grid_row and c.col == col:
            c.text = "187.31"
    path = tmp_path / "changed.json"
    dump_document(doc, path)
    return path, t.id, row.grid_row, col


def test_a_correct_document_passes():
    result = CliRunner().invoke(app, ["check", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.output and "skipped" in result.output


def test_one_changed_digit_is_flagged_by_the_rules_it_breaks_at_its_cell(tmp_path):
    path, table_id, row, col = _with_one_digit_changed(tmp_path)
    result = CliRunner().invoke(app, ["check", str(path), "--json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output.splitlines()[0])
    rules = {v["rule_id"] for v in report["violations"]}
    # the 项 no longer adds up to its 款, nor 基本 + 项目 to its 合计
    assert {"subject.children_sum_to_parent", "row.basic_plus_project"} & rules, rules
    named = [c for v in report["violations"] for c in v["cells"]
             if c["table_id"] == table_id and c["row"] == row and c["col"] == col]
    assert named and all(c["page"] == 9 and c["bbox"] for c in named)
    text = CliRunner().invoke(app, ["check", str(path)]).output
    assert f"{table_id} row {row} col {col} (page 9, box" in text


def test_an_unreadable_file_exits_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(bad)])
    assert result.exit_code == 2


def test_rules_are_listed_with_both_languages():
    from budgetdoc.checks.rules import RULEBOOK

    out = CliRunner().invoke(app, ["check", "--rules"])
    assert out.exit_code == 0
    lines = out.output.strip().splitlines()
    assert len(lines) == len(RULEBOOK)
    assert any(line.startswith("narrative.figures_match_tables [narrative]") for line in lines)
    assert all(" / " in line for line in lines)


def test_repair_from_the_command_line(tmp_path):
    src, *_ = _with_one_digit_changed(tmp_path)
    out = CliRunner().invoke(app, ["check", str(src), "--repair", "--out", str(tmp_path / "out"), "--review", "3"])
    assert out.exit_code == 0, out.output  # the one misread digit was repaired: nothing fails any more
    assert "repaired t05 row 5 col 3" in out.output and "187.31 -> 137.31" in out.output
    fixed = load_document(tmp_path / "out" / src.name)
    assert [(r.original, r.repaired) for r in fixed.repairs] == [("187.31", "137.31")]
    assert fixed.review[0].reason == "repaired"
