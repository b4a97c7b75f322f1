"""Batch throughput: pages per minute for 1 and 2 local workers and for Ray with 2 local actors, on
the same pages, and the peak memory of each worker.

Each configuration extracts the same documents into a fresh output folder through
:func:`budgetdoc.batch.run_batch` (what ``budgetdoc extract`` runs), so model loading and worker
start-up are in the time, as a user sees them. The configurations are interleaved and repeated
(``--rounds``) so that a noisy machine hurts them alike; the medians and the ratios to one worker
are reported. Peak memory is each worker process's own peak RSS (``ru_maxrss``), the largest over
the workers of a run.

    .venv/bin/python eval/batch_throughput.py --rounds 2 --out eval/results/batch_throughput
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from budgetdoc.batch import BatchOptions, run_batch
from budgetdoc.pipeline.extract import plan_documents
from budgetdoc.pipeline.options import ExtractOptions

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = {"local-1": ("local", 1), "local-2": ("local", 2), "ray-2": ("ray", 2)}


def _inputs(tmp: Path, n: int) -> Path:
    """``n`` one-page generated scans (office and poor) from the committed sample set."""
    samples = sorted(p for p in (ROOT / "datasets" / "samples").glob("real-*-scan")
                     if len(list((p / "pages").iterdir())) == 1)[:n]
    root = tmp / "archive"
    for s in samples:
        shutil.copytree(s / "pages", root / s.name)
    return root


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=8, help="one-page documents to extract")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    ap.add_argument("--out", type=Path, default=ROOT / "eval" / "results" / "batch_throughput")
    args = ap.parse_args(argv)

    runs: dict[str, list[dict]] = {c: [] for c in args.configs}
    with tempfile.TemporaryDirectory() as tmp:
        src = _inputs(Path(tmp), args.pages)
        docs, errors = plan_documents([src])
        assert not errors, errors
        for r in range(args.rounds):
            for name in args.configs:
                engine, workers = CONFIGS[name]
                out = Path(tmp) / f"out-{name}-{r}"
                t0 = time.perf_counter()
                s = run_batch(docs, ExtractOptions(), BatchOptions(out_dir=out, engine=engine, workers=workers,
                                                                   tables=False))
                wall = time.perf_counter() - t0
                assert s.extracted == len(docs) and not s.failed, s.errors
                runs[name].append({"round": r, "pages": s.pages, "wall_seconds": round(wall, 2),
                                   "pages_per_minute": round(60 * s.pages / wall, 2),
                                   "peak_rss_mb_per_worker": max(s.worker_peak_rss_mb.values())})
                print(f"{name} round {r}: {runs[name][-1]}", file=sys.stderr)
    base = statistics.median(x["pages_per_minute"] for x in runs[args.configs[0]])
    table = {}
    for name, xs in runs.items():
        ppm = statistics.median(x["pages_per_minute"] for x in xs)
        table[name] = {"pages_per_minute_median": round(ppm, 2), "ratio_to_" + args.configs[0]: round(ppm / base, 2),
                       "peak_rss_mb_per_worker_max": round(max(x["peak_rss_mb_per_worker"] for x in xs), 1),
                       "runs": xs}
    result = {"what": "pages per minute, wall clock including worker start-up and model loading",
              "pages": args.pages, "rounds": args.rounds,
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
              "results": table}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = [f"# Batch throughput ({args.pages} one-page scans, {args.rounds} rounds, {os.cpu_count()} CPUs)", "",
             "Wall clock of `run_batch` including worker start-up and model loading; medians over the rounds.", "",
             f"| configuration | pages/min (median) | vs {args.configs[0]} | peak RSS per worker (MiB) |",
             "|---|---:|---:|---:|"]
    for name, row in table.items():
        lines.append(f"| {name} | {row['pages_per_minute_median']} | {row['ratio_to_' + args.configs[0]]} | "
                     f"{row['peak_rss_mb_per_worker_max']} |")
    lines += ["", f"Command: `.venv/bin/python eval/batch_throughput.py --pages {args.pages} --rounds {args.rounds}`", ""]
    args.out.with_suffix(".md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
