from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from ocr_helpers import rf

from budgetdoc.ocr import RapidOcrOptions, available_engines, build_engine


@pytest.fixture(scope="session")
def clean_page() -> np.ndarray:
    img = cv2.imread(str(rf.CLEAN_PAGE))
    assert img is not None, rf.CLEAN_PAGE
    return img


@pytest.fixture(scope="session")
def clean_labels() -> dict:
    return json.loads(rf.CLEAN_LABELS.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def rapid_engine():
    if available_engines().get("rapidocr") is None:
        pytest.skip("rapidocr/onnxruntime not installed (pip install 'budgetdoc[ocr]')")
    return build_engine(RapidOcrOptions())
