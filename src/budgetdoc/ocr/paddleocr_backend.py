"""PaddleOCR 3.x backend, from a local model folder only. **Plumbing: untested without weights.**

Install ``paddlepaddle`` and ``paddleocr`` (the ``paddleocr`` extra) and put the PaddleX
inference folders of a detection and a recognition model under ``PaddleOcrOptions.model_dir``
(``<model_dir>/<det_model>/`` and ``<model_dir>/<rec_model>/``). PaddleOCR is always given those
folders, so it never downloads; its model-host check is switched off before it is imported.
No per-character alternatives: PaddleOCR's pipeline returns only line texts and scores.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from budgetdoc.ocr.base import OcrUnavailable, as_bgr
from budgetdoc.ocr.options import PaddleOcrOptions
from budgetdoc.ocr.types import OcrChar, OcrLine, OcrResult, Quad, words_from_chars

INSTALL_HINT = "pip install 'budgetdoc[paddleocr]'  (paddlepaddle and paddleocr>=3)"


def _quad(points: Any) -> Quad:
    p = [(float(x), float(y)) for x, y in np.asarray(points, dtype=np.float64).reshape(4, 2)]
    return (p[0], p[1], p[2], p[3])


def paddle_page_to_lines(res: Mapping[str, Any], *, text_score: float = 0.0) -> list[OcrLine]:
    """Lines from one PaddleOCR 3.x ``predict`` result (``rec_texts``/``rec_scores``/``rec_polys``)."""
    texts = list(res.get("rec_texts") or [])
    scores = list(res.get("rec_scores") or [])
    polys = list(res.get("rec_polys") or [])
    if not (len(texts) == len(scores) == len(polys)):
        raise ValueError(f"rec_texts/rec_scores/rec_polys disagree: {len(texts)}/{len(scores)}/{len(polys)}")
    lines: list[OcrLine] = []
    for text, score, poly in zip(texts, scores, polys):
        if not str(text).strip() or float(score) < text_score:
            continue
        quad = _quad(poly)
        chars = [OcrChar(char=c) for c in str(text)]
        lines.append(
            OcrLine(
                text=str(text),
                quad=quad,
                confidence=min(max(float(score), 0.0), 1.0),
                words=words_from_chars(chars, quad),
            )
        )
    return lines


class PaddleOcrEngine:
    """PaddleOCR pipeline + text recogniser from local folders. Build with ``build_engine``."""

    name = "paddleocr"

    def __init__(self, options: PaddleOcrOptions):
        self.options = options
        det_dir = Path(options.model_dir) / options.det_model
        rec_dir = Path(options.model_dir) / options.rec_model
        for d in (det_dir, rec_dir):
            if not d.is_dir():
                raise OcrUnavailable(
                    f"PaddleOCR model folder {d} not found: put the PaddleX inference folders of "
                    f"{options.det_model!r} and {options.rec_model!r} under {options.model_dir}"
                )
        # no model-host probing: the folders above are all PaddleOCR gets
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
        try:
            import paddleocr
        except ImportError as e:
            raise OcrUnavailable(f"the PaddleOCR backend needs paddleocr: {INSTALL_HINT}") from e
        self._version = getattr(paddleocr, "__version__", "unknown")
        common = {"device": options.device}
        self._pipeline = paddleocr.PaddleOCR(
            text_detection_model_name=options.det_model,
            text_detection_model_dir=str(det_dir),
            text_recognition_model_name=options.rec_model,
            text_recognition_model_dir=str(rec_dir),
            use_doc_orientation_classify=False,
            use_doc_unwarping=False,
            use_textline_orientation=False,
            **common,
        )
        self._rec = paddleocr.TextRecognition(model_name=options.rec_model, model_dir=str(rec_dir), **common)
        self._models = (options.det_model, options.rec_model)

    @property
    def version(self) -> str:
        return self._version

    def recognize_page(self, image: np.ndarray) -> OcrResult:
        img = as_bgr(image)
        h, w = img.shape[:2]
        t0 = time.perf_counter()
        results = list(self._pipeline.predict(img))
        total = time.perf_counter() - t0
        lines: list[OcrLine] = []
        for res in results:
            lines.extend(paddle_page_to_lines(res, text_score=self.options.text_score))
        return OcrResult(
            engine=self.name,
            engine_version=self.version,
            models=self._models,
            image_width=w,
            image_height=h,
            lines=tuple(lines),
            timings={"total": total},
        )

    def recognize_crops(self, crops: list[np.ndarray]) -> list[OcrLine]:
        out: list[OcrLine] = []
        usable = [as_bgr(c) for c in crops if c.size]
        preds = iter(list(self._rec.predict(input=usable)) if usable else [])
        for crop in crops:
            h, w = crop.shape[:2] if crop.ndim >= 2 else (0, 0)
            quad: Quad = ((0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h)))
            if not crop.size:
                out.append(OcrLine(text="", quad=quad))
                continue
            res = next(preds)
            text, score = str(res.get("rec_text", "")), float(res.get("rec_score", 0.0))
            chars = [OcrChar(char=c) for c in text]
            out.append(
                OcrLine(
                    text=text,
                    quad=quad,
                    confidence=min(max(score, 0.0), 1.0),
                    words=words_from_chars(chars, quad),
                )
            )
        return out
