"""A confidence per value from the reader's score and the checks, and the list of cells to review.

Every amount the identities could cover gets a ``check_status`` in its provenance:

* ``confirmed``: it takes part in at least one identity and every one of them holds. Two or more
  independent sums agreeing on a number is far stronger evidence than any OCR score, so the
  value's doubt (1 − OCR confidence) shrinks tenfold;
* ``contradicted``: an identity it takes part in fails. Which cell of the identity is wrong is not
  known, so the doubt is doubled (confidence × 0.5 at worst for a cell read at 1.0: still the
  cells read least surely come first in the review list);
* ``repaired``: changed by :mod:`budgetdoc.checks.repair`; the repair's own confidence;
* ``unchecked``: no identity covers it; the reader's score stands.

The review list (:class:`~budgetdoc.model.document.ReviewItem`) puts contradicted cells first,
then repaired ones, then unchecked cells read with low confidence, each group least sure first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from budgetdoc.checks.values import CellKey, amount_col, cell_key, locate, read_cell, write_cell
from budgetdoc.model.document import CellRef, CheckResult, DisclosureDocument, Provenance, ReviewItem

__all__ = ["LOW_CONFIDENCE", "amount_refs", "assign_confidence", "review_list"]

#: Unchecked values read below this go on the review list.
LOW_CONFIDENCE = 0.9
#: The review list is cut here (a person will not read more; the statuses stay on every cell).
REVIEW_LIMIT = 300
_GROUP = {"contradicted": 0, "repaired": 1, "low_confidence": 2}


def amount_refs(doc: DisclosureDocument) -> Iterator[CellRef]:
    """Every amount the document holds: typed table amounts, then card fund lines."""
    for table in doc.tables:
        seen: set[tuple[int, int]] = set()
        for row in table.rows:
            for column in row.amounts:
                col = amount_col(table, row, column)
                if col is not None and (row.grid_row, col) not in seen:
                    seen.add((row.grid_row, col))
                    yield CellRef(table_id=table.id, row=row.grid_row, col=col)
    for card in doc.cards:
        for i, line in enumerate(card.funds):
            for attr in ("period_amount", "annual_amount"):
                if getattr(line, attr) is not None:
                    yield CellRef(card_id=card.id, field=f"funds[{i}].{attr}")


def _statuses(results: Iterable[CheckResult]) -> tuple[dict[CellKey, str], dict[CellKey, list[str]]]:
    status: dict[CellKey, str] = {}
    failing: dict[CellKey, list[str]] = defaultdict(list)
    for r in results:
        if r.status == "skipped":
            continue
        for ref in r.cells:
            key = cell_key(ref)
            if r.status == "failed":
                status[key] = "contradicted"
                if r.rule_id not in failing[key]:
                    failing[key].append(r.rule_id)
            else:
                status.setdefault(key, "confirmed")
    return status, failing


def combined_confidence(reader: float | None, status: str, repair: float | None = None) -> float:
    """The value's confidence from the reader's score (None: 1.0) and its check status."""
    p = 1.0 if reader is None else reader
    if status == "confirmed":
        return round(1.0 - (1.0 - p) / 10, 4)
    if status == "contradicted":
        return round(p * 0.5, 4)
    if status == "repaired":
        return repair if repair is not None else 0.5
    return round(p, 4)


_WORST = {"contradicted": 0, "repaired": 1, "unchecked": 2, "confirmed": 3}


def assign_confidence(doc: DisclosureDocument, results: Iterable[CheckResult] | None = None) -> None:
    """Fill ``check_status`` and ``verified_confidence`` on every amount's provenance (in place).

    A card's fund line keeps one provenance for its 实施期 and 年度 amounts: it gets the worse of
    the two statuses."""
    status, _ = _statuses(doc.checks if results is None else results)
    repaired = {cell_key(r.cell): r.confidence for r in doc.repairs}
    chosen: dict[tuple, tuple[CellRef, str, str, float]] = {}
    for ref in amount_refs(doc):
        cell = read_cell(doc, ref)
        if cell is None or cell.kind == "figure" or (cell.value is None and not cell.text):
            continue
        key = cell_key(ref)
        prov = cell.provenance or Provenance()
        st = status.get(key, "unchecked")
        if key in repaired and st != "contradicted":
            st = "repaired"
        conf = combined_confidence(prov.confidence, st, repaired.get(key))
        holder = key if ref.card_id is None else ("card", ref.card_id, (ref.field or "").split(".")[0])
        if holder not in chosen or _WORST[st] < _WORST[chosen[holder][2]]:
            chosen[holder] = (ref, cell.text, st, conf)
    for ref, text, st, conf in chosen.values():
        prov = read_cell(doc, ref).provenance or Provenance()
        write_cell(doc, ref, text, prov.model_copy(update={"check_status": st, "verified_confidence": conf}))


def review_list(doc: DisclosureDocument, *, limit: int = REVIEW_LIMIT) -> list[ReviewItem]:
    """The cells a person should look at first (see the module docstring)."""
    _, failing = _statuses(doc.checks)
    repaired = {cell_key(r.cell): r for r in doc.repairs}
    items: list[ReviewItem] = []
    for ref in amount_refs(doc):
        cell = read_cell(doc, ref)
        if cell is None or cell.provenance is None:
            continue
        prov, key = cell.provenance, cell_key(ref)
        reason = None
        if prov.check_status == "contradicted":
            reason = "contradicted"
        elif prov.check_status == "repaired":
            reason = "repaired"
        elif prov.check_status == "unchecked" and prov.verified_confidence is not None \
                and prov.verified_confidence < LOW_CONFIDENCE:
            reason = "low_confidence"
        if reason is None:
            continue
        rules = failing.get(key, []) or (repaired[key].rule_ids if key in repaired else [])
        items.append(ReviewItem(cell=locate(doc, ref), text=cell.text, reason=reason,  # type: ignore[arg-type]
                                confidence=prov.verified_confidence, rule_ids=list(rules)))
    items.sort(key=lambda it: (_GROUP[it.reason], it.confidence if it.confidence is not None else 0.0))
    return items[:limit]
