"""The committed labelled sample set: intact, valid, labels that sit on real ink, reproducible."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from budgetdoc.model.io import load_document
from budgetdoc.model.labels import PageLabels, SampleMeta
from budgetdoc.synth.sample_set import sample_dirs, summarize, verify_checksums

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "datasets" / "samples"
DIRS = sample_dirs(SAMPLES)


def test_checksums_match_the_committed_files():
    assert verify_checksums(SAMPLES) == []


def test_set_has_the_promised_composition():
    metas = [SampleMeta.model_validate_json((d / "meta.json").read_text(encoding="utf-8")) for d in DIRS]
    seed = {m.preset for m in metas if m.origin == "seed"}
    assert {"clean", "poor-scan"} <= seed
    synthetic = [m for m in metas if m.origin == "synthetic"]
    assert len(synthetic) >= 12
    assert len({m.style for m in synthetic}) >= 3 and len({m.preset for m in synthetic}) >= 3
    real_pages = sum(len(m.source_pages) for m in metas if m.origin == "real")
    assert real_pages >= 20
    assert len({m.source_pdf for m in metas if m.origin == "real"}) == 6
    size = sum(f.stat().st_size for f in SAMPLES.rglob("*") if f.is_file())
    assert size < 32e6, f"sample set is {size / 1e6:.1f} MB"


def test_summary_json_is_current():
    committed = json.loads((SAMPLES / "summary.json").read_text(encoding="utf-8"))
    fresh = summarize(SAMPLES)
    for key in ("total", "by_origin", "pages_by_preset", "tables_by_type"):
        assert committed[key] == fresh[key]


@pytest.mark.parametrize("sample", DIRS, ids=[d.name for d in DIRS])
def test_sample_is_valid_and_complete(sample: Path):
    doc = load_document(sample / "truth.json")
    labels = [PageLabels.model_validate_json(p.read_text(encoding="utf-8"))
              for p in sorted((sample / "labels").glob("page-*.json"))]
    assert labels, "no page labels"
    assert [lab.page for lab in labels] == list(range(1, len(labels) + 1))
    for t in doc.tables:
        assert (sample / "tables" / f"{t.id}.html").is_file()
        assert t.pages, f"{t.id} has no pages"
    # every labelled cell belongs to a table or card of the truth, at a position that exists there
    grids = {t.id: t for t in doc.tables} | {c.id: c.form for c in doc.cards if c.form is not None}
    for lab in labels:
        assert (sample / lab.image).is_file()
        for cell in lab.cells:
            grid = grids[cell.table_id or cell.card_id]
            truth_cell = grid.cell_at(cell.row, cell.col)
            assert truth_cell is not None and truth_cell.text == cell.text
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(sample / "document.pdf"))
    assert len(pdf) == len(labels)
    assert not pdf[0].get_textpage().get_text_range().strip(), "the PDF must be image-only"


def _ink_fraction(gray: np.ndarray, box: tuple[float, float, float, float], shrink: float) -> float:
    l, t, r, b = box
    l, t, r, b = int(l + shrink), int(t + shrink), int(r - shrink), int(b - shrink)
    if r <= l or b <= t:
        return 0.0
    crop = gray[max(t, 0):b, max(l, 0):r]
    return float((crop < 128).mean()) if crop.size else 0.0


CLEAN = [d for d in DIRS if json.loads((d / "meta.json").read_text(encoding="utf-8")).get("preset") == "clean"]


@pytest.mark.slow
@pytest.mark.parametrize("sample", CLEAN, ids=[d.name for d in CLEAN])
def test_clean_cell_boxes_hold_ink_of_their_text_and_empty_cells_are_blank(sample: Path):
    for lp in sorted((sample / "labels").glob("page-*.json")):
        lab = PageLabels.model_validate_json(lp.read_text(encoding="utf-8"))
        gray = np.asarray(Image.open(sample / lab.image).convert("L"))
        shrink = 4 * lab.dpi / 200  # stay clear of the ruling lines
        for cell in lab.cells:
            ink = _ink_fraction(gray, cell.bbox_px, shrink)
            where = f"{sample.name} p{lab.page} {cell.table_id or cell.card_id} ({cell.row},{cell.col}) {cell.text!r}"
            if cell.text.strip():
                assert ink > 0.002, f"no ink in {where}"
            else:
                assert ink == 0.0, f"ink in empty cell {where}"
