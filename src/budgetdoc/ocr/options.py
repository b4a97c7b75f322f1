"""Typed options, one class per OCR backend, told apart by ``kind``.

Options are frozen and hashable: the registry keeps one engine per distinct options value for the
life of the process, and nothing changes an engine after it is built — to run with other settings,
build other options (``opts.model_copy(update={...})``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RapidOcrOptions(_Options):
    """RapidOCR (ONNX Runtime): PP-OCR text detection, then CTC text recognition.

    ``model_set`` names a set of model files in ``models/manifest.json``. ``PP-OCRv6-small`` (the
    default) ships inside the ``rapidocr`` wheel; ``PP-OCRv4`` ships inside the
    ``rapidocr_onnxruntime`` wheel. ``model_dir`` reads the set's files from a local folder instead
    (same file names, same checksums). Nothing is ever downloaded.

    ``decoder="ctc_topk"`` (default) runs RapidOCR's detector, then budgetdoc's own pass over the
    recogniser's CTC output, keeping per-character top-k alternatives. ``decoder="rapidocr"`` runs
    RapidOCR's whole pipeline (optionally with its 0/180° line classifier) and keeps its own
    character boxes, without alternatives.
    """

    kind: Literal["rapidocr"] = "rapidocr"
    model_set: Literal["PP-OCRv6-small", "PP-OCRv4"] = "PP-OCRv6-small"
    model_dir: Path | None = None
    decoder: Literal["ctc_topk", "rapidocr"] = "ctc_topk"
    top_k: int = Field(default=5, ge=1, le=20, description="alternatives kept per character")
    use_cls: bool = Field(default=False, description="0/180° line classifier (decoder='rapidocr' only)")
    text_score: float = Field(default=0.5, ge=0.0, le=1.0, description="drop page lines below this")
    box_thresh: float = Field(default=0.5, ge=0.0, le=1.0, description="detector box threshold")
    unclip_ratio: float = Field(default=1.6, gt=0.0, description="detector box expansion")
    rec_batch_size: int = Field(default=6, ge=1, le=256)
    rec_min_width: int = Field(
        default=320,
        ge=16,
        le=2048,
        description="recogniser input padded to at least this width (320 as in PaddleOCR; 160 about "
        "halves the work on short cells, same text on the sample pages)",
    )
    num_threads: int | None = Field(default=None, ge=1, description="ONNX Runtime intra-op threads")
    verify_checksums: bool = Field(default=True, description="check model SHA-256 when building")


class TesseractOptions(_Options):
    """Tesseract through its command line (``tesseract … tsv``); needs the binary and ``lang`` data.

    ``psm`` is the page segmentation mode for whole pages (6: one uniform block, 11/12: sparse
    text, good for tables); ``crop_psm`` the one for crops (7: a single line).
    """

    kind: Literal["tesseract"] = "tesseract"
    lang: str = Field(default="chi_sim", pattern=r"^[A-Za-z_+]+$")
    psm: int = Field(default=6, ge=0, le=13)
    crop_psm: int = Field(default=7, ge=0, le=13)
    oem: int = Field(default=1, ge=0, le=3, description="1: LSTM only")
    binary: str = "tesseract"
    tessdata_dir: Path | None = None
    min_confidence: float = Field(default=0.0, ge=0.0, le=100.0, description="drop words below (0–100)")
    timeout_s: float = Field(default=120.0, gt=0)


class PaddleOcrOptions(_Options):
    """PaddleOCR 3.x from a local model folder (never its automatic download).

    ``model_dir`` holds one sub-folder per model, named by ``det_model`` and ``rec_model``
    (PaddleX inference folders: ``inference.json``/``inference.pdiparams``/``inference.yml``).
    """

    kind: Literal["paddleocr"] = "paddleocr"
    model_dir: Path
    det_model: str = "PP-OCRv5_server_det"
    rec_model: str = "PP-OCRv5_server_rec"
    device: str = "cpu"
    text_score: float = Field(default=0.5, ge=0.0, le=1.0)


OcrOptions = Annotated[
    RapidOcrOptions | TesseractOptions | PaddleOcrOptions,
    Field(discriminator="kind"),
]

_ADAPTER: TypeAdapter[RapidOcrOptions | TesseractOptions | PaddleOcrOptions] = TypeAdapter(OcrOptions)


def parse_options(data: dict) -> RapidOcrOptions | TesseractOptions | PaddleOcrOptions:
    """Options from a plain mapping (a config file section), picked by its ``kind``."""
    if data.get("kind") == "trocr":  # optional backend: its options live with it
        from budgetdoc.ocr.trocr_backend import TrOcrOptions

        return TrOcrOptions.model_validate(data)  # type: ignore[return-value]
    return _ADAPTER.validate_python(data)
