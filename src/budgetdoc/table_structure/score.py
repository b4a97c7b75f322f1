"""Score detected table cells against the labelled sample set: cell-box F1 at an IoU floor, spans.

Pure functions with keyword-only ``pred=`` / ``gt=``. A predicted cell *matches* a labelled cell
when their pixel boxes overlap with IoU ≥ ``iou_min`` (one to one, best IoU first; with a floor
above 0.5 a box can match at most one other anyway). Per page:

* precision = matched / predicted cells (every predicted cell on the page counts, also those of a
  table that is not labelled);
* recall = matched / labelled cells (table and card cells of the page);
* span agreement = matched cells whose ``(row_span, col_span)`` equal the label's / matched cells.

Empty cases: no predicted and no labelled cells → precision = recall = F1 = 1; spans with no match
→ 1 (nothing disagreed). Sums over pages give the overall figures (micro), the per-page F1 the
median.

Run over the committed set (prints a table per preset)::

    .venv/bin/python -m budgetdoc.table_structure.score datasets/samples
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from budgetdoc.model.labels import CellLabel, PageLabels

__all__ = [
    "CellMatch",
    "PageScore",
    "iou",
    "load_page",
    "match_cells",
    "page_spans",
    "rotate_upright",
    "score_cells",
    "score_pages",
]

Box = tuple[float, float, float, float]


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two (l, t, r, b) boxes; 0 when both are empty."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(0.0, w) * max(0.0, h)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


@dataclass(frozen=True)
class CellMatch:
    pred: int
    gt: int
    iou: float


def match_cells(*, pred: Sequence[Box], gt: Sequence[Box], iou_min: float = 0.7) -> list[CellMatch]:
    """One-to-one matches of predicted to labelled boxes with IoU ≥ ``iou_min``, best first."""
    if not pred or not gt:
        return []
    p = np.asarray(pred, dtype=np.float64).reshape(-1, 4)
    g = np.asarray(gt, dtype=np.float64).reshape(-1, 4)
    w = np.minimum(p[:, None, 2], g[None, :, 2]) - np.maximum(p[:, None, 0], g[None, :, 0])
    h = np.minimum(p[:, None, 3], g[None, :, 3]) - np.maximum(p[:, None, 1], g[None, :, 1])
    inter = np.clip(w, 0, None) * np.clip(h, 0, None)
    ap = (p[:, 2] - p[:, 0]) * (p[:, 3] - p[:, 1])
    ag = (g[:, 2] - g[:, 0]) * (g[:, 3] - g[:, 1])
    union = ap[:, None] + ag[None, :] - inter
    m = np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)
    cand = np.argwhere(m >= iou_min)
    order = np.argsort(-m[cand[:, 0], cand[:, 1]], kind="stable")
    used_p: set[int] = set()
    used_g: set[int] = set()
    out = []
    for i, j in cand[order]:
        if i in used_p or j in used_g:
            continue
        used_p.add(int(i))
        used_g.add(int(j))
        out.append(CellMatch(int(i), int(j), float(m[i, j])))
    return out


@dataclass
class PageScore:
    """Cell counts of one page (or a sum of pages)."""

    name: str = ""
    preset: str | None = None
    n_pred: int = 0
    n_gt: int = 0
    matched: int = 0
    spans_ok: int = 0
    seconds: float = 0.0
    missed: list[tuple[str | None, int, int]] = field(default_factory=list)  # (table, row, col) of gt cells

    @property
    def precision(self) -> float:
        return self.matched / self.n_pred if self.n_pred else (1.0 if self.n_gt == 0 else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.n_gt if self.n_gt else (1.0 if self.n_pred == 0 else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r > 0 else 0.0

    @property
    def span_accuracy(self) -> float:
        return self.spans_ok / self.matched if self.matched else 1.0

    def __add__(self, other: PageScore) -> PageScore:
        return PageScore(name="", preset=self.preset if self.preset == other.preset else None,
                         n_pred=self.n_pred + other.n_pred, n_gt=self.n_gt + other.n_gt,
                         matched=self.matched + other.matched, spans_ok=self.spans_ok + other.spans_ok,
                         seconds=self.seconds + other.seconds, missed=self.missed + other.missed)


def page_spans(cells: Sequence[CellLabel], tol_pt: float = 1.5) -> list[tuple[int, int]]:
    """Each labelled cell's ``(row_span, col_span)`` as this page shows it.

    A label's row/col are offsets in the table's whole (cross-page) grid: a card continued on the
    next page has columns there that no cell on this page uses (a cell here may span them), and a
    cell cut by the page break spans rows of the next page. What one page shows is the grid of the
    cell edges on it, so spans are recounted geometrically: 1 + the distinct cell edges (of the same
    table, upright points, clustered within ``tol_pt``) strictly inside the cell's box.
    """
    edges_y: dict[str | None, list[float]] = {}
    edges_x: dict[str | None, list[float]] = {}
    for c in cells:
        key = c.table_id or c.card_id
        edges_y.setdefault(key, []).extend((c.bbox_pt[1], c.bbox_pt[3]))
        edges_x.setdefault(key, []).extend((c.bbox_pt[0], c.bbox_pt[2]))

    def centres(vals: list[float]) -> list[float]:
        cl: list[list[float]] = []
        for v in sorted(vals):
            if cl and v - cl[-1][-1] <= tol_pt:
                cl[-1].append(v)
            else:
                cl.append([v])
        return [sum(c) / len(c) for c in cl]

    ys = {k: centres(v) for k, v in edges_y.items()}
    xs = {k: centres(v) for k, v in edges_x.items()}
    out = []
    for c in cells:
        key = c.table_id or c.card_id
        l, t, r, b = c.bbox_pt
        rs = 1 + sum(1 for y in ys[key] if t + tol_pt < y < b - tol_pt)
        cs = 1 + sum(1 for x in xs[key] if l + tol_pt < x < r - tol_pt)
        out.append((rs, cs))
    return out


def score_cells(*, pred: Sequence[tuple[Box, int, int]], gt: Sequence[CellLabel], iou_min: float = 0.7,
                name: str = "", preset: str | None = None) -> PageScore:
    """Score predicted cells ``(bbox_px, row_span, col_span)`` against a page's labelled cells.

    Spans are compared with the labels' page spans (:func:`page_spans`).
    """
    matches = match_cells(pred=[p[0] for p in pred], gt=[g.bbox_px for g in gt], iou_min=iou_min)
    spans = page_spans(gt)
    spans_ok = sum(1 for m in matches if (pred[m.pred][1], pred[m.pred][2]) == spans[m.gt])
    hit = {m.gt for m in matches}
    missed = [(g.table_id or g.card_id, g.row, g.col) for j, g in enumerate(gt) if j not in hit]
    return PageScore(name=name, preset=preset, n_pred=len(pred), n_gt=len(gt), matched=len(matches),
                     spans_ok=spans_ok, missed=missed)


# --------------------------------------------------------------------------------------------------
# the sample set


def rotate_upright(image: np.ndarray, labels: PageLabels) -> tuple[np.ndarray, PageLabels]:
    """Undo a page's quarter turn (from its label transform): the image and the cell/region boxes."""
    a, _b, _, d, _e, _ = labels.transform.matrix
    # how many counter-clockwise quarter turns (np.rot90) make the upright x axis point right
    img, lab = image, labels
    for k in range(4):
        if k:
            img = np.rot90(img)
        # image x-direction of upright x after k CCW turns: rotate (a, d) by k CCW quarter turns
        ax, ay = a, d
        for _ in range(k):
            ax, ay = ay, -ax
        if ax > 0 and abs(ay) < ax:
            break
    else:  # pragma: no cover - the matrix is a rotation
        return image, labels
    if k == 0:
        return image, labels
    h0, w0 = image.shape[:2]

    def turn(x: float, y: float) -> tuple[float, float]:
        w, h = w0, h0
        for _ in range(k):
            x, y = y, w - x
            w, h = h, w
        return (x, y)

    def box(bb: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        pts = [turn(bb[0], bb[1]), turn(bb[2], bb[3])]
        return (min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts))

    def quad(q: list[tuple[float, float]]) -> list[tuple[float, float]]:
        return [turn(*p) for p in q]

    cells = [c.model_copy(update={"bbox_px": box(c.bbox_px), "quad_px": quad(c.quad_px)}) for c in lab.cells]
    regions = [r.model_copy(update={"bbox_px": box(r.bbox_px), "quad_px": quad(r.quad_px)}) for r in lab.regions]
    hh, ww = img.shape[:2]
    return np.ascontiguousarray(img), lab.model_copy(update={"cells": cells, "regions": regions,
                                                             "width_px": ww, "height_px": hh})


def sample_pages(root: Path, presets: Iterable[str] | None = None) -> list[Path]:
    """Label files of every page with labelled cells, optionally only of the given presets."""
    want = set(presets) if presets is not None else None
    out = []
    for f in sorted(root.glob("*/labels/page-*.json")):
        lab = PageLabels.model_validate_json(f.read_text(encoding="utf-8"))
        if not lab.cells:
            continue
        if want is not None and lab.preset not in want:
            continue
        out.append(f)
    return out


def load_page(label_file: Path, *, upright: bool = True) -> tuple[np.ndarray, PageLabels]:
    """A labelled page's grey image and labels (quarter turns undone when ``upright``)."""
    lab = PageLabels.model_validate_json(label_file.read_text(encoding="utf-8"))
    sample = label_file.parent.parent
    img_path = sample / lab.image if lab.image else next(sample.glob(f"pages/{label_file.stem}.*"))
    img = cv2.imread(str(img_path), cv2.IMREAD_GRAYSCALE)
    if img is None:
        raise FileNotFoundError(img_path)
    if upright and lab.transform.rotation % 360:
        img, lab = rotate_upright(img, lab)
    return img, lab


def score_pages(label_files: Sequence[Path], *, iou_min: float = 0.7) -> list[PageScore]:
    """Detect tables on each labelled page and score them."""
    from budgetdoc.table_structure.pipeline import detect_tables

    out = []
    for f in label_files:
        img, lab = load_page(f)
        t0 = time.perf_counter()
        tables = detect_tables(img, dpi=lab.dpi)
        dt = time.perf_counter() - t0
        pred = [(c.bbox_px, c.row_span, c.col_span) for t in tables for c in t.cells]
        s = score_cells(pred=pred, gt=lab.cells, iou_min=iou_min,
                        name=f"{f.parent.parent.name}/{f.stem}", preset=lab.preset)
        s.seconds = dt
        out.append(s)
    return out


def summarize(scores: Sequence[PageScore]) -> dict[str, float]:
    """Overall (micro) precision/recall/F1/span accuracy, median page F1, mean seconds per page."""
    if not scores:
        return {}
    tot = sum(scores[1:], scores[0])
    return {
        "pages": len(scores),
        "gt_cells": tot.n_gt,
        "pred_cells": tot.n_pred,
        "precision": round(tot.precision, 4),
        "recall": round(tot.recall, 4),
        "f1": round(tot.f1, 4),
        "span_accuracy": round(tot.span_accuracy, 4),
        "median_page_f1": round(statistics.median(s.f1 for s in scores), 4),
        "min_page_f1": round(min(s.f1 for s in scores), 4),
        "seconds_per_page": round(tot.seconds / len(scores), 3),
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    verbose = "-v" in args
    args = [a for a in args if a != "-v"]
    root = Path(args[0] if args else "datasets/samples")
    files = sample_pages(root)
    scores = score_pages(files)
    by: dict[str, list[PageScore]] = {}
    for s in scores:
        by.setdefault(s.preset or "?", []).append(s)
    for preset in ("clean", "office-scan", "poor-scan"):
        if preset in by:
            print(preset, summarize(by[preset]))
    print("all", summarize(scores))
    if verbose:
        for s in sorted(scores, key=lambda s: s.f1):
            if s.f1 < 1 or s.span_accuracy < 1:
                print(f"  {s.name:60s} {s.preset:12s} F1 {s.f1:.3f} P {s.precision:.3f} R {s.recall:.3f} "
                      f"spans {s.span_accuracy:.3f} ({s.n_pred}/{s.n_gt})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
