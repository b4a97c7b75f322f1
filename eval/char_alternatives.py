"""How often the recogniser's per-character alternatives reach the truth of a misread amount.

Two readings of the poor-scan samples (``--preset``), both with PP-OCRv6-small (RapidOCR, budgetdoc's
CTC top-k decoder) and the pipeline's cleaning and alignment
(:func:`budgetdoc.pipeline.page.read_cell_text`):

* **labelled cells** — every labelled table cell cut out as ``python -m budgetdoc.bench.engines``
  cuts it (labelled quad warped upright, 4 px inset, specks cleaned with the page's glyph height)
  and read through :func:`budgetdoc.ocr.cells.read_cells`: recognition only, structure known. It is
  read once with ``top_k=--wide-top-k`` and scored twice: as the pipeline keeps the alternatives
  (the engine's ``top_k=--top-k`` candidates with the character itself, so ``top_k - 1`` others, p
  >= 0.001; the CTC peak frame does not depend on k, so cutting the wide list is the same) and
  with the wide list and no floor;
* **pipeline** — ``budgetdoc extract`` on each whole sample (checks off, so the texts are the OCR's),
  its tables and card forms paired with the truth's (:func:`budgetdoc.evaluation.metrics.match_tables`,
  :func:`~budgetdoc.evaluation.metrics.align_grids`): what the repair search actually meets.

For the numeric cells (truth a plain decimal) read **wrong** (a different value, or none), it asks
whether the truth is reachable from the final text by swapping characters for their recogniser
alternatives: (a) one swap, (b) up to two, (c) not at all, with the reasons — the reading has another
length (a dropped or extra digit, a lost decimal point ...), the true character is not among the
alternatives, more than two characters are wrong, the cell carries no readings (its text does not
look like an amount, or it is blank), or (pipeline) no cell was found there. The truth is matched in
its printed form and without thousands separators (a reading "1284.50" for "1,234.50" is one swap
away). For every wrong character of a same-length reading it records the read character's score and,
when the true character is among the alternatives, its rank (1 = the best alternative) and probability.

Cost: seconds spent building the readings (alignment and conversion) against the seconds of
``read_cells`` / of the whole extraction, and the document JSON size with and without them.

    .venv/bin/python eval/char_alternatives.py --json eval/results/char_alternatives.json \\
        --md eval/results/char_alternatives.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

def _truth_forms(truth: str) -> list[str]:
    from budgetdoc.evaluation.text import fold_text

    t = fold_text(truth)
    forms = [t]
    if "," in t:
        forms.append(t.replace(",", ""))
    return forms


def classify(read: str, chars: list | None, truth: str, *, max_subs: int = 2) -> dict[str, Any]:
    """Whether ``truth`` is reachable from the final text ``read`` by swapping characters for their
    alternatives (``chars``: the cell's :class:`CharReading` list, aligned with ``read``)."""
    if not read:
        return {"category": "unreachable", "reason": "blank reading"}
    if chars is None:
        return {"category": "unreachable", "reason": "no character readings (text not amount-like)"}
    best: dict[str, Any] | None = None
    for form in _truth_forms(truth):
        if len(form) != len(read):
            continue
        diffs = [i for i, (a, b) in enumerate(zip(read, form)) if a != b]
        positions = []
        for i in diffs:
            c = chars[i]
            alts = [a.char for a in c.alternatives]
            rank = alts.index(form[i]) + 1 if form[i] in alts else None
            positions.append({
                "pos": i, "read": read[i], "truth": form[i], "read_score": c.score,
                "rank": rank, "prob": c.alternatives[rank - 1].score if rank else None,
                "changed_by_cleaning": c.score is None,
            })
        reachable = all(p["rank"] is not None for p in positions)
        cand = {"diffs": len(diffs), "reachable": reachable, "positions": positions, "form": form}
        if best is None or (cand["reachable"], -cand["diffs"]) > (best["reachable"], -best["diffs"]):
            best = cand
    if best is None:
        forms = _truth_forms(truth)
        target = forms[-1]
        r = read.replace(",", "")
        if r.replace(".", "") == target.replace(".", ""):
            reason = "decimal point lost, added or moved"
        elif len(r) < len(target):
            reason = "characters dropped"
        else:
            reason = "extra characters"
        return {"category": "unreachable", "reason": reason}
    if best["reachable"] and best["diffs"] <= max_subs:
        cat = "one_substitution" if best["diffs"] == 1 else "two_substitutions"
        return {"category": cat, **best}
    if best["diffs"] > max_subs:
        reason = f"same length, {best['diffs']} characters wrong"
    elif any(p["changed_by_cleaning"] for p in best["positions"]):
        reason = "same length, a wrong character was changed by the cleaning (no readings)"
    else:
        reason = "same length, true character not among the alternatives"
    return {"category": "unreachable", "reason": reason, **best}


NO_CELL = "no predicted cell (table, row or column not found)"


def _reach(wrong: list[dict]) -> dict[str, Any]:
    """(a)/(b)/(c) counts over a subset of the wrong cells."""
    cats = Counter(c["category"] for c in wrong)
    one, two = cats.get("one_substitution", 0), cats.get("two_substitutions", 0)
    n = len(wrong)
    return {"wrong": n, "one_substitution": one, "up_to_two_substitutions": one + two,
            "unreachable": cats.get("unreachable", 0),
            "fraction_up_to_two": round((one + two) / n, 4) if n else None}


def summarise(numeric: int, wrong: list[dict]) -> dict[str, Any]:
    cats = Counter(c["category"] for c in wrong)
    reasons = Counter(c["reason"] for c in wrong if c["category"] == "unreachable")
    n = len(wrong)

    def frac(x: int) -> float | None:
        return round(x / n, 4) if n else None

    ranks: Counter[int] = Counter()
    probs: list[float] = []
    read_scores_wrong: list[float] = []
    not_offered = 0
    for c in wrong:
        for p in c.get("positions", []):
            if p["read_score"] is not None:
                read_scores_wrong.append(p["read_score"])
            if p["rank"] is not None:
                ranks[p["rank"]] += 1
                probs.append(p["prob"])
            else:
                not_offered += 1
    one = cats.get("one_substitution", 0)
    two = cats.get("two_substitutions", 0)
    return {
        "numeric_cells": numeric,
        "wrong": n,
        "numeric_accuracy": round(1 - n / numeric, 4) if numeric else None,
        "reachable_one_substitution": {"count": one, "fraction": frac(one)},
        "reachable_up_to_two_substitutions": {"count": one + two, "fraction": frac(one + two)},
        "unreachable": {"count": cats.get("unreachable", 0), "fraction": frac(cats.get("unreachable", 0)),
                        "reasons": dict(reasons.most_common())},
        "subsets": {
            "misread_by_ocr (a cell was found there)": _reach([c for c in wrong if c.get("reason") != NO_CELL]),
            "truth printed with a decimal point (amounts, not codes)": _reach([c for c in wrong if "." in c["truth"]]),
        },
        "wrong_chars_in_same_length_readings": {
            "true_char_among_alternatives": sum(ranks.values()),
            "true_char_not_offered": not_offered,
            "rank_histogram": {str(k): v for k, v in sorted(ranks.items())},
            "prob_of_true_char": _dist(probs),
            "score_of_the_wrong_char_read": _dist(read_scores_wrong),
        },
    }


def _dist(xs: list[float]) -> dict[str, Any]:
    if not xs:
        return {"n": 0}
    s = sorted(xs)
    return {"n": len(s), "min": round(s[0], 4), "median": round(statistics.median(s), 4),
            "mean": round(statistics.fmean(s), 4), "max": round(s[-1], 4)}




def _wrong_cell(where: str, truth: str, raw: str, read: str, chars: list | None) -> dict[str, Any]:
    cell = {"where": where, "truth": truth, "raw": raw, "read": read, "right": False}
    cell.update(classify(read, chars, truth))
    cell["chars"] = None if chars is None else [c.model_dump(mode="json") for c in chars]
    return cell


def _chars_stats(all_chars: list[list]) -> dict[str, Any]:
    return {
        "amount_cells_with_chars": len(all_chars),
        "chars": sum(len(ch) for ch in all_chars),
        "chars_with_alternatives": sum(1 for ch in all_chars for c in ch if c.alternatives),
        "alternatives": sum(len(c.alternatives) for ch in all_chars for c in ch),
        "chars_without_score": sum(1 for ch in all_chars for c in ch if c.score is None),
        "chars_compact_json_bytes": sum(
            len(json.dumps([c.model_dump(mode="json") for c in ch], separators=(",", ":"))) for ch in all_chars),
    }


def labelled_cells(pages, *, top_k: int, wide_top_k: int, progress) -> list[dict[str, Any]]:
    """Part 1: the labelled cells read with known structure (see the module docstring)."""
    import cv2

    from budgetdoc.bench.engines import crop_cells, page_glyph_px
    from budgetdoc.evaluation.text import parse_decimal
    from budgetdoc.ocr import build_engine
    from budgetdoc.ocr.alignment import char_readings, looks_like_amount, text_readings
    from budgetdoc.ocr.cells import read_cells
    from budgetdoc.pipeline.page import clean_cell_text

    engine = build_engine({"kind": "rapidocr", "model_set": "PP-OCRv6-small", "top_k": max(top_k, wide_top_k)})
    # (name, alternatives other than the character itself, probability floor)
    variants = [(f"labelled cells, top_k={top_k}, p >= 0.001 (the pipeline's default)", top_k - 1, 0.001)]
    if wide_top_k > top_k:
        variants.append((f"labelled cells, top_k={wide_top_k}, no probability floor", wide_top_k - 1, 0.0))
    numeric = [0] * len(variants)
    wrong: list[list[dict]] = [[] for _ in variants]
    kept: list[list[list]] = [[] for _ in variants]
    t_read = t_chars = 0.0
    for k, page in enumerate(pages):
        image = cv2.imread(str(page.image_path), cv2.IMREAD_COLOR)
        crops = crop_cells(image, page, inset=4.0, crop="quad")
        t0 = time.perf_counter()
        readings = read_cells(engine, crops, glyph_px=page_glyph_px(image))
        t_read += time.perf_counter() - t0
        for truth, key, reading in zip(page.texts, page.keys, readings):
            text = clean_cell_text(reading.text, reading.confidence)
            want = parse_decimal(truth)
            for v, (_, others, floor) in enumerate(variants):
                t1 = time.perf_counter()
                chars = None
                if text and looks_like_amount(text):
                    chars = char_readings(text_readings(reading.lines), text, top_k=others, min_prob=floor)
                if v == 0:
                    t_chars += time.perf_counter() - t1
                if chars is not None:
                    kept[v].append(chars)
                if want is None:
                    continue
                numeric[v] += 1
                if parse_decimal(text) != want:
                    wrong[v].append(_wrong_cell(f"{page.sample_id} p{page.page} {key}", truth, reading.text, text,
                                                chars))
        if progress:
            progress(f"labelled [{k + 1}/{len(pages)}] {page.sample_id} p{page.page}: {len(crops)} cells")
    runs = []
    for v, (name, others, floor) in enumerate(variants):
        cost = _chars_stats(kept[v])
        if v == 0:
            cost.update({"read_cells_seconds": round(t_read, 3), "char_readings_seconds": round(t_chars, 4),
                         "char_readings_vs_read_cells": round(t_chars / t_read, 5) if t_read else None})
        runs.append({"name": name, "alternatives_per_char": others, "min_prob": floor,
                     "summary": summarise(numeric[v], wrong[v]), "cost": cost, "wrong_cells": wrong[v]})
    return runs


def _slots(grid) -> dict[tuple[int, int], Any]:
    out = {}
    for c in grid.cells:
        for r in range(c.row, c.row + c.row_span):
            for k in range(c.col, c.col + c.col_span):
                out[(r, k)] = c
    return out


def pipeline_cells(samples: list[Path], *, progress) -> dict[str, Any]:
    """Part 2: whole samples through ``budgetdoc extract`` (checks off), paired with their truth."""
    import budgetdoc.pipeline.page as page_mod
    from budgetdoc.evaluation.metrics import align_grids, match_tables
    from budgetdoc.evaluation.text import parse_decimal
    from budgetdoc.model.io import document_to_json, load_document
    from budgetdoc.pipeline import DocumentInput, ExtractOptions, build_stages, extract_document

    spent = [0.0]
    original = page_mod.char_readings

    def timed(*a, **kw):
        t0 = time.perf_counter()
        try:
            return original(*a, **kw)
        finally:
            spent[0] += time.perf_counter() - t0

    options = ExtractOptions(run_checks=False)
    stages = build_stages(options)
    numeric = 0
    wrong: list[dict] = []
    kept: list[list] = []
    size = Counter()
    seconds = 0.0
    n_pages = 0
    page_mod.char_readings = timed
    try:
        for k, s in enumerate(samples):
            paths = tuple(sorted((s / "pages").glob("page-*.*")))
            t0 = time.perf_counter()
            doc = extract_document(DocumentInput(name=s.name, paths=paths), options, stages=stages).document
            seconds += time.perf_counter() - t0
            n_pages += len(paths)
            truth = load_document(s / "truth.json")
            preds = [t for t in doc.tables] + [c.form for c in doc.cards if c.form is not None]
            gts = [(t.id, t) for t in truth.tables] + [(c.id, c.form) for c in truth.cards if c.form is not None]
            pairs = {m.gt: m.pred for m in match_tables(pred=preds, gt=[g for _, g in gts])}
            for grid in preds:
                kept += [c.provenance.chars for c in grid.cells if c.provenance and c.provenance.chars]
            for i, (gid, gt) in enumerate(gts):
                pred = preds[pairs[i]] if i in pairs else None
                al = align_grids(pred=pred, gt=gt) if pred is not None else None
                slots = _slots(pred) if pred is not None else {}
                for c in gt.cells:
                    want = parse_decimal(c.text)
                    if want is None:
                        continue
                    numeric += 1
                    pc = None
                    if al is not None:
                        pr = al.rows[c.row] if c.row < len(al.rows) else None
                        pk = al.cols[c.col] if c.col < len(al.cols) else None
                        pc = slots.get((pr, pk)) if pr is not None and pk is not None else None
                    where = f"{s.name} {gid} r{c.row}c{c.col}"
                    if pc is None:
                        wrong.append({"where": where, "truth": c.text, "raw": "", "read": "", "right": False,
                                      "category": "unreachable", "reason": NO_CELL})
                        continue
                    if parse_decimal(pc.text) == want:
                        continue
                    prov = pc.provenance
                    raw = prov.raw_text if prov and prov.raw_text is not None else pc.text
                    wrong.append(_wrong_cell(where, c.text, raw, pc.text, prov.chars if prov else None))
            bare = doc.model_copy(deep=True)
            for grid in [t for t in bare.tables] + [c.form for c in bare.cards if c.form is not None]:
                for c in grid.cells:
                    if c.provenance is not None:
                        c.provenance.chars = None
            size["json_bytes"] += len(document_to_json(doc).encode())
            size["json_bytes_without_chars"] += len(document_to_json(bare).encode())
            size["compact_json_bytes"] += len(document_to_json(doc, compact=True).encode())
            size["compact_json_bytes_without_chars"] += len(document_to_json(bare, compact=True).encode())
            if progress:
                progress(f"pipeline [{k + 1}/{len(samples)}] {s.name}: {len(paths)} pages")
    finally:
        page_mod.char_readings = original
    cost = _chars_stats(kept)
    cost.update({
        "pages": n_pages, "extract_seconds": round(seconds, 2), "char_readings_seconds": round(spent[0], 4),
        "char_readings_vs_extract": round(spent[0] / seconds, 5) if seconds else None, **size,
        "json_growth": round(size["json_bytes"] / size["json_bytes_without_chars"] - 1, 4),
        "compact_json_growth": round(size["compact_json_bytes"] / size["compact_json_bytes_without_chars"] - 1, 4),
    })
    return {"name": "pipeline (budgetdoc extract, checks off), top_k=5, p >= 0.001", "summary": summarise(numeric, wrong),
            "cost": cost, "wrong_cells": wrong}


def to_markdown(result: dict[str, Any]) -> str:
    def pct(x: float | None) -> str:
        return "–" if x is None else f"{100 * x:.1f}%"

    intro = (f"{len(result['samples'])} samples ({result['pages']} labelled pages), PP-OCRv6-small with the CTC "
             "top-k decoder, cells cleaned and readings aligned as the pipeline does it. See the script's "
             "docstring for the method.")
    lines = [f"# Per-character alternatives on misread amounts ({', '.join(result['presets'])})", "",
             f"`{result['command']}`", "", intro, ""]
    for run in result["runs"]:
        s = run["summary"]
        w = s["wrong_chars_in_same_length_readings"]
        one, two, bad = (s["reachable_one_substitution"], s["reachable_up_to_two_substitutions"], s["unreachable"])
        lines += [f"## {run['name']}", "",
                  f"Numeric cells: {s['numeric_cells']}, read wrong: {s['wrong']} (accuracy {pct(s['numeric_accuracy'])}).",
                  "", "| misread amounts | count | fraction |", "|---|---|---|",
                  f"| (a) reachable by one substitution from the alternatives | {one['count']} | {pct(one['fraction'])} |",
                  f"| (b) reachable by up to two substitutions | {two['count']} | {pct(two['fraction'])} |",
                  f"| (c) not reachable | {bad['count']} | {pct(bad['fraction'])} |", ""]
        if bad["reasons"]:
            lines += ["Why not reachable:", ""]
            lines += [f"- {k}: {v}" for k, v in bad["reasons"].items()] + [""]
        lines += ["| subset of the misread cells | wrong | (a) one swap | (b) up to two | (c) not reachable |",
                  "|---|---|---|---|---|"]
        lines += [f"| {k} | {v['wrong']} | {v['one_substitution']} | {v['up_to_two_substitutions']} | "
                  f"{v['unreachable']} |" for k, v in s["subsets"].items()] + [""]
        chars_line = (f"Wrong characters in same-length readings: {w['true_char_among_alternatives']} with the true "
                      f"character among the alternatives, {w['true_char_not_offered']} without. Rank of the true "
                      f"character (1 = best alternative): {w['rank_histogram']}; its probability: "
                      f"{w['prob_of_true_char']}; score of the wrong character read: "
                      f"{w['score_of_the_wrong_char_read']}.")
        lines += [chars_line, ""]
        c = run["cost"]
        cost = (f"Cost: {c['amount_cells_with_chars']} amount cells carry {c['chars']} character readings, "
                f"{c['chars_with_alternatives']} of them with alternatives ({c['alternatives']} alternatives in all), "
                f"{c['chars_without_score']} inserted or changed by the cleaning (no score); "
                f"{c['chars_compact_json_bytes']} bytes as compact JSON.")
        if "read_cells_seconds" in c:
            cost += (f" Building them took {c['char_readings_seconds']} s against {c['read_cells_seconds']} s of "
                     f"read_cells ({pct(c['char_readings_vs_read_cells'])}).")
        if "extract_seconds" in c:
            cost += (f" Building them took {c['char_readings_seconds']} s of {c['extract_seconds']} s of extraction "
                     f"({c['pages']} pages, {pct(c['char_readings_vs_extract'])}). Document JSON as `budgetdoc "
                     f"extract` writes it (indented): {c['json_bytes']} bytes against {c['json_bytes_without_chars']} "
                     f"without the readings (+{pct(c['json_growth'])}); compact: {c['compact_json_bytes']} against "
                     f"{c['compact_json_bytes_without_chars']} (+{pct(c['compact_json_growth'])}).")
        lines += [cost, ""]
        if run["wrong_cells"]:
            lines += ["| where | truth | raw | read | category | reason / swaps |", "|---|---|---|---|---|---|"]
            for cell in run["wrong_cells"]:
                detail = cell.get("reason") or ", ".join(
                    f"{p['read']}→{p['truth']} (rank {p['rank']}, p={p['prob']})" for p in cell.get("positions", []))
                lines.append(f"| {cell['where']} | {cell['truth']} | {cell['raw']} | {cell['read']} | "
                             f"{cell['category']} | {detail} |")
            lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", default=str(ROOT / "datasets" / "samples"))
    ap.add_argument("--preset", action="append", help="default: poor-scan")
    ap.add_argument("--top-k", type=int, default=5, help="the engine's top_k in the pipeline (default 5)")
    ap.add_argument("--wide-top-k", type=int, default=10, help="the wider list scored on the labelled cells")
    ap.add_argument("--no-pipeline", action="store_true", help="skip the whole-sample extractions")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--md", type=Path)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)

    from budgetdoc.bench.engines import find_samples, load_pages

    presets = args.preset or ["poor-scan"]
    dirs = find_samples(args.samples, presets=presets)
    pages = [p for d in dirs for p in load_pages(d)]
    log = None if args.quiet else (lambda m: print(m, file=sys.stderr, flush=True))
    t_start = time.perf_counter()
    runs = labelled_cells(pages, top_k=args.top_k, wide_top_k=args.wide_top_k, progress=log)
    if not args.no_pipeline:
        runs.append(pipeline_cells([d for d in dirs if (d / "truth.json").is_file()], progress=log))
    argv_text = " ".join(argv if argv is not None else sys.argv[1:])
    result = {
        "schema_name": "budgetdoc.eval.char_alternatives",
        "command": f".venv/bin/python eval/char_alternatives.py {argv_text}".strip(),
        "samples": [d.name for d in dirs],
        "presets": presets,
        "pages": len(pages),
        "runs": runs,
        "wall_seconds": round(time.perf_counter() - t_start, 1),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }
    md = to_markdown(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.md:
        args.md.parent.mkdir(parents=True, exist_ok=True)
        args.md.write_text(md, encoding="utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
