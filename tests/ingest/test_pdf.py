"""PDF pages: rendered once at the dpi asked, /Rotate honoured, text layer boxes on the ink,
image-only pages without a text layer, and every broken PDF a one-line IngestError."""

from __future__ import annotations

import numpy as np
import pypdfium2 as pdfium
import pytest
from ingest_helpers import CLEAN_PNG, empty_pdf, encrypted_pdf, image_only_pdf, one_real_page

from budgetdoc.ingest import IngestError, IngestOptions, PageImage, read_pages
from budgetdoc.ingest.pdf import PageBox


def _only_page(path, **opts) -> PageImage:
    items = list(read_pages(path, IngestOptions(**opts)))
    assert len(items) == 1 and isinstance(items[0], PageImage), items
    return items[0]


def _ink_under(page: PageImage, min_share: float = 0.95) -> float:
    """Share of text-layer characters whose box (mapped to pixels) holds dark pixels."""
    s = page.scale
    hits = 0
    for c in page.text_layer.chars:
        l, t, r, b = (round(v * s) for v in (c.bbox.l, c.bbox.t, c.bbox.r, c.bbox.b))
        crop = page.image[max(0, t):b + 1, max(0, l):r + 1]
        hits += int(crop.size > 0 and crop.min() < 200)
    return hits / len(page.text_layer.chars)


def test_born_digital_page_has_text_layer_on_the_ink(real_page_pdf):
    page = _only_page(real_page_pdf, dpi=100)
    assert page.media_type == "application/pdf" and page.dpi_source == "render"
    assert (page.width_pt, page.height_pt) == pytest.approx((595.32, 841.92), abs=0.01)
    assert page.image.shape[0] == pytest.approx(841.92 * 100 / 72, abs=1)
    assert page.image.shape[1] == pytest.approx(595.32 * 100 / 72, abs=1)
    assert page.image.dtype == np.uint8 and page.image.ndim == 2
    assert page.has_text_layer and len(page.text_layer.chars) > 100 and page.text_layer.words
    assert "2017" in page.text_layer.text
    assert _ink_under(page) >= 0.98
    assert not page.is_blank
    model_page = page.to_page()
    assert model_page.has_text_layer and model_page.orientation == "portrait" and model_page.dpi == 100


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotate_is_honoured_for_pixels_and_text_boxes(tmp_path, rotation):
    upright = _only_page(_write(tmp_path, "u.pdf", one_real_page()), dpi=72)
    turned = _only_page(_write(tmp_path, f"r{rotation}.pdf", one_real_page(rotation)), dpi=72)
    assert turned.rotation_applied == rotation
    k = {90: -1, 180: 2, 270: 1}[rotation]  # /Rotate is clockwise as displayed
    assert turned.image.shape == np.rot90(upright.image, k).shape
    assert np.mean(np.abs(turned.image.astype(int) - np.rot90(upright.image, k).astype(int))) < 2.0
    if rotation in (90, 270):
        assert (turned.width_pt, turned.height_pt) == pytest.approx((upright.height_pt, upright.width_pt))
        assert turned.to_page().orientation == "landscape"
    assert _ink_under(turned) >= 0.98


def test_page_box_maps_corners_for_each_rotation():
    box = (10.0, 20.0, 110.0, 220.0)  # 100 x 200 pt, offset cropbox
    tl, tr_ = (10.0, 220.0), (110.0, 220.0)  # unrotated top-left / top-right in PDF user space
    assert PageBox(box, 0).point(*tl) == (0.0, 0.0)
    assert PageBox(box, 90).point(*tl) == (200.0, 0.0) and PageBox(box, 90).size == (200.0, 100.0)
    assert PageBox(box, 180).point(*tl) == (100.0, 200.0)
    assert PageBox(box, 270).point(*tl) == (0.0, 100.0)
    assert PageBox(box, 270).point(*tr_) == (0.0, 0.0)


def test_image_only_pdf_has_no_text_layer(tmp_path):
    page = _only_page(_write(tmp_path, "scan.pdf", image_only_pdf(CLEAN_PNG)), dpi=50)
    assert page.text_layer is None and not page.has_text_layer
    assert not page.is_blank


def test_rgb_option(real_page_pdf):
    page = _only_page(real_page_pdf, dpi=36, color="rgb", text_layer=False)
    assert page.image.ndim == 3 and page.image.shape[2] == 3 and page.text_layer is None


def test_each_page_is_rendered_exactly_once(tmp_path, monkeypatch):
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(_write(tmp_path, "one.pdf", one_real_page())))
    doc = pdfium.PdfDocument.new()
    doc.import_pages(src, [0, 0, 0])
    path = tmp_path / "three.pdf"
    doc.save(str(path))
    doc.close()
    src.close()
    calls = []
    original = pdfium.PdfPage.render
    monkeypatch.setattr(pdfium.PdfPage, "render", lambda self, *a, **k: calls.append(1) or original(self, *a, **k))
    pages = list(read_pages(path, IngestOptions(dpi=36)))
    assert [p.page for p in pages] == [1, 2, 3] and [p.index for p in pages] == [0, 1, 2]
    assert len(calls) == 3


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("corrupt.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", "corrupt"),
        ("encrypted.pdf", encrypted_pdf(), "encrypted"),
        ("empty.pdf", empty_pdf(), "empty"),
        ("zero-bytes.pdf", b"", "corrupt"),
        ("not-really.pdf", b"hello, I am text", "corrupt"),
    ],
)
def test_bad_pdf_is_one_line_error(tmp_path, name, data, reason):
    items = list(read_pages(_write(tmp_path, name, data)))
    assert len(items) == 1 and isinstance(items[0], IngestError)
    err = items[0]
    assert err.reason == reason and name in err.message and "\n" not in err.message
    assert err.to_processing_error().stage == "ingest"


def test_truncated_pdf_is_corrupt(tmp_path):
    data = one_real_page()
    items = list(read_pages(_write(tmp_path, "cut.pdf", data[: len(data) // 3])))
    assert all(isinstance(i, IngestError) for i in items) or all(isinstance(i, PageImage) for i in items)
    if isinstance(items[0], IngestError):
        assert items[0].reason in ("corrupt", "render_failed")


def test_giant_page_is_refused_before_rendering(tmp_path):
    doc = pdfium.PdfDocument.new()
    doc.new_page(14400, 14400)  # the largest page PDF allows: 200 in square
    path = tmp_path / "giant.pdf"
    doc.save(str(path))
    doc.close()
    (err,) = read_pages(path)
    assert isinstance(err, IngestError) and err.reason == "too_large" and err.page == 1
    assert "page 1" in err.message


def test_blank_pdf_page_is_flagged_not_failed(tmp_path):
    doc = pdfium.PdfDocument.new()
    doc.new_page(595, 842)
    path = tmp_path / "blank.pdf"
    doc.save(str(path))
    doc.close()
    page = _only_page(path, dpi=50)
    assert page.is_blank and page.ink_fraction == 0.0 and page.text_layer is None


def _write(folder, name, data: bytes):
    p = folder / name
    p.write_bytes(data)
    return p
