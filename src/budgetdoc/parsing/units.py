"""The money unit (单位) a table or card states: "单位：万元", "金额单位：元", "资金总额(万元)".

The unit line usually sits between the title and the table, often on one line with the department
("编制部门：上海市普陀区财政局 单位：元"); cards put it in a header cell ("项目资金(元)").
"""

from __future__ import annotations

import re

from budgetdoc.model.vocab import Unit
from budgetdoc.parsing.text import normalize

__all__ = ["parse_unit"]

_UNIT_BY_TEXT = {u.value: u for u in Unit}

# "单位：万元", "金额单位:元", "单位 万元". Also "单位：万" alone: Jiangsu prints "单位：万" and the
# "元" wraps to the next line after the department name, so a text layer reads "单位：万 … 元".
_LABELLED_RE = re.compile(r"单位[:：]?(?:为|是)?(?:人民币)?(?P<unit>亿元|万元|千元|元|亿|万|千)")
# "(万元)" / "（元）" after a header such as 资金总额 or 项目资金.
_PAREN_RE = re.compile(r"\((?:单位[:：]?)?(?:人民币)?(?P<unit>亿元|万元|千元|元)\)")


def parse_unit(text: str | None) -> Unit | None:
    """The :class:`~budgetdoc.model.vocab.Unit` stated in ``text``, or None if it states none.

    A labelled statement (单位：… / 金额单位：…) wins over a parenthesised one ("资金总额(万元)");
    the first of each kind counts. Full-width forms and spaces are normalised first, so
    "单位： 万 元" reads as 万元.

    >>> parse_unit("编制部门：上海市普陀区财政局 单位：元").value
    '元'
    >>> parse_unit("资金总额(万元)").value
    '万元'
    """
    s = normalize(text)
    if not s:
        return None
    m = _LABELLED_RE.search(s)
    if m is not None and not m.group("unit").endswith("元"):
        # A bare 万/千/亿 only counts when its 元 was wrapped away: the text ends there or a 元
        # follows later ("单位：万 部门名称：… 元"); "单位：万人" is not money.
        if m.end() != len(s) and "元" not in s[m.end():]:
            m = None
    if m is None:
        m = _PAREN_RE.search(s)
    if m is None:
        return None
    unit = m.group("unit")
    if not unit.endswith("元"):
        unit += "元"
    return _UNIT_BY_TEXT[unit]
