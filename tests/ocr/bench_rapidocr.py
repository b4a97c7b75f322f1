"""Time RapidOCR on one sample page: whole page (det + rec) against its cells (rec only).

    .venv/bin/python tests/ocr/bench_rapidocr.py [--reps 3] [--threads N]

Not a test (pytest does not collect it). Prints the median wall and CPU seconds of each way of
reading datasets/samples/seed-clean page 5, and whether the cells' text matches the labels.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import cv2

sys.path.insert(0, str(Path(__file__).resolve().parent / "data"))
import record_fixtures as rf

from budgetdoc.ocr import PixelBox, RapidOcrOptions, build_engine, crop_box
from budgetdoc.ocr.cells import read_cells


def timed(fn, reps):
    walls, cpus, out = [], [], None
    for _ in range(reps):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args()

    page = cv2.imread(str(rf.CLEAN_PAGE))
    labels = json.loads(rf.CLEAN_LABELS.read_text(encoding="utf-8"))
    cells = labels["cells"]
    crops = [crop_box(page, PixelBox(**dict(zip("ltrb", c["bbox_px"]))), inset=rf.CELL_INSET) for c in cells]
    numbers = [c for c in cells if (c["row"], c["col"]) in set(rf.NUMBER_CELLS)]
    number_crops = [
        crop_box(page, PixelBox(**dict(zip("ltrb", c["bbox_px"]))), inset=rf.CELL_INSET) for c in numbers
    ]
    print(f"cpus={os.cpu_count()} load={os.getloadavg()[0]:.1f} reps={args.reps} threads={args.threads}")
    for min_width in (320, 160):
        engine = build_engine(RapidOcrOptions(num_threads=args.threads, rec_min_width=min_width))
        engine.recognize_crops(number_crops)  # load the models
        engine.recognize_page(page[:200, :400])
        wall, cpu, res = timed(lambda e=engine: e.recognize_page(page), args.reps)
        split = {k: round(v, 2) for k, v in res.timings.items()}
        print(
            f"[min_width={min_width}] page det+rec: {wall:.2f}s wall, {cpu:.2f}s cpu, {len(res.lines)} lines {split}"
        )
        wall, cpu, rs = timed(lambda e=engine: read_cells(e, crops), args.reps)
        ok = sum(r.text == c["text"] for r, c in zip(rs, cells))
        print(
            f"[min_width={min_width}] {len(cells)} cells read_cells (rec only): {wall:.2f}s wall, {cpu:.2f}s cpu, {ok}/{len(cells)} exact"
        )
        wall, cpu, ls = timed(lambda e=engine: e.recognize_crops(number_crops), args.reps)
        ok = sum(ln.text == c["text"] for ln, c in zip(ls, numbers))
        print(
            f"[min_width={min_width}] {len(numbers)} number cells recognize_crops: {wall:.2f}s wall, {cpu:.2f}s cpu, {ok}/{len(numbers)} exact"
        )


if __name__ == "__main__":
    main()
