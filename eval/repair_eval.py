"""Measure the repair stage on extracted documents: accuracy before and after, and every repair judged.

Usage::

    budgetdoc extract <sample>/pages ... --out PRED --no-repair --no-tables
    python eval/repair_eval.py --truth datasets/samples --preset poor-scan --pred PRED \
        --out eval/results/repair_eval

For each prediction ``PRED/<id>.json`` with a truth folder ``<id>/truth.json``: the document as
extracted (no repair) is scored with the evaluator; the same document after
:func:`budgetdoc.checks.verify.verify_document` is scored again. Each repair is then judged against
the truth cell it lands on (tables paired and rows/columns aligned by the evaluator's own
functions): **right** (the repaired value is the truth), **wrong**, and whether the original was
already right (a correct value changed: must never happen). Writes ``OUT.json`` and ``OUT.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from budgetdoc.checks.verify import verify_document
from budgetdoc.evaluation.metrics import align_grids, cell_correct, match_tables
from budgetdoc.evaluation.scoring import evaluate
from budgetdoc.model.document import DisclosureDocument, Repair
from budgetdoc.model.io import dump_document, load_document
from budgetdoc.parsing.amounts import format_amount

METRICS = ("numeric_cell_accuracy", "empty_cell_accuracy", "text_cell_accuracy", "row_accuracy",
           "card_field_accuracy")


def _truth_text_table(truth: DisclosureDocument, pred: DisclosureDocument, rep: Repair) -> str | None:
    ptable = next((i for i, t in enumerate(pred.tables) if t.id == rep.cell.table_id), None)
    if ptable is None or not truth.tables:
        return None
    match = next((m for m in match_tables(pred=pred.tables, gt=truth.tables) if m.pred == ptable), None)
    if match is None:
        return None
    gt, pt = truth.tables[match.gt], pred.tables[ptable]
    al = align_grids(pred=pt, gt=gt)
    grow = next((g for g, p in enumerate(al.rows) if p == rep.cell.row), None)
    gcol = next((g for g, p in enumerate(al.cols) if p == rep.cell.col), None)
    if grow is None or gcol is None:
        return None
    return gt.grid[grow][gcol]


def _truth_text_card(truth: DisclosureDocument, pred: DisclosureDocument, rep: Repair) -> str | None:
    card = next((c for c in pred.cards if c.id == rep.cell.card_id), None)
    if card is None or not rep.cell.field:
        return None
    i = int(rep.cell.field.split("[")[1].split("]")[0])
    attr = rep.cell.field.split(".")[-1]
    line = card.funds[i]
    tcard = next((c for c in truth.cards if c.card_type == card.card_type
                  and (c.project_name or c.title) == (card.project_name or card.title)), None)
    tline = next((f for f in (tcard.funds if tcard else []) if f.canonical == line.canonical
                  and f.direction == line.direction), None)
    value = getattr(tline, attr) if tline is not None else None
    return format_amount(value) if value is not None else ("" if tline is not None else None)


def judge(truth: DisclosureDocument, pred_before: DisclosureDocument, rep: Repair) -> dict:
    """A repair against the truth: was the original right, is the repaired value right."""
    if rep.cell.table_id is not None:
        gt = _truth_text_table(truth, pred_before, rep)
    else:
        gt = _truth_text_card(truth, pred_before, rep)
    out = {"cell": rep.cell.model_dump(mode="json", exclude_none=True), "original": rep.original,
           "repaired": rep.repaired, "truth": gt, "rules": rep.rule_ids, "evidence": rep.evidence,
           "confidence": rep.confidence}
    if gt is None:
        out["verdict"] = "unmatched"
    else:
        out["original_right"] = cell_correct(pred=rep.original, gt=gt)
        out["verdict"] = "right" if cell_correct(pred=rep.repaired, gt=gt) else "wrong"
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--truth", type=Path, required=True, help="folder of sample folders (<id>/truth.json)")
    ap.add_argument("--pred", type=Path, required=True, help="folder of <id>.json extracted with --no-repair")
    ap.add_argument("--preset", default=None, help="only samples whose id contains this (e.g. poor-scan)")
    ap.add_argument("--out", type=Path, required=True, help="write OUT.json and OUT.md")
    args = ap.parse_args(argv)

    ids = sorted(p.stem for p in args.pred.glob("*.json")
                 if (args.truth / p.stem / "truth.json").exists() and (not args.preset or args.preset in p.stem))
    if not ids:
        print(f"no predictions in {args.pred} with a truth in {args.truth}", file=sys.stderr)
        return 2
    judged: list[dict] = []
    per_doc = []
    seconds = []
    with tempfile.TemporaryDirectory() as tmp:
        truth_dir, before_dir, after_dir = Path(tmp, "truth"), Path(tmp, "before"), Path(tmp, "after")
        for d in (truth_dir, before_dir, after_dir):
            d.mkdir()
        for i in ids:
            (truth_dir / i).symlink_to((args.truth / i).resolve())
            before = load_document(args.pred / f"{i}.json")
            before.repairs, before.review = [], []
            dump_document(before, before_dir / f"{i}.json")
            after = before.model_copy(deep=True)
            t0 = time.perf_counter()
            report = verify_document(after)
            seconds.append(time.perf_counter() - t0)
            dump_document(after, after_dir / f"{i}.json")
            truth = load_document(args.truth / i / "truth.json")
            reps = [judge(truth, before, r) for r in report.repairs]
            judged += [{"document": i, **r} for r in reps]
            per_doc.append({"document": i, "failed_before": report.failed_before, "failed_after": report.failed_after,
                            "repairs": len(reps), "right": sum(r["verdict"] == "right" for r in reps),
                            "review": len(after.review), "seconds": round(seconds[-1], 3)})
        scores = {}
        for name, folder in (("before", before_dir), ("after", after_dir)):
            s = evaluate(truth_dir, folder, with_grits=False).summary
            scores[name] = {m: getattr(s, m) for m in METRICS}
    verdicts = [r["verdict"] for r in judged]
    summary = {
        "documents": len(ids), "repairs": len(judged), "right": verdicts.count("right"),
        "wrong": verdicts.count("wrong"), "unmatched": verdicts.count("unmatched"),
        "correct_values_changed": sum(1 for r in judged if r.get("original_right")),
        "failed_identities_before": sum(d["failed_before"] for d in per_doc),
        "failed_identities_after": sum(d["failed_after"] for d in per_doc),
        "median_verify_s": sorted(seconds)[len(seconds) // 2],
        "scores": scores,
    }
    result = {"command": " ".join(sys.argv), "summary": summary, "documents": per_doc, "repairs": judged}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    lines = [f"# Repair on extracted documents ({len(ids)} documents)", "", f"`{result['command']}`", "",
             "| metric | before repair | after repair |", "|---|---:|---:|"]
    for m in METRICS:
        b, a = scores["before"][m], scores["after"][m]
        lines.append(f"| {m} | {'' if b is None else f'{b:.4f}'} | {'' if a is None else f'{a:.4f}'} |")
    lines += ["", f"Repairs: {summary['repairs']}, right {summary['right']}, wrong {summary['wrong']}, "
                  f"not matched to a truth cell {summary['unmatched']}; correct values changed: "
                  f"{summary['correct_values_changed']}. Failed identities {summary['failed_identities_before']} → "
                  f"{summary['failed_identities_after']}. Verification (checks, repair, confidence) median "
                  f"{summary['median_verify_s']:.2f} s per document.", "",
              "| document | failed before | after | repairs | right | review list |", "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {d['document']} | {d['failed_before']} | {d['failed_after']} | {d['repairs']} | {d['right']} | "
              f"{d['review']} |" for d in per_doc]
    lines += ["", "| document | cell | original | repaired | truth | verdict | rules |", "|---|---|---|---|---|---|---|"]
    for r in judged:
        c = r["cell"]
        where = c.get("table_id") or c.get("card_id")
        where += f" r{c['row']} c{c['col']}" if "row" in c else f" {c.get('field')}"
        lines.append(f"| {r['document']} | {where} | {r['original']} | {r['repaired']} | {r['truth']} | "
                     f"{r['verdict']} | {', '.join(r['rules'])} |")
    args.out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
