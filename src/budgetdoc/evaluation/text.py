"""Text and number normalisation for scoring: the evaluator's own, independent of the pipeline's parsers.

Two cells are compared after :func:`fold_text` (Unicode NFKC, every whitespace character removed:
Chinese text has no meaningful spaces and OCR engines insert them at random). A cell whose truth text
reads as a plain decimal number (:func:`parse_decimal`) is compared as a number: ``"1,234.50"``
equals ``"1234.5"`` and ``"１２３４.５"``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

_WS = re.compile(r"\s+")
# 1234 | 1,234,567 | with optional fraction; or .5; a leading sign. "0\d…" (01, 0203) is a code, not a number.
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^[+-]?\.\d+$")
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\uff0d": "-"})


def fold_text(text: str | None) -> str:
    """``text`` after NFKC with every whitespace character removed (``None`` reads as ``""``)."""
    if not text:
        return ""
    return _WS.sub("", unicodedata.normalize("NFKC", text))


def parse_decimal(text: str | None) -> Decimal | None:
    """The number ``text`` states, or ``None`` when it is not a plain decimal number.

    Accepts thousands separators (``1,234.50``), full-width digits, a leading sign and accounting
    parentheses for negatives (``(12.00)``). Refuses codes with a leading zero (``01``, ``0203``),
    percentages, units and anything else, which are compared as text.

    >>> parse_decimal("1,234.50") == parse_decimal("1234.5")
    True
    >>> parse_decimal("01") is None, parse_decimal("12%") is None, parse_decimal("") is None
    (True, True, True)
    """
    s = fold_text(text).translate(_MINUS)
    if not s:
        return None
    negative = False
    if len(s) > 2 and s[0] == "(" and s[-1] == ")":
        s, negative = s[1:-1], True
    if not _NUMBER.match(s):
        return None
    digits = s.lstrip("+-")
    if len(digits) > 1 and digits[0] == "0" and digits[1].isdigit():
        return None
    try:
        value = Decimal(s.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        return None
    return -value if negative else value


def canonical_number(value: Decimal) -> str:
    """A decimal written one way only: ``1234.50`` → ``"1234.5"``, ``-0`` → ``"0"``."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def cell_key(text: str | None) -> str:
    """What a cell is compared by: its canonical number when it is one, else its folded text."""
    number = parse_decimal(text)
    return canonical_number(number) if number is not None else fold_text(text)


def edit_distance(a: str, b: str) -> int:
    """Unit-cost edit distance (insert, delete, substitute one character) between two strings.

    Bit-parallel (Myers 1999, in Hyyrö's formulation), on Python integers, so any length works.
    """
    if a == b:
        return 0
    if len(a) > len(b):
        a, b = b, a
    m = len(a)
    if m == 0:
        return len(b)
    peq: dict[str, int] = {}
    for i, ch in enumerate(a):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    full = (1 << m) - 1
    top = 1 << (m - 1)
    pv, mv, score = full, 0, m
    for ch in b:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = (mv | ~(xh | pv)) & full
        mh = pv & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        ph = ((ph << 1) | 1) & full
        mh = (mh << 1) & full
        pv = (mh | ~(xv | ph)) & full
        mv = ph & xv
    return score

def multiset_dice(a: Iterable[str], b: Iterable[str]) -> float:
    """Dice overlap ``2|A∩B| / (|A|+|B|)`` of two multisets; two empty multisets score 1.0."""
    ca, cb = Counter(a), Counter(b)
    total = sum(ca.values()) + sum(cb.values())
    if total == 0:
        return 1.0
    return 2 * sum((ca & cb).values()) / total
