"""Peer table extractors run on the sample pages, written where ``budgetdoc eval`` reads them.

img2table (https://github.com/xavctn/img2table) with its ``TesseractOCR`` (``chi_sim``): each
page image of each sample goes through ``img2table.document.Image.extract_tables``; the tables
found are written as ``<out>/<sample_id>/tNN.html`` (numbered across the sample's pages in page
order), each ``<table>`` with a ``<caption>`` holding the text img2table found just above it
(``ExtractedTable.title``; empty when none). A sample where nothing was found gets an empty
``t00.html``, which the evaluator reads as "no tables" (not as a missing prediction). Seconds per
page are wall seconds of ``extract_tables`` (Tesseract included, image decoding excluded).

    .venv/bin/python -m budgetdoc.bench.peers --samples datasets/samples --out out/peers/img2table
    .venv/bin/budgetdoc eval --truth datasets/samples --pred out/peers/img2table --report out/peers/img2table.md

Installing img2table here: ``pip install --no-deps img2table==2.0.0 beautifulsoup4 soupsieve
xlsxwriter`` (numpy, pypdfium2 and OpenCV are already budgetdoc's). img2table declares
``opencv-contrib-python``, which would replace budgetdoc's ``opencv-python-headless`` and is not
installed; the one contrib function it calls, ``cv2.ximgproc.niBlackThreshold`` (Sauvola
binarisation, in ``img2table.tables.common.threshold``), is supplied by :func:`ensure_ximgproc`, a
NumPy/OpenCV-core reimplementation of OpenCV's, installed on ``cv2`` only when ``cv2.ximgproc`` is
absent (the run records that it was).
"""

from __future__ import annotations

import argparse
import contextlib
import html
import importlib.metadata as md
import importlib.util
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from budgetdoc.bench.engines import find_samples, sample_preset

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
INSTALL_HINT = "pip install --no-deps img2table==2.0.0 beautifulsoup4 soupsieve xlsxwriter"


# -- cv2.ximgproc stand-in ----------------------------------------------------------------------

_NIBLACK, _SAUVOLA = 0, 1


def ni_black_threshold(
    src: np.ndarray,
    maxValue: float,
    type: int,
    blockSize: int,
    k: float,
    binarizationMethod: int = _NIBLACK,
    r: float = 128.0,
) -> np.ndarray:
    """``cv2.ximgproc.niBlackThreshold`` for 8-bit grey images, Niblack and Sauvola methods
    (same signature and keyword names as OpenCV's).

    As OpenCV's: local mean and standard deviation over a ``blockSize`` box (replicated border),
    threshold ``mean + k·std`` (Niblack) or ``mean·(1 + k·(std/r − 1))`` (Sauvola) rounded to the
    image depth; ``THRESH_BINARY`` gives ``maxValue`` where ``src > T``, ``THRESH_BINARY_INV``
    where ``src <= T``, else 0.
    """
    import cv2

    if src.dtype != np.uint8 or src.ndim != 2:
        raise ValueError("ni_black_threshold: expected an 8-bit single-channel image")
    if blockSize % 2 != 1 or blockSize <= 1:
        raise ValueError("ni_black_threshold: blockSize must be odd and > 1")
    s = src.astype(np.float32)
    size = (blockSize, blockSize)
    mean = cv2.boxFilter(s, cv2.CV_32F, size, normalize=True, borderType=cv2.BORDER_REPLICATE)
    sqmean = cv2.sqrBoxFilter(s, cv2.CV_32F, size, normalize=True, borderType=cv2.BORDER_REPLICATE)
    std = np.sqrt(np.maximum(sqmean - mean * mean, 0.0))
    if binarizationMethod == _NIBLACK:
        thresh = mean + std * np.float32(k)
    elif binarizationMethod == _SAUVOLA:
        thresh = mean * (1.0 + np.float32(k) * (std / np.float32(r) - 1.0))
    else:
        raise NotImplementedError(f"binarizationMethod {binarizationMethod} (only Niblack and Sauvola)")
    thresh = np.clip(np.rint(thresh), 0, 255).astype(np.uint8)
    if type == cv2.THRESH_BINARY:
        mask = src > thresh
    elif type == cv2.THRESH_BINARY_INV:
        mask = src <= thresh
    else:
        raise NotImplementedError(f"threshold type {type} (only THRESH_BINARY and THRESH_BINARY_INV)")
    return np.where(mask, np.uint8(min(255, max(0, round(maxValue)))), np.uint8(0)).astype(np.uint8)


def ensure_ximgproc() -> bool:
    """Give ``cv2`` a ``ximgproc`` with :func:`ni_black_threshold` if it has none (headless OpenCV).

    Returns ``True`` when the stand-in was installed (now or earlier), ``False`` when OpenCV has
    its own (contrib build).
    """
    import cv2

    existing = getattr(cv2, "ximgproc", None)
    if existing is not None:
        return bool(getattr(existing, "_budgetdoc_stand_in", False))
    cv2.ximgproc = types.SimpleNamespace(  # type: ignore[attr-defined]
        niBlackThreshold=ni_black_threshold,
        BINARIZATION_NIBLACK=_NIBLACK,
        BINARIZATION_SAUVOLA=_SAUVOLA,
        _budgetdoc_stand_in=True,
    )
    return True


@contextlib.contextmanager
def _quiet_fds() -> Iterator[None]:
    """Send file descriptors 1 and 2 to /dev/null for a while (a child process's chatter)."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, devnull):
            os.close(fd)


# -- availability -------------------------------------------------------------------------------


def img2table_status(lang: str = "chi_sim") -> tuple[bool, str]:
    """``(True, version line)`` when img2table with Tesseract ``lang`` can run here, else
    ``(False, reason)``. Imports nothing heavy."""
    if importlib.util.find_spec("img2table") is None:
        return False, f"img2table is not installed ({INSTALL_HINT})"
    missing = [m for m in ("bs4", "cv2") if importlib.util.find_spec(m) is None]
    if missing:
        return False, f"img2table needs {', '.join(missing)} ({INSTALL_HINT})"
    exe = shutil.which("tesseract")
    if exe is None:
        return (
            False,
            "tesseract binary not found (Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim)",
        )
    try:
        langs = subprocess.run(
            [exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        ).stdout.split()
    except (OSError, subprocess.SubprocessError) as e:
        return False, f"tesseract found but unusable: {e}"
    absent = [lg for lg in lang.split("+") if lg not in langs]
    if absent:
        return (
            False,
            f"no Tesseract traineddata for {', '.join(absent)} (Debian: apt-get install tesseract-ocr-chi-sim)",
        )
    return True, f"img2table {md.version('img2table')}, tesseract {_tesseract_version(exe)}"


def _tesseract_version(exe: str = "tesseract") -> str | None:
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30, check=False)
        return (out.stdout or out.stderr).split()[1]
    except (OSError, subprocess.SubprocessError, IndexError):
        return None


# -- HTML ---------------------------------------------------------------------------------------


def _caption_text(title: str | None) -> str:
    """img2table's title text on one line (Tesseract's spaces between CJK characters kept: the
    evaluator folds whitespace)."""
    return re.sub(r"\s*\n\s*", " ", title or "").strip()


def table_html(table: Any) -> str:
    """One img2table ``ExtractedTable`` as an HTML ``<table>`` (img2table's own, with its
    rowspan/colspan) with a ``<caption>`` holding its title (empty when it found none)."""
    body = table.html
    caption = f"<caption>{html.escape(_caption_text(table.title))}</caption>"
    m = re.match(r"\s*<table[^>]*>", body)
    if m is None:  # pragma: no cover - img2table always starts with <table>
        raise ValueError("img2table HTML does not start with <table>")
    return body[: m.end()] + "\n " + caption + body[m.end() :]


# -- results ------------------------------------------------------------------------------------


class PeerPage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    page: str
    seconds: float
    tables: int
    error: str | None = None


class PeerSample(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sample_id: str
    preset: str
    pages: list[PeerPage]
    tables: int
    files: list[str]
    seconds: float


class PeerRun(BaseModel):
    """One peer run over some samples (JSON-serialisable); ``available=False`` with ``reason``
    when the peer cannot run here (then nothing was written)."""

    model_config = ConfigDict(extra="forbid")

    schema_name: Literal["budgetdoc.bench.peer"] = "budgetdoc.bench.peer"
    tool: str = "img2table"
    available: bool
    reason: str = ""
    version: str | None = None
    ocr: str = ""
    options: dict[str, Any] = Field(default_factory=dict)
    shims: list[str] = Field(default_factory=list)
    out_dir: str
    samples: list[PeerSample] = Field(default_factory=list)
    pages: int = 0
    tables: int = 0
    seconds_per_page_median: float | None = None
    seconds_total: float = 0.0

    def seconds_per_page_by_preset(self) -> dict[str, float]:
        by: dict[str, list[float]] = {}
        for s in self.samples:
            by.setdefault(s.preset, []).extend(p.seconds for p in s.pages if p.error is None)
        return {k: statistics.median(v) for k, v in sorted(by.items()) if v}

    def to_markdown(self) -> str:
        if not self.available:
            return f"{self.tool}: unavailable — {self.reason}\n"
        lines = [
            f"{self.tool} {self.version or ''} ({self.ocr}; {', '.join(f'{k}={v}' for k, v in self.options.items())})"
            + (f"; stand-ins: {', '.join(self.shims)}" if self.shims else ""),
            "",
            "| preset | samples | pages | tables found | s/page (median) |",
            "|---|---|---|---|---|",
        ]
        spp = self.seconds_per_page_by_preset()
        for preset in sorted({s.preset for s in self.samples}):
            ss = [s for s in self.samples if s.preset == preset]
            lines.append(
                f"| {preset} | {len(ss)} | {sum(len(s.pages) for s in ss)} | "
                f"{sum(s.tables for s in ss)} | {spp.get(preset, float('nan')):.2f} |"
            )
        total = "–" if self.seconds_per_page_median is None else f"{self.seconds_per_page_median:.2f}"
        lines.append(f"| all | {len(self.samples)} | {self.pages} | {self.tables} | {total} |")
        errors = [(s.sample_id, p) for s in self.samples for p in s.pages if p.error]
        if errors:
            lines += ["", "Pages that failed:", ""] + [f"- {sid} {p.page}: {p.error}" for sid, p in errors]
        return "\n".join(lines) + "\n"


# -- the run ------------------------------------------------------------------------------------


def sample_pages(sample_dir: Path) -> list[Path]:
    """The sample's delivered page images (``pages/page-NNN.*``), in page order."""
    return sorted(p for p in (sample_dir / "pages").iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def run_img2table(
    samples: Iterable[str | Path],
    out_dir: str | Path,
    *,
    lang: str = "chi_sim",
    psm: int = 11,
    implicit_rows: bool = False,
    implicit_columns: bool = False,
    borderless_tables: bool = False,
    detect_rotation: bool = True,
    min_confidence: int = 50,
    max_pages: int | None = None,
    pages: Iterable[int] | None = None,
    progress: Callable[[str], None] | None = None,
) -> PeerRun:
    """Run img2table + Tesseract on every page image of ``samples`` (sample folders); write
    ``<out_dir>/<sample_id>/tNN.html`` (module docstring) and return what happened.

    Defaults suit ruled budget tables: ``implicit_rows=False`` (a wrapped cell stays one cell),
    ``borderless_tables=False`` (every table on these pages is ruled; borderless detection turns
    narrative and card pages into false tables), ``detect_rotation=True`` (poor scans are turned
    and skewed), ``psm=11`` (sparse text, img2table's default). ``pages`` keeps only those page
    numbers (``page-NNN``), ``max_pages`` the first pages of each sample. A sample's old ``*.html`` are
    removed first. A page img2table fails on is recorded with its error, not raised.
    """
    options = {
        "lang": lang,
        "psm": psm,
        "implicit_rows": implicit_rows,
        "implicit_columns": implicit_columns,
        "borderless_tables": borderless_tables,
        "detect_rotation": detect_rotation,
        "min_confidence": min_confidence,
    }
    out = Path(out_dir)
    ok, detail = img2table_status(lang)
    if not ok:
        return PeerRun(available=False, reason=detail, options=options, out_dir=str(out))
    shims = (
        ["cv2.ximgproc.niBlackThreshold (budgetdoc.bench.peers.ni_black_threshold)"]
        if ensure_ximgproc()
        else []
    )
    try:
        from img2table.document import Image
        from img2table.ocr import TesseractOCR

        with _quiet_fds():  # its constructor runs `tesseract --version` onto our stdout
            ocr = TesseractOCR(n_threads=1, lang=lang, psm=psm)
    except Exception as e:  # noqa: BLE001 - report why it cannot run, precisely
        return PeerRun(
            available=False,
            reason=f"img2table import/initialisation failed: {type(e).__name__}: {e}",
            options=options,
            out_dir=str(out),
            shims=shims,
        )

    run = PeerRun(
        available=True,
        version=md.version("img2table"),
        ocr=f"TesseractOCR {lang} psm {psm} (tesseract {_tesseract_version()})",
        options=options,
        shims=shims,
        out_dir=str(out),
    )
    all_seconds: list[float] = []
    for sample_dir in (Path(s) for s in samples):
        folder = out / sample_dir.name
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.html"):
            old.unlink()
        done: list[PeerPage] = []
        files: list[str] = []
        n = 0
        images = sample_pages(sample_dir)
        if pages is not None:
            keep = {f"page-{n:03d}" for n in pages}
            images = [p for p in images if p.stem in keep]
        for image_path in images[:max_pages] if max_pages else images:
            data = image_path.read_bytes()
            t0 = time.perf_counter()
            try:
                doc = Image(data, detect_rotation=detect_rotation)
                tables = doc.extract_tables(
                    ocr=ocr,
                    implicit_rows=implicit_rows,
                    implicit_columns=implicit_columns,
                    borderless_tables=borderless_tables,
                    min_confidence=min_confidence,
                )
            except Exception as e:  # noqa: BLE001 - one bad page must not end the run
                done.append(
                    PeerPage(
                        page=image_path.name,
                        seconds=time.perf_counter() - t0,
                        tables=0,
                        error=f"{type(e).__name__}: {e}",
                    )
                )
                continue
            dt = time.perf_counter() - t0
            all_seconds.append(dt)
            for table in tables:
                n += 1
                name = f"t{n:02d}.html"
                (folder / name).write_text(table_html(table) + "\n", encoding="utf-8")
                files.append(name)
            done.append(PeerPage(page=image_path.name, seconds=dt, tables=len(tables)))
            if progress:
                progress(f"{sample_dir.name} {image_path.name}: {len(tables)} tables, {dt:.1f}s")
        if not files:
            (folder / "t00.html").write_text("", encoding="utf-8")
            files.append("t00.html")
        run.samples.append(
            PeerSample(
                sample_id=sample_dir.name,
                preset=sample_preset(sample_dir),
                pages=done,
                tables=n,
                files=files,
                seconds=sum(p.seconds for p in done),
            )
        )
    run.pages = sum(len(s.pages) for s in run.samples)
    run.tables = sum(s.tables for s in run.samples)
    run.seconds_total = sum(all_seconds)
    run.seconds_per_page_median = statistics.median(all_seconds) if all_seconds else None
    return run


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m budgetdoc.bench.peers", description=__doc__.split("\n")[0])
    ap.add_argument("--samples", default="datasets/samples", help="a folder of sample folders, or one sample")
    ap.add_argument("--out", type=Path, required=True, help="prediction folder for budgetdoc eval --pred")
    ap.add_argument("--preset", action="append", help="only samples of this preset (repeatable)")
    ap.add_argument("--sample", action="append", help="only this sample id (repeatable)")
    ap.add_argument("--psm", type=int, default=11)
    ap.add_argument("--implicit-rows", action="store_true")
    ap.add_argument("--borderless", action="store_true")
    ap.add_argument("--no-rotation", action="store_true", help="do not let img2table fix rotation/skew")
    ap.add_argument("--min-confidence", type=int, default=50)
    ap.add_argument("--max-pages", type=int, default=None)
    ap.add_argument("--page", type=int, action="append", help="only this page number (repeatable)")
    ap.add_argument("--json", type=Path, help="write the run record as JSON")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    dirs = find_samples(args.samples, presets=args.preset)
    if args.sample:
        dirs = [d for d in dirs if d.name in set(args.sample)]
    log = None if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    run = run_img2table(
        dirs,
        args.out,
        psm=args.psm,
        implicit_rows=args.implicit_rows,
        borderless_tables=args.borderless,
        detect_rotation=not args.no_rotation,
        min_confidence=args.min_confidence,
        max_pages=args.max_pages,
        pages=args.page,
        progress=log,
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(run.model_dump_json(indent=1), encoding="utf-8")
    print(run.to_markdown())
    return 0 if run.available else 1


if __name__ == "__main__":
    raise SystemExit(main())
