"""Injected-error coverage of the accounting identities: change one digit of one amount, run the checks.

Usage: .venv/bin/python eval/check_coverage.py [--seeds N] [--tolerance 0.02]
       [--out eval/results/check_coverage.json] [--md eval/results/check_coverage.md]

For full generated documents (``random_document`` seeds 0..N-1 in each style, built in memory) and the
labelled sample truths (``datasets/samples/*/truth.json``), every amount cell (typed table amounts, card
fund lines, narrative amounts/shares/changes) is changed by one digit, one at a time:

* at the run's tolerance, by a random single-digit change larger than what the identities naming the
  cell admit (a change at or below the 尾差 tolerance is undetectable by design);
* at tolerance 0, by the smallest single-digit change (beyond a narrative figure's own rounding);

and counted as caught when a failed identity names the changed cell. Reported per table type, per
rule family and per style: amount cells, covered % (named by at least one identity that was not
skipped), caught %, caught % at tolerance 0; the cells no identity covers, grouped, with the reason;
and printed numbers in amount columns that no typed row holds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

from budgetdoc.checks.coverage import (
    CellOutcome,
    measure_document,
    summarize_outcomes,
    uncovered_reason,
    untyped_amount_cells,
)
from budgetdoc.checks.rules import FAMILIES, run_rules
from budgetdoc.model.io import load_document
from budgetdoc.synth.variants import STYLES, random_document
from budgetdoc.util.files import atomic_write_text

ROOT = Path(__file__).resolve().parents[1]


def _documents(seeds: int, samples: bool):
    for style in STYLES:
        for seed in range(seeds):
            yield "generated", style, f"{style}-{seed}", random_document(seed, style=style)
    if samples:
        for path in sorted((ROOT / "datasets" / "samples").glob("*/truth.json")):
            name = path.parent.name
            if name.startswith("real-"):
                continue  # real page excerpts carry grids only, no typed rows or figures
            style = next((s for s in STYLES if f"-{s}-" in name), "shanxi")
            yield "sample", style, name, load_document(path)


def _row(title: str, s: dict) -> str:
    def pct(v):
        return "—" if v is None else f"{v:.2f}"
    return (f"| {title} | {s['cells']} | {s['covered']} | {pct(s['covered_pct'])} | {s['caught']}/{s['detectable']} "
            f"| {pct(s['caught_pct'])} | {s['caught_at_zero']}/{s['at_zero']} | {pct(s['caught_at_zero_pct'])} |")


HEAD = ("| {} | amount cells | covered | covered % | caught / changes > tolerance | caught % "
        "| caught / changes at tol 0 | caught % at tol 0 |\n|---|---|---|---|---|---|---|---|")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=3, help="generated documents per style (seeds 0..N-1)")
    ap.add_argument("--tolerance", default="0.02", help="the run's tolerance (尾差), in the compared unit")
    ap.add_argument("--no-samples", action="store_true", help="leave out the sample truths")
    ap.add_argument("--out", type=Path, default=ROOT / "eval" / "results" / "check_coverage.json")
    ap.add_argument("--md", type=Path, default=ROOT / "eval" / "results" / "check_coverage.md")
    args = ap.parse_args()
    tolerance = Decimal(args.tolerance)

    t0 = time.perf_counter()
    generated: list[CellOutcome] = []
    sampled: list[CellOutcome] = []
    by_style: dict[str, list[CellOutcome]] = defaultdict(list)
    uncovered: Counter = Counter()
    uncovered_styles: dict[tuple, set[str]] = defaultdict(set)
    untyped: Counter = Counter()
    misses, misses0, per_doc = [], [], []
    clean_failures = 0
    for origin, style, name, doc in _documents(args.seeds, not args.no_samples):
        outcomes = measure_document(doc, tolerance, seed=len(per_doc))
        results = run_rules(doc, tolerance)
        clean_failures += sum(r.status == "failed" for r in results)
        strict = sum(r.status == "failed" for r in run_rules(doc, Decimal(0)))
        (generated if origin == "generated" else sampled).extend(outcomes)
        if origin == "generated":
            by_style[style].extend(outcomes)
            for o in outcomes:
                if not o.covered:
                    what = o.cell.what.split(":")[0] if o.cell.kind == "figure" else o.cell.what
                    label = o.cell.what.split(":", 1)[1] if o.cell.kind == "figure" else ""
                    key = (o.cell.group, what, label, uncovered_reason(doc, o.cell, results))
                    uncovered[key] += 1
                    uncovered_styles[key].add(style)
            tables = {t.id: t for t in doc.tables}
            for ref in untyped_amount_cells(doc):
                t = tables[ref.table_id]
                head = "/".join(next((c.header for c in t.columns if c.index == ref.col), []))
                untyped[(style, t.table_type.value, head)] += 1
        for o in outcomes:
            if o.covered and o.detectable and not o.caught:
                misses.append({"document": name, "cell": str(o.cell), "change": o.change, "rules": o.rules})
            if o.caught_by_at_zero is not None and not o.caught_by_at_zero:
                misses0.append({"document": name, "cell": str(o.cell), "change": o.change_at_zero, "rules": o.rules})
        s = summarize_outcomes(outcomes)["all"]
        per_doc.append({"document": name, "origin": origin, "style": style,
                        "failures_clean": sum(r.status == "failed" for r in results),
                        "failures_clean_at_zero": strict, **s})
        print(f"{name}: {s['cells']} cells, {s['covered_pct']}% covered, caught {s['caught']}/{s['detectable']}, "
              f"at tol 0 {s['caught_at_zero']}/{s['at_zero']}", file=sys.stderr)
    seconds = round(time.perf_counter() - t0, 1)

    gen = summarize_outcomes(generated)
    result = {
        "command": "python eval/check_coverage.py " + " ".join(sys.argv[1:]),
        "tolerance": str(tolerance), "seeds_per_style": args.seeds, "styles": list(STYLES), "seconds": seconds,
        "generated": {"all": gen["all"], "by_table_type": gen["by_group"], "by_family": gen["by_family"],
                      "by_style": {s: summarize_outcomes(v)["all"] for s, v in by_style.items()}},
        "samples": summarize_outcomes(sampled) if sampled else None,
        "clean_failures": clean_failures,
        "missed": misses, "missed_at_zero": misses0,
        "uncovered": [{"table_type": g, "what": w, "label": lab, "reason": reason, "cells": n,
                       "styles": sorted(uncovered_styles[(g, w, lab, reason)])}
                      for (g, w, lab, reason), n in sorted(uncovered.items(), key=lambda kv: (kv[0][0], -kv[1]))],
        "untyped_amount_cells": [{"style": st, "table_type": tt, "header": head, "cells": n}
                                 for (st, tt, head), n in sorted(untyped.items())],
        "documents": per_doc,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    atomic_write_text(args.md, _markdown(result))
    print(json.dumps(result["generated"]["all"]), file=sys.stderr)


def _markdown(r: dict) -> str:
    g = r["generated"]
    intro = ("Each amount cell (typed table amounts, card fund lines, narrative amounts/shares/changes) is changed "
             "by one digit, one at a time. *Covered*: at least one identity that was not skipped names the cell. "
             "*Caught*: a failed identity names the changed cell, for a random single-digit change larger than what "
             "the identities naming the cell admit (changes within the 尾差 tolerance are undetectable by design), "
             "and, at tolerance 0, for the smallest single-digit change (beyond a narrative figure's own rounding). "
             "Per family, a cell counts when an identity of that family names it, and its change when it exceeds "
             "that family's tolerance for the cell.")
    out = ["# Injected-error coverage of the accounting identities", "",
           (f"Command: `{r['command'].strip()}` ({r['seconds']} s). Tolerance {r['tolerance']}; full generated "
            f"documents: seeds 0..{r['seeds_per_style'] - 1} of each style ({', '.join(r['styles'])}), built in "
            "memory."), "", intro, "",
           (f"Unchanged documents: {r['clean_failures']} failed identities. Missed changes: {len(r['missed'])} "
            f"(at tolerance 0: {len(r['missed_at_zero'])})."), "",
           "## Full generated documents, by table type", "", HEAD.format("table type")]
    out += [_row(t, s) for t, s in g["by_table_type"].items()]
    out.append(_row("**all**", g["all"]))
    out += ["", "## By rule family", "", HEAD.format("family")]
    out += [_row(f, g["by_family"][f]) for f in FAMILIES]
    out += ["", "## By style", "", HEAD.format("style")]
    out += [_row(s, v) for s, v in g["by_style"].items()]
    if r["samples"]:
        out += ["", "## Sample truths (`datasets/samples/seed-*`, `synth-*`)", "", HEAD.format("table type")]
        out += [_row(t, s) for t, s in r["samples"]["by_group"].items()]
        out.append(_row("**all**", r["samples"]["all"]))
    out += ["", "## Amount cells no identity covers (full generated documents)", "",
            "| table type | what | label | cells | styles | reason |", "|---|---|---|---|---|---|"]
    out += [f"| {u['table_type']} | {u['what']} | {u['label']} | {u['cells']} | {', '.join(u['styles'])} | {u['reason']} |"
            for u in r["uncovered"]]
    out += ["", "## Printed amounts no typed row holds (not enumerated above, read by no identity)", "",
            "| style | table type | column header | cells |", "|---|---|---|---|"]
    out += [f"| {u['style']} | {u['table_type']} | {u['header']} | {u['cells']} |" for u in r["untyped_amount_cells"]]
    if r["missed"] or r["missed_at_zero"]:
        out += ["", "## Missed changes", ""]
        out += [f"- {m['document']} {m['cell']} -> {m['change']} ({', '.join(m['rules'])})"
                for m in r["missed"] + r["missed_at_zero"]]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
