"""Speed of the extraction pipeline against the OCR engine's own full-page det+rec, side by side.

For each page (200-dpi office-scan sample pages by default) it times, in one process and in turn:

* ``ocr_full_page`` — the engine's ``recognize_page`` on the page as it comes (det + rec): what
  running PP-OCR over the page costs before any table work;
* ``pipeline_crops`` — the whole page stage (preprocess, tables, text outside them, layout, each
  ruled cell recognised from its crop);
* ``pipeline_page`` — the same with ``cell_reading="page"`` (full-page OCR, lines assigned to cells).

The order rotates from page to page so that neither always runs on a warm cache. Medians and the
per-page ratio pipeline/OCR are reported; peak resident memory of the process is read at the end
(one worker: models loaded once). Usage::

    python eval/bench_pipeline.py [--samples datasets/samples] [--preset office-scan] [--pages 12]
        [--json eval/results/pipeline_speed.json] [--markdown eval/results/pipeline_speed.md]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pages(samples: Path, preset: str, limit: int) -> list[Path]:
    out = []
    for meta in sorted(samples.glob("*/meta.json")):
        m = json.loads(meta.read_text(encoding="utf-8"))
        if m.get("preset") != preset or m.get("origin") == "real":
            continue
        out += sorted((meta.parent / "pages").glob("page-*.*"))
    # spread the pick over the documents
    step = max(1, len(out) // limit)
    return out[::step][:limit]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=Path, default=ROOT / "datasets" / "samples")
    ap.add_argument("--preset", default="office-scan")
    ap.add_argument("--pages", type=int, default=12)
    ap.add_argument("--json", type=Path, default=ROOT / "eval" / "results" / "pipeline_speed.json")
    ap.add_argument("--markdown", type=Path, default=ROOT / "eval" / "results" / "pipeline_speed.md")
    args = ap.parse_args(argv)

    from budgetdoc.ingest import read_pages
    from budgetdoc.ingest.types import PageImage
    from budgetdoc.pipeline import ExtractOptions, build_stages, extract_page
    from budgetdoc.preprocess._binarize import to_gray
    from budgetdoc.util.files import atomic_write_text

    crops_opts, page_opts = ExtractOptions(), ExtractOptions(cell_reading="page")
    stages = build_stages(crops_opts)
    engine = stages.ocr
    assert engine is not None
    paths = _pages(args.samples, args.preset, args.pages)
    if not paths:
        print(f"no {args.preset} pages under {args.samples}", file=sys.stderr)
        return 2
    images: list[PageImage] = []
    for p in paths:
        images += [x for x in read_pages(p) if isinstance(x, PageImage)]
    # warm-up: first calls build ONNX sessions and allocate arenas
    extract_page(images[0], stages, crops_opts)
    engine.recognize_page(to_gray(images[0].image))

    rows = []
    runs = {
        "ocr_full_page": lambda im: engine.recognize_page(to_gray(im.image)),
        "pipeline_crops": lambda im: extract_page(im, stages, crops_opts),
        "pipeline_page": lambda im: extract_page(im, stages, page_opts),
    }
    names = list(runs)
    for k, im in enumerate(images):
        row = {"page": f"{Path(im.source).parent.parent.name}/{Path(im.source).stem}",
               "size_px": [im.width_px, im.height_px]}
        order = names[k % 3:] + names[:k % 3]
        for name in order:
            t = time.perf_counter()
            out = runs[name](im)
            row[name] = round(time.perf_counter() - t, 3)
            if name == "pipeline_crops":
                row["cells"] = sum(len(t.grid.cells) for t in out.tables)
        row["ratio_crops_vs_ocr"] = round(row["pipeline_crops"] / row["ocr_full_page"], 3)
        row["ratio_page_vs_ocr"] = round(row["pipeline_page"] / row["ocr_full_page"], 3)
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)

    med = {n: round(statistics.median(r[n] for r in rows), 3) for n in [*names, "ratio_crops_vs_ocr", "ratio_page_vs_ocr"]}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "benchmark": "pipeline_speed",
        "command": "python eval/bench_pipeline.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count(),
                    "processor": platform.processor() or platform.machine()},
        "preset": args.preset, "pages": len(rows), "median_seconds": med,
        "peak_rss_mb": round(peak_mb, 1), "per_page": rows,
    }
    atomic_write_text(args.json, json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    md = [f"# Pipeline speed ({args.preset}, {len(rows)} pages, one process)", "",
          f"Command: `{result['command']}`", "",
          "| step | median s/page |", "|---|---:|"]
    md += [f"| {n} | {med[n]:.2f} |" for n in names]
    md += ["", f"Median ratio to full-page OCR: crops {med['ratio_crops_vs_ocr']:.2f}, page {med['ratio_page_vs_ocr']:.2f}. "
           f"Peak resident memory: {peak_mb:.0f} MB.", ""]
    atomic_write_text(args.markdown, "\n".join(md))
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
