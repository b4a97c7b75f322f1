"""Shared pixel helpers: gray conversion and an ink mask that tolerates uneven light and speckle."""

from __future__ import annotations

import cv2
import numpy as np


def to_gray(image: np.ndarray) -> np.ndarray:
    """A uint8 gray view of a gray, RGB or RGBA image (copy only when converting)."""
    a = np.asarray(image)
    if a.ndim == 2:
        return a if a.dtype == np.uint8 else np.clip(a, 0, 255).astype(np.uint8)
    if a.ndim == 3 and a.shape[2] in (3, 4):
        a = a if a.dtype == np.uint8 else np.clip(a, 0, 255).astype(np.uint8)
        return cv2.cvtColor(a, cv2.COLOR_RGBA2GRAY if a.shape[2] == 4 else cv2.COLOR_RGB2GRAY)
    raise ValueError(f"expected a 2-D gray or HxWx3/4 colour image, got shape {a.shape}")


def ink_mask(gray: np.ndarray, *, min_contrast: float = 40.0, otsu_factor: float = 1.0) -> np.ndarray:
    """Boolean mask of ink: pixels clearly darker than the local paper.

    The paper level is estimated by a large grey closing on a 1/8-scale copy (so a shadow or uneven
    light does not read as ink); a pixel is ink when it is at least ``max(min_contrast, otsu_factor × Otsu threshold)``
    darker than the paper. The defaults keep solid ink (rules,
    bold strokes: what skew needs); ``min_contrast=30, otsu_factor=0.5`` also keeps thin, light
    strokes of small glyphs (what glyph shapes need). Isolated specks survive; callers filter them.
    """
    h, w = gray.shape
    f = 8
    small = cv2.resize(gray, (max(1, w // f), max(1, h // f)), interpolation=cv2.INTER_AREA)
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    paper_small = cv2.morphologyEx(small, cv2.MORPH_CLOSE, k)  # removes text (dark, thin)
    paper_small = cv2.GaussianBlur(paper_small, (0, 0), 2.0)
    paper = cv2.resize(paper_small, (w, h), interpolation=cv2.INTER_LINEAR)
    diff = cv2.subtract(paper, gray)  # how much darker than the paper, >= 0
    otsu, _ = cv2.threshold(diff, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    thr = max(min_contrast, otsu_factor * float(otsu))
    return diff >= thr


def glyph_height(mask: np.ndarray, *, default: float = 16.0) -> float:
    """Typical glyph size (px): the larger of the median height and the median width of the
    connected components that look like glyphs or glyph parts (6-150 px both ways).

    Taking the larger of the two makes it the same for a page and the page turned by 90°, so every
    threshold scaled by it means the same in both orientations. On a page of CJK text and digits
    it is close to the digit height, a good unit for text-scale kernels.
    """
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if n <= 1:
        return default
    h = stats[1:, cv2.CC_STAT_HEIGHT]
    w = stats[1:, cv2.CC_STAT_WIDTH]
    sel = (h >= 6) & (h <= 150) & (w >= 6) & (w <= 150)
    if not sel.any():
        return default
    return float(max(np.median(h[sel]), np.median(w[sel])))
