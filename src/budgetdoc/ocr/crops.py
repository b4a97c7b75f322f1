"""Cutting text-line crops out of a page (cv2 only; no OCR engine needed)."""

from __future__ import annotations

import numpy as np

from budgetdoc.ocr.types import PixelBox, Quad


def _dist(p: tuple[float, float], q: tuple[float, float]) -> float:
    return float(np.hypot(p[0] - q[0], p[1] - q[1]))


def crop_quad(image: np.ndarray, quad: Quad) -> tuple[np.ndarray, Quad]:
    """Warp the quad ``(tl, tr, br, bl)`` to an upright crop, as PP-OCR pipelines do.

    Returns the crop and its **reading quad**: the page points of the crop's top-left, top-right,
    bottom-right and bottom-left corners. A crop at least 1.5 times taller than wide is turned a
    quarter counter-clockwise (vertical text), and the reading quad turns with it, so positions
    along the crop's width map back onto the page through the reading quad.
    """
    import cv2

    tl, tr, br, bl = quad
    w = int(max(_dist(tl, tr), _dist(bl, br)))
    h = int(max(_dist(tl, bl), _dist(tr, br)))
    if w < 1 or h < 1:
        return np.zeros((0, 0) + image.shape[2:], dtype=image.dtype), quad
    src = np.array(quad, dtype=np.float32)
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    crop = cv2.warpPerspective(image, m, (w, h), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    if h / w >= 1.5:
        return np.ascontiguousarray(np.rot90(crop)), (tr, br, bl, tl)
    return crop, quad


def crop_box(image: np.ndarray, box: PixelBox, *, inset: float = 0.0) -> np.ndarray:
    """The axis-aligned ``box`` cut from ``image``, shrunk by ``inset`` pixels on every side
    (to leave a ruled cell's borders out), clipped to the image."""
    h, w = image.shape[:2]
    l = max(0, round(box.l + inset))
    t = max(0, round(box.t + inset))
    r = min(w, round(box.r - inset))
    b = min(h, round(box.b - inset))
    if r <= l or b <= t:
        return image[0:0, 0:0]
    return image[t:b, l:r]


def ink_bounds(crop: np.ndarray, *, min_contrast: int = 40) -> tuple[int, int, int, int] | None:
    """``(l, t, r, b)`` (exclusive ``r``/``b``) of the dark pixels of a light-background crop, or
    ``None`` when nothing stands out from the background by ``min_contrast`` grey levels."""
    if crop.size == 0:
        return None
    gray = crop if crop.ndim == 2 else crop[:, :, :3].mean(axis=2)
    background = float(np.percentile(gray, 90))
    ink = gray < background - min_contrast
    if not ink.any():
        return None
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def trim_to_ink(
    crop: np.ndarray, *, pad_ratio: float = 0.25, min_pad: int = 3
) -> tuple[np.ndarray, tuple[int, int]] | None:
    """The crop cut down to its ink plus a margin (``pad_ratio`` of the ink height, at least
    ``min_pad`` px), and the ``(dx, dy)`` of the cut inside the crop; ``None`` for a blank crop.

    Recognisers expect a line about as high as its text: a ruled cell two rows high with one
    short line in it reads far better trimmed.
    """
    bounds = ink_bounds(crop)
    if bounds is None:
        return None
    l, t, r, b = bounds
    pad = max(min_pad, round((b - t) * pad_ratio))
    h, w = crop.shape[:2]
    l, t, r, b = max(0, l - pad), max(0, t - pad), min(w, r + pad), min(h, b + pad)
    return crop[t:b, l:r], (l, t)


def split_text_rows(
    crop: np.ndarray, *, min_gap: int = 2, min_height_ratio: float = 0.4
) -> list[tuple[int, int]]:
    """Row bands ``(top, bottom)`` of the separate text lines in a crop (wrapped cell text).

    Bands are runs of rows holding ink, split at blank runs of at least ``min_gap`` rows; bands
    lower than ``min_height_ratio`` of the tallest are merged into their nearest neighbour (dots,
    underline specks). A crop with no ink gives ``[]``; one line gives one band.
    """
    if crop.size == 0:
        return []
    gray = crop if crop.ndim == 2 else crop[:, :, :3].mean(axis=2)
    background = float(np.percentile(gray, 90))
    has_ink = (gray < background - 40).any(axis=1)
    bands: list[list[int]] = []
    gap = min_gap
    for y, ink in enumerate(has_ink):
        if ink:
            if bands and gap < min_gap:
                bands[-1][1] = y + 1
            else:
                bands.append([y, y + 1])
            gap = 0
        else:
            gap += 1
    if len(bands) <= 1:
        return [(b[0], b[1]) for b in bands]
    tallest = max(b[1] - b[0] for b in bands)
    merged = True
    while merged and len(bands) > 1:
        merged = False
        for i, (t, b) in enumerate(bands):
            if b - t < min_height_ratio * tallest:
                if i == 0:
                    j = 1
                elif i == len(bands) - 1:
                    j = i - 1
                else:
                    j = i - 1 if t - bands[i - 1][1] <= bands[i + 1][0] - b else i + 1
                lo, hi = min(i, j), max(i, j)
                bands[lo] = [min(bands[lo][0], bands[hi][0]), max(bands[lo][1], bands[hi][1])]
                del bands[hi]
                merged = True
                break
    return [(b[0], b[1]) for b in bands]


def clean_crop(crop: np.ndarray, glyph_px: float, *, min_contrast: int = 40) -> np.ndarray | None:
    """The cell crop with scanner specks and rule remnants painted over with the background, or
    ``None`` when nothing in it is the size of a glyph (a blank cell on a noisy scan).

    ``glyph_px`` is the page's typical glyph height. Solid components (at least 0.45 of it) are
    text; small ones (decimal points, commas, the dots of 元) are kept only next to text; long thin
    strokes along the crop's edge are the cell's own rules cut in, and go.
    """
    import cv2

    if crop.size == 0:
        return None
    gray = crop if crop.ndim == 2 else crop[:, :, :3].mean(axis=2).astype(np.uint8)
    background = float(np.percentile(gray, 90))
    ink = (gray < background - min_contrast).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 1:
        return None
    h, w = gray.shape[:2]
    xs, ys = stats[1:, cv2.CC_STAT_LEFT], stats[1:, cv2.CC_STAT_TOP]
    ws, hs = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    thin = 0.18 * glyph_px
    rule = ((ws >= 0.6 * w) & (hs <= thin)) | ((hs >= 0.6 * h) & (ws <= thin))
    solid = (np.maximum(ws, hs) >= 0.45 * glyph_px) & ~rule
    if not solid.any():
        # a printed run of dots (……, 。。。, the placeholder of a template) is text, specks are not:
        # dots are alike in size and sit on one line
        small = np.flatnonzero(~rule & (np.maximum(ws, hs) >= 0.08 * glyph_px))
        if len(small) >= 3:
            cy = ys[small] + hs[small] / 2
            line = small[np.abs(cy - np.median(cy)) <= 0.15 * glyph_px]
            size = np.maximum(ws[line], hs[line])
            if len(line) >= 3 and size.max() <= 2.5 * max(1, size.min()):
                return crop
        return None
    # small pieces next to text are text too (decimal points, commas, a faint 一 broken in bits);
    # a few rounds let a chain of pieces reach the glyph it belongs to
    keep = solid.copy()
    rx, ry = 1.2 * glyph_px, 0.5 * glyph_px  # along the line a gap of an em (一、基) is still text
    cx, cy = xs + ws / 2, ys + hs / 2
    for _ in range(3):
        k = keep
        near = np.zeros_like(keep)
        for i in np.flatnonzero(~keep & ~rule):
            near[i] = bool(((xs[k] - rx <= cx[i]) & (cx[i] <= xs[k] + ws[k] + rx)
                            & (ys[k] - ry <= cy[i]) & (cy[i] <= ys[k] + hs[k] + ry)).any())
        if not near.any():
            break
        keep = keep | near
    if keep.all():
        return crop
    lut = np.zeros(n, dtype=bool)
    lut[1:] = ~keep
    out = crop.copy()
    out[lut[labels]] = int(background) if crop.ndim == 2 else np.uint8(background)
    return out
