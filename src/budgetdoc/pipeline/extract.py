"""Files → documents: plan the documents in the inputs, extract each, write the outputs atomically.

One input document is a PDF, an image, a zip archive, or a folder of page images (the images
directly in one folder, in natural order, are the pages of one document). A folder of PDFs gives
one document per PDF. Bad input never stops the batch: each problem becomes a one-line error that
names the file and page, kept in the document's ``errors`` and printed.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath

from budgetdoc import __version__
from budgetdoc.checks.verify import verify_document
from budgetdoc.ingest.sources import IMAGE_EXT, PDF_EXT, ZIP_EXT, natural_key, read_pages, read_zip_member, zip_documents
from budgetdoc.ingest.types import IngestError, PageImage
from budgetdoc.layout import build_layout
from budgetdoc.model.document import DisclosureDocument, ProcessingError, SourceFile
from budgetdoc.ocr.registry import build_engine
from budgetdoc.pipeline.assemble import assemble_document
from budgetdoc.pipeline.options import ExtractOptions
from budgetdoc.pipeline.page import PageExtraction, Stages, extract_page
from budgetdoc.table_structure.backends import build_structure

__all__ = ["DocumentInput", "DocumentResult", "build_stages", "extract_document", "plan_documents"]


@dataclass(frozen=True)
class DocumentInput:
    """One document to extract: a file (PDF, image, zip) or the page images of one folder."""

    name: str  # output stem, unique in the batch
    paths: tuple[Path, ...]
    member: str | None = None  # one document inside the zip archive paths[0]: a file, or "folder/" of images

    @property
    def label(self) -> str:
        if self.member is not None:
            return f"{self.paths[0]}!{self.member}"
        return str(self.paths[0]) if len(self.paths) == 1 else str(self.paths[0].parent)


@dataclass
class DocumentResult:
    """A document and what it took: seconds per page and the pages' own results (for overlays)."""

    document: DisclosureDocument
    pages: list[PageExtraction] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> list[ProcessingError]:
        return self.document.errors


def plan_documents(inputs: Iterable[str | Path]) -> tuple[list[DocumentInput], list[ProcessingError]]:
    """The documents in ``inputs`` (files and folders, searched recursively), each with a unique
    output stem, and an error for every input that does not exist or is of an unknown kind.

    In a folder, each PDF or zip is a document and each sub-folder of images is one document (its
    images are the pages). A folder holding nothing but images is one document; images lying
    beside PDFs or document folders are a document each. A zip archive holding several documents
    (PDFs, folders of page images) gives one document each; a zip of page images is one."""
    docs: list[tuple[str, tuple[Path, ...], str | None]] = []
    errors: list[ProcessingError] = []
    for raw in inputs:
        p = Path(raw)
        if not p.exists():
            errors.append(ProcessingError(stage="ingest", file=str(p), message=f"{p}: not_found: no such file or folder"))
            continue
        if p.is_file():
            if p.suffix.lower() not in PDF_EXT | IMAGE_EXT | ZIP_EXT:
                errors.append(ProcessingError(stage="ingest", file=str(p),
                                              message=f"{p}: unsupported: not a PDF, image or zip archive"))
                continue
            docs += _zip_or_file(p)
            continue
        files = sorted((f for f in p.rglob("*") if f.is_file() and not any(s.startswith(".") for s in f.relative_to(p).parts)),
                       key=lambda f: natural_key(str(f.relative_to(p))))
        by_folder: dict[Path, list[Path]] = {}
        for f in files:
            ext = f.suffix.lower()
            if ext in PDF_EXT | ZIP_EXT:
                docs += _zip_or_file(f)
            elif ext in IMAGE_EXT:
                by_folder.setdefault(f.parent, []).append(f)
        only_images_here = set(by_folder) == {p} and not any(f.suffix.lower() in PDF_EXT | ZIP_EXT for f in files)
        for folder, images in by_folder.items():
            if folder == p and not only_images_here:
                # loose images beside PDFs or document folders: one document each
                docs += [(f.stem, (f,), None) for f in images]
                continue
            # a folder of page images is one document; pages/ or images/ takes its parent's name
            stem = folder.parent.name if folder.name.lower() in ("pages", "images", "scans") else folder.name
            docs.append((stem or "document", tuple(images), None))
        if not files:
            errors.append(ProcessingError(stage="ingest", file=str(p), message=f"{p}: empty: no files in the folder"))
    seen: dict[str, int] = {}
    out = []
    for stem, paths, member in docs:
        n = seen.get(stem, 0)
        seen[stem] = n + 1
        out.append(DocumentInput(name=stem if n == 0 else f"{stem}-{n + 1}", paths=paths, member=member))
    return out, errors


def _zip_or_file(p: Path) -> list[tuple[str, tuple[Path, ...], str | None]]:
    """A file as one document, or a zip archive of several documents as one each (named by member)."""
    members = zip_documents(p) if p.suffix.lower() in ZIP_EXT else []
    if not members:
        return [(p.stem, (p,), None)]
    out = []
    for m in members:
        inner = PurePosixPath(m.rstrip("/"))
        stem = inner.stem if not m.endswith("/") else (inner.name if inner.name not in ("", ".") else p.stem)
        if stem.lower() in ("pages", "images", "scans") and inner.parent.name:
            stem = inner.parent.name
        out.append((stem, (p,), m))
    return out


def build_stages(options: ExtractOptions, *, need_ocr: bool = True) -> Stages:
    """The backends of a run, built once per process (engines are cached by their options)."""
    ocr = build_engine(options.ocr) if need_ocr else None
    return Stages(ocr=ocr, structure=build_structure(options.structure), layout=build_layout(options.layout))


def _iter_pages(doc: DocumentInput, options: ExtractOptions) -> Iterator[PageImage | IngestError]:
    if doc.member is not None:
        number = 0
        for item in read_zip_member(doc.paths[0], doc.member, options.ingest):
            if isinstance(item, PageImage) and doc.member.endswith("/"):
                number += 1
                item = dataclasses.replace(item, page=number)
            yield item
        return
    if len(doc.paths) == 1:
        yield from read_pages(doc.paths[0], options.ingest)
        return
    for number, path in enumerate(doc.paths, start=1):
        for item in read_pages(path, options.ingest):
            if isinstance(item, PageImage):
                # a folder of images: page numbers count through the folder
                item = dataclasses.replace(item, page=number)
            yield item


def extract_document(doc: DocumentInput, options: ExtractOptions | None = None, *, stages: Stages | None = None,
                     keep_images: bool = False, on_page: Callable[[int], None] | None = None) -> DocumentResult:
    """Extract one document. Never raises for bad input: problems are in ``document.errors``."""
    options = options or ExtractOptions()
    t0 = time.perf_counter()
    pages: list[PageExtraction] = []
    errors: list[ProcessingError] = []
    page_count = 0
    lazy: Stages | None = stages
    for item in _iter_pages(doc, options):
        if isinstance(item, IngestError):
            errors.append(item.to_processing_error())
            continue
        page_count += 1
        where = f"{item.source} page {item.page}"
        if item.is_blank:
            errors.append(ProcessingError(stage="ingest", file=item.source, page=item.page,
                                          message=f"{where}: blank: the page has no ink; skipped"))
            if on_page:
                on_page(1)
            continue
        try:
            if lazy is None:
                lazy = build_stages(options)
            pages.append(extract_page(item, lazy, options, keep_image=keep_images))
        except Exception as e:  # noqa: BLE001  # one bad page must not lose the document
            errors.append(ProcessingError(stage="extract", file=item.source, page=item.page,
                                          message=f"{where}: failed: {type(e).__name__}: {' '.join(str(e).split())}"))
        if on_page:
            on_page(1)
    source = SourceFile(path=doc.label, media_type=None, page_count=page_count)
    document = assemble_document(pages, source=source, errors=errors,
                                 producer=f"budgetdoc {__version__} extract ({options.ocr.get('kind', 'rapidocr')}, "
                                          f"{options.cell_reading})")
    if pages and not document.tables and not document.cards:
        document.errors.append(ProcessingError(
            stage="structuring", file=doc.label,
            message=f"{doc.label}: not_a_disclosure: no budget table or performance card found on {len(pages)} page(s)"))
    if options.run_checks and (document.tables or document.cards):
        verify_document(document, Decimal(options.check_tolerance), repair=options.repair)
    return DocumentResult(document=document, pages=pages, seconds=time.perf_counter() - t0)


def count_pages(doc: DocumentInput) -> int | None:
    """Pages in a document without rendering them (for a progress bar); None when unknown."""
    if len(doc.paths) > 1:
        return len(doc.paths)
    if doc.member is not None:
        return None
    p = doc.paths[0]
    if p.suffix.lower() in IMAGE_EXT:
        return 1
    if p.suffix.lower() in PDF_EXT:
        try:
            import pypdfium2 as pdfium

            pdf = pdfium.PdfDocument(str(p))
            try:
                return len(pdf)
            finally:
                pdf.close()
        except Exception:  # noqa: BLE001
            return None
    return None


def summarize_results(results: Sequence[DocumentResult]) -> dict:
    """Counts a run prints and records: documents, pages, tables, rows, cards, errors, s/page."""
    pages = sum(len(r.pages) for r in results)
    secs = sum(r.seconds for r in results)
    return {
        "documents": len(results),
        "pages": pages,
        "tables": sum(len(r.document.tables) for r in results),
        "rows": sum(len(t.rows) for r in results for t in r.document.tables),
        "cards": sum(len(r.document.cards) for r in results),
        "indicators": sum(len(c.indicators) for r in results for c in r.document.cards),
        "errors": sum(len(r.errors) for r in results),
        "checks_failed": sum(1 for r in results for c in r.document.checks if c.status == "failed"),
        "repairs": sum(len(r.document.repairs) for r in results),
        "seconds": round(secs, 2),
        "seconds_per_page": round(secs / pages, 3) if pages else None,
    }
