"""Layout stage: the role of every text line outside the tables (title, label, 部门名称 and 单位
lines, notes, page numbers, headings, text) and the printed context of each table.

Backends implement :class:`LayoutAnalyzer` and are built by :func:`build_layout` from a config
``{"kind": "rules"}`` (the default, :class:`RulesLayout`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from budgetdoc.layout.rules import RulesLayout, classify_line, is_card_title, is_title_text
from budgetdoc.layout.types import BlockKind, BoxPx, LayoutBlock, PageLayout, TableContext, TextLine

__all__ = [
    "BlockKind",
    "LayoutAnalyzer",
    "LayoutBlock",
    "PageLayout",
    "RulesLayout",
    "TableContext",
    "TextLine",
    "build_layout",
    "classify_line",
    "is_card_title",
    "is_title_text",
]


@runtime_checkable
class LayoutAnalyzer(Protocol):
    """Gives the lines of one upright page their roles, and each table its context."""

    name: str

    def analyse(self, lines: Sequence[TextLine], tables: Sequence[BoxPx], *, width: float,
                height: float, image: np.ndarray | None = None) -> PageLayout:
        """Roles of ``lines`` and the context of each table in ``tables`` (upright page pixels);
        ``image`` is the upright page, for backends that look at pixels."""
        ...


def build_layout(config: Mapping[str, Any] | None = None) -> LayoutAnalyzer:
    """The layout backend a config names (``{"kind": "rules", ...}``)."""
    cfg = dict(config or {})
    kind = cfg.pop("kind", "rules")
    if kind == "rules":
        return RulesLayout(**cfg)
    if kind == "rapid-layout":  # lazy: rapid-layout is optional; its constructor says how to install it
        from budgetdoc.layout.rapid_layout_backend import RapidLayoutBackend
        return RapidLayoutBackend(**cfg)
    raise ValueError(f"unknown layout backend {kind!r}; known: ['rules', 'rapid-layout']")
