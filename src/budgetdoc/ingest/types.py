"""Typed input and output of the ingest stage: options, page images, text layers, errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from budgetdoc.model.document import Page, ProcessingError
from budgetdoc.model.geometry import POINTS_PER_INCH, BoundingBox

MediaType = Literal["application/pdf", "image/png", "image/jpeg", "image/tiff", "image/bmp", "image/webp"]
ErrorReason = Literal[
    "not_found",  # the path does not exist
    "unsupported",  # not a PDF, image or zip archive
    "corrupt",  # the file cannot be parsed (PDF, image or archive)
    "encrypted",  # password-protected PDF or zip member
    "empty",  # a PDF with no pages, an archive or folder with no readable inputs
    "too_large",  # over the pixel cap (decompression bomb) or the archive member size cap
    "render_failed",  # one page of an otherwise readable file could not be rasterised or decoded
]


class IngestOptions(BaseModel):
    """Options of the ingest stage (frozen: build a new object to change one)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dpi: float = Field(default=200.0, gt=0, le=1200, description="raster resolution for PDF pages")
    color: Literal["gray", "rgb"] = Field(default="gray", description="uint8 HxW (gray) or HxWx3 (rgb)")
    text_layer: bool = Field(default=True, description="read a PDF page's characters with their boxes")
    max_pixels: int = Field(
        default=200_000_000, gt=0,
        description="pages over this many pixels are refused (decompression bombs, absurd page sizes). "
        "Pillow's own guard (Image.MAX_IMAGE_PIXELS, x2) also applies to images; it is left as set.",
    )
    assumed_image_dpi: float = Field(default=200.0, gt=0, description="dpi of an image that does not say")
    blank_ink_fraction: float = Field(
        default=0.0005, ge=0, le=1, description="a page with less ink (fraction of its area) is flagged blank"
    )
    password: SecretStr | None = Field(default=None, description="password for encrypted PDFs (all files)")
    max_member_bytes: int = Field(default=1 << 30, gt=0, description="largest zip member read (uncompressed)")


class TextChar(BaseModel):
    """One character of a PDF text layer; box in upright page points, origin top-left."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    bbox: BoundingBox


class TextWord(BaseModel):
    """A run of characters PDFium groups into one text rectangle (a word, or a CJK run)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    bbox: BoundingBox


class TextLayer(BaseModel):
    """The characters and runs of a born-digital PDF page (boxes in upright points, top-left)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    chars: list[TextChar] = Field(default_factory=list)
    words: list[TextWord] = Field(default_factory=list)
    unmapped_chars: int = Field(default=0, ge=0, description="chars without Unicode (U+FFFD, controls)")

    @property
    def usable(self) -> bool:
        """True when there is text and at most 10 % of it lacks a Unicode mapping (a broken font
        map makes a layer of garbage that OCR should replace)."""
        n = len(self.chars) + self.unmapped_chars
        return len(self.chars) > 0 and self.unmapped_chars <= 0.1 * n

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)


@dataclass(frozen=True, eq=False)
class PageImage:
    """One rasterised page: the pixels once, and what is known about them.

    ``image`` is uint8, ``H x W`` (gray) or ``H x W x 3`` (RGB). ``dpi`` relates pixels to points
    (``width_pt = width_px * 72 / dpi``). ``source`` is the file (``archive.zip!member`` inside a zip),
    ``page`` the 1-based page or frame in it, ``index`` the 0-based position in the whole batch.
    """

    image: np.ndarray
    dpi: float
    source: str
    page: int
    index: int
    width_pt: float
    height_pt: float
    media_type: MediaType
    dpi_source: Literal["render", "metadata", "assumed"]
    rotation_applied: int = 0  # clockwise turn (degrees) applied when reading: PDF /Rotate, or EXIF orientation
    text_layer: TextLayer | None = None
    ink_fraction: float = 0.0
    is_blank: bool = False

    @property
    def width_px(self) -> int:
        return int(self.image.shape[1])

    @property
    def height_px(self) -> int:
        return int(self.image.shape[0])

    @property
    def has_text_layer(self) -> bool:
        return self.text_layer is not None and self.text_layer.usable

    @property
    def scale(self) -> float:
        """Pixels per point."""
        return self.dpi / POINTS_PER_INCH

    def to_page(self, number: int | None = None) -> Page:
        """The document model's :class:`~budgetdoc.model.document.Page` for this page."""
        return Page(
            number=number or self.page, width=self.width_pt, height=self.height_pt, dpi=self.dpi,
            has_text_layer=self.has_text_layer,
            orientation="landscape" if self.width_pt > self.height_pt else "portrait",
        )


class IngestError(BaseModel):
    """A file or page that could not be read; the batch goes on. ``message`` is one line naming
    the file and page."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    page: int | None = None
    reason: ErrorReason
    message: str

    @classmethod
    def make(cls, file: str, reason: ErrorReason, detail: str, page: int | None = None) -> IngestError:
        where = f"{file}" + (f" page {page}" if page is not None else "")
        detail = " ".join(str(detail).split())  # one line
        return cls(file=file, page=page, reason=reason, message=f"{where}: {reason}: {detail}")

    def to_processing_error(self) -> ProcessingError:
        return ProcessingError(stage="ingest", message=self.message, file=self.file, page=self.page)

    def __str__(self) -> str:
        return self.message
