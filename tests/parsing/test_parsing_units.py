"""Tests for budgetdoc.parsing.units: the stated money unit."""

from __future__ import annotations

import pytest

from budgetdoc.model.vocab import Unit
from budgetdoc.parsing.units import parse_unit


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("单位：万元", Unit.ten_thousand_yuan),
        ("单位:元", Unit.yuan),
        ("编制部门：上海市普陀区财政局 单位：元", Unit.yuan),  # Shanghai 2025
        ("编制部门：上海市普陀区财政局 单位:万元", Unit.ten_thousand_yuan),
        ("金额单位：万元", Unit.ten_thousand_yuan),
        ("部门名称：江苏省高级人民法院 单位：万元", Unit.ten_thousand_yuan),
        ("单位：万\n部门名称：江苏省高级人民法院 元", Unit.ten_thousand_yuan),  # Jiangsu 2019, 元 wrapped
        ("单位： 万 元", Unit.ten_thousand_yuan),
        ("单位：千元", Unit.thousand_yuan),
        ("单位：亿元", Unit.hundred_million_yuan),
        ("单位：人民币万元", Unit.ten_thousand_yuan),
        ("资金总额(万元)", Unit.ten_thousand_yuan),
        ("资金总额（万元）", Unit.ten_thousand_yuan),
        ("项目资金(元)", Unit.yuan),
        ("项目资金 (元)", Unit.yuan),
        ("（单位：元）", Unit.yuan),
        ("单位：万", Unit.ten_thousand_yuan),  # end of line: 元 wrapped away
        ("单位：元 资金总额(万元)", Unit.yuan),  # a labelled unit wins
    ],
)
def test_parse_unit(text: str, unit: Unit) -> None:
    assert parse_unit(text) is unit


@pytest.mark.parametrize(
    "text",
    ["", None, "单位名称", "部门名称：晋城经济技术开发区行政审批局", "单位：人", "单位：万人", "2026年预算收支总表",
     "预算单位：1个", "金额"],
)
def test_parse_unit_none(text: str | None) -> None:
    assert parse_unit(text) is None
