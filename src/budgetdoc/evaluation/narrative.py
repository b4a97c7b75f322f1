"""Scoring the figures a document's narrative states (:class:`~budgetdoc.model.document.StatedFigure`).

A predicted figure matches a truth figure when kind, value (as a decimal: 100.00 = 100) and unit
(NFKC: 台（套） = 台(套)) are equal and the labels match after :func:`normalize_label`: equal, or
one containing the other (at least two characters: 科室 / 内设科室, 上年结转 / 上年结转（收入）).
A label that names no item ("比上年增长", "比上年变动", or none at all) matches any label: the
generator labels a change by its wording, a reader by what changed. Each figure pairs at most
once (equal labels first, then the looser matches); precision, recall and F1 count pairs over
predicted and truth figures. ``figure_value_scores`` leaves labels out (kind, value and unit only).

Only the schema is imported here (the evaluator never imports the pipeline).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from budgetdoc.evaluation.results import PRF
from budgetdoc.model.document import DisclosureDocument, StatedFigure

__all__ = [
    "document_figures",
    "figure_differences",
    "figure_key",
    "figure_scores",
    "figure_value_scores",
    "labels_match",
    "match_figures",
    "normalize_label",
]

_BRACKETED_RE = re.compile(r"\([^()]*\)")
_DROP = str.maketrans("", "", "\"'“”‘’《》「」『』·、,，:：;；。")
_GENERIC_RE = re.compile(
    r"^(?:与|比|较|同比|环比)?(?:上年|去年|上年度|上一年度?|(?:19|20)\d{2}年度?)?(?:相比)?"
    r"(?:增加|增长|减少|下降|变动|变化|增减|增减变动|上升|降低)?$")
_TRAILING_RE = re.compile(r"(?:数量|数)$")


def normalize_label(label: str | None) -> str:
    """A label for comparison: NFKC, whitespace, quotes and punctuation removed, bracketed
    qualifiers dropped (上年结转（收入） → 上年结转), a trailing 数/数量 dropped (科室数 → 科室); "" when
    the label names no item (None, "比上年增长", "比上年变动")."""
    if not label:
        return ""
    s = "".join(unicodedata.normalize("NFKC", label).split()).translate(_DROP)
    s = _BRACKETED_RE.sub("", s)
    s = _TRAILING_RE.sub("", s) if len(s) > 2 else s
    return "" if _GENERIC_RE.match(s) else s


def labels_match(pred: str | None, gt: str | None) -> bool:
    """Labels that name the same item (see the module docstring)."""
    a, b = normalize_label(pred), normalize_label(gt)
    if not a or not b:
        return True
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 2 and short in long_


def _unit(unit: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", unit or "").split())


def _value(v: Decimal | str | None) -> Decimal | None:
    try:
        return Decimal(str(v)).normalize() if v is not None else None
    except InvalidOperation:
        return None


def figure_key(f: StatedFigure) -> tuple[str, Decimal | None, str]:
    """What must be equal for two figures to match: kind, value (normalised decimal), unit (NFKC)."""
    return f.kind, _value(f.value), _unit(f.unit)


def match_figures(*, pred: Sequence[StatedFigure], gt: Sequence[StatedFigure],
                  labels: bool = True) -> list[tuple[int, int]]:
    """Pairs ``(pred index, truth index)``: equal keys, labels matching (when ``labels``), equal
    normalised labels paired first, in document order."""
    pkeys = [figure_key(f) for f in pred]
    gkeys = [figure_key(f) for f in gt]
    used_p: set[int] = set()
    pairs: list[tuple[int, int]] = []
    passes = ((lambda p, g: normalize_label(p) == normalize_label(g)), labels_match) if labels else \
        ((lambda p, g: True),)
    matched_g: set[int] = set()
    for same in passes:
        for j, g in enumerate(gt):
            if j in matched_g:
                continue
            for i, p in enumerate(pred):
                if i in used_p or pkeys[i] != gkeys[j] or not same(p.label, g.label):
                    continue
                used_p.add(i)
                matched_g.add(j)
                pairs.append((i, j))
                break
    return sorted(pairs, key=lambda x: x[1])


def figure_scores(*, pred: Sequence[StatedFigure], gt: Sequence[StatedFigure]) -> PRF:
    """Pairs over predicted and truth figures (kind, value, unit and label)."""
    return PRF(tp=len(match_figures(pred=pred, gt=gt)), n_pred=len(pred), n_gt=len(gt))


def figure_value_scores(*, pred: Sequence[StatedFigure], gt: Sequence[StatedFigure]) -> PRF:
    """Pairs over predicted and truth figures on kind, value and unit alone (labels left out)."""
    return PRF(tp=len(match_figures(pred=pred, gt=gt, labels=False)), n_pred=len(pred), n_gt=len(gt))


def document_figures(doc: DisclosureDocument) -> list[StatedFigure]:
    """Every figure the document's narrative sections state, in order."""
    return [f for s in doc.sections for f in s.figures]


def _show(f: StatedFigure) -> str:
    page = f" p{f.provenance.page}" if f.provenance is not None and f.provenance.page else ""
    return f"{f.label or '∅'}: {f.kind} {f.value} {f.unit or ''}{page}".strip()


def figure_differences(*, pred: Sequence[StatedFigure], gt: Sequence[StatedFigure]) -> tuple[list[str], list[str]]:
    """(truth figures not found, predicted figures matching none), as short strings."""
    pairs = match_figures(pred=pred, gt=gt)
    mp, mg = {i for i, _ in pairs}, {j for _, j in pairs}
    return ([_show(f) for j, f in enumerate(gt) if j not in mg],
            [_show(f) for i, f in enumerate(pred) if i not in mp])

