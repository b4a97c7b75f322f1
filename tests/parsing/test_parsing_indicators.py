"""Tests for budgetdoc.parsing.indicators: 指标值 to IndicatorValue."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from budgetdoc.model.document import IndicatorValue
from budgetdoc.model.vocab import Comparator, IndicatorValueKind
from budgetdoc.parsing.indicators import (
    KNOWN_UNITS,
    format_indicator_value,
    is_date_value,
    is_unit,
    parse_indicator_value,
)

C = Comparator
K = IndicatorValueKind

# Every 指标值 form the seed prints, and the ASCII/word comparators other documents use.
CASES = [
    # raw, kind, comparator, number, unit
    ("≤27.22万元", K.number, C.le, "27.22", "万元"),
    ("≤27.2万元", K.number, C.le, "27.2", "万元"),
    ("100%", K.percent, None, "100", "%"),
    ("≥90.00(%)", K.percent, C.ge, "90.00", "%"),
    ("≥90.00（%）", K.percent, C.ge, "90.00", "%"),
    ("≥98%", K.percent, C.ge, "98", "%"),
    (">90%", K.percent, C.gt, "90", "%"),
    ("＞90％", K.percent, C.gt, "90", "%"),
    ("<55万元", K.number, C.lt, "55", "万元"),
    ("<2.5万元", K.number, C.lt, "2.5", "万元"),
    ("≥4个", K.number, C.ge, "4", "个"),
    ("58项", K.number, None, "58", "项"),
    ("1套", K.number, None, "1", "套"),
    ("≤96元/套", K.number, C.le, "96", "元/套"),
    ("≤5.8元/份", K.number, C.le, "5.8", "元/份"),
    ("1.0元/平方米", K.number, None, "1.0", "元/平方米"),
    ("0.9元/平方米", K.number, None, "0.9", "元/平方米"),
    ("≤1.5万元/项", K.number, C.le, "1.5", "万元/项"),
    ("9.84平方千米", K.number, None, "9.84", "平方千米"),
    ("约4平方公里", K.number, C.approx, "4", "平方公里"),
    ("4平方公里左右", K.number, C.approx, "4", "平方公里"),
    ("≤20工作日", K.number, C.le, "20", "工作日"),
    ("24小时之内", K.number, C.le, "24", "小时"),
    ("24小时以内", K.number, C.le, "24", "小时"),
    ("3日内", K.number, C.le, "3", "日"),
    ("90%以上", K.percent, C.ge, "90", "%"),
    ("≥90%以上", K.percent, C.ge, "90", "%"),  # redundant but consistent
    ("5人及以下", K.number, C.le, "5", "人"),
    ("≥3000元/项", K.number, C.ge, "3000", "元/项"),
    ("≥3,000元/项", K.number, C.ge, "3000", "元/项"),
    ("3.3万元", K.number, None, "3.3", "万元"),
    ("3年", K.number, None, "3", "年"),
    ("12个月", K.number, None, "12", "个月"),
    ("0", K.number, None, "0", None),
    ("<=5", K.number, C.le, "5", None),
    (">=5天", K.number, C.ge, "5", "天"),
    ("≦5天", K.number, C.le, "5", "天"),
    ("≧5天", K.number, C.ge, "5", "天"),
    ("=100%", K.percent, C.eq, "100", "%"),
    ("等于100%", K.percent, C.eq, "100", "%"),
    ("不低于90%", K.percent, C.ge, "90", "%"),
    ("不少于3次", K.number, C.ge, "3", "次"),
    ("不高于5%", K.percent, C.le, "5", "%"),
    ("不超过10万元", K.number, C.le, "10", "万元"),
    ("大于等于95%", K.percent, C.ge, "95", "%"),
    ("大于或等于95%", K.percent, C.ge, "95", "%"),
    ("小于等于3天", K.number, C.le, "3", "天"),
    ("低于5%", K.percent, C.lt, "5", "%"),
    ("≈4平方公里", K.number, C.approx, "4", "平方公里"),
    ("≥ 90 %", K.percent, C.ge, "90", "%"),  # OCR spaces
    ("≥1000m2", K.number, C.ge, "1000", "m2"),
    ("≥1000㎡", K.number, C.ge, "1000", "m2"),  # NFKC
    ("≥5万人次", K.number, C.ge, "5", "万人次"),
    ("≥2艘", K.number, C.ge, "2", "艘"),  # unknown one-character counter
    ("≥1次/季度", K.number, C.ge, "1", "次/季度"),
    ("1次/月", K.number, None, "1", "次/月"),
    ("≤5个工作日", K.number, C.le, "5", "个工作日"),
    ("100%。", K.percent, None, "100", "%"),  # sentence punctuation after the value
    ("-5%", K.percent, None, "-5", "%"),
    ("0.5‰", K.number, None, "0.5", "‰"),
]


@pytest.mark.parametrize(("raw", "kind", "comparator", "number", "unit"), CASES)
def test_parse_numbers(raw: str, kind: K, comparator: C | None, number: str, unit: str | None) -> None:
    v = parse_indicator_value(raw)
    assert v.raw == raw
    assert (v.kind, v.comparator, v.unit) == (kind, comparator, unit)
    assert v.number == Decimal(number)
    assert v.number.as_tuple() == Decimal(number).as_tuple()  # printed scale kept
    assert v.text is None


@pytest.mark.parametrize(
    "raw",
    ["2027年12月底前", "2026年12月底前", "2026年4季度", "2026年第四季度", "每月", "每季度", "按月", "每年",
     "年底前", "12月底前", "6月30日前", "2026年12月31日", "2026年6月", "2026年", "2026年度", "2026年底",
     "2026年上半年", "年内", "2025年8月1日至2026年7月31日", "2026.12.31", "2026-06", "每月10日前",
     "2026 年 12 月底前"],
)
def test_parse_dates(raw: str) -> None:
    v = parse_indicator_value(raw)
    assert v.kind is K.date, raw
    assert v.raw == raw
    assert v.number is None and v.comparator is None and v.unit is None
    assert v.text and v.text.replace(" ", "") == raw.replace(" ", "")
    assert is_date_value(raw)


@pytest.mark.parametrize(
    "raw",
    ["及时", "规范", "减轻", "满意", "提高", "优化", "24小时应急响应", "保障窗口业务工作的正常开展",
     "90%-100%", "三个", "≥", "约", "≤5天以上", "优", "按时完成", "%", "逐步提高", "100%完成"],
)
def test_parse_text(raw: str) -> None:
    v = parse_indicator_value(raw)
    assert v.kind is K.text, raw
    assert v.raw == raw
    assert v.text == raw.strip()
    assert v.number is None and v.comparator is None and v.unit is None


@pytest.mark.parametrize("raw", ["", "   ", "\n", None])
def test_parse_empty(raw: str | None) -> None:
    v = parse_indicator_value(raw)
    assert v.kind is K.empty
    assert v.raw == (raw or "")
    assert v.number is None and v.text is None


def test_raw_kept_exactly() -> None:
    raw = " ≥ 90.00（%） "
    v = parse_indicator_value(raw)
    assert v.raw == raw
    assert (v.comparator, v.number, v.unit) == (C.ge, Decimal("90.00"), "%")


def test_result_is_the_model_class() -> None:
    v = parse_indicator_value("≤27.22万元")
    assert isinstance(v, IndicatorValue)
    assert IndicatorValue.model_validate_json(v.model_dump_json()) == v


def test_seed_indicator_values_all_parse() -> None:
    # every distinct 指标值 on the seed's cards, with its expected kind
    expected = {
        "100%": K.percent, "≥4个": K.number, "≥5个": K.number, "58项": K.number, "98项": K.number,
        "1套": K.number, "规范": K.text, "≥98%": K.percent, "每月": K.date, "及时": K.text,
        "≤2.5万元": K.number, "≤96元/套": K.number, "≤5.8元/份": K.number, "1.0元/平方米": K.number,
        "0.9元/平方米": K.number, "≤1.5万元/项": K.number, "≤3000元/项": K.number, "≤2万元/项": K.number,
        "≤27.22万元": K.number, "减轻": K.text, "提高": K.text, "优化": K.text, "满意": K.text,
        "9.84平方千米": K.number, "2027年12月底前": K.date, "2026年12月底前": K.date, "<55万元": K.number,
        "节约": K.text, ">90%": K.percent, "≥95%": K.percent, "24小时应急响应": K.text, "<2.5万元": K.number,
        "≤27.2万元": K.number, "提升": K.text, "≥90%": K.percent, "约4平方公里": K.number,
        "2026年4季度": K.date, "3.3万元": K.number, "≤20工作日": K.number, "24小时之内": K.number,
        "≥85%": K.percent, "≤29.07万元": K.number, "保障": K.text,
    }
    for raw, kind in expected.items():
        assert parse_indicator_value(raw).kind is kind, raw


def test_is_unit() -> None:
    for u in ["万元", "个", "元/套", "万元/项", "平方千米", "%", "万人次", "m2", "艘"]:
        assert is_unit(u), u
    for u in ["", "小时应急响应", "/", "元/", "内", "完成", "个/"]:
        assert not is_unit(u), u


# --- properties ---------------------------------------------------------------------------------

# Printed spellings of each comparator: as prefix (text before the number) or suffix (after unit).
PREFIX_SPELLINGS: list[tuple[str, C | None]] = [
    ("", None), ("≤", C.le), ("<=", C.le), ("≦", C.le), ("不超过", C.le), ("不高于", C.le), ("小于等于", C.le),
    ("≥", C.ge), (">=", C.ge), ("≧", C.ge), ("不低于", C.ge), ("不少于", C.ge), ("大于等于", C.ge),
    ("<", C.lt), ("低于", C.lt), (">", C.gt), ("高于", C.gt), ("=", C.eq), ("约", C.approx), ("≈", C.approx),
    ("＜", C.lt), ("＞", C.gt), ("＝", C.eq),
]
SUFFIX_SPELLINGS: list[tuple[str, C]] = [
    ("以内", C.le), ("之内", C.le), ("以下", C.le), ("以上", C.ge), ("及以上", C.ge), ("左右", C.approx),
]
UNITS = sorted(KNOWN_UNITS)

numbers = st.builds(
    lambda n, places: Decimal(n).scaleb(-places),
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=3),
)


def _year_like(number: Decimal, unit: str | None) -> bool:
    # "2026年" is a date by design; the renderer cannot print it as a number
    if unit is None or not unit.startswith("年"):
        return False
    return number == number.to_integral() and 1900 <= number < 2100


@given(st.sampled_from(PREFIX_SPELLINGS), numbers, st.sampled_from([*UNITS, None]), st.booleans())
def test_prefix_round_trip(
    prefix: tuple[str, C | None], number: Decimal, unit: str | None, wide: bool
) -> None:
    assume(not _year_like(number, unit))
    spelling, comparator = prefix
    raw = f"{spelling}{number:f}{unit or ''}"
    if wide:  # the same value typed in full-width forms, with an OCR space
        raw = raw.translate(str.maketrans("0123456789.%", "０１２３４５６７８９．％")).replace("", " ", 2)
    v = parse_indicator_value(raw)
    assert v.raw == raw
    assert v.comparator is comparator
    assert v.number == number and v.number.as_tuple() == number.as_tuple()
    assert v.unit == unit
    assert v.kind is (K.percent if unit == "%" else K.number)


@given(st.sampled_from(SUFFIX_SPELLINGS), numbers, st.sampled_from(UNITS))
def test_suffix_round_trip(suffix: tuple[str, C], number: Decimal, unit: str) -> None:
    assume(not _year_like(number, unit))
    spelling, comparator = suffix
    v = parse_indicator_value(f"{number:f}{unit}{spelling}")
    assert (v.comparator, v.number, v.unit) == (comparator, number, unit)


@given(st.sampled_from(PREFIX_SPELLINGS), numbers, st.sampled_from([*UNITS, None]))
def test_format_parse_round_trip(prefix: tuple[str, C | None], number: Decimal, unit: str | None) -> None:
    assume(not _year_like(number, unit))
    v = parse_indicator_value(f"{prefix[0]}{number:f}{unit or ''}")
    again = parse_indicator_value(format_indicator_value(v))
    assert again.kind is v.kind and again.comparator is v.comparator
    assert (again.number, again.unit) == (v.number, v.unit)


@given(st.text(max_size=30))
def test_never_raises_and_keeps_raw(s: str) -> None:
    v = parse_indicator_value(s)
    assert v.raw == s
    if v.kind in (K.number, K.percent):
        assert v.number is not None
    else:
        assert v.number is None


def test_format_indicator_value() -> None:
    assert format_indicator_value(parse_indicator_value("约4平方公里")) == "约4平方公里"
    assert format_indicator_value(parse_indicator_value("≥90.00（%）")) == "≥90.00%"
    assert format_indicator_value(parse_indicator_value("24小时之内")) == "≤24小时"
    assert format_indicator_value(parse_indicator_value("及时")) == "及时"
    assert format_indicator_value(parse_indicator_value("2026年4季度")) == "2026年4季度"
    assert format_indicator_value(parse_indicator_value("")) == ""
