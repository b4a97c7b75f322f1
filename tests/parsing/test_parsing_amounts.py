"""Tests for budgetdoc.parsing.amounts: printed amounts to exact decimals and back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetdoc.parsing.amounts import amount_with_unit, format_amount, parse_amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.50", "1234.50"),
        ("389.23", "389.23"),
        ("0", "0"),
        ("0.00", "0.00"),
        ("-12.5", "-12.5"),
        ("－12.5", "-12.5"),  # full-width minus
        ("−12.5", "-12.5"),  # U+2212
        ("+3", "3"),
        ("（12.50）", "-12.50"),
        ("(12.50)", "-12.50"),
        ("(1,000.00)", "-1000.00"),
        ("12.3万元", "12.3"),
        ("550,000元", "550000"),
        ("31,214,205.80", "31214205.80"),
        ("3亿元", "3"),
        ("１２３．４５", "123.45"),  # full-width digits
        (" 1 234.50 ", "1234.50"),  # stray spaces
        ("2,382.02\n", "2382.02"),
        ("1,000,000", "1000000"),
        ("007", "7"),
        ("￥1,234.50", "1234.50"),
    ],
)
def test_parse_amount(text: str, expected: str) -> None:
    value = parse_amount(text)
    assert value == Decimal(expected)
    # the printed scale is kept, not just the value
    assert value.as_tuple() == Decimal(expected).as_tuple()


@pytest.mark.parametrize(
    "text",
    ["", " ", "-", "—", "——", "/", "－", "--", None, "合计", "本表无数据", "abc", "12%", "1e5", "1,23",
     "12,3456", "1.2.3", "5.", ".5", "(-12)", "12-", "万元", "12美元", "二十", "NaN", "Infinity"],
)
def test_parse_amount_none(text: str | None) -> None:
    assert parse_amount(text) is None


def test_parse_amount_keeps_zero_scale() -> None:
    assert str(parse_amount("0.00")) == "0.00"
    assert str(parse_amount("389.20")) == "389.20"


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("27.22万元", "27.22", "万元"),
        ("550,000元", "550000", "元"),
        ("3千元", "3", "千元"),
        ("1.5亿元", "1.5", "亿元"),
        ("389.23", "389.23", None),
    ],
)
def test_amount_with_unit(text: str, value: str, unit: str | None) -> None:
    assert amount_with_unit(text) == (Decimal(value), unit)


@pytest.mark.parametrize("text", ["万元", "", "-", "及时", None])
def test_amount_with_unit_none(text: str | None) -> None:
    assert amount_with_unit(text) == (None, None)


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        ("1234.5", {}, "1234.5"),
        ("1234.50", {"thousands": True}, "1,234.50"),
        ("31214205.8", {"places": 2, "thousands": True}, "31,214,205.80"),
        ("0.005", {"places": 2}, "0.01"),  # half up, not banker's rounding
        ("0.015", {"places": 2}, "0.02"),
        ("-0.005", {"places": 2}, "-0.01"),
        ("2.5", {"places": 0}, "3"),
        ("1E+3", {}, "1000"),
        ("-1234.5", {"thousands": True}, "-1,234.5"),
        ("0.00", {}, "0.00"),
    ],
)
def test_format_amount(value: str, kwargs: dict, expected: str) -> None:
    assert format_amount(Decimal(value), **kwargs) == expected


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_format_amount_rejects_non_finite(value: str) -> None:
    with pytest.raises(ValueError):
        format_amount(Decimal(value))


quantized = st.builds(
    lambda n, places: Decimal(n).scaleb(-places),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.integers(min_value=0, max_value=4),
)


@given(quantized, st.booleans())
def test_format_parse_round_trip(x: Decimal, thousands: bool) -> None:
    text = format_amount(x, thousands=thousands)
    back = parse_amount(text)
    assert back == x
    assert back is not None and back.as_tuple().exponent == x.as_tuple().exponent


@given(quantized, st.booleans())
def test_parse_accounting_negative(x: Decimal, thousands: bool) -> None:
    text = format_amount(abs(x), thousands=thousands)
    assert parse_amount(f"（{text}）") == -abs(x)
    assert parse_amount(f"{text}万元") == abs(x)


@given(st.text(max_size=30))
def test_parse_amount_never_raises(s: str) -> None:
    parse_amount(s)
    amount_with_unit(s)


# --- clean_number_reading: OCR noise around printed numbers -------------------------------------

from budgetdoc.parsing.amounts import clean_number_reading  # noqa: E402

_amounts = st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2,
                       allow_nan=False, allow_infinity=False)
_noise = st.text(alphabet=".,，。、'’`;:·• ", max_size=3)


@given(_amounts, st.booleans(), _noise, _noise)
def test_marks_read_off_specks_at_the_ends_go_and_the_value_stays(value, thousands, before, after):
    printed = format_amount(value, places=2, thousands=thousands)
    cleaned = clean_number_reading(before + printed + after)
    assert cleaned == printed
    assert parse_amount(cleaned) == value


@given(_amounts, st.booleans())
def test_a_correct_reading_is_left_exactly_as_it_is(value, thousands):
    printed = format_amount(value, places=2, thousands=thousands)
    assert clean_number_reading(printed) == printed


@given(st.integers(min_value=1000, max_value=10**9), st.sampled_from(";:；："))
def test_a_misread_thousands_separator_is_mended(n, sep):
    printed = f"{n:,}.50"
    assert clean_number_reading(printed.replace(",", sep)) == printed


@pytest.mark.parametrize("text", ["一、基本支出", "30215 30218", "1.10.05", "7. 221", "-", "—", "12,3456.00",
                                  "2026年", "≤27.22万元", "", "合计"])
def test_anything_that_is_not_one_noisy_number_is_unchanged(text):
    assert clean_number_reading(text) == text
