"""``budgetdoc synth``: writes valid, deterministic sample folders (truth, labels, pages, PDF)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
import typer
from PIL import Image
from typer.testing import CliRunner

from budgetdoc.model.io import dump_document, load_document
from budgetdoc.model.labels import PageLabels, SampleMeta
from budgetdoc.synth.command import SampleSpec, build_sample_set, draw_sample, plan_samples, synth
from budgetdoc.synth.render import demo_document

ROOT = Path(__file__).resolve().parents[2]


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(synth)
    return app


@pytest.fixture(scope="module")
def seed_json(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("seed") / "seed_truth.json"
    dump_document(demo_document(long_rows=40), p)
    return p


@pytest.fixture(scope="module")
def written(tmp_path_factory, seed_json) -> Path:
    out = tmp_path_factory.mktemp("out")
    res = CliRunner().invoke(_app(), [str(out), "--seed-truth", str(seed_json), "--preset", "mixed",
                                      "--dpi", "100"])
    assert res.exit_code == 0, res.output
    return out


def _files(folder: Path) -> dict[str, str]:
    return {f.relative_to(folder).as_posix(): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(folder.rglob("*")) if f.is_file()}


def test_writes_one_valid_sample_per_preset(written):
    assert sorted(p.name for p in written.iterdir()) == ["seed-clean", "seed-office-scan", "seed-poor-scan"]
    for sample in written.iterdir():
        truth = load_document(sample / "truth.json")
        meta = SampleMeta.model_validate_json((sample / "meta.json").read_text(encoding="utf-8"))
        labels = sorted((sample / "labels").glob("page-*.json"))
        images = sorted((sample / "pages").iterdir())
        assert len(labels) == len(images) == len(truth.pages) == meta.pages > 1
        assert len(pdfium.PdfDocument(str(sample / "document.pdf"))) == len(images)
        assert meta.origin == "seed" and meta.preset == sample.name.removeprefix("seed-")
        assert meta.degradation["pages"] and meta.degradation["render"]["render_dpi"] == 100
        for t in truth.tables:
            assert (sample / "tables" / f"{t.id}.html").is_file()
        for lf, page in zip(labels, truth.pages, strict=True):
            lab = PageLabels.model_validate_json(lf.read_text(encoding="utf-8"))
            img = Image.open(sample / lab.image)
            assert img.size == (lab.width_px, lab.height_px)
            assert page.transform == lab.transform and page.image == lab.image and page.dpi == lab.dpi
            for c in lab.cells:  # every cell quad lies on the delivered image
                for x, y in c.quad_px:
                    assert -2 <= x <= lab.width_px + 2 and -2 <= y <= lab.height_px + 2
        ext = {"clean": ".png"}.get(meta.preset, ".jpg")
        assert all(p.suffix == ext for p in images)


def test_clean_labels_sit_on_ink(written):
    sample = written / "seed-clean"
    for lf in sorted((sample / "labels").glob("page-*.json")):
        lab = PageLabels.model_validate_json(lf.read_text(encoding="utf-8"))
        a = np.asarray(Image.open(sample / lab.image).convert("L"))
        for c in lab.cells:
            l, t, r, b = c.bbox_px
            inner = a[int(t) + 3:int(b) - 2, int(l) + 3:int(r) - 2]
            if c.text.strip():
                assert inner.min() < 128, c
            else:
                assert inner.min() > 240, c


def test_same_arguments_same_bytes(tmp_path, seed_json, written):
    res = CliRunner().invoke(_app(), [str(tmp_path), "--seed-truth", str(seed_json), "--preset", "mixed",
                                      "--dpi", "100"])
    assert res.exit_code == 0, res.output
    for name in ("seed-clean", "seed-office-scan", "seed-poor-scan"):
        assert _files(tmp_path / name) == _files(written / name), name


def test_bad_options_are_refused(tmp_path, seed_json):
    res = CliRunner().invoke(_app(), [str(tmp_path), "--seed-truth", str(seed_json), "--preset", "fax"])
    assert res.exit_code != 0 and "unknown preset" in res.output
    res = CliRunner().invoke(_app(), [str(tmp_path), "--no-seed-doc"])
    assert res.exit_code != 0


def test_plan_cycles_styles_and_presets():
    specs = plan_samples(seed_doc=False, variants=9, seed=10, preset="mixed", style="mixed", dpi=200,
                         image_format="auto", pdf=True)
    assert len({(s.style, s.preset) for s in specs}) == 9
    assert specs[0].sample_id == "synth-0010-shanxi-clean" and specs[0].seed == 10


def test_no_pdf_and_jpeg_override(tmp_path):
    spec = SampleSpec("demo", "synthetic", 5, "shanghai", "clean", dpi=72, image_format="jpeg", pdf=False,
                      text_pages=False, max_tables=2, max_cards=0)
    out = draw_sample(demo_document(long_rows=8), spec, tmp_path)
    assert not (out / "document.pdf").exists()
    assert all(p.suffix == ".jpg" for p in (out / "pages").iterdir())
    truth = load_document(out / "truth.json")
    assert len(truth.tables) == 2 and not truth.cards
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["style"] == "shanghai" and meta["degradation"]["spec"]["max_tables"] == 2


@pytest.mark.skipif(importlib.util.find_spec("budgetdoc.synth.variants") is None, reason="variants not built yet")
def test_random_variant_sample(tmp_path):
    res = CliRunner().invoke(_app(), [str(tmp_path), "--no-seed-doc", "--variants", "1", "--seed", "3",
                                      "--style", "jiangsu", "--preset", "office-scan", "--dpi", "100"])
    assert res.exit_code == 0, res.output
    sample = tmp_path / "synth-0003-jiangsu-office-scan"
    truth = load_document(sample / "truth.json")
    assert truth.tables and len(list((sample / "labels").iterdir())) == len(truth.pages)


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("budgetdoc.synth.variants") is None
                    or not (ROOT / "datasets/seed/seed_truth.json").is_file(), reason="needs variants and seed")
def test_sample_set_is_complete_and_small(tmp_path):
    paths = build_sample_set(tmp_path, seed_truth=ROOT / "datasets/seed/seed_truth.json")
    names = [p.name for p in paths]
    assert names[:2] == ["seed-clean", "seed-poor-scan"] and len(names) >= 14
    assert {n.split("-", 2)[2] for n in names[2:]} >= {f"{s}-{p}" for s in ("shanxi", "jiangsu", "shanghai")
                                                        for p in ("clean", "office-scan", "poor-scan")}
    size = sum(f.stat().st_size for f in tmp_path.rglob("*") if f.is_file())
    assert size <= 24e6, size  # ~23.3 MB, of which ~8.6 MB is indented JSON
    orient = set()
    cross_page = 0
    for p in paths:
        truth = load_document(p / "truth.json")
        orient |= {pg.orientation for pg in truth.pages}
        cross_page += sum(1 for t in truth.tables if len(t.pages) > 1)
    assert orient == {"portrait", "landscape"} and cross_page >= 3
