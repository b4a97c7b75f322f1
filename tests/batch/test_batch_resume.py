"""Batch runs: the manifest's plan, and a real run killed with SIGKILL and resumed."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from budgetdoc.batch.manifest import Manifest, content_key, options_fingerprint
from budgetdoc.batch.runner import BatchOptions, BatchSummary, _plan, sweep_partial_files
from budgetdoc.model.io import load_document
from budgetdoc.pipeline.extract import plan_documents
from budgetdoc.pipeline.options import ExtractOptions

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "datasets" / "samples"
# one-page generated scans of real pages (office and poor scans): quick to extract, real pixels
PAGES = sorted(p for p in SAMPLES.glob("real-*-scan") if len(list((p / "pages").iterdir())) == 1)[:6]


def _input_folder(tmp: Path, n: int) -> Path:
    root = tmp / "archive"
    for sample in PAGES[:n]:
        shutil.copytree(sample / "pages", root / sample.name)
    return root


def test_plan_skips_done_redoes_cut_off_retries_failed_and_extracts_a_repeated_file_once(tmp_path):
    src = _input_folder(tmp_path, 4)
    shutil.copytree(src / PAGES[0].name, src / "zz-copy")  # same pages under another name
    docs, errors = plan_documents([src])
    assert not errors and len(docs) == 5
    out = tmp_path / "out"
    opts = options_fingerprint(ExtractOptions().model_dump_json())
    batch = BatchOptions(out_dir=out)
    with Manifest.in_folder(out) as m:
        first = _plan(docs, m, batch, opts, "run-1", BatchSummary())
        assert len(first) == 4  # the copy is the same document
        assert [r.path for r in _aliases(m)] == [str(next((src / "zz-copy").iterdir()))]
        done, cut_off, failed, pending = first
        for job in (done, cut_off, failed):
            m.mark_running(job.key, "run-1")
        (out / f"{done.doc.name}.json").write_text("{}", encoding="utf-8")
        m.mark_done(done.key, pages=1, seconds=1.0, error=None, run_id="run-1")
        m.mark_failed(failed.key, "boom", "run-1")
        # a rerun: the done one is skipped; the cut-off (running), failed and pending ones go again
        summary = BatchSummary()
        again = _plan(docs, m, batch, opts, "run-2", summary)
        assert {j.key for j in again} == {cut_off.key, failed.key, pending.key}
        assert summary.skipped == 1 and summary.duplicates == 1
        # other options, or --force, or a lost JSON: done again
        assert len(_plan(docs, m, batch, "other-options", "run-3", BatchSummary())) == 4
        assert len(_plan(docs, m, BatchOptions(out_dir=out, force=True), opts, "run-4", BatchSummary())) == 4
        m.mark_done(done.key, pages=1, seconds=1.0, error=None, run_id="run-4")
        (out / f"{done.doc.name}.json").unlink()
        assert done.key in {j.key for j in _plan(docs, m, batch, opts, "run-5", BatchSummary())}
        # a name is kept per content: the same file renamed keeps its output name
        assert m.get(done.key).name == done.doc.name


def _aliases(m: Manifest):
    from collections import namedtuple

    Row = namedtuple("Row", "path key")
    return [Row(*r) for r in m._db.execute("SELECT path, key FROM aliases ORDER BY path")]


def test_content_key_follows_content_not_names(tmp_path):
    a = tmp_path / "a.pdf"
    a.write_bytes(b"%PDF-1.4 one")
    b = tmp_path / "sub" / "renamed.pdf"
    b.parent.mkdir()
    b.write_bytes(b"%PDF-1.4 one")
    assert content_key([a]) == content_key([b])
    b.write_bytes(b"%PDF-1.4 two")
    assert content_key([a]) != content_key([b])


def test_stale_partial_files_of_a_killed_write_are_swept(tmp_path):
    (tmp_path / "doc").mkdir()
    (tmp_path / ".doc.json.abc123.tmp").write_text("half", encoding="utf-8")
    (tmp_path / "doc" / ".t01.csv.x.tmp").write_text("half", encoding="utf-8")
    (tmp_path / "doc.json").write_text("{}", encoding="utf-8")
    assert sweep_partial_files(tmp_path) == 2
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["doc.json"]


def _manifest_rows(out: Path) -> list[tuple]:
    if not (out / "manifest.sqlite").exists():
        return []
    db = sqlite3.connect(out / "manifest.sqlite")
    try:
        return db.execute("SELECT name, status, attempts, run_id FROM documents ORDER BY name").fetchall()
    finally:
        db.close()


@pytest.mark.slow
def test_a_run_killed_with_sigkill_resumes_with_every_document_extracted_exactly_once(tmp_path):
    src = _input_folder(tmp_path, 6)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "budgetdoc.cli", "extract", str(src), "--out", str(out), "--workers", "2", "-q"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 300
    try:
        # kill the driver and both workers as soon as the first documents are in
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if sum(r[1] == "done" for r in _manifest_rows(out)) >= 2:
                    break
            except sqlite3.Error:  # not created yet
                pass
            time.sleep(0.2)
        assert proc.poll() is None, f"the run ended before it could be killed: {proc.stderr.read().decode()}"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    killed = {r[0]: r for r in _manifest_rows(out)}
    done_before = {n for n, r in killed.items() if r[1] == "done"}
    assert 2 <= len(done_before) < 6, killed
    mtimes = {n: (out / f"{n}.json").stat().st_mtime_ns for n in done_before}
    for name, row in killed.items():  # nothing half-written: a JSON exists exactly for the done ones
        assert (out / f"{name}.json").exists() == (row[1] == "done"), row

    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert '"skipped": %d' % len(done_before) in rerun.stdout

    rows = _manifest_rows(out)
    assert sorted(r[0] for r in rows) == sorted(p.name for p in PAGES[:6])
    assert all(r[1] == "done" for r in rows), rows
    for name, status, attempts, run_id in rows:
        if name in done_before:  # not extracted again
            assert attempts == 1 and run_id == killed[name][3]
            assert (out / f"{name}.json").stat().st_mtime_ns == mtimes[name]
    jsons = sorted(out.glob("*.json"))
    assert [p.stem for p in jsons] == sorted(r[0] for r in rows)  # one output per document, no duplicate
    assert not list(out.rglob("*.tmp"))
    for p in jsons:
        doc = load_document(p)  # validates against the schema
        assert doc.tables and doc.pages and doc.source.page_count == 1
        book = load_workbook(p.with_suffix(".xlsx"), read_only=True)  # the workbook beside it opens
        assert len(book.sheetnames) == 1 + len(doc.tables) + len(doc.cards)
        csvs = [c.name for c in (out / p.stem).glob("*.csv")]
        assert all(any(name.startswith(f"{t.id}-") for name in csvs) for t in doc.tables), csvs
