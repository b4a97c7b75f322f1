"""Benchmark of the scan generator: seconds per page to render, degrade and write, per preset.

Usage: .venv/bin/python eval/bench_synth.py [--docs N] [--out eval/results/synth_speed.json]
Medians over the pages of N generated documents, all presets measured in the same run on the same
rendered pages (so the ratios between stages hold even on a noisy machine).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np

from budgetdoc.synth.degrade import degrade
from budgetdoc.synth.render import render_document
from budgetdoc.synth.variants import random_document
from budgetdoc.synth.writer import PageOutput, encode_image
from budgetdoc.util.files import atomic_write_text

PRESETS = ("clean", "office-scan", "poor-scan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=Path("eval/results/synth_speed.json"))
    args = ap.parse_args()

    render_s: list[float] = []
    degrade_s: dict[str, list[float]] = {p: [] for p in PRESETS}
    encode_s: dict[str, list[float]] = {p: [] for p in PRESETS}
    pages = 0
    for i in range(args.docs):
        style = ("shanxi", "jiangsu", "shanghai")[i % 3]
        doc = random_document(100 + i, style=style)
        t0 = time.perf_counter()
        rendered = render_document(doc, seed=100 + i, dpi=200, style=style)
        per_page = (time.perf_counter() - t0) / len(rendered.pages)
        render_s += [per_page] * len(rendered.pages)
        for page in rendered.pages:
            pages += 1
            for preset in PRESETS:
                rng = np.random.default_rng([i, page.number])
                t0 = time.perf_counter()
                d = degrade(page.image, width_pt=page.width_pt, height_pt=page.height_pt, render_dpi=200,
                            preset=preset, rng=rng, line_mask=page.line_mask)
                degrade_s[preset].append(time.perf_counter() - t0)
                labels = page.labels(transform=d.transform, size_px=d.image.size, dpi=d.dpi, preset=preset)
                t0 = time.perf_counter()
                encode_image(PageOutput(d.image, labels, image_format=d.image_format, jpeg_quality=d.jpeg_quality))
                encode_s[preset].append(time.perf_counter() - t0)
    result = {
        "documents": args.docs, "pages": pages, "render_dpi": 200,
        "median_render_s_per_page": round(statistics.median(render_s), 3),
        "median_degrade_s_per_page": {p: round(statistics.median(v), 3) for p, v in degrade_s.items()},
        "median_encode_s_per_page": {p: round(statistics.median(v), 3) for p, v in encode_s.items()},
    }
    atomic_write_text(args.out, json.dumps(result, indent=1) + "\n")
    md = ["| stage | clean | office-scan | poor-scan |", "|---|---|---|---|",
          "| render (all presets share it) | " + " | ".join([str(result["median_render_s_per_page"])] * 3) + " |",
          "| degrade | " + " | ".join(str(result["median_degrade_s_per_page"][p]) for p in PRESETS) + " |",
          "| encode | " + " | ".join(str(result["median_encode_s_per_page"][p]) for p in PRESETS) + " |"]
    atomic_write_text(args.out.with_suffix(".md"),
                      f"Median seconds per page ({pages} pages of {args.docs} documents, 200 dpi)\n\n"
                      + "\n".join(md) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
