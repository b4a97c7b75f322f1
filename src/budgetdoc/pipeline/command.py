"""``budgetdoc extract``: scanned or born-digital disclosures → JSON, XLSX, CSV (and overlays)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

ENGINES = {
    "rapidocr": {"kind": "rapidocr"},
    "ppocrv4": {"kind": "rapidocr", "model_set": "PP-OCRv4"},
    "tesseract": {"kind": "tesseract"},
    "paddleocr": {"kind": "paddleocr"},
}


def _expand(inputs: list[Path]) -> list[Path]:
    """Inputs as given, with quoted globs (``'archive/**/*.pdf'``) expanded here."""
    import glob

    out: list[Path] = []
    for p in inputs:
        if not p.exists() and any(ch in str(p) for ch in "*?["):
            out += sorted(Path(m) for m in glob.glob(str(p), recursive=True))
        else:
            out.append(p)
    return out


class _Bar:
    """The progress bar: pages (rate, time left) with documents done in the postfix."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar = None
        self.docs = 0
        self.done = 0

    def start(self, documents: int, pages: int | None) -> None:
        self.docs = documents
        if not self.quiet and documents:
            from tqdm import tqdm

            self.bar = tqdm(total=pages, unit="page", desc="extract", file=sys.stderr, dynamic_ncols=True)
            self.bar.set_postfix_str(f"0/{documents} documents")

    def pages(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def document(self, name: str, line: str, *, ok: bool) -> None:
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr if line.startswith("error") else sys.stdout)
            if ok:
                self.done += 1
                self.bar.set_postfix_str(f"{self.done}/{self.docs} documents")
        else:
            typer.echo(line, err=line.startswith("error"))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def extract(
    inputs: Annotated[list[Path], typer.Argument(help="PDFs, images, zip archives, folders or quoted globs "
                                                      "(a folder of page images is one document).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (with its manifest.sqlite).")] = Path("out"),
    ocr: Annotated[str, typer.Option(help=f"OCR engine: {', '.join(ENGINES)}.")] = "rapidocr",
    engine: Annotated[str, typer.Option(help="Where documents are extracted: 'local' (this machine, --workers "
                                             "processes) or 'ray' (a Ray cluster, --ray-address).")] = "local",
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (Ray: actors), each loading the models "
                                                     "once.")] = 1,
    ray_address: Annotated[str | None, typer.Option(help="Ray cluster to join ('auto', 'ray://host:10001'); "
                                                         "default: start a local Ray instance.")] = None,
    cells: Annotated[str, typer.Option(help="How ruled cells are read: 'crops' (recognise each cell) or 'page' (full-page OCR, then assign).")] = "crops",
    dpi: Annotated[float, typer.Option(help="Raster resolution for PDF pages.")] = 200.0,
    text_layer: Annotated[bool, typer.Option(help="Read born-digital pages from their text layer.")] = True,
    tables: Annotated[bool, typer.Option(help="Also write XLSX and CSV files.")] = True,
    debug: Annotated[bool, typer.Option(help="Write an overlay PNG per page (tables, cells, lines by role).")] = False,
    page_images: Annotated[bool, typer.Option(help="Keep each upright page as OUT/<name>/pages/page-NNN.jpg "
                                                   "(linked from the JSON; used by budgetdoc review).")] = False,
    force: Annotated[bool, typer.Option(help="Extract again what the manifest says is done.")] = False,
    config: Annotated[Path | None, typer.Option(help="JSON file of ExtractOptions (overrides the flags).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    repair: Annotated[bool, typer.Option(help="Repair misread amounts the failing identities single out.")] = True,
) -> None:
    """Extract tables, cards and checks from disclosures into OUT/<name>.json (+ .xlsx, CSVs).

    OUT/manifest.sqlite records each document by content hash: a rerun skips what is done, retries
    what failed and redoes what a killed run left unfinished."""
    from budgetdoc.batch import BatchOptions, run_batch
    from budgetdoc.ingest.types import IngestOptions
    from budgetdoc.pipeline.extract import plan_documents
    from budgetdoc.pipeline.options import ExtractOptions

    if engine in ENGINES:  # before --ocr existed, --engine named the OCR engine
        ocr, engine = engine, "local"
    if engine not in ("local", "ray"):
        raise typer.BadParameter(f"--engine must be 'local' or 'ray', not {engine!r}")
    if config is not None:
        options = ExtractOptions.model_validate_json(config.read_text(encoding="utf-8"))
    else:
        if ocr not in ENGINES:
            raise typer.BadParameter(f"unknown OCR engine {ocr!r}; choose from {', '.join(ENGINES)}")
        if cells not in ("crops", "page"):
            raise typer.BadParameter("--cells must be 'crops' or 'page'")
        options = ExtractOptions(ingest=IngestOptions(dpi=dpi), ocr=ENGINES[ocr], cell_reading=cells,  # type: ignore[arg-type]
                                 use_text_layer=text_layer, repair=repair)
    docs, plan_errors = plan_documents(_expand(inputs))
    for e in plan_errors:
        typer.echo(f"error: {e.message}", err=True)
    if not docs:
        typer.echo("error: nothing to extract", err=True)
        raise typer.Exit(2)
    batch = BatchOptions(out_dir=out, workers=workers, engine=engine, ray_address=ray_address,  # type: ignore[arg-type]
                         tables=tables, debug=debug, page_images=page_images, force=force)
    try:
        summary = run_batch(docs, options, batch, progress=_Bar(quiet))
    except RuntimeError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from None
    for line in summary.unreadable:
        typer.echo(f"error: {line}", err=True)
    totals = {k: summary.totals.get(k, 0) for k in ("documents", "tables", "rows", "cards", "indicators", "errors",
                                                    "checks_failed", "repairs")}
    seconds = summary.totals.get("seconds", 0.0)
    totals.update(pages=summary.pages, seconds=round(seconds, 2),
                  seconds_per_page=round(seconds / summary.pages, 3) if summary.pages else None)
    totals.update(skipped=summary.skipped, duplicates=summary.duplicates,
                  failed_inputs=summary.failed + len(plan_errors), pages_per_minute=summary.pages_per_minute)
    if summary.skipped:
        typer.echo(f"{summary.skipped} document(s) already extracted with these options (see {out}/manifest.sqlite): "
                   "skipped; --force extracts them again")
    typer.echo(f"wrote {out}/: " + json.dumps(totals, ensure_ascii=False))
    if summary.failed + len(plan_errors):
        raise typer.Exit(1)
