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


def extract(
    inputs: Annotated[list[Path], typer.Argument(help="PDFs, images, zip archives or folders (a folder of page images is one document).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("out"),
    engine: Annotated[str, typer.Option(help=f"OCR engine: {', '.join(ENGINES)}.")] = "rapidocr",
    cells: Annotated[str, typer.Option(help="How ruled cells are read: 'crops' (recognise each cell) or 'page' (full-page OCR, then assign).")] = "crops",
    dpi: Annotated[float, typer.Option(help="Raster resolution for PDF pages.")] = 200.0,
    text_layer: Annotated[bool, typer.Option(help="Read born-digital pages from their text layer.")] = True,
    tables: Annotated[bool, typer.Option(help="Also write XLSX and CSV files.")] = True,
    debug: Annotated[bool, typer.Option(help="Write an overlay PNG per page (tables, cells, lines by role).")] = False,
    config: Annotated[Path | None, typer.Option(help="JSON file of ExtractOptions (overrides the flags).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    repair: Annotated[bool, typer.Option(help="Repair misread amounts the failing identities single out.")] = True,
) -> None:
    """Extract tables, cards and checks from disclosures into OUT/<name>.json (+ .xlsx, CSVs)."""
    from budgetdoc.ingest.types import IngestOptions
    from budgetdoc.pipeline.extract import count_pages, extract_document, plan_documents, summarize_results
    from budgetdoc.pipeline.options import ExtractOptions
    from budgetdoc.pipeline.outputs import write_outputs

    if config is not None:
        options = ExtractOptions.model_validate_json(config.read_text(encoding="utf-8"))
    else:
        if engine not in ENGINES:
            raise typer.BadParameter(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
        if cells not in ("crops", "page"):
            raise typer.BadParameter("--cells must be 'crops' or 'page'")
        options = ExtractOptions(ingest=IngestOptions(dpi=dpi), ocr=ENGINES[engine], cell_reading=cells,  # type: ignore[arg-type]
                                 use_text_layer=text_layer, repair=repair)
    docs, plan_errors = plan_documents(inputs)
    for e in plan_errors:
        typer.echo(f"error: {e.message}", err=True)
    if not docs:
        typer.echo("error: nothing to extract", err=True)
        raise typer.Exit(2)
    total = sum(n or 0 for n in (count_pages(d) for d in docs)) or None
    bar = None
    if not quiet:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="page", desc="extract", file=sys.stderr, dynamic_ncols=True)
    results = []
    failed = 0
    for doc in docs:
        if bar is not None:
            bar.set_postfix_str(doc.name[:30])
        result = extract_document(doc, options, keep_images=debug, on_page=bar.update if bar is not None else None)
        for e in result.errors:
            msg = f"error: {e.message}"
            if bar is not None:
                bar.write(msg, file=sys.stderr)
            else:
                typer.echo(msg, err=True)
        if not result.pages:
            failed += 1  # nothing readable: no JSON is written, the error says why
            continue
        write_outputs(result, out, doc.name, tables=tables, debug=debug)
        results.append(result)
        d = result.document
        line = (f"{doc.name}: {len(result.pages)} pages, {len(d.tables)} tables, "
                f"{sum(len(t.rows) for t in d.tables)} rows, {len(d.cards)} cards, "
                f"{sum(len(c.indicators) for c in d.cards)} indicators, "
                f"{sum(1 for c in d.checks if c.status == 'failed')} failed checks, {len(d.repairs)} repairs, "
                f"{result.seconds / max(1, len(result.pages)):.2f} s/page")
        if bar is not None:
            bar.write(line)
        else:
            typer.echo(line)
    if bar is not None:
        bar.close()
    summary = summarize_results(results)
    summary["failed_inputs"] = failed + len(plan_errors)
    typer.echo(f"wrote {out}/: " + json.dumps(summary, ensure_ascii=False))
    if failed + len(plan_errors):
        raise typer.Exit(1)
