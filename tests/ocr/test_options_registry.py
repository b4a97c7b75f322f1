from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from budgetdoc.ocr import (
    OcrEngine,
    OcrUnavailable,
    PaddleOcrOptions,
    RapidOcrOptions,
    TesseractOptions,
    available_engines,
    build_engine,
    engine_report,
    parse_options,
)


@pytest.mark.parametrize("cls", [RapidOcrOptions, TesseractOptions])
def test_options_reject_unknown_fields(cls):
    with pytest.raises(ValidationError, match="extra"):
        cls(langauge="chi_sim")


def test_options_are_frozen_and_hashable():
    o = RapidOcrOptions()
    with pytest.raises(ValidationError):
        o.top_k = 3
    assert hash(o) == hash(RapidOcrOptions()) and o == RapidOcrOptions()
    assert o.model_copy(update={"top_k": 3}) != o


def test_parse_options_dispatches_on_kind():
    assert isinstance(parse_options({"kind": "tesseract", "psm": 11}), TesseractOptions)
    assert parse_options({"kind": "paddleocr", "model_dir": "/m"}).model_dir == Path("/m")
    with pytest.raises(ValidationError):
        parse_options({"kind": "easyocr"})
    with pytest.raises(ValidationError):
        parse_options({"kind": "tesseract", "psm": 6, "dpi": 300})
    with pytest.raises(ValidationError):
        RapidOcrOptions(model_set="PP-OCRv3")


def test_available_engines_lists_every_backend():
    engines = available_engines()
    assert set(engines) == {"rapidocr", "rapidocr:PP-OCRv4", "tesseract", "paddleocr"}
    report = {i.name: i for i in engine_report()}
    for name, version in engines.items():
        assert (version is not None) == report[name].available
        if version is None:
            assert report[name].detail  # says why


def test_engine_built_once_per_options(rapid_engine):
    assert build_engine() is rapid_engine
    assert build_engine(RapidOcrOptions()) is rapid_engine
    assert build_engine({"kind": "rapidocr"}) is rapid_engine
    other = build_engine(RapidOcrOptions(top_k=3))
    assert other is not rapid_engine and build_engine(RapidOcrOptions(top_k=3)) is other
    assert isinstance(rapid_engine, OcrEngine)


def test_unavailable_backends_raise_import_errors_that_say_what_to_do(tmp_path):
    with pytest.raises(OcrUnavailable, match="model folder"):
        build_engine(PaddleOcrOptions(model_dir=tmp_path))
    if available_engines()["tesseract"] is None:
        with pytest.raises(ImportError, match="apt-get install"):
            build_engine(TesseractOptions(binary="tesseract-not-here"))
    if available_engines()["rapidocr:PP-OCRv4"] is None:
        with pytest.raises(OcrUnavailable, match="rapidocr_onnxruntime|not found"):
            build_engine(RapidOcrOptions(model_set="PP-OCRv4"))


def test_importing_the_package_loads_no_backend():
    code = (
        "import sys, budgetdoc.ocr; "
        "print(sorted(m for m in ('rapidocr', 'onnxruntime', 'paddleocr', 'cv2') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
