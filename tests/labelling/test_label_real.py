"""The whole run: sample folders, report, determinism, and /Rotate handling."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from labelling_helpers import PUTUO, analysis

from budgetdoc.labelling.real_pdf import analyse_pdf, label_real_pdfs, render_page, sample_id
from budgetdoc.model.io import load_document
from budgetdoc.model.labels import PageLabels, SampleMeta


def subset_pdf(src: Path, pages: list[int], dst: Path) -> Path:
    """A copy of ``src`` holding only ``pages`` (1-based), written with pdfium."""
    out = pdfium.PdfDocument.new()
    out.import_pages(pdfium.PdfDocument(str(src)), [p - 1 for p in pages])
    out.save(str(dst))
    return dst


@pytest.fixture(scope="module")
def small_pdf(tmp_path_factory) -> Path:
    # cover, the 收入预算总表 and its continuation, a narrative page
    d = tmp_path_factory.mktemp("pdf")
    return subset_pdf(PUTUO, [1, 10, 11, 22], d / "shanghai-putuo-caizhengju-2025-budget.pdf")


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_label_real_pdfs_writes_valid_deterministic_samples(small_pdf, tmp_path):
    kw = dict(presets=("clean", "poor-scan"), seed=5, pages_per_pdf=None, max_total_mb=None)
    rep = label_real_pdfs([small_pdf], tmp_path / "a", **kw)
    (pr,) = rep.pdfs
    assert (pr.tried, pr.labelled, pr.rejected) == (4, [2, 3], {1: "no_ruled_table", 4: "no_ruled_table"})
    assert pr.rejected_by_reason == {"no_ruled_table": 2}
    assert rep.samples == ["real-shanghai-putuo-caizhengju-2025-p002-clean",
                           "real-shanghai-putuo-caizhengju-2025-p003-poor-scan"]
    assert json.loads((tmp_path / "a" / "labelling-report.json").read_text())["samples"] == rep.samples
    for sid in rep.samples:
        d = tmp_path / "a" / sid
        meta = SampleMeta.model_validate_json((d / "meta.json").read_text(encoding="utf-8"))
        assert meta.origin == "real" and meta.source_pdf == small_pdf.name and len(meta.source_pages) == 1
        doc = load_document(d / "truth.json")
        lab = PageLabels.model_validate_json((d / "labels" / "page-001.json").read_text(encoding="utf-8"))
        assert (d / lab.image).is_file() and (d / "document.pdf").is_file()
        assert lab.image.endswith(".png" if meta.preset == "clean" else ".jpg")
        assert doc.department == "上海市普陀区财政局" and doc.year == 2025
        assert doc.pages[0].width > doc.pages[0].height  # landscape
        (t,) = doc.tables
        assert t.title == "2025年部门收入预算总表" and t.unit.value == "元"
        assert all(c.provenance.source == "text_layer" and c.provenance.page == 1 for c in t.cells)
        # every label cell is a truth cell with the same text and span
        for c in lab.cells:
            tc = t.cell_at(c.row, c.col)
            assert (tc.row, tc.col, tc.row_span, tc.col_span, tc.text) == (c.row, c.col, c.row_span, c.col_span,
                                                                          c.text)
        assert {r.kind for r in lab.regions} >= {"table"}
    # same inputs, same bytes
    label_real_pdfs([small_pdf], tmp_path / "b", **kw)
    assert files(tmp_path / "a") == files(tmp_path / "b")


def test_size_budget_keeps_samples_within_it(small_pdf, tmp_path):
    rep = label_real_pdfs([small_pdf], tmp_path, presets=("clean",), seed=1, pages_per_pdf=1, max_total_mb=0.01)
    assert rep.samples == [] and len(rep.skipped_for_size) == 1 and rep.total_bytes == 0
    assert not any(p.is_dir() for p in tmp_path.iterdir())


def test_sample_id():
    assert sample_id(Path("x/jiangsu-gaoyuan-2019-budget.pdf"), 8, "office-scan") == \
        "real-jiangsu-gaoyuan-2019-p008-office-scan"


def test_rotated_page_box_reads_like_the_upright_page(tmp_path):
    """A landscape page stored sideways in a portrait box with /Rotate 90 gives the same labels."""
    pikepdf = pytest.importorskip("pikepdf")
    src = pikepdf.open(str(PUTUO))
    out = pikepdf.new()
    out.pages.append(src.pages[9])
    page = out.pages[0]
    w, h = (float(v) for v in page.mediabox[2:])  # 841.9 x 595.3
    page.contents_coalesce()
    # draw the content turned 90° counter-clockwise into a portrait box; /Rotate 90 turns it back
    body = page.Contents.read_bytes()
    page.Contents.write(f"q 0 1 -1 0 {h:.4f} 0 cm\n".encode() + body + b"\nQ\n")
    page.MediaBox = [0, 0, h, w]
    page.Rotate = 90
    rotated = tmp_path / "rotated.pdf"
    out.save(str(rotated))

    ref = analysis(PUTUO, 10)
    (pa,) = analyse_pdf(rotated)
    assert pa.ok, pa.detail
    assert (round(pa.width, 1), round(pa.height, 1)) == (round(ref.width, 1), round(ref.height, 1))
    (t,), (rt,) = pa.tables, ref.tables
    assert len(t.cells) == len(rt.cells)
    for a, b in zip(t.cells, rt.cells):
        assert (a.row, a.col, a.row_span, a.col_span, a.text) == (b.row, b.col, b.row_span, b.col_span, b.text)
        assert all(abs(u - v) < 0.05 for u, v in zip(a.bbox, b.bbox))
    # pdfium renders it upright too, pixel for pixel (up to anti-aliasing)
    a, b = (np.asarray(render_page(p, n, dpi=72).convert("L"), dtype=np.int16) for p, n in ((rotated, 1), (PUTUO, 10)))
    assert a.shape == b.shape and np.abs(a - b).mean() < 2.0


def test_label_real_command(small_pdf, tmp_path):
    import typer
    from typer.testing import CliRunner

    from budgetdoc.labelling.real_pdf import label_real

    app = typer.Typer()
    app.command("label-real")(label_real)
    app.command("other")(lambda: None)  # more than one command: "label-real" is a subcommand
    res = CliRunner().invoke(app, ["label-real", str(small_pdf.parent), "--out", str(tmp_path), "--presets", "clean",
                                   "--pages-per-pdf", "1", "--max-total-mb", "0"])
    assert res.exit_code == 0, res.output
    assert "4 pages tried, 2 labelled, 2 rejected (no_ruled_table 2); 1 samples" in res.output
    assert (tmp_path / "real-shanghai-putuo-caizhengju-2025-p003-clean" / "truth.json").is_file()
