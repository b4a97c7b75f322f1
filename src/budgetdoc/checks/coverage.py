"""How well the identities catch a misread number: change one digit of one amount, run the checks.

Pure functions over a :class:`~budgetdoc.model.document.DisclosureDocument`:

* :func:`amount_cells` lists every amount value the document holds: the typed table amounts (with
  the :class:`~budgetdoc.model.document.CellRef` the identities use: table id, grid row, grid column),
  the card fund lines (``funds[i].period_amount`` / ``funds[i].annual_amount``) and the narrative's
  figures (``sections[i].figures[j]``; amounts, shares and changes, not counts);
* :func:`digit_changes` gives every text with one digit changed; :func:`with_change` a copy of the
  document with that change (typed amount and grid text), :func:`changed` the same in place, undone
  on exit;
* :func:`covering` says which identities (results that were not skipped) name each cell, and
  :func:`thresholds` how large a change each must see: an identity admits its tolerance (尾差), so a
  change at or below it is undetectable by design (the cents digit ± 1 under a tolerance of 0.02);
* :func:`flagging` runs the checks on a changed document and returns the failed results that name
  the changed cell; :func:`measure_document` does it for every amount cell (a change larger than
  the cell's threshold at the run's tolerance, and the smallest change at tolerance 0) and
  :func:`summarize_outcomes` turns the outcomes into coverage and catch rates per table type and per
  rule family.

Only the rules that can read the changed cell are run again (a table's own rules and the document
rules for a table cell, the card rules for a card line, the narrative rule for a figure): the other
rules' results cannot change, so the answer is the one a full :func:`check_document` gives.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from budgetdoc.checks.identities import DEFAULT_TOLERANCE, run_cache
from budgetdoc.checks.rules import FAMILIES, RULES_BY_ID, run_rules
from budgetdoc.checks.values import CellKey, amount_col, cell_key
from budgetdoc.model.document import CellRef, CheckResult, DisclosureDocument, Table
from budgetdoc.model.vocab import Unit
from budgetdoc.parsing.amounts import format_amount, parse_amount

__all__ = [
    "FIGURE_KINDS",
    "AmountCell",
    "CellOutcome",
    "amount_cells",
    "changed",
    "covering",
    "digit_changes",
    "flagging",
    "measure_document",
    "summarize_outcomes",
    "thresholds",
    "uncovered_reason",
    "untyped_amount_cells",
    "with_change",
]

#: Narrative figures that are amounts (counts of units, vehicles, square metres are not).
FIGURE_KINDS = ("amount", "share", "change_amount", "change_percent")
_FUND_RE = re.compile(r"^funds\[(\d+)\]\.(period_amount|annual_amount)$")
_FIGURE_RE = re.compile(r"^sections\[(\d+)\]\.figures\[(\d+)\]$")


@dataclass(frozen=True)
class AmountCell:
    """One amount of a document: where it is, what it is, its value and its printed text."""

    ref: CellRef
    kind: str  # "table" | "card" | "figure"
    group: str  # the table type, "card:project" / "card:department", or "narrative"
    what: str  # the canonical column, the fund line field, or the figure's kind and label
    value: Decimal
    text: str

    @property
    def key(self) -> CellKey:
        return cell_key(self.ref)

    def __str__(self) -> str:
        r = self.ref
        if self.kind == "table":
            return f"{r.table_id} r{r.row} c{r.col} ({self.what}) {self.text}"
        return f"{r.card_id or ''}{'.' if r.card_id else ''}{r.field} ({self.what}) {self.text}"


def _table_text(table: Table, row: int, col: int, value: Decimal) -> str:
    cell = table.cell_at(row, col)
    if cell is not None and parse_amount(cell.text) == value:
        return cell.text
    return format_amount(value)


def amount_cells(doc: DisclosureDocument) -> list[AmountCell]:
    """Every amount value of ``doc`` (blank amounts have no digit to change and are left out)."""
    out: list[AmountCell] = []
    for table in doc.tables:
        seen: set[tuple[int, int]] = set()
        for row in table.rows:
            for column, value in row.amounts.items():
                col = amount_col(table, row, column)
                if value is None or col is None or (row.grid_row, col) in seen:
                    continue
                seen.add((row.grid_row, col))
                out.append(AmountCell(CellRef(table_id=table.id, row=row.grid_row, col=col), "table",
                                      table.table_type.value, column.value, value,
                                      _table_text(table, row.grid_row, col, value)))
    for card in doc.cards:
        for i, line in enumerate(card.funds):
            for attr in ("period_amount", "annual_amount"):
                value = getattr(line, attr)
                if value is not None:
                    out.append(AmountCell(CellRef(card_id=card.id, field=f"funds[{i}].{attr}"), "card",
                                          f"card:{card.card_type.value}", f"{line.canonical}.{attr}", value,
                                          format_amount(value)))
    for i, section in enumerate(doc.sections):
        for j, fig in enumerate(section.figures):
            if fig.kind in FIGURE_KINDS:
                out.append(AmountCell(CellRef(field=f"sections[{i}].figures[{j}]"), "figure", "narrative",
                                      f"{fig.kind}:{fig.label or ''}", fig.value, str(fig.value)))
    return out


# --------------------------------------------------------------------------------------------------
# changing one digit


def digit_changes(text: str) -> list[str]:
    """Every text with exactly one digit of ``text`` replaced by another (no new leading zero)."""
    out = []
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    for i in digits:
        leading = i == digits[0] and len(digits) > 1 and text[i + 1:i + 2].isdigit()
        for d in "0123456789":
            if d != text[i] and not (leading and d == "0"):
                out.append(text[:i] + d + text[i + 1:])
    return out


_PLAIN = re.compile(r"-?[\d,]+(?:\.\d+)?")


def _value_of(cell: AmountCell, text: str) -> Decimal:
    if cell.kind == "figure":
        return Decimal(text)
    value = Decimal(text.replace(",", "")) if _PLAIN.fullmatch(text) else parse_amount(text)
    if value is None:
        raise ValueError(f"{text!r} is not an amount")
    return value


def _slots(doc: DisclosureDocument, cell: AmountCell) -> tuple[Table, list[tuple[Any, Any]]]:
    table = next(t for t in doc.tables if t.id == cell.ref.table_id)
    slots = [(row, column) for row in table.rows if row.grid_row == cell.ref.row
             for column in row.amounts if amount_col(table, row, column) == cell.ref.col]
    return table, slots


def untyped_amount_cells(doc: DisclosureDocument) -> list[CellRef]:
    """Printed numbers in amount columns that no typed row holds (a column without a canonical name
    and no line keyed to it, e.g. Jiangsu's 三公 table's 合计 | 会议费 | 培训费): the identities cannot
    read them, so they are counted apart."""
    typed = {c.key for c in amount_cells(doc) if c.kind == "table"}
    out = []
    for table in doc.tables:
        amount_cols = {c.index for c in table.columns if c.role == "amount"}
        for cell in table.cells:
            if cell.column_header or cell.row < table.header_rows or cell.col not in amount_cols:
                continue
            ref = CellRef(table_id=table.id, row=cell.row, col=cell.col)
            if parse_amount(cell.text) is not None and cell_key(ref) not in typed:
                out.append(ref)
    return out


def _apply(doc: DisclosureDocument, cell: AmountCell, value: Decimal, text: str) -> Callable[[], None]:
    """Print ``cell`` as ``text`` (``value``) in ``doc``; returns the function that undoes it."""
    if cell.kind == "table":
        table, slots = _slots(doc, cell)
        grid = table.cell_at(cell.ref.row, cell.ref.col)
        old = [(row, column, row.amounts[column]) for row, column in slots]
        old_text = grid.text if grid is not None else None
        for row, column, _ in old:
            row.amounts[column] = value
        if grid is not None:
            grid.text = text

        def undo() -> None:
            for row, column, v in old:
                row.amounts[column] = v
            if grid is not None:
                grid.text = old_text
        return undo
    if cell.kind == "card":
        m = _FUND_RE.match(cell.ref.field or "")
        card = next(c for c in doc.cards if c.id == cell.ref.card_id)
        holder, attr = card.funds[int(m.group(1))], m.group(2)
    else:
        m = _FIGURE_RE.match(cell.ref.field or "")
        holder, attr = doc.sections[int(m.group(1))].figures[int(m.group(2))], "value"
    before = getattr(holder, attr)
    setattr(holder, attr, value)
    return lambda: setattr(holder, attr, before)


@contextmanager
def changed(doc: DisclosureDocument, cell: AmountCell, text: str) -> Iterator[Decimal]:
    """``doc`` with ``cell`` printed as ``text`` (typed value and grid text), in place; undone on exit.
    Yields the new value."""
    value = _value_of(cell, text)
    undo = _apply(doc, cell, value, text)
    try:
        yield value
    finally:
        undo()


def with_change(doc: DisclosureDocument, cell: AmountCell, text: str) -> DisclosureDocument:
    """A copy of ``doc`` with ``cell`` printed as ``text`` (typed amount and, for tables, the grid text)."""
    copy = doc.model_copy(deep=True)
    _apply(copy, cell, _value_of(cell, text), text)
    return copy


# --------------------------------------------------------------------------------------------------
# which identities cover a cell, and how large a change they see


def covering(results: Iterable[CheckResult]) -> dict[CellKey, set[str]]:
    """Cell -> the rule ids of the results (passed or failed) that name it."""
    out: dict[CellKey, set[str]] = defaultdict(set)
    for r in results:
        if r.status != "skipped":
            for ref in r.cells:
                out[cell_key(ref)].add(r.rule_id)
    return out


def _unit_factor(doc: DisclosureDocument, r: CheckResult, ref: CellRef) -> Decimal:
    """The factor an identity applies to a cell whose value is 0 (the ratio of the term to the value
    cannot tell): 元 against 万元 in the card and narrative rules, 1 elsewhere."""
    from budgetdoc.checks import identities as ids

    if ref.table_id is not None:
        table = next((t for t in doc.tables if t.id == ref.table_id), None)
        unit = (table.unit if table is not None else None) or Unit.ten_thousand_yuan
        if r.rule_id in (ids.CARD_PROJECT_VS_TABLE, ids.CARD_DEPT_VS_TABLES):
            return unit.in_yuan
        if r.rule_id == ids.NARRATIVE_FIGURES:
            return unit.in_yuan / Unit.ten_thousand_yuan.in_yuan
    elif ref.card_id is not None and r.rule_id in (ids.CARD_PROJECT_VS_TABLE, ids.CARD_DEPT_VS_TABLES):
        card = next((c for c in doc.cards if c.id == ref.card_id), None)
        return ((card.funds_unit if card is not None else None) or Unit.yuan).in_yuan
    return Decimal(1)


def thresholds(doc: DisclosureDocument, results: Sequence[CheckResult],
               values: dict[CellKey, Decimal | None]) -> dict[CellKey, dict[str, Decimal]]:
    """Cell -> rule family -> the change (in the cell's own unit) above which an identity of that
    family is sure to fail: (tolerance + |residual|) / |the cell's coefficient|, the smallest over the
    family's results. A share (not a sum of its cells) gives one for its stated figure only."""
    out: dict[CellKey, dict[str, Decimal]] = defaultdict(dict)
    for r in results:
        if r.status == "skipped" or r.rule_id not in RULES_BY_ID:
            continue
        family = RULES_BY_ID[r.rule_id].family
        tol = r.tolerance if r.tolerance is not None else DEFAULT_TOLERANCE
        coef: dict[CellKey, Decimal] = defaultdict(Decimal)
        if len(r.terms) == len(r.cells) and r.terms:
            terms = [t if t is not None else Decimal(0) for t in r.terms]
            residual = terms[0] - sum(terms[1:], Decimal(0))
            for pos, (ref, term) in enumerate(zip(r.cells, r.terms)):
                key = cell_key(ref)
                value = values.get(key)
                factor = term / value if (term is not None and value) else _unit_factor(doc, r, ref)
                coef[key] += factor if pos == 0 else -factor
        elif r.cells and r.expected is not None and r.found is not None:
            residual = r.found - r.expected
            coef[cell_key(r.cells[0])] = Decimal(1)
        else:
            continue
        for key, c in coef.items():
            if c == 0 or key not in values:
                continue
            t = (tol + abs(residual)) / abs(c)
            if family not in out[key] or t < out[key][family]:
                out[key][family] = t
    return out


def flagging(doc: DisclosureDocument, cell: AmountCell, tolerance: Decimal = DEFAULT_TOLERANCE, *,
             rules: Iterable[str] | None = None) -> list[CheckResult]:
    """The failed results that name ``cell`` when the checks run on ``doc`` (already changed).

    Only the rules that can read the cell run: the cell's own table's rules and the document rules
    for a table cell, the card rules for a fund line, the narrative rule for a figure (``rules``
    narrows them further, e.g. to the rules that named the cell before the change)."""
    if cell.kind == "table":
        tables, families = {cell.ref.table_id}, FAMILIES
    elif cell.kind == "card":
        tables, families = set(), ("table_card",)
    else:
        tables, families = set(), ("narrative",)
    results = run_rules(doc, tolerance, tables=tables, families=families, rules=rules)
    return [r for r in results if r.status == "failed" and any(cell_key(c) == cell.key for c in r.cells)]


# --------------------------------------------------------------------------------------------------
# measuring


@dataclass
class CellOutcome:
    """What happened to one amount cell: covered by which rules, the change tried, who caught it
    (at the run's tolerance, and at tolerance 0)."""

    cell: AmountCell
    rules: tuple[str, ...] = ()
    family_thresholds: dict[str, Decimal] = field(default_factory=dict)
    change: str | None = None
    delta: Decimal | None = None
    caught_by: tuple[str, ...] = ()
    family_thresholds_at_zero: dict[str, Decimal] = field(default_factory=dict)
    change_at_zero: str | None = None
    delta_at_zero: Decimal | None = None
    caught_by_at_zero: tuple[str, ...] | None = None

    @property
    def covered(self) -> bool:
        return bool(self.rules)

    @property
    def families(self) -> tuple[str, ...]:
        return tuple(f for f in FAMILIES if any(RULES_BY_ID[r].family == f for r in self.rules if r in RULES_BY_ID))

    @property
    def threshold(self) -> Decimal | None:
        """The change above which some identity naming the cell is sure to fail."""
        return min(self.family_thresholds.values()) if self.family_thresholds else None

    @property
    def detectable(self) -> bool:
        """A single-digit change larger than the identities' tolerance exists (and was tried)."""
        return self.change is not None

    @property
    def caught(self) -> bool:
        return bool(self.caught_by)

    def caught_by_family(self, family: str, at_zero: bool = False) -> bool:
        found = self.caught_by_at_zero or () if at_zero else self.caught_by
        return any(RULES_BY_ID[r].family == family for r in found if r in RULES_BY_ID)

    def family_detectable(self, family: str, at_zero: bool = False) -> bool:
        t = (self.family_thresholds_at_zero if at_zero else self.family_thresholds).get(family)
        delta = self.delta_at_zero if at_zero else self.delta
        return delta is not None and t is not None and abs(delta) > t


def _changes_above(cell: AmountCell, threshold: Decimal) -> list[tuple[Decimal, str]]:
    """(|change|, text) of every single-digit change of ``cell`` larger than ``threshold``."""
    out = []
    for text in digit_changes(cell.text):
        size = abs(_value_of(cell, text) - cell.value)
        if size > threshold:
            out.append((size, text))
    return out


def measure_document(doc: DisclosureDocument, tolerance: Decimal = DEFAULT_TOLERANCE, *, seed: int = 0,
                     zero_tolerance: bool = True, cells: Sequence[AmountCell] | None = None) -> list[CellOutcome]:
    """Change one digit of every covered amount cell (one at a time) and record who catches it.

    At ``tolerance``: a random single-digit change larger than the cell's threshold (the smallest
    over the identities that name it); none when every single-digit change is within the tolerance.
    At tolerance 0 (``zero_tolerance``): the smallest single-digit change larger than the threshold
    then (0 for an exactly consistent document, except for a narrative figure's own rounding). Only
    the rules that named the cell before the change are run again. The document is changed in place
    and restored.
    """
    with run_cache():  # only amounts change between the runs: the structure lookups stay valid
        return _measure(doc, tolerance, random.Random(seed), zero_tolerance,
                        list(cells) if cells is not None else amount_cells(doc))


def _measure(doc: DisclosureDocument, tolerance: Decimal, rng: random.Random, zero_tolerance: bool,
             cells: list[AmountCell]) -> list[CellOutcome]:
    values = {c.key: c.value for c in cells}
    clean = run_rules(doc, tolerance)
    cover, limits = covering(clean), thresholds(doc, clean, values)
    cover0: dict[CellKey, set[str]] = {}
    limits0: dict[CellKey, dict[str, Decimal]] = {}
    if zero_tolerance:
        clean0 = run_rules(doc, Decimal(0))
        cover0, limits0 = covering(clean0), thresholds(doc, clean0, values)
    out = []
    for cell in cells:
        rules = tuple(sorted(cover.get(cell.key, ())))
        outcome = CellOutcome(cell, rules, dict(limits.get(cell.key, {})),
                              family_thresholds_at_zero=dict(limits0.get(cell.key, {})))
        out.append(outcome)
        if rules and outcome.threshold is not None:
            bigger = _changes_above(cell, outcome.threshold)
            if bigger:
                outcome.change = rng.choice(bigger)[1]
                with changed(doc, cell, outcome.change) as value:
                    outcome.delta = value - cell.value
                    found = flagging(doc, cell, tolerance, rules=rules)
                outcome.caught_by = tuple(sorted({r.rule_id for r in found}))
        if cover0.get(cell.key) and outcome.family_thresholds_at_zero:
            bigger = _changes_above(cell, min(outcome.family_thresholds_at_zero.values()))
            if bigger:
                outcome.change_at_zero = min(bigger)[1]
                with changed(doc, cell, outcome.change_at_zero) as value:
                    outcome.delta_at_zero = value - cell.value
                    found = flagging(doc, cell, Decimal(0), rules=cover0[cell.key])
                outcome.caught_by_at_zero = tuple(sorted({r.rule_id for r in found}))
    return out


def uncovered_reason(doc: DisclosureDocument, cell: AmountCell, results: Iterable[CheckResult]) -> str:
    """Why no identity names ``cell``: the skip message of the rule that would have (a narrative
    figure's label no table states, an empty table …), else what kind of value it is."""
    results = list(results)
    if cell.kind == "figure":
        msg = next((r.message for r in results if r.status == "skipped" and r.cells
                    and cell_key(r.cells[0]) == cell.key), None)
        if cell.what.startswith("change_"):
            return "a change on the previous year: the tables print this year only"
        return msg or "no narrative rule reads it"
    if cell.kind == "table":
        table = next(t for t in doc.tables if t.id == cell.ref.table_id)
        if table.is_empty:
            return "the table states it has no data (本表无数据)"
        msgs = sorted({r.message for r in results if r.status == "skipped" and r.message
                       and any(c.table_id == table.id for c in r.cells)})
        return "; ".join(msgs) if msgs else f"no identity reads {cell.what} in this table"
    msgs = sorted({r.message for r in results if r.status == "skipped" and r.message
                   and any(c.card_id == cell.ref.card_id for c in r.cells)})
    return "; ".join(msgs) if msgs else f"no identity reads {cell.what} on this card"


def _pct(num: int, den: int) -> float | None:
    return round(100.0 * num / den, 2) if den else None


def summarize_outcomes(outcomes: Iterable[CellOutcome]) -> dict[str, Any]:
    """Coverage and catch rates, in all, per table type (group) and per rule family.

    * ``cells``: amount cells; ``covered``: named by at least one identity that was not skipped;
    * ``detectable``: covered cells with a single-digit change larger than the tolerance;
      ``caught``: of those, the change failed an identity naming the cell;
    * ``at_zero`` / ``caught_at_zero``: the smallest single-digit change at tolerance 0 (larger than
      a figure's own rounding), over the cells covered then.

    Per family, a cell counts when an identity of the family covers it, and its change counts as
    detectable for the family when it exceeds the family's own threshold for that cell.
    """
    outcomes = list(outcomes)

    def stats(items: list[CellOutcome], family: str | None = None) -> dict[str, Any]:
        if family is None:
            cov = [o for o in items if o.covered]
            det = [o for o in cov if o.detectable]
            caught = [o for o in det if o.caught]
            zero = [o for o in items if o.caught_by_at_zero is not None]
            zero_caught = [o for o in zero if o.caught_by_at_zero]
        else:
            cov = [o for o in items if family in o.families]
            det = [o for o in cov if o.family_detectable(family)]
            caught = [o for o in det if o.caught_by_family(family)]
            zero = [o for o in items if o.family_detectable(family, at_zero=True)]
            zero_caught = [o for o in zero if o.caught_by_family(family, at_zero=True)]
        return {"cells": len(items), "covered": len(cov), "covered_pct": _pct(len(cov), len(items)),
                "detectable": len(det), "caught": len(caught), "caught_pct": _pct(len(caught), len(det)),
                "at_zero": len(zero), "caught_at_zero": len(zero_caught),
                "caught_at_zero_pct": _pct(len(zero_caught), len(zero))}

    groups: dict[str, list[CellOutcome]] = defaultdict(list)
    for o in outcomes:
        groups[o.cell.group].append(o)
    return {
        "all": stats(outcomes),
        "by_group": {g: stats(items) for g, items in sorted(groups.items())},
        "by_family": {f: stats(outcomes, f) for f in FAMILIES},
    }
