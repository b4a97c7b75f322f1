"""Fixtures of the evaluator's tests: real sample truths from datasets/samples, read once."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetdoc.evaluation.loading import TruthDocument, load_truth

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "datasets" / "samples"


@pytest.fixture(scope="session")
def truths() -> dict[str, TruthDocument]:
    docs, problems = load_truth(SAMPLES)
    assert not problems
    return {d.id: d for d in docs}
