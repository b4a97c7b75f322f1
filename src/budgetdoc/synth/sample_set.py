"""The committed labelled sample set (``datasets/samples``): build it, summarise it, checksum it.

``budgetdoc samples --out datasets/samples`` regenerates the whole set byte for byte: the seed and
the synthetic documents from :func:`budgetdoc.synth.command.build_sample_set`, the real pages from
:func:`budgetdoc.labelling.real_pdf.label_real_pdfs`, then ``summary.json`` and ``SHA256SUMS``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from budgetdoc.util.files import atomic_write_text, sha256_file

REAL_PDF_DIR = Path("datasets/real")
CHECKSUM_FILE = "SHA256SUMS"
SUMMARY_FILE = "summary.json"
REAL_SEED = 2026


def sample_dirs(root: Path) -> list[Path]:
    """Sample folders under ``root`` (those with a ``truth.json``), sorted by name."""
    return sorted(p.parent for p in Path(root).glob("*/truth.json"))


def summarize(root: Path) -> dict:
    """Counts over the sample set: documents, pages, tables, cells, indicators, by origin and preset."""
    from budgetdoc.model.io import load_document

    total = {"documents": 0, "pages": 0, "tables": 0, "table_cells": 0, "cards": 0, "card_cells": 0,
             "indicators": 0, "bytes": 0}
    by_origin: dict[str, dict[str, int]] = {}
    by_preset: dict[str, int] = {}
    table_types: dict[str, int] = {}
    for d in sample_dirs(root):
        doc = load_document(d / "truth.json")
        meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
        n_pages = len(list((d / "labels").glob("page-*.json")))
        counts = {
            "documents": 1,
            "pages": n_pages,
            "tables": len(doc.tables),
            "table_cells": sum(len(t.cells) for t in doc.tables),
            "cards": len(doc.cards),
            "card_cells": sum(len(c.form.cells) for c in doc.cards if c.form is not None),
            "indicators": sum(len(c.indicators) for c in doc.cards),
            "bytes": sum(f.stat().st_size for f in d.rglob("*") if f.is_file()),
        }
        for k, v in counts.items():
            total[k] += v
        o = by_origin.setdefault(meta["origin"], {k: 0 for k in counts})
        for k, v in counts.items():
            o[k] += v
        by_preset[meta.get("preset") or "none"] = by_preset.get(meta.get("preset") or "none", 0) + n_pages
        for t in doc.tables:
            table_types[t.table_type.value] = table_types.get(t.table_type.value, 0) + 1
    return {"total": total, "by_origin": by_origin, "pages_by_preset": dict(sorted(by_preset.items())),
            "tables_by_type": dict(sorted(table_types.items()))}


#: Files of the set that are not generated (the hand-written dataset card) or are the checksums.
UNCHECKED = {CHECKSUM_FILE, "README.md"}


def _generated_files(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file() and p.relative_to(root).as_posix() not in UNCHECKED)


def write_checksums(root: Path) -> Path:
    """``SHA256SUMS`` over every generated file of the set (``sha256sum -c`` format)."""
    lines = [f"{sha256_file(f)}  {f.relative_to(root).as_posix()}" for f in _generated_files(root)]
    return atomic_write_text(Path(root) / CHECKSUM_FILE, "\n".join(lines) + "\n")


def verify_checksums(root: Path) -> list[str]:
    """Problems found: files whose hash differs, files missing, files not listed."""
    root = Path(root)
    listed: dict[str, str] = {}
    for line in (root / CHECKSUM_FILE).read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    problems = []
    for name, digest in listed.items():
        f = root / name
        if not f.is_file():
            problems.append(f"missing: {name}")
        elif sha256_file(f) != digest:
            problems.append(f"changed: {name}")
    problems += [f"not listed: {f.relative_to(root).as_posix()}" for f in _generated_files(root)
                 if f.relative_to(root).as_posix() not in listed]
    return problems


def build_all(out: Path, *, real_pdf_dir: Path = REAL_PDF_DIR) -> dict:
    """Regenerate the whole committed set into ``out`` and return its summary."""
    from budgetdoc.labelling.real_pdf import label_real_pdfs
    from budgetdoc.synth.command import build_sample_set

    out.mkdir(parents=True, exist_ok=True)
    build_sample_set(out)
    report = label_real_pdfs(
        sorted(Path(real_pdf_dir).glob("*.pdf")), out,
        presets=("clean", "office-scan", "poor-scan"), seed=REAL_SEED, pages_per_pdf=4, max_total_mb=10.0, write_pdf=False,
    )
    summary = summarize(out)
    summary["real_labelling"] = report.model_dump(mode="json") if hasattr(report, "model_dump") else report
    atomic_write_text(out / SUMMARY_FILE, json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    write_checksums(out)
    return summary


def samples(
    out: Annotated[Path, typer.Option(help="Folder to write the sample set into.")] = Path("datasets/samples"),
    real_pdfs: Annotated[Path, typer.Option(help="Folder of born-digital PDFs to label.")] = REAL_PDF_DIR,
    verify: Annotated[bool, typer.Option(help="Only verify SHA256SUMS of an existing set.")] = False,
) -> None:
    """Build (or verify) the committed labelled sample set: seed, synthetic documents, real pages."""
    if verify:
        problems = verify_checksums(out)
        for p in problems:
            typer.echo(p, err=True)
        typer.echo(f"{out}: {'OK' if not problems else f'{len(problems)} problems'}")
        raise typer.Exit(1 if problems else 0)
    summary = build_all(out, real_pdf_dir=real_pdfs)
    t = summary["total"]
    typer.echo(
        f"{out}: {t['documents']} documents, {t['pages']} pages, {t['tables']} tables, "
        f"{t['table_cells']} table cells, {t['cards']} cards, {t['indicators']} indicators, "
        f"{t['bytes'] / 1e6:.1f} MB"
    )
