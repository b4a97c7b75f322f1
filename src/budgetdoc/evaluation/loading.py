"""Steps 1 and 2 of an evaluation: read the truth, then find and read each document's prediction.

Truth (``--truth DIR``): a folder of sample folders (``*/truth.json`` with ``meta.json``, what
``budgetdoc synth`` and ``budgetdoc samples`` write), one sample folder, or a folder of document
JSON files, or one document JSON file. A document's id is its sample folder's name or its JSON file's stem.

Predictions (``--pred DIR``), looked up per truth id, first hit wins:

1. our schema's JSON: ``<id>/truth.json``, ``<id>/prediction.json``, ``<id>.json``;
2. HTML: ``<id>.html`` or ``<id>/*.html`` (files in name order, each with one or more ``<table>``);
3. CSV: ``<id>/*.csv``, one table per file, in name order.

Nothing found → *missing*; found but not readable (bad JSON, not our schema, no ``<table>`` in a
non-empty HTML file, malformed CSV, undecodable bytes) → *unreadable*. Both carry the reason and
never stop the run (unless the caller asks to stop at the first problem).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from budgetdoc.evaluation.formats import EvalTable, read_csv_table, read_html_tables
from budgetdoc.evaluation.results import Problem
from budgetdoc.model.document import DisclosureDocument
from budgetdoc.model.io import parse_document

JSON_NAMES = ("truth.json", "prediction.json")


@dataclass
class TruthDocument:
    """A truth document and how its sample was made (``None`` where unknown)."""

    id: str
    doc: DisclosureDocument
    path: str
    origin: str | None = None
    preset: str | None = None
    dpi: float | None = None
    style: str | None = None


@dataclass
class Prediction:
    """What was found for one truth id: a document (JSON) or bare tables (HTML/CSV), or a problem."""

    id: str
    status: Literal["found", "missing", "unreadable"]
    format: Literal["json", "html", "csv"] | None = None
    path: str | None = None
    doc: DisclosureDocument | None = None
    tables: list[EvalTable] = field(default_factory=list)
    reason: str | None = None

    @classmethod
    def from_document(cls, doc_id: str, doc: DisclosureDocument, *, path: str | None = None) -> Prediction:
        """A found JSON prediction made of a document already in memory."""
        tables = [EvalTable.from_table(t, source=path) for t in doc.tables]
        return cls(id=doc_id, status="found", format="json", path=path, doc=doc, tables=tables)

    @classmethod
    def from_tables(cls, doc_id: str, tables: list[EvalTable], *, format: Literal["html", "csv"] = "html",
                    path: str | None = None) -> Prediction:
        """A found grid-only prediction (HTML or CSV) made of tables already in memory."""
        return cls(id=doc_id, status="found", format=format, path=path, tables=list(tables))

    @property
    def grid_only(self) -> bool:
        """HTML and CSV carry grids only: no typed rows, no cards, no table types."""
        return self.format in ("html", "csv")


def _read_json_document(path: Path) -> DisclosureDocument:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"not JSON: {e}") from e
    if not isinstance(data, dict):
        raise ValueError(f"not a document: top level is {type(data).__name__}")  # noqa: TRY004 (a bad file)
    try:
        return parse_document(data)
    except ValueError as e:  # pydantic's ValidationError is a ValueError
        first = str(e).strip().splitlines()
        raise ValueError("not a valid budgetdoc document: " + " / ".join(first[:3])) from e


def _meta(folder: Path) -> dict:
    f = folder / "meta.json"
    if not f.is_file():
        return {}
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}


def _truth_from(path: Path, doc_id: str, meta: dict) -> TruthDocument:
    doc = _read_json_document(path)
    dpi = meta.get("dpi")
    if dpi is None:
        dpis = {p.dpi for p in doc.pages if p.dpi}
        dpi = dpis.pop() if len(dpis) == 1 else None
    return TruthDocument(id=doc_id, doc=doc, path=str(path), origin=meta.get("origin"),
                         preset=meta.get("preset"), dpi=float(dpi) if dpi is not None else None,
                         style=meta.get("style"))


def load_truth(path: str | Path) -> tuple[list[TruthDocument], list[Problem]]:
    """Every truth document under ``path`` (module docstring), sorted by id, and those unreadable."""
    root = Path(path)
    entries: list[tuple[str, Path, dict]] = []
    if root.is_file():
        entries.append((root.stem, root, {}))
    elif root.is_dir() and (root / "truth.json").is_file():
        entries.append((root.name, root / "truth.json", _meta(root)))  # one sample folder
    elif root.is_dir():
        for sub in sorted(p for p in root.iterdir() if p.is_dir()):
            if (sub / "truth.json").is_file():
                entries.append((sub.name, sub / "truth.json", _meta(sub)))
        if not entries:
            entries = [(f.stem, f, {}) for f in sorted(root.glob("*.json"))]
    else:
        raise FileNotFoundError(f"{root}: no such truth file or folder")
    docs: list[TruthDocument] = []
    problems: list[Problem] = []
    for doc_id, file, meta in entries:
        try:
            docs.append(_truth_from(file, doc_id, meta))
        except ValueError as e:
            problems.append(Problem(document=doc_id, status="truth_unreadable", reason=f"{file}: {e}"))
    return docs, problems


def find_prediction(pred_dir: str | Path, doc_id: str) -> Prediction:
    """Find and read the prediction for ``doc_id`` in ``pred_dir`` (lookup order in the module docstring)."""
    root = Path(pred_dir)
    folder = root / doc_id
    json_files = [folder / n for n in JSON_NAMES] + [root / f"{doc_id}.json"]
    for f in json_files:
        if f.is_file():
            try:
                doc = _read_json_document(f)
            except ValueError as e:
                return Prediction(id=doc_id, status="unreadable", format="json", path=str(f), reason=str(e))
            return Prediction.from_document(doc_id, doc, path=str(f))
    html_files = ([root / f"{doc_id}.html"] if (root / f"{doc_id}.html").is_file() else [])
    if not html_files and folder.is_dir():
        html_files = sorted(f for f in folder.glob("*.html") if f.is_file())
    if html_files:
        tables: list[EvalTable] = []
        for f in html_files:
            try:
                tables += read_html_tables(f.read_text(encoding="utf-8"), source=f.name)
            except (OSError, UnicodeDecodeError, ValueError) as e:
                return Prediction(id=doc_id, status="unreadable", format="html", path=str(f),
                                  reason=f"{f.name}: {e}" if f.name not in str(e) else str(e))
        return Prediction(id=doc_id, status="found", format="html", path=str(html_files[0].parent),
                          tables=tables)
    csv_files = sorted(f for f in folder.glob("*.csv") if f.is_file()) if folder.is_dir() else []
    if csv_files:
        tables = []
        for f in csv_files:
            try:
                tables.append(read_csv_table(f.read_text(encoding="utf-8-sig"), source=f.name))
            except (OSError, UnicodeDecodeError, ValueError) as e:
                return Prediction(id=doc_id, status="unreadable", format="csv", path=str(f),
                                  reason=f"{f.name}: {e}" if f.name not in str(e) else str(e))
        return Prediction(id=doc_id, status="found", format="csv", path=str(folder), tables=tables)
    if folder.is_dir():
        reason = f"{folder} has no truth.json, prediction.json, *.html or *.csv"
    else:
        reason = f"no {doc_id}/, {doc_id}.json or {doc_id}.html in {root}"
    return Prediction(id=doc_id, status="missing", reason=reason)
