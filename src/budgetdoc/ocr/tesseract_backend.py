"""Tesseract backend through its command line: ``tesseract stdin stdout -l chi_sim --psm N tsv``.

No Python binding is needed, only the binary and the language data (Debian:
``tesseract-ocr tesseract-ocr-chi-sim``). Tesseract's TSV gives words with boxes and a 0–100
confidence; no character boxes and no alternatives, so :class:`OcrChar` carries only the
character and its word's confidence. Lines and words keep Tesseract's own segmentation.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import time

import cv2
import numpy as np

from budgetdoc.ocr.base import OcrUnavailable, as_bgr
from budgetdoc.ocr.options import TesseractOptions
from budgetdoc.ocr.types import OcrChar, OcrLine, OcrResult, OcrWord, PixelBox, Quad, join_texts

TSV_COLUMNS = (
    "level",
    "page_num",
    "block_num",
    "par_num",
    "line_num",
    "word_num",
    "left",
    "top",
    "width",
    "height",
    "conf",
    "text",
)


def _box_quad(l: float, t: float, r: float, b: float) -> Quad:
    return ((l, t), (r, t), (r, b), (l, b))


def tsv_to_lines(tsv: str, *, min_confidence: float = 0.0) -> list[OcrLine]:
    """Lines from Tesseract's TSV output (level-5 rows are words), in Tesseract's reading order.

    Words with empty text or a confidence below ``min_confidence`` (0–100) are dropped; a line's
    confidence is the mean of its words'.
    """
    reader = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header is None:
        return []
    if tuple(h.strip() for h in header) != TSV_COLUMNS:
        raise ValueError(f"not a Tesseract TSV header: {header}")
    groups: dict[tuple[int, int, int, int], list[OcrWord]] = {}
    for row in reader:
        if len(row) < len(TSV_COLUMNS):
            row = row + [""] * (len(TSV_COLUMNS) - len(row))
        level, page, block, par, line = (int(x) for x in row[:5])
        if level != 5:
            continue
        text = row[11].strip()
        conf = float(row[10])
        if not text or conf < min_confidence:
            continue
        l, t, w, h = (float(x) for x in row[6:10])
        quad = _box_quad(l, t, l + w, t + h)
        score = min(max(conf / 100.0, 0.0), 1.0) if conf >= 0 else None
        chars = tuple(OcrChar(char=c, score=score) for c in text if not c.isspace())
        word = OcrWord(text=text, quad=quad, box=PixelBox.from_quad(quad), confidence=score, chars=chars)
        groups.setdefault((page, block, par, line), []).append(word)
    lines: list[OcrLine] = []
    for words in groups.values():
        box = PixelBox(
            l=min(w.box.l for w in words),
            t=min(w.box.t for w in words),
            r=max(w.box.r for w in words),
            b=max(w.box.b for w in words),
        )
        scores = [w.confidence for w in words if w.confidence is not None]
        lines.append(
            OcrLine(
                text=join_texts([w.text for w in words]),
                quad=_box_quad(box.l, box.t, box.r, box.b),
                box=box,
                confidence=sum(scores) / len(scores) if scores else None,
                words=tuple(words),
            )
        )
    return lines


class TesseractEngine:
    """Tesseract via subprocess. Build it with :func:`budgetdoc.ocr.build_engine`."""

    name = "tesseract"

    def __init__(self, options: TesseractOptions):
        self.options = options
        exe = shutil.which(options.binary)
        if exe is None:
            raise OcrUnavailable(
                f"tesseract binary {options.binary!r} not found "
                "(Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
            )
        self.exe = exe
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30, check=False)
        words = (out.stdout or out.stderr).split()
        self._version = words[1] if len(words) > 1 else "unknown"
        langs = subprocess.run(
            [exe, *self._tessdata_args(), "--list-langs"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout.split()
        missing = [lang for lang in options.lang.split("+") if lang not in langs]
        if missing:
            raise OcrUnavailable(
                f"tesseract has no traineddata for {missing} (Debian: apt-get install tesseract-ocr-chi-sim, "
                "or set tessdata_dir)"
            )

    @property
    def version(self) -> str:
        return self._version

    def _tessdata_args(self) -> list[str]:
        return ["--tessdata-dir", str(self.options.tessdata_dir)] if self.options.tessdata_dir else []

    def run_tsv(self, image: np.ndarray, psm: int) -> str:
        """The engine call: Tesseract's TSV for one image."""
        ok, png = cv2.imencode(".png", as_bgr(image))
        if not ok:
            raise ValueError("could not encode the image as PNG")
        o = self.options
        cmd = [
            self.exe,
            "stdin",
            "stdout",
            *self._tessdata_args(),
            "-l",
            o.lang,
            "--psm",
            str(psm),
            "--oem",
            str(o.oem),
            "-c",
            "preserve_interword_spaces=1",
            "tsv",
        ]
        proc = subprocess.run(cmd, input=png.tobytes(), capture_output=True, timeout=o.timeout_s, check=False)
        if proc.returncode != 0:
            raise RuntimeError(
                f"tesseract failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[:500]}"
            )
        return proc.stdout.decode("utf-8")

    def recognize_page(self, image: np.ndarray) -> OcrResult:
        h, w = image.shape[:2]
        t0 = time.perf_counter()
        tsv = self.run_tsv(image, self.options.psm)
        total = time.perf_counter() - t0
        return OcrResult(
            engine=self.name,
            engine_version=self.version,
            models=(f"tesseract:{self.options.lang}",),
            image_width=w,
            image_height=h,
            lines=tuple(tsv_to_lines(tsv, min_confidence=self.options.min_confidence)),
            timings={"total": total},
        )

    def recognize_crops(self, crops: list[np.ndarray]) -> list[OcrLine]:
        """One Tesseract run per crop (``crop_psm``, default 7: a single line)."""
        out: list[OcrLine] = []
        for crop in crops:
            h, w = crop.shape[:2] if crop.ndim >= 2 else (0, 0)
            quad = _box_quad(0.0, 0.0, float(w), float(h))
            if h == 0 or w == 0:
                out.append(OcrLine(text="", quad=quad))
                continue
            lines = tsv_to_lines(
                self.run_tsv(crop, self.options.crop_psm), min_confidence=self.options.min_confidence
            )
            words = tuple(wd for ln in lines for wd in ln.words)
            scores = [wd.confidence for wd in words if wd.confidence is not None]
            out.append(
                OcrLine(
                    text=join_texts([ln.text for ln in lines]) if lines else "",
                    quad=quad,
                    confidence=sum(scores) / len(scores) if scores else None,
                    words=words,
                )
            )
        return out
