"""Fixtures of the ingest tests (the inputs are made by ``ingest_helpers``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_helpers import one_real_page


@pytest.fixture(scope="session")
def real_page_pdf(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("pdf") / "real-p011.pdf"
    p.write_bytes(one_real_page())
    return p
