"""Turn a page image upright (quarter turns and deskew) and keep the record that maps boxes back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from budgetdoc.preprocess.orientation import OrientationEvidence, orientation_evidence
from budgetdoc.preprocess.record import Canvas, PreprocessRecord
from budgetdoc.preprocess.skew import estimate_skew


class PreprocessOptions(BaseModel):
    """Options of the preprocess stage (one frozen object; build a new one to change it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["projection"] = "projection"
    deskew: bool = True
    max_skew_degrees: float = Field(default=5.0, gt=0, le=20, description="skew search range (±degrees)")
    min_skew_degrees: float = Field(
        default=0.05, ge=0, description="a smaller estimated skew is left alone (no resampling)"
    )
    orientation: bool = True
    min_orientation_confidence: float = Field(
        default=0.0, ge=0, le=1, description="below it the page is left in the orientation it came in"
    )
    canvas: Canvas = "expand"


@dataclass(frozen=True)
class UprightPage:
    """The upright image, the record of how it was made from the input image, and (when the
    orientation was estimated) the evidence behind it."""

    image: np.ndarray
    record: PreprocessRecord
    orientation: OrientationEvidence | None = None


def apply_record(image: np.ndarray, record: PreprocessRecord) -> np.ndarray:
    """The upright image the record describes, made from ``image`` (gray or RGB uint8).

    Pure quarter turns are exact (``np.rot90``, no resampling); a skew is one bilinear warp with
    white fill.
    """
    h, w = image.shape[:2]
    if (w, h) != tuple(record.input_size):
        raise ValueError(f"image is {w}x{h} px but the record was made for {record.input_size}")
    if record.skew_degrees == 0.0 and tuple(record.upright_size) == _turned_size(w, h, record.quarter_turns):
        # the record's centres coincide, so an exact rot90 is the same map
        return np.ascontiguousarray(np.rot90(image, k=-record.quarter_turns))
    a, b, c, d, e, f = record.to_input
    # continuous coordinates (pixel i spans [i, i+1)) -> OpenCV's (centres at integers)
    m = np.array([[a, b, c + 0.5 * (a + b) - 0.5], [d, e, f + 0.5 * (d + e) - 0.5]], dtype=np.float64)
    border = 255 if image.ndim == 2 else (255,) * image.shape[2]
    return cv2.warpAffine(image, m, tuple(record.upright_size), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=border)


def _turned_size(w: int, h: int, q: int) -> tuple[int, int]:
    return (h, w) if q % 2 else (w, h)


def make_upright(image: np.ndarray, *, quarter_turns: int = 0, skew_degrees: float = 0.0,
                 canvas: Canvas = "expand") -> UprightPage:
    """Undo a known turn: ``image`` shows the page turned by ``quarter_turns`` × 90° then
    ``skew_degrees`` (counter-clockwise as seen); returns the upright image and its record."""
    h, w = image.shape[:2]
    record = PreprocessRecord.build((w, h), quarter_turns=quarter_turns, skew_degrees=skew_degrees, canvas=canvas)
    return UprightPage(apply_record(image, record), record)


def preprocess_image(image: np.ndarray, options: PreprocessOptions | None = None, *,
                     score: Callable[[np.ndarray], float] | None = None) -> UprightPage:
    """Estimate skew and orientation of a page image and turn it upright.

    Order: the skew is estimated on the input (it is found modulo 90°), the orientation on the
    deskewed image, then a single resampling makes the upright image. ``score`` is an optional
    callback (e.g. mean OCR confidence of an upright crop) passed to
    :func:`~budgetdoc.preprocess.estimate_orientation` to decide 0° vs 180°.
    """
    opts = options or PreprocessOptions()
    h, w = image.shape[:2]
    skew_est = estimate_skew(image, max_degrees=opts.max_skew_degrees) if opts.deskew else 0.0
    skew = skew_est if abs(skew_est) >= opts.min_skew_degrees else 0.0
    q, conf, evidence = 0, None, None
    if opts.orientation:
        deskewed = make_upright(image, skew_degrees=skew, canvas="same").image if skew else image
        evidence = orientation_evidence(deskewed, score=score)
        conf = evidence.orientation.confidence
        if conf >= opts.min_orientation_confidence:
            q = evidence.orientation.quarter_turns
    record = PreprocessRecord.build((w, h), quarter_turns=q, skew_degrees=skew, canvas=opts.canvas,
                                    orientation_confidence=conf, skew_estimated=skew_est if opts.deskew else None)
    return UprightPage(apply_record(image, record), record, evidence)
