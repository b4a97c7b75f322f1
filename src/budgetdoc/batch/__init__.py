"""Batch extraction of an archive: a manifest keyed by content hash (resume, skip, retry), worker
processes or a Ray cluster, outputs written atomically by one driver."""

from budgetdoc.batch.manifest import Manifest, ManifestRow, content_key
from budgetdoc.batch.runner import BatchOptions, BatchSummary, Progress, run_batch

__all__ = ["BatchOptions", "BatchSummary", "Manifest", "ManifestRow", "Progress", "content_key", "run_batch"]
