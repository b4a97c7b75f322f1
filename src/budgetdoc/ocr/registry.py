"""Build OCR engines from their options; list which can run here.

``build_engine(options)`` returns the same engine object for equal options for the life of the
process (models load once); a backend's heavy imports happen only when it is built.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from budgetdoc.ocr.base import OcrEngine
from budgetdoc.ocr.models import check_entry, load_manifest, package_dir, package_version
from budgetdoc.ocr.options import PaddleOcrOptions, RapidOcrOptions, TesseractOptions, parse_options

AnyOptions = RapidOcrOptions | TesseractOptions | PaddleOcrOptions


def _build_rapidocr(options: RapidOcrOptions) -> OcrEngine:
    from budgetdoc.ocr.rapidocr_backend import RapidOcrEngine

    return RapidOcrEngine(options)


def _build_tesseract(options: TesseractOptions) -> OcrEngine:
    from budgetdoc.ocr.tesseract_backend import TesseractEngine

    return TesseractEngine(options)


def _build_paddleocr(options: PaddleOcrOptions) -> OcrEngine:
    from budgetdoc.ocr.paddleocr_backend import PaddleOcrEngine

    return PaddleOcrEngine(options)


def _build_trocr(options: Any) -> OcrEngine:
    from budgetdoc.ocr.trocr_backend import TrOcrEngine

    return TrOcrEngine(options)


_BUILDERS: dict[str, Callable[[Any], OcrEngine]] = {
    "rapidocr": _build_rapidocr,
    "tesseract": _build_tesseract,
    "paddleocr": _build_paddleocr,
    "trocr": _build_trocr,
}

_ENGINES: dict[AnyOptions, OcrEngine] = {}
_LOCK = threading.Lock()


def build_engine(options: AnyOptions | Mapping[str, Any] | None = None) -> OcrEngine:
    """The engine for ``options`` (default: RapidOCR with its bundled PP-OCRv6 models).

    Equal options give the same engine object, built on first use. A mapping is parsed by its
    ``kind``. Raises :class:`OcrUnavailable` (an ``ImportError``) saying what to install when the
    backend cannot run here; a failed build is not remembered.
    """
    if options is None:
        options = RapidOcrOptions()
    elif isinstance(options, Mapping):
        options = parse_options(dict(options))
    with _LOCK:
        engine = _ENGINES.get(options)
        if engine is None:
            engine = _BUILDERS[options.kind](options)
            _ENGINES[options] = engine
    return engine


def clear_engine_cache() -> None:
    """Forget built engines (tests; frees models once nothing else holds them)."""
    with _LOCK:
        _ENGINES.clear()


class EngineInfo(BaseModel):
    """Whether one engine can run here, its version, and why not if it cannot."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    available: bool
    version: str | None = None
    detail: str = ""


def _rapidocr_info(name: str, model_set: str) -> EngineInfo:
    missing = [p for p in ("rapidocr", "onnxruntime") if package_dir(p) is None]
    if missing:
        return EngineInfo(
            name=name,
            available=False,
            detail=f"not installed: {', '.join(missing)} (pip install 'budgetdoc[ocr]')",
        )
    version = package_version("rapidocr")
    try:
        entries = load_manifest().entries(model_set)
    except (FileNotFoundError, KeyError) as e:
        return EngineInfo(name=name, available=False, version=version, detail=str(e))
    problems = [
        p
        for role in ("det", "rec")
        if role in entries
        for p in check_entry(entries[role], check_hash=False)
        if p.kind != "package-version"
    ]
    if problems:
        return EngineInfo(
            name=name, available=False, version=version, detail="; ".join(p.message for p in problems)
        )
    return EngineInfo(name=name, available=True, version=version, detail=f"models {model_set} (bundled)")


def _tesseract_info(lang: str = "chi_sim") -> EngineInfo:
    exe = shutil.which("tesseract")
    if exe is None:
        return EngineInfo(
            name="tesseract",
            available=False,
            detail="tesseract binary not found (Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim)",
        )
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10, check=False)
        version = (out.stdout or out.stderr).split()[1]
        langs = subprocess.run(
            [exe, "--list-langs"], capture_output=True, text=True, timeout=10, check=False
        ).stdout.split()
    except (OSError, subprocess.SubprocessError, IndexError) as e:
        return EngineInfo(name="tesseract", available=False, detail=f"tesseract found but unusable: {e}")
    if lang not in langs:
        return EngineInfo(
            name="tesseract",
            available=False,
            version=version,
            detail=f"no {lang} traineddata (Debian: apt-get install tesseract-ocr-chi-sim)",
        )
    return EngineInfo(name="tesseract", available=True, version=version, detail=f"lang {lang}")


def _paddleocr_info() -> EngineInfo:
    missing = [p for p in ("paddleocr", "paddle") if package_dir(p) is None]
    if missing:
        return EngineInfo(
            name="paddleocr",
            available=False,
            detail=f"not installed: {', '.join(missing)} (pip install 'budgetdoc[paddleocr]'; needs a local model_dir)",
        )
    return EngineInfo(
        name="paddleocr",
        available=True,
        version=package_version("paddleocr"),
        detail="needs PaddleOcrOptions(model_dir=...) holding the det/rec inference folders",
    )


def engine_report() -> list[EngineInfo]:
    """Every known engine, cheaply checked (no model is loaded, nothing is hashed)."""
    return [
        _rapidocr_info("rapidocr", "PP-OCRv6-small"),
        _rapidocr_info("rapidocr:PP-OCRv4", "PP-OCRv4"),
        _tesseract_info(),
        _paddleocr_info(),
    ]


def available_engines() -> dict[str, str | None]:
    """Engine name → version when it can run here, ``None`` when it cannot.

    See :func:`engine_report` for the reason an engine cannot run.
    """
    return {info.name: (info.version or "unknown") if info.available else None for info in engine_report()}
