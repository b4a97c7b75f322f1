"""Tests for budgetdoc.parsing.text: normalisation and approximate keyword search."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetdoc.parsing.text import fuzzy_contains, normalize, strip_year


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("１２３．４５", "123.45"),
        ("（12.50）", "(12.50)"),
        ("单位： 万 元", "单位:万元"),
        ("政府性基金 \n预算", "政府性基金预算"),
        ("≦90％", "≤90%"),
        ("≧ 90", "≥90"),
        ("“三公”经费", '"三公"经费'),
        ("−12", "-12"),
        ("\u300012\u3000", "12"),  # ideographic spaces
        ("", ""),
        (None, ""),
    ],
)
def test_normalize(raw: str | None, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_keep_spaces_folds_runs() -> None:
    assert normalize("  及时 \n  完成  ", keep_spaces=True) == "及时 完成"


@given(st.text())
def test_normalize_is_idempotent_and_has_no_whitespace(s: str) -> None:
    once = normalize(s)
    assert normalize(once) == once
    assert not any(c.isspace() for c in once)


def test_strip_year() -> None:
    assert strip_year("2026年预算收支总表") == "预算收支总表"
    assert strip_year("2017年度江苏省高级人民法院") == "江苏省高级人民法院"
    assert strip_year("3年") == "3年"  # not a year


@pytest.mark.parametrize(
    ("hay", "needle", "edits", "found"),
    [
        ("2026年财政拨款收支总表", "财政拨款", 1, True),
        ("2026年财政拔款收支总表", "财政拨款", 1, True),  # substitution
        ("2026年财政款收支总表", "财政拨款", 1, True),  # deletion
        ("2026年财政拨拨款收支总表", "财政拨款", 1, True),  # insertion
        ("2026年财政拔歀收支总表", "财政拨款", 1, False),  # two errors
        ("2026年财政拔款收支总表", "财政拨款", 0, False),
        ("项目支出", "基本支出", 1, False),
        ("", "基本支出", 1, False),
        ("基本支出", "", 0, True),
    ],
)
def test_fuzzy_contains(hay: str, needle: str, edits: int, found: bool) -> None:
    assert fuzzy_contains(hay, needle, edits) is found


@given(st.text(min_size=1, max_size=20), st.text(max_size=20), st.text(max_size=20))
def test_fuzzy_contains_finds_exact_substrings(needle: str, before: str, after: str) -> None:
    assert fuzzy_contains(before + needle + after, needle, 0)
    assert fuzzy_contains(before + needle + after, needle, 1)


@given(st.text(alphabet="abcd", min_size=2, max_size=8), st.data())
def test_fuzzy_contains_tolerates_one_substitution(needle: str, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(needle) - 1))
    noisy = needle[:i] + "x" + needle[i + 1:]
    assert fuzzy_contains("zz" + noisy + "zz", needle, 1)
    assert not fuzzy_contains("zz" + noisy + "zz", needle, 0)
