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

from budgetdoc.checks.values import locate
from budgetdoc.model.document import CellRef, CheckResult, DisclosureDocument


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
    files: Annotated[list[Path] | None, typer.Argument(help="Document JSON files (our schema), from any extractor.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per file instead of text.")] = False,
    tolerance: Annotated[str, typer.Option(help="Rounding (尾差) the identities admit, in the table's unit.")] = "0.02",
    repair: Annotated[bool, typer.Option(
        "--repair", help="Also repair the misread amounts the failing identities single out, and print them.")] = False,
    out: Annotated[Path | None, typer.Option(
        help="With --repair: write each checked document (repairs, check status, review list) to this folder.")] = None,
    review: Annotated[int, typer.Option(help="Print this many cells to review first (0: none).")] = 0,
    list_rules: Annotated[bool, typer.Option("--rules", help="List every rule (id, family, 中文, English, "
                                             "tolerance, table types) and exit.")] = False,
) -> None:
    """Check the accounting identities of documents; exit 1 when any fails (after repair, with --repair)."""
    from budgetdoc.checks.rules import report as rules_report
    from budgetdoc.checks.rules import rule_catalogue
    from budgetdoc.checks.verify import verify_document
    from budgetdoc.model.io import dump_document, load_document

    if list_rules:
        for r in rule_catalogue():
            typer.echo(json.dumps(r, ensure_ascii=False, default=str) if as_json else
                       f"{r['id']} [{r['family']}] {r['description_zh']} / {r['description_en']}")
        return
    if not files:
        raise typer.BadParameter("give document JSON files (or --rules)", param_hint="FILES")
    failed_any = unreadable = False
    for f in files:
        try:
            doc = load_document(f)
        except ValueError as e:
            typer.echo(f"error: {e}", err=True)
            unreadable = True
            continue
        report = verify_document(doc, Decimal(tolerance), repair=repair)
        results = doc.checks
        failed = [r for r in results if r.status == "failed"]
        failed_any |= bool(failed)
        counts = {s: sum(1 for r in results if r.status == s) for s in ("passed", "failed", "skipped")}
        by_rule = rules_report(results)
        if out is not None:
            dump_document(doc, Path(out) / Path(f).name)
        if as_json:
            typer.echo(json.dumps({
                "file": str(f), "counts": counts,
                "rules": {k: by_rule[k] for k in ("rules_applied", "rules_failed", "rules_skipped", "families")},
                "violations": [{**r.model_dump(mode="json"),
                                "cells": [locate(doc, c).model_dump(mode="json") for c in r.cells]} for r in failed],
                "repairs": [r.model_dump(mode="json") for r in report.repairs],
                "review": [it.model_dump(mode="json") for it in doc.review[:review]],
            }, ensure_ascii=False))
            continue
        typer.echo(f"{f}: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped "
                   f"(rules with nothing to check here); rules: {by_rule['rules_applied']} applied, "
                   f"{by_rule['rules_failed']} failing, {by_rule['rules_skipped']} with nothing to check"
                   + (f"; {len(report.repairs)} repaired (failed before: {report.failed_before})" if repair else ""))
        for r in report.repairs:
            typer.echo(f"  repaired {_where(doc, r.cell)}: {r.original} -> {r.repaired} [{', '.join(r.rule_ids)}] "
                       f"{r.evidence}")
        for r in failed:
            typer.echo(f"  {violation_line(doc, r)}")
        for it in doc.review[:review]:
            typer.echo(f"  review {it.reason}: {_where(doc, it.cell)} {it.text!r} "
                       f"confidence {it.confidence} {' '.join(it.rule_ids)}")
    if unreadable:
        raise typer.Exit(2)
    if failed_any:
        raise typer.Exit(1)
