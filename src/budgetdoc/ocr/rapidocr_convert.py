"""RapidOCR's raw output as JSON-friendly records, and their conversion to :class:`OcrResult`.

The backend (:mod:`budgetdoc.ocr.rapidocr_backend`) calls the engine and fills a record; the
functions here turn a record into typed results. They need neither rapidocr nor onnxruntime, so
they are tested on records of real calls stored in ``tests/ocr/data/``.

Two records, one per decoder:

* :class:`CtcPageRecord` (``decoder="ctc_topk"``): RapidOCR's detected quads and scores, and for
  each line the recogniser's top-k CTC frames (:class:`~budgetdoc.ocr.ctc.CtcFrames`).
* :class:`NativePageRecord` (``decoder="rapidocr"``): RapidOCR's own ``boxes``/``txts``/``scores``
  and its single-character ``word_results``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from budgetdoc.ocr.ctc import CtcFrames, chars_from_frames
from budgetdoc.ocr.types import OcrChar, OcrLine, OcrResult, PixelBox, Quad, words_from_chars


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CtcLineRecord(_Record):
    quad: Quad = Field(description="detected quad on the page (tl, tr, br, bl)")
    det_score: float | None = None
    reading_quad: Quad = Field(description="page points of the crop's corners, in reading order")
    frames: CtcFrames


class CtcPageRecord(_Record):
    record: Literal["rapidocr.ctc_page"] = "rapidocr.ctc_page"
    engine_version: str | None = None
    models: tuple[str, ...] = ()
    image_width: int
    image_height: int
    lines: tuple[CtcLineRecord, ...] = ()
    timings: dict[str, float] = Field(default_factory=dict)


class NativePageRecord(_Record):
    record: Literal["rapidocr.native_page"] = "rapidocr.native_page"
    engine_version: str | None = None
    models: tuple[str, ...] = ()
    image_width: int
    image_height: int
    boxes: tuple[Quad, ...] = ()
    txts: tuple[str, ...] = ()
    scores: tuple[float, ...] = ()
    #: Per line, ``(char, score, quad)`` from ``return_single_char_box=True``; may be empty.
    word_results: tuple[tuple[tuple[str, float, Quad], ...], ...] = ()
    timings: dict[str, float] = Field(default_factory=dict)


def _clip01(x: float | None) -> float | None:
    return None if x is None else min(max(float(x), 0.0), 1.0)


def line_from_frames(
    frames: CtcFrames, quad: Quad, *, top_k: int = 5, det_score: float | None = None
) -> OcrLine:
    """One :class:`OcrLine` from a crop's CTC frames, placed along ``quad`` (reading order)."""
    chars = chars_from_frames(frames, quad, top_k=top_k)
    text = "".join(c.char for c in chars)
    scored = [c.score for c in chars if c.score is not None]
    return OcrLine(
        text=text,
        quad=quad,
        box=PixelBox.from_quad(quad),
        confidence=_clip01(sum(scored) / len(scored)) if scored else None,
        det_score=_clip01(det_score),
        words=words_from_chars(chars, quad),
    )


def crop_quad_of(frames: CtcFrames) -> Quad:
    """The crop's own corners: where its lines sit in crop pixels."""
    w, h = float(frames.crop_width), float(frames.crop_height)
    return ((0.0, 0.0), (w, 0.0), (w, h), (0.0, h))


def crop_lines_from_frames(frames: Sequence[CtcFrames], *, top_k: int = 5) -> list[OcrLine]:
    """Lines for :meth:`OcrEngine.recognize_crops`, in each crop's own pixels."""
    return [line_from_frames(f, crop_quad_of(f), top_k=top_k) for f in frames]


def ctc_page_to_result(record: CtcPageRecord, *, top_k: int = 5, text_score: float = 0.5) -> OcrResult:
    """Convert a ``ctc_topk`` page record. Lines with no text or a confidence below
    ``text_score`` are dropped (as RapidOCR does); the detector's order is kept."""
    lines: list[OcrLine] = []
    for rec in record.lines:
        line = line_from_frames(rec.frames, rec.reading_quad, top_k=top_k, det_score=rec.det_score)
        if not line.text.strip():
            continue
        if line.confidence is not None and line.confidence < text_score:
            continue
        # report the detector's quad for the line (the reading quad may be turned for vertical text)
        lines.append(line.model_copy(update={"quad": rec.quad, "box": PixelBox.from_quad(rec.quad)}))
    return _result(record, lines)


def _result(record: CtcPageRecord | NativePageRecord, lines: list[OcrLine]) -> OcrResult:
    return OcrResult(engine="rapidocr", engine_version=record.engine_version, models=record.models,
                     image_width=record.image_width, image_height=record.image_height, lines=tuple(lines),
                     timings=dict(record.timings))


def native_page_to_result(record: NativePageRecord) -> OcrResult:
    """Convert a ``decoder="rapidocr"`` page record (RapidOCR already dropped low scores).

    Character boxes come from RapidOCR's single-character word results when they line up with
    the line's text; otherwise the line's characters carry no boxes. No alternatives.
    """
    if not (len(record.boxes) == len(record.txts) == len(record.scores)):
        raise ValueError(
            f"boxes/txts/scores disagree: {len(record.boxes)}/{len(record.txts)}/{len(record.scores)}"
        )
    # RapidOCR drops empty word results, which can shift them against the lines: use them only
    # when there is one per line.
    words_ok = len(record.word_results) == len(record.txts)
    lines: list[OcrLine] = []
    for i, (quad, text, score) in enumerate(zip(record.boxes, record.txts, record.scores)):
        if not text.strip():
            continue
        chars: list[OcrChar] = []
        items = record.word_results[i] if words_ok else ()
        if items and "".join(c for c, _, _ in items) == "".join(text.split()):
            chars = [OcrChar(char=c, quad=q, score=_clip01(s)) for c, s, q in items]
        else:
            chars = [OcrChar(char=c, score=None) for c in text]
        lines.append(
            OcrLine(
                text=text,
                quad=quad,
                confidence=_clip01(score),
                words=words_from_chars(chars, quad),
            )
        )
    return _result(record, lines)
