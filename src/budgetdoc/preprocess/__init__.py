"""Preprocess stage: make a page image upright (quarter turns, deskew) and record how.

* :func:`estimate_skew` — small skew in degrees (projection profiles; no model).
* :func:`estimate_orientation` — 0/90/180/270 (line direction, then decimal points / layout, or an
  optional ``score`` callback such as OCR confidence for 0° vs 180°).
* :func:`make_upright` / :func:`apply_record` — turn an image by known angles.
* :func:`preprocess_image` — all of it, driven by :class:`PreprocessOptions`.
* :class:`PreprocessRecord` — the 2x3 maps between upright-image and input-image pixels, with
  helpers for points, boxes, quads and :class:`~budgetdoc.model.geometry.PageTransform`.

Angles follow the sample labels' ``PageTransform``: counter-clockwise as seen on the image.
"""

from budgetdoc.preprocess.orientation import (
    Orientation,
    OrientationEvidence,
    estimate_orientation,
    orientation_evidence,
)
from budgetdoc.preprocess.record import Canvas, PreprocessRecord, turn_matrix
from budgetdoc.preprocess.skew import estimate_skew
from budgetdoc.preprocess.upright import (
    PreprocessOptions,
    UprightPage,
    apply_record,
    make_upright,
    preprocess_image,
)

__all__ = [
    "Canvas",
    "Orientation",
    "OrientationEvidence",
    "PreprocessOptions",
    "PreprocessRecord",
    "UprightPage",
    "apply_record",
    "estimate_orientation",
    "estimate_skew",
    "make_upright",
    "orientation_evidence",
    "preprocess_image",
    "turn_matrix",
]
