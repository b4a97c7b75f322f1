"""The extraction pipeline: ingest → preprocess → OCR / text layer → tables → layout → cells →
cross-page merge → structuring → checks, as used by ``budgetdoc extract``.

* :func:`extract_document` — one document (file or folder of page images) → :class:`DocumentResult`;
* :func:`extract_page` — one page → :class:`PageExtraction`;
* :func:`assemble_document` — pages → a typed :class:`~budgetdoc.model.document.DisclosureDocument`;
* :class:`ExtractOptions` — every stage's options and backend configs.
"""

from budgetdoc.pipeline.assemble import assemble_document, merge_grids, merge_pages
from budgetdoc.pipeline.extract import (
    DocumentInput,
    DocumentResult,
    build_stages,
    count_pages,
    extract_document,
    plan_documents,
    summarize_results,
)
from budgetdoc.pipeline.options import ExtractOptions
from budgetdoc.pipeline.page import PageExtraction, PageTable, Stages, extract_page

__all__ = [
    "DocumentInput",
    "DocumentResult",
    "ExtractOptions",
    "PageExtraction",
    "PageTable",
    "Stages",
    "assemble_document",
    "build_stages",
    "count_pages",
    "extract_document",
    "extract_page",
    "merge_grids",
    "merge_pages",
    "plan_documents",
    "summarize_results",
]
