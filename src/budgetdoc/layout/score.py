"""Score a page's predicted layout against its labels, and compare layout backends on the samples.

For each kind in :data:`SCORED_KINDS` (``title``, ``department_line``, ``unit_line``,
``page_number``, ``table`` — a labelled ``card`` counts as a table — and ``note``), predicted boxes
are matched one to one to the label boxes of the same kind: a pair matches when their IoU is at
least 0.5, or, for the line kinds (all but ``table``), when the centre of one box lies inside the
other. Matching is greedy, best IoU first. Precision, recall and F1 follow from the counts.

Predicted boxes are on the upright, deskewed page image; labels are on the delivered image. A
predicted box is mapped there through the predicted page's preprocess transform
(:attr:`~budgetdoc.model.document.Page.transform` maps upright points to input pixels; upright
pixels are points × dpi / 72), as the axis-aligned box around its mapped corners.

Predicted boxes of a kind: the blocks of that kind, except that a table's title lines are one box
(a wrapped title is one label region); ``table``: the page's table boxes. Title *text* accuracy:
the share of label titles whose matched predicted title has the same text after
:func:`~budgetdoc.parsing.normalize` (NFKC, no spaces).

Command line (runs the real page stage — preprocessing, table finding, OCR — once per page, then
every backend's layout step on the same lines and tables)::

    python -m budgetdoc.layout.score datasets/samples --preset office-scan --preset poor-scan \\
        --backend rules --backend rapid-layout --json out/layout-score.json
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from budgetdoc.layout.types import BoxPx, PageLayout, TextLine
from budgetdoc.model.document import Page
from budgetdoc.model.geometry import PageTransform
from budgetdoc.model.labels import PageLabels
from budgetdoc.parsing import normalize

__all__ = [
    "BACKENDS",
    "LINE_KINDS",
    "SCORED_KINDS",
    "Counts",
    "PageScore",
    "iou",
    "label_boxes",
    "match_boxes",
    "predicted_boxes",
    "run_samples",
    "score_page",
    "to_label_px",
]

SCORED_KINDS: tuple[str, ...] = ("title", "department_line", "unit_line", "page_number", "table", "note")
#: Kinds matched by IoU or by a centre inside the other box (all but ``table``).
LINE_KINDS: frozenset[str] = frozenset(SCORED_KINDS) - {"table"}

#: Backend names of the command line → layout configs (:func:`budgetdoc.layout.build_layout`).
BACKENDS: dict[str, dict[str, Any]] = {
    "rules": {"kind": "rules"},
    "rapid-layout": {"kind": "rapid-layout"},
    "rapid-layout+rules": {"kind": "rapid-layout", "refine": True},
}

Boxed = tuple[BoxPx, str]  # a box and its text ("" when none)


# --------------------------------------------------------------------------------------------------
# matching


@dataclass
class Counts:
    """True positives, false positives and false negatives of one kind."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def predicted(self) -> int:
        return self.tp + self.fp

    @property
    def labelled(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        return self.tp / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.labelled if self.labelled else None

    @property
    def f1(self) -> float | None:
        """``2·TP / (2·TP + FP + FN)``: the harmonic mean of precision and recall where both are
        defined, 0 where there were labels or predictions but no match, None where neither."""
        d = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / d if d else None

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "labelled": self.labelled, "predicted": self.predicted,
                "precision": _r(self.precision), "recall": _r(self.recall), "f1": _r(self.f1)}


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def iou(a: BoxPx, b: BoxPx) -> float:
    """Intersection over union of two ``(l, t, r, b)`` boxes."""
    inter = max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _centre_inside(a: BoxPx, b: BoxPx) -> bool:
    cx, cy = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
    return b[0] <= cx <= b[2] and b[1] <= cy <= b[3]


def match_boxes(pred: Sequence[BoxPx], gold: Sequence[BoxPx], *, centre: bool = False, min_iou: float = 0.5
                ) -> list[tuple[int, int]]:
    """One-to-one matches ``(pred index, gold index)``: pairs with IoU ≥ ``min_iou`` (or, with
    ``centre``, where either box's centre lies inside the other), best IoU first."""
    pairs = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            v = iou(p, g)
            if v >= min_iou or (centre and (_centre_inside(p, g) or _centre_inside(g, p))):
                pairs.append((v, i, j))
    pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    out = []
    for _, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        out.append((i, j))
    return sorted(out)


def counts_of(pred: Sequence[BoxPx], gold: Sequence[BoxPx], *, centre: bool = False) -> Counts:
    """Counts of one kind on one page (see :func:`match_boxes`)."""
    n = len(match_boxes(pred, gold, centre=centre))
    return Counts(tp=n, fp=len(pred) - n, fn=len(gold) - n)


# --------------------------------------------------------------------------------------------------
# boxes of a prediction and of the labels


def to_label_px(box: BoxPx, page: Page) -> BoxPx:
    """An upright-page pixel box as the axis-aligned box on the delivered (input) image."""
    if not page.dpi:
        raise ValueError(f"page {page.number} has no dpi: its pixel boxes cannot be mapped to points")
    scale = page.dpi / 72.0
    tr = page.transform or PageTransform.identity_at(page.dpi)
    pts = [tr.apply(x / scale, y / scale) for x, y in ((box[0], box[1]), (box[2], box[1]), (box[2], box[3]),
                                                       (box[0], box[3]))]
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def _union(boxes: Sequence[BoxPx]) -> BoxPx:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def predicted_boxes(layout: PageLayout, tables: Sequence[BoxPx]) -> dict[str, list[Boxed]]:
    """Boxes (upright page pixels) and texts of each scored kind in a predicted layout: one box per
    block, except a table's title lines, which are one box with their texts joined."""
    out: dict[str, list[Boxed]] = {k: [] for k in SCORED_KINDS}
    titles: dict[int, list[TextLine]] = defaultdict(list)
    for b in layout.blocks:
        if b.kind == "title" and b.table is not None:
            titles[b.table].append(b.line)
        elif b.kind in out:
            out[b.kind].append((b.line.box_px, b.line.text))
    for lines in titles.values():
        lines = sorted(lines, key=lambda ln: (ln.box_px[1], ln.box_px[0]))
        out["title"].append((_union([ln.box_px for ln in lines]), "".join(ln.text.strip() for ln in lines)))
    out["table"] = [(tuple(t), "") for t in tables]  # type: ignore[misc]
    return out


def label_boxes(labels: PageLabels) -> dict[str, list[Boxed]]:
    """Label boxes (delivered image pixels) and texts of each scored kind; a card is a table."""
    out: dict[str, list[Boxed]] = {k: [] for k in SCORED_KINDS}
    for r in labels.regions:
        kind = "table" if r.kind == "card" else r.kind
        if kind in out:
            out[kind].append((tuple(r.bbox_px), r.text or ""))  # type: ignore[arg-type]
    return out


def same_title(predicted: str, label: str) -> bool:
    """Titles equal after :func:`normalize` (NFKC, folded dashes and quotes, no whitespace)."""
    return normalize(predicted) == normalize(label)


@dataclass
class PageScore:
    """One page's counts per kind, and its titles' text (label, matched prediction or None)."""

    counts: dict[str, Counts] = field(default_factory=dict)
    titles: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def titles_correct(self) -> int:
        return sum(1 for lab, pred in self.titles if pred is not None and same_title(pred, lab))

    @property
    def titles_matched(self) -> int:
        return sum(1 for _, pred in self.titles if pred is not None)


def score_page(layout: PageLayout, tables: Sequence[BoxPx], page: Page, labels: PageLabels,
               *, extra: Mapping[str, Sequence[BoxPx]] | None = None) -> PageScore:
    """Score one page's predicted ``layout`` and table boxes (upright pixels of ``page``) against
    its ``labels``. ``extra``: more predicted box lists, scored against the label tables under
    their own names (e.g. a layout model's own table regions)."""
    pred = predicted_boxes(layout, tables)
    gold = label_boxes(labels)
    score = PageScore()
    for kind in SCORED_KINDS:
        p = [to_label_px(b, page) for b, _ in pred[kind]]
        g = [b for b, _ in gold[kind]]
        matches = match_boxes(p, g, centre=kind in LINE_KINDS)
        score.counts[kind] = Counts(tp=len(matches), fp=len(p) - len(matches), fn=len(g) - len(matches))
        if kind == "title":
            by_gold = {j: i for i, j in matches}
            for j, (_, text) in enumerate(gold["title"]):
                score.titles.append((text, pred["title"][by_gold[j]][1] if j in by_gold else None))
    for name, boxes in (extra or {}).items():
        score.counts[name] = counts_of([to_label_px(b, page) for b in boxes], [b for b, _ in gold["table"]])
    return score


# --------------------------------------------------------------------------------------------------
# running backends on the samples


@dataclass
class _Tally:
    counts: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    titles_total: int = 0
    titles_matched: int = 0
    titles_correct: int = 0
    pages: int = 0
    layout_s: float = 0.0
    borderless_s: float = 0.0

    def add(self, s: PageScore, layout_s: float, borderless_s: float) -> None:
        for k, c in s.counts.items():
            self.counts[k].add(c)
        self.titles_total += len(s.titles)
        self.titles_matched += s.titles_matched
        self.titles_correct += s.titles_correct
        self.pages += 1
        self.layout_s += layout_s
        self.borderless_s += borderless_s

    def as_dict(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "kinds": {k: self.counts[k].as_dict() for k in sorted(self.counts, key=_kind_order)},
            "title_text": {"labelled": self.titles_total, "matched": self.titles_matched, "exact": self.titles_correct,
                           "accuracy": _r(self.titles_correct / self.titles_total) if self.titles_total else None,
                           "accuracy_of_matched": _r(self.titles_correct / self.titles_matched)
                           if self.titles_matched else None},
            "layout_seconds_per_page": _r(self.layout_s / self.pages) if self.pages else None,
            "borderless_seconds_per_page": _r(self.borderless_s / self.pages) if self.pages else None,
        }


def _kind_order(k: str) -> tuple[int, str]:
    return (SCORED_KINDS.index(k) if k in SCORED_KINDS else len(SCORED_KINDS), k)


def iter_labelled_pages(root: str | Path, presets: Sequence[str] = ()) -> Iterator[tuple[Path, PageLabels]]:
    """``(image path, labels)`` of every labelled page under ``root`` (a sample set or one sample),
    in order, keeping only ``presets`` when given."""
    root = Path(root)
    for label_path in sorted(root.glob("labels/page-*.json")) or sorted(root.glob("*/labels/page-*.json")):
        labels = PageLabels.model_validate_json(label_path.read_text(encoding="utf-8"))
        if presets and labels.preset not in presets:
            continue
        sample = label_path.parent.parent
        image = sample / labels.image if labels.image else None
        if image is None or not image.is_file():
            found = sorted(sample.glob(f"pages/{label_path.stem}.*"))
            image = found[0] if found else None
        if image is not None:
            yield image, labels


class _Recorder:
    """The pipeline's layout stage that remembers what it was first given (the ruled tables,
    before any borderless table the layout led to) and uses the rules."""

    name = "rules"

    def __init__(self) -> None:
        from budgetdoc.layout import RulesLayout

        self.inner = RulesLayout()
        self.first: tuple[list[TextLine], list[BoxPx]] | None = None

    def analyse(self, lines: Sequence[TextLine], tables: Sequence[BoxPx], *, width: float, height: float
                ) -> PageLayout:
        if self.first is None:
            self.first = (list(lines), [tuple(t) for t in tables])  # type: ignore[misc]
        return self.inner.analyse(lines, tables, width=width, height=height)


def _accepts(fn: Callable[..., Any], name: str) -> bool:
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def run_layout_step(backend: Any, lines: Sequence[TextLine], tables: Sequence[BoxPx], *, gray: Any, dpi: float,
                    structure: Any) -> tuple[PageLayout, list[BoxPx], float, float]:
    """One backend's layout step as :func:`~budgetdoc.pipeline.page.extract_page` runs it: analyse,
    then (when the layout names regions with no ruled table) look for borderless tables there and
    analyse again. Returns the layout, the final table boxes, and the seconds of the analyse
    calls and of the borderless search."""
    from budgetdoc.table_structure.assign import TextBox

    h, w = gray.shape[:2]
    kw: dict[str, Any] = {"image": gray} if _accepts(backend.analyse, "image") else {}
    t = time.perf_counter()
    layout = backend.analyse(lines, tables, width=w, height=h, **kw)
    layout_s = time.perf_counter() - t
    boxes = list(tables)
    borderless_s = 0.0
    if layout.borderless_regions:
        t = time.perf_counter()
        text_boxes = [TextBox(text=ln.text, box_px=ln.box_px, confidence=ln.confidence) for ln in lines]
        more = structure.find_tables(gray, dpi=dpi, text_boxes=text_boxes, regions=layout.borderless_regions)
        borderless_s = time.perf_counter() - t
        if len(more) > len(boxes):
            boxes = [tb.bbox_px for tb in more]
            if _accepts(backend.analyse, "regions") and getattr(backend, "last_regions", None) is not None:
                kw = {"regions": list(backend.last_regions)}
            t = time.perf_counter()
            layout = backend.analyse(lines, boxes, width=w, height=h, **kw)
            layout_s += time.perf_counter() - t
    return layout, boxes, layout_s, borderless_s


def _model_tables(regions: Sequence[tuple[str, Any]]) -> dict[str, list[BoxPx]]:
    """A layout model's own table regions, scored as extra rows: CDLA ``table`` regions, and
    ``table`` or ``figure`` regions (the model takes many ruled tables on scans for figures)."""
    return {"table_model": [tuple(b) for lab, b in regions if lab == "table"],
            "table_or_figure_model": [tuple(b) for lab, b in regions if lab in ("table", "figure")]}


def run_samples(root: str | Path, *, backends: Sequence[str] = ("rules", "rapid-layout"),
                presets: Sequence[str] = (), limit: int | None = None, options: Any = None,
                log: Callable[[str], None] | None = None, dump: str | Path | None = None) -> dict[str, Any]:
    """Run the page stage on every labelled page under ``root`` (only ``presets`` when given), then
    each backend's layout step on the same lines and ruled tables, and score each against the
    labels. Returns the totals per backend (all pages, and per preset) and per page."""
    from budgetdoc.ingest.sources import read_pages
    from budgetdoc.ingest.types import PageImage
    from budgetdoc.layout import build_layout
    from budgetdoc.pipeline.extract import build_stages
    from budgetdoc.pipeline.options import ExtractOptions
    from budgetdoc.pipeline.page import Stages, extract_page

    options = options or ExtractOptions()
    unknown = [b for b in backends if b not in BACKENDS]
    if unknown:
        raise ValueError(f"unknown backend(s) {unknown}; known: {sorted(BACKENDS)}")
    built = {name: build_layout(BACKENDS[name]) for name in backends}
    base = build_stages(options)
    recorder = _Recorder()
    stages = Stages(ocr=base.ocr, structure=base.structure, layout=recorder)  # type: ignore[arg-type]
    tallies: dict[str, dict[str, _Tally]] = {name: defaultdict(_Tally) for name in backends}
    per_page: list[dict[str, Any]] = []
    errors: list[str] = []
    stage_s = 0.0
    n = 0
    dump_f = open(dump, "w", encoding="utf-8") if dump else None  # noqa: SIM115
    try:
        for image_path, labels in iter_labelled_pages(root, presets):
            if limit is not None and n >= limit:
                break
            n += 1
            where = f"{image_path.parent.parent.name}/{image_path.name}"
            pages = [p for p in read_pages(image_path, options.ingest) if isinstance(p, PageImage)]
            if not pages:
                errors.append(f"{where}: unreadable")
                continue
            recorder.first = None
            t = time.perf_counter()
            try:
                ext = extract_page(pages[0], stages, options, keep_image=True)
            except Exception as e:  # noqa: BLE001 - one bad page must not stop the comparison
                errors.append(f"{where}: {type(e).__name__}: {e}")
                continue
            stage_s += time.perf_counter() - t
            lines, ruled = recorder.first or (ext.lines, [d.bbox_px for d in ext.detected])
            row: dict[str, Any] = {"page": where, "preset": labels.preset, "stage_seconds": round(time.perf_counter() - t, 3),
                                   "backends": {}}
            rec: dict[str, Any] = {"page": where, "preset": labels.preset, "page_model": ext.page.model_dump(mode="json"),
                                   "backends": {}}
            for name, backend in built.items():
                layout, boxes, layout_s, borderless_s = run_layout_step(
                    backend, lines, ruled, gray=ext.image, dpi=pages[0].dpi, structure=stages.structure)
                regions = getattr(backend, "last_regions", None)
                extra = _model_tables([(r.label, r.box_px) for r in regions]) if regions is not None else None
                s = score_page(layout, boxes, ext.page, labels, extra=extra)
                for key in ("all", labels.preset or "none"):
                    tallies[name][key].add(s, layout_s, borderless_s)
                row["backends"][name] = {
                    "counts": {k: c.as_dict() for k, c in s.counts.items()},
                    "titles": [{"label": lab, "predicted": pred} for lab, pred in s.titles],
                    "layout_seconds": round(layout_s, 4),
                }
                rec["backends"][name] = {"layout": layout.model_dump(mode="json"), "tables": boxes,
                                         "regions": [[r.label, r.box_px, r.score] for r in regions or []],
                                         "layout_seconds": layout_s, "borderless_seconds": borderless_s}
            per_page.append(row)
            if dump_f:
                dump_f.write(json.dumps(rec, ensure_ascii=False) + "\n")
                dump_f.flush()
            if log:
                log(f"[{n}] {where} ({labels.preset}): stage {row['stage_seconds']:.1f}s; " + "; ".join(
                    f"{name} title F1 {_fmt(tallies[name]['all'].counts['title'].f1)}" for name in built))
    finally:
        if dump_f:
            dump_f.close()
    return {
        "root": str(root),
        "presets": list(presets),
        "backends": {name: {key: t.as_dict() for key, t in sorted(tallies[name].items())} for name in backends},
        "page_stage_seconds_per_page": round(stage_s / len(per_page), 3) if per_page else None,
        "pages": per_page,
        "errors": errors,
    }


def rescore_dump(dump: str | Path, root: str | Path) -> dict[str, Any]:
    """Score again the layouts a ``--dump`` file holds (after a change to the scoring), with the
    labels under ``root``."""
    tallies: dict[str, dict[str, _Tally]] = defaultdict(lambda: defaultdict(_Tally))
    root = Path(root)
    for raw in Path(dump).read_text(encoding="utf-8").splitlines():
        rec = json.loads(raw)
        sample, image = rec["page"].split("/")
        label_path = root / sample / "labels" / (Path(image).stem + ".json")
        labels = PageLabels.model_validate_json(label_path.read_text(encoding="utf-8"))
        page = Page.model_validate(rec["page_model"])
        for name, b in rec["backends"].items():
            regions = b.get("regions") or []
            extra = _model_tables([(r[0], tuple(r[1])) for r in regions]) if name != "rules" else None
            s = score_page(PageLayout.model_validate(b["layout"]), [tuple(t) for t in b["tables"]], page, labels,
                           extra=extra)
            for key in ("all", rec["preset"] or "none"):
                tallies[name][key].add(s, b["layout_seconds"], b.get("borderless_seconds", 0.0))
    return {"root": str(root), "backends": {n: {k: t.as_dict() for k, t in sorted(v.items())} for n, v in tallies.items()},
            "pages": [], "errors": []}


# --------------------------------------------------------------------------------------------------
# report


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def markdown(result: Mapping[str, Any]) -> str:
    """The comparison as Markdown: one table per backend (kinds as rows), then F1 side by side."""
    out: list[str] = []
    backends = result["backends"]
    for name, by_key in backends.items():
        for key, t in by_key.items():
            out.append(f"### {name} — {key} ({t['pages']} pages)\n")
            out.append("| kind | labelled | predicted | TP | precision | recall | F1 |")
            out.append("|---|---:|---:|---:|---:|---:|---:|")
            for kind, c in t["kinds"].items():
                out.append(f"| {kind} | {c['labelled']} | {c['predicted']} | {c['tp']} | {_fmt(c['precision'])} | "
                           f"{_fmt(c['recall'])} | {_fmt(c['f1'])} |")
            tt = t["title_text"]
            out.append("")
            out.append(f"Title text exact: {tt['exact']}/{tt['labelled']} ({_fmt(tt['accuracy'])}); "
                       f"of matched titles {tt['exact']}/{tt['matched']} ({_fmt(tt['accuracy_of_matched'])}). "
                       f"Layout step: {_fmt(t['layout_seconds_per_page'])} s/page "
                       f"(+ {_fmt(t['borderless_seconds_per_page'])} s/page borderless table search).\n")
    keys = sorted({k for by_key in backends.values() for k in by_key}, key=lambda k: (k != "all", k))
    cols = [(name, key) for key in keys for name in backends if key in backends[name]]
    if len(cols) > 1:
        out.append("### F1 side by side\n")
        out.append("| kind | " + " | ".join(f"{n} ({k})" for n, k in cols) + " |")
        out.append("|---|" + "---:|" * len(cols))
        kinds = sorted({kind for n, k in cols for kind in backends[n][k]["kinds"]}, key=_kind_order)
        for kind in kinds:
            cells = []
            for n, k in cols:
                c = backends[n][k]["kinds"].get(kind)
                cells.append(_fmt(c["f1"]) if c else "")
            out.append(f"| {kind} | " + " | ".join(cells) + " |")
        out.append("| title text acc. | " + " | ".join(_fmt(backends[n][k]["title_text"]["accuracy"]) for n, k in cols)
                   + " |")
        out.append("| layout s/page | " + " | ".join(_fmt(backends[n][k]["layout_seconds_per_page"]) for n, k in cols)
                   + " |")
        out.append("")
    if result.get("page_stage_seconds_per_page") is not None:
        out.append(f"Page stage (preprocess, tables, OCR, rules layout): {result['page_stage_seconds_per_page']:.2f} s/page.")
    for e in result.get("errors", []):
        out.append(f"- error: {e}")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m budgetdoc.layout.score", description=__doc__.split("\n\n")[0])
    ap.add_argument("root", help="a sample set (datasets/samples) or one sample folder")
    ap.add_argument("--backend", action="append", choices=sorted(BACKENDS),
                    help="layout backend to score (repeat; default: rules and rapid-layout)")
    ap.add_argument("--preset", action="append", default=[], help="only pages of this preset (repeat)")
    ap.add_argument("--limit", type=int, default=None, help="at most this many pages")
    ap.add_argument("--json", dest="json_out", default=None, help="write the figures (and per page) here")
    ap.add_argument("--dump", default=None, help="write each page's layouts here (JSON lines), for --rescore")
    ap.add_argument("--rescore", default=None, metavar="DUMP", help="score a --dump file again; runs no OCR")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    args = ap.parse_args(argv)
    if args.rescore:
        result = rescore_dump(args.rescore, args.root)
    else:
        backends = args.backend or ["rules", "rapid-layout"]
        log = None if args.quiet else (lambda s: print(s, file=sys.stderr, flush=True))
        result = run_samples(args.root, backends=backends, presets=args.preset, limit=args.limit, log=log,
                             dump=args.dump)
    print(markdown(result))
    if args.json_out:
        Path(args.json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json_out).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
