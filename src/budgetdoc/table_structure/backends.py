"""Table-structure backends: one small protocol, a registry, options told apart by ``kind``.

The default backend, ``"lines"``, finds ruled grids from the page's ink (:func:`detect_tables`) and
falls back to text alignment inside layout regions with no rules. Other backends (a Table
Transformer loaded from a local folder, say) register here and are chosen by config, so
``budgetdoc bench`` can compare them on the same pages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from budgetdoc.table_structure.assign import TextBox
from budgetdoc.table_structure.borderless import borderless_table
from budgetdoc.table_structure.grid import DetectedTable
from budgetdoc.table_structure.pipeline import TableStructureOptions, _overlap, detect_tables

__all__ = ["LinesStructure", "TableStructureBackend", "build_structure", "register_structure"]

BoxPx = tuple[float, float, float, float]


@runtime_checkable
class TableStructureBackend(Protocol):
    """Finds the tables of one upright page image and their cells (with spans)."""

    name: str

    def find_tables(self, gray: np.ndarray, *, dpi: float, text_boxes: Sequence[TextBox] = (),
                    regions: Sequence[BoxPx] = (), skew_deg: float | None = None) -> list[DetectedTable]:
        """Tables on ``gray`` (``H×W`` uint8), top to bottom. ``text_boxes`` are OCR or text-layer
        boxes when the caller has them (a borderless backend needs them); ``regions`` are table
        regions from layout analysis; ``skew_deg`` a known residual skew."""
        ...


class LinesStructure:
    """Ruling-line detection, then the text-alignment fallback inside ``regions`` no ruled table
    covers by half."""

    name = "lines"

    def __init__(self, options: TableStructureOptions | None = None):
        self.options = options or TableStructureOptions()

    def find_tables(self, gray: np.ndarray, *, dpi: float, text_boxes: Sequence[TextBox] = (),
                    regions: Sequence[BoxPx] = (), skew_deg: float | None = None) -> list[DetectedTable]:
        tables = detect_tables(gray, dpi=dpi, options=self.options, skew_deg=skew_deg)
        for reg in regions:
            if any(_overlap(t.bbox_px, reg) >= 0.5 for t in tables):
                continue
            t = borderless_table(text_boxes, dpi=dpi, region=reg, options=self.options.borderless)
            if t is not None:
                tables.append(t)
        tables.sort(key=lambda t: (t.bbox_px[1], t.bbox_px[0]))
        return tables


_REGISTRY: dict[str, Callable[[Mapping[str, Any]], TableStructureBackend]] = {
    "lines": lambda cfg: LinesStructure(TableStructureOptions.model_validate(cfg) if cfg else None),
}


def register_structure(kind: str, factory: Callable[[Mapping[str, Any]], TableStructureBackend]) -> None:
    """Make ``kind`` buildable by :func:`build_structure` (``factory`` gets the rest of the config)."""
    _REGISTRY[kind] = factory


def build_structure(config: Mapping[str, Any] | None = None) -> TableStructureBackend:
    """The backend a config names: ``{"kind": "lines", ...options}`` (the default)."""
    cfg = dict(config or {})
    kind = cfg.pop("kind", "lines")
    if kind not in _REGISTRY:
        _load_optional(kind)
    try:
        factory = _REGISTRY[kind]
    except KeyError:
        raise ValueError(f"unknown table-structure backend {kind!r}; known: {sorted(_REGISTRY)}") from None
    return factory(cfg)


def _load_optional(kind: str) -> None:
    """Import the module of an optional backend so it registers itself (extras only)."""
    if kind == "table-transformer":
        import budgetdoc.table_structure.tatr  # noqa: F401
