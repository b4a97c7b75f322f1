"""Step 3 of an evaluation: score each truth document against its prediction, then the dataset.

Conventions (the report repeats them):

* every denominator counts *truth* items: a table, row, cell, field or indicator the prediction
  missed is wrong; a missing or unreadable prediction scores as an empty one (all its truth items
  wrong), so it lowers every recall-like metric and no precision;
* a truth table spanning pages is one table; prediction pieces of it other than the one paired
  with it are false positives;
* HTML and CSV predictions carry grids only: title accuracy needs ``<caption>``, table type, row and
  card metrics do not apply to them and are left out of those denominators (never scored as 0 or 1);
* predicted tables that are a truth card's printed form are set aside (not false positives):
  cards are scored from the typed card, in our JSON;
* TEDS, TEDS-S and GriTS-Con are averaged over truth tables, an unpaired one scoring 0;
* narrative figures (:mod:`~budgetdoc.evaluation.narrative`) are scored only where the truth has
  narrative sections and the prediction is our JSON.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from budgetdoc.evaluation.formats import EvalTable
from budgetdoc.evaluation.grits import grits_con
from budgetdoc.evaluation.loading import Prediction, TruthDocument, find_prediction, load_truth
from budgetdoc.evaluation.metrics import (
    card_field_scores,
    cell_scores,
    error_severity,
    indicator_differences,
    indicator_scores,
    match_cards,
    match_tables,
    typed_row_scores,
)
from budgetdoc.evaluation.narrative import (
    document_figures,
    figure_differences,
    figure_scores,
    figure_value_scores,
)
from budgetdoc.evaluation.results import (
    PRF,
    Breakdown,
    CardResult,
    CellCounts,
    CellError,
    DocumentResult,
    EvaluationResult,
    Problem,
    Summary,
    TableResult,
    rate,
)
from budgetdoc.evaluation.teds import html_to_tree, teds, teds_struct
from budgetdoc.evaluation.text import fold_text
from budgetdoc.export.html import grid_to_html  # the serialiser teds() itself applies to a CellGrid
from budgetdoc.model.document import CellGrid

#: Wrong cells kept per document (the worst ones) and in the dataset's list.
WORST_PER_DOCUMENT = 50
WORST_IN_DATASET = 30


def _missing_prediction(truth: TruthDocument, status: str, reason: str) -> Prediction:
    return Prediction(id=truth.id, status=status, reason=reason)  # type: ignore[arg-type]


def _same_grid(a: CellGrid, b: CellGrid) -> bool:
    """Exactly the same table (cells, spans, texts, header rows): TEDS would be 1.0."""
    def cells(g: CellGrid) -> list[tuple]:
        return sorted((c.row, c.col, c.row_span, c.col_span, c.text) for c in g.cells)

    return (a.num_rows, a.num_cols, a.header_rows) == (b.num_rows, b.num_cols, b.header_rows) and cells(a) == cells(b)


def _teds_pair(pred: CellGrid, gt: CellGrid) -> tuple[float, float]:
    """TEDS and TEDS-S of a pair, each tree built once (and nothing built for identical grids)."""
    if _same_grid(pred, gt):
        return 1.0, 1.0
    p, g = html_to_tree(grid_to_html(pred)), html_to_tree(grid_to_html(gt))
    return teds(pred=p, gt=g), teds_struct(pred=p, gt=g)


def score_document(truth: TruthDocument, pred: Prediction, *, with_grits: bool = True) -> DocumentResult:
    """Score one truth document against its prediction (conventions in the module docstring).

    A prediction whose status is not ``found`` scores as an empty JSON prediction.
    """
    t0 = time.perf_counter()
    found = pred.status == "found"
    grid_only = found and pred.grid_only
    titles_known = not grid_only or any(t.title for t in pred.tables)
    gts = [EvalTable.from_table(t) for t in truth.doc.tables]
    preds = pred.tables if found else []
    matches = {m.gt: m for m in match_tables(pred=preds, gt=gts)}
    used = {m.pred for m in matches.values()}

    # predicted tables that are really a card's form
    forms = [(c.id, c.form) for c in truth.doc.cards if c.form is not None and c.form.cells]
    rest = [j for j in range(len(preds)) if j not in used]
    form_matches = match_tables(pred=[preds[j] for j in rest], gt=[f for _, f in forms]) if forms else []
    form_preds = {rest[m.pred]: forms[m.gt][0] for m in form_matches}

    tables: list[TableResult] = []
    errors: list[CellError] = []
    for i, g in enumerate(gts):
        m = matches.get(i)
        p = preds[m.pred] if m else None
        scores = cell_scores(pred=p.grid if p else None, gt=g.grid)
        res = TableResult(id=g.id, title=g.title or "", table_type=g.table_type, pages=list(g.pages),
                          cells=scores.counts)
        if p is not None and m is not None:
            res.matched, res.pred_id, res.similarity, res.matched_by = True, p.id, round(m.similarity, 4), m.by
            res.pred_title, res.pred_table_type = p.title, p.table_type
            res.alignment = scores.alignment.method if scores.alignment else "none"
            res.teds, res.teds_struct = _teds_pair(p.grid, g.grid)
            if with_grits:
                res.grits_con = grits_con(pred=p.grid, gt=g.grid).f1
            for e in scores.errors:
                e.document, e.table = truth.id, g.id
            errors += scores.errors
        elif with_grits:
            res.grits_con = 0.0
        if titles_known:
            res.title_correct = p is not None and p.title is not None and fold_text(p.title) == fold_text(g.title)
        if not grid_only:
            res.type_correct = p is not None and p.table_type == g.table_type
            if g.rows and (p is None or p.rows):
                prf = typed_row_scores(pred=p.rows if p else (), gt=g.rows)
                res.row_mode, res.rows_total, res.rows_correct = "typed", prf.n_gt, prf.tp
            else:
                res.row_mode, res.rows_total, res.rows_correct = "grid", scores.rows_total, scores.rows_correct
        tables.append(res)

    fps = [f"{preds[j].id}: paired with no truth table" for j in range(len(preds))
           if j not in used and j not in form_preds]
    doc = DocumentResult(
        id=truth.id, origin=truth.origin, preset=truth.preset, dpi=truth.dpi, style=truth.style,
        status="scored" if found else pred.status,  # type: ignore[arg-type]
        reason=pred.reason, pred_format=pred.format, pred_path=pred.path, tables=tables,
        pred_tables=len(preds) - len(form_preds), false_positive_tables=fps,
        card_form_tables=[f"{preds[j].id}: form of card {cid}" for j, cid in sorted(form_preds.items())],
        rows_applicable=not grid_only, cards_applicable=not grid_only,
    )
    if not grid_only:
        gcards = truth.doc.cards
        pcards = pred.doc.cards if found and pred.doc is not None else []
        pairs = {i: (j, sim) for i, j, sim in match_cards(pred=pcards, gt=gcards)}
        for i, gc in enumerate(gcards):
            j = pairs.get(i, (None, 0.0))[0]
            pc = pcards[j] if j is not None else None
            fs = card_field_scores(pred=pc, gt=gc)
            missed, invented = (indicator_differences(pred=pc.indicators, gt=gc.indicators) if pc
                                else ([], []))
            doc.cards.append(CardResult(
                id=gc.id, title=gc.title, card_type=gc.card_type.value, matched=pc is not None,
                pred_id=pc.id if pc else None, fields_total=fs.total, fields_correct=fs.correct,
                field_errors=fs.errors,
                indicators=indicator_scores(pred=pc.indicators if pc else [], gt=gc.indicators),
                indicators_parsed=indicator_scores(pred=pc.indicators if pc else [], gt=gc.indicators,
                                                   parsed=True),
                missed_indicators=missed, invented_indicators=invented))
        paired = {j for j, _ in pairs.values()}
        doc.pred_cards = len(pcards)
        doc.unmatched_pred_indicators = sum(len(c.indicators) for j, c in enumerate(pcards) if j not in paired)
    if not grid_only and truth.doc.sections:
        gfigs = document_figures(truth.doc)
        pfigs = document_figures(pred.doc) if found and pred.doc is not None else []
        doc.figures = figure_scores(pred=pfigs, gt=gfigs)
        doc.figure_values = figure_value_scores(pred=pfigs, gt=gfigs)
        missed, invented = figure_differences(pred=pfigs, gt=gfigs)
        doc.missed_figures, doc.invented_figures = missed[:WORST_PER_DOCUMENT], invented[:WORST_PER_DOCUMENT]
    errors.sort(key=error_severity)
    doc.worst_cells = errors[:WORST_PER_DOCUMENT]
    doc.seconds = round(time.perf_counter() - t0, 4)
    return doc


# --------------------------------------------------------------------------------------------------
# the dataset


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarise(docs: list[DocumentResult]) -> Summary:
    """Pool the per-document results into the dataset's headline numbers (micro averages)."""
    s = Summary(documents=len(docs))
    tables = [t for d in docs for t in d.tables]
    s.scored_documents = sum(d.status == "scored" for d in docs)
    s.missing_predictions = sum(d.status == "missing" for d in docs)
    s.unreadable_predictions = sum(d.status == "unreadable" for d in docs)
    s.truth_tables = len(tables)
    s.predicted_tables = sum(d.pred_tables for d in docs)
    s.matched_tables = sum(t.matched for t in tables)
    s.cells = sum((t.cells for t in tables), CellCounts())
    s.numeric_cell_accuracy = s.cells.numeric_accuracy
    s.text_cell_accuracy = s.cells.text_accuracy
    s.empty_cell_accuracy = s.cells.empty_accuracy
    s.cer = s.cells.cer
    s.table_recall = rate(s.matched_tables, s.truth_tables)
    s.table_precision = rate(s.matched_tables, s.predicted_tables)
    titled = [t.title_correct for t in tables if t.title_correct is not None]
    s.titles_total, s.titles_correct = len(titled), sum(titled)
    s.title_accuracy = rate(s.titles_correct, s.titles_total)
    typed = [t.type_correct for t in tables if t.type_correct is not None]
    s.types_total, s.types_correct = len(typed), sum(typed)
    s.table_type_accuracy = rate(s.types_correct, s.types_total)
    s.teds = _mean([t.teds for t in tables])
    s.teds_struct = _mean([t.teds_struct for t in tables])
    gr = [t.grits_con for t in tables if t.grits_con is not None]
    s.grits_con = _mean(gr) if len(gr) == len(tables) else None
    rowed = [t for t in tables if t.row_mode != "n/a"]
    s.rows_total = sum(t.rows_total for t in rowed)
    s.rows_correct = sum(t.rows_correct for t in rowed)
    s.row_accuracy = rate(s.rows_correct, s.rows_total)
    cards = [c for d in docs for c in d.cards]
    s.card_fields_total = sum(c.fields_total for c in cards)
    s.card_fields_correct = sum(c.fields_correct for c in cards)
    s.card_field_accuracy = rate(s.card_fields_correct, s.card_fields_total)
    extra = sum(d.unmatched_pred_indicators for d in docs)
    s.indicators = sum((c.indicators for c in cards), PRF(n_pred=extra))
    s.indicators_parsed = sum((c.indicators_parsed for c in cards), PRF(n_pred=extra))
    if s.indicators.n_gt or s.indicators.n_pred:
        s.indicator_precision = s.indicators.precision
        s.indicator_recall = s.indicators.recall
        s.indicator_f1 = s.indicators.f1
        s.indicator_parsed_f1 = s.indicators_parsed.f1
    figured = [d for d in docs if d.figures is not None]
    if figured:
        s.figures = sum((d.figures for d in figured), PRF())  # type: ignore[misc]
        s.figure_values = sum((d.figure_values for d in figured if d.figure_values is not None), PRF())
        s.figure_precision, s.figure_recall, s.figure_f1 = s.figures.precision, s.figures.recall, s.figures.f1
        s.figure_value_f1 = s.figure_values.f1
    s.grid_only_documents = [d.id for d in docs if not d.rows_applicable]
    return s


def _dpi_key(d: DocumentResult) -> str:
    return f"{d.dpi:g}" if d.dpi is not None else "unknown"


#: Breakdown groups: name → key of a (document, table) pair.
GROUPS: dict[str, Callable[[DocumentResult, TableResult], str]] = {
    "table_type": lambda d, t: t.table_type or "unknown",
    "preset": lambda d, t: d.preset or "unknown",
    "dpi": lambda d, t: _dpi_key(d),
    "origin": lambda d, t: d.origin or "unknown",
    "format": lambda d, t: d.pred_format or d.status,
}


def breakdowns(docs: list[DocumentResult]) -> dict[str, list[Breakdown]]:
    """Pooled cell, detection and TEDS scores per table type, preset, dpi, origin and prediction format."""
    out: dict[str, list[Breakdown]] = {}
    for name, key in GROUPS.items():
        groups: dict[str, Breakdown] = {}
        docs_in: dict[str, set[str]] = defaultdict(set)
        for d in docs:
            for t in d.tables:
                k = key(d, t)
                b = groups.setdefault(k, Breakdown(key=k))
                docs_in[k].add(d.id)
                b.tables += 1
                b.tables_found += t.matched
                b.cells = b.cells + t.cells
                b.teds_sum += t.teds
                b.teds_struct_sum += t.teds_struct
        for k, b in groups.items():
            b.documents = len(docs_in[k])
        out[name] = [groups[k] for k in sorted(groups)]
    return out


def worst_cells(errors: list[CellError], *, limit: int = WORST_IN_DATASET, per_table: int = 5) -> list[CellError]:
    """The ``limit`` worst cells (:func:`~budgetdoc.evaluation.metrics.error_severity`), at most
    ``per_table`` from one table while other tables have wrong cells left, so that one broken table
    does not fill the list."""
    ranked = sorted(errors, key=error_severity)
    taken: list[CellError] = []
    per: dict[tuple[str, str], int] = defaultdict(int)
    rest: list[CellError] = []
    for e in ranked:
        key = (e.document, e.table)
        if per[key] < per_table:
            per[key] += 1
            taken.append(e)
        else:
            rest.append(e)
    chosen = taken[:limit] + rest[: max(0, limit - len(taken))]
    return sorted(chosen, key=error_severity)


def score_documents(truths: Iterable[TruthDocument], preds: dict[str, Prediction], *, truth_label: str = "",
                    pred_label: str = "", with_grits: bool = True,
                    problems: list[Problem] | None = None) -> EvaluationResult:
    """Score every truth document against ``preds[id]`` (absent ids count as missing)."""
    problems = list(problems or [])
    docs = []
    for t in truths:
        p = preds.get(t.id) or _missing_prediction(t, "missing", "no prediction given")
        if p.status != "found":
            problems.append(Problem(document=t.id, status=p.status, reason=p.reason or ""))  # type: ignore[arg-type]
        docs.append(score_document(t, p, with_grits=with_grits))
    worst = worst_cells([e for d in docs for e in d.worst_cells])
    return EvaluationResult(truth=truth_label, pred=pred_label, summary=summarise(docs),
                            breakdowns=breakdowns(docs), problems=problems, worst_cells=worst,
                            per_document=docs)


def evaluate(truth: str | Path, pred: str | Path, *, with_grits: bool = True,
             stop_on_error: bool = False) -> EvaluationResult:
    """Read the truth (step 1), find each prediction (step 2) and score them (step 3).

    With ``stop_on_error`` the first missing or unreadable prediction (or unreadable truth) raises
    ``ValueError``; otherwise it is counted, with its reason, and the run goes on.
    """
    t0 = time.perf_counter()
    truths, problems = load_truth(truth)
    if stop_on_error and problems:
        raise ValueError(f"{problems[0].document}: {problems[0].reason}")
    t1 = time.perf_counter()
    preds = {}
    for t in truths:
        p = find_prediction(pred, t.id)
        if stop_on_error and p.status != "found":
            raise ValueError(f"{t.id}: prediction {p.status}: {p.reason}")
        preds[t.id] = p
    t2 = time.perf_counter()
    result = score_documents(truths, preds, truth_label=str(truth), pred_label=str(pred),
                             with_grits=with_grits, problems=problems)
    t3 = time.perf_counter()
    result.timings = {"load_truth_s": round(t1 - t0, 3), "load_predictions_s": round(t2 - t1, 3),
                      "score_s": round(t3 - t2, 3), "total_s": round(t3 - t0, 3)}
    return result
