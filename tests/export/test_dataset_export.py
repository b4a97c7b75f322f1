"""`budgetdoc export`: an archive of document JSONs as Parquet tables and a DuckDB file.

The archive is built from committed labelled samples (a seed document with every table type and
cards, two generated documents with cards, two real pages of one PDF) plus the seed truth, checked
with the real verification stage after a digit was changed in two of them. The tests read the
outputs back: every amount equals the JSON's cell by cell, SQL answers match what the pydantic
objects say, files that are not documents or not JSON are reported and skipped, and the command
line does the same.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from budgetdoc.checks.values import amount_col, read_cell, write_cell
from budgetdoc.checks.verify import verify_document
from budgetdoc.cli import app
from budgetdoc.export.dataset import (
    DUCKDB_FILE,
    SCHEMAS,
    TABLE_NAMES,
    VIEWS,
    ExportSummary,
    document_records,
    export_dataset,
    unique_doc_ids,
)
from budgetdoc.model.document import CellRef, DisclosureDocument, Provenance
from budgetdoc.model.io import dump_document, load_document
from budgetdoc.model.vocab import Column, TableType

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "datasets" / "samples"
SEED = ROOT / "datasets" / "seed" / "seed_truth.json"

#: archive path -> (source truth, repair after the injected digit, or None for no injection)
ARCHIVE: dict[str, tuple[Path, bool | None]] = {
    "a/seed-clean.json": (SAMPLES / "seed-clean" / "truth.json", False),  # left failing
    "a/deeper/seed.json": (SEED, True),  # repaired
    "b/synth-0002.json": (SAMPLES / "synth-0002-shanxi-office-scan" / "truth.json", None),
    "b/synth-0005.json": (SAMPLES / "synth-0005-jiangsu-office-scan" / "truth.json", None),
    "b/real-2018-p011.json": (SAMPLES / "real-jiangsu-gaoyuan-2018-p011-poor-scan" / "truth.json", None),
    "b/real-2018-p014.json": (SAMPLES / "real-jiangsu-gaoyuan-2018-p014-clean" / "truth.json", None),
}


def _injected_ref(doc: DisclosureDocument) -> CellRef:
    """t05 (一般公共预算支出表), subject 2010350, 基本支出: printed 137.31."""
    table = next(t for t in doc.tables if t.id == "t05")
    row = next(r for r in table.rows if getattr(r, "subject_code", None) == "2010350")
    return CellRef(table_id="t05", row=row.grid_row, col=amount_col(table, row, Column.basic_expenditure))


def _misread(doc: DisclosureDocument) -> CellRef:
    """Change 137.31 to 187.31 as an OCR misreading would, keeping the cell's page and box."""
    ref = _injected_ref(doc)
    cell = read_cell(doc, ref)
    assert cell is not None and cell.text == "137.31"
    old = cell.provenance or Provenance()
    write_cell(doc, ref, "187.31", Provenance(page=old.page or 9, bbox=old.bbox, raw_text="187.31",
                                              confidence=0.8, source="ocr"))
    return ref


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, DisclosureDocument]]:
    """The archive folder and the documents written into it, by archive path."""
    root = tmp_path_factory.mktemp("archive")
    docs: dict[str, DisclosureDocument] = {}
    for rel, (truth, repair) in ARCHIVE.items():
        doc = load_document(truth)
        if repair is not None:
            _misread(doc)
        verify_document(doc, repair=bool(repair))
        dump_document(doc, root / rel)
        docs[rel] = doc
    notes = json.dumps({"schema_name": "budgetdoc.page_labels"})
    (root / "b" / "notes.json").write_text(notes, encoding="utf-8")
    (root / "broken.json").write_text('{"schema_name": "budgetdoc.document", "tables": [', encoding="utf-8")
    return root, docs


@pytest.fixture(scope="module")
def exported(archive, tmp_path_factory) -> tuple[ExportSummary, list[str], Path]:
    root, _ = archive
    out = tmp_path_factory.mktemp("export")
    lines: list[str] = []
    summary = export_dataset([root], out, log=lines.append)
    return summary, lines, out


@pytest.fixture()
def db(exported):
    con = duckdb.connect(str(exported[2] / DUCKDB_FILE), read_only=True)
    yield con
    con.close()


def _path_of(root: Path, rel: str) -> str:
    return str(root / rel)


# --------------------------------------------------------------------------------------------------
# files and schemas


def test_every_table_is_written_with_its_fixed_schema_and_nothing_else(exported, db):
    summary, _, out = exported
    # every table and the database, and no temporary file left behind
    assert sorted(os.listdir(out)) == sorted([f"{n}.parquet" for n in TABLE_NAMES] + [DUCKDB_FILE])
    for name in TABLE_NAMES:
        schema = pq.read_schema(out / f"{name}.parquet")
        assert [(f.name, f.type) for f in schema] == [(f.name, f.type) for f in SCHEMAS[name]], name
        assert pq.read_metadata(out / f"{name}.parquet").num_rows == summary.rows[name]
        described = db.execute("SELECT column_name, data_type FROM information_schema.columns "
                               "WHERE table_name = ? ORDER BY ordinal_position", [name]).fetchall()
        assert [c for c, _ in described] == SCHEMAS[name].names
        # every column reads without quoting (no SQL keyword among the names)
        db.execute(f"SELECT {', '.join(SCHEMAS[name].names)} FROM {name} LIMIT 0")
    assert summary.rows["checks"] > 0 and summary.rows["repairs"] == 1 and summary.rows["cards"] > 0
    comment = db.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 'tables' "
                         "AND column_name = 'is_empty'").fetchone()[0]
    assert "本表无数据" in comment
    views = db.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
    assert {v for (v,) in views} == set(VIEWS)


def test_the_docs_describe_every_table_and_column():
    text = (ROOT / "docs" / "dataset.md").read_text(encoding="utf-8")
    for name, schema in SCHEMAS.items():
        section = text.split(f"#### `{name}`", 1)[1].split("\n#", 1)[0]
        assert [line.split("`")[1] for line in section.splitlines() if line.startswith("| `")] == schema.names
    assert all(f"`{view}`" in text for view in VIEWS)


def test_an_empty_export_still_writes_every_table(tmp_path):
    (tmp_path / "in").mkdir()
    summary = export_dataset([tmp_path / "in"], tmp_path / "out")
    assert summary.documents == 0 and summary.values == 0 and not summary.failed
    for name in TABLE_NAMES:
        table = pq.read_table(tmp_path / "out" / f"{name}.parquet")
        assert table.num_rows == 0 and table.schema.names == SCHEMAS[name].names
    con = duckdb.connect(str(tmp_path / "out" / DUCKDB_FILE), read_only=True)
    assert con.execute("SELECT count(*) FROM failed_checks").fetchone() == (0,)
    assert con.execute("SELECT sum(value_yuan) FROM amounts").fetchone() == (None,)
    con.close()


# --------------------------------------------------------------------------------------------------
# (a) round trip


def _json_amounts(path: Path) -> list[tuple]:
    """Every amount as the JSON text holds it: table rows' amounts, then card fund lines."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    out: list[tuple] = []
    for t in raw["tables"]:
        for i, row in enumerate(t["rows"]):
            for column, v in row["amounts"].items():
                out.append(("table", t["id"], i, column, None if v is None else Decimal(v)))
    for c in raw["cards"]:
        for i, line in enumerate(c["funds"]):
            for attr in ("period_amount", "annual_amount"):
                if line[attr] is not None:
                    out.append(("card", c["id"], i, attr, Decimal(line[attr])))
    return out


def test_values_round_trip_exactly_cell_by_cell(archive, exported, db):
    root, _ = archive
    summary, _, out = exported
    ids = {r["json_path"]: r["doc_id"] for r in pq.read_table(out / "documents.parquet").to_pylist()}
    values = pq.read_table(out / "values.parquet")
    assert str(values.schema.field("value").type) == "decimal128(38, 8)"
    rows = values.to_pylist()
    total = 0
    for rel in ARCHIVE:
        expected = _json_amounts(root / rel)
        got = [(r["holder"], r["table_id"] or r["card_id"], r["row_index"], r["amount_column"], r["value"])
               for r in rows if r["doc_id"] == ids[_path_of(root, rel)]]
        assert len(got) == len(expected), rel
        for g, e in zip(got, expected, strict=True):
            assert g[:4] == e[:4] and g[4] == e[4], (rel, g, e)  # Decimal equality: 389.23 == 389.23000000
            assert (g[4] is None) == (e[4] is None)
        total += len(expected)
    assert total == summary.values == len(rows) > 1000
    # the DuckDB table holds the same values
    in_db = sorted(db.execute('SELECT doc_id, holder, coalesce(table_id, card_id), row_index, amount_column, '
                              'value FROM "values"').fetchall(), key=str)
    assert in_db == sorted([(r["doc_id"], r["holder"], r["table_id"] or r["card_id"], r["row_index"],
                             r["amount_column"], r["value"]) for r in rows], key=str)


def test_values_carry_the_printed_text_and_provenance(archive, exported):
    root, docs = archive
    _, _, out = exported
    ids = {r["json_path"]: r["doc_id"] for r in pq.read_table(out / "documents.parquet").to_pylist()}
    doc = docs["a/seed-clean.json"]
    ref = _injected_ref(doc)
    [row] = [r for r in pq.read_table(out / "values.parquet").to_pylist()
             if r["doc_id"] == ids[_path_of(root, "a/seed-clean.json")] and r["table_id"] == "t05"
             and (r["grid_row"], r["grid_col"]) == (ref.row, ref.col)]
    cell = read_cell(doc, ref)
    assert (row["text"], row["value"], row["raw_text"], row["source"]) == (
        "187.31", Decimal("187.31"), "187.31", "ocr")
    assert (row["page"], row["bbox_l"], row["bbox_b"]) == (cell.provenance.page, cell.provenance.bbox.l,
                                                           cell.provenance.bbox.b)
    assert (row["check_status"], row["subject_code"], row["amount_column"]) == (
        "contradicted", "2010350", "basic_expenditure")
    assert row["printed_header"] and "基本支出" in row["printed_header"] and row["unit"] == "万元"


# --------------------------------------------------------------------------------------------------
# (b) SQL answers


def test_sql_project_expenditure_per_document_matches_the_documents(archive, db):
    """项目支出 of each document, from the 支出总表's 合计 row and from the 项目支出表's project lines."""
    root, docs = archive
    expected: dict[str, Decimal] = {}
    projects: dict[str, Decimal] = {}
    for rel, doc in docs.items():
        summary_table = doc.table(TableType.expenditure_summary)
        total = next((r for r in summary_table.rows if r.is_total), None) if summary_table else None
        if total is not None and Column.project_expenditure in total.amounts:
            expected[_path_of(root, rel)] = total.amounts[Column.project_expenditure]
        project_table = doc.table(TableType.project_expenditure)
        lines = [r for r in project_table.rows if r.level == "project"] if project_table else []
        if lines:
            amounts = (r.amounts[Column.total] or Decimal(0) for r in lines)
            projects[_path_of(root, rel)] = sum(amounts, Decimal(0))
    got = dict(db.execute("""
        SELECT d.json_path, v.value FROM "values" v JOIN documents d USING (doc_id)
        WHERE v.table_type = 'expenditure_summary' AND v.is_total AND v.amount_column = 'project_expenditure'
    """).fetchall())
    assert got == expected and len(expected) >= 2
    assert set(expected.values()) == {Decimal("189.09")}
    got_projects = dict(db.execute("""
        SELECT d.json_path, sum(v.value) FROM "values" v JOIN documents d USING (doc_id)
        WHERE v.table_type = 'project_expenditure' AND v.project_level = 'project'
          AND v.amount_column = 'total'
        GROUP BY d.json_path
    """).fetchall())
    assert got_projects == projects == expected  # the two tables agree in these documents


def test_sql_failed_identities_match_the_checks_and_name_the_misread_cell(archive, db):
    root, docs = archive
    expected = [(_path_of(root, rel), i, r.rule_id, r.expected, r.found)
                for rel, doc in docs.items() for i, r in enumerate(doc.checks) if r.status == "failed"]
    got = db.execute("SELECT json_path, check_index, rule_id, expected, found FROM failed_checks "
                     "ORDER BY json_path, check_index").fetchall()
    assert got == sorted(expected) and len(got) >= 2
    assert {p for p, *_ in got} == {_path_of(root, "a/seed-clean.json")}  # the repaired copy passes
    ref = _injected_ref(docs["a/seed-clean.json"])
    named = db.execute("""
        SELECT DISTINCT c.check_index, c.page FROM check_cells c JOIN documents d USING (doc_id)
        WHERE d.json_path = ? AND c.status = 'failed'
          AND c.table_id = 't05' AND c.grid_row = ? AND c.grid_col = ?
    """, [_path_of(root, "a/seed-clean.json"), ref.row, ref.col]).fetchall()
    assert sorted(i for i, _ in named) == [i for _, i, *_ in got]
    assert {page for _, page in named} == {9}
    assert db.execute("SELECT sum(failed_check_count) FROM documents").fetchone() == (len(got),)


def test_sql_lists_the_repair_and_marks_the_repaired_value(archive, db):
    root, docs = archive
    doc = docs["a/deeper/seed.json"]
    [rep] = doc.repairs
    got = db.execute("""
        SELECT r.table_id, r.grid_row, r.grid_col, r.original, r.repaired, v.value, v.repaired
        FROM repairs r JOIN documents d USING (doc_id)
        JOIN "values" v ON v.doc_id = r.doc_id AND v.table_id = r.table_id
             AND v.grid_row = r.grid_row AND v.grid_col = r.grid_col
        WHERE d.json_path = ?
    """, [_path_of(root, "a/deeper/seed.json")]).fetchall()
    cell = (rep.cell.table_id, rep.cell.row, rep.cell.col)
    assert got == [(*cell, "187.31", "137.31", Decimal("137.31"), True)]


# --------------------------------------------------------------------------------------------------
# (c) what is not a document


def test_non_documents_and_corrupt_json_are_reported_and_skipped(archive, exported, db):
    root, _ = archive
    summary, lines, _ = exported
    assert [p.name for p, _ in summary.skipped] == ["notes.json"]
    assert [p.name for p, _ in summary.failed] == ["broken.json"]
    assert "cannot read JSON" in summary.failed[0][1]
    assert any("notes.json" in line and "not a budgetdoc document" in line for line in lines)
    assert any("broken.json" in line for line in lines)
    assert summary.documents == len(ARCHIVE)
    paths = {p for (p,) in db.execute("SELECT json_path FROM documents").fetchall()}
    assert paths == {_path_of(root, rel) for rel in ARCHIVE}


def test_document_ids_are_unique_and_follow_the_documented_rule(archive, db):
    root, docs = archive
    ids = dict(db.execute("SELECT json_path, doc_id FROM documents").fetchall())
    assert len(set(ids.values())) == len(ARCHIVE)
    seed = docs["a/deeper/seed.json"]
    assert ids[_path_of(root, "a/deeper/seed.json")] == seed.source.sha256  # its own source file
    name = f"{root.name}/a/seed-clean.json"  # no sha256 recorded: the JSON's name
    assert ids[_path_of(root, "a/seed-clean.json")] == hashlib.sha256(name.encode()).hexdigest()
    shared = docs["b/real-2018-p011.json"].source.sha256
    assert shared == docs["b/real-2018-p014.json"].source.sha256  # two pages of one PDF
    for rel in ("b/real-2018-p011.json", "b/real-2018-p014.json"):
        want = hashlib.sha256(f"{shared}/{root.name}/{rel}".encode()).hexdigest()
        assert ids[_path_of(root, rel)] == want


def test_unique_doc_ids_do_not_depend_on_order():
    bases, names, paths = ["x", "x", "y"], ["n1", "n2", "n3"], ["/p1", "/p2", "/p3"]
    ids = unique_doc_ids(bases, names, paths)
    assert len(set(ids)) == 3 and ids[2] == "y" and "x" not in ids
    assert unique_doc_ids(bases[::-1], names[::-1], paths[::-1]) == ids[::-1]
    same_name = unique_doc_ids(["z", "z"], ["truth.json", "truth.json"], ["/a/truth.json", "/b/truth.json"])
    assert len(set(same_name)) == 2


def test_an_amount_that_cannot_be_held_exactly_fails_its_document_only(tmp_path):
    doc = load_document(SEED)
    row = doc.tables[2].rows[0]
    row.amounts[Column.total] = Decimal("389.230000001")  # 9 decimals: would have to be rounded
    with pytest.raises(ValueError, match=r"t03 row 2 total"):
        document_records(doc, "x")
    dump_document(doc, tmp_path / "in" / "bad.json")
    shutil.copy(SEED, tmp_path / "in" / "good.json")
    summary = export_dataset([tmp_path / "in"], tmp_path / "out")
    assert summary.documents == 1 and [p.name for p, _ in summary.failed] == ["bad.json"]


# --------------------------------------------------------------------------------------------------
# (d) the command line


def test_cli_exports_reports_and_exits_1_on_an_unreadable_input(archive, tmp_path):
    root, docs = archive
    runner = CliRunner()
    res = runner.invoke(app, ["export", str(root), "--to", str(tmp_path / "all")])
    assert res.exit_code == 1
    failed = sum(r.status == "failed" for d in docs.values() for r in d.checks)
    assert f"exported {len(ARCHIVE)} documents" in res.stdout and f"{failed} failed checks" in res.stdout
    assert "broken.json" in res.stderr and "notes.json" in res.stderr

    ok = runner.invoke(app, ["export", str(root / "b"), str(root / "a" / "deeper" / "seed.json"),
                             "--to", str(tmp_path / "some")])
    assert ok.exit_code == 0, ok.output
    values = sum(len(_json_amounts(root / rel)) for rel in ARCHIVE if rel.startswith("b/") or "deeper" in rel)
    assert ok.stdout.startswith("exported 5 documents") and f"{values} values, 0 failed checks" in ok.stdout
    assert len(ok.stdout.strip().splitlines()) == 1

    # the DuckDB file is self-contained: it answers with the Parquet files gone
    moved = tmp_path / "elsewhere" / "archive.duckdb"
    moved.parent.mkdir()
    shutil.copy(tmp_path / "some" / DUCKDB_FILE, moved)
    shutil.rmtree(tmp_path / "some")
    con = duckdb.connect(str(moved), read_only=True)
    assert con.execute('SELECT count(*) FROM "values"').fetchone() == (values,)
    assert con.execute("SELECT count(*) FROM amounts WHERE value_yuan IS NOT NULL").fetchone()[0] > 0
    con.close()


def test_cli_missing_input_is_an_error(tmp_path):
    res = CliRunner().invoke(app, ["export", str(tmp_path / "nope"), "--to", str(tmp_path / "out")])
    assert res.exit_code == 1 and "nope" in res.stderr and "exported 0 documents" in res.stdout
