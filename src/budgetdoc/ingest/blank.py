"""Ink fraction of a page, for flagging blank pages (a blank page is flagged, never an error)."""

from __future__ import annotations

import cv2
import numpy as np

WORK_SIDE = 800  # the page is measured at about this many pixels on its long side
INK_CONTRAST = 30  # a pixel is ink when this much darker than the paper around it


def ink_fraction(image: np.ndarray) -> float:
    """Fraction of the page area covered by ink, robust to scanner speckle and uneven paper.

    The page is reduced (area averaging) to ~800 px on its long side, where an isolated speck of
    a few pixels fades to almost paper while strokes of text and rules stay dark; a 3x3 median
    removes what is left of the specks. Ink is what is ``INK_CONTRAST`` darker than the local paper
    (a 31 px grey closing of the reduced page, so shading and uneven light are not ink). A uniform
    page — white, grey or black — has no ink.
    """
    a = np.asarray(image)
    if a.ndim == 3:
        a = cv2.cvtColor(a[..., :3].astype(np.uint8), cv2.COLOR_RGB2GRAY)
    if a.size == 0:
        return 0.0
    h, w = a.shape
    f = max(1.0, max(h, w) / WORK_SIDE)
    small = cv2.resize(a, (max(1, round(w / f)), max(1, round(h / f))), interpolation=cv2.INTER_AREA)
    small = cv2.medianBlur(small, 3)
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (31, 31)))
    diff = cv2.subtract(paper, small)
    return float(np.count_nonzero(diff > INK_CONTRAST)) / small.size
