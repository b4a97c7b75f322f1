"""Printed money amounts (金额) to exact :class:`~decimal.Decimal` values and back.

Tables print amounts as "1,234.50", "389.23", "0.00", "-12.5", "（12.50）" (negative), sometimes
with a unit ("12.3万元", "550,000元"), in full-width digits, or with stray spaces from OCR or
justified typesetting. Empty cells are printed as "", "-", "—", "/" or "－". These functions read
all of that without ever going through ``float``, and keep the printed scale: "1,234.50" is
``Decimal("1234.50")``, not ``Decimal("1234.5")``.

The unit is *not* applied: "12.3万元" reads as ``Decimal("12.3")``; use :func:`amount_with_unit`
to get the unit too, and :attr:`budgetdoc.model.vocab.Unit.in_yuan` to convert.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from budgetdoc.parsing.text import normalize

__all__ = ["parse_amount", "format_amount", "amount_with_unit", "clean_number_reading", "AMOUNT_UNITS", "EMPTY_MARKS"]

#: Money units that may follow an amount, longest first so that 万元 wins over 元.
AMOUNT_UNITS: tuple[str, ...] = ("亿元", "万元", "千元", "元")

#: What a table prints in a cell that has no amount (after normalisation: "－" is "-").
EMPTY_MARKS: frozenset[str] = frozenset({"", "-", "--", "—", "——", "/", "\\", "─", "–"})

# Digits with either valid thousands groups or none, optional fraction. Validating the groups
# means an OCR misread like "1,23" (for 1.23) is rejected instead of silently read as 123.
_NUMBER_RE = re.compile(r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?")
_SIGNED_RE = re.compile(r"(?P<sign>[-+]?)" + _NUMBER_RE.pattern)
_UNIT_RE = re.compile(r"(?P<unit>" + "|".join(AMOUNT_UNITS) + r")$")


def _split(text: str) -> tuple[Decimal | None, str | None]:
    s = normalize(text)
    if s in EMPTY_MARKS:
        return None, None
    unit: str | None = None
    s = s.removeprefix("¥")  # NFKC folds the full-width ￥ to ¥
    m = _UNIT_RE.search(s)
    if m:
        unit = m.group("unit")
        s = s[: m.start()]
    negative = False
    # Accounting style: a negative amount in parentheses, "(12.50)" (NFKC folds （）).
    if len(s) >= 2 and s[0] == "(" and s[-1] == ")":
        negative = True
        s = s[1:-1]
    m = _SIGNED_RE.fullmatch(s)
    if not m:
        return None, None
    if m.group("sign") == "-":
        if negative:  # "(-12.50)" is not a form anyone prints; refuse rather than guess
            return None, None
        negative = True
    digits = m.group("int").replace(",", "")
    if m.group("frac") is not None:
        digits += "." + m.group("frac")
    value = Decimal(digits)
    return (-value if negative else value), unit


def parse_amount(text: str | None) -> Decimal | None:
    """Read a printed amount (金额) as an exact Decimal, or None for an empty or non-numeric cell.

    Accepts thousands separators (only in valid groups of three), a leading ``-``/``+`` (also
    full-width ``－``, ``−``), accounting negatives ``(12.50)``/``（12.50）``, a trailing money unit
    (元/千元/万元/亿元, stripped but not applied), a leading ¥/￥, full-width digits and stray
    whitespace.
    Keeps the printed scale: ``parse_amount("0.00") == Decimal("0.00")`` with exponent -2.

    Returns None for the empty marks ("", "-", "—", "/", "－") and for anything else that is not a
    plain decimal number (percentages, text, "1e5", "1,23").

    >>> parse_amount("1,234.50")
    Decimal('1234.50')
    >>> parse_amount("（12.50）")
    Decimal('-12.50')
    >>> parse_amount("—") is None
    True
    """
    if text is None:
        return None
    return _split(text)[0]


def amount_with_unit(text: str | None) -> tuple[Decimal | None, str | None]:
    """Read an amount and the money unit printed after it: "27.22万元" → (Decimal("27.22"), "万元").

    The unit is one of :data:`AMOUNT_UNITS` or None when none is printed; when the text is not an
    amount both parts are None.
    """
    if text is None:
        return None, None
    value, unit = _split(text)
    return (value, unit) if value is not None else (None, None)


def format_amount(value: Decimal, *, places: int | None = None, thousands: bool = False) -> str:
    """Print ``value`` the way the tables do: plain digits, never an exponent.

    ``places`` rounds (half up, as Chinese finance rounds 四舍五入) to that many decimals; by
    default the value's own scale is kept, so ``format_amount(Decimal("389.20")) == "389.20"``.
    ``thousands`` adds comma separators ("1,234.50"). Negative values get a leading ``-``.
    :func:`parse_amount` reads every result back to an equal value of the same scale.

    Raises ValueError for NaN and infinities.
    """
    if not value.is_finite():
        raise ValueError(f"cannot format a non-finite amount: {value}")
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    elif value.as_tuple().exponent > 0:  # type: ignore[operator]
        # Decimal("1E+3") would print as "1E+3": give it its integer digits.
        value = value.quantize(Decimal(1))
    return f"{value:,f}" if thousands else f"{value:f}"


# OCR of a number on a scan: stray marks read off specks at its ends, and the separators misread.
_EDGE_MARKS = ".,，。、'’‘`;:：；·•"
_READING_RE = re.compile(
    rf"^[\s{re.escape(_EDGE_MARKS)}]*(?P<core>[-+]?\d[\d,，;:；：.．]*\d|\d)(?P<pct>%?)[\s{re.escape(_EDGE_MARKS)}]*$"
)


def clean_number_reading(text: str) -> str:
    """An OCR reading of a printed number with what cannot be part of it put right.

    * marks read off specks at either end go: ".3,258.06" → "3,258.06", "30107." → "30107";
    * a misread separator between digit groups is mended: "18;570.82" → "18,570.82", "137:31" →
      "137.31" (two digits at the end are decimals), "397..23" → "397.23".

    Anything that is not a number with such noise is returned unchanged, so it is safe on any cell.
    The caller keeps the raw reading.

    >>> clean_number_reading(".77.66"), clean_number_reading("2040504."), clean_number_reading("1,959.99.")
    ('77.66', '2040504', '1,959.99')
    >>> clean_number_reading("18;570.82"), clean_number_reading("137:31"), clean_number_reading("一、基本支出")
    ('18,570.82', '137.31', '一、基本支出')
    """
    s = text.strip()
    m = _READING_RE.match(s)
    if m is None:
        return text
    core = m.group("core").replace("．", ".").replace("，", ",")
    core = re.sub(r"\.{2,}", ".", core)
    core = re.sub(r"[;:；：](?=\d{3}(?:\D|$))", ",", core)  # a thousands group follows
    if "." not in core:
        core = re.sub(r"[;:；：](?=\d{2}$)", ".", core)  # two digits at the end: decimals
    if re.search(r"[;:；：]", core) or core.count(".") > 1:
        return text  # still not one number: leave it to the checks
    if "," in core and not re.fullmatch(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", core):
        return text
    return core + m.group("pct")
