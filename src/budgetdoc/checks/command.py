"""``budgetdoc check``: run the accounting identities on any document JSON of our schema.

The checks are run afresh (whatever a file says it passed), every failure is printed with the
cells involved, each resolved to its page and box from the document's own provenance, and the exit
status says whether anything failed (1) or not (0); 2 for a file that cannot be read.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer

from budgetdoc.model.document import CellRef, CheckResult, DisclosureDocument


def locate(doc: DisclosureDocument, ref: CellRef) -> CellRef:
    """``ref`` with its page, box (upright page points) filled from the cell it names, when known."""
    if ref.table_id is None or ref.row is None or ref.col is None or (ref.page and ref.bbox):
        return ref
    table = next((t for t in doc.tables if t.id == ref.table_id), None)
    if table is None:
        return ref
    for c in table.cells:
        if c.row <= ref.row < c.row + c.row_span and c.col <= ref.col < c.col + c.col_span:
            prov = c.provenance
            if prov is not None:
                return ref.model_copy(update={"page": ref.page or prov.page, "bbox": ref.bbox or prov.bbox})
            break
    return ref


def _where(doc: DisclosureDocument, ref: CellRef) -> str:
    ref = locate(doc, ref)
    parts = [ref.table_id or ref.card_id or "document"]
    if ref.row is not None:
        parts.append(f"row {ref.row}")
    if ref.col is not None:
        parts.append(f"col {ref.col}")
    if ref.field:
        parts.append(ref.field)
    text = " ".join(parts)
    if ref.page is not None:
        text += f" (page {ref.page}"
        if ref.bbox is not None:
            b = ref.bbox
            text += f", box {b.l:.0f},{b.t:.0f},{b.r:.0f},{b.b:.0f}"
        text += ")"
    return text


def violation_line(doc: DisclosureDocument, result: CheckResult) -> str:
    """One line per failed identity: rule, description, expected vs found, the cells."""
    cells = "; ".join(_where(doc, c) for c in result.cells)
    return (f"{result.rule_id}: {result.description or result.message or ''} — expected {result.expected}, "
            f"found {result.found} — {cells}")


def check(
    files: Annotated[list[Path], typer.Argument(help="Document JSON files (our schema), from any extractor.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per file instead of text.")] = False,
    tolerance: Annotated[str, typer.Option(help="Rounding (尾差) the identities admit, in the table's unit.")] = "0.02",
) -> None:
    """Check the accounting identities of documents; exit 1 when any fails."""
    from budgetdoc.checks.identities import check_document
    from budgetdoc.model.io import load_document

    failed_any = unreadable = False
    for f in files:
        try:
            doc = load_document(f)
        except ValueError as e:
            typer.echo(f"error: {e}", err=True)
            unreadable = True
            continue
        results = check_document(doc, Decimal(tolerance))
        failed = [r for r in results if r.status == "failed"]
        failed_any |= bool(failed)
        counts = {s: sum(1 for r in results if r.status == s) for s in ("passed", "failed", "skipped")}
        if as_json:
            typer.echo(json.dumps({
                "file": str(f), "counts": counts,
                "violations": [{**r.model_dump(mode="json"),
                                "cells": [locate(doc, c).model_dump(mode="json") for c in r.cells]} for r in failed],
            }, ensure_ascii=False))
            continue
        typer.echo(f"{f}: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped "
                   f"(rules with nothing to check here)")
        for r in failed:
            typer.echo(f"  {violation_line(doc, r)}")
    if unreadable:
        raise typer.Exit(2)
    if failed_any:
        raise typer.Exit(1)
