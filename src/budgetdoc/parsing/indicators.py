"""Performance-indicator values (绩效指标 指标值) to :class:`~budgetdoc.model.document.IndicatorValue`.

A 指标值 is printed as a comparator, a number and a unit ("≤27.22万元", "≥90.00（%）", "约4平方公里",
"24小时之内"), a deadline or schedule ("2027年12月底前", "2026年4季度", "每月"), or a word ("及时",
"规范", "满意"). :func:`parse_indicator_value` reads all of these; :func:`format_indicator_value`
prints a parsed value back.

Decisions (documented so that callers can rely on them):

* The comparator is None when none is printed: "100%" is (None, 100, "%"), not (=, 100, "%").
  ``Comparator.eq`` only comes from a printed "=" / "等于".
* Comparators may be words (不低于 ≥, 不超过 ≤, 大于等于 ≥, 低于 <, 约 ≈ …) and may follow the value:
  以内/之内/内/以下/及以下 → ≤, 以上/及以上 → ≥, 左右 → ≈. "24小时之内" is (≤, 24, "小时").
  A prefix and a suffix that disagree ("≤5天以上") make the value text: it cannot be read safely.
* Percentages have kind ``percent`` and unit "%", whatever the spelling ("%", "％", "(%)", "（%）").
* A deadline or schedule has kind ``date``, no number, and ``text`` = the normalised value. A bare
  4-digit year with 年 ("2026年") is a date, not the number 2026.
* A number followed by something that is not a unit ("24小时应急响应") is text, as are ranges
  ("90%-100%") and Chinese numerals ("三个"): they stay readable in ``text`` and ``raw``.
* ``raw`` is always the input exactly as given.
"""

from __future__ import annotations

import re
from decimal import Decimal

from budgetdoc.model.document import IndicatorValue
from budgetdoc.model.vocab import Comparator, IndicatorValueKind
from budgetdoc.parsing.text import normalize

__all__ = ["parse_indicator_value", "format_indicator_value", "is_unit", "is_date_value", "KNOWN_UNITS"]

C = Comparator

# Printed comparators before the number, longest first at match time.
_PREFIX_COMPARATORS: dict[str, Comparator] = {
    "<=": C.le, "=<": C.le, "≤": C.le, ">=": C.ge, "=>": C.ge, "≥": C.ge,
    "<": C.lt, ">": C.gt, "=": C.eq, "≈": C.approx, "≒": C.approx,
    "大于或等于": C.ge, "大于等于": C.ge, "不低于": C.ge, "不少于": C.ge, "不小于": C.ge,
    "不得低于": C.ge, "不得少于": C.ge, "至少": C.ge, "最少": C.ge,
    "小于或等于": C.le, "小于等于": C.le, "不高于": C.le, "不超过": C.le, "不多于": C.le,
    "不大于": C.le, "不得高于": C.le, "不得超过": C.le, "至多": C.le, "最多": C.le,
    "大于": C.gt, "高于": C.gt, "超过": C.gt, "多于": C.gt,
    "小于": C.lt, "低于": C.lt, "少于": C.lt,
    "等于": C.eq, "约": C.approx, "大约": C.approx, "约为": C.approx,
}
_PREFIXES = sorted(_PREFIX_COMPARATORS, key=len, reverse=True)

# Printed comparators after the unit ("90%以上", "24小时之内", "4平方公里左右").
_SUFFIX_COMPARATORS: dict[str, Comparator] = {
    "及以上": C.ge, "以上": C.ge, "及以下": C.le, "以下": C.le,
    "以内": C.le, "之内": C.le, "内": C.le, "左右": C.approx,
}
_SUFFIXES = sorted(_SUFFIX_COMPARATORS, key=len, reverse=True)

_NUMBER_RE = re.compile(r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?")

#: Units an indicator value may carry (after NFKC: ㎡ is "m2"). Compound units "元/套" are checked
#: part by part, and a magnitude prefix is allowed (万人次, 千平方米).
KNOWN_UNITS: frozenset[str] = frozenset(
    """
    元 万元 千元 亿元 个 项 套 份 次 人 人次 户 家 件 台 辆 本 册 篇 场 期 批 所 座 处 条 张 间 栋 幢
    天 日 工作日 个工作日 小时 分钟 秒 周 个月 个季度 年 学年 平方米 平方千米 平方公里 公里 千米 米
    厘米 毫米 亩 公顷 吨 千克 公斤 克 升 立方米 方 分 星 级 类 种 颗 株 棵 头 只 盏 块 幅 页 字 课时
    学时 门 班 节 章 卷 部 集 起 宗 笔 例 床 位 名 支 队 组 网点 个百分点 百分点 倍 度 千瓦 千瓦时
    兆瓦 人天 人日 车次 架次 班次 课 单 季度 % ‰ km km2 m m2 m3 kg t g L h min s GB TB MB kW kWh MW Mbps
    """.split()
)
_MAGNITUDES = "十百千万亿"
# Single characters that follow numbers without being units.
_NOT_UNITS = frozenset("内前后上下及左右约以余多")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")

# ---- dates and schedules ---------------------------------------------------------------------
_Y = r"(?:19|20)\d{2}年度?"
_M = r"(?:0?[1-9]|1[0-2])月份?"
_D = r"(?:0?[1-9]|[12]\d|3[01])[日号]"
_Q = r"第?[1-4一二三四]季度?"
_H = r"[上下]半年"
_PERIOD_WORD = r"(?:年底|年末|年初|年中|年内|年度内|当年|当月|本年度?|全年|月底|月末|月初|月中|季末|季度末)"
_POS = r"(?:底|末|初|中|上旬|中旬|下旬)"
_BOUND = r"(?:前完成|之前|以前|前|以内|之内|内|完成|为止|止|截止|结束)"
_POINT = rf"(?:{_Y}(?:{_M}(?:{_D})?|{_Q}|{_H}|{_PERIOD_WORD})?|{_M}(?:{_D})?|{_Q}|{_H}|{_PERIOD_WORD})"
_POINT_FULL = rf"(?:截止|截至|于|在)?{_POINT}{_POS}?{_BOUND}?"
_DOTTED = r"(?:19|20)\d{2}[./-](?:0?[1-9]|1[0-2])(?:[./-](?:0?[1-9]|[12]\d|3[01]))?"
_PERIODIC = rf"(?:每|按)(?:年度?|半年|季度?|月度?|周|旬|天|日|星期|学期)(?:{_D})?{_POS}?{_BOUND}?"
_DATE_RE = re.compile(
    rf"^(?:{_POINT_FULL}(?:(?:至|到|-|~|—){_POINT_FULL})?|{_DOTTED}{_BOUND}?|{_PERIODIC})$"
)


def is_date_value(text: str) -> bool:
    """True when normalised ``text`` is a deadline, date, period or schedule ("2026年4季度", "每月")."""
    return bool(_DATE_RE.match(normalize(text)))


def _is_unit_atom(u: str) -> bool:
    if u in KNOWN_UNITS:
        return True
    if len(u) > 1 and u[0] in _MAGNITUDES and u[1:] in KNOWN_UNITS:
        return True
    return len(u) == 1 and bool(_CJK_RE.match(u)) and u not in _NOT_UNITS


def is_unit(text: str) -> bool:
    """True when ``text`` (normalised) reads as a unit: 万元, 个, 平方千米, 元/套, 万元/项, %."""
    u = normalize(text)
    if not u:
        return False
    return all(p and _is_unit_atom(p) for p in u.split("/"))


def _text_value(raw: str, kind: IndicatorValueKind) -> IndicatorValue:
    return IndicatorValue(raw=raw, kind=kind, text=normalize(raw, keep_spaces=True))


def parse_indicator_value(text: str | None) -> IndicatorValue:
    """Parse a printed 指标值 into comparator, number, unit and kind; ``raw`` keeps ``text`` as given.

    >>> v = parse_indicator_value("≤27.22万元")
    >>> (v.comparator.value, v.number, v.unit, v.kind.value)
    ('≤', Decimal('27.22'), '万元', 'number')
    >>> parse_indicator_value("2027年12月底前").kind.value
    'date'

    See the module docstring for the rules. Never raises for any string.
    """
    raw = "" if text is None else text
    s = normalize(raw).rstrip("。;；，,、")  # sentence punctuation typed after the value
    if not s:
        return IndicatorValue(raw=raw, kind=IndicatorValueKind.empty)
    if _DATE_RE.match(s):
        return _text_value(raw, IndicatorValueKind.date)

    comparator: Comparator | None = None
    for p in _PREFIXES:
        if s.startswith(p):
            comparator, s = _PREFIX_COMPARATORS[p], s[len(p):]
            break
    m = _NUMBER_RE.match(s)
    if m is None:
        return _text_value(raw, IndicatorValueKind.text)
    number = Decimal(m.group().replace(",", ""))
    rest = s[m.end():]

    for suf in _SUFFIXES:
        if rest.endswith(suf) and (suf != "内" or len(rest) > 1):  # a bare "内" after a number is not a bound
            suffix_cmp = _SUFFIX_COMPARATORS[suf]
            if comparator is not None and comparator is not suffix_cmp:
                return _text_value(raw, IndicatorValueKind.text)
            comparator, rest = suffix_cmp, rest[: -len(suf)]
            break

    if len(rest) >= 2 and rest[0] == "(" and rest[-1] == ")":  # "90.00(%)", "2(个)"
        rest = rest[1:-1]
    if rest == "%":
        return IndicatorValue(raw=raw, kind=IndicatorValueKind.percent, comparator=comparator,
                              number=number, unit="%")
    if rest and not is_unit(rest):
        return _text_value(raw, IndicatorValueKind.text)
    return IndicatorValue(raw=raw, kind=IndicatorValueKind.number, comparator=comparator,
                          number=number, unit=rest or None)


_RENDER_COMPARATOR = {C.lt: "<", C.le: "≤", C.eq: "=", C.ge: "≥", C.gt: ">", C.approx: "约"}


def format_indicator_value(value: IndicatorValue) -> str:
    """Print a parsed value in the documents' usual form: "≤27.22万元", "100%", "约4平方公里".

    Number and percent values are rebuilt from comparator, number and unit (so the spelling is
    canonical, not necessarily ``raw``); date and text values print their ``text``.
    """
    if value.kind in (IndicatorValueKind.number, IndicatorValueKind.percent):
        head = _RENDER_COMPARATOR[value.comparator] if value.comparator is not None else ""
        return f"{head}{value.number:f}{value.unit or ''}"
    if value.kind is IndicatorValueKind.empty:
        return ""
    return value.text if value.text is not None else value.raw
