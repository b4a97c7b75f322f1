"""The batch manifest: one SQLite file beside the outputs that says, per input document, what is done.

A document is keyed by the SHA-256 of its content (the file's bytes; for a folder of page images,
the names and hashes of its images), so a rerun recognises a document however it was reached (a
renamed file, the same PDF in two folders) and extracts it once. A row moves
``pending → running → done | failed``; ``done`` is written only after the document's JSON is in
place (atomically), so a run killed at any moment leaves either a finished document or one that a
rerun extracts again — never half of one. A ``running`` row found by a later run was cut off and is
redone. ``failed`` rows are retried by the next run.

SQLite in WAL mode with ``synchronous=FULL``: a commit survives ``kill -9`` and power loss, and a
reader (``budgetdoc`` status queries, a test) never blocks the writer. Only the driver process
writes; workers never touch the manifest.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Literal

Status = Literal["pending", "running", "done", "failed"]

MANIFEST_NAME = "manifest.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    key           TEXT PRIMARY KEY,          -- sha256 of the document's content
    name          TEXT NOT NULL UNIQUE,      -- output stem: <out>/<name>.json
    inputs        TEXT NOT NULL,             -- JSON list of the input paths
    options_hash  TEXT NOT NULL,             -- the extraction options it was (or is to be) made with
    status        TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    pages         INTEGER,
    seconds       REAL,
    error         TEXT,                      -- why it failed (one line per error)
    run_id        TEXT,                      -- the run that last changed it
    updated       REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS aliases (         -- inputs whose content repeats an earlier document
    path          TEXT PRIMARY KEY,
    key           TEXT NOT NULL REFERENCES documents(key)
);
CREATE TABLE IF NOT EXISTS runs (
    run_id        TEXT PRIMARY KEY,
    started       REAL NOT NULL,
    finished      REAL,
    engine        TEXT NOT NULL,
    workers       INTEGER NOT NULL,
    options       TEXT NOT NULL,
    summary       TEXT
);
"""


@dataclass(frozen=True)
class ManifestRow:
    """One document's line in the manifest."""

    key: str
    name: str
    inputs: tuple[str, ...]
    options_hash: str
    status: Status
    attempts: int
    pages: int | None
    seconds: float | None
    error: str | None
    run_id: str | None


def content_key(paths: Iterable[Path], chunk: int = 1 << 20) -> str:
    """SHA-256 of a document's content: one file's bytes, or, for a folder of page images, each
    image's name and bytes in page order (so renaming the folder keeps the key)."""
    paths = list(paths)
    if len(paths) == 1:
        return _sha256_stream(open(paths[0], "rb"), chunk)
    outer = hashlib.sha256(b"budgetdoc.pages\0")
    for p in paths:
        outer.update(p.name.encode("utf-8") + b"\0" + content_key([p]).encode("ascii"))
    return outer.hexdigest()


def document_key(paths: Sequence[Path], member: str | None = None) -> str:
    """The key of a document: :func:`content_key` of its files, or, for a document inside a zip
    archive, of the member's bytes (a member folder: its images' names and bytes)."""
    if member is None:
        return content_key(paths)
    import zipfile

    with zipfile.ZipFile(paths[0]) as zf:
        if not member.endswith("/"):
            return _sha256_stream(zf.open(member))
        from budgetdoc.ingest.sources import IMAGE_EXT, natural_key

        folder = member.rstrip("/") or "."
        pages = sorted((m.filename for m in zf.infolist() if not m.is_dir()
                        and str(PurePosixPath(m.filename).parent) == folder
                        and PurePosixPath(m.filename).suffix.lower() in IMAGE_EXT), key=natural_key)
        if len(pages) == 1:  # as content_key: the same pages in a folder or a zip are one document
            return _sha256_stream(zf.open(pages[0]))
        outer = hashlib.sha256(b"budgetdoc.pages\0")
        for m in pages:
            outer.update(PurePosixPath(m).name.encode("utf-8") + b"\0" + _sha256_stream(zf.open(m)).encode("ascii"))
        return outer.hexdigest()


def _sha256_stream(f: BinaryIO, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def options_fingerprint(options_json: str) -> str:
    """A short, stable hash of the extraction options: a document made with other options is redone."""
    canon = json.dumps(json.loads(options_json), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()[:16]


class Manifest:
    """The manifest of one output folder (``<out>/manifest.sqlite``)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: autocommit; transactions are explicit (see _tx)
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    @classmethod
    def in_folder(cls, out_dir: Path) -> Manifest:
        return cls(Path(out_dir) / MANIFEST_NAME)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # ---- reading -------------------------------------------------------------------------------

    def get(self, key: str) -> ManifestRow | None:
        row = self._db.execute("SELECT key, name, inputs, options_hash, status, attempts, pages, seconds, error, "
                               "run_id FROM documents WHERE key = ?", (key,)).fetchone()
        return _row(row) if row else None

    def rows(self, status: Status | None = None) -> list[ManifestRow]:
        sql = ("SELECT key, name, inputs, options_hash, status, attempts, pages, seconds, error, run_id "
               "FROM documents")
        args: tuple = ()
        if status is not None:
            sql += " WHERE status = ?"
            args = (status,)
        return [_row(r) for r in self._db.execute(sql + " ORDER BY name", args)]

    def counts(self) -> dict[str, int]:
        return dict(self._db.execute("SELECT status, count(*) FROM documents GROUP BY status").fetchall())

    def name_taken(self, name: str, key: str) -> bool:
        row = self._db.execute("SELECT key FROM documents WHERE name = ?", (name,)).fetchone()
        return row is not None and row[0] != key

    # ---- writing -------------------------------------------------------------------------------

    def start_run(self, run_id: str, *, engine: str, workers: int, options_json: str) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO runs (run_id, started, engine, workers, options) VALUES (?, ?, ?, ?, ?)",
                       (run_id, time.time(), engine, workers, options_json))

    def finish_run(self, run_id: str, summary: dict) -> None:
        with self._tx() as db:
            db.execute("UPDATE runs SET finished = ?, summary = ? WHERE run_id = ?",
                       (time.time(), json.dumps(summary, ensure_ascii=False), run_id))

    def enqueue(self, key: str, name: str, inputs: Iterable[str], options_hash: str, run_id: str) -> None:
        """Add a document as pending, or set an existing one back to pending (its name is kept)."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO documents (key, name, inputs, options_hash, status, run_id, updated) "
                "VALUES (?, ?, ?, ?, 'pending', ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET status = 'pending', options_hash = excluded.options_hash, "
                "inputs = excluded.inputs, run_id = excluded.run_id, updated = excluded.updated",
                (key, name, json.dumps(list(inputs), ensure_ascii=False), options_hash, run_id, time.time()))

    def add_alias(self, path: str, key: str) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO aliases (path, key) VALUES (?, ?)", (path, key))

    def mark_running(self, key: str, run_id: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE documents SET status = 'running', attempts = attempts + 1, run_id = ?, updated = ? "
                       "WHERE key = ?", (run_id, time.time(), key))

    def mark_done(self, key: str, *, pages: int, seconds: float, error: str | None, run_id: str) -> None:
        """Record a finished document. Call only once its JSON is in place."""
        with self._tx() as db:
            db.execute("UPDATE documents SET status = 'done', pages = ?, seconds = ?, error = ?, run_id = ?, "
                       "updated = ? WHERE key = ?", (pages, seconds, error, run_id, time.time(), key))

    def mark_failed(self, key: str, error: str, run_id: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE documents SET status = 'failed', error = ?, run_id = ?, updated = ? WHERE key = ?",
                       (error, run_id, time.time(), key))


def _row(r: tuple) -> ManifestRow:
    return ManifestRow(key=r[0], name=r[1], inputs=tuple(json.loads(r[2])), options_hash=r[3], status=r[4],
                       attempts=r[5], pages=r[6], seconds=r[7], error=r[8], run_id=r[9])
