"""Options of one extraction run: each stage's options, the backends by config, and how cells are read."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from budgetdoc.ingest.types import IngestOptions
from budgetdoc.preprocess import PreprocessOptions


class ExtractOptions(BaseModel):
    """Everything ``budgetdoc extract`` can be told (frozen; JSON-serialisable for manifests).

    ``ocr``, ``structure`` and ``layout`` are backend configs with a ``kind`` (see
    :func:`budgetdoc.ocr.build_engine`, :func:`budgetdoc.table_structure.backends.build_structure`,
    :func:`budgetdoc.layout.build_layout`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    ingest: IngestOptions = Field(default_factory=IngestOptions)
    preprocess: PreprocessOptions = Field(default_factory=PreprocessOptions)
    ocr: dict[str, Any] = Field(default_factory=lambda: {"kind": "rapidocr"})
    structure: dict[str, Any] = Field(default_factory=lambda: {"kind": "lines"})
    layout: dict[str, Any] = Field(default_factory=lambda: {"kind": "rules"})
    cell_reading: Literal["crops", "page"] = Field(
        default="crops",
        description="'crops': recognise each ruled cell's crop (rec only, batched) and run the "
        "detector only outside the tables; 'page': detect and recognise the whole page, then assign "
        "lines to cells",
    )
    use_text_layer: bool = Field(default=True, description="read born-digital pages from their text layer")
    cell_inset_pt: float = Field(default=1.0, ge=0, description="margin cut off a cell's box to leave its rules out")
    run_checks: bool = True
    repair: bool = Field(default=True, description="repair misread amounts the failing identities single out "
                                                   "(recorded in the document's repairs)")
    check_tolerance: str = Field(default="0.02", description="rounding (尾差) the identities admit, in the table's unit")
