"""The evaluator's own text and number normalisation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetdoc.evaluation.text import (
    canonical_number,
    cell_key,
    edit_distance,
    fold_text,
    multiset_dice,
    parse_decimal,
)


@pytest.mark.parametrize("text, value", [
    ("1,234.50", Decimal("1234.5")), ("1234.5", Decimal("1234.5")), ("１２３４.５０", Decimal("1234.5")),
    (" 389.23 ", Decimal("389.23")), ("-12", Decimal("-12")), ("−12.0", Decimal("-12")),
    ("(12.00)", Decimal("-12")), ("0", Decimal("0")), ("0.00", Decimal("0")), (".5", Decimal("0.5")),
    ("1 234.5", Decimal("1234.5")),  # OCR spaces are folded away
])
def test_decimals_are_read_one_way(text, value):
    assert parse_decimal(text) == value


@pytest.mark.parametrize("text", ["", "  ", "01", "0203", "12%", "万元", "1,23", "1.2.3", "2026年", "-", "—"])
def test_codes_percentages_and_words_are_not_numbers(text):
    assert parse_decimal(text) is None


def test_fold_text_applies_nfkc_and_drops_whitespace():
    assert fold_text("一、 一般\u3000公共（预算）") == "一、一般公共(预算)"
    assert fold_text(None) == ""


def test_cell_key_and_canonical_number():
    assert cell_key("1,234.50") == cell_key("1234.5") == "1234.5"
    assert canonical_number(Decimal("-0.00")) == "0"
    assert canonical_number(Decimal("100")) == "100"
    assert cell_key("01") == "01"


def test_edit_distance_and_dice():
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3 and edit_distance("abc", "abc") == 0
    assert multiset_dice([], []) == 1.0
    assert multiset_dice(["a", "a", "b"], ["a", "b", "c"]) == pytest.approx(2 * 2 / 6)
