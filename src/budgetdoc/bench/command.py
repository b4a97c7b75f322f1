"""``budgetdoc bench``: systems side by side on the same labelled samples, in one run.

Each system extracts the same sample pages; the evaluator scores every system's output against
the same truth; seconds per page are measured in this one run (the machine's noise hits all
systems alike). Systems:

* ``budgetdoc:<engine>`` — the whole pipeline with an OCR engine (``rapidocr`` = PP-OCRv6, the
  default; ``ppocrv4``; ``tesseract``);
* ``img2table`` — the peer: img2table with Tesseract ``chi_sim``, its tables scored as HTML.

Outputs: ``OUT/<system>/`` (the predictions, so any number can be checked), ``OUT/bench.json``
and ``OUT/bench.md``.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Annotated, Any

import typer

METRICS = [
    ("numeric", "numeric_cell_accuracy"), ("text", "text_cell_accuracy"), ("empty", "empty_cell_accuracy"),
    ("CER", "cer"), ("table recall", "table_recall"), ("type", "table_type_accuracy"), ("TEDS", "teds"),
    ("rows", "row_accuracy"), ("indicator F1", "indicator_f1"),
]


def _pick_samples(root: Path, presets: list[str], origins: list[str], limit: int | None) -> list[Path]:
    out = []
    for meta in sorted(root.glob("*/meta.json")):
        m = json.loads(meta.read_text(encoding="utf-8"))
        if presets and m.get("preset") not in presets:
            continue
        if origins and m.get("origin") not in origins:
            continue
        out.append(meta.parent)
    return out[:limit] if limit else out


def _score(samples: list[Path], pred_dir: Path) -> dict[str, Any]:
    from budgetdoc.evaluation.loading import find_prediction, load_truth
    from budgetdoc.evaluation.scoring import score_documents

    truths = []
    for s in samples:
        t, _ = load_truth(s)
        truths += t
    preds = {t.id: find_prediction(pred_dir, t.id) for t in truths}
    result = score_documents(truths, preds, pred_label=str(pred_dir), with_grits=False)
    return result.summary.model_dump(mode="json")


def run_pipeline(samples: list[Path], engine: str, out_dir: Path, progress=None) -> dict[str, Any]:
    """Extract every sample with the pipeline and ``engine``; seconds per page as measured."""
    from budgetdoc.pipeline import ExtractOptions, build_stages, extract_document, plan_documents
    from budgetdoc.pipeline.command import ENGINES
    from budgetdoc.pipeline.outputs import write_outputs

    options = ExtractOptions(ocr=ENGINES[engine])
    try:
        stages = build_stages(options)
    except Exception as e:  # noqa: BLE001  # an engine that cannot run here is reported, not fatal
        return {"status": "unavailable", "reason": f"{type(e).__name__}: {e}"}
    per_page: list[float] = []
    pages = 0
    t0 = time.perf_counter()
    for s in samples:
        docs, _ = plan_documents([s / "pages"])
        for d in docs:
            result = extract_document(d, options, stages=stages)
            write_outputs(result, out_dir, s.name, tables=False)
            per_page += [p.timings.get("total", 0.0) for p in result.pages]
            pages += len(result.pages)
            if progress:
                progress(f"{engine}: {s.name} ({len(result.pages)} pages, {result.seconds:.1f} s)")
    return {"status": "ok", "pages": pages, "seconds": round(time.perf_counter() - t0, 2),
            "median_s_per_page": round(statistics.median(per_page), 3) if per_page else None}


def bench(
    samples: Annotated[Path, typer.Option(help="Labelled sample set.")] = Path("datasets/samples"),
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("out/bench"),
    preset: Annotated[list[str] | None, typer.Option(help="Only these presets (repeatable).")] = None,
    origin: Annotated[list[str] | None, typer.Option(help="Only these origins: seed, synthetic, real.")] = None,
    engine: Annotated[list[str] | None, typer.Option(help="Pipeline engines: rapidocr, ppocrv4, tesseract.")] = None,
    peer: Annotated[bool, typer.Option(help="Also run img2table (with Tesseract) as the peer.")] = True,
    limit: Annotated[int | None, typer.Option(help="At most this many samples.")] = None,
) -> None:
    """Score the pipeline with each OCR engine, and img2table, on the same samples; time them."""
    from budgetdoc.util.files import atomic_write_text

    chosen = _pick_samples(samples, list(preset or []), list(origin or []), limit)
    if not chosen:
        typer.echo("error: no samples match", err=True)
        raise typer.Exit(2)
    engines = list(engine or ["rapidocr", "ppocrv4", "tesseract"])
    systems: dict[str, dict[str, Any]] = {}
    for name in engines:
        run = run_pipeline(chosen, name, out / f"budgetdoc-{name}", progress=typer.echo)
        if run["status"] == "ok":
            run["scores"] = _score(chosen, out / f"budgetdoc-{name}")
        systems[f"budgetdoc:{name}"] = run
    if peer:
        from budgetdoc.bench.peers import img2table_status, run_img2table

        ok, why = img2table_status()
        if ok:
            pr = run_img2table(chosen, out / "img2table", progress=typer.echo)
            systems["img2table"] = {"status": "ok", "pages": pr.pages, "seconds": round(pr.seconds_total, 2),
                                    "median_s_per_page": None if pr.seconds_per_page_median is None
                                    else round(pr.seconds_per_page_median, 3),
                                    "version": pr.version, "options": pr.options,
                                    "scores": _score(chosen, out / "img2table")}
        else:
            systems["img2table"] = {"status": "unavailable", "reason": why}
    result = {"benchmark": "budgetdoc bench", "samples": [s.name for s in chosen],
              "pages": sum(len(list((s / "pages").glob("page-*"))) for s in chosen), "systems": systems}
    atomic_write_text(out / "bench.json", json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    md = [f"# budgetdoc bench: {len(chosen)} samples, {result['pages']} pages", "",
          "| system | " + " | ".join(m for m, _ in METRICS) + " | s/page (median) |",
          "|---|" + "---:|" * (len(METRICS) + 1)]
    for name, run in systems.items():
        if run["status"] != "ok":
            md.append(f"| {name} | unavailable: {run['reason']} |")
            continue
        sc = run["scores"]
        cells = [("n/a" if sc.get(k) is None else f"{sc[k]:.4f}") for _, k in METRICS]
        md.append(f"| {name} | " + " | ".join(cells) + f" | {run.get('median_s_per_page') or 'n/a'} |")
    text = "\n".join(md) + "\n"
    atomic_write_text(out / "bench.md", text)
    typer.echo(text)
