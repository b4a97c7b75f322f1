"""RapidOCR backend (default): PP-OCR ONNX models run by ONNX Runtime, offline.

Engine calls only; turning their output into :class:`OcrResult` is in
:mod:`budgetdoc.ocr.rapidocr_convert`. Import this module only through the registry: it imports
``rapidocr`` and ``onnxruntime`` when an engine is built.

How the work is split (``decoder="ctc_topk"``, the default):

* **detection** — ``rapidocr.RapidOCR`` built once with ``use_rec=False``: its DB detector gives
  line quads on the page;
* **recognition** — :class:`CtcRecognizer`, budgetdoc's own ONNX Runtime session on the same
  recognition model, with RapidOCR's resize/normalise/batch recipe (so the greedy text is the
  same) but keeping each frame's top-k probabilities, which RapidOCR's decoder throws away.

Model files come from ``models/manifest.json`` and are given to RapidOCR by path, so it never
looks for (or downloads) anything.
"""

from __future__ import annotations

import math
import threading
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from budgetdoc.ocr.base import OcrUnavailable, as_bgr
from budgetdoc.ocr.crops import crop_quad
from budgetdoc.ocr.ctc import CtcFrames, topk_frames
from budgetdoc.ocr.models import resolve_model_set, sha256_file
from budgetdoc.ocr.options import RapidOcrOptions
from budgetdoc.ocr.rapidocr_convert import (
    CtcLineRecord,
    CtcPageRecord,
    NativePageRecord,
    crop_lines_from_frames,
    ctc_page_to_result,
    native_page_to_result,
)
from budgetdoc.ocr.types import OcrLine, OcrResult, Quad

INSTALL_HINT = "pip install 'budgetdoc[ocr]'  (rapidocr>=3.10 and onnxruntime)"


def _import_rapidocr() -> Any:
    try:
        import onnxruntime  # noqa: F401
        import rapidocr
    except ImportError as e:  # pragma: no cover - exercised only where rapidocr is absent
        raise OcrUnavailable(f"the RapidOCR backend needs rapidocr and onnxruntime: {INSTALL_HINT}") from e
    return rapidocr


def rapidocr_version() -> str | None:
    from budgetdoc.ocr.models import package_version

    return package_version("rapidocr")


def _quad(points: Any) -> Quad:
    p = [(float(x), float(y)) for x, y in np.asarray(points, dtype=np.float64).reshape(4, 2)]
    return (p[0], p[1], p[2], p[3])


def _native_chars(line: Any) -> tuple[tuple[str, float, Quad], ...]:
    """RapidOCR's single-character word results of one line; ``()`` when they are anything else
    (RapidOCR leaves its internal ``WordInfo`` there when it could not place the characters)."""
    if not isinstance(line, (tuple, list)):
        return ()
    out = []
    for item in line:
        if not (isinstance(item, (tuple, list)) and len(item) == 3 and item[2] is not None):
            return ()
        c, s, q = item
        out.append((str(c), float(s), _quad(q)))
    return tuple(out)


class CtcRecognizer:
    """A PP-OCR CTC recogniser on ONNX Runtime that returns top-k frames per crop.

    Preprocessing follows RapidOCR 3.x ``TextRecognizer``: crops sorted by aspect ratio, batched,
    resized to height 48 keeping the aspect ratio, scaled to [-1, 1], right-padded with zeros to
    the widest crop of the batch (at least ``min_width`` px; 320 as in RapidOCR/PaddleOCR).
    The character list is read from the model's ``character`` metadata; index 0 is the CTC blank
    and the last index a space.
    """

    def __init__(
        self,
        model_path: Path,
        *,
        batch_size: int = 6,
        num_threads: int | None = None,
        top_k: int = 5,
        min_width: int = 320,
    ):
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.log_severity_level = 3
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if num_threads:
            so.intra_op_num_threads = num_threads
        self.session = ort.InferenceSession(
            str(model_path), sess_options=so, providers=["CPUExecutionProvider"]
        )
        meta = self.session.get_modelmeta().custom_metadata_map
        if "character" not in meta:
            raise OcrUnavailable(f"{model_path.name} has no 'character' metadata (not a RapidOCR rec model?)")
        self.charset: list[str] = ["<blank>", *meta["character"].splitlines(), " "]
        out_classes = self.session.get_outputs()[0].shape[-1]
        if isinstance(out_classes, int) and out_classes != len(self.charset):
            raise OcrUnavailable(
                f"{model_path.name}: {out_classes} classes but {len(self.charset)} characters"
            )
        self.input_name = self.session.get_inputs()[0].name
        self.batch_size = batch_size
        self.top_k = top_k
        self.img_c, self.img_h, self.img_w = 3, 48, min_width

    def _resize_norm(self, img: np.ndarray, max_wh_ratio: float) -> tuple[np.ndarray, int]:
        img_width = int(self.img_h * max_wh_ratio)
        h, w = img.shape[:2]
        resized_w = min(img_width, math.ceil(self.img_h * w / float(h)))
        resized = cv2.resize(img, (resized_w, self.img_h)).astype(np.float32)
        resized = resized.transpose((2, 0, 1)) / 255.0
        resized = (resized - 0.5) / 0.5
        padded = np.zeros((self.img_c, self.img_h, img_width), dtype=np.float32)
        padded[:, :, :resized_w] = resized
        return padded, resized_w

    def __call__(self, crops: list[np.ndarray]) -> list[CtcFrames]:
        """Top-k CTC frames for each crop (BGR ``uint8``), in the order given."""
        out: list[CtcFrames | None] = [None] * len(crops)
        usable = [i for i, c in enumerate(crops) if c.ndim == 3 and c.shape[0] > 0 and c.shape[1] > 0]
        for i, c in enumerate(crops):
            if i not in usable:
                out[i] = CtcFrames(
                    crop_width=int(c.shape[1]) if c.ndim >= 2 else 0,
                    crop_height=int(c.shape[0]) if c.ndim >= 2 else 0,
                    num_frames=0,
                    frame_width=0.0,
                )
        order = sorted(usable, key=lambda i: crops[i].shape[1] / crops[i].shape[0])
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            max_ratio = max(
                [self.img_w / self.img_h] + [crops[i].shape[1] / crops[i].shape[0] for i in batch]
            )
            norm, resized_ws = [], []
            for i in batch:
                arr, rw = self._resize_norm(crops[i], max_ratio)
                norm.append(arr)
                resized_ws.append(rw)
            probs = self.session.run(None, {self.input_name: np.stack(norm)})[0]
            padded_w = norm[0].shape[2]
            for j, i in enumerate(batch):
                h, w = crops[i].shape[:2]
                t = probs.shape[1]
                frame_w = (padded_w / t) * (w / resized_ws[j])
                out[i] = topk_frames(
                    probs[j], self.charset, k=self.top_k, frame_width=frame_w, crop_width=w, crop_height=h
                )
        return [f for f in out if f is not None]


class RapidOcrEngine:
    """The default OCR engine. Build it with :func:`budgetdoc.ocr.build_engine`, not directly."""

    name = "rapidocr"

    def __init__(self, options: RapidOcrOptions):
        rapidocr = _import_rapidocr()
        self.options = options
        roles: tuple[str, ...] = ("det", "rec")
        if options.decoder == "rapidocr" and options.use_cls:
            roles += ("cls",)
        self.model_paths = resolve_model_set(
            options.model_set, roles=roles, model_dir=options.model_dir, verify=options.verify_checksums
        )
        self._models = tuple(f"{p.name}@{sha256_file(p)[:12]}" for p in self.model_paths.values())
        self._version = rapidocr_version() or "unknown"
        params = self._rapidocr_params()
        self._pipeline = rapidocr.RapidOCR(params=params)
        self._rec: CtcRecognizer | None = None
        self._rec_lock = threading.Lock()

    @property
    def version(self) -> str:
        return self._version

    def _rapidocr_params(self) -> dict[str, Any]:
        o = self.options
        native = o.decoder == "rapidocr"
        params: dict[str, Any] = {
            "Global.log_level": "warning",
            "Global.use_det": True,
            "Global.use_cls": bool(native and o.use_cls),
            "Global.use_rec": native,
            "Global.text_score": o.text_score,
            "Global.return_word_box": native,
            "Global.return_single_char_box": native,
            "Det.model_path": str(self.model_paths["det"]),
            "Det.box_thresh": o.box_thresh,
            "Det.unclip_ratio": o.unclip_ratio,
            "Rec.model_path": str(self.model_paths["rec"]),
            "Rec.rec_batch_num": o.rec_batch_size,
        }
        if "cls" in self.model_paths:
            params["Cls.model_path"] = str(self.model_paths["cls"])
        if o.num_threads:
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = o.num_threads
        return params

    def _recognizer(self) -> CtcRecognizer:
        if self._rec is None:
            with self._rec_lock:
                if self._rec is None:
                    o = self.options
                    self._rec = CtcRecognizer(
                        self.model_paths["rec"],
                        batch_size=o.rec_batch_size,
                        num_threads=o.num_threads,
                        top_k=o.top_k,
                        min_width=o.rec_min_width,
                    )
        return self._rec

    # -- engine calls -------------------------------------------------------------------------

    def record_page(self, image: np.ndarray) -> CtcPageRecord | NativePageRecord:
        """Run the engine on a page and return its raw output as a record (see rapidocr_convert)."""
        img = as_bgr(image)
        h, w = img.shape[:2]
        if self.options.decoder == "rapidocr":
            return self._record_native(img)
        t0 = time.perf_counter()
        det = self._pipeline(img)
        t1 = time.perf_counter()
        boxes = getattr(det, "boxes", None)
        scores = list(getattr(det, "scores", None) or [])
        quads = [_quad(b) for b in boxes] if boxes is not None else []
        crops, reading = [], []
        for q in quads:
            crop, rq = crop_quad(img, q)
            crops.append(crop)
            reading.append(rq)
        t2 = time.perf_counter()
        frames = self._recognizer()(crops) if crops else []
        t3 = time.perf_counter()
        lines = tuple(
            CtcLineRecord(
                quad=q,
                det_score=float(scores[i]) if i < len(scores) else None,
                reading_quad=reading[i],
                frames=frames[i],
            )
            for i, q in enumerate(quads)
        )
        return CtcPageRecord(
            engine_version=self.version,
            models=self._models,
            image_width=w,
            image_height=h,
            lines=lines,
            timings={"det": t1 - t0, "crop": t2 - t1, "rec": t3 - t2, "total": t3 - t0},
        )

    def _record_native(self, img: np.ndarray) -> NativePageRecord:
        h, w = img.shape[:2]
        t0 = time.perf_counter()
        out = self._pipeline(img)
        total = time.perf_counter() - t0
        boxes = getattr(out, "boxes", None)
        txts = getattr(out, "txts", None)
        if boxes is None or txts is None or len(txts) == 0:
            return NativePageRecord(
                engine_version=self.version,
                models=self._models,
                image_width=w,
                image_height=h,
                timings={"total": total},
            )
        words = tuple(_native_chars(line) for line in (out.word_results or ()))
        elapse = list(getattr(out, "elapse_list", []) or [])
        timings = {"total": total}
        for key, value in zip(("det", "cls", "rec"), elapse):
            if isinstance(value, float):
                timings[key] = value
        return NativePageRecord(
            engine_version=self.version,
            models=self._models,
            image_width=w,
            image_height=h,
            boxes=tuple(_quad(b) for b in boxes),
            txts=tuple(str(t) for t in txts),
            scores=tuple(float(s) for s in out.scores),
            word_results=words,
            timings=timings,
        )

    def record_crops(self, crops: list[np.ndarray]) -> list[CtcFrames]:
        """The recogniser's top-k frames for each crop (raw output of :meth:`recognize_crops`)."""
        return self._recognizer()([as_bgr(c) if c.size else c for c in crops])

    # -- OcrEngine --------------------------------------------------------------------------

    def recognize_page(self, image: np.ndarray) -> OcrResult:
        record = self.record_page(image)
        if isinstance(record, NativePageRecord):
            return native_page_to_result(record)
        return ctc_page_to_result(record, top_k=self.options.top_k, text_score=self.options.text_score)

    def recognize_crops(self, crops: list[np.ndarray]) -> list[OcrLine]:
        """Recognise each crop as one line (always budgetdoc's CTC pass, whatever ``decoder``)."""
        return crop_lines_from_frames(self.record_crops(crops), top_k=self.options.top_k)
