"""Run a batch: plan against the manifest, extract what is left on 1..N workers or Ray, write as
documents finish.

Guarantees (tested by killing a run with SIGKILL and rerunning it):

* every document's JSON is written atomically and *before* the manifest says ``done``, so a killed
  run loses at most the documents in flight, and a rerun extracts exactly those again;
* a document is keyed by its content hash: a rerun skips what is done (with the same options), redoes
  what was cut off, retries what failed; the same file reached twice is extracted once;
* one driver process writes outputs and the manifest; a lock file refuses a second run on the same
  output folder while one is going.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from budgetdoc.batch.manifest import Manifest, document_key, options_fingerprint
from budgetdoc.batch.workers import Extractor, WorkerJob, WorkerResult, worker_options
from budgetdoc.pipeline.extract import DocumentInput, DocumentResult, summarize_results
from budgetdoc.pipeline.options import ExtractOptions

__all__ = ["BatchOptions", "BatchSummary", "Progress", "run_batch"]

Engine = Literal["local", "ray"]
LOCK_NAME = ".budgetdoc.lock"


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs (what is extracted is :class:`ExtractOptions`)."""

    out_dir: Path
    workers: int = 1
    engine: Engine = "local"
    ray_address: str | None = None  # None: start a local Ray instance with ``workers`` CPUs
    tables: bool = True  # XLSX and CSV beside each JSON
    debug: bool = False
    page_images: bool = False
    force: bool = False  # redo documents the manifest says are done


class Progress(Protocol):
    """What a batch reports as it goes (the CLI's progress bar; tests record it)."""

    def start(self, documents: int, pages: int | None) -> None: ...
    def pages(self, n: int) -> None: ...
    def document(self, name: str, line: str, *, ok: bool) -> None: ...
    def close(self) -> None: ...


@dataclass
class BatchSummary:
    """What a run did, and at what speed."""

    planned: int = 0
    skipped: int = 0  # done before, same content and options
    duplicates: int = 0  # same content as another input
    extracted: int = 0
    failed: int = 0
    pages: int = 0
    seconds: float = 0.0  # wall-clock of the extraction part
    worker_peak_rss_mb: dict[str, float] = field(default_factory=dict)  # worker id -> peak MiB
    # what the extracted documents hold, added up as they come (documents are not kept: an archive
    # of thousands would not fit in the driver's memory)
    totals: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)  # every failure, one line each
    unreadable: list[str] = field(default_factory=list)  # inputs that could not even be hashed

    @property
    def pages_per_minute(self) -> float | None:
        return round(60 * self.pages / self.seconds, 2) if self.seconds > 0 and self.pages else None

    def as_dict(self) -> dict:
        return {"planned": self.planned, "skipped": self.skipped, "duplicates": self.duplicates,
                "extracted": self.extracted, "failed": self.failed, "pages": self.pages,
                "wall_seconds": round(self.seconds, 2), "pages_per_minute": self.pages_per_minute,
                "worker_peak_rss_mb": {k: round(v, 1) for k, v in sorted(self.worker_peak_rss_mb.items())}}


@contextmanager
def _exclusive(out_dir: Path) -> Iterator[None]:
    """Hold ``<out>/.budgetdoc.lock`` for the run (released by the kernel even on kill -9)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(f"{out_dir}: another budgetdoc run is writing to this folder") from None
        yield
    finally:
        os.close(fd)


def sweep_partial_files(out_dir: Path) -> int:
    """Remove the temporary files a killed run left (``.<name>.<random>.tmp`` of atomic writes)."""
    n = 0
    for p in out_dir.rglob(".*.tmp"):
        if p.is_file():
            p.unlink(missing_ok=True)
            n += 1
    return n


def _plan(docs: Sequence[DocumentInput], manifest: Manifest, batch: BatchOptions, options_hash: str,
          run_id: str, summary: BatchSummary) -> list[WorkerJob]:
    jobs: list[WorkerJob] = []
    seen: dict[str, str] = {}
    for doc in docs:
        try:
            key = document_key(doc.paths, doc.member)
        except (OSError, KeyError, zipfile.BadZipFile) as e:
            summary.failed += 1
            summary.errors.append(f"{doc.label}: unreadable: {e}")
            summary.unreadable.append(summary.errors[-1])
            continue
        if key in seen:
            summary.duplicates += 1
            manifest.add_alias(doc.label, key)
            continue
        seen[key] = doc.name
        row = manifest.get(key)
        if row is not None:
            name = row.name
            if (not batch.force and row.status == "done" and row.options_hash == options_hash
                    and (batch.out_dir / f"{name}.json").is_file()):
                summary.skipped += 1
                continue
        else:
            name = doc.name if not manifest.name_taken(doc.name, key) else f"{doc.name}-{key[:8]}"
        manifest.enqueue(key, name, [doc.label] if doc.member else [str(p) for p in doc.paths], options_hash, run_id)
        jobs.append(WorkerJob(key=key, doc=DocumentInput(name=name, paths=doc.paths, member=doc.member),
                              out_dir=str(batch.out_dir),
                              debug=batch.debug, page_images=batch.page_images))
    return jobs


def run_batch(docs: Sequence[DocumentInput], options: ExtractOptions, batch: BatchOptions,
              progress: Progress | None = None) -> BatchSummary:
    """Extract ``docs`` into ``batch.out_dir`` under its manifest; returns what was done."""
    from budgetdoc.pipeline.extract import count_pages

    out_dir = Path(batch.out_dir)
    summary = BatchSummary()
    run_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    # the fingerprint is of what the user asked for: thread counts change speed, not results
    options_hash = options_fingerprint(options.model_dump_json())
    options = worker_options(options, batch.workers if batch.engine == "local" else 1)
    options_json = options.model_dump_json()
    with _exclusive(out_dir), Manifest.in_folder(out_dir) as manifest:
        sweep_partial_files(out_dir)
        manifest.start_run(run_id, engine=batch.engine, workers=batch.workers, options_json=options_json)
        jobs = _plan(docs, manifest, batch, options_hash, run_id, summary)
        summary.planned = len(jobs)
        if progress is not None:
            counts = [count_pages(j.doc) for j in jobs]
            progress.start(len(jobs), sum(c or 0 for c in counts) or None)

        def finished(res: WorkerResult, worker: str) -> None:
            _record(res, worker, manifest, batch, run_id, summary, progress)

        def failed(job: WorkerJob, message: str) -> None:
            manifest.mark_failed(job.key, message, run_id)
            summary.failed += 1
            summary.errors.append(message)
            if progress is not None:
                progress.document(job.doc.name, f"error: {message}", ok=False)

        def running(job: WorkerJob) -> None:
            manifest.mark_running(job.key, run_id)

        t0 = time.perf_counter()
        if jobs:
            if batch.engine == "ray":
                from budgetdoc.batch.ray_engine import run_on_ray

                run_on_ray(jobs, options, batch.workers, batch.ray_address, running=running, finished=finished,
                           failed=failed)
            elif batch.workers <= 1:
                _run_here(jobs, options, running, finished, failed, progress)
            else:
                _run_pool(jobs, options_json, batch.workers, running, finished, failed, progress)
        summary.seconds = time.perf_counter() - t0
        manifest.finish_run(run_id, summary.as_dict())
    if progress is not None:
        progress.close()
    return summary


def _record(res: WorkerResult, worker: str, manifest: Manifest, batch: BatchOptions, run_id: str,
            summary: BatchSummary, progress: Progress | None) -> None:
    """A document came back: write its outputs (JSON last), then mark it done."""
    from budgetdoc.pipeline.outputs import write_outputs

    doc = res.document
    if doc.source is not None and doc.source.sha256 is None:
        doc.source.sha256 = res.key  # the file's SHA-256 (a folder of images: the hash of its pages)
    errors = "\n".join(e.message for e in doc.errors) or None
    summary.worker_peak_rss_mb[worker] = max(summary.worker_peak_rss_mb.get(worker, 0.0), res.peak_rss_mb)
    summary.pages += res.pages
    if not doc.pages:
        # nothing readable: no JSON, the errors say why; the next run retries it
        manifest.mark_failed(res.key, errors or f"{res.name}: no page could be read", run_id)
        summary.failed += 1
        summary.errors += (errors or "").splitlines()
        if progress is not None:
            progress.document(res.name, f"error: {errors}", ok=False)
        return
    result = DocumentResult(document=doc, seconds=res.seconds)
    write_outputs(result, batch.out_dir, res.name, tables=batch.tables)
    manifest.mark_done(res.key, pages=res.pages, seconds=res.seconds, error=errors, run_id=run_id)
    summary.extracted += 1
    summary.totals.update(document_counts(result))
    if progress is not None:
        if errors:
            for line in errors.splitlines():
                progress.document(res.name, f"error: {line}", ok=False)
        progress.document(res.name, describe(res), ok=True)


def document_counts(result: DocumentResult) -> dict[str, float]:
    """One document's counts, as ``budgetdoc extract`` sums them (pages come from the workers)."""
    counts = summarize_results([result])
    return {k: v for k, v in counts.items() if k not in ("pages", "seconds_per_page")}


def describe(res: WorkerResult) -> str:
    """The one line printed per finished document."""
    d = res.document
    return (f"{res.name}: {len(d.pages)} pages, {len(d.tables)} tables, {sum(len(t.rows) for t in d.tables)} rows, "
            f"{len(d.cards)} cards, {sum(len(c.indicators) for c in d.cards)} indicators, "
            f"{sum(1 for c in d.checks if c.status == 'failed')} failed checks, {len(d.repairs)} repairs, "
            f"{res.seconds / max(1, res.pages):.2f} s/page")


def _run_here(jobs: Sequence[WorkerJob], options: ExtractOptions, running: Callable[[WorkerJob], None],
              finished: Callable[[WorkerResult, str], None], failed: Callable[[WorkerJob, str], None],
              progress: Progress | None) -> None:
    extractor = Extractor(options)
    for job in jobs:
        running(job)
        try:
            res = extractor.run(job, on_page=progress.pages if progress is not None else None)
        except Exception as e:  # noqa: BLE001  # one document must not stop the batch
            failed(job, f"{job.doc.label}: failed: {type(e).__name__}: {' '.join(str(e).split())}")
            continue
        finished(res, "main")


def _run_pool(jobs: Sequence[WorkerJob], options_json: str, workers: int, running: Callable[[WorkerJob], None],
              finished: Callable[[WorkerResult, str], None], failed: Callable[[WorkerJob, str], None],
              progress: Progress | None) -> None:
    """Spawned worker processes, each loading the models once (the initializer); pages are reported
    through a queue as each worker reads them."""
    import multiprocessing as mp

    from budgetdoc.batch.workers import init_pool_worker, run_in_pool_worker

    ctx = mp.get_context("spawn")  # fork would copy a driver that may hold threads and ONNX sessions
    queue = ctx.Queue()
    stop = threading.Event()

    def drain() -> None:
        while not stop.is_set():
            try:
                n = queue.get(timeout=0.2)
            except Exception:  # noqa: BLE001  (queue.Empty, or the queue closed)
                continue
            if progress is not None:
                progress.pages(n)

    pump = threading.Thread(target=drain, daemon=True)
    pump.start()
    pending = list(jobs)
    try:
        while pending:
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=init_pool_worker,
                                     initargs=(options_json, queue)) as pool:
                futures: dict[Future, WorkerJob] = {}
                # keep each worker busy with one job and one queued, so a crash loses little
                it = iter(pending)
                pending = []
                for job in it:
                    running(job)
                    futures[pool.submit(run_in_pool_worker, job)] = job
                    if len(futures) >= 2 * workers:
                        break
                broken = False
                while futures:
                    done, _ = wait(futures, return_when=FIRST_COMPLETED)
                    for fut in done:
                        job = futures.pop(fut)
                        try:
                            res = fut.result()
                        except BrokenProcessPool:
                            broken = True
                            failed(job, f"{job.doc.label}: failed: a worker process died (out of memory?)")
                            continue
                        except Exception as e:  # noqa: BLE001
                            failed(job, f"{job.doc.label}: failed: {type(e).__name__}: {' '.join(str(e).split())}")
                            continue
                        finished(res, f"pid {res.pid}")
                    if broken:
                        for fut, job in futures.items():
                            failed(job, f"{job.doc.label}: failed: a worker process died (out of memory?)")
                        futures.clear()
                        break
                    for job in it:
                        running(job)
                        futures[pool.submit(run_in_pool_worker, job)] = job
                        if len(futures) >= 2 * workers:
                            break
                pending = list(it)  # left after a broken pool: a fresh pool takes them
    finally:
        stop.set()
        pump.join(timeout=2)
        queue.close()
