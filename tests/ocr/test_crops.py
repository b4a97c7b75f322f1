from __future__ import annotations

import numpy as np

from budgetdoc.ocr.crops import crop_box, crop_quad, ink_bounds, split_text_rows, trim_to_ink
from budgetdoc.ocr.types import PixelBox


def blank(h: int, w: int) -> np.ndarray:
    return np.full((h, w, 3), 255, dtype=np.uint8)


def test_crop_quad_keeps_wide_crops_and_turns_tall_ones():
    img = blank(200, 300)
    crop, rq = crop_quad(img, ((10.0, 10.0), (110.0, 10.0), (110.0, 40.0), (10.0, 40.0)))
    assert crop.shape[:2] == (30, 100) and rq[0] == (10.0, 10.0)
    tall = ((10.0, 10.0), (40.0, 10.0), (40.0, 110.0), (10.0, 110.0))
    crop, rq = crop_quad(img, tall)
    assert crop.shape[:2] == (30, 100)
    # the turned crop's top-left corner is the quad's top-right
    assert rq == (tall[1], tall[2], tall[3], tall[0])


def test_crop_box_insets_and_clips():
    img = blank(100, 100)
    assert crop_box(img, PixelBox(l=10, t=10, r=50, b=40), inset=4).shape[:2] == (22, 32)
    assert crop_box(img, PixelBox(l=90, t=90, r=150, b=150)).shape[:2] == (10, 10)
    assert crop_box(img, PixelBox(l=10, t=10, r=14, b=14), inset=3).size == 0


def test_ink_trim_and_row_bands():
    img = blank(120, 200)
    img[20:40, 30:170] = 0  # first line
    img[60:80, 30:90] = 0  # wrapped second line
    img[100:102, 100:102] = 0  # a speck
    assert ink_bounds(img) == (30, 20, 170, 102)
    assert ink_bounds(blank(10, 10)) is None
    assert split_text_rows(img) == [(20, 40), (60, 102)]
    cut, (dx, dy) = trim_to_ink(img[0:50])
    assert (dx, dy) == (25, 15) and cut.shape[:2] == (30, 150)
    assert trim_to_ink(blank(5, 5)) is None
