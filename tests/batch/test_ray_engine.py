"""The same batch on Ray: a local Ray instance started by the test, two actors, the same manifest."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from budgetdoc.batch import BatchOptions, Manifest, run_batch
from budgetdoc.model.io import load_document
from budgetdoc.pipeline.extract import plan_documents
from budgetdoc.pipeline.options import ExtractOptions

ray = pytest.importorskip("ray", reason="the ray extra is not installed")

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted(p for p in (ROOT / "datasets" / "samples").glob("real-*-office-scan")
                 if len(list((p / "pages").iterdir())) == 1)[:3]


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.mark.slow
def test_ray_engine_extracts_an_archive_and_a_rerun_skips_it(tmp_path, local_ray):
    src = tmp_path / "archive"
    for s in SAMPLES:
        shutil.copytree(s / "pages", src / s.name)
    (src / "broken").mkdir()
    (src / "broken" / "page-001.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    docs, errors = plan_documents([src])
    assert not errors and len(docs) == 4
    out = tmp_path / "out"
    batch = BatchOptions(out_dir=out, engine="ray", workers=2, tables=False)

    first = run_batch(docs, ExtractOptions(), batch)
    assert (first.extracted, first.failed) == (3, 1)
    assert len(first.worker_peak_rss_mb) == 2  # both actors took work
    assert any("broken" in e and "page" in e for e in first.errors)  # names the file
    for s in SAMPLES:
        doc = load_document(out / f"{s.name}.json")
        assert doc.tables and doc.source.page_count == 1
    with Manifest.in_folder(out) as m:
        assert m.counts() == {"done": 3, "failed": 1}

    again = run_batch(docs, ExtractOptions(), batch)
    assert (again.skipped, again.extracted, again.failed) == (3, 0, 1)  # the failed one is retried
    with Manifest.in_folder(out) as m:
        assert m.get(next(r.key for r in m.rows() if r.status == "failed")).attempts == 2
