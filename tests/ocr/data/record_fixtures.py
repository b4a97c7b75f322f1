"""Re-record the RapidOCR fixtures in this folder from real engine calls.

    .venv/bin/python tests/ocr/data/record_fixtures.py

Each fixture is the *raw* record the backend's engine call returns (``record_page`` /
``record_crops``), wrapped with where its pixels came from, so the conversion tests run without
the engine. Re-record after changing the engine, its models or the record format; the tests'
expected strings come from the sample's labels, not from these files.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2

from budgetdoc.ocr import PixelBox, RapidOcrOptions, build_engine, crop_box

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SAMPLES = ROOT / "datasets" / "samples"

CLEAN_PAGE = SAMPLES / "seed-clean" / "pages" / "page-005.png"
CLEAN_LABELS = SAMPLES / "seed-clean" / "labels" / "page-005.json"
POOR_PAGE = SAMPLES / "seed-poor-scan" / "pages" / "page-005.jpg"

#: (l, t, r, b) in page pixels: the department line, the header and the first two rows of the table.
CLEAN_REGION = (170, 280, 1270, 600)
#: the rows 2010350 … 2080502 of the poor scan (its "137.31" reads "137:31", with "." second).
POOR_REGION = (130, 440, 1000, 600)
#: (row, col) of the number cells recorded as crops (10 cells of the 合计 / 一般公共预算 columns).
NUMBER_CELLS = [(2, 2), (3, 2), (5, 3), (6, 2), (8, 3), (9, 2), (10, 3), (11, 2), (14, 2), (15, 3)]
#: pixels cut from each side of a ruled cell to leave its rules out.
CELL_INSET = 4


def region(img, box):
    l, t, r, b = box
    return img[t:b, l:r]


def number_cells(labels: dict) -> list[dict]:
    by_pos = {(c["row"], c["col"]): c for c in labels["cells"]}
    return [by_pos[p] for p in NUMBER_CELLS]


def cell_box(cell: dict) -> PixelBox:
    l, t, r, b = cell["bbox_px"]
    return PixelBox(l=l, t=t, r=r, b=b)


def dump(name: str, payload: dict) -> None:
    path = HERE / name
    path.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")


def main() -> None:
    clean = cv2.imread(str(CLEAN_PAGE))
    poor = cv2.imread(str(POOR_PAGE))
    labels = json.loads(CLEAN_LABELS.read_text(encoding="utf-8"))
    ctc = build_engine(RapidOcrOptions())
    native = build_engine(RapidOcrOptions(decoder="rapidocr"))

    src = str(CLEAN_PAGE.relative_to(ROOT))
    dump(
        "page005_clean_top.ctc.json",
        {
            "source": src,
            "region_px": CLEAN_REGION,
            "options": ctc.options.model_dump(mode="json"),
            "record": ctc.record_page(region(clean, CLEAN_REGION)).model_dump(mode="json"),
        },
    )
    dump(
        "page005_clean_top.native.json",
        {
            "source": src,
            "region_px": CLEAN_REGION,
            "options": native.options.model_dump(mode="json"),
            "record": native.record_page(region(clean, CLEAN_REGION)).model_dump(mode="json"),
        },
    )
    dump(
        "page005_poor_rows.ctc.json",
        {
            "source": str(POOR_PAGE.relative_to(ROOT)),
            "region_px": POOR_REGION,
            "options": ctc.options.model_dump(mode="json"),
            "record": ctc.record_page(region(poor, POOR_REGION)).model_dump(mode="json"),
        },
    )
    cells = number_cells(labels)
    crops = [crop_box(clean, cell_box(c), inset=CELL_INSET) for c in cells]
    frames = ctc.record_crops(crops)
    dump(
        "page005_clean_numbers.crops.json",
        {
            "source": src,
            "cell_inset_px": CELL_INSET,
            "options": ctc.options.model_dump(mode="json"),
            "cells": [
                {"row": c["row"], "col": c["col"], "text": c["text"], "bbox_px": c["bbox_px"]} for c in cells
            ],
            "frames": [f.model_dump(mode="json") for f in frames],
        },
    )


if __name__ == "__main__":
    main()
