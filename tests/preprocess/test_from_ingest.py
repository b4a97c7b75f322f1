"""The two stages chained: ingest reads a turned, skewed scan; preprocess makes it upright; a box
in page points, drawn on the upright image at the dpi ingest reported, maps back through the record
onto the delivered pixels where the label's quad says."""

from __future__ import annotations

import pytest
from preprocess_helpers import SAMPLES

from budgetdoc.ingest import PageImage, read_pages
from budgetdoc.model.geometry import BoundingBox
from budgetdoc.model.labels import PageLabels
from budgetdoc.preprocess import PreprocessOptions, preprocess_image


def test_turned_scan_from_ingest_to_upright():
    sample = SAMPLES / "seed-poor-scan"
    (page,) = read_pages(sample / "pages" / "page-013.jpg")  # turned 270°, skewed -2.39°
    assert isinstance(page, PageImage) and page.dpi == 150
    labels = PageLabels.model_validate_json((sample / "labels" / "page-013.json").read_text(encoding="utf-8"))
    up = preprocess_image(page.image, PreprocessOptions(canvas="fit"))
    assert up.record.quarter_turns == 3
    assert up.record.skew_degrees == pytest.approx(-2.39, abs=0.2)
    h, w = up.image.shape
    assert (w, h) == pytest.approx((842 * page.scale, 595 * page.scale), abs=3)  # the landscape page
    assert labels.cells
    for cell in labels.cells:
        upright_px = BoundingBox(l=cell.bbox_pt[0], t=cell.bbox_pt[1], r=cell.bbox_pt[2],
                                 b=cell.bbox_pt[3]).to_pixels(page.dpi)
        for (u, v), (lu, lv) in zip(up.record.quad_to_input(upright_px), cell.quad_px, strict=True):
            assert abs(u - lu) <= 3 and abs(v - lv) <= 3
