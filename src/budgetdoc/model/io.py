"""Reading and writing documents: versions upgraded on load, atomic writes, the JSON Schema."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from budgetdoc.model.document import SCHEMA_NAME, SCHEMA_VERSION, DisclosureDocument
from budgetdoc.util.files import atomic_write_text

def _from_1_0_0(data: dict[str, Any]) -> dict[str, Any]:
    # 1.1.0 only added optional fields (OCR character readings, check status, check terms, the
    # review list), so a 1.0.0 document is a valid 1.1.0 one.
    return {**data, "version": "1.1.0"}


#: Upgraders keyed by the version they read; each returns the next version's dict.
UPGRADERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {"1.0.0": _from_1_0_0}


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a document dict written by an older schema version up to :data:`SCHEMA_VERSION`."""
    if data.get("schema_name", SCHEMA_NAME) != SCHEMA_NAME:
        raise ValueError(f"not a budgetdoc document: schema_name={data.get('schema_name')!r}")
    seen = set()
    while (v := data.get("version", SCHEMA_VERSION)) != SCHEMA_VERSION:
        if v in seen or v not in UPGRADERS:
            raise ValueError(f"cannot upgrade budgetdoc document from version {v!r} to {SCHEMA_VERSION}")
        seen.add(v)
        data = UPGRADERS[v](data)
    return data


def _strip_derived(data: dict[str, Any]) -> dict[str, Any]:
    # grid and header are computed from cells; accept them on input but never trust them.
    grids = list(data.get("tables", []))
    grids += [c["form"] for c in data.get("cards", []) if isinstance(c.get("form"), dict)]
    for g in grids:
        g.pop("grid", None)
        g.pop("header", None)
    return data


def parse_document(data: dict[str, Any]) -> DisclosureDocument:
    """A document from parsed JSON; anything malformed (a list, ``{"tables": 5}``) is a ValueError."""
    if not isinstance(data, dict):
        raise ValueError(f"not a budgetdoc document: a JSON {type(data).__name__}, not an object")
    try:
        cleaned = _strip_derived(upgrade(dict(data)))
    except (TypeError, AttributeError, KeyError) as e:
        raise ValueError(f"not a budgetdoc document: malformed ({type(e).__name__}: {e})") from e
    return DisclosureDocument.model_validate(cleaned)


def load_document(path: str | Path) -> DisclosureDocument:
    """Read a document JSON, upgrading older versions; errors name the file."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise ValueError(f"{p}: cannot read document JSON: {e}") from e
    try:
        return parse_document(data)
    except ValueError as e:
        raise ValueError(f"{p}: {e}") from e


def document_to_json(doc: DisclosureDocument, *, compact: bool = False) -> str:
    """The document as JSON text: indented for people, or ``compact`` (about 40% smaller)."""
    data = doc.model_dump(mode="json", exclude_none=False)
    if compact:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def dump_document(doc: DisclosureDocument, path: str | Path) -> Path:
    """Write a document JSON atomically (a reader never sees half a file)."""
    return atomic_write_text(Path(path), document_to_json(doc))


def document_json_schema() -> dict[str, Any]:
    """JSON Schema of the document as written (serialisation mode: includes ``grid`` and ``header``)."""
    schema = DisclosureDocument.model_json_schema(mode="serialization")
    schema["$id"] = f"https://budgetdoc.dev/schema/{SCHEMA_NAME}/{SCHEMA_VERSION}.json"
    schema["title"] = f"{SCHEMA_NAME} {SCHEMA_VERSION}"
    return schema


def document_json_schema_text() -> str:
    return json.dumps(document_json_schema(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def page_labels_json_schema_text() -> str:
    from budgetdoc.model.labels import PAGE_LABELS_SCHEMA, PAGE_LABELS_VERSION, PageLabels

    schema = PageLabels.model_json_schema(mode="serialization")
    schema["$id"] = f"https://budgetdoc.dev/schema/{PAGE_LABELS_SCHEMA}/{PAGE_LABELS_VERSION}.json"
    return json.dumps(schema, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


#: Committed JSON Schema files (relative to the repository root) and the functions that make them.
COMMITTED_SCHEMAS = {
    "schema/document.schema.json": document_json_schema_text,
    "schema/page_labels.schema.json": page_labels_json_schema_text,
}
