"""Ingest stage: PDFs, images, folders and zip archives in; one :class:`PageImage` per page out.

* :func:`read_pages` — iterate every page of a source, each rasterised exactly once; whatever
  cannot be read becomes an :class:`IngestError` (file, page, reason, one-line message) and the
  batch goes on.
* :class:`IngestOptions` — dpi, colour, pixel cap, blank threshold, …
* PDF pages keep their text layer (:class:`TextLayer`: characters and runs with boxes in upright
  page points, origin top-left) when they have one; image-only pages have none.
"""

from budgetdoc.ingest.blank import ink_fraction
from budgetdoc.ingest.sources import list_inputs, read_pages
from budgetdoc.ingest.types import (
    ErrorReason,
    IngestError,
    IngestOptions,
    MediaType,
    PageImage,
    TextChar,
    TextLayer,
    TextWord,
)

__all__ = [
    "ErrorReason",
    "IngestError",
    "IngestOptions",
    "MediaType",
    "PageImage",
    "TextChar",
    "TextLayer",
    "TextWord",
    "ink_fraction",
    "list_inputs",
    "read_pages",
]
