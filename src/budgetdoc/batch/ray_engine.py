"""The batch on a Ray cluster: one actor per worker holds the models; the driver keeps the manifest.

``ray_address=None`` starts a local Ray instance with ``workers`` CPUs (a laptop, a test);
``"auto"`` joins the cluster this machine belongs to; ``"ray://head:10001"`` connects a client to a
remote one. Actors return the document to the driver, which writes it (JSON last) and marks it done
— exactly as the local engine does — so the output folder and its manifest live only where the
driver runs. The input files must be readable at the same path on every node (a shared
filesystem), and every node needs budgetdoc installed in the same environment. The files that
need page pixels (``--debug`` overlays, ``--page-images``) are written by the actors themselves, so
on a cluster they need the output folder shared as well.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from budgetdoc.batch.workers import Extractor, WorkerJob, WorkerResult
from budgetdoc.pipeline.options import ExtractOptions

_IN_FLIGHT_PER_ACTOR = 2  # one running, one queued: no idle gap between documents


class _RayExtractor(Extractor):
    """An :class:`Extractor` that loads its models when the actor starts."""

    def __init__(self, options: ExtractOptions) -> None:
        super().__init__(options)
        try:
            import cv2

            cv2.setNumThreads(1)
        except ImportError:  # pragma: no cover
            pass
        _ = self.stages

    def ping(self) -> bool:
        return True


def run_on_ray(jobs: Sequence[WorkerJob], options: ExtractOptions, workers: int, address: str | None, *,
               running: Callable[[WorkerJob], None], finished: Callable[[WorkerResult, str], None],
               failed: Callable[[WorkerJob, str], None], cpus_per_worker: float = 1.0) -> None:
    try:
        import ray
    except ImportError as e:
        raise RuntimeError("--engine ray needs Ray: pip install 'budgetdoc[ray]'") from e
    started_here = not ray.is_initialized()
    if started_here:
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            ray.init(num_cpus=max(1, workers), include_dashboard=False, log_to_driver=False)
    try:
        # one ONNX thread per CPU the actor holds: the scheduler packs actors by their CPUs
        opts = options.model_copy(update={"ocr": {**options.ocr,
                                                  "num_threads": options.ocr.get("num_threads") or max(1, int(cpus_per_worker))}})
        actor_cls = ray.remote(num_cpus=cpus_per_worker, max_restarts=1)(_RayExtractor)
        actors = [actor_cls.remote(opts) for _ in range(max(1, workers))]
        in_flight: dict = {}  # object ref -> (job, actor index)
        queue = list(reversed(jobs))

        def submit(i: int) -> None:
            job = queue.pop()
            running(job)
            in_flight[actors[i].run.remote(job)] = (job, i)

        for i in range(len(actors)):
            for _ in range(_IN_FLIGHT_PER_ACTOR):
                if queue:
                    submit(i)
        while in_flight:
            ready, _ = ray.wait(list(in_flight), num_returns=1)
            ref = ready[0]
            job, i = in_flight.pop(ref)
            try:
                res: WorkerResult = ray.get(ref)
            except ray.exceptions.RayActorError as e:
                failed(job, f"{job.doc.label}: failed: the Ray worker died ({type(e).__name__})")
                actors[i] = actor_cls.remote(opts)
            except Exception as e:  # noqa: BLE001  # RayTaskError wraps the worker's exception
                cause = getattr(e, "cause", None) or e
                failed(job, f"{job.doc.label}: failed: {type(cause).__name__}: {' '.join(str(cause).split())[:300]}")
            else:
                finished(res, f"ray {res.pid}")
            if queue:
                submit(i)
    finally:
        if started_here:
            ray.shutdown()
