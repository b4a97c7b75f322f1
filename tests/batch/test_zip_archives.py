"""Zip archives of several disclosures: one document per PDF or folder of page images inside."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from budgetdoc.batch import BatchOptions, Manifest, run_batch
from budgetdoc.batch.manifest import content_key, document_key
from budgetdoc.model.io import load_document
from budgetdoc.pipeline.extract import plan_documents
from budgetdoc.pipeline.options import ExtractOptions

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "datasets" / "samples"
PDF = ROOT / "datasets" / "examples" / "synth-0002-shanxi-office-scan.pdf"
SCANS = ["real-jiangsu-gaoyuan-2017-p013-office-scan", "real-jiangsu-gaoyuan-2018-p009-office-scan"]


def _archive(tmp: Path, *, pdf: bool = True) -> Path:
    path = tmp / "archive.zip"
    with zipfile.ZipFile(path, "w") as z:
        if pdf:
            z.write(PDF, "2026/bureau-a.pdf")
        for s in SCANS:
            for f in sorted((SAMPLES / s / "pages").iterdir()):
                z.write(f, f"scans/{s}/pages/{f.name}")
        z.writestr("__MACOSX/._bureau-a.pdf", b"resource fork")
    return path


def test_a_zip_of_several_documents_is_planned_as_one_document_each(tmp_path):
    docs, errors = plan_documents([_archive(tmp_path)])
    assert not errors
    assert [(d.name, d.member) for d in docs] == [
        ("bureau-a", "2026/bureau-a.pdf"),
        (SCANS[0], f"scans/{SCANS[0]}/pages/"),
        (SCANS[1], f"scans/{SCANS[1]}/pages/"),
    ]
    assert docs[0].label == f"{tmp_path / 'archive.zip'}!2026/bureau-a.pdf"
    # the key follows the content: the same PDF or pages, zipped or not, are one document
    assert document_key(docs[0].paths, docs[0].member) == content_key([PDF])
    pages = sorted((SAMPLES / SCANS[0] / "pages").iterdir())
    assert document_key(docs[1].paths, docs[1].member) == content_key(pages)


def test_a_zip_of_one_folder_of_pages_stays_one_document(tmp_path):
    path = tmp_path / "one.zip"
    with zipfile.ZipFile(path, "w") as z:
        for f in sorted((SAMPLES / "synth-0003-shanxi-poor-scan" / "pages").iterdir()):
            z.write(f, f"pages/{f.name}")
    docs, _ = plan_documents([path])
    assert [(d.name, d.member) for d in docs] == [("one", None)]


@pytest.mark.slow
def test_zip_members_are_extracted_and_a_loose_copy_is_not_extracted_again(tmp_path):
    archive = _archive(tmp_path, pdf=False)
    loose = tmp_path / "loose" / SCANS[0]
    shutil.copytree(SAMPLES / SCANS[0] / "pages", loose)
    docs, errors = plan_documents([archive, loose.parent])
    assert not errors and len(docs) == 3
    out = tmp_path / "out"
    summary = run_batch(docs, ExtractOptions(), BatchOptions(out_dir=out, tables=False))
    assert (summary.extracted, summary.duplicates, summary.failed) == (2, 1, 0)
    for s in SCANS:
        doc = load_document(out / f"{s}.json")
        assert doc.source.path == f"{archive}!scans/{s}/pages/"
        assert doc.tables and [p.number for p in doc.pages] == [1]
    with Manifest.in_folder(out) as m:
        assert sorted(r.inputs[0] for r in m.rows()) == [f"{archive}!scans/{s}/pages/" for s in SCANS]
