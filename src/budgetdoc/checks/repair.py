"""Repair misread numbers with the arithmetic the documents obey.

When identities fail, the cells they involve are suspects. For each suspect, the other readings
its printed text allows (:mod:`budgetdoc.checks.readings`: the recogniser's own per-character
alternatives, the known digit confusions, a mended decimal point, a dropped digit), each with a
cost, are tried against every identity the cell takes part in. A reading *explains* failures when
it makes every identity of that cell hold, breaking none that held. The search then applies the
reading that explains the most failures, cheapest first, only when it is

* **unique**: no other reading of any cell explains as many of the same failures at a cost within
  :data:`MARGIN` (about 20× less likely) of it, and
* **strong**: it makes at least two identities hold (two independent sums agree on the value), or
  it makes one hold, costs at most :data:`SINGLE_RULE_MAX_COST`, and has evidence of its own: the
  recogniser itself offered the characters it changes, or the printed text is no amount as its
  column prints them ("3.8.6", "14.334" among integers). One identity alone is too weak: a failure
  caused by a lost row is "explained" by some cheap edit of some cell surprisingly often;

and only after running every identity again on the changed document shows fewer failures and no
new one. One change at a time, until nothing more can be explained. A cell that no failing
identity involves is never changed; every change is recorded (:class:`~budgetdoc.model.document.Repair`:
original, repaired, the rules it made hold, the edit and its evidence) and the cell's provenance
says ``source="repair"`` and keeps the OCR's raw text.

Identities are linear in their cells (the found cell against the sum of the others, with a unit
factor for 元 against 万元), so a candidate is scored from the recorded ``terms`` of each result
without re-running the checks; only the chosen change is verified by a full run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from budgetdoc.checks.identities import DEFAULT_TOLERANCE, check_document
from budgetdoc.checks.readings import Reading, candidate_readings, printed_places, well_formed
from budgetdoc.checks.values import CellKey, cell_key, locate, read_cell, write_cell
from budgetdoc.model.document import CellRef, CheckResult, DisclosureDocument, Provenance, Repair
from budgetdoc.parsing.amounts import format_amount, parse_amount

__all__ = ["MARGIN", "SINGLE_RULE_MAX_COST", "RepairReport", "repair_document"]

#: A rival reading this much costlier (natural log: e^3 ≈ 20× less likely) does not block a repair.
MARGIN = 3.0
#: A repair that only one identity supports must be this cheap: the recogniser's own second
#: choice, or a single well-known confusion.
SINGLE_RULE_MAX_COST = 4.0
#: Readings tried per suspect cell.
READINGS_PER_CELL = 256


@dataclass
class RepairReport:
    """What the repair search did: the changes, and the checks before and after."""

    repairs: list[Repair] = field(default_factory=list)
    failed_before: int = 0
    failed_after: int = 0
    results: list[CheckResult] = field(default_factory=list)
    ambiguous: list[CellRef] = field(default_factory=list)


@dataclass(frozen=True)
class _Option:
    fixed: frozenset[int]
    cost: float
    key: CellKey
    ref: CellRef
    reading: Reading
    malformed: bool = False  # the printed text is no amount as its column prints them


def _result_key(r: CheckResult) -> tuple:
    return (r.rule_id, tuple(cell_key(c) for c in r.cells))


class _Constraints:
    """The linear identities of one check run: residual = found - sum(parts), per result."""

    def __init__(self, doc: DisclosureDocument, results: Sequence[CheckResult], tolerance: Decimal) -> None:
        self.results = list(results)
        self.residual: dict[int, Decimal] = {}
        self.tol: dict[int, Decimal] = {}
        self.failed: set[int] = set()
        self.by_cell: dict[CellKey, list[tuple[int, Decimal]]] = defaultdict(list)
        values: dict[CellKey, Decimal | None] = {}
        for i, r in enumerate(self.results):
            if r.status == "skipped" or len(r.terms) != len(r.cells) or not r.terms:
                continue
            terms = [t if t is not None else Decimal(0) for t in r.terms]
            self.residual[i] = terms[0] - sum(terms[1:], Decimal(0))
            self.tol[i] = r.tolerance if r.tolerance is not None else tolerance
            if r.status == "failed":
                self.failed.add(i)
            for pos, (ref, term) in enumerate(zip(r.cells, r.terms)):
                key = cell_key(ref)
                if key not in values:
                    cell = read_cell(doc, ref)
                    values[key] = cell.value if cell is not None else None
                value = values[key]
                # the unit factor this identity applies to the cell (元 vs 万元); 1 when it cannot tell
                factor = term / value if (term is not None and value) else Decimal(1)
                self.by_cell[key].append((i, factor if pos == 0 else -factor))

    def effect(self, key: CellKey, delta: Decimal) -> tuple[frozenset[int], int, int]:
        """(failed identities that would hold, held ones that would fail, failed ones that stay failed)
        when the cell ``key`` changes by ``delta``."""
        fixed, broken, still = set(), 0, 0
        coef: dict[int, Decimal] = defaultdict(Decimal)
        for i, c in self.by_cell.get(key, ()):
            coef[i] += c
        for i, c in coef.items():
            ok = abs(self.residual[i] + c * delta) <= self.tol[i]
            if i in self.failed:
                if ok:
                    fixed.add(i)
                else:
                    still += 1
            elif not ok:
                broken += 1
        return frozenset(fixed), broken, still


def _places(doc: DisclosureDocument, ref: CellRef) -> int | None:
    if ref.table_id is None or ref.col is None:
        return None
    table = next((t for t in doc.tables if t.id == ref.table_id), None)
    if table is None:
        return None
    texts = [c.text for c in table.cells if c.col == ref.col and not c.column_header]
    return printed_places(texts)


def _separators(doc: DisclosureDocument, ref: CellRef) -> bool:
    """Whether the cell's column prints thousands separators (most of its amounts over 999 do)."""
    table = next((t for t in doc.tables if t.id == ref.table_id), None) if ref.table_id else None
    if table is None:
        return False
    big = [c.text for c in table.cells if c.col == ref.col and not c.column_header
           and (v := parse_amount(c.text)) is not None and abs(v) >= 1000]
    return bool(big) and sum("," in t for t in big) * 2 > len(big)


def _printed(doc: DisclosureDocument, ref: CellRef, reading: Reading) -> str:
    """The repaired text as its column prints amounts ("234851.00" -> "234,851.00" among separators)."""
    if not reading.text or reading.value is None:
        return reading.text
    if _separators(doc, ref):
        return format_amount(reading.value, thousands=True)
    return reading.text.replace(",", "") if "," in reading.text and ref.table_id else reading.text


def _options(doc: DisclosureDocument, model: _Constraints, banned: set[tuple[CellKey, str]]) -> list[_Option]:
    suspects: dict[CellKey, CellRef] = {}
    for i in sorted(model.failed):
        for ref in model.results[i].cells:
            suspects.setdefault(cell_key(ref), ref)
    out = []
    seen: set[tuple[CellKey, Decimal]] = set()
    for key, ref in suspects.items():
        cell = read_cell(doc, ref)
        if cell is None or cell.kind == "figure" or not cell.text:
            continue  # narrative figures are flagged, never rewritten; blanks have nothing to re-read
        chars = cell.provenance.chars if cell.provenance is not None else None
        current = cell.value if cell.value is not None else Decimal(0)
        places = _places(doc, ref)
        malformed = not well_formed(cell.text, places)
        for reading in candidate_readings(cell.text, chars, places=places, limit=READINGS_PER_CELL):
            if (key, reading.text) in banned:
                continue
            if (key, reading.value) in seen:
                continue  # "0" and a blank are one value: keep the cheaper reading
            fixed, broken, still = model.effect(key, reading.value - current)
            if fixed and not broken and not still:
                seen.add((key, reading.value))
                out.append(_Option(fixed, reading.cost, key, ref, reading, malformed))
    out.sort(key=lambda o: (-len(o.fixed), o.cost, o.key, o.reading.text))
    return out


def _choose(options: Sequence[_Option]) -> tuple[_Option | None, list[_Option]]:
    """The option to apply (or None) and the options that made the first candidate ambiguous."""
    if not options:
        return None, []
    best = options[0]
    # A rival explains the same failures about as cheaply: another cell, or another reading of the
    # same cell (one that differs by no more than the 尾差 the identities admit satisfies them too;
    # then only the cost of the edit tells the two apart).
    rivals = [o for o in options[1:] if o.fixed & best.fixed and len(o.fixed) >= len(best.fixed)
              and (o.key, o.reading.text) != (best.key, best.reading.text) and o.cost <= best.cost + MARGIN]
    if rivals:
        return None, [best, *rivals]
    if len(best.fixed) >= 2:
        return best, []
    if best.cost <= SINGLE_RULE_MAX_COST and (best.reading.from_ocr or best.malformed):
        return best, []
    return None, [best]


def _confidence(option: _Option) -> float:
    """How sure a repair is: more identities agreeing and a cheaper edit make it surer."""
    support = len(option.fixed)
    base = {1: 0.7, 2: 0.85}.get(support, 0.93)
    return round(max(0.5, base - 0.02 * max(0.0, option.cost - 1.0)), 3)


def repair_document(doc: DisclosureDocument, tolerance: Decimal = DEFAULT_TOLERANCE, *,
                    max_repairs: int = 200) -> RepairReport:
    """Repair ``doc`` in place where its failing identities single out one reading; see the module.

    Returns the repairs (also appended to ``doc.repairs``) and the check results after them (also
    stored in ``doc.checks``).
    """
    results = check_document(doc, tolerance)
    report = RepairReport(failed_before=sum(r.status == "failed" for r in results))
    banned: set[tuple[CellKey, str]] = set()
    ambiguous: dict[CellKey, CellRef] = {}
    while len(report.repairs) < max_repairs and any(r.status == "failed" for r in results):
        model = _Constraints(doc, results, tolerance)
        options = _options(doc, model, banned)
        choice = None
        while options:
            choice, blocked = _choose(options)
            if choice is not None:
                break
            for o in blocked[:1]:  # the best was blocked: remember why, try the rest
                ambiguous.setdefault(o.key, o.ref)
            blocked_keys = {(o.key, o.reading.text) for o in blocked}
            overlapping = blocked[0].fixed
            options = [o for o in options if (o.key, o.reading.text) not in blocked_keys
                       and not (o.fixed & overlapping)]
        if choice is None:
            break
        cell = read_cell(doc, choice.ref)
        assert cell is not None
        before = {_result_key(r) for r in results if r.status == "failed"}
        held = {_result_key(r) for r in results if r.status == "passed"}
        old_text, old_prov = cell.text, cell.provenance
        prov = (old_prov or Provenance()).model_copy(update={
            "source": "repair", "raw_text": (old_prov.raw_text if old_prov and old_prov.raw_text else old_text),
            "check_status": "repaired", "verified_confidence": _confidence(choice), "chars": None})
        repaired_text = _printed(doc, choice.ref, choice.reading)
        write_cell(doc, choice.ref, repaired_text, prov)
        new_results = check_document(doc, tolerance)
        after = {_result_key(r) for r in new_results if r.status == "failed"}
        if len(after) >= len(before) or (after - before) or not held <= {_result_key(r) for r in new_results
                                                                           if r.status != "failed"}:
            write_cell(doc, choice.ref, old_text, old_prov)  # the full run disagrees: undo, never retry
            banned.add((choice.key, choice.reading.text))
            continue
        rule_ids = list(dict.fromkeys(model.results[i].rule_id for i in sorted(choice.fixed)))
        fixed_desc = "; ".join(model.results[i].description or model.results[i].rule_id
                               for i in sorted(choice.fixed))
        report.repairs.append(Repair(
            cell=locate(doc, choice.ref), original=old_text, repaired=repaired_text, rule_id=rule_ids[0],
            rule_ids=rule_ids, confidence=_confidence(choice),
            evidence=f"{choice.reading.edit} (cost {choice.reading.cost:.2f}); makes {len(choice.fixed)} "
                     f"failing identit{'y' if len(choice.fixed) == 1 else 'ies'} hold: {fixed_desc}"))
        ambiguous.pop(choice.key, None)
        results = new_results
    doc.repairs.extend(report.repairs)
    doc.checks = results
    report.results = results
    report.failed_after = sum(r.status == "failed" for r in results)
    report.ambiguous = list(ambiguous.values())
    return report
