"""Bad input: every broken file gets one clear line naming it (and the page), the good document in
the same batch is still extracted and written, and nothing already written is lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLES
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from budgetdoc.cli import app
from budgetdoc.model.io import load_document

pytestmark = pytest.mark.slow


def _text_page(path: Path) -> None:
    """A page of plain Chinese prose: not a disclosure."""
    from budgetdoc.synth.fonts import NOTO_SERIF_SC, load_font

    im = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(im)
    font = load_font(NOTO_SERIF_SC, 40)
    for i, line in enumerate(["春天来了，公园里的花都开了。", "孩子们在草地上放风筝，", "老人们在树下下棋聊天。"]):
        draw.text((200, 300 + 90 * i), line, fill=0, font=font)
    im.save(path, dpi=(200, 200))


@pytest.fixture(scope="module")
def batch(tmp_path_factory, ingest_helpers):
    src = tmp_path_factory.mktemp("inputs")
    (src / "corrupt.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    (src / "encrypted.pdf").write_bytes(ingest_helpers.encrypted_pdf())
    (src / "empty.pdf").write_bytes(ingest_helpers.empty_pdf())
    (src / "truncated.png").write_bytes(ingest_helpers.png_bytes(np.zeros((50, 50), np.uint8))[:60])
    (src / "bomb.png").write_bytes(ingest_helpers.bomb_png())
    Image.new("L", (1654, 2339), 255).save(src / "blank.png", dpi=(200, 200))
    _text_page(src / "prose.png")
    shutil.copy(next((SAMPLES / "seed-clean" / "pages").glob("page-005.*")), src / "good.png")
    (src / "dept-b").mkdir()  # a sub-folder of page images is one document of its own
    shutil.copy(next((SAMPLES / "seed-clean" / "pages").glob("page-010.*")), src / "dept-b" / "p1.png")
    out = tmp_path_factory.mktemp("out")
    # an earlier run's output of another document: must survive this batch untouched
    (out / "earlier.json").write_text('{"kept": true}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(src), "--out", str(out), "--quiet"])
    return src, out, result


def _error_lines(result) -> list[str]:
    text = result.stderr if hasattr(result, "stderr") else result.output
    return [ln for ln in text.splitlines() if ln.startswith("error: ")]


@pytest.mark.parametrize("name, reason", [
    ("corrupt.pdf", "corrupt"), ("encrypted.pdf", "encrypted"), ("empty.pdf", "empty"),
    ("truncated.png", "render_failed"), ("bomb.png", "too_large"),
])
def test_each_unreadable_file_gets_one_line_naming_it(batch, name, reason):
    _, out, result = batch
    lines = [ln for ln in _error_lines(result) if name in ln]
    assert len(lines) == 1, _error_lines(result)
    assert reason in lines[0]
    assert not (out / f"{Path(name).stem}.json").exists()


def test_blank_page_and_prose_are_flagged_with_their_page(batch):
    _, out, result = batch
    blank = [ln for ln in _error_lines(result) if "blank.png" in ln]
    assert len(blank) == 1 and "page 1" in blank[0] and "blank" in blank[0]
    prose = [ln for ln in _error_lines(result) if "prose.png" in ln]
    assert len(prose) == 1 and "not_a_disclosure" in prose[0]
    doc = load_document(out / "prose.json")
    assert not doc.tables and any("not_a_disclosure" in e.message for e in doc.errors)


def test_the_good_document_is_extracted_and_nothing_is_lost(batch):
    _, out, result = batch
    assert result.exit_code == 1  # some inputs failed: the exit status says so
    doc = load_document(out / "good.json")
    assert [t.table_type.value for t in doc.tables] == ["revenue_summary"]
    assert (out / "good.xlsx").exists() and list((out / "good").glob("*.csv"))
    assert len(load_document(out / "dept-b.json").tables) == 1  # the sub-folder's pages: one document
    assert json.loads((out / "earlier.json").read_text(encoding="utf-8")) == {"kept": True}
    assert not list(out.rglob("*.tmp")), "half-written files left behind"


def test_a_failed_export_keeps_the_previous_complete_output(tmp_path, monkeypatch):
    """The JSON is written last and atomically: an export that dies leaves the old JSON whole."""
    from budgetdoc.export import tabular
    from budgetdoc.model.document import DisclosureDocument
    from budgetdoc.pipeline import DocumentResult
    from budgetdoc.pipeline.outputs import write_outputs

    truth = load_document(SAMPLES / "seed-clean" / "truth.json")
    write_outputs(DocumentResult(document=truth), tmp_path, "doc", tables=False)
    before = (tmp_path / "doc.json").read_bytes()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(tabular, "write_document_exports", boom)
    with pytest.raises(OSError):
        write_outputs(DocumentResult(document=DisclosureDocument(title="changed", tables=truth.tables)), tmp_path, "doc")
    assert (tmp_path / "doc.json").read_bytes() == before
    assert not list(tmp_path.rglob("*.tmp"))
