"""Skew on real pixels: synthetic ruled pages turned by known angles, and the labelled scan pages
whose ``transform.skew_degrees`` is the exact skew applied (within 0.2°, in practice ~0.01°)."""

from __future__ import annotations

import statistics

import numpy as np
import pytest
from preprocess_helpers import fast_subset, preprocessed, ruled_page, scan_pages, turn

from budgetdoc.preprocess import estimate_skew

TOLERANCE = 0.2


@pytest.mark.parametrize("q", [0, 1])
@pytest.mark.parametrize("skew", [-4.2, -1.3, 0.0, 0.37, 2.9])
def test_synthetic_ruled_page(skew, q):
    img, _ = turn(ruled_page(), q, skew)
    assert estimate_skew(img) == pytest.approx(skew, abs=0.05)  # found modulo 90°


def test_blank_and_tiny_pages_read_zero():
    assert estimate_skew(np.full((300, 200), 255, np.uint8)) == 0.0
    speck = np.full((300, 200), 255, np.uint8)
    speck[100, 100] = 0
    assert estimate_skew(speck) == 0.0


def test_rgb_input_is_accepted():
    img, _ = turn(ruled_page(600, 800), 0, 1.5)
    assert estimate_skew(np.repeat(img[..., None], 3, axis=2)) == pytest.approx(1.5, abs=0.05)


def _errors(pages) -> list[float]:
    out = []
    for p in pages:
        rec = preprocessed(p.key).record
        out.append(abs(rec.skew_estimated - p.labels.transform.skew_degrees))
    return out


def test_sample_scans_fast_subset():
    pages = fast_subset()
    errs = _errors(pages)
    bad = [(p.key, round(e, 3)) for p, e in zip(pages, errs) if e > TOLERANCE]
    assert not bad
    assert statistics.median(errs) < 0.02


@pytest.mark.slow
def test_sample_scans_every_page():
    """All 85 office-scan and poor-scan pages (skews up to ±3°, 150-200 dpi, some turned)."""
    pages = scan_pages()
    errs = _errors(pages)
    print(f"\nskew |error| over {len(errs)} pages: median {statistics.median(errs):.4f}°, "
          f"max {max(errs):.4f}°, within {TOLERANCE}°: {sum(e <= TOLERANCE for e in errs)}")
    assert all(e <= TOLERANCE for e in errs)
    assert statistics.median(errs) < 0.01
