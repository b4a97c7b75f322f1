"""``budgetdoc synth``: draw disclosures into labelled scan samples, and the committed sample set.

A sample is drawn in three steps that each record what they did: :func:`render_document` lays the
document out and draws upright pages (labels = the drawing's own geometry), :func:`degrade` turns
each page into the delivered scan (with the exact points → pixels transform), and
:func:`~budgetdoc.synth.writer.write_sample` writes the folder (truth.json, meta.json, pages/,
labels/, tables/*.html, document.pdf). Same arguments, same bytes.
"""

from __future__ import annotations

import dataclasses
import random
import shutil
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from budgetdoc import __version__
from budgetdoc.model.document import DisclosureDocument, SourceFile
from budgetdoc.model.labels import SampleMeta
from budgetdoc.synth.degrade import PRESETS, DegradePreset, degrade, get_preset
from budgetdoc.synth.render import STYLES, render_document
from budgetdoc.synth.writer import PageOutput, write_sample

DEFAULT_SEED_TRUTH = Path("datasets/seed/seed_truth.json")
STYLE_CYCLE: tuple[str, ...] = ("shanxi", "jiangsu", "shanghai")
PRESET_CYCLE: tuple[str, ...] = ("clean", "office-scan", "poor-scan")
GENERATOR = f"budgetdoc {__version__} synth"


@dataclass(frozen=True)
class SampleSpec:
    """Everything that decides one sample's bytes.

    ``dpi`` is the render dpi (the delivered dpi comes from the preset, never above it);
    ``image_format`` "auto" takes the preset's (PNG for clean, JPEG for scans). ``max_tables`` /
    ``max_cards`` keep only that many tables/cards of the document (the longest and the widest
    first), and ``text_pages`` draws the cover and narrative: the committed set uses them to stay small.
    """

    sample_id: str
    origin: str  # "seed" | "synthetic"
    seed: int
    style: str
    preset: str | DegradePreset
    dpi: int = 200
    image_format: str = "auto"
    pdf: bool = True
    text_pages: bool = True
    max_tables: int | None = None
    max_cards: int | None = None


def _salt(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def trim_document(doc: DisclosureDocument, *, max_tables: int | None, max_cards: int | None,
                  seed: int) -> DisclosureDocument:
    """A copy keeping at most ``max_tables`` tables (the one with most rows, the widest, then a
    seeded choice, in document order) and the first ``max_cards`` cards."""
    d = doc.model_copy(deep=True)
    if max_tables is not None and len(d.tables) > max_tables:
        idx = list(range(len(d.tables)))
        keep: list[int] = []
        for key in (lambda i: d.tables[i].num_rows, lambda i: d.tables[i].num_cols):
            best = max((i for i in idx if i not in keep), key=key, default=None)
            if best is not None and len(keep) < max_tables:
                keep.append(best)
        rest = [i for i in idx if i not in keep]
        random.Random(seed).shuffle(rest)
        keep += rest[: max(0, max_tables - len(keep))]
        d.tables = [d.tables[i] for i in sorted(keep)]
    if max_cards is not None:
        d.cards = d.cards[:max_cards]
    return d


def draw_sample(doc: DisclosureDocument, spec: SampleSpec, out_root: Path) -> Path:
    """Render, degrade and write one sample folder ``out_root/spec.sample_id``; return its path."""
    preset = get_preset(spec.preset)
    if spec.max_tables is not None or spec.max_cards is not None:
        doc = trim_document(doc, max_tables=spec.max_tables, max_cards=spec.max_cards, seed=spec.seed)
    if not spec.text_pages and doc.sections:  # the truth holds what was drawn
        doc = doc.model_copy(update={"sections": []})
    rendered = render_document(doc, seed=spec.seed, dpi=spec.dpi, style=spec.style, text_pages=spec.text_pages)
    # one delivered dpi per document (a scanner is set once), drawn from the preset
    doc_rng = np.random.default_rng([spec.seed, _salt(preset.name), 0])
    if len(preset.dpi) > 1:
        preset = dataclasses.replace(preset, dpi=(int(preset.dpi[int(doc_rng.integers(len(preset.dpi)))]),))
    truth = rendered.truth
    outputs: list[PageOutput] = []
    page_params: list[dict[str, Any]] = []
    for rp, page in zip(rendered.pages, truth.pages, strict=True):
        rng = np.random.default_rng([spec.seed, _salt(preset.name), rp.number])
        dg = degrade(rp.image, width_pt=rp.width_pt, height_pt=rp.height_pt, render_dpi=rp.dpi, preset=preset,
                     rng=rng, line_mask=rp.line_mask)
        fmt = dg.image_format if spec.image_format == "auto" else spec.image_format
        labels = rp.labels(transform=dg.transform, size_px=dg.image.size, dpi=dg.dpi, preset=preset.name)
        outputs.append(PageOutput(image=dg.image, labels=labels, image_format=fmt, jpeg_quality=dg.jpeg_quality))
        page.dpi = dg.dpi
        page.transform = dg.transform
        page.rotation_applied = 0
        page.image = f"pages/page-{rp.number:03d}.{'jpg' if fmt == 'jpeg' else 'png'}"
        page_params.append({"page": rp.number, **dg.params})
    truth.source = SourceFile(path="document.pdf" if spec.pdf else "pages/", media_type="application/pdf"
                              if spec.pdf else None, page_count=len(outputs))
    truth.producer = f"{GENERATOR} (seed={spec.seed}, style={spec.style}, preset={preset.name})"
    n_cells = sum(len(t.cells) for t in truth.tables) + sum(len(c.form.cells) for c in truth.cards if c.form)
    meta = SampleMeta(
        sample_id=spec.sample_id, origin="seed" if spec.origin == "seed" else "synthetic", generator=GENERATOR,
        seed=spec.seed, style=spec.style, preset=preset.name, dpi=float(outputs[0].labels.dpi) if outputs else None,
        degradation={"render": rendered.meta(), "preset": dataclasses.asdict(preset), "spec": {
            "dpi": spec.dpi, "image_format": spec.image_format, "pdf": spec.pdf, "text_pages": spec.text_pages,
            "max_tables": spec.max_tables, "max_cards": spec.max_cards}, "pages": page_params},
        pages=len(outputs), tables=len(truth.tables), cards=len(truth.cards), cells=n_cells,
        indicators=sum(len(c.indicators) for c in truth.cards),
    )
    out_dir = Path(out_root) / spec.sample_id
    if out_dir.exists():  # a stale folder could keep pages the new sample does not have
        shutil.rmtree(out_dir)
    return write_sample(out_dir, truth=truth, pages=outputs, meta=meta, write_pdf=spec.pdf)


def load_seed_truth(path: Path = DEFAULT_SEED_TRUTH) -> DisclosureDocument:
    from budgetdoc.model.io import load_document

    if not Path(path).is_file():
        raise FileNotFoundError(f"seed truth {path} not found (build it with datasets/seed/build_seed_truth.py)")
    return load_document(path)


def random_variant(seed: int, style: str) -> DisclosureDocument:
    try:
        from budgetdoc.synth.variants import random_document
    except ImportError as e:  # pragma: no cover - the module ships with the package
        raise RuntimeError(f"budgetdoc.synth.variants is not available: {e}") from e
    return random_document(seed, style=style)


def plan_samples(*, seed_doc: bool, variants: int, seed: int, preset: str, style: str, dpi: int,
                 image_format: str, pdf: bool) -> list[SampleSpec]:
    """The samples ``budgetdoc synth`` draws for these options (see :func:`synth`)."""
    if preset != "mixed" and preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; choose from {sorted(PRESETS)} or 'mixed'")
    if style != "mixed" and style not in STYLES:
        raise ValueError(f"unknown style {style!r}; choose from {sorted(STYLES)} or 'mixed'")
    if image_format not in ("auto", "png", "jpeg"):
        raise ValueError(f"unknown image format {image_format!r}; choose auto, png or jpeg")
    specs: list[SampleSpec] = []
    if seed_doc:
        seed_style = "shanxi" if style == "mixed" else style
        for p in (PRESET_CYCLE if preset == "mixed" else (preset,)):
            sid = f"seed-{p}" if seed_style == "shanxi" else f"seed-{seed_style}-{p}"
            specs.append(SampleSpec(sid, "seed", seed, seed_style, p, dpi, image_format, pdf))
    for i in range(variants):
        st = STYLE_CYCLE[i % len(STYLE_CYCLE)] if style == "mixed" else style
        pr = PRESET_CYCLE[(i // len(STYLE_CYCLE)) % len(PRESET_CYCLE)] if preset == "mixed" else preset
        specs.append(SampleSpec(f"synth-{seed + i:04d}-{st}-{pr}", "synthetic", seed + i, st, pr, dpi,
                                image_format, pdf))
    return specs


def run_specs(specs: list[SampleSpec], out: Path, *, seed_truth: Path = DEFAULT_SEED_TRUTH,
              echo: Any = None) -> list[Path]:
    written: list[Path] = []
    seed_cache: DisclosureDocument | None = None
    for spec in specs:
        if spec.origin == "seed":
            if seed_cache is None:
                seed_cache = load_seed_truth(seed_truth)
            doc = seed_cache
        else:
            doc = random_variant(spec.seed, spec.style)
        path = draw_sample(doc, spec, out)
        written.append(path)
        if echo is not None:
            echo(f"{path}")
    return written


#: The committed synthetic sample set: the seed drawn clean and as a poor scan, then 12 generated
#: documents covering 3 styles x 3 presets. Generated documents keep only a few tables/cards (the
#: longest and the widest table first, so cross-page and landscape tables are in) so the whole set
#: stays small: (style, preset, max_tables, max_cards, text_pages) per document.
SAMPLE_SET_SEED = 1000
SAMPLE_SET_DOCS: tuple[tuple[str, str, int, int, bool], ...] = (
    # (style, preset, max tables, max cards, text pages); office-scan, the preset the pipeline's
    # targets are quoted on, gets the most content
    ("shanxi", "clean", 2, 1, False),
    ("shanxi", "office-scan", 3, 1, False),
    ("shanxi", "poor-scan", 2, 0, False),
    ("jiangsu", "clean", 2, 0, False),
    ("jiangsu", "office-scan", 3, 1, False),
    ("jiangsu", "poor-scan", 2, 1, False),
    ("shanghai", "clean", 3, 0, True),
    ("shanghai", "office-scan", 3, 0, False),
    ("shanghai", "poor-scan", 2, 0, False),
    ("shanxi", "office-scan", 2, 1, False),
    ("jiangsu", "office-scan", 2, 0, False),
    ("shanghai", "poor-scan", 2, 0, False),
)


def sample_set_specs() -> list[SampleSpec]:
    """The specs of :func:`build_sample_set`: no ``document.pdf`` (it repeats the page images byte for
    byte; :func:`budgetdoc.synth.writer.write_pdf_from_pages` makes it), clean pages as PNG at 200 dpi (the seed bilevel, 1 bit
    per pixel; generated documents in 4 greys, 2 bits), office scans as JPEG at 200 dpi, poor scans
    as JPEG at 150 dpi."""
    clean2 = dataclasses.replace(PRESETS["clean"], grey_levels=2)
    clean4 = dataclasses.replace(PRESETS["clean"], grey_levels=4)
    poor150 = dataclasses.replace(PRESETS["poor-scan"], dpi=(150,))
    presets = {"clean": clean4, "office-scan": PRESETS["office-scan"], "poor-scan": poor150}
    specs = [
        SampleSpec("seed-clean", "seed", 0, "shanxi", clean2, 200, pdf=False),
        SampleSpec("seed-poor-scan", "seed", 0, "shanxi", poor150, 200, pdf=False),
    ]
    for n, (st, pr, max_tables, max_cards, text) in enumerate(SAMPLE_SET_DOCS, start=1):
        specs.append(SampleSpec(f"synth-{n:04d}-{st}-{pr}", "synthetic", SAMPLE_SET_SEED + n, st, presets[pr], 200,
                                "auto", False, text, max_tables, max_cards))
    return specs


def build_sample_set(out_dir: Path, *, seed_truth: Path = DEFAULT_SEED_TRUTH) -> list[Path]:
    """Write the committed synthetic sample set into ``out_dir`` (one folder per sample)."""
    return run_specs(sample_set_specs(), Path(out_dir), seed_truth=seed_truth)


def synth(
    out: Annotated[Path, typer.Argument(help="Folder to write the sample folders into.")],
    seed_doc: Annotated[bool, typer.Option(
        "--seed-doc/--no-seed-doc", help="Draw the seed disclosure (its truth JSON, see --seed-truth).")] = True,
    seed_truth: Annotated[Path, typer.Option(help="Truth JSON of the seed document.")] = DEFAULT_SEED_TRUTH,
    variants: Annotated[int, typer.Option(min=0, help="Number of random documents to generate "
                                          "(random_document(seed + i, style)).")] = 0,
    seed: Annotated[int, typer.Option(help="Base random seed (document i uses seed + i).")] = 0,
    preset: Annotated[str, typer.Option(help="Scan look: clean, office-scan, poor-scan, or mixed (cycle all "
                                        "three; the seed is then drawn once per preset).")] = "clean",
    style: Annotated[str, typer.Option(help="Regional layout: shanxi, jiangsu, shanghai, or mixed (cycle; the "
                                       "seed is drawn shanxi).")] = "mixed",
    dpi: Annotated[int, typer.Option(min=72, max=600, help="Render dpi; scan presets resample down to "
                                     "their own dpi.")] = 200,
    image_format: Annotated[str, typer.Option(help="Page image format: auto (PNG for clean, JPEG for "
                                              "scans), png or jpeg.")] = "auto",
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write document.pdf (image-only).")] = True,
    sample_set: Annotated[bool, typer.Option(
        "--sample-set", help="Instead: write the committed synthetic sample set into OUT.")] = False,
) -> None:
    """Draw labelled scan samples: the seed and/or random disclosures, rendered, degraded, written.

    Each sample folder holds truth.json, meta.json (every parameter drawn), pages/, labels/, tables/ and
    document.pdf; the same options give the same bytes. Presets: clean, office-scan, poor-scan.
    """
    if sample_set:
        paths = build_sample_set(out, seed_truth=seed_truth)
    else:
        try:
            specs = plan_samples(seed_doc=seed_doc, variants=variants, seed=seed, preset=preset, style=style,
                                 dpi=dpi, image_format=image_format, pdf=pdf)
        except ValueError as e:
            raise typer.BadParameter(str(e)) from e
        if not specs:
            raise typer.BadParameter("nothing to draw: use --seed-doc and/or --variants N")
        paths = run_specs(specs, out, seed_truth=seed_truth)
    for p in paths:
        typer.echo(str(p))
    typer.echo(f"{len(paths)} samples written to {out}")
