"""Other readings of an OCR'd number: what the printed amount might have been, with a cost.

The repair search asks, for a cell that a failing identity involves, which nearby readings the
evidence allows. Two sources, the cheaper one wins for each edit:

* the recogniser's own per-character candidates (:class:`~budgetdoc.model.document.CharReading`):
  swapping a character for its alternative costs ``ln(p(read) / p(alternative))``, so a "3" the
  model gave 0.3 beside an "8" at 0.6 costs 0.69;
* the confusions digit recognisers are known for (1/7, 3/8, 0/6/8/9, 5/6), a lost or extra decimal
  point or thousands separator, a dropped or doubled digit, a speck in a blank cell read as a
  short number, each at a fixed prior cost.

Costs are negative log-likelihood ratios against the printed reading (0 = the reading itself), so
the costs of independent edits add up. Pure functions: text in, candidates out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from budgetdoc.model.document import CharReading
from budgetdoc.parsing.amounts import format_amount, parse_amount

__all__ = ["CONFUSIONS", "Reading", "candidate_readings"]

#: Digit pairs recognisers confuse on scans (both ways), and the prior cost of one such swap
#: (about a 1-in-50 chance where the model offers no probability of its own).
CONFUSION_GROUPS: tuple[str, ...] = ("17", "38", "0689", "56")
CONFUSIONS: dict[str, str] = {d: "".join(sorted({c for g in CONFUSION_GROUPS if d in g for c in g} - {d}))
                              for d in "0123456789"}
CONFUSION_COST = 4.0
#: Any other digit for a digit: possible, but far less likely.
SUBSTITUTION_COST = 7.0
#: A decimal point lost, added or moved; a thousands separator read as a point or the reverse.
POINT_COST = 4.0
#: A digit dropped or read twice.
DIGIT_COST = 6.0
#: A speck or a rule remnant in a blank cell read as a short number ("1", "7", "11").
SPECK_COST = 4.0
SPECK_MAX_DIGITS = 2
#: The recogniser's alternatives are floored here: a 1e-6 candidate is no better than a prior.
MIN_OCR_COST = 0.05

_DIGITS = "0123456789"
_LEADING_ZERO = re.compile(r"^[-+]?0[\d,]")


@dataclass(frozen=True, order=True)
class Reading:
    """A candidate reading of a printed number: its cost (0 = as read), value, text and the edit;
    ``from_ocr`` when every character it changes is one the recogniser itself offered there."""

    cost: float
    value: Decimal
    text: str
    edit: str
    from_ocr: bool = False


def _ocr_costs(text: str, chars: Sequence[CharReading] | None) -> list[dict[str, float]]:
    """Per position of ``text``: the cost of each alternative the recogniser offered there."""
    out: list[dict[str, float]] = [{} for _ in text]
    if not chars or len(chars) != len(text) or any(c.char != t for c, t in zip(chars, text)):
        return out  # readings not aligned with the text (cleaned or typed over): priors only
    for i, c in enumerate(chars):
        best = c.score if c.score is not None else None
        for alt in c.alternatives:
            if best is None or alt.score <= 0:
                continue
            out[i][alt.char] = max(MIN_OCR_COST, math.log(max(best, alt.score) / alt.score))
    return out


def _substitutions(text: str, ocr: list[dict[str, float]]) -> list[tuple[int, str, float, bool]]:
    """(position, new character, cost, offered by the recogniser) for every single-character swap."""
    subs: list[tuple[int, str, float, bool]] = []
    for i, ch in enumerate(text):
        if ch not in _DIGITS:
            continue
        for d in _DIGITS:
            if d == ch:
                continue
            prior = CONFUSION_COST if d in CONFUSIONS.get(ch, "") else SUBSTITUTION_COST
            offered = ocr[i].get(d, math.inf)
            subs.append((i, d, min(prior, offered), offered <= prior))
    return subs


def _point_edits(text: str, places: int | None) -> list[tuple[str, str]]:
    """Readings with the decimal point or thousands separator mended: (text, edit)."""
    out: list[tuple[str, str]] = []
    digits = text.replace(",", "").replace(".", "")
    sign = ""
    if digits.startswith("-"):
        sign, digits = "-", digits[1:]
    if not digits.isdigit():
        return out
    want = [places] if places is not None else [2]
    for p in want:
        if 0 < p < len(digits):
            out.append((sign + digits[:-p] + "." + digits[-p:], f"decimal point before the last {p} digits"))
    if "." in text:
        out.append((sign + digits, "decimal point dropped"))
    if "," in text:
        out.append((text.replace(",", "."), "separator read as a decimal point"))
    if text.count(".") == 1 and len(text.split(".")[1]) == 3:
        out.append((text.replace(".", ","), "a decimal point that is a thousands separator"))
    return out


def candidate_readings(text: str, chars: Sequence[CharReading] | None = None, *, places: int | None = 2,
                       max_cost: float = 12.0, limit: int = 64) -> list[Reading]:
    """Readings of the printed number ``text`` other than itself, cheapest first.

    ``chars`` are the recogniser's per-character readings of ``text`` (ignored unless they spell it
    exactly); ``places`` is how many decimals the column prints (2 for most tables; None when not
    known). One or two character swaps, a mended decimal point or separator, and one dropped or
    doubled digit are tried; readings that do not parse as an amount, equal the printed value, or
    cost more than ``max_cost`` are left out. The result is deterministic (ties broken by text).
    """
    text = (text or "").strip()
    base = parse_amount(text)
    ocr = _ocr_costs(text, chars)
    found: dict[str, tuple[float, str, bool]] = {}

    def add(t: str, cost: float, edit: str, from_ocr: bool = False) -> None:
        if cost > max_cost or t == text:
            return
        if t not in found or cost < found[t][0]:
            found[t] = (cost, edit, from_ocr)

    subs = _substitutions(text, ocr)
    for i, d, c, o in subs:
        add(text[:i] + d + text[i + 1:], c, f"{text[i]}→{d} at {i + 1}", o)
    cheap = sorted((s for s in subs if s[2] <= CONFUSION_COST), key=lambda s: (s[2], s[0], s[1]))[:16]
    for a in range(len(cheap)):
        for b in range(a + 1, len(cheap)):
            (i, d, c1, o1), (j, e, c2, o2) = cheap[a], cheap[b]
            if i == j:
                continue
            t = list(text)
            t[i], t[j] = d, e
            add("".join(t), c1 + c2, f"{text[i]}→{d} at {i + 1}, {text[j]}→{e} at {j + 1}", o1 and o2)
    for t, edit in _point_edits(text, places):
        add(t, POINT_COST, edit)
    for i, ch in enumerate(text):
        if ch in _DIGITS:
            add(text[:i] + text[i + 1:], DIGIT_COST, f"extra {ch} at {i + 1}")
    for i in range(len(text) + 1):
        for d in _DIGITS:
            add(text[:i] + d + text[i:], DIGIT_COST, f"dropped {d} at {i + 1}")
    out: list[Reading] = []
    digits = sum(ch in _DIGITS for ch in text)
    if 0 < digits <= SPECK_MAX_DIGITS and base is not None and base != 0:
        out.append(Reading(SPECK_COST, Decimal(0), "", "a speck read as a number: the cell is blank"))
    for t, (cost, edit, from_ocr) in found.items():
        v = parse_amount(t)
        if v is None or (base is not None and v == base) or _LEADING_ZERO.match(t):
            continue  # amounts are never printed "07.31" or "0,000.00"
        if places is not None and (len(t.split(".")[-1]) if "." in t else 0) != places:
            continue  # the column prints `places` decimals: "137.3" or "13731" is no reading of it
        out.append(Reading(round(cost, 4), v, t, edit, from_ocr))
    out.sort(key=lambda r: (r.cost, r.text))
    return out[:limit]


def printed_places(texts: Sequence[str]) -> int | None:
    """How many decimals a column's amounts print, when they agree (most tables: 2)."""
    counts: dict[int, int] = {}
    for t in texts:
        v = parse_amount(t)
        if v is None:
            continue
        p = len(t.strip().split(".")[-1]) if "." in t else 0
        counts[p] = counts.get(p, 0) + 1
    if not counts:
        return None
    best = max(counts.items(), key=lambda kv: kv[1])
    return best[0] if best[1] >= 0.8 * sum(counts.values()) else None


def reformat(value: Decimal, like: str) -> str:
    """``value`` printed the way ``like`` was (thousands separators or not)."""
    return format_amount(value, thousands="," in like)


def well_formed(text: str, places: int | None) -> bool:
    """Whether ``text`` reads as an amount printed the way its column prints them (``places``
    decimals, valid thousands groups, no leading zero). A malformed reading is itself evidence
    that the OCR went wrong."""
    t = (text or "").strip()
    if parse_amount(t) is None or _LEADING_ZERO.match(t):
        return False
    decimals = len(t.split(".")[-1]) if "." in t else 0
    return decimals <= 2 and (places is None or decimals == places)  # money never prints 3 decimals
