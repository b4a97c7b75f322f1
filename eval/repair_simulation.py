"""Repair on generated documents with one misread amount injected at a time.

Usage: ``python eval/repair_simulation.py --seeds 10 --out eval/results/repair_simulation``

For each style (shanxi, jiangsu, shanghai) and seed, a full generated document (exact by
construction: its labels are the ledger that drew it) gets, one at a time, a misreading of one
random amount: a known confusion (1/7, 3/8, 0/6/8/9, 5/6), any other digit, a lost decimal point
or a dropped digit, drawn as OCR errors are. No OCR alternatives are given, so only the priors
speak: a lower bound for documents whose cells carry the recogniser's candidates. Each outcome is
counted: not detected (no identity failed), repaired right, repaired wrong, or left for review.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

from budgetdoc.checks.confidence import amount_refs
from budgetdoc.checks.readings import CONFUSIONS
from budgetdoc.checks.repair import repair_document
from budgetdoc.checks.values import cell_key, read_cell, write_cell
from budgetdoc.synth.variants import random_document

KINDS = ("confusion", "confusion", "other digit", "lost point", "dropped digit")


def misread(text: str, rng: random.Random) -> tuple[str, str]:
    """One OCR-like misreading of a printed amount, and its kind."""
    digits = [i for i, c in enumerate(text) if c.isdigit()]
    kind = rng.choice(KINDS)
    i = rng.choice(digits)
    if kind == "confusion" and CONFUSIONS.get(text[i]):
        return text[:i] + rng.choice(CONFUSIONS[text[i]]) + text[i + 1:], kind
    if kind == "lost point" and "." in text:
        return text.replace(".", ""), kind
    if kind == "dropped digit" and len(digits) > 1:
        return text[:i] + text[i + 1:], kind
    return text[:i] + rng.choice([d for d in "0123456789" if d != text[i]]) + text[i + 1:], "other digit"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--per-document", type=int, default=15)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    by_kind: dict[str, Counter] = {}
    wrong: list[dict] = []
    seconds = []
    for seed in range(args.seeds):
        for style in ("shanxi", "jiangsu", "shanghai"):
            base = random_document(seed, style=style)
            refs = [r for r in amount_refs(base) if (c := read_cell(base, r)) and c.value and c.text]
            rng = random.Random(seed)
            for ref in rng.sample(refs, min(args.per_document, len(refs))):
                doc = base.model_copy(deep=True)
                text = read_cell(doc, ref).text
                bad, kind = misread(text, rng)
                write_cell(doc, ref, bad)
                t0 = time.perf_counter()
                report = repair_document(doc)
                seconds.append(time.perf_counter() - t0)
                c = by_kind.setdefault(kind, Counter())
                c["injected"] += 1
                if report.failed_before == 0:
                    c["not detected"] += 1
                elif not report.repairs:
                    c["left for review"] += 1
                else:
                    right = all(cell_key(r.cell) == cell_key(ref) for r in report.repairs) and \
                        read_cell(doc, ref).value == read_cell(base, ref).value
                    c["repaired right" if right else "repaired wrong"] += 1
                    if not right:
                        wrong.append({"style": style, "seed": seed, "cell": ref.model_dump(exclude_none=True),
                                      "printed": text, "misread": bad,
                                      "repairs": [r.model_dump(mode="json") for r in report.repairs]})
    total = sum(by_kind.values(), Counter())
    detected = total["injected"] - total["not detected"]
    summary = {"injected": total["injected"], "detected": detected, "repaired_right": total["repaired right"],
               "repaired_wrong": total["repaired wrong"], "left_for_review": total["left for review"],
               "repaired_share_of_detected": round(total["repaired right"] / detected, 4) if detected else None,
               "median_repair_s": round(sorted(seconds)[len(seconds) // 2], 4)}
    result = {"command": " ".join(sys.argv), "summary": summary,
              "by_kind": {k: dict(v) for k, v in sorted(by_kind.items())}, "wrong": wrong}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    cols = ("injected", "not detected", "repaired right", "repaired wrong", "left for review")
    lines = [f"# Repair of injected misreadings ({args.seeds} seeds × 3 styles, {args.per_document} per document)", "",
             f"`{result['command']}`", "", "| misreading | " + " | ".join(cols) + " |",
             "|---|" + "---:|" * len(cols)]
    for k, v in sorted(by_kind.items()):
        lines.append(f"| {k} | " + " | ".join(str(v[c]) for c in cols) + " |")
    lines.append("| **all** | " + " | ".join(str(total[c]) for c in cols) + " |")
    lines += ["", f"Repaired right {summary['repaired_right']} of {detected} detected "
                  f"({summary['repaired_share_of_detected']:.1%}), wrong {summary['repaired_wrong']}; median "
                  f"{summary['median_repair_s']} s per document (checks included)."]
    args.out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
