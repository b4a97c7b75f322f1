"""Tests for budgetdoc.parsing.codes: subject codes, their levels, split columns, reference lists."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetdoc.model.vocab import SubjectLevel
from budgetdoc.parsing.codes import (
    ancestors,
    join_split_code,
    load_reference,
    parent_code,
    parse_subject_code,
    subject_level,
)

L = SubjectLevel


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("201", L.lei),
        ("20103", L.kuan),
        ("2010350", L.xiang),
        ("103", L.lei),  # revenue 类
        ("301", L.lei),
        ("30101", L.kuan),
        ("501", L.lei),
        ("50101", L.kuan),
        ("3010101", None),  # economic codes have no 项
        ("5010101", None),
        ("20", None),
        ("2010", None),
        ("201035", None),
        ("20103501", None),
        ("401", None),
        ("901", None),
        ("2O1", None),  # not cleaned: parse_subject_code's job
        ("２０１", None),  # full-width is not clean either
        ("", None),
    ],
)
def test_subject_level(code: str, level: SubjectLevel | None) -> None:
    assert subject_level(code) is level


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2010350", "2010350"),
        ("2010 350", "2010350"),
        (" 201 03 50 ", "2010350"),
        ("２０１０３５０", "2010350"),
        ("20103\n", "20103"),
        ("201.", "201"),
        ("2O1O350", "2010350"),  # OCR: letter O for zero
        ("2l0", "210"),  # OCR: l for one
        ("30101", "30101"),
    ],
)
def test_parse_subject_code(text: str, code: str) -> None:
    assert parse_subject_code(text) == code


@pytest.mark.parametrize(
    "text",
    ["", None, "合计", "事业运行", "2010350事业运行", "20103501", "12", "OOO", "2OlO3", "科目编码", "2026年", "1,234"],
)
def test_parse_subject_code_none(text: str | None) -> None:
    assert parse_subject_code(text) is None


@pytest.mark.parametrize(
    ("lei", "kuan", "xiang", "code"),
    [
        ("201", "03", "50", "2010350"),  # Shanghai/Jiangsu split columns
        ("201", "03", "", "20103"),  # 款 row
        ("201", "", "", "201"),  # 类 row
        ("201", None, None, "201"),
        ("201", "20103", "2010350", "2010350"),  # columns already hold the full prefix
        ("201", "20103", "50", "2010350"),
        ("201", "03", "2010350", "2010350"),
        ("", "20103", "", "20103"),
        ("", "", "2010350", "2010350"),
        ("210", "11", "1", "2101101"),  # leading zero lost in a spreadsheet
        ("208", "5", "5", "2080505"),
        ("301", "01", "", "30101"),  # economic 类/款 split
        (" ２０１ ", " 0 3 ", "5 0", "2010350"),  # full-width, spaces
    ],
)
def test_join_split_code(lei: str, kuan: str | None, xiang: str | None, code: str) -> None:
    assert join_split_code(lei, kuan, xiang) == code


@pytest.mark.parametrize(
    ("lei", "kuan", "xiang"),
    [
        ("", "", ""),  # nothing
        ("201", "", "50"),  # 项 without 款
        ("201", "20203", ""),  # full 款 contradicts 类
        ("201", "03", "2010450"),  # full 项 contradicts 款
        ("20", "03", "50"),  # short 类
        ("201", "003", ""),  # 3-digit 款
        ("201", "0a", ""),
        ("合计", "", ""),
        ("301", "01", "01"),  # economic codes have no 项
    ],
)
def test_join_split_code_rejects(lei: str, kuan: str, xiang: str) -> None:
    with pytest.raises(ValueError):
        join_split_code(lei, kuan, xiang)


def test_parent_code() -> None:
    assert parent_code("2010350") == "20103"
    assert parent_code("20103") == "201"
    assert parent_code("201") is None
    assert parent_code("30101") == "301"
    assert parent_code("2010") is None
    assert parent_code("abc") is None
    assert ancestors("2010350") == ["20103", "201"]
    assert ancestors("201") == []


function_xiang = st.builds(
    lambda lei, kuan, xiang: f"{lei}{kuan:02d}{xiang:02d}",
    st.integers(min_value=201, max_value=299),
    st.integers(min_value=1, max_value=99),
    st.integers(min_value=1, max_value=99),
)


@given(function_xiang)
def test_parent_chain_levels(code: str) -> None:
    assert subject_level(code) is L.xiang
    chain = ancestors(code)
    assert [subject_level(c) for c in chain] == [L.kuan, L.lei]
    assert all(code.startswith(c) for c in chain)
    assert parent_code(chain[-1]) is None


@given(function_xiang)
def test_join_split_code_round_trips(code: str) -> None:
    lei, kuan, xiang = code[:3], code[3:5], code[5:]
    assert join_split_code(lei, kuan, xiang) == code
    assert join_split_code(lei, code[:5], code) == code  # full-prefix columns
    assert join_split_code(lei, kuan, "") == code[:5]
    assert join_split_code(lei, "", "") == code[:3]
    assert parse_subject_code(f"{lei} {kuan} {xiang}") == code


@pytest.mark.parametrize(
    ("kind", "code", "name", "level"),
    [
        ("function", "2010350", "事业运行", L.xiang),
        ("function", "201", "一般公共服务支出", L.lei),
        ("function", "20103", "政府办公厅（室）及相关机构事务", L.kuan),
        ("economic_department", "30101", "基本工资", L.kuan),
        ("economic_department", "301", "工资福利支出", L.lei),
        ("economic_government", "50101", "工资奖金津补贴", L.kuan),
    ],
)
def test_load_reference(kind: str, code: str, name: str, level: SubjectLevel) -> None:
    ref = load_reference(kind)  # type: ignore[arg-type]
    assert ref[code] == (name, level)


@pytest.mark.parametrize("kind", ["function", "economic_department", "economic_government"])
def test_reference_lists_are_consistent(kind: str) -> None:
    ref = load_reference(kind)  # type: ignore[arg-type]
    assert len(ref) > 5
    for code, (name, level) in ref.items():
        assert subject_level(code) is level, code
        assert name
        parent = parent_code(code)
        if parent is not None:
            assert parent in ref, f"{code} has no parent {parent} in the list"


def test_load_reference_returns_a_copy() -> None:
    ref = load_reference("function")
    ref.clear()
    assert load_reference("function")


def test_load_reference_unknown_kind() -> None:
    with pytest.raises(ValueError):
        load_reference("revenue")  # type: ignore[arg-type]
