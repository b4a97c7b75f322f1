"""``budgetdoc review``: write the self-contained HTML review page of each document JSON.

One bad file (missing, not JSON, not a document) is reported on one line naming it and the others
are still written; the exit status is then 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def _one_line(e: BaseException, limit: int = 400) -> str:
    """An error as one line (pydantic's messages span many), cut to stay readable in a terminal."""
    text = " ".join(str(e).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _targets(docs: list[Path], out: Path | None) -> list[Path | None]:
    """Where each page goes: beside its JSON (None), the file ``--out`` names (one document,
    ``*.html``), or inside the folder ``--out`` names; same-named JSONs from different folders
    (``samples/*/truth.json``) take their folder's name there."""
    if out is None:
        return [None] * len(docs)
    if out.suffix.lower() in (".html", ".htm") and not out.is_dir():
        if len(docs) > 1:
            raise typer.BadParameter("give a folder, not an .html file, for several documents",
                                     param_hint="--out")
        return [out]
    stems = [d.stem for d in docs]
    names: list[Path | None] = []
    seen: set[str] = set()
    for d in docs:
        name = d.stem if stems.count(d.stem) == 1 else f"{d.resolve().parent.name}-{d.stem}"
        base, n = name, 1
        while name in seen:
            n += 1
            name = f"{base}-{n}"
        seen.add(name)
        names.append(out / f"{name}.review.html")
    return names


def review(
    docs: Annotated[list[Path], typer.Argument(help="Document JSON files (our schema).")],
    out: Annotated[Path | None, typer.Option(
        "--out", help="Output .html file (one document) or folder; default: <name>.review.html beside "
                      "each JSON.")] = None,
) -> None:
    """Write a self-contained HTML review page per document: page images with the cells drawn on
    them, the tables beside them, failed identities, repairs and the cells to check first."""
    from budgetdoc.export.review import write_review

    failed = False
    for doc, target in zip(docs, _targets(docs, out), strict=True):
        try:
            written = write_review(doc, target)
        except (ValueError, OSError) as e:
            failed = True
            message = _one_line(e)
            typer.echo(f"error: {message if str(doc) in message else f'{doc}: {message}'}", err=True)
            continue
        typer.echo(f"wrote {written}")
    if failed:
        raise typer.Exit(1)
