"""Measure the preprocess stage on the labelled sample set: skew error, orientation, box mapping.

Each label's ``transform`` records the exact quarter turn and skew that made the page image, so:

* skew error = estimated skew − ``transform.skew_degrees``;
* orientation is right when the estimated quarter turns equal ``transform.rotation // 90``;
* mapping error: every label corner (cells and regions, in upright page points) is placed on the
  upright image (``canvas="fit"``: upright pixel = points × the label's own scale), mapped back
  through the record to the input image, and compared with the label's quad there (max over the
  page, in pixels). Only meaningful when the orientation is right.
* ``--turns``: the few turned pages in the set are not enough to measure orientation, so every page
  is made truly upright from its label and turned by 0/90/180/270 exactly; the estimate must say so.

Run::

    .venv/bin/python -m budgetdoc.preprocess.benchmark datasets/samples            # office + poor scans
    .venv/bin/python -m budgetdoc.preprocess.benchmark datasets/samples --presets poor-scan --json out.json
    .venv/bin/python -m budgetdoc.preprocess.benchmark datasets/samples --presets --turns   # all pages x 4 turns
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from budgetdoc.model.labels import PageLabels
from budgetdoc.preprocess.orientation import orientation_evidence
from budgetdoc.preprocess.record import PreprocessRecord
from budgetdoc.preprocess.upright import PreprocessOptions, make_upright, preprocess_image

SCAN_PRESETS = ("office-scan", "poor-scan")


@dataclass(frozen=True)
class SamplePage:
    sample: str
    page: int
    image_path: Path
    labels: PageLabels

    @property
    def key(self) -> str:
        return f"{self.sample}/p{self.page:03d}"

    def load_gray(self) -> np.ndarray:
        with Image.open(self.image_path) as im:
            return np.asarray(im.convert("L"))


@dataclass(frozen=True)
class PageResult:
    key: str
    preset: str | None
    true_quarter_turns: int
    true_skew: float
    est_quarter_turns: int
    est_skew: float
    skew_error: float
    orientation_ok: bool
    decided_by: str | None
    orientation_confidence: float | None
    map_error_px: float | None
    seconds: float


def iter_sample_pages(root: Path, presets: Iterable[str] | None = SCAN_PRESETS) -> Iterator[SamplePage]:
    """Labelled pages under ``root`` (``<sample>/labels/page-NNN.json``), sorted, filtered by preset."""
    wanted = set(presets) if presets is not None else None
    for lab in sorted(Path(root).glob("*/labels/page-*.json")):
        labels = PageLabels.model_validate_json(lab.read_text(encoding="utf-8"))
        if wanted is not None and labels.preset not in wanted:
            continue
        sample_dir = lab.parent.parent
        image = sample_dir / (labels.image or f"pages/{lab.stem}.png")
        yield SamplePage(sample_dir.name, labels.page, image, labels)


def label_corners(labels: PageLabels) -> tuple[np.ndarray, np.ndarray]:
    """Every cell and region corner: ``(N, 2)`` upright points and ``(N, 2)`` label pixels (input)."""
    pts, px = [], []
    for item in [*labels.cells, *labels.regions]:
        l, t, r, b = item.bbox_pt
        pts.extend([(l, t), (r, t), (r, b), (l, b)])
        px.extend(item.quad_px)
    return np.array(pts, dtype=np.float64).reshape(-1, 2), np.array(px, dtype=np.float64).reshape(-1, 2)


def label_scale(labels: PageLabels) -> tuple[float, float]:
    """Pixels per point along the page's x and y (the label matrix's column norms)."""
    a, b, _, d, e, _ = labels.transform.matrix
    return (math.hypot(a, d), math.hypot(b, e))


def mapping_error(record: PreprocessRecord, labels: PageLabels) -> float | None:
    """Max distance (px, on the input image) between label corners and the record's mapping of the
    same points placed on the upright image at the label's scale; None for a page without boxes."""
    pts, px = label_corners(labels)
    if len(pts) == 0:
        return None
    sx, sy = label_scale(labels)
    upright = pts * np.array([sx, sy])
    mapped = record.points_to_input(upright)
    return float(np.max(np.hypot(*(mapped - px).T)))


def evaluate_page(page: SamplePage, options: PreprocessOptions | None = None) -> PageResult:
    opts = options or PreprocessOptions(canvas="fit")
    img = page.load_gray()
    t0 = time.perf_counter()
    up = preprocess_image(img, opts)
    secs = time.perf_counter() - t0
    tr = page.labels.transform
    rec = up.record
    est_skew = rec.skew_estimated if rec.skew_estimated is not None else rec.skew_degrees
    ok = rec.quarter_turns == (tr.rotation // 90) % 4
    return PageResult(
        key=page.key, preset=page.labels.preset, true_quarter_turns=(tr.rotation // 90) % 4,
        true_skew=tr.skew_degrees, est_quarter_turns=rec.quarter_turns, est_skew=round(est_skew, 4),
        skew_error=round(est_skew - tr.skew_degrees, 4), orientation_ok=ok,
        decided_by=up.orientation.decided_by if up.orientation else None,
        orientation_confidence=rec.orientation_confidence,
        map_error_px=round(mapping_error(rec, page.labels) or 0.0, 3) if ok else None,
        seconds=round(secs, 3),
    )


def upright_truth(page: SamplePage) -> np.ndarray:
    """The page image turned upright with the label's exact rotation and skew."""
    tr = page.labels.transform
    return make_upright(page.load_gray(), quarter_turns=tr.rotation // 90, skew_degrees=tr.skew_degrees,
                        canvas="fit").image


def evaluate_orientation_turns(page: SamplePage) -> list[tuple[int, int, str]]:
    """Orientation on the truly upright page turned by 0-3 quarter turns (exact, ``np.rot90``):
    ``(true turns, estimated turns, decided_by)`` for each — four cases from every labelled page."""
    up = upright_truth(page)
    out = []
    for k in range(4):
        ev = orientation_evidence(np.ascontiguousarray(np.rot90(up, k)))
        out.append((k, ev.orientation.quarter_turns, ev.decided_by))
    return out


def summarize_turns(rows: list[tuple[str, list[tuple[int, int, str]]]]) -> dict:
    """Accuracy of :func:`evaluate_orientation_turns` by true turn and by deciding cue."""
    by_turn: dict[int, list[int]] = {k: [0, 0] for k in range(4)}
    by_cue: dict[str, list[int]] = {}
    axis_ok = 0
    wrong = []
    for key, cases in rows:
        for k, est, how in cases:
            ok = int(k == est)
            by_turn[k][0] += ok
            by_turn[k][1] += 1
            by_cue.setdefault(how, [0, 0])
            by_cue[how][0] += ok
            by_cue[how][1] += 1
            axis_ok += int(k % 2 == est % 2)
            if not ok:
                wrong.append(f"{key} turned {90 * k}: est {90 * est} ({how})")
    n = sum(v[1] for v in by_turn.values())
    return {
        "cases": n,
        "correct": sum(v[0] for v in by_turn.values()),
        "line_direction_correct": axis_ok,
        "by_true_turn": {str(90 * k): f"{v[0]}/{v[1]}" for k, v in by_turn.items()},
        "by_cue": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_cue.items())},
        "wrong": wrong,
    }


def summarize(results: list[PageResult], *, skew_tolerance: float = 0.2, map_tolerance: float = 3.0) -> dict:
    """Dataset summary: skew error distribution, orientation accuracy, mapping error."""
    if not results:
        return {"pages": 0}
    err = sorted(abs(r.skew_error) for r in results)
    turned = [r for r in results if r.true_quarter_turns]
    unturned = [r for r in results if not r.true_quarter_turns]
    maps = sorted(r.map_error_px for r in results if r.map_error_px is not None)
    return {
        "pages": len(results),
        "skew_abs_error_deg": {
            "median": round(statistics.median(err), 4),
            "p90": round(err[min(len(err) - 1, int(0.9 * len(err)))], 4),
            "max": round(err[-1], 4),
            f"within_{skew_tolerance}": sum(e <= skew_tolerance for e in err),
        },
        "orientation": {
            "correct": sum(r.orientation_ok for r in results),
            "turned_correct": f"{sum(r.orientation_ok for r in turned)}/{len(turned)}",
            "unturned_kept": f"{sum(r.orientation_ok for r in unturned)}/{len(unturned)}",
            "wrong": [f"{r.key}: true {90 * r.true_quarter_turns}, est {90 * r.est_quarter_turns} ({r.decided_by})"
                      for r in results if not r.orientation_ok],
        },
        "map_error_px": {
            "median": round(statistics.median(maps), 3) if maps else None,
            "max": round(maps[-1], 3) if maps else None,
            f"within_{map_tolerance}": sum(m <= map_tolerance for m in maps),
            "pages": len(maps),
        },
        "seconds_per_page": round(statistics.mean(r.seconds for r in results), 3),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("root", type=Path, nargs="?", default=Path("datasets/samples"))
    ap.add_argument("--presets", nargs="*", default=list(SCAN_PRESETS), help="presets to include (none: all)")
    ap.add_argument("--json", type=Path, help="also write per-page results and the summary here")
    ap.add_argument("--turns", action="store_true",
                    help="instead: orientation of every selected page, truly upright, turned 0/90/180/270")
    args = ap.parse_args(argv)
    pages = list(iter_sample_pages(args.root, args.presets or None))
    if args.turns:
        turns = summarize_turns([(p.key, evaluate_orientation_turns(p)) for p in pages])
        print(json.dumps(turns, ensure_ascii=False, indent=2))
        if args.json:
            args.json.write_text(json.dumps(turns, ensure_ascii=False, indent=2), encoding="utf-8")
        return 0
    results = [evaluate_page(p) for p in pages]
    for r in results:
        flag = "" if r.orientation_ok and abs(r.skew_error) <= 0.2 else "  <--"
        print(f"{r.key:58s} {r.preset or '':11s} rot {90 * r.true_quarter_turns:3d}->{90 * r.est_quarter_turns:3d} "
              f"skew {r.true_skew:+.3f} err {r.skew_error:+.4f} map {r.map_error_px}{flag}")
    summary = summarize(results)
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "pages": [asdict(r) for r in results]},
                                        ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
