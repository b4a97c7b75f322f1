from __future__ import annotations

import hashlib
import json

import pytest

from budgetdoc.ocr import load_manifest, verify_models
from budgetdoc.ocr.base import ModelIntegrityError, OcrUnavailable
from budgetdoc.ocr.models import package_dir, resolve_model_set


def test_manifest_lists_the_default_models_with_licence_and_source():
    manifest = load_manifest()
    entries = manifest.entries("PP-OCRv6-small")
    assert set(entries) == {"det", "rec", "cls"}
    for e in manifest.models:
        assert e.licence == "Apache-2.0" and e.source.startswith("https://") and e.upstream
    assert entries["det"].required and entries["rec"].required


def test_manifest_matches_the_files_on_disk():
    if package_dir("rapidocr") is None:
        pytest.skip("rapidocr not installed")
    assert verify_models(model_sets=["PP-OCRv6-small"]) == []
    # other sets may be absent (their package not installed) but never wrong
    assert [p for p in verify_models() if p.severity == "error"] == []


def _tiny_manifest(tmp_path, payload: bytes, listed: bytes):
    (tmp_path / "m.onnx").write_bytes(payload)
    manifest = {
        "version": "1.0.0",
        "models": [
            {
                "id": "tiny-rec",
                "model_set": "tiny",
                "role": "rec",
                "file": "m.onnx",
                "sha256": hashlib.sha256(listed).hexdigest(),
                "size_bytes": len(listed),
                "upstream": "test",
                "source": "https://example.invalid/m.onnx",
                "licence": "Apache-2.0",
                "required": True,
            }
        ],
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    return path


def test_verify_models_reports_a_changed_file(tmp_path):
    path = _tiny_manifest(tmp_path, b"abcd", b"abce")
    (problem,) = verify_models(manifest_path=path, model_dir=tmp_path)
    assert (problem.kind, problem.severity) == ("sha256", "error")
    with pytest.raises(ModelIntegrityError):
        resolve_model_set("tiny", roles=("rec",), model_dir=tmp_path, manifest_path=path)
    path = _tiny_manifest(tmp_path, b"abcd", b"abcd")
    assert verify_models(manifest_path=path, model_dir=tmp_path) == []
    assert (
        resolve_model_set("tiny", roles=("rec",), model_dir=tmp_path, manifest_path=path)["rec"].name
        == "m.onnx"
    )


def test_verify_models_reports_a_missing_file(tmp_path):
    path = _tiny_manifest(tmp_path, b"abcd", b"abcd")
    empty = tmp_path / "empty"
    empty.mkdir()
    (problem,) = verify_models(manifest_path=path, model_dir=empty)
    assert (problem.kind, problem.severity) == ("file-missing", "error")
    with pytest.raises(OcrUnavailable):
        resolve_model_set("tiny", roles=("rec",), model_dir=empty, manifest_path=path)
    with pytest.raises(KeyError):
        verify_models(manifest_path=path, model_sets=["nope"])
