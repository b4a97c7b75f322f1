"""Raster inputs: PNG/JPEG/TIFF (multi-page), dpi from the header or assumed, modes normalised to
uint8 gray or RGB, EXIF turns applied, bombs and broken files refused as IngestErrors, blank pages
flagged."""

from __future__ import annotations

import io

import numpy as np
import pytest
from ingest_helpers import CLEAN_PNG, SCAN_JPG, bomb_png, png_bytes
from PIL import Image

from budgetdoc.ingest import IngestError, IngestOptions, PageImage, read_pages
from budgetdoc.synth.degrade import degrade


def _items(path, **opts):
    return list(read_pages(path, IngestOptions(**opts)))


def test_sample_jpeg_keeps_its_dpi():
    (page,) = _items(SCAN_JPG)
    assert isinstance(page, PageImage)
    assert page.media_type == "image/jpeg" and page.dpi == 150 and page.dpi_source == "metadata"
    h, w = page.image.shape
    assert (page.width_pt, page.height_pt) == pytest.approx((w * 72 / 150, h * 72 / 150))
    assert page.text_layer is None and not page.is_blank and page.source == str(SCAN_JPG)


def test_palette_png_becomes_gray_or_rgb():
    (gray,) = _items(CLEAN_PNG)
    (rgb,) = _items(CLEAN_PNG, color="rgb")
    assert gray.image.ndim == 2 and gray.image.dtype == np.uint8
    assert rgb.image.shape == (*gray.image.shape, 3)
    assert gray.dpi == pytest.approx(200, abs=0.01)


def test_image_without_dpi_gets_the_assumed_dpi(tmp_path):
    p = tmp_path / "nodpi.png"
    p.write_bytes(png_bytes(np.full((100, 80), 255, np.uint8)))
    (page,) = _items(p, assumed_image_dpi=300)
    assert page.dpi == 300 and page.dpi_source == "assumed"
    assert page.width_pt == pytest.approx(80 * 72 / 300)


def test_multipage_tiff_gives_every_frame(tmp_path):
    frames = [Image.fromarray(np.full((600, 400), v, np.uint8)) for v in (255, 128, 255)]
    for y in range(100, 300, 40):  # lines of "glyphs" on the first page
        for x in range(50, 350, 30):
            frames[0].paste(0, (x, y, x + 20, y + 20))
    p = tmp_path / "scan.tif"
    frames[0].save(p, save_all=True, append_images=frames[1:], dpi=(300, 300))
    pages = _items(p)
    assert [x.page for x in pages] == [1, 2, 3] and [x.index for x in pages] == [0, 1, 2]
    assert [int(x.image.mean()) for x in pages] == [233, 128, 255]
    assert all(x.media_type == "image/tiff" and x.dpi == 300 for x in pages)
    assert not pages[0].is_blank and pages[1].is_blank and pages[2].is_blank  # uniform grey: blank


def test_modes_rgba_and_16_bit(tmp_path):
    rgba = np.zeros((20, 30, 4), np.uint8)
    rgba[..., 3] = 0  # fully transparent: white paper
    rgba[5:10, 5:10] = (0, 0, 0, 255)
    p = tmp_path / "rgba.png"
    p.write_bytes(png_bytes(rgba))
    (page,) = _items(p)
    assert page.image[0, 0] == 255 and page.image[7, 7] == 0
    deep = tmp_path / "deep.png"
    Image.fromarray(np.full((10, 10), 65535, np.uint16)).save(deep)
    (page16,) = _items(deep)
    assert page16.image.dtype == np.uint8 and page16.image.max() == 255


def test_exif_orientation_is_applied(tmp_path):
    arr = np.full((40, 100), 255, np.uint8)
    arr[:, :10] = 0  # a dark band on the left
    im = Image.fromarray(arr)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to view"
    p = tmp_path / "phone.jpg"
    im.save(p, exif=exif.tobytes(), quality=95)
    (page,) = _items(p)
    assert page.image.shape == (100, 40) and page.rotation_applied == 90  # clockwise, like /Rotate
    assert page.image[:10].mean() < 60  # the band is now on top


def test_decompression_bomb_is_refused(tmp_path):
    p = tmp_path / "bomb.png"
    p.write_bytes(bomb_png(30_000, 30_000))  # 900 MP claimed in a few bytes
    (err,) = _items(p)
    assert isinstance(err, IngestError) and err.reason == "too_large" and "bomb.png" in err.message


def test_pixel_cap_is_configurable(tmp_path):
    p = tmp_path / "big.png"
    p.write_bytes(bomb_png(3_000, 2_000))  # 6 MP: under Pillow's guard, over our cap of 5 MP
    (err,) = _items(p, max_pixels=5_000_000)
    assert isinstance(err, IngestError) and err.reason == "too_large" and err.page == 1
    assert "3000x2000" in err.message and "\n" not in err.message


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("garbage.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "corrupt"),
        ("not-an-image.jpg", b"plain text", "corrupt"),
        ("empty.tif", b"", "corrupt"),
    ],
)
def test_unreadable_image_is_an_error(tmp_path, name, data, reason):
    p = tmp_path / name
    p.write_bytes(data)
    (err,) = _items(p)
    assert isinstance(err, IngestError) and err.reason == reason and name in err.message


def test_truncated_jpeg_names_the_page(tmp_path):
    data = SCAN_JPG.read_bytes()
    p = tmp_path / "cut.jpg"
    p.write_bytes(data[: len(data) // 2])
    (err,) = _items(p)
    assert isinstance(err, IngestError) and err.reason == "render_failed" and err.page == 1
    assert err.message.startswith(f"{p} page 1: render_failed:")


def test_blank_scan_is_flagged_and_sparse_page_is_not(tmp_path):
    w_pt, h_pt = 595.3, 841.9
    white = Image.new("L", (round(w_pt * 200 / 72), round(h_pt * 200 / 72)), 255)
    for seed in range(3):  # speckle, grain, uneven light, blur: still blank
        scan = degrade(white, width_pt=w_pt, height_pt=h_pt, render_dpi=200, preset="poor-scan",
                       rng=np.random.default_rng(seed))
        buf = io.BytesIO()
        scan.image.save(buf, format="PNG")
        p = tmp_path / f"blank-{seed}.png"
        p.write_bytes(buf.getvalue())
        (page,) = _items(p)
        assert page.is_blank, page.ink_fraction
    # a cover page with two short lines of text (and speckle) is not blank
    (cover,) = _items(SCAN_JPG.parent / "page-001.jpg")
    assert not cover.is_blank and cover.ink_fraction > 10 * IngestOptions().blank_ink_fraction
