"""The evaluation as people read it: a Markdown report with breakdowns and the worst cells, and
PNG plots of accuracy against degradation preset and dpi. Built from an :class:`EvaluationResult`
alone, so a report can be redrawn from a saved ``--json``."""

from __future__ import annotations

from pathlib import Path

from budgetdoc.evaluation.results import PRF, Breakdown, EvaluationResult, Summary
from budgetdoc.util.files import atomic_write_bytes, atomic_write_text

#: Headline metrics in report order: (key, label, lower is better).
HEADLINE: tuple[tuple[str, str, bool], ...] = (
    ("numeric_cell_accuracy", "numeric cells exact (as decimals)", False),
    ("text_cell_accuracy", "text cells exact (NFKC, whitespace folded)", False),
    ("empty_cell_accuracy", "empty cells left empty", False),
    ("cer", "character error rate, all cells", True),
    ("table_recall", "table detection recall", False),
    ("table_precision", "table detection precision", False),
    ("title_accuracy", "table title exact", False),
    ("table_type_accuracy", "table type", False),
    ("teds", "TEDS", False),
    ("teds_struct", "TEDS-S (structure only)", False),
    ("grits_con", "GriTS-Con F1", False),
    ("row_accuracy", "full rows (code, name, amounts)", False),
    ("card_field_accuracy", "card typed fields", False),
    ("indicator_precision", "indicator precision (level1-3, value)", False),
    ("indicator_recall", "indicator recall (level1-3, value)", False),
    ("indicator_f1", "indicator F1 (level1-3, value)", False),
    ("indicator_parsed_f1", "indicator F1 (level1-3, parsed value)", False),
    ("figure_precision", "narrative figure precision (kind, value, unit, label)", False),
    ("figure_recall", "narrative figure recall (kind, value, unit, label)", False),
    ("figure_f1", "narrative figure F1 (kind, value, unit, label)", False),
    ("figure_value_f1", "narrative figure F1 (kind, value, unit)", False),
)


#: The conventions, as the report states them.
SCORING_NOTES: tuple[str, ...] = (
    ("- Cells: every truth cell counts once (a merged cell once). Numeric cells (the truth reads as a plain "
     "decimal) are right when the prediction states the same decimal (1,234.50 = 1234.5); text cells when the "
     "texts are equal after NFKC with whitespace removed; empty cells when the prediction put no text there. "
     "CER: edit distance over truth characters, on the same folded texts."),
    ("- Tables are paired by content (Dice overlap of the cell texts, greedy, at least 0.3; an equal title "
     "breaks near-ties), then by title. A cross-page truth table is one table; extra pieces of it are false "
     "positives. Rows and columns of a pair are matched by position when their counts agree, else by a "
     "monotone alignment on row (column) contents."),
    ("- Every denominator counts truth items: missed tables, rows, cells, fields and indicators are wrong, "
     "and a missing or unreadable prediction scores as an empty one (lowering recall, not precision)."),
    ("- TEDS / TEDS-S (Zhong et al. 2020) and GriTS-Con are means over truth tables, 0 for one not found."),
    ("- Rows: typed rows (code, name, every amount) when both sides have them, else body grid rows with "
     "text, right when all their cells are. Cards: typed fields, fund amounts and key tasks; indicators as "
     "multisets of (level1, level2, level3, value) and of (level1-3, parsed kind, comparator, number, unit)."),
    ("- Predicted tables that are a truth card's printed form are set aside, not counted as false positives."),
    ("- Narrative figures (documents whose truth has narrative sections, JSON predictions): a pair needs equal "
     "kind, value (as a decimal) and unit, and labels equal or one containing the other after NFKC, with "
     "punctuation, bracketed qualifiers and a trailing 数 removed; a label naming no item (比上年增长, none) "
     "matches any. Each figure pairs once."),
)


def fmt(value: float | None, digits: int = 4) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _md_escape(text: str | None, limit: int = 40) -> str:
    text = (text or "").replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _counts_line(s: Summary) -> dict[str, str]:
    c = s.cells
    return {
        "numeric_cell_accuracy": f"{c.numeric_correct} / {c.numeric_total} cells",
        "text_cell_accuracy": f"{c.text_correct} / {c.text_total} cells",
        "empty_cell_accuracy": f"{c.empty_correct} / {c.empty_total} cells",
        "cer": f"{c.cer_edits} edits / {c.cer_chars} chars",
        "table_recall": f"{s.matched_tables} / {s.truth_tables} truth tables",
        "table_precision": f"{s.matched_tables} / {s.predicted_tables} predicted tables",
        "title_accuracy": f"{s.titles_correct} / {s.titles_total} truth tables",
        "table_type_accuracy": f"{s.types_correct} / {s.types_total} truth tables",
        "teds": f"mean over {s.truth_tables} truth tables",
        "row_accuracy": f"{s.rows_correct} / {s.rows_total} rows",
        "card_field_accuracy": f"{s.card_fields_correct} / {s.card_fields_total} fields",
        "indicator_f1": f"tp {s.indicators.tp}, pred {s.indicators.n_pred}, truth {s.indicators.n_gt}",
        "indicator_parsed_f1": (f"tp {s.indicators_parsed.tp}, pred {s.indicators_parsed.n_pred}, "
                                f"truth {s.indicators_parsed.n_gt}"),
        "figure_f1": f"tp {s.figures.tp}, pred {s.figures.n_pred}, truth {s.figures.n_gt}",
        "figure_value_f1": f"tp {s.figure_values.tp}, pred {s.figure_values.n_pred}, truth {s.figure_values.n_gt}",
    }


def _breakdown_table(rows: list[Breakdown]) -> list[str]:
    out = ["| group | docs | tables | found | numeric | text | empty | CER | TEDS | TEDS-S |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for b in rows:
        out.append(f"| {b.key} | {b.documents} | {b.tables} | {b.tables_found} | {fmt(b.numeric_cell_accuracy)} "
                   f"| {fmt(b.text_cell_accuracy)} | {fmt(b.empty_cell_accuracy)} | {fmt(b.cer)} "
                   f"| {fmt(b.teds)} | {fmt(b.teds_struct)} |")
    return out


def render_markdown(result: EvaluationResult, *, plots: dict[str, str] | None = None) -> str:
    """The report: summary, problems, breakdowns, per-document table, worst cells, conventions."""
    s = result.summary
    lines = ["# budgetdoc evaluation", "",
             (f"Truth `{result.truth}`, predictions `{result.pred}`: {s.documents} documents, "
              f"{s.scored_documents} scored, {s.missing_predictions} missing, "
              f"{s.unreadable_predictions} unreadable."), "",
             "## Summary", "", "| metric | value | counts |", "|---|---:|---|"]
    counts = _counts_line(s)
    for key, label, lower in HEADLINE:
        arrow = " (lower is better)" if lower else ""
        lines.append(f"| {label}{arrow} | {fmt(getattr(s, key))} | {counts.get(key, '')} |")
    if s.grid_only_documents:
        lines += ["", ("Predicted as HTML/CSV (grid only), so row, card and table-type metrics do not "
                       "apply to them and leave them out of those denominators; their titles count only "
                       "from <caption>, and a CSV carries no spans or header rows for TEDS: "
                       + ", ".join(f"`{d}`" for d in s.grid_only_documents) + ".")]
    lines += ["", "## Missing and unreadable predictions", ""]
    if result.problems:
        lines += ["| document | status | reason |", "|---|---|---|"]
        lines += [f"| {p.document} | {p.status} | {_md_escape(p.reason, 160)} |" for p in result.problems]
    else:
        lines.append("None.")
    for name, title in (("preset", "degradation preset"), ("dpi", "dpi"), ("origin", "origin"),
                        ("format", "prediction format"), ("table_type", "table type")):
        rows = result.breakdowns.get(name, [])
        if rows:
            lines += ["", f"## By {title}", ""] + _breakdown_table(rows)
            if plots and name in plots:
                lines += ["", f"![accuracy by {title}]({plots[name]})"]
    lines += ["", "## Documents", "",
              ("| document | status | format | tables found | numeric | text | TEDS | rows | card fields "
               "| indicator F1 | figure F1 | false-positive tables |"),
              "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for d in result.per_document:
        found = sum(t.matched for t in d.tables)
        num = sum(t.cells.numeric_correct for t in d.tables), sum(t.cells.numeric_total for t in d.tables)
        txt = sum(t.cells.text_correct for t in d.tables), sum(t.cells.text_total for t in d.tables)
        ted = sum(t.teds for t in d.tables) / len(d.tables) if d.tables else None
        rows = (f"{sum(t.rows_correct for t in d.tables)}/{sum(t.rows_total for t in d.tables)}"
                if d.rows_applicable else "n/a")
        fields = (f"{sum(c.fields_correct for c in d.cards)}/{sum(c.fields_total for c in d.cards)}"
                  if d.cards_applicable and d.cards else ("n/a" if not d.cards_applicable else "-"))
        ind = None
        if d.cards_applicable and d.cards:
            ind = sum((c.indicators for c in d.cards), PRF(n_pred=d.unmatched_pred_indicators)).f1
        lines.append(f"| {d.id} | {d.status} | {d.pred_format or '-'} | {found}/{len(d.tables)} "
                     f"| {num[0]}/{num[1]} | {txt[0]}/{txt[1]} | {fmt(ted, 3)} | {rows} | {fields} "
                     f"| {fmt(ind, 3) if ind is not None else '-'} "
                     f"| {fmt(d.figures.f1, 3) if d.figures is not None else '-'} | {len(d.false_positive_tables)} |")
    unmatched = [(d.id, t) for d in result.per_document if d.status == "scored" for t in d.tables
                 if not t.matched]
    fps = [(d.id, f) for d in result.per_document for f in d.false_positive_tables]
    if unmatched or fps:
        lines += ["", "## Tables not found, and predicted tables paired with none", ""]
        lines += [f"- `{doc}` truth {t.id} ({t.table_type}, pages {t.pages}): not found — "
                  f"{_md_escape(t.title, 60)}" for doc, t in unmatched]
        lines += [f"- `{doc}` predicted {f}" for doc, f in fps]
    wrong_titles = [(d.id, t) for d in result.per_document for t in d.tables
                    if t.matched and t.title_correct is False]
    wrong_fields = [(d.id, c.id, e) for d in result.per_document for c in d.cards if c.matched
                    for e in c.field_errors]
    wrong_fields += [(d.id, c.id, ("indicator", m, "")) for d in result.per_document for c in d.cards
                     if c.matched for m in c.missed_indicators]
    wrong_fields += [(d.id, c.id, ("indicator", "", m)) for d in result.per_document for c in d.cards
                     if c.matched for m in c.invented_indicators]
    if wrong_titles or wrong_fields:
        lines += ["", "## Wrong titles, card fields and indicators", "",
                  "| document | where | truth | prediction |", "|---|---|---|---|"]
        lines += [f"| {doc} | {t.id} title | {_md_escape(t.title, 60)} | {_md_escape(t.pred_title, 60)} |"
                  for doc, t in wrong_titles[:30]]
        lines += [f"| {doc} | {cid} {e[0]} | {_md_escape(e[1], 60)} | {_md_escape(e[2], 60)} |"
                  for doc, cid, e in wrong_fields[:30]]
    figs = [(d.id, "missed", m) for d in result.per_document for m in d.missed_figures]
    figs += [(d.id, "invented", m) for d in result.per_document for m in d.invented_figures]
    if figs:
        lines += ["", "## Narrative figures missed and invented", "",
                  "| document | | figure (label: kind value unit page) |", "|---|---|---|"]
        lines += [f"| {doc} | {what} | {_md_escape(m, 80)} |" for doc, what, m in figs[:40]]
    lines += ["", f"## The {len(result.worst_cells)} worst cells", "",
              ("Wrong cells of paired tables, numeric first, then by relative edit distance, at most five "
               "per table while others have wrong cells. Page and box (l, t, r, b in points of the upright "
               "page) are the truth cell's."), ""]
    if result.worst_cells:
        lines += ["| document | table | row, col | kind | truth | prediction | page | bbox |",
                  "|---|---|---|---|---|---|---:|---|"]
        for e in result.worst_cells:
            box = ", ".join(f"{v:.0f}" for v in e.bbox) if e.bbox else "-"
            lines.append(f"| {e.document} | {e.table} | {e.row}, {e.col} | {e.kind} | {_md_escape(e.truth)} "
                         f"| {_md_escape(e.pred) or '∅'} | {e.page or '-'} | {box} |")
    else:
        lines.append("None.")
    lines += ["", "## How it was scored", "", *SCORING_NOTES, ""]
    if result.timings:
        lines.append("Timings: " + ", ".join(f"{k} {v}" for k, v in result.timings.items()) + ".")
        lines.append("")
    return "\n".join(lines)


def plot_breakdown(rows: list[Breakdown], *, title: str, xlabel: str) -> bytes:
    """A grouped bar chart (PNG bytes) of numeric/text/empty accuracy and TEDS per group."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = [("numeric", "numeric_cell_accuracy"), ("text", "text_cell_accuracy"),
              ("empty", "empty_cell_accuracy"), ("TEDS", "teds")]
    fig, ax = plt.subplots(figsize=(max(4.0, 1.4 * len(rows) + 2), 3.2), dpi=100)
    width = 0.8 / len(series)
    for k, (label, attr) in enumerate(series):
        values = [getattr(b, attr) or 0.0 for b in rows]
        ax.bar([i + (k - (len(series) - 1) / 2) * width for i in range(len(rows))], values, width, label=label)
    ax.set_xticks(range(len(rows)), [b.key for b in rows])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("accuracy")
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.legend(loc="lower left", fontsize=8, ncols=len(series))
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def write_report(result: EvaluationResult, path: str | Path, *, plots: bool = True) -> list[Path]:
    """Write the Markdown report and (if asked) ``<stem>-preset.png`` and ``<stem>-dpi.png`` beside it."""
    target = Path(path)
    written: list[Path] = []
    links: dict[str, str] = {}
    if plots:
        for name, label in (("preset", "degradation preset"), ("dpi", "dpi")):
            rows = result.breakdowns.get(name, [])
            if not rows:
                continue
            png = target.with_name(f"{target.stem}-{name}.png")
            atomic_write_bytes(png, plot_breakdown(rows, title=f"accuracy by {label}", xlabel=label))
            links[name] = png.name
            written.append(png)
    atomic_write_text(target, render_markdown(result, plots=links))
    written.insert(0, target)
    return written


def write_json(result: EvaluationResult, path: str | Path) -> Path:
    """``--json``: the summary's numbers at the top level, then breakdowns, problems, per document."""
    import json

    summary = result.summary.model_dump(mode="json")
    data = {"schema_name": result.schema_name, "version": result.version, "truth": result.truth,
            "pred": result.pred, **summary}
    rest = result.model_dump(mode="json", exclude={"schema_name", "version", "truth", "pred", "summary"})
    data.update(rest)
    return atomic_write_text(Path(path), json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def read_json(path: str | Path) -> EvaluationResult:
    """An :class:`EvaluationResult` back from :func:`write_json`'s file (to redraw a report)."""
    import json

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    summary = {k: data.pop(k) for k in list(data) if k in Summary.model_fields}
    data["summary"] = summary
    return EvaluationResult.model_validate(data)
