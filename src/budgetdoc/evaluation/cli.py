"""``budgetdoc eval``: score a folder of predictions against labelled truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def eval_command(
    truth: Annotated[Path, typer.Option("--truth", help="Sample folders (*/truth.json + meta.json), "
                                        "or document JSON files, or one document JSON.")],
    pred: Annotated[Path, typer.Option("--pred", help="Predictions: <id>/truth.json, <id>/prediction.json, "
                                       "<id>.json, <id>.html, <id>/*.html or <id>/*.csv per truth id.")],
    json_out: Annotated[Path | None, typer.Option("--json", help="Write every score here as JSON.")] = None,
    report: Annotated[Path | None, typer.Option("--report", help="Write a Markdown report here "
                                                   "(and <stem>-preset.png, <stem>-dpi.png beside it).")] = None,
    plots: Annotated[bool, typer.Option(help="Draw the preset and dpi plots next to the report.")] = True,
    grits: Annotated[bool, typer.Option(help="Compute GriTS-Con (slower on big tables).")] = True,
    stop_on_error: Annotated[bool, typer.Option(help="Stop at the first missing or unreadable "
                                                "prediction instead of counting it.")] = False,
) -> None:
    """Score predictions against labelled truth: cells, tables, structure (TEDS), rows and cards."""
    from budgetdoc.evaluation.report import HEADLINE, fmt, write_json, write_report
    from budgetdoc.evaluation.scoring import evaluate

    if not pred.is_dir():
        raise typer.BadParameter(f"{pred}: no such folder", param_hint="--pred")
    try:
        result = evaluate(truth, pred, with_grits=grits, stop_on_error=stop_on_error)
    except FileNotFoundError as e:
        raise typer.BadParameter(str(e), param_hint="--truth") from e
    except ValueError as e:
        typer.echo(f"stopped: {e}", err=True)
        raise typer.Exit(1) from e
    s = result.summary
    for key, label, _ in HEADLINE:
        typer.echo(f"{key:<24} {fmt(getattr(s, key))}")
    typer.echo(f"{'documents':<24} {s.documents}")
    typer.echo(f"{'missing_predictions':<24} {s.missing_predictions}")
    typer.echo(f"{'unreadable_predictions':<24} {s.unreadable_predictions}")
    for p in result.problems:
        typer.echo(f"  {p.status}: {p.document}: {p.reason}")
    if json_out is not None:
        typer.echo(f"wrote {write_json(result, json_out)}")
    if report is not None:
        for f in write_report(result, report, plots=plots):
            typer.echo(f"wrote {f}")
    typer.echo(f"({result.timings.get('total_s', 0):.1f} s)")
