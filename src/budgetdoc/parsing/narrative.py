"""The narrative text of a disclosure: sections by their headings, and the figures they state.

Budget disclosures explain their tables in prose (第一部分 概况, 第三部分 情况说明 …): "预算收入总计
389.23万元，其中：本年收入389.23万元，上年结转0万元，比上年增长35.12万元，增长9.92%". These
pure functions turn printed lines into :class:`~budgetdoc.model.document.NarrativeSection` objects
and each stated number into a :class:`~budgetdoc.model.document.StatedFigure`:

* :func:`heading_of` says whether a line is a part heading (第三部分 …) or a section heading
  (一、 … / 十二、 …); (一) and 1、 sub-headings stay inside their section's text;
* :func:`split_sections` groups lines (text with optional page, box and layout hints) into
  sections, joining wrapped lines into paragraphs across page breaks;
* :func:`find_figures` / :func:`stated_figures` read every number printed with a unit: amounts
  (万元, 元, 亿元, 千元; thousands separators allowed), shares (占51.42%), changes (比上年增长35.12万元,
  下降1.17%: signed), counts (6个科室, 3家, 2辆) and other measures (92平方米).

A figure's ``label`` is the noun phrase printed before it in its clause, with the subject of the
sentence (year, department), connectives (其中, 主要包括 …) and numbering removed: "2026年度某局
预算收入总计389.23万元" → 预算收入总计. A share's label is the item whose share it is (the amount
before it); a change's label is what changed: the words before 增加/减少 when there are any
("基本支出增加1447.63万元"), else the amount the sentence is about (the total before a "其中" list
that the change follows, or the amount just before it). Thresholds (价值50万元以上的设备) and
targets (≤2.5万元) are not stated figures and are left out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from budgetdoc.model.document import NarrativeSection, Provenance, StatedFigure
from budgetdoc.model.geometry import BoundingBox

__all__ = [
    "FoundFigure",
    "NarrativeLine",
    "find_figures",
    "fold_with_index",
    "heading_of",
    "is_toc_line",
    "sections_from_lines",
    "sections_from_text",
    "split_sections",
    "stated_figures",
]

# --------------------------------------------------------------------------------------------------
# character folding that remembers where each character came from

_EXTRA_FOLD = str.maketrans({"−": "-", "–": "-", "﹣": "-", "“": '"', "”": '"', "‘": "'", "’": "'",
                             "〔": "[", "〕": "]", "【": "[", "】": "]"})


def fold_with_index(raw: str) -> tuple[str, list[int]]:
    """``raw`` folded as :func:`budgetdoc.parsing.normalize` folds it (NFKC, curly quotes, no
    whitespace), character by character, with the index in ``raw`` of every folded character."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(raw):
        if ch.isspace():
            continue
        for f in unicodedata.normalize("NFKC", ch).translate(_EXTRA_FOLD):
            if f.isspace():
                continue
            out.append(f)
            index.append(i)
    return "".join(out), index


def _fold(text: str) -> str:
    return fold_with_index(text)[0]


# --------------------------------------------------------------------------------------------------
# headings

_CN_NUM = "一二三四五六七八九十"
_PART_RE = re.compile(rf"^第[{_CN_NUM}]+部分")
_SECTION_RE = re.compile(rf"^[{_CN_NUM}]{{1,3}}[、.]")
#: numbering that starts a paragraph inside a section: (一) 1、 1. ① 一、
_ITEM_RE = re.compile(rf"^(?:\([{_CN_NUM}]{{1,3}}\)|\d{{1,2}}[、.](?!\d)|[①-⑳]|[{_CN_NUM}]{{1,3}}[、.])")
_SENTENCE_PUNCT = set(",;:。!?，；：！？")
_TOC_RE = re.compile(r"(?:\.{2,}|…+|·{2,}|-{3,}|\t)\s*\d{1,4}\s*$")


def heading_of(text: str) -> tuple[str | None, str] | None:
    """``(part, heading)`` when ``text`` is a heading, else None.

    A part heading "第三部分 2026年度部门预算情况说明" gives ``("第三部分", "2026年度部门预算情况说明")``
    (the heading may be empty); a section heading "二、收入预算情况说明" gives ``(None, "二、收入预算情况说明")``.
    A numbered line that reads as a sentence ("一、基本支出：指为保障机构正常运转…", a 名词解释 entry) is
    no heading: a heading is short and has no clause punctuation.

    >>> heading_of("第四部分 名词解释")
    ('第四部分', '名词解释')
    >>> heading_of("十一、国有资产占有使用情况")
    (None, '十一、国有资产占有使用情况')
    >>> heading_of("六、财政专户管理资金：") is None
    True
    """
    s = _fold(text)
    if not s or _TOC_RE.search(text):
        return None
    m = _PART_RE.match(s)
    if m:
        rest = s[m.end():].lstrip(":：、.")
        return m.group(0), _raw_tail(text, len(s) - len(rest))
    if _SECTION_RE.match(s) and len(s) <= 40 and not any(ch in _SENTENCE_PUNCT for ch in s):
        return None, _raw_tail(text, 0)
    return None


def _raw_tail(raw: str, folded_start: int) -> str:
    """``raw`` from the character that folds to position ``folded_start``, whitespace removed
    (headings keep their printed characters: “三公” stays curly)."""
    folded, index = fold_with_index(raw)
    if folded_start >= len(folded):
        return ""
    return "".join(ch for ch in raw[index[folded_start]:] if not ch.isspace())


def is_toc_line(text: str) -> bool:
    """A table-of-contents entry: a heading followed by leader dots (or a tab) and a page number."""
    return bool(_TOC_RE.search(text))


# --------------------------------------------------------------------------------------------------
# figures

_NUM = r"(?<![\d.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d,]*\.\d)"
_AMOUNT_UNITS = ("亿元", "万元", "千元", "元")
_PERCENT_UNITS = ("%", "个百分点", "百分点")
_COUNT_UNITS = ("台(套)", "人次", "个", "家", "辆", "人", "名", "项", "台", "套", "次", "户", "件", "所", "座", "间",
                "处", "批", "份", "篇", "场", "艘", "架")
_OTHER_UNITS = ("平方公里", "平方米", "平米", "公里", "亩", "吨")
_UNITS = sorted(_AMOUNT_UNITS + _PERCENT_UNITS + _COUNT_UNITS + _OTHER_UNITS, key=len, reverse=True)
_FIGURE_RE = re.compile(_NUM + r"(?P<unit>" + "|".join(re.escape(u) for u in _UNITS) + ")")

#: what ends a clause: a label never reaches back past one of these
_CLAUSE_END = set(",;:。!?、\n")
_SENTENCE_END = set(";。!?\n")
_INCREASE = ("增加", "增长", "上升", "提高", "增幅", "上涨")
_DECREASE = ("减少", "下降", "降低", "减幅", "降幅", "压减", "缩减", "节约")
_CHANGE_END_RE = re.compile(r"(?P<word>" + "|".join(sorted(_INCREASE + _DECREASE, key=len, reverse=True))
                            + r")(?:了|约|为|达|幅度为|幅度|幅为|幅)?$")
_CHANGE_START_RE = re.compile(r"(?P<word>" + "|".join(sorted(_INCREASE + _DECREASE, key=len, reverse=True)) + r")")
_SHARE_END_RE = re.compile(r"(?:占(?:比)?(?:[^,;:。!?\n]{0,30}?的)?(?:比重|比例)?|(?:所占)?(?:比重|比例))(?:为|约|达)?$")
_THRESHOLD_AFTER_RE = re.compile(r"^(?:\([^)]{0,6}\))?(?:及以上|及以下|以上|以下|以内|\(含\)以上|\(含\)以下)")
_COMPARATOR_BEFORE = set("≤≥<>＜＞≦≧")
_COUNT_NOUN_RE = re.compile(
    r"^(?:预算单位|下属单位|二级单位|行政单位|事业单位|职能部门|内设机构|派出机构|职能处室|处室|科室|部门|单位|机构|项目)")
#: what a count names when nothing before it does: the words after it up to a clause end or 和/及/的
_COUNT_PHRASE_RE = re.compile(r"^[\u4e00-\u9fff]{2,12}?(?=[和及与的]|[,;:。!?、\n(]|$)")
_RATE_AFTER_RE = re.compile(r"^/[\u4e00-\u9fff]{1,4}")

# label cleaning (on folded text)
_NUMBERING_RE = re.compile(rf"^(?:\([{_CN_NUM}]{{1,3}}\)|\(\d{{1,2}}\)|\d{{1,2}}[、.)](?!\d)|[①-⑳]|[{_CN_NUM}]{{1,3}}、)")
_YEAR_RE = re.compile(r"^(?:截至|截止|至)?(?:19|20)\d{2}年度?(?:\d{1,2}月(?:\d{1,2}日)?)?(?:末|底|初)?")
_ORG_RE = re.compile(
    r"^(?:中共)?[\u4e00-\u9fff]{0,12}?(?:省|市|区|县|州|盟|旗)[\u4e00-\u9fff]{0,18}?"
    r"(?:人民法院|人民检察院|委员会|办公室|办公厅|法院|检察院|研究院|中心|局|厅|院|署|部(?!门)|办)")
_LEAD_FILLER_RE = re.compile(
    r"^(?:其中|主要包括|包括|主要用于以下方面|主要用于|具体包括|具体为|分别为|分别是|另外|另|此外|共有|现有|拥有|"
    r"共计|合计为|共|为|即|主要原因是|主要原因为|主要原因|原因是|原因为|主要是|由于|使用的|占有使用|本部门|本单位|"
    r"我部门|我单位|全年共|涉及|和|及|以及|与|含|本年度?(?=部门))")
_TRAIL_FILLER_RE = re.compile(r"(?:分别为|分别是|共计|为|是|达到|达|约|共|了|的)$")
#: a funding source before the item: "一般公共预算安排基本支出", "财政拨款的机关运行经费预算"
_ARRANGED_RE = re.compile(r"(?:安排(?:的)?|(?:拨款|资金)的)(?=[\u4e00-\u9fff]{2})")
_PERIOD = r"(?:上年|去年|上年度|上一年度?|(?:19|20)\d{2}年度?)(?:预算|决算)?(?:数)?"
_COMPARISON_RE = re.compile(rf"^(?:本年度?|今年|当年)?(?:与|比|较|同比|环比)?(?:{_PERIOD})?(?:相比|相较)?(?:同期)?(?:各)?$")
_COMPARISON_END_RE = re.compile(rf"(?:与|比|较|同比|环比)(?:{_PERIOD})(?:相比|相较)?(?:同期)?(?:各)?$")
_QUOTES = "\"'《》「」『』"
_MAX_LABEL = 40


@dataclass(frozen=True)
class FoundFigure:
    """A figure found in folded text: the figure, where its phrase and its number are
    (offsets in the folded text), and the offsets of its label (None when it has none)."""

    figure: StatedFigure
    start: int
    end: int
    number_start: int
    label_span: tuple[int, int] | None
    unit_span: tuple[int, int] | None = None


def _clause_start(s: str, pos: int) -> int:
    i = pos
    while i > 0 and s[i - 1] not in _CLAUSE_END:
        i -= 1
    return i


def _sentence_start(s: str, pos: int) -> int:
    i = pos
    while i > 0 and s[i - 1] not in _SENTENCE_END:
        i -= 1
    return i


def _paragraph_start(s: str, pos: int) -> int:
    i = s.rfind("\n", 0, pos)
    return i + 1


def _strip_brackets(s: str, a: int, b: int) -> tuple[int, int]:
    """Trim quotes and unbalanced brackets at the ends of ``s[a:b]``."""
    changed = True
    while changed and a < b:
        changed = False
        seg = s[a:b]
        q = seg[0] if seg[0] in _QUOTES else seg[-1] if seg[-1] in _QUOTES else None
        if q is not None and len(seg) > 1 and seg[0] == seg[-1] == q and seg.count(q) == 2:
            a, b = a + 1, b - 1  # a label printed in quotes: “一般公共服务支出（类）…（项）”
            changed = True
        elif q is not None and seg.count(q) % 2 == 1 and q in "\"'":
            a, b = (a + 1, b) if seg[0] == q else (a, b - 1)  # a quote left over from a longer quotation
            changed = True
        elif seg[0] in "《「『)" or (seg[0] == "(" and ")" not in seg):
            a += 1
            changed = True
        elif seg[-1] in "》」』(" or (seg[-1] == ")" and "(" not in seg[:-1]):
            b -= 1
            changed = True
    return a, b


def _clean_label_span(s: str, a: int, b: int, departments: Sequence[str] = ()) -> tuple[int, int] | None:
    """The label inside ``s[a:b]`` (the clause before a number): numbering, year, department,
    connectives and trailing 为/是/共 trimmed. Returns folded offsets, or None when nothing is left."""
    deps = [d for d in (_fold(x) for x in departments) if d]
    for _ in range(8):
        before = (a, b)
        a, b = _strip_brackets(s, a, b)
        seg = s[a:b]
        for rx in (_NUMBERING_RE, _YEAR_RE):
            m = rx.match(seg)
            if m and m.end() < len(seg):
                a += m.end()
                seg = s[a:b]
        for d in deps:
            if seg.startswith(d) and len(seg) > len(d):
                a += len(d)
                seg = s[a:b]
        m = _ORG_RE.match(seg)
        if m and len(seg) - m.end() >= 2:
            a += m.end()
            seg = s[a:b]
        m = _LEAD_FILLER_RE.match(seg)
        if m and m.end() < len(seg):
            a += m.end()
            seg = s[a:b]
        m = _TRAIL_FILLER_RE.search(seg)
        if m and m.start() > 0:
            b = a + m.start()
        if (a, b) == before:
            break
    # "一般公共预算安排基本支出" → 基本支出; "财政拨款的机关运行经费预算" → 机关运行经费预算
    arranged = list(_ARRANGED_RE.finditer(s[a:b]))
    if arranged:
        a += arranged[-1].end()
    a, b = _strip_brackets(s, a, b)
    digits = [d.end() for d in re.finditer(r"\d", s[a:b])]
    if b - a > _MAX_LABEL and digits:  # a run of table cells read as prose: keep what follows the last number
        a += digits[-1]
    a = max(a, b - 2 * _MAX_LABEL)
    seg = s[a:b]
    if not seg or not any("\u4e00" <= ch <= "\u9fff" or ch.isalpha() for ch in seg):
        return None
    return a, b


def _unit_kind(unit: str) -> str:
    if unit in _AMOUNT_UNITS:
        return "amount"
    if unit in _PERCENT_UNITS:
        return "percent"
    if unit in _COUNT_UNITS:
        return "count"
    return "other"


@dataclass
class _Pending:
    kind: str
    value: Decimal
    unit: str
    start: int
    end: int
    num_start: int
    label_span: tuple[int, int] | None
    own_label: bool = True
    unit_span: tuple[int, int] | None = None


def find_figures(text: str, *, departments: Sequence[str] = ()) -> tuple[str, list[FoundFigure]]:
    """Every figure stated in ``text``, in order, and the folded text their offsets refer to.

    Lines of ``text`` are joined as wrapped lines of one paragraph unless one ends a sentence (。；：)
    or is a numbered sub-heading, where a paragraph ends (see :func:`sections_from_text`).

    ``departments``: names of the document's department (and units) to strip from labels when a
    sentence opens with them ("2026年度某局预算收入总计…"); without them a rule for place + office
    names ("…省…局", "…市…院") does the same for most.
    """
    s, spans = _section_text([NarrativeLine(text=line) for line in text.split("\n")])
    return s, [_printed(f, spans) for f in _find_in_folded(s, departments)]


def _find_in_folded(s: str, departments: Sequence[str]) -> list[FoundFigure]:
    found: list[_Pending] = []
    for m in _FIGURE_RE.finditer(s):
        num, unit = m.group("num"), m.group("unit")
        n0, end = m.start("num"), m.end()
        kind = _unit_kind(unit)
        after = s[end:end + 12]
        if n0 > 0 and s[n0 - 1] in _COMPARATOR_BEFORE:
            continue  # a target ("≤2.5万元"), not a stated figure
        if kind == "amount" and _THRESHOLD_AFTER_RE.match(after):
            continue  # a threshold ("价值50万元（原值）以上的通用设备")
        if n0 > 0 and (s[n0 - 1].isascii() and s[n0 - 1].isalpha() or s[n0 - 1] in "-_/#"):
            continue  # part of a code or a range ("A101", "2018-2020")
        if kind == "count" and ("." in num or (unit in ("个", "次", "项", "人") and after[:1] in ("月", "日", "工"))
                                or s[end - 1:end + 1] in ("个人", "台式", "次性")):
            continue  # "3个月", "5个工作日": durations; "30310个人…", "68台式…": words, not counts
        rate = _RATE_AFTER_RE.match(after)
        if rate:  # "1.0元/平方米": a rate
            unit = unit + rate.group(0)
            end += rate.end()
            kind = "other"
        value = Decimal(num.replace(",", ""))
        unit_span = (m.start("unit"), m.start("unit") + len(unit))
        before = len(found)
        _classify(s, found, kind, value, unit, n0, end, after, departments)
        if len(found) > before:
            found[-1].unit_span = unit_span
    return _finish(s, found)


def _classify(s: str, found: list[_Pending], kind: str, value: Decimal, unit: str, n0: int, end: int, after: str,
              departments: Sequence[str]) -> None:
    """Append the figure whose number starts at ``n0`` (its unit ends at ``end``) to ``found``, with
    its kind and the label its own words give (shares and changes without words get theirs later)."""
    cs = _clause_start(s, n0)
    clause = s[cs:n0]

    def add(k: str, v: Decimal, start: int, stop: int, label: tuple[int, int] | None, own: bool = True) -> None:
        found.append(_Pending(k, v, unit, start, stop, n0, label, own_label=own))

    if kind == "percent":
        sm = _SHARE_END_RE.search(clause)
        cm = _CHANGE_END_RE.search(clause)
        if sm is not None and (cm is None or sm.start() <= cm.start()):
            add("share", value, cs + sm.start(), end, _clean_label_span(s, cs, cs + sm.start(), departments), False)
        elif cm is not None:
            sign = -1 if cm.group("word") in _DECREASE else 1
            add("change_percent", sign * value, cs, end, _change_label(s, cs, cs + cm.start(), departments), False)
        else:
            add("other", value, cs, end, _clean_label_span(s, cs, n0, departments))
        return
    if kind == "amount":
        cm = _CHANGE_END_RE.search(clause)
        if cm is not None:
            sign = -1 if cm.group("word") in _DECREASE else 1
            add("change_amount", sign * value, cs, end, _change_label(s, cs, cs + cm.start(), departments), False)
            return
        span = _clean_label_span(s, cs, n0, departments)
        lead = _CHANGE_START_RE.match(s, span[0], span[1]) if span else None
        if span and lead and lead.end() < span[1]:  # "（安排）减少江苏法院云平台租赁费200万元"
            add("change_amount", (-1 if lead.group("word") in _DECREASE else 1) * value, cs, end, (lead.end(), span[1]))
        else:
            add("amount", value, cs, end, span)
        return
    if kind == "count":
        noun = _COUNT_NOUN_RE.match(after)
        span = None if noun else _clean_label_span(s, cs, n0, departments)
        phrase = noun or (_COUNT_PHRASE_RE.match(after) if span is None else None)
        if phrase:  # "6个科室", "1个下属差额拨款事业单位": the noun after the count names it
            add("count", value, n0, end + phrase.end(), (end, end + phrase.end()))
        else:
            add("count", value, cs, end, span)
        return
    add("other", value, cs, end, _clean_label_span(s, cs, n0, departments))


def _finish(s: str, found: list[_Pending]) -> list[FoundFigure]:
    """Labels that come from the figures around them (shares, changes with no words of their own),
    then the figures in folded spelling."""
    for i, f in enumerate(found):
        if f.own_label or f.label_span is not None:
            continue
        ref = _previous_amount(s, found, i) if f.kind == "share" else _change_subject(s, found, i)
        if ref is not None:
            f.label_span = ref.label_span
    out = []
    for f in found:
        label = s[f.label_span[0]:f.label_span[1]] if f.label_span else None
        fig = StatedFigure(text=s[f.start:f.end], label=label, kind=f.kind, value=f.value, unit=f.unit)  # type: ignore[arg-type]
        out.append(FoundFigure(figure=fig, start=f.start, end=f.end, number_start=f.num_start,
                               label_span=f.label_span, unit_span=f.unit_span))
    return out


def _change_label(s: str, cs: int, word_at: int, departments: Sequence[str]) -> tuple[int, int] | None:
    """The label a change names itself ("基本支出增加…" → 基本支出), or None ("比上年增长…")."""
    pre = s[cs:word_at]
    if not pre or _COMPARISON_RE.match(pre):
        return None
    # "与上年相比，收支总计各增加" / "收入支出总计比上年增加": drop the comparison at either end
    m = _COMPARISON_END_RE.search(pre)
    b = cs + (m.start() if m else len(pre))
    if b > cs and s[b - 1] == "各":
        b -= 1
    if _COMPARISON_RE.match(s[cs:b]):
        return None  # "本年比上年减少…": no item named
    return _clean_label_span(s, cs, b, departments)


def _previous_amount(s: str, found: list[_Pending], i: int) -> _Pending | None:
    """The amount a share belongs to: the last amount with a label before it, in its sentence
    if there is one there, else in its paragraph."""
    f = found[i]
    for limit in (_sentence_start(s, f.start), _paragraph_start(s, f.start)):
        for g in reversed(found[:i]):
            if g.start < limit:
                break
            if g.kind == "amount" and g.label_span is not None:
                return g
    return None


def _change_subject(s: str, found: list[_Pending], i: int) -> _Pending | None:
    """What a change with no words of its own is about (see the module docstring)."""
    f = found[i]
    prev = found[i - 1] if i else None
    sent = _sentence_start(s, f.start)
    if f.kind == "change_percent" and prev is not None and prev.kind == "change_amount" and prev.start >= sent:
        return prev
    amounts = [g for g in found[:i] if g.start >= sent and g.kind == "amount" and g.label_span is not None]
    if amounts:
        k = s.rfind("其中", sent, f.start)
        if k >= 0:
            head = [g for g in amounts if g.end <= k]
            items = [g for g in amounts if g.start > k]
            if head and len(items) >= 2:
                return head[-1]
            if items:
                return items[-1]
            return head[-1] if head else None
        return amounts[-1]
    para = _paragraph_start(s, f.start)
    for g in reversed(found[:i]):
        if g.start < para:
            break
        if g.kind == "amount" and g.label_span is not None:
            return g
    return None


def stated_figures(text: str, *, departments: Sequence[str] = ()) -> list[StatedFigure]:
    """The figures ``text`` states, in order (see :func:`find_figures`), with text and label in
    the folded spelling (NFKC, no whitespace).

    >>> [(f.kind, str(f.value), f.unit, f.label) for f in stated_figures("基本支出200.14万元，占51.42%")]
    [('amount', '200.14', '万元', '基本支出'), ('share', '51.42', '%', '基本支出')]
    """
    return [f.figure for f in find_figures(text, departments=departments)[1]]


# --------------------------------------------------------------------------------------------------
# sections


@dataclass(frozen=True)
class NarrativeLine:
    """One printed line of narrative text, with where it is when known.

    ``starts_paragraph`` / ``runs_on`` are layout hints (the line is indented / the line reaches
    the right margin, so its text continues on the next line); None lets the text decide.
    ``centred_heading``: a short centred line set apart (an unnumbered heading such as "名词解释").
    """

    text: str
    page: int | None = None
    bbox: BoundingBox | None = None
    confidence: float | None = None
    source: str | None = None
    starts_paragraph: bool | None = None
    runs_on: bool | None = None
    centred_heading: bool = False


@dataclass
class _Draft:
    part: str | None
    heading: str
    heading_lines: list[NarrativeLine] = field(default_factory=list)
    lines: list[NarrativeLine] = field(default_factory=list)
    is_part: bool = False


def _starts_paragraph(prev: NarrativeLine | None, line: NarrativeLine) -> bool:
    if prev is None:
        return True
    s = _fold(line.text)
    if _ITEM_RE.match(s):
        return True
    if line.starts_paragraph is not None or prev.runs_on is not None:
        return bool(line.starts_paragraph) or prev.runs_on is False
    p = _fold(prev.text)
    return bool(p) and (p[-1] in "。;:!?" or _is_subheading(p) or (p[0] == "(" and p[-1] == ")"))


def _is_subheading(folded: str) -> bool:
    """A numbered line with no clause punctuation ("(一)一般公共预算当年支出规模变化情况", "1、整体绩效目标"):
    a heading inside a section, which ends its paragraph."""
    return bool(_ITEM_RE.match(folded)) and len(folded) <= 24 and not any(ch in _SENTENCE_PUNCT for ch in folded)


def split_sections(lines: Iterable[NarrativeLine]) -> list[tuple[str | None, str, list[NarrativeLine],
                                                                 list[NarrativeLine]]]:
    """Lines grouped under their headings: ``(part, heading, heading lines, body lines)`` in
    reading order. A part heading with no body of its own (第三部分 followed by 一、) gives its part
    to the sections under it; lines before the first heading form a section with heading ""."""
    drafts: list[_Draft] = []
    part: str | None = None
    cur: _Draft | None = None
    for ln in lines:
        if not ln.text.strip():
            continue
        h = heading_of(ln.text)
        if h is not None and h[0] is None and ln.runs_on is True:
            h = None  # a numbered line that runs on is a sentence ("一、基本支出：指…"); a part heading may wrap
        if h is None and ln.centred_heading and ln.runs_on is not True and not _ITEM_RE.match(_fold(ln.text)):
            h = (None, "".join(ln.text.split()))
        if h is not None and h[0] is not None:
            part = h[0]
            cur = _Draft(part=part, heading=h[1], heading_lines=[ln], is_part=True)
            drafts.append(cur)
            continue
        if h is not None:
            if cur is not None and cur.is_part and not cur.lines and not cur.heading and ln.centred_heading:
                cur.heading, cur.heading_lines = h[1], [*cur.heading_lines, ln]  # 第三部分 / its title below
                continue
            cur = _Draft(part=part, heading=h[1], heading_lines=[ln])
            drafts.append(cur)
            continue
        if cur is None:
            cur = _Draft(part=None, heading="")
            drafts.append(cur)
        if cur.is_part and not cur.lines and _wrapped_part_title(cur, ln):
            cur.heading += "".join(ln.text.split())
            cur.heading_lines.append(ln)
            continue
        if cur.is_part and not cur.lines and _lost_numbering(ln):
            # the part's first section heading with its "一、" lost (a faint stroke on a poor scan)
            cur = _Draft(part=part, heading="".join(ln.text.split()), heading_lines=[ln])
            drafts.append(cur)
            continue
        cur.lines.append(ln)
    return [(d.part, d.heading, d.heading_lines, d.lines) for d in drafts]


def _lost_numbering(line: NarrativeLine) -> bool:
    """A line set out as a heading (a short line of its own, with no clause punctuation, that
    neither runs on nor follows on) right under a part heading: its first section's heading."""
    s = _fold(line.text)
    return line.starts_paragraph is True and line.runs_on is False and 2 <= len(s) <= 30 \
        and not any(ch in _SENTENCE_PUNCT for ch in s) and not _ITEM_RE.match(s) and not s[-1].isdigit()


def _wrapped_part_title(cur: _Draft, line: NarrativeLine) -> bool:
    """The rest of a part heading wrapped onto the next line ("第三部分 某法院 2018" / "年度预算…说明")."""
    s = _fold(line.text)
    if len(cur.heading_lines) > 1:
        return False
    if line.centred_heading:
        return True
    last = cur.heading_lines[-1]
    if line.page is not None and last.page is not None and line.page != last.page:
        return False
    return bool(cur.heading) and 0 < len(s) <= 24 and not any(ch in _SENTENCE_PUNCT for ch in s) \
        and not _ITEM_RE.match(s) and line.starts_paragraph is not True


def _section_text(body: list[NarrativeLine]) -> tuple[str, list[tuple[int, int, NarrativeLine, list[int]]]]:
    """The section's text (paragraphs joined by newlines, wrapped lines joined with nothing) and,
    for each line, its span in the folded text with its folded→raw index."""
    parts: list[str] = []
    spans: list[tuple[int, int, NarrativeLine, list[int]]] = []
    pos = 0
    prev: NarrativeLine | None = None
    for ln in body:
        folded, index = fold_with_index(ln.text)
        if not folded:
            continue
        if prev is not None and _starts_paragraph(prev, ln):
            parts.append("\n")
            pos += 1
        parts.append(folded)
        spans.append((pos, pos + len(folded), ln, index))
        pos += len(folded)
        prev = ln
    return "".join(parts), spans


def _raw_span(spans: list[tuple[int, int, NarrativeLine, list[int]]], a: int, b: int) -> str:
    """The printed characters behind folded offsets ``[a, b)`` (whitespace removed)."""
    out: list[str] = []
    for s0, s1, ln, index in spans:
        lo, hi = max(a, s0), min(b, s1)
        if lo >= hi:
            continue
        r0, r1 = index[lo - s0], index[hi - 1 - s0] + 1
        out.append("".join(ch for ch in ln.text[r0:r1] if not ch.isspace()))
    return "".join(out)


def _printed(f: FoundFigure, spans: list[tuple[int, int, NarrativeLine, list[int]]]) -> FoundFigure:
    """``f`` with its text, label and unit in the printed characters (whitespace removed; a
    percent sign always as %)."""
    text = _raw_span(spans, f.start, f.end) or f.figure.text
    label = (_raw_span(spans, *f.label_span) or f.figure.label) if f.label_span else None
    unit = f.figure.unit
    if f.unit_span is not None and unit != "%":
        unit = _raw_span(spans, *f.unit_span) or unit
    return FoundFigure(figure=f.figure.model_copy(update={"text": text, "label": label, "unit": unit}), start=f.start,
                       end=f.end, number_start=f.number_start, label_span=f.label_span, unit_span=f.unit_span)


def _provenance(spans: list[tuple[int, int, NarrativeLine, list[int]]], a: int, b: int, raw: str) -> Provenance | None:
    lines = [ln for s0, s1, ln, _ in spans if s0 < b and a < s1]
    if not lines:
        return None
    page = lines[0].page
    boxes = [ln.bbox for ln in lines if ln.bbox is not None and ln.page == page]
    bbox = None
    if boxes:
        bbox = BoundingBox(l=min(x.l for x in boxes), t=min(x.t for x in boxes), r=max(x.r for x in boxes),
                           b=max(x.b for x in boxes))
    confs = [ln.confidence for ln in lines if ln.confidence is not None]
    source = lines[0].source if lines[0].source in ("ocr", "text_layer", "label", "manual") else None
    return Provenance(page=page, bbox=bbox, raw_text=raw, confidence=round(min(confs), 4) if confs else None,
                      source=source)  # type: ignore[arg-type]


def sections_from_lines(lines: Iterable[NarrativeLine], *, departments: Sequence[str] = ()) -> list[NarrativeSection]:
    """Narrative sections with their figures from lines in reading order (pages already stripped
    of tables, page numbers and running headers). Sections with no text are left out; lines before
    the first heading are kept only when they state a figure. Each figure's provenance is the page
    and box of the line(s) it is printed on, and the printed phrase."""
    out: list[NarrativeSection] = []
    for part, heading, head_lines, body in split_sections(lines):
        text_folded, spans = _section_text(body)
        if not text_folded:
            continue
        found = _find_in_folded(text_folded, departments)
        if not heading and not found:
            continue
        figures = []
        for f in found:
            f = _printed(f, spans)
            prov = _provenance(spans, f.number_start, f.end, f.figure.text)
            figures.append(f.figure.model_copy(update={"provenance": prov}))
        text = _display_text(spans, text_folded)
        pages = sorted({ln.page for ln in [*head_lines, *body] if ln.page is not None})
        out.append(NarrativeSection(part=part, heading=heading, text=text, figures=figures, pages=pages))
    return out


def _display_text(spans: list[tuple[int, int, NarrativeLine, list[int]]], folded: str) -> str:
    """The section text as printed: each line's characters (spaces inside a line kept only between
    Latin words), wrapped lines joined, paragraphs on their own lines."""
    out: list[str] = []
    last_end = None
    for s0, s1, ln, _ in spans:
        if last_end is not None and folded[s0 - 1:s0] == "\n":
            out.append("\n")
        out.append("".join(ln.text.split()))
        last_end = s1
    return "".join(out)


def sections_from_text(text: str, *, departments: Sequence[str] = (), skip_tab_lines: bool = True) -> list[NarrativeSection]:
    """Sections and figures of plain text (a text export, one printed line or paragraph per
    line). Table-of-contents entries and, with ``skip_tab_lines``, tab-separated table rows are
    left out; paragraphs are told apart by their closing punctuation."""
    lines = []
    for raw in text.splitlines():
        if not raw.strip() or is_toc_line(raw) or (skip_tab_lines and "\t" in raw.strip(" \r\n")):
            continue
        lines.append(NarrativeLine(text=raw))
    return sections_from_lines(lines, departments=departments)
