"""Subject codes of the 政府收支分类科目 (government revenue and expenditure classification).

A function (支出功能分类) code has 3 digits for a 类, 5 for a 款 and 7 for a 项: 201 一般公共服务支出,
20103 政府办公厅（室）及相关机构事务, 2010350 事业运行. Each level extends its parent's code by two
digits. Economic codes (支出经济分类) have only 类 and 款: 301 / 30101 for the 部门预算 scheme,
501 / 50101 for the 政府预算 scheme. Revenue codes (收入分类) start with 1.

Shanghai and Jiangsu print the code split over three columns 类 | 款 | 项 ("201 | 03 | 50");
:func:`join_split_code` puts such a row back together.
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources
from typing import Literal

from budgetdoc.model.vocab import SubjectLevel
from budgetdoc.parsing.text import normalize

__all__ = [
    "ReferenceKind",
    "subject_level",
    "parse_subject_code",
    "join_split_code",
    "parent_code",
    "ancestors",
    "load_reference",
]

ReferenceKind = Literal["function", "economic_department", "economic_government"]

_LEVEL_BY_LENGTH = {3: SubjectLevel.lei, 5: SubjectLevel.kuan, 7: SubjectLevel.xiang}
_LENGTH_BY_LEVEL = {v: k for k, v in _LEVEL_BY_LENGTH.items()}

# Characters an OCR engine reads in place of digits in a code cell.
_CONFUSABLE_DIGITS = str.maketrans({"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1", "i": "1"})

_REFERENCE_FILES: dict[str, str] = {
    "function": "function_classification.csv",
    "economic_department": "economic_classification_department.csv",
    "economic_government": "economic_classification_government.csv",
}


def subject_level(code: str) -> SubjectLevel | None:
    """Level (类/款/项) of a subject code, from its length and leading digit; None if not a code.

    Function and revenue codes (leading 1 or 2) have 3, 5 or 7 digits; economic codes (leading 3
    for 部门预算, 5 for 政府预算 scheme) have only 3 (类) or 5 (款). Anything else — wrong length,
    another leading digit, a non-digit — gives None. The code must already be clean (see
    :func:`parse_subject_code`).
    """
    if not code.isascii() or not code.isdigit():
        return None
    level = _LEVEL_BY_LENGTH.get(len(code))
    if level is None:
        return None
    head = code[0]
    if head in "12":
        return level
    if head in "35" and level is not SubjectLevel.xiang:
        return level
    return None


def parse_subject_code(text: str | None) -> str | None:
    """Read a subject code from a printed cell, or None when the cell does not hold exactly one code.

    Normalises full-width digits (NFKC), drops whitespace that OCR or wrapping put inside the code
    ("2010 350" → "2010350"), trailing punctuation ("201." / "201、"), and fixes up to two letters that
    OCR reads for digits (O→0, l/I/|→1) when the rest are digits. The result must be a valid code
    per :func:`subject_level`.
    """
    if not text:
        return None
    s = normalize(text).rstrip(".、,:")
    if not s:
        return None
    if not s.isdigit():
        digits = sum(c.isdigit() for c in s)
        if len(s) - digits > 2 or digits < 2:
            return None
        s = s.translate(_CONFUSABLE_DIGITS)
    if not (s.isascii() and s.isdigit()):
        return None
    return s if subject_level(s) is not None else None


def _digits(part: str | None) -> str:
    s = normalize(part or "").rstrip(".、")
    if s and not (s.isascii() and s.isdigit()):
        raise ValueError(f"not a code part: {part!r}")
    return s


def join_split_code(lei: str | None, kuan: str | None = "", xiang: str | None = "") -> str:
    """Join a code printed in split 类 | 款 | 项 columns into one code.

    ``join_split_code("201", "03", "50") == "2010350"``; a blank 项 means a 款 row ("201", "03", "")
    → "20103", blank 款 and 项 a 类 row. Columns that already hold the full prefix are accepted too
    ("201", "20103", "2010350"), as is a 类 left blank under a full-prefix 款 or 项. A single digit
    in the 款 or 项 column is taken as having lost its leading zero ("6" → "06"), as happens when a
    table went through a spreadsheet.

    Raises ValueError when the parts do not make one code: a 项 without a 款, non-digits, a full
    prefix that contradicts a higher column, or nothing at all.

    >>> join_split_code("201", "03", "50"), join_split_code("210", "11", ""), join_split_code("301", "01")
    ('2010350', '21011', '30101')
    """
    a, b, c = _digits(lei), _digits(kuan), _digits(xiang)
    if not (a or b or c):
        raise ValueError("empty code: all of 类, 款 and 项 are blank")
    if a and len(a) != 3:
        raise ValueError(f"类 column should have 3 digits: {lei!r}")
    code = a
    for part, full_len in ((b, 5), (c, 7)):
        if not part:
            continue
        if len(part) == full_len:  # the column already holds the whole prefix
            if code and not part.startswith(code):
                raise ValueError(f"split code parts disagree: {part!r} does not extend {code!r}")
            code = part
            continue
        if len(code) != full_len - 2:
            raise ValueError(f"code part {part!r} has no parent (got {code!r} before it)")
        if len(part) == 1:
            part = "0" + part
        if len(part) != 2:
            raise ValueError(f"code part {part!r} should have 2 digits")
        code += part
    if subject_level(code) is None:
        raise ValueError(f"not a subject code: {code!r}")
    return code


def parent_code(code: str) -> str | None:
    """The code one level up (项 → 款 → 类): "2010350" → "20103" → "201" → None.

    None also for anything that is not a subject code.
    """
    level = subject_level(code)
    if level is None or level is SubjectLevel.lei:
        return None
    return code[: _LENGTH_BY_LEVEL[level] - 2]


def ancestors(code: str) -> list[str]:
    """All codes above ``code``, nearest first: "2010350" → ["20103", "201"]."""
    out: list[str] = []
    p = parent_code(code)
    while p is not None:
        out.append(p)
        p = parent_code(p)
    return out


@lru_cache(maxsize=None)
def _read_reference(kind: str) -> tuple[tuple[str, str, SubjectLevel], ...]:
    try:
        name = _REFERENCE_FILES[kind]
    except KeyError:
        known = sorted(_REFERENCE_FILES)
        raise ValueError(f"unknown reference list {kind!r}; expected one of {known}") from None
    data = (resources.files("budgetdoc") / "resources" / "reference" / name).read_text(encoding="utf-8")
    rows = []
    for rec in csv.DictReader(io.StringIO(data)):
        rows.append((rec["code"].strip(), rec["name"].strip(), SubjectLevel(rec["level"].strip())))
    return tuple(rows)


def load_reference(kind: ReferenceKind) -> dict[str, tuple[str, SubjectLevel]]:
    """The packaged reference list of ``kind`` as ``{code: (name, level)}``.

    ``function``: 支出功能分类科目; ``economic_department``: 部门预算支出经济分类科目;
    ``economic_government``: 政府预算支出经济分类科目. The lists are partial (codes seen in published
    disclosures, see ``resources/reference/README.md``): a code's absence does not make it wrong.
    Returns a fresh dict each call (the file is read once).
    """
    return {code: (name, level) for code, name, level in _read_reference(kind)}

