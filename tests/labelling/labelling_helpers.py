"""Shared paths and cached page analyses for the labelling tests."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from budgetdoc.labelling.real_pdf import PageAnalysis, analyse_pdf

REAL = Path(__file__).resolve().parents[2] / "datasets" / "real"
JIANGSU_2019 = REAL / "jiangsu-gaoyuan-2019-budget.pdf"
JIANGSU_2017 = REAL / "jiangsu-gaoyuan-2017-budget.pdf"
SHEGONGBU = REAL / "shanghai-putuo-shegongbu-2024-final-accounts.pdf"
PUTUO = REAL / "shanghai-putuo-caizhengju-2025-budget.pdf"

#: the three hand-checked pages: rect-drawn portrait, line-drawn landscape, rect-drawn landscape
KNOWN_PAGES = [(JIANGSU_2019, 8), (SHEGONGBU, 6), (PUTUO, 10)]


@lru_cache(maxsize=None)
def analysis(pdf: Path, page: int) -> PageAnalysis:
    return analyse_pdf(pdf, pages=[page])[-1]
