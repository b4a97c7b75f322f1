"""The evaluator: score any extraction against labelled samples, per number, cell, table and card.

Three steps that hand files to each other (``budgetdoc eval`` runs all three):

1. :func:`~budgetdoc.evaluation.loading.load_truth` reads the truth: sample folders or document JSON;
2. :func:`~budgetdoc.evaluation.loading.find_prediction` reads each document's prediction: our JSON,
   HTML tables (PP-Structure, MinerU, docling) or one CSV per table; missing and unreadable ones are
   counted with their reason;
3. :func:`~budgetdoc.evaluation.scoring.score_documents` scores them with the pure metric functions of
   :mod:`~budgetdoc.evaluation.metrics` (keyword-only ``pred=``/``gt=``), :func:`~budgetdoc.evaluation.teds.teds`
   and :func:`~budgetdoc.evaluation.grits.grits_con`, and :mod:`~budgetdoc.evaluation.report` writes
   the JSON, the Markdown report and the plots.

Nothing here imports the pipeline's stages: only the schema (:mod:`budgetdoc.model`).
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public names and the module each lives in (imported on first use, so ``budgetdoc --help`` stays fast).
_EXPORTS = {
    "EvaluationResult": "results",
    "Summary": "results",
    "Prediction": "loading",
    "TruthDocument": "loading",
    "find_prediction": "loading",
    "load_truth": "loading",
    "evaluate": "scoring",
    "score_document": "scoring",
    "score_documents": "scoring",
    "write_json": "report",
    "write_report": "report",
}

__all__ = ["EvaluationResult", "Prediction", "Summary", "TruthDocument", "evaluate", "find_prediction",
           "load_truth", "score_document", "score_documents", "write_json", "write_report"]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"budgetdoc.evaluation.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'budgetdoc.evaluation' has no attribute {name!r}")
