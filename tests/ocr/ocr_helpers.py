"""Shared by the OCR tests (a uniquely named module, so it never clashes with other conftests)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
if str(DATA) not in sys.path:
    sys.path.insert(0, str(DATA))

import record_fixtures as rf

#: Text lines of seed-clean page 5 inside record_fixtures.CLEAN_REGION, in the detector's order
#: (from labels/page-005.json: the department line, two header rows, rows 合计 and 201).
TOP_TEXTS = [
    "部门名称：晋城经济技术开发区行政审批局", "项目", "科目编码", "科目名称", "合计", "一般公共预算",
    "合计", "389.23", "389.23", "201", "一般公共服务支出", "326.40", "326.40",
]  # fmt: skip


def load_fixture(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


__all__ = ["DATA", "TOP_TEXTS", "load_fixture", "rf"]
