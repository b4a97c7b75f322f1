"""Score the structuring stage against labelled truth: the sample set and generated documents.

Every table is rebuilt from its grid, title and the lines the page prints around it (label,
"部门名称：X", "单位：万元") and its notes — never from its truth ``columns``/``rows``/``table_type``/
``unit``/``is_empty`` — and compared with the truth. Every card with a printed form is rebuilt from
the form and its title and compared field by field. Truth that the page does not print (the
generator's typed extras) is counted separately as "unprinted", never as a miss.

``python tests/structuring/structuring_eval.py`` prints the report; the tests assert on the same
results.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from budgetdoc.model.document import CellGrid, DisclosureDocument, PerformanceCard, Table
from budgetdoc.model.io import load_document
from budgetdoc.model.vocab import CardType, IndicatorScope
from budgetdoc.structuring import structure_card, structure_table

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "datasets" / "samples"

#: Typed card attributes compared with the truth.
CARD_ATTRS: tuple[str, ...] = (
    "card_type", "year", "project_name", "department_name", "department_code", "implementing_unit",
    "project_attribute", "project_period", "internal_divisions", "subordinate_units", "authorized_staff",
    "actual_staff", "established_staff", "other_staff", "responsibilities", "strategic_goal", "funds_unit",
    "overview", "basis", "necessity", "safeguards", "plan", "period_goal", "annual_goal",
)


# --------------------------------------------------------------------------------------------------
# inputs


@lru_cache(maxsize=1)
def sample_documents() -> tuple[tuple[str, DisclosureDocument], ...]:
    """(sample name, truth document) for every sample folder, loaded once."""
    return tuple((p.parent.name, load_document(p)) for p in sorted(SAMPLES.glob("*/truth.json")))


def generated_documents(seeds: range, styles: tuple[str, ...] = ("shanxi", "jiangsu", "shanghai")
                        ) -> list[tuple[str, DisclosureDocument]]:
    """Random documents of the synthetic generator, built in memory (no rendering)."""
    from budgetdoc.synth.variants import random_document

    return [(f"gen-{style}-{seed}", random_document(seed, style=style)) for seed in seeds for style in styles]


def context_lines(table: Table) -> list[str]:
    """The lines a page prints around the table: its label, 部门名称 and 单位 (as the renderer does)."""
    lines = []
    if table.label:
        lines.append(table.label)
    if table.department:
        lines.append(f"部门名称：{table.department}")
    if table.unit is not None:
        lines.append(f"单位：{table.unit.value}")
    return lines


def table_grid(table: Table, *, bare: bool = False) -> CellGrid:
    """The table's cells as a plain grid; ``bare`` drops the header count and the header flags."""
    cells = table.cells
    if bare:
        cells = [c.model_copy(update={"column_header": False, "row_header": False}) for c in cells]
    return CellGrid(num_rows=table.num_rows, num_cols=table.num_cols,
                    header_rows=0 if bare else table.header_rows, cells=cells)


def rebuild_table(table: Table, *, bare: bool = False, title: str | None = None) -> Table:
    return structure_table(table_grid(table, bare=bare), title=table.title if title is None else title,
                           context_lines=context_lines(table), notes=table.notes, table_id=table.id)


# --------------------------------------------------------------------------------------------------
# tables


@dataclass
class TableResult:
    sample: str
    table_id: str
    table_type: str
    typed: bool  # the truth has typed rows
    type_ok: bool
    rows_ok: bool
    rows_matched: int
    rows_total: int
    columns_ok: bool
    problems: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.sample}/{self.table_id} ({self.table_type})"


def _row_key(row: object, *, drop_subject_code: bool) -> dict:
    d = row.model_dump()  # type: ignore[attr-defined]
    if drop_subject_code and d.get("kind") == "project":
        d["subject_code"] = None
    return d


def score_table(sample: str, truth: Table, *, bare: bool = False, unprinted_project_codes: bool = False
                ) -> TableResult:
    """Rebuild ``truth`` and compare. ``unprinted_project_codes``: the generator types a project's
    subject code that its project table does not print; compare project rows without it."""
    out = rebuild_table(truth, bare=bare)
    problems: list[str] = []
    typed = bool(truth.rows) or bool(truth.columns)
    if out.table_type != truth.table_type:
        problems.append(f"table_type {out.table_type.value} != {truth.table_type.value}")
    if out.unit != truth.unit:
        problems.append(f"unit {out.unit} != {truth.unit}")
    if typed:
        for attr in ("department", "label", "is_empty"):
            if getattr(out, attr) != getattr(truth, attr):
                problems.append(f"{attr} {getattr(out, attr)!r} != {getattr(truth, attr)!r}")
        if bare and out.header_rows != truth.header_rows:
            problems.append(f"header_rows {out.header_rows} != {truth.header_rows}")
    got = [_row_key(r, drop_subject_code=unprinted_project_codes) for r in out.rows]
    exp = [_row_key(r, drop_subject_code=unprinted_project_codes) for r in truth.rows]
    matched = sum(1 for r in exp if r in got)
    rows_ok = got == exp
    if typed and not rows_ok:
        first = next((f"row {a} != {b}" for a, b in zip(got, exp) if a != b), f"{len(got)} rows != {len(exp)}")
        problems.append(first)
    columns_ok = [c.model_dump() for c in out.columns] == [c.model_dump() for c in truth.columns]
    if typed and not columns_ok:
        problems += [f"column {a.model_dump()} != {b.model_dump()}" for a, b in zip(out.columns, truth.columns)
                     if a != b]
    return TableResult(sample, truth.id, truth.table_type.value, typed, out.table_type == truth.table_type,
                       rows_ok, matched, len(exp), columns_ok, problems)


def score_tables(docs: tuple[tuple[str, DisclosureDocument], ...] | list, **kw: bool) -> list[TableResult]:
    return [score_table(name, t, **kw) for name, doc in docs for t in doc.tables]


# --------------------------------------------------------------------------------------------------
# cards


@dataclass
class CardResult:
    sample: str
    card_id: str
    card_type: str
    attrs_ok: int = 0
    attrs_total: int = 0
    fields_ok: int = 0
    fields_total: int = 0
    fields_extra: int = 0
    fields_unprinted: int = 0
    funds_ok: int = 0
    funds_total: int = 0
    indicators_ok: int = 0
    indicators_total: int = 0
    indicators_extra: int = 0
    indicators_unprinted: int = 0
    tasks_ok: bool = True
    problems: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.sample}/{self.card_id} ({self.card_type})"

    @property
    def perfect(self) -> bool:
        return not self.problems


def _form_texts(card: PerformanceCard) -> set[str]:
    return {c.text.strip() for c in card.form.cells} if card.form else set()


def _printed_value(value: object, texts: set[str], *, inside: bool = False) -> bool:
    if value is None or value == "":
        return True
    s = value.value if hasattr(value, "value") else str(value)
    return any(s in t for t in texts) if inside else s in texts


def printed_indicators(card: PerformanceCard) -> tuple[list, list]:
    """(printed, unprinted) truth indicators: a project form with one 指标值 column prints only the
    年度 block (the 申报表 layout)."""
    blocks = sum(1 for c in (card.form.cells if card.form else []) if c.text.strip() == "指标值")
    if card.card_type == CardType.project and blocks == 1:
        printed = [i for i in card.indicators if i.scope == IndicatorScope.annual]
        return printed, [i for i in card.indicators if i.scope != IndicatorScope.annual]
    return list(card.indicators), []


def score_card(sample: str, truth: PerformanceCard, *, year: int | None) -> CardResult:
    assert truth.form is not None
    out = structure_card(truth.form, title=truth.title, card_id=truth.id, year=year, pages=truth.pages)
    res = CardResult(sample, truth.id, truth.card_type.value)
    texts = _form_texts(truth)
    for attr in CARD_ATTRS:
        exp, got = getattr(truth, attr), getattr(out, attr)
        inside = attr in ("department_name", "department_code", "funds_unit")
        if attr not in ("card_type", "year") and not _printed_value(exp, texts, inside=inside):
            if got is not None:
                res.problems.append(f"{attr}: {got!r} for an unprinted {exp!r}")
            continue
        res.attrs_total += 1
        if got == exp:
            res.attrs_ok += 1
        else:
            res.problems.append(f"{attr}: {got!r} != {exp!r}")
    got_fields = [(f.key, f.value) for f in out.fields]
    for f in truth.fields:
        if not _printed_value(f.value, texts):
            res.fields_unprinted += 1
            continue
        res.fields_total += 1
        if (f.key, f.value) in got_fields:
            res.fields_ok += 1
        else:
            res.problems.append(f"field {f.key}={f.value[:30]!r} missing")
    truth_fields = {(f.key, f.value) for f in truth.fields}
    extra = [kv for kv in got_fields if kv not in truth_fields]
    res.fields_extra = len(extra)
    res.problems += [f"extra field {k}={v[:30]!r}" for k, v in extra]
    strip = {"provenance"}
    got_funds = [f.model_dump(exclude=strip) for f in out.funds]
    exp_funds = [f.model_dump(exclude=strip) for f in truth.funds]
    res.funds_total = len(exp_funds)
    res.funds_ok = sum(1 for a, b in zip(got_funds, exp_funds) if a == b)
    if got_funds != exp_funds:
        res.problems.append(f"funds: {res.funds_ok}/{len(exp_funds)} equal, {len(got_funds)} read")
    printed, unprinted = printed_indicators(truth)
    got_ind = [i.model_dump(exclude=strip) for i in out.indicators]
    exp_ind = [i.model_dump(exclude=strip) for i in printed]
    res.indicators_total, res.indicators_unprinted = len(exp_ind), len(unprinted)
    res.indicators_ok = sum(1 for a, b in zip(got_ind, exp_ind) if a == b)
    res.indicators_extra = max(0, len(got_ind) - len(exp_ind))
    if got_ind != exp_ind:
        first = next((f"{a} != {b}" for a, b in zip(got_ind, exp_ind) if a != b), "")
        res.problems.append(f"indicators: {res.indicators_ok}/{len(exp_ind)} equal, {len(got_ind)} read; {first}")
    res.tasks_ok = out.key_tasks == truth.key_tasks
    if not res.tasks_ok:
        res.problems.append("key tasks differ")
    return res


def score_cards(docs: tuple[tuple[str, DisclosureDocument], ...] | list) -> list[CardResult]:
    return [score_card(name, c, year=doc.year) for name, doc in docs for c in doc.cards if c.form is not None]


# --------------------------------------------------------------------------------------------------
# report


def table_summary(results: list[TableResult]) -> dict[str, tuple[int, int]]:
    """Per truth table type: (tables whose typed rows all equal the truth, tables with typed rows)."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        if r.typed:
            out[r.table_type][1] += 1
            out[r.table_type][0] += r.rows_ok
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}


def card_summary(results: list[CardResult]) -> dict[str, tuple[int, int]]:
    s: Counter = Counter()
    for r in results:
        for k in ("attrs", "fields", "funds", "indicators"):
            s[f"{k}_ok"] += getattr(r, f"{k}_ok")
            s[f"{k}_total"] += getattr(r, f"{k}_total")
        s["cards_ok"] += r.perfect
        s["cards"] += 1
        s["fields_unprinted"] += r.fields_unprinted
        s["indicators_unprinted"] += r.indicators_unprinted
    return {"cards": (s["cards_ok"], s["cards"]), "typed attributes": (s["attrs_ok"], s["attrs_total"]),
            "fields": (s["fields_ok"], s["fields_total"]), "funds": (s["funds_ok"], s["funds_total"]),
            "indicators": (s["indicators_ok"], s["indicators_total"]),
            "unprinted truth fields (not scored)": (s["fields_unprinted"], s["fields_unprinted"]),
            "unprinted truth indicators (not scored)": (s["indicators_unprinted"], s["indicators_unprinted"])}


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.1f}%)" if b else "0/0"


def report(docs: tuple | list, *, label: str, unprinted_project_codes: bool = False) -> str:
    lines = [f"== {label}"]
    tables = score_tables(docs, unprinted_project_codes=unprinted_project_codes)
    typed = [r for r in tables if r.typed]
    lines.append(f"table type: {_pct(sum(r.type_ok for r in tables), len(tables))} tables")
    lines.append(f"typed rows equal (whole table): {_pct(sum(r.rows_ok for r in typed), len(typed))}; "
                 f"rows: {_pct(sum(r.rows_matched for r in typed), sum(r.rows_total for r in typed))}; "
                 f"columns equal: {_pct(sum(r.columns_ok for r in typed), len(typed))}")
    for t, (ok, n) in table_summary(tables).items():
        lines.append(f"  {t:42s} {_pct(ok, n)}")
    for r in tables:
        if r.problems:
            lines.append(f"  ! {r.name}: " + "; ".join(p[:160] for p in r.problems[:3]))
    cards = score_cards(docs)
    if cards:
        for k, (ok, n) in card_summary(cards).items():
            lines.append(f"cards {k}: {_pct(ok, n) if 'unprinted' not in k else n}")
        for r in cards:
            if r.problems:
                lines.append(f"  ! {r.name}: " + "; ".join(p[:160] for p in r.problems[:3]))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    print(report(sample_documents(), label="sample set (datasets/samples)"))
    n = int(argv[1]) if len(argv) > 1 else 10
    print(report(generated_documents(range(n)), label=f"generated documents (seeds 0..{n - 1} x 3 styles)",
                 unprinted_project_codes=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
