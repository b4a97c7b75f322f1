"""Pure metric functions over grids, rows and cards, with keyword-only ``pred=`` / ``gt=``.

Nothing here reads files or knows about the pipeline: inputs are :class:`~budgetdoc.model.document.CellGrid`
objects (or plain rows of text), typed rows, cards and indicator rows from the schema.

**Cells.** Every *truth* cell is one item (a merged cell counts once). Its kind comes from the truth
text: *empty* (nothing after folding), *numeric* (a plain decimal, :func:`~budgetdoc.evaluation.text.parse_decimal`)
or *text*. The prediction's text for it is the predicted slot at the truth cell's top-left slot,
after :func:`align_grids` paired truth rows and columns with predicted ones. A numeric cell is right
when the prediction states the same decimal ("1,234.50" = "1234.5"); a text cell when the folded
texts (NFKC, whitespace removed) are equal; an empty cell when the prediction put no text there.
CER is edits over truth characters, on folded texts, over all cells.

**Alignment.** When the two grids have the same number of rows (columns), rows (columns) are paired
by position: the grid positions are the answer. When the counts differ, they are paired by a
monotone dynamic programme (Needleman–Wunsch with free gaps) that maximises the summed multiset
overlap of the rows' (columns') cell texts, so a dropped or inserted row or column costs only its
own cells. Truth rows or columns left unpaired read as empty predictions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from budgetdoc.evaluation.formats import EvalTable, grid_from_rows
from budgetdoc.evaluation.results import PRF, CellCounts, CellError
from budgetdoc.evaluation.text import (
    canonical_number,
    cell_key,
    edit_distance,
    fold_text,
    multiset_dice,
    parse_decimal,
)
from budgetdoc.model.document import CellGrid, IndicatorRow, PerformanceCard, TableRow

GridLike = CellGrid | Sequence[Sequence[str]]

#: Added to the content similarity of two tables with the same title when pairing tables.
TITLE_BONUS = 0.05

#: Similarity given to a pair of empty rows/columns: enough to pair them, less than any real overlap.
EMPTY_PAIR_SIMILARITY = 0.05


def as_grid(value: GridLike | None) -> CellGrid:
    """A :class:`CellGrid` from a grid or from rows of text (``None`` → the empty grid)."""
    if value is None:
        return CellGrid()
    if isinstance(value, CellGrid):
        return value
    return grid_from_rows([list(r) for r in value])


# --------------------------------------------------------------------------------------------------
# alignment


@dataclass(frozen=True)
class Alignment:
    """For each truth row (column), the predicted row (column) paired with it, or ``None``."""

    rows: tuple[int | None, ...]
    cols: tuple[int | None, ...]
    method: str  # "positional", "dp-rows", "dp-cols", "dp-rows+cols"


def _similarity(a: Counter[str], b: Counter[str]) -> float:
    if not a and not b:
        return EMPTY_PAIR_SIMILARITY
    return multiset_dice(a.elements(), b.elements())


def align_sequences(gt: Sequence[Counter[str]], pred: Sequence[Counter[str]]) -> tuple[int | None, ...]:
    """Pair two sequences of multisets monotonically, maximising summed overlap (free gaps).

    Items with no overlap are never paired. Empty inputs give all-``None``.
    """
    n, m = len(gt), len(pred)
    sim = [[_similarity(g, p) for p in pred] for g in gt]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        row, prev = best[i], best[i - 1]
        for j in range(1, m + 1):
            s = sim[i - 1][j - 1]
            row[j] = max(prev[j], row[j - 1], prev[j - 1] + s if s > 0 else -1.0)
    out: list[int | None] = [None] * n
    i, j = n, m
    while i > 0 and j > 0:
        s = sim[i - 1][j - 1]
        if s > 0 and best[i][j] == best[i - 1][j - 1] + s:
            out[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return tuple(out)


def _row_bags(slots: list[list[str]]) -> list[Counter[str]]:
    return [Counter(k for k in (cell_key(t) for t in row) if k) for row in slots]


def _col_bags(slots: list[list[str]], width: int) -> list[Counter[str]]:
    return [Counter(k for k in (cell_key(row[c]) for row in slots) if k) for c in range(width)]


def align_grids(*, pred: GridLike, gt: GridLike) -> Alignment:
    """Pair the truth grid's rows and columns with the prediction's (see the module docstring).

    Empty cases: an empty prediction pairs nothing (all ``None``); an empty truth gives empty tuples.
    """
    p, g = as_grid(pred), as_grid(gt)
    ps, gs = p.grid, g.grid
    method = []
    if p.num_rows == g.num_rows:
        rows: tuple[int | None, ...] = tuple(range(g.num_rows))
    else:
        rows = align_sequences(_row_bags(gs), _row_bags(ps))
        method.append("rows")
    if p.num_cols == g.num_cols:
        cols: tuple[int | None, ...] = tuple(range(g.num_cols))
    else:
        cols = align_sequences(_col_bags(gs, g.num_cols), _col_bags(ps, p.num_cols))
        method.append("cols")
    return Alignment(rows=rows, cols=cols, method="dp-" + "+".join(method) if method else "positional")


# --------------------------------------------------------------------------------------------------
# cells


def cell_kind(text: str) -> str:
    """``"empty"``, ``"numeric"`` or ``"text"``: how a truth cell is compared."""
    if not fold_text(text):
        return "empty"
    return "numeric" if parse_decimal(text) is not None else "text"


def cell_correct(*, pred: str, gt: str) -> bool:
    """Whether a predicted cell text is right for a truth cell text (rules in the module docstring)."""
    kind = cell_kind(gt)
    if kind == "empty":
        return not fold_text(pred)
    if kind == "numeric":
        return parse_decimal(pred) == parse_decimal(gt)
    return fold_text(pred) == fold_text(gt)


@dataclass
class CellScores:
    """Counts over a table's truth cells, the wrong cells, and grid-row correctness."""

    counts: CellCounts = field(default_factory=CellCounts)
    errors: list[CellError] = field(default_factory=list)
    alignment: Alignment | None = None
    rows_total: int = 0
    rows_correct: int = 0


def cell_scores(*, pred: GridLike | None, gt: GridLike, alignment: Alignment | None = None) -> CellScores:
    """Score every truth cell of ``gt`` against ``pred`` (rules in the module docstring).

    Also scores *grid rows*: a body row (below ``gt.header_rows``) with at least one non-empty truth
    cell is right when every truth cell that starts in it is right.

    Empty cases: ``pred`` empty or ``None`` → every truth cell is read as empty (numeric and text
    cells wrong, empty cells right, CER 1.0 when the truth has text); ``gt`` empty → no cells, all
    counts 0 (rates ``None``).
    """
    g = as_grid(gt)
    p = as_grid(pred)
    al = alignment or align_grids(pred=p, gt=g)
    slots = p.grid
    counts = CellCounts()
    errors: list[CellError] = []
    row_ok: dict[int, bool] = {}
    row_has_text: dict[int, bool] = {}
    for c in g.cells:
        pr = al.rows[c.row] if c.row < len(al.rows) else None
        pc = al.cols[c.col] if c.col < len(al.cols) else None
        ptext = slots[pr][pc] if pr is not None and pc is not None else ""
        kind = cell_kind(c.text)
        ok = cell_correct(pred=ptext, gt=c.text)
        ft, fp = fold_text(c.text), fold_text(ptext)
        dist = edit_distance(fp, ft)
        counts.cer_edits += dist
        counts.cer_chars += len(ft)
        if kind == "numeric":
            counts.numeric_total += 1
            counts.numeric_correct += ok
        elif kind == "text":
            counts.text_total += 1
            counts.text_correct += ok
        else:
            counts.empty_total += 1
            counts.empty_correct += ok
        if c.row >= g.header_rows:
            row_ok[c.row] = row_ok.get(c.row, True) and ok
            row_has_text[c.row] = row_has_text.get(c.row, False) or bool(ft)
        if not ok:
            prov = c.provenance
            bbox = (prov.bbox.l, prov.bbox.t, prov.bbox.r, prov.bbox.b) if prov and prov.bbox else None
            errors.append(CellError(row=c.row, col=c.col, kind=kind, truth=c.text, pred=ptext, distance=dist,
                                    page=prov.page if prov else None, bbox=bbox))
    body = [r for r, has in row_has_text.items() if has]
    return CellScores(counts=counts, errors=errors, alignment=al, rows_total=len(body),
                      rows_correct=sum(row_ok[r] for r in body))


def error_severity(e: CellError) -> tuple[int, float, int]:
    """Sort key, worst first: numeric before text before empty, then by relative edit distance."""
    order = {"numeric": 0, "text": 1, "empty": 2}[e.kind]
    rel = e.distance / max(1, len(fold_text(e.truth)), len(fold_text(e.pred)))
    return (order, -rel, -e.distance)


# --------------------------------------------------------------------------------------------------
# tables


@dataclass(frozen=True)
class TableMatch:
    """A truth table paired with a predicted table (indices into the inputs)."""

    gt: int
    pred: int
    similarity: float
    by: str  # "content" or "title"


def table_bag(grid: CellGrid) -> list[str]:
    """The multiset a table is matched by: the keys of its non-empty cells (merged cells once)."""
    return [k for k in (cell_key(c.text) for c in grid.cells) if k]


def table_similarity(*, pred: GridLike, gt: GridLike) -> float:
    """Content similarity of two tables: Dice overlap of their non-empty cell keys.

    Empty cases: two tables without text → 1.0; one without text → 0.0.
    """
    return multiset_dice(table_bag(as_grid(pred)), table_bag(as_grid(gt)))


def _table_of(t: EvalTable | GridLike) -> tuple[CellGrid, str]:
    if isinstance(t, EvalTable):
        return t.grid, fold_text(t.title)
    return as_grid(t), ""


def match_tables(*, pred: Sequence[EvalTable | GridLike], gt: Sequence[EvalTable | GridLike],
                 min_similarity: float = 0.3) -> list[TableMatch]:
    """Pair predicted tables with truth tables: by content first, then by title.

    Content: greedy on :func:`table_similarity` (highest first; an equal title adds
    :data:`TITLE_BONUS`, nearer positions break ties: two tables of one disclosure can hold the
    same numbers), pairs below ``min_similarity`` refused. Title: tables still unpaired whose folded
    titles are equal and non-empty. Each table is paired at most once, so a truth table that a
    prediction split in two pieces is paired with the bigger piece and the other piece stays
    unpaired (a false positive).

    Empty cases: no predictions or no truth → no pairs.
    """
    gts = [_table_of(t) for t in gt]
    preds = [_table_of(t) for t in pred]
    gbags = [Counter(table_bag(g)) for g, _ in gts]
    pbags = [Counter(table_bag(p)) for p, _ in preds]
    candidates = []
    for i, (gb, (_, gtitle)) in enumerate(zip(gbags, gts)):
        for j, (pb, (_, ptitle)) in enumerate(zip(pbags, preds)):
            total = sum(gb.values()) + sum(pb.values())
            sim = 1.0 if total == 0 else 2 * sum((gb & pb).values()) / total
            if sim >= min_similarity:
                same_title = bool(gtitle) and gtitle == ptitle
                candidates.append((-(sim + TITLE_BONUS * same_title), abs(i - j), i, j, sim))
    candidates.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    out: list[TableMatch] = []
    for *_, i, j, sim in candidates:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        out.append(TableMatch(gt=i, pred=j, similarity=sim, by="content"))
    for i, (g, gtitle) in enumerate(gts):
        if i in used_g or not gtitle:
            continue
        for j, (p, ptitle) in enumerate(preds):
            if j not in used_p and ptitle == gtitle:
                used_g.add(i)
                used_p.add(j)
                total = sum(gbags[i].values()) + sum(pbags[j].values())
                sim = 1.0 if total == 0 else 2 * sum((gbags[i] & pbags[j]).values()) / total
                out.append(TableMatch(gt=i, pred=j, similarity=sim, by="title"))
                break
    return sorted(out, key=lambda m: m.gt)


# --------------------------------------------------------------------------------------------------
# typed rows


def _amounts(row: TableRow) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((getattr(k, "value", str(k)), canonical_number(v))
                        for k, v in row.amounts.items() if v is not None))


def row_key(row: TableRow) -> tuple:
    """The full row a typed row is compared by: its codes, names and amounts (folded, canonical)."""
    if row.kind == "subject":
        return ("subject", fold_text(row.subject_code), fold_text(row.subject_name), _amounts(row))
    if row.kind == "economic":
        return ("economic", fold_text(row.economic_code), fold_text(row.economic_name),
                fold_text(row.government_economic_code), fold_text(row.government_economic_name), _amounts(row))
    if row.kind == "project":
        return ("project", fold_text(row.project_name), fold_text(row.subject_code), _amounts(row))
    return ("item", row.side or "", fold_text(row.label), _amounts(row))


def typed_row_scores(*, pred: Sequence[TableRow], gt: Sequence[TableRow]) -> PRF:
    """Full-row matches between typed rows, as a multiset (positions play no part).

    ``recall`` is the row accuracy (truth rows whose full code/name/amounts row was predicted);
    ``precision`` tells invented rows. Empty cases as :class:`~budgetdoc.evaluation.results.PRF`.
    """
    g = Counter(row_key(r) for r in gt)
    p = Counter(row_key(r) for r in pred)
    return PRF(tp=sum((g & p).values()), n_pred=len(pred), n_gt=len(gt))


# --------------------------------------------------------------------------------------------------
# cards

#: Typed scalar fields of a card, compared as folded text (numbers as decimals).
CARD_FIELDS: tuple[str, ...] = (
    "year", "project_name", "department_name", "department_code", "implementing_unit",
    "project_attribute", "project_period", "internal_divisions", "subordinate_units",
    "authorized_staff", "actual_staff", "established_staff", "other_staff", "responsibilities",
    "strategic_goal", "funds_unit", "overview", "basis", "necessity", "safeguards", "plan",
    "period_goal", "annual_goal",
)


def _field_text(value: object) -> str:
    if value is None:
        return ""
    return str(getattr(value, "value", value))


def _same(pred: str, gt: str) -> bool:
    return cell_key(pred) == cell_key(gt)


def _fund_key(f) -> str:
    return f.canonical if f.canonical != "unknown" else "source:" + fold_text(f.source)


@dataclass
class FieldScores:
    """Typed card fields: how many the truth has, how many were right, and the wrong ones."""

    total: int = 0
    correct: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)


def card_field_scores(*, pred: PerformanceCard | None, gt: PerformanceCard) -> FieldScores:
    """Score the typed fields the truth card fills: :data:`CARD_FIELDS`, every fund line's period and
    annual amounts (lines paired by ``canonical``, else by source text; amounts as decimals) and
    every key task (function, task).

    Empty cases: ``pred`` is ``None`` → every truth field wrong; a truth card with no typed field
    → total 0.
    """
    out = FieldScores()

    def check(name: str, p: str, g: str) -> None:
        out.total += 1
        if pred is not None and _same(p, g):
            out.correct += 1
        else:
            out.errors.append((name, g, p))

    for name in CARD_FIELDS:
        g = _field_text(getattr(gt, name))
        if fold_text(g):
            check(name, _field_text(getattr(pred, name)) if pred else "", g)
    pfunds = {_fund_key(f): f for f in (pred.funds if pred else [])}
    for f in gt.funds:
        pf = pfunds.get(_fund_key(f))
        for attr in ("period_amount", "annual_amount"):
            g = getattr(f, attr)
            if g is not None:
                p = getattr(pf, attr) if pf else None
                check(f"funds[{_fund_key(f)}].{attr}", _field_text(p), _field_text(g))
    ptasks = Counter((fold_text(t.function), fold_text(t.task)) for t in (pred.key_tasks if pred else []))
    for i, t in enumerate(gt.key_tasks):
        key = (fold_text(t.function), fold_text(t.task))
        out.total += 1
        if ptasks[key] > 0:
            ptasks[key] -= 1
            out.correct += 1
        else:
            out.errors.append((f"key_tasks[{i}]", f"{t.function}: {t.task}", ""))
    return out


def indicator_key(ind: IndicatorRow) -> tuple[str, str, str, str]:
    """(level1, level2, level3, value), folded."""
    return (fold_text(ind.level1), fold_text(ind.level2), fold_text(ind.level3), fold_text(ind.value))


def indicator_parsed_key(ind: IndicatorRow) -> tuple:
    """(level1, level2, level3, kind, comparator, number, unit, text) from the parsed value (folded);
    an unparsed value matches nothing but another unparsed value."""
    v = ind.parsed
    levels = (fold_text(ind.level1), fold_text(ind.level2), fold_text(ind.level3))
    if v is None:
        return (*levels, "unparsed", None, None, None, None)
    return (*levels, _field_text(v.kind), _field_text(v.comparator) or None,
            canonical_number(v.number) if v.number is not None else None,
            fold_text(v.unit) or None, fold_text(v.text) or None)


def indicator_scores(*, pred: Sequence[IndicatorRow], gt: Sequence[IndicatorRow], parsed: bool = False) -> PRF:
    """Indicator rows as a multiset of :func:`indicator_key` tuples (or :func:`indicator_parsed_key`).

    Empty cases: as :class:`~budgetdoc.evaluation.results.PRF` (both empty → F1 1.0; nothing
    predicted → precision 1.0, recall 0.0).
    """
    key = indicator_parsed_key if parsed else indicator_key
    g = Counter(key(i) for i in gt)
    p = Counter(key(i) for i in pred)
    return PRF(tp=sum((g & p).values()), n_pred=len(pred), n_gt=len(gt))


def indicator_differences(*, pred: Sequence[IndicatorRow], gt: Sequence[IndicatorRow]) -> tuple[list[str], list[str]]:
    """Truth indicators the prediction lacks and predicted ones the truth lacks, as
    ``level1/level2/level3 = value`` (multisets of :func:`indicator_key`). Empty cases: nothing missing."""
    g = Counter(indicator_key(i) for i in gt)
    p = Counter(indicator_key(i) for i in pred)

    def show(c: Counter) -> list[str]:
        return [f"{'/'.join(k[:3])} = {k[3]}" for k in c.elements()]

    return show(g - p), show(p - g)


def card_bag(card: PerformanceCard) -> list[str]:
    """What a card is matched by: its title, typed field texts and indicator values (folded)."""
    bag = [fold_text(card.title)] + [fold_text(_field_text(getattr(card, n))) for n in CARD_FIELDS]
    bag += ["|".join(indicator_key(i)) for i in card.indicators]
    return [b for b in bag if b]


def match_cards(*, pred: Sequence[PerformanceCard], gt: Sequence[PerformanceCard],
                min_similarity: float = 0.3) -> list[tuple[int, int, float]]:
    """Pair predicted cards with truth cards, greedily by :func:`card_bag` overlap (same card type
    first). Returns (truth index, prediction index, similarity). Empty cases: no pairs."""
    cands = []
    for i, g in enumerate(gt):
        gb = card_bag(g)
        for j, p in enumerate(pred):
            sim = multiset_dice(card_bag(p), gb)
            if sim >= min_similarity:
                cands.append((-(g.card_type == p.card_type), -sim, abs(i - j), i, j, sim))
    cands.sort()
    ug: set[int] = set()
    up: set[int] = set()
    out = []
    for *_, i, j, sim in cands:
        if i not in ug and j not in up:
            ug.add(i)
            up.add(j)
            out.append((i, j, sim))
    return sorted(out)
