"""OCR stage: typed results from interchangeable engines.

    from budgetdoc.ocr import build_engine, RapidOcrOptions
    engine = build_engine()                      # RapidOCR + bundled PP-OCRv6, loaded once
    result = engine.recognize_page(page_bgr)     # det + rec -> OcrResult
    lines = engine.recognize_crops(cell_crops)   # rec only, batched -> list[OcrLine]

Importing this package is cheap: backends (rapidocr/onnxruntime, tesseract, paddleocr) are
imported when an engine is built. Model files are checked against ``models/manifest.json``
and never downloaded.
"""

from budgetdoc.ocr.base import ModelIntegrityError, OcrEngine, OcrUnavailable
from budgetdoc.ocr.crops import crop_box, crop_quad
from budgetdoc.ocr.models import ModelProblem, load_manifest, verify_models
from budgetdoc.ocr.options import (
    OcrOptions,
    PaddleOcrOptions,
    RapidOcrOptions,
    TesseractOptions,
    parse_options,
)
from budgetdoc.ocr.registry import (
    EngineInfo,
    available_engines,
    build_engine,
    clear_engine_cache,
    engine_report,
)
from budgetdoc.ocr.types import OcrChar, OcrLine, OcrResult, OcrWord, PixelBox, Quad

__all__ = [
    "EngineInfo",
    "ModelIntegrityError",
    "ModelProblem",
    "OcrChar",
    "OcrEngine",
    "OcrLine",
    "OcrOptions",
    "OcrResult",
    "OcrUnavailable",
    "OcrWord",
    "PaddleOcrOptions",
    "PixelBox",
    "Quad",
    "RapidOcrOptions",
    "TesseractOptions",
    "available_engines",
    "build_engine",
    "clear_engine_cache",
    "crop_box",
    "crop_quad",
    "engine_report",
    "load_manifest",
    "parse_options",
    "verify_models",
]
