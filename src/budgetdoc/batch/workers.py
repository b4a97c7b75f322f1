"""What a worker does: build the models once, then extract documents one after another.

The same functions serve the process pool (:mod:`concurrent.futures`, spawned processes) and Ray
actors. A worker returns the document itself; the driver writes the outputs and the manifest, so
there is a single writer and a cluster needs no shared output folder. Debug overlays and page
images need the page pixels, so a worker writes those itself (before the driver writes the JSON
that makes the document count as done).
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from budgetdoc.model.document import DisclosureDocument
from budgetdoc.pipeline.extract import DocumentInput, build_stages, extract_document
from budgetdoc.pipeline.options import ExtractOptions
from budgetdoc.pipeline.page import Stages


@dataclass(frozen=True)
class WorkerJob:
    """One document for a worker, and the side files it should write (they need the pixels)."""

    key: str
    doc: DocumentInput
    out_dir: str
    debug: bool = False
    page_images: bool = False


@dataclass
class WorkerResult:
    """A document as a worker made it, with what it cost."""

    key: str
    name: str
    document: DisclosureDocument
    pages: int
    seconds: float
    pid: int
    peak_rss_mb: float  # the worker process's peak resident memory so far


def peak_rss_mb() -> float:
    """This process's peak resident set size in MiB.

    Linux: ``VmHWM`` of /proc/self/status, the peak of this process's own memory (``ru_maxrss``
    survives exec, so a spawned worker would report its parent's peak). Elsewhere ru_maxrss
    (KiB on Linux, bytes on macOS)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1 << 20) if sys.platform == "darwin" else rss / 1024


def threads_per_worker(workers: int) -> int:
    """ONNX Runtime threads for each of ``workers`` processes: the cores shared out, at least one
    (more threads than cores makes every worker slower)."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def worker_options(options: ExtractOptions, workers: int) -> ExtractOptions:
    """The run's options with the OCR engine's threads set for ``workers`` processes, unless set."""
    if workers <= 1 or options.ocr.get("num_threads"):
        return options
    return options.model_copy(update={"ocr": {**options.ocr, "num_threads": threads_per_worker(workers)}})


class Extractor:
    """Models loaded once; :meth:`run` extracts one job. Used in-process, per pool worker and as a
    Ray actor."""

    def __init__(self, options: ExtractOptions) -> None:
        self.options = options
        self._stages: Stages | None = None

    @property
    def stages(self) -> Stages:
        if self._stages is None:
            self._stages = build_stages(self.options)
        return self._stages

    def run(self, job: WorkerJob, on_page: Callable[[int], None] | None = None) -> WorkerResult:
        from budgetdoc.pipeline.outputs import write_side_files

        t0 = time.perf_counter()
        keep = job.debug or job.page_images
        result = extract_document(job.doc, self.options, stages=self.stages, keep_images=keep, on_page=on_page)
        if keep and result.pages:
            write_side_files(result, Path(job.out_dir), job.doc.name, debug=job.debug, page_images=job.page_images)
        source = result.document.source
        pages = source.page_count if source is not None and source.page_count is not None else len(result.pages)
        return WorkerResult(key=job.key, name=job.doc.name, document=result.document, pages=pages,
                            seconds=time.perf_counter() - t0, pid=os.getpid(), peak_rss_mb=peak_rss_mb())


# ---- process pool: one Extractor per worker process, built by the initializer -------------------

_EXTRACTOR: Extractor | None = None
_PAGES_QUEUE = None


def init_pool_worker(options_json: str, pages_queue) -> None:  # noqa: ANN001  (a multiprocessing queue)
    """Pool initializer: load the models once for this process."""
    global _EXTRACTOR, _PAGES_QUEUE
    try:
        import cv2

        cv2.setNumThreads(1)  # OpenCV's own pool would fight the other workers for the cores
    except ImportError:  # pragma: no cover
        pass
    _EXTRACTOR = Extractor(ExtractOptions.model_validate_json(options_json))
    _ = _EXTRACTOR.stages
    _PAGES_QUEUE = pages_queue


def run_in_pool_worker(job: WorkerJob) -> WorkerResult:
    assert _EXTRACTOR is not None, "init_pool_worker was not run"
    queue = _PAGES_QUEUE
    return _EXTRACTOR.run(job, on_page=(lambda n: queue.put(n)) if queue is not None else None)
