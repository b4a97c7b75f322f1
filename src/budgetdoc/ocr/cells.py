"""Reading ruled table cells from their crops, with any engine.

A cell crop is rarely a good recogniser input as it is: it has blank margins (a cell two rows
high with one short line in it reads badly once squeezed to 48 px), and long labels wrap onto
two or three lines. :func:`read_cells` trims each crop to its ink, splits wrapped text into row
bands, sends every band of every cell through **one** batched
:meth:`~budgetdoc.ocr.base.OcrEngine.recognize_crops` call, and joins the bands again.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict

from budgetdoc.ocr.base import OcrEngine
from budgetdoc.ocr.crops import clean_crop, ink_bounds, split_text_rows
from budgetdoc.ocr.types import OcrLine, join_texts


class CellReading(BaseModel):
    """What was read in one cell crop. ``lines`` are in the crop's own pixels, top to bottom;
    ``text`` joins them (no space between CJK neighbours); empty for a blank cell."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    confidence: float | None = None
    lines: tuple[OcrLine, ...] = ()


def _band_crop(
    crop: np.ndarray, top: int, bottom: int, limits: tuple[int, int], pad_ratio: float, min_pad: int
) -> tuple[np.ndarray, int, int] | None:
    """The band's ink plus a margin, kept within ``limits`` (half-way to the neighbouring bands)."""
    bounds = ink_bounds(crop[top:bottom])
    if bounds is None:
        return None
    l, t, r, b = bounds
    t, b = t + top, b + top
    pad = max(min_pad, round((b - t) * pad_ratio))
    w = crop.shape[1]
    x0, x1 = max(0, l - pad), min(w, r + pad)
    y0, y1 = max(limits[0], t - pad), min(limits[1], b + pad)
    return crop[y0:y1, x0:x1], x0, y0


def read_cells(
    engine: OcrEngine,
    crops: list[np.ndarray],
    *,
    split_lines: bool = True,
    pad_ratio: float = 0.25,
    min_pad: int = 3,
    glyph_px: float | None = None,
) -> list[CellReading]:
    """One :class:`CellReading` per crop (cut inside the cell's rules: see ``crop_box(inset=)``).

    Blank crops are not sent to the engine. ``split_lines=False`` reads each crop's ink as one
    line. ``pad_ratio``/``min_pad`` set the margin kept around the ink. With ``glyph_px`` (the
    page's glyph height) specks and rule remnants are cleaned off first (:func:`clean_crop`), so a
    blank cell of a noisy scan stays blank and a number reads without stray dots.
    """
    pieces: list[tuple[int, np.ndarray, int, int]] = []
    for i, crop in enumerate(crops):
        if glyph_px is not None:
            cleaned = clean_crop(crop, glyph_px)
            if cleaned is None:
                continue
            crop = cleaned
        bounds = ink_bounds(crop)
        if bounds is None:
            continue
        _, t, _, b = bounds
        bands = [(t + bt, t + bb) for bt, bb in split_text_rows(crop[t:b])] if split_lines else [(t, b)]
        h = crop.shape[0]
        for k, (top, bottom) in enumerate(bands):
            lo = (bands[k - 1][1] + top) // 2 if k > 0 else 0
            hi = (bottom + bands[k + 1][0] + 1) // 2 if k + 1 < len(bands) else h
            cut = _band_crop(crop, top, bottom, (lo, hi), pad_ratio, min_pad)
            if cut is not None:
                pieces.append((i, *cut))
    lines = engine.recognize_crops([p[1] for p in pieces]) if pieces else []
    per_cell: dict[int, list[OcrLine]] = {}
    for (i, _, dx, dy), line in zip(pieces, lines):
        per_cell.setdefault(i, []).append(line.shifted(dx, dy))
    out: list[CellReading] = []
    for i in range(len(crops)):
        cell_lines = [ln for ln in per_cell.get(i, []) if ln.text.strip()]
        scores = [c.score for ln in cell_lines for c in ln.chars if c.score is not None]
        out.append(
            CellReading(
                text=join_texts(ln.text.strip() for ln in cell_lines),
                confidence=sum(scores) / len(scores) if scores else None,
                lines=tuple(cell_lines),
            )
        )
    return out
