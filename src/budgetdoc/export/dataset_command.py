"""``budgetdoc export``: an archive of document JSONs as Parquet tables and a DuckDB file (数据集导出).

The tables and their columns are described in :mod:`budgetdoc.export.dataset` and docs/dataset.md.
Files that are not budgetdoc documents are skipped with a warning; the exit status is 1 when an
input could not be read (corrupt JSON, an invalid document, a missing path), so a batch job notices,
while everything readable is still exported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

#: Skip warnings printed before the rest are counted (a sample set holds hundreds of label files).
SKIP_LINES = 20


def export(
    inputs: Annotated[list[Path], typer.Argument(
        help="Document JSON files, or folders searched recursively for *.json (budgetdoc extract's OUT).")],
    to: Annotated[Path, typer.Option(
        "--to", help="Output folder: <table>.parquet for every table and budgetdoc.duckdb.")],
    all_warnings: Annotated[bool, typer.Option(
        "--all-warnings", help=f"Print every skipped file, not only the first {SKIP_LINES}.")] = False,
) -> None:
    """Export document JSONs to Parquet tables and a DuckDB file, to query the archive in SQL."""
    from budgetdoc.export.dataset import export_dataset

    summary = export_dataset(inputs, to)
    skipped = summary.warnings[: len(summary.skipped)]
    shown = skipped if all_warnings else skipped[:SKIP_LINES]
    for line in shown + summary.warnings[len(summary.skipped):]:
        typer.echo(line, err=True)
    if len(shown) < len(skipped):
        typer.echo(f"warning: … and {len(skipped) - len(shown)} more files skipped (not budgetdoc documents; "
                   "--all-warnings lists them)", err=True)
    typer.echo(summary.line())
    if summary.failed:
        raise typer.Exit(1)
