"""Fixtures of the pipeline tests: one OCR engine and stage set per session, the samples' truths,
and the broken-file makers of the ingest tests (loaded by path: test folders are not packages)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "datasets" / "samples"


def _load_ingest_helpers():
    spec = importlib.util.spec_from_file_location("ingest_helpers_for_pipeline", ROOT / "tests" / "ingest" / "ingest_helpers.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


@pytest.fixture(scope="session")
def ingest_helpers():
    return _load_ingest_helpers()


@pytest.fixture(scope="session")
def stages():
    pytest.importorskip("rapidocr")
    from budgetdoc.pipeline import ExtractOptions, build_stages

    return build_stages(ExtractOptions())


def truth_of(sample: str):
    from budgetdoc.model.io import load_document

    return load_document(SAMPLES / sample / "truth.json")


def page_paths(sample: str, *numbers: int) -> tuple[Path, ...]:
    folder = SAMPLES / sample / "pages"
    return tuple(next(folder.glob(f"page-{n:03d}.*")) for n in numbers)
