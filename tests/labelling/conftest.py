from __future__ import annotations

from pathlib import Path

import pytest
from labelling_helpers import KNOWN_PAGES, analysis

from budgetdoc.labelling.real_pdf import PageAnalysis


@pytest.fixture(params=KNOWN_PAGES, ids=lambda p: f"{p[0].stem}-p{p[1]}")
def known_page(request) -> tuple[Path, int, PageAnalysis]:
    pdf, page = request.param
    return pdf, page, analysis(pdf, page)
