"""Benchmarks run from code: OCR engines on known structure, and peer table extractors.

* :mod:`budgetdoc.bench.engines` — :func:`~budgetdoc.bench.engines.compare_engines` reads every
  labelled table cell of sample pages with each OCR engine (RapidOCR PP-OCRv6/PP-OCRv4, Tesseract)
  and scores numeric/text exact match, CER, empty-cell false positives and seconds per page;
* :mod:`budgetdoc.bench.peers` — :func:`~budgetdoc.bench.peers.run_img2table` runs img2table (with
  Tesseract) on sample pages and writes ``<out>/<sample_id>/tNN.html`` for ``budgetdoc eval``.

Importing this package is cheap: OCR engines and peers are imported when a run starts.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "DEFAULT_ENGINES": "engines",
    "EngineComparison": "engines",
    "EngineSpec": "engines",
    "compare_engines": "engines",
    "find_samples": "engines",
    "score_cells": "engines",
    "PeerRun": "peers",
    "img2table_status": "peers",
    "run_img2table": "peers",
}

__all__ = [
    "DEFAULT_ENGINES",
    "EngineComparison",
    "EngineSpec",
    "PeerRun",
    "compare_engines",
    "find_samples",
    "img2table_status",
    "run_img2table",
    "score_cells",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"budgetdoc.bench.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'budgetdoc.bench' has no attribute {name!r}")
