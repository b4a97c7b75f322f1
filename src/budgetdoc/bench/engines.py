"""OCR engines compared on known structure: every labelled table cell, read with each engine.

Structure is taken from the labels (``labels/page-NNN.json``), so only recognition is compared:
for each page, every table cell is cut out of the delivered page image and all of a page's cells
go through :func:`budgetdoc.ocr.cells.read_cells` with each engine in turn (side by side, page by
page, in the same process, after a warm-up read), so their timings share the machine's load.

Scores, per engine and preset (and over all pages):

* **numeric exact** — cells whose truth is a plain decimal (:func:`~budgetdoc.evaluation.text.parse_decimal`:
  codes with a leading zero are text): right when the reading states the same :class:`~decimal.Decimal`
  (thousands separators dropped, ``1,234.50`` = ``1234.5``);
* **text exact** — the other non-empty cells: equal after NFKC with every whitespace removed;
* **CER** — edit distance over truth characters (both folded the same way), non-empty cells;
* **empty FP** — blank truth cells where the engine read something (invented text); *word-like*
  counts only readings with a letter, digit or CJK character (speckle often reads as ``，`` or ``.``);
* **s/page** — median over pages of the wall seconds :func:`read_cells` took on a page's cells
  (cropping excluded; the same crops for every engine).

Cleaning: ``clean=True`` (default) reads as the pipeline does, ``read_cells(..., glyph_px=…)`` with
the page's glyph height (``glyph_height(ink_mask(grey page))``), so scanner specks and rule remnants
are painted out of each crop first and a crop left with nothing glyph-sized is blank;
``clean=False`` sends every crop with any ink as it is.

Crops: ``crop="quad"`` (default) warps each cell's labelled quad upright, then cuts ``inset`` px off
every side (skewed and 90/180/270°-turned poor scans give upright cells, as a structure stage that
deskews would); ``crop="bbox"`` cuts the axis-aligned ``bbox_px`` shrunk by ``inset``
(:func:`budgetdoc.ocr.crop_box`), which on a turned page hands the engine sideways text.

    .venv/bin/python -m budgetdoc.bench.engines --samples datasets/samples \\
        --preset office-scan --preset poor-scan --json out/bench/engines.json --md out/bench/engines.md
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from budgetdoc.evaluation.text import edit_distance, fold_text, parse_decimal

CropMode = Literal["quad", "bbox"]
ALL = "all"


# -- engines ------------------------------------------------------------------------------------


class EngineSpec(BaseModel):
    """One engine to compare: a display name and its OCR options (``build_engine`` mapping)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    options: dict[str, Any]


#: The engines compared by default: RapidOCR PP-OCRv6-small (budgetdoc's default), RapidOCR
#: PP-OCRv4 (models from the ``rapidocr_onnxruntime`` wheel), Tesseract chi_sim.
DEFAULT_ENGINES: tuple[EngineSpec, ...] = (
    EngineSpec(name="rapidocr PP-OCRv6-small", options={"kind": "rapidocr", "model_set": "PP-OCRv6-small"}),
    EngineSpec(name="rapidocr PP-OCRv4", options={"kind": "rapidocr", "model_set": "PP-OCRv4"}),
    EngineSpec(name="tesseract chi_sim", options={"kind": "tesseract", "lang": "chi_sim"}),
)


class EngineStatus(BaseModel):
    """Whether an engine could be built here; ``reason`` says why not."""

    model_config = ConfigDict(extra="forbid")

    name: str
    options: dict[str, Any]
    available: bool
    version: str | None = None
    reason: str = ""
    errors: list[str] = Field(default_factory=list, description="pages an engine failed on, and why")


def _build(spec: EngineSpec) -> tuple[Any | None, EngineStatus]:
    from budgetdoc.ocr import build_engine

    try:
        engine = build_engine(dict(spec.options))
    except Exception as e:  # noqa: BLE001 - any failure to build means "unavailable here", with its reason
        return None, EngineStatus(
            name=spec.name, options=dict(spec.options), available=False, reason=f"{type(e).__name__}: {e}"
        )
    try:
        version = str(engine.version)
    except Exception:  # noqa: BLE001
        version = None
    return engine, EngineStatus(name=spec.name, options=dict(spec.options), available=True, version=version)


# -- pages and cells ----------------------------------------------------------------------------


@dataclass
class PageCells:
    """One labelled page: its image, and the text and geometry of its table cells."""

    sample_id: str
    preset: str
    page: int
    image_path: Path
    texts: list[str]
    boxes: list[tuple[float, float, float, float]]
    quads: list[list[tuple[float, float]]]
    keys: list[str] = field(default_factory=list)


def sample_preset(sample_dir: Path) -> str:
    """The sample's degradation preset from ``meta.json`` (``"unknown"`` when absent)."""
    try:
        meta = json.loads((sample_dir / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "unknown"
    return str(meta.get("preset") or "unknown")


def find_samples(root: str | Path, *, presets: Iterable[str] | None = None) -> list[Path]:
    """Sample folders under ``root`` (those with ``labels/``), sorted, optionally of some presets.

    ``root`` may also be one sample folder.
    """
    root = Path(root)
    if (root / "labels").is_dir():
        folders = [root]
    else:
        folders = sorted(p for p in root.iterdir() if p.is_dir() and (p / "labels").is_dir())
    wanted = set(presets) if presets else None
    return [f for f in folders if wanted is None or sample_preset(f) in wanted]


def _page_image(sample_dir: Path, labels: dict) -> Path | None:
    if labels.get("image"):
        p = sample_dir / labels["image"]
        if p.is_file():
            return p
    stem = f"page-{int(labels['page']):03d}"
    for ext in (".png", ".jpg", ".jpeg"):
        p = sample_dir / "pages" / f"{stem}{ext}"
        if p.is_file():
            return p
    return None


def load_pages(sample_dir: str | Path, *, include_cards: bool = False) -> list[PageCells]:
    """Every page of a sample with at least one table cell (and card cell if ``include_cards``)."""
    sample_dir = Path(sample_dir)
    preset = sample_preset(sample_dir)
    out: list[PageCells] = []
    for f in sorted((sample_dir / "labels").glob("page-*.json")):
        labels = json.loads(f.read_text(encoding="utf-8"))
        cells = [
            c
            for c in labels.get("cells", [])
            if c.get("table_id") is not None or (include_cards and c.get("card_id") is not None)
        ]
        if not cells:
            continue
        image = _page_image(sample_dir, labels)
        if image is None:
            raise FileNotFoundError(f"{sample_dir}: no image for {f.name}")
        out.append(
            PageCells(
                sample_id=sample_dir.name,
                preset=preset,
                page=int(labels["page"]),
                image_path=image,
                texts=[c.get("text") or "" for c in cells],
                boxes=[tuple(c["bbox_px"]) for c in cells],
                quads=[[tuple(p) for p in c["quad_px"]] for c in cells],
                keys=[f"{c.get('table_id') or c.get('card_id')}:r{c['row']}c{c['col']}" for c in cells],
            )
        )
    return out


def _crop_quad_upright(image: np.ndarray, quad: Sequence[Sequence[float]], inset: float) -> np.ndarray:
    """The quad ``(tl, tr, br, bl)`` (reading order) warped to an upright rectangle, less ``inset``
    px on every side. Never turned by aspect ratio: a tall cell stays tall."""
    import cv2

    tl, tr, br, bl = (np.asarray(p, dtype=np.float64) for p in quad)
    w = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    h = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    out_w, out_h = round(w - 2 * inset), round(h - 2 * inset)
    if out_w < 1 or out_h < 1:
        return image[0:0, 0:0]
    src = np.array([tl, tr, br, bl], dtype=np.float32)
    dst = np.array(
        [[-inset, -inset], [w - inset, -inset], [w - inset, h - inset], [-inset, h - inset]], dtype=np.float32
    )
    m = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(
        image, m, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def crop_cells(
    image: np.ndarray, page: PageCells, *, inset: float = 4.0, crop: CropMode = "quad"
) -> list[np.ndarray]:
    """One crop per cell of ``page`` (see the module docstring for ``crop``)."""
    from budgetdoc.ocr import PixelBox, crop_box

    if crop == "bbox":
        return [crop_box(image, PixelBox(l=b[0], t=b[1], r=b[2], b=b[3]), inset=inset) for b in page.boxes]
    return [_crop_quad_upright(image, q, inset) for q in page.quads]


# -- scoring ------------------------------------------------------------------------------------


class CellCounts(BaseModel):
    """What one engine read right on a set of cells (sums; rates are derived)."""

    model_config = ConfigDict(extra="forbid")

    cells: int = 0
    numeric_cells: int = 0
    numeric_exact: int = 0
    text_cells: int = 0
    text_exact: int = 0
    truth_chars: int = 0
    char_edits: int = 0
    empty_cells: int = 0
    empty_false_positives: int = 0
    empty_false_positives_wordlike: int = 0

    def add(self, other: CellCounts) -> None:
        for name in type(self).model_fields:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @staticmethod
    def _rate(num: int, den: int) -> float | None:
        return num / den if den else None

    @property
    def numeric_accuracy(self) -> float | None:
        return self._rate(self.numeric_exact, self.numeric_cells)

    @property
    def text_accuracy(self) -> float | None:
        return self._rate(self.text_exact, self.text_cells)

    @property
    def cer(self) -> float | None:
        return self._rate(self.char_edits, self.truth_chars)

    @property
    def empty_fp_rate(self) -> float | None:
        return self._rate(self.empty_false_positives, self.empty_cells)

    @property
    def empty_fp_wordlike_rate(self) -> float | None:
        return self._rate(self.empty_false_positives_wordlike, self.empty_cells)


@dataclass
class CellMistake:
    truth: str
    read: str
    where: str


def _wordlike(text: str) -> bool:
    """Whether ``text`` holds a letter, digit or CJK character (not only punctuation or symbols,
    what scan speckle in a blank cell usually reads as)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def score_cells(
    truths: Sequence[str],
    reads: Sequence[str],
    *,
    where: Sequence[str] | None = None,
    mistakes: list[CellMistake] | None = None,
) -> CellCounts:
    """Counts for one engine's readings ``reads`` of cells whose truth is ``truths`` (same order)."""
    if len(truths) != len(reads):
        raise ValueError(f"{len(truths)} truths but {len(reads)} readings")
    c = CellCounts(cells=len(truths))
    for i, (truth, read) in enumerate(zip(truths, reads)):
        t, r = fold_text(truth), fold_text(read)
        if not t:
            c.empty_cells += 1
            wrong = bool(r)
            c.empty_false_positives += wrong
            c.empty_false_positives_wordlike += _wordlike(r)
        else:
            number = parse_decimal(truth)
            if number is not None:
                c.numeric_cells += 1
                got = parse_decimal(read)
                wrong = got is None or got != number
                c.numeric_exact += not wrong
            else:
                c.text_cells += 1
                wrong = r != t
                c.text_exact += not wrong
            c.truth_chars += len(t)
            c.char_edits += edit_distance(r, t)
        if wrong and mistakes is not None:
            mistakes.append(CellMistake(truth=truth, read=read, where=where[i] if where else str(i)))
    return c


# -- results ------------------------------------------------------------------------------------


class EngineScore(BaseModel):
    """One engine on one preset (or ``preset == "all"``)."""

    model_config = ConfigDict(extra="forbid")

    engine: str
    preset: str
    pages: int
    samples: int
    counts: CellCounts
    numeric_accuracy: float | None
    text_accuracy: float | None
    cer: float | None
    empty_fp_rate: float | None
    empty_fp_wordlike_rate: float | None = None
    seconds_per_page_median: float | None
    seconds_total: float
    page_seconds: list[float] = Field(
        default_factory=list, description="read_cells wall seconds, page by page"
    )
    mistakes: list[dict[str, str]] = Field(default_factory=list, description="a few wrong cells")


class EngineComparison(BaseModel):
    """The whole comparison: settings, which engines ran, their scores (JSON-serialisable)."""

    model_config = ConfigDict(extra="forbid")

    schema_name: Literal["budgetdoc.bench.engines"] = "budgetdoc.bench.engines"
    samples: list[str]
    presets: list[str]
    crop: CropMode
    inset: float
    clean: bool = False
    include_cards: bool
    pages: int
    cells: int
    engines: list[EngineStatus]
    scores: list[EngineScore]
    wall_seconds: float
    machine: dict[str, Any] = Field(default_factory=dict)

    def score(self, engine: str, preset: str = ALL) -> EngineScore | None:
        return next((s for s in self.scores if s.engine == engine and s.preset == preset), None)

    def to_markdown(self) -> str:
        """Per engine × preset: numeric acc, text acc, CER, empty FP, s/page; then unavailable engines."""

        def pct(x: float | None) -> str:
            return "–" if x is None else f"{100 * x:.1f}%"

        lines = [
            (
                f"Engine comparison on known structure: {len(self.samples)} samples, {self.pages} pages, "
                f"{self.cells} table cells (crop={self.crop}, inset={self.inset:g}px, "
                f"{'specks cleaned' if self.clean else 'crops as cut'}"
                f"{', cards included' if self.include_cards else ''})."
            ),
            "",
            (
                "| engine | preset | pages | numeric exact | text exact | CER | empty FP | empty FP (word-like) "
                "| s/page (median) |"
            ),
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for s in self.scores:
            c = s.counts
            spp = "–" if s.seconds_per_page_median is None else f"{s.seconds_per_page_median:.2f}"
            lines.append(
                f"| {s.engine} | {s.preset} | {s.pages} | {pct(s.numeric_accuracy)} ({c.numeric_exact}/{c.numeric_cells}) "
                f"| {pct(s.text_accuracy)} ({c.text_exact}/{c.text_cells}) | {pct(s.cer)} "
                f"| {pct(s.empty_fp_rate)} ({c.empty_false_positives}/{c.empty_cells}) "
                f"| {pct(s.empty_fp_wordlike_rate)} ({c.empty_false_positives_wordlike}/{c.empty_cells}) | {spp} |"
            )
        down = [e for e in self.engines if not e.available]
        if down:
            lines += ["", "Unavailable engines:", ""]
            lines += [f"- {e.name}: {e.reason}" for e in down]
        failed = [e for e in self.engines if e.errors]
        if failed:
            lines += ["", "Engine errors:", ""]
            lines += [f"- {e.name}: {err}" for e in failed for err in e.errors[:5]]
        return "\n".join(lines) + "\n"


# -- the run ------------------------------------------------------------------------------------


def _warm_up(engine: Any, crops: list[np.ndarray], glyph_px: float | None) -> None:
    from budgetdoc.ocr.cells import read_cells
    from budgetdoc.ocr.crops import ink_bounds

    inked = [c for c in crops if ink_bounds(c) is not None][:6]
    if inked:
        read_cells(engine, inked, glyph_px=glyph_px)


def page_glyph_px(image: np.ndarray) -> float:
    """The page's typical glyph height in pixels, as the pipeline measures it."""
    from budgetdoc.preprocess._binarize import glyph_height, ink_mask, to_gray

    return glyph_height(ink_mask(to_gray(image)))


def compare_engines(
    samples: Iterable[str | Path],
    engines: Sequence[EngineSpec | dict[str, Any]] | None = None,
    *,
    inset: float = 4.0,
    crop: CropMode = "quad",
    clean: bool = True,
    include_cards: bool = False,
    max_pages: int | None = None,
    pages: Iterable[int] | None = None,
    keep_mistakes: int = 20,
    progress: Callable[[str], None] | None = None,
) -> EngineComparison:
    """Read every labelled table cell of ``samples`` (sample folders) with each engine and score it.

    ``engines`` defaults to :data:`DEFAULT_ENGINES`; a dict is ``{"name": ..., "options": {...}}``.
    Engines that cannot be built are listed as unavailable with the reason and skipped. Pages are
    read engine after engine (timings side by side); ``pages`` keeps only those page numbers,
    ``max_pages`` caps the pages per sample.
    """
    import cv2

    from budgetdoc.ocr.cells import read_cells

    t_start = time.perf_counter()
    specs = [
        e if isinstance(e, EngineSpec) else EngineSpec.model_validate(e) for e in (engines or DEFAULT_ENGINES)
    ]
    if len({s.name for s in specs}) != len(specs):
        raise ValueError("engine names must be distinct")
    statuses: list[EngineStatus] = []
    built: list[tuple[EngineSpec, Any, EngineStatus]] = []
    for spec in specs:
        engine, status = _build(spec)
        statuses.append(status)
        if engine is not None:
            built.append((spec, engine, status))

    sample_dirs = [Path(s) for s in samples]
    wanted = set(pages) if pages is not None else None
    page_list: list[PageCells] = []
    for d in sample_dirs:
        ps = [p for p in load_pages(d, include_cards=include_cards) if wanted is None or p.page in wanted]
        page_list += ps[:max_pages] if max_pages else ps

    counts: dict[tuple[str, str], CellCounts] = {}
    seconds: dict[tuple[str, str], list[float]] = {}
    mistakes: dict[tuple[str, str], list[CellMistake]] = {}
    page_sets: dict[tuple[str, str], set[tuple[str, int]]] = {}
    warmed: set[str] = set()
    n_cells = 0
    for k, page in enumerate(page_list):
        image = cv2.imread(str(page.image_path), cv2.IMREAD_COLOR)
        if image is None:
            raise ValueError(f"cannot read {page.image_path}")
        crops = crop_cells(image, page, inset=inset, crop=crop)
        glyph_px = page_glyph_px(image) if clean else None
        n_cells += len(crops)
        where = [f"{page.sample_id} p{page.page} {key}" for key in page.keys]
        # rotate the order page by page so no engine always runs first (caches, turbo, load)
        order = built[k % len(built) :] + built[: k % len(built)] if built else []
        for spec, engine, status in order:
            if spec.name not in warmed:
                try:
                    _warm_up(engine, crops, glyph_px)
                except Exception as e:  # noqa: BLE001
                    status.errors.append(f"warm-up on {page.sample_id} p{page.page}: {type(e).__name__}: {e}")
                warmed.add(spec.name)
            t0 = time.perf_counter()
            try:
                readings = read_cells(engine, crops, glyph_px=glyph_px)
            except Exception as e:  # noqa: BLE001 - one bad page must not end the comparison
                status.errors.append(f"{page.sample_id} p{page.page}: {type(e).__name__}: {e}")
                continue
            dt = time.perf_counter() - t0
            page_mistakes: list[CellMistake] = []
            c = score_cells(page.texts, [r.text for r in readings], where=where, mistakes=page_mistakes)
            for preset in (page.preset, ALL):
                key = (spec.name, preset)
                counts.setdefault(key, CellCounts()).add(c)
                seconds.setdefault(key, []).append(dt)
                kept = mistakes.setdefault(key, [])
                kept.extend(page_mistakes[: max(0, keep_mistakes - len(kept))])
                page_sets.setdefault(key, set()).add((page.sample_id, page.page))
        if progress:
            progress(f"[{k + 1}/{len(page_list)}] {page.sample_id} p{page.page}: {len(crops)} cells")

    presets = sorted({p.preset for p in page_list})
    scores: list[EngineScore] = []
    for spec, _, _ in built:
        for preset in [*presets, ALL] if len(presets) > 1 else presets:
            key = (spec.name, preset)
            if key not in counts:
                continue
            c = counts[key]
            secs = seconds[key]
            scores.append(
                EngineScore(
                    engine=spec.name,
                    preset=preset,
                    pages=len(page_sets[key]),
                    samples=len({s for s, _ in page_sets[key]}),
                    counts=c,
                    numeric_accuracy=c.numeric_accuracy,
                    text_accuracy=c.text_accuracy,
                    cer=c.cer,
                    empty_fp_rate=c.empty_fp_rate,
                    empty_fp_wordlike_rate=c.empty_fp_wordlike_rate,
                    seconds_per_page_median=statistics.median(secs) if secs else None,
                    seconds_total=sum(secs),
                    page_seconds=[round(x, 4) for x in secs],
                    mistakes=[m.__dict__ for m in mistakes.get(key, [])],
                )
            )
    import os
    import platform

    return EngineComparison(
        samples=[d.name for d in sample_dirs],
        presets=presets,
        crop=crop,
        inset=inset,
        clean=clean,
        include_cards=include_cards,
        pages=len(page_list),
        cells=n_cells,
        engines=statuses,
        scores=scores,
        wall_seconds=time.perf_counter() - t_start,
        machine={
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m budgetdoc.bench.engines", description=__doc__.split("\n")[0])
    ap.add_argument("--samples", default="datasets/samples", help="a folder of sample folders, or one sample")
    ap.add_argument("--preset", action="append", help="only samples of this preset (repeatable)")
    ap.add_argument("--sample", action="append", help="only this sample id (repeatable)")
    ap.add_argument(
        "--engine",
        action="append",
        help='an engine as JSON {"name":..., "options":{...}} (repeatable; default: the three)',
    )
    ap.add_argument("--crop", choices=["quad", "bbox"], default="quad")
    ap.add_argument("--inset", type=float, default=4.0)
    ap.add_argument("--cards", action="store_true", help="card-form cells too")
    ap.add_argument("--no-clean", action="store_true", help="do not clean specks off the crops")
    ap.add_argument("--max-pages", type=int, default=None, help="pages per sample")
    ap.add_argument("--page", type=int, action="append", help="only this page number (repeatable)")
    ap.add_argument("--json", type=Path, help="write the result as JSON")
    ap.add_argument("--md", type=Path, help="write the Markdown table")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)

    dirs = find_samples(args.samples, presets=args.preset)
    if args.sample:
        dirs = [d for d in dirs if d.name in set(args.sample)]
    if not dirs:
        print("no samples selected", file=sys.stderr)
        return 2
    engines = [json.loads(e) for e in args.engine] if args.engine else None
    log = None if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    result = compare_engines(
        dirs,
        engines,
        inset=args.inset,
        crop=args.crop,
        clean=not args.no_clean,
        include_cards=args.cards,
        max_pages=args.max_pages,
        pages=args.page,
        progress=log,
    )
    md = result.to_markdown()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(result.model_dump_json(indent=1), encoding="utf-8")
    if args.md:
        args.md.parent.mkdir(parents=True, exist_ok=True)
        args.md.write_text(md, encoding="utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
