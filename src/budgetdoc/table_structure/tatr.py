"""Table Transformer (TATR) structure backend, loaded from a local folder only.

Config (``build_structure``)::

    {"kind": "table-transformer",
     "model_dir": "/models/table-transformer-structure-recognition-v1.1-all",
     "detection_model_dir": null,        # optional TATR *detection* folder (labels "table", ...)
     "threshold": 0.5}

``model_dir`` is a ``save_pretrained`` folder of :class:`transformers.TableTransformerForObjectDetection`
trained for **structure recognition** (labels ``table``, ``table column``, ``table row``,
``table column header``, ``table projected row header``, ``table spanning cell``; matched by name,
not by index). Nothing is ever downloaded (``local_files_only=True``); a missing folder, file or
package raises :class:`TableStructureUnavailable` (an :class:`~budgetdoc.ocr.base.OcrUnavailable`,
so an ``ImportError``) naming it.

Which part of the page is a table:

* ``regions`` handed to :meth:`TableTransformerStructure.find_tables` (layout analysis) are tables;
* with ``detection_model_dir``, the detection model's ``table``/``table rotated`` boxes are tables
  too (regions a detected table already covers by half are skipped);
* with neither, and ``whole_page`` (default), the page's ink is taken as one table.

Each table is cut out with ``padding_pt`` of margin, resized so its longer side is ``max_size``
pixels (TATR's structure models were trained at 1000), normalised (mean/std from the folder's
``preprocessor_config.json`` when there is one, else ImageNet's) and run once. The boxes become a
grid by :func:`grid_from_objects`:

* rows (columns) above ``threshold``, overlapping ones suppressed (the higher score wins), sorted;
  a grid line lies midway between neighbouring rows' facing edges (kept between their centres), the
  outer lines at the outermost box edges; no row (column) found gives one spanning the table;
* spanning cells and projected row headers (which span every column) join the grid slots they cover
  by at least ``span_cover`` of the slot's height/width; the highest-scoring span wins a slot, a
  span covering one slot is no span; every slot left over is a 1×1 cell, so cells tile the grid;
* ``header_rows`` counts the rows down to the last one a ``table column header`` box covers.

The result is a :class:`TatrTable` (a :class:`~budgetdoc.table_structure.grid.DetectedTable` with
``header_rows`` and the projected-row-header rows), in the page's pixels, ``skew_deg`` 0.

Accuracy on budget tables is **unmeasured** until real weights are supplied: the tests here run
tiny randomly initialised models and check only the plumbing (see
``models/cards/transformers-backends.md``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from budgetdoc.model.document import CellGrid
from budgetdoc.ocr.base import OcrUnavailable
from budgetdoc.table_structure.assign import TextBox
from budgetdoc.table_structure.backends import register_structure
from budgetdoc.table_structure.grid import DetectedCell, DetectedTable

__all__ = [
    "TableStructureUnavailable",
    "TableTransformerOptions",
    "TableTransformerStructure",
    "TatrObject",
    "TatrTable",
    "grid_from_objects",
]

BoxPx = tuple[float, float, float, float]

#: ImageNet mean/std, what DETR/TATR checkpoints normalise with when no preprocessor config says otherwise.
_IMAGENET_MEAN = (0.485, 0.456, 0.406)
_IMAGENET_STD = (0.229, 0.224, 0.225)

ROW, COLUMN, HEADER, ROW_HEADER, SPAN, TABLE = (
    "table row", "table column", "table column header", "table projected row header", "table spanning cell",
    "table",
)
_TABLE_LABELS = ("table", "table rotated")


class TableStructureUnavailable(OcrUnavailable):
    """The Table Transformer cannot run here: torch/transformers or the model folder is missing."""


class TableTransformerOptions(BaseModel):
    """Options of the Table Transformer backend (lengths in points, 1/72 inch, where noted)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["table-transformer"] = "table-transformer"
    model_dir: Path = Field(description="local folder of a TATR structure-recognition model (save_pretrained)")
    detection_model_dir: Path | None = Field(default=None, description="local folder of a TATR detection model")
    threshold: float = Field(default=0.5, ge=0.0, le=1.0, description="rows, columns, headers below this are dropped")
    span_threshold: float | None = Field(default=None, ge=0.0, le=1.0,
                                         description="spanning cells / projected row headers (default: threshold)")
    detection_threshold: float = Field(default=0.5, ge=0.0, le=1.0, description="tables below this are dropped")
    max_size: int = Field(default=1000, ge=32, le=4000, description="structure input: longer side in pixels")
    detection_max_size: int = Field(default=800, ge=32, le=4000, description="detection input: longer side")
    padding_pt: float = Field(default=8.0, ge=0.0, description="margin kept around each table crop")
    whole_page: bool = Field(default=True, description="no region and no detector: the page's ink is one table")
    nms_overlap: float = Field(default=0.5, gt=0.0, le=1.0,
                               description="rows (columns) overlapping by this much of the shorter are one")
    span_cover: float = Field(default=0.5, gt=0.0, le=1.0,
                              description="a slot joins a spanning cell when this much of it lies inside")
    device: str = "cpu"
    num_threads: int | None = Field(default=None, ge=1, description="torch intra-op threads (process-wide)")


class TatrTable(DetectedTable):
    """A table read by the Table Transformer: a :class:`DetectedTable` plus what TATR says of headers."""

    header_rows: int = Field(default=0, ge=0, description="leading rows covered by column-header boxes")
    row_header_rows: list[int] = Field(default_factory=list, description="rows that are projected row headers")

    def to_cell_grid(self, *, texts: dict[tuple[int, int], str] | None = None, page: int | None = None,
                     dpi: float | None = None, header_rows: int | None = None) -> CellGrid:  # type: ignore[override]
        """As :meth:`DetectedTable.to_cell_grid`, ``header_rows`` defaulting to the detected ones."""
        return super().to_cell_grid(texts=texts, page=page, dpi=dpi,
                                    header_rows=self.header_rows if header_rows is None else header_rows)


@dataclass(frozen=True)
class TatrObject:
    """One box the model found: its label name, score and box ``(l, t, r, b)`` in page pixels."""

    label: str
    score: float
    box: BoxPx


def _source() -> Any:
    allowed = get_args(DetectedTable.model_fields["source"].annotation)
    return "table-transformer" if "table-transformer" in allowed else "borderless"


# --------------------------------------------------------------------------------------------------
# boxes → grid (pure; no torch)


def _nms_1d(objs: list[TatrObject], axis: int, overlap: float) -> list[TatrObject]:
    """Keep the best of boxes overlapping along ``axis`` (0: x, 1: y) by ``overlap`` of the shorter."""
    kept: list[TatrObject] = []
    for o in sorted(objs, key=lambda o: (-o.score, o.box)):
        lo, hi = o.box[axis], o.box[axis + 2]
        if hi - lo <= 0:
            continue
        clash = False
        for k in kept:
            klo, khi = k.box[axis], k.box[axis + 2]
            inter = min(hi, khi) - max(lo, klo)
            if inter > 0 and inter >= overlap * min(hi - lo, khi - klo):
                clash = True
                break
        if not clash:
            kept.append(o)
    return sorted(kept, key=lambda o: (o.box[axis] + o.box[axis + 2]) / 2)


def _edges(objs: list[TatrObject], axis: int, lo: float, hi: float) -> list[float]:
    """Grid lines along ``axis`` for sorted, suppressed boxes inside ``[lo, hi]`` (strictly increasing)."""
    if not objs:
        return [lo, hi]
    centers = [(o.box[axis] + o.box[axis + 2]) / 2 for o in objs]
    keep = [0]
    for i in range(1, len(objs)):  # centres within a pixel: one line
        if centers[i] - centers[keep[-1]] >= 1.0:
            keep.append(i)
    objs = [objs[i] for i in keep]
    centers = [centers[i] for i in keep]
    edges = [min(lo, objs[0].box[axis], centers[0] - 0.25)]
    for a, b, ca, cb in zip(objs, objs[1:], centers, centers[1:]):
        mid = (a.box[axis + 2] + b.box[axis]) / 2
        edges.append(min(max(mid, ca + 0.25), cb - 0.25))
    edges.append(max(hi, objs[-1].box[axis + 2], centers[-1] + 0.25))
    return edges


def _covered(edges: list[float], lo: float, hi: float, cover: float) -> list[int]:
    """Slots ``i`` (between ``edges[i]`` and ``edges[i+1]``) lying inside ``[lo, hi]`` by ``cover``."""
    out = []
    for i, (a, b) in enumerate(pairwise(edges)):
        inter = min(b, hi) - max(a, lo)
        if b > a and inter >= cover * (b - a):
            out.append(i)
    return out


def _clipped(objs: list[TatrObject], bounds: BoxPx) -> list[TatrObject]:
    """The boxes cut to ``bounds``; those left with no area dropped."""
    bl, bt, br, bb = bounds
    out = []
    for o in objs:
        box = (max(o.box[0], bl), max(o.box[1], bt), min(o.box[2], br), min(o.box[3], bb))
        if box[2] > box[0] and box[3] > box[1]:
            out.append(TatrObject(o.label, o.score, box))
    return out


def grid_from_objects(objects: Sequence[TatrObject], *, bounds: BoxPx | None = None, threshold: float = 0.5,
                      span_threshold: float | None = None, nms_overlap: float = 0.5, span_cover: float = 0.5,
                      page_size: tuple[int, int] | None = None) -> TatrTable | None:
    """A grid with spans from structure boxes (page pixels); ``None`` when nothing says where the table is.

    ``bounds`` is the crop the boxes came from: the table is the rows' and columns' extent clipped to
    it (the whole of it when no row or column passes). ``page_size`` ``(width, height)`` sets the
    table's ``center``.
    """
    span_thr = threshold if span_threshold is None else span_threshold
    rows = [o for o in objects if o.label == ROW and o.score >= threshold]
    cols = [o for o in objects if o.label == COLUMN and o.score >= threshold]
    if bounds is not None:
        rows = _clipped(rows, bounds)
        cols = _clipped(cols, bounds)
    rows = _nms_1d(rows, 1, nms_overlap)
    cols = _nms_1d(cols, 0, nms_overlap)
    extent = rows + cols
    if extent:
        l = min(o.box[0] for o in extent)
        t = min(o.box[1] for o in extent)
        r = max(o.box[2] for o in extent)
        b = max(o.box[3] for o in extent)
    elif bounds is not None:
        l, t, r, b = bounds
    else:
        return None
    if r - l < 1 or b - t < 1:
        return None
    ys = _edges(rows, 1, t, b)
    xs = _edges(cols, 0, l, r)
    nr, nc = len(ys) - 1, len(xs) - 1

    taken = [[False] * nc for _ in range(nr)]
    rects: list[tuple[int, int, int, int]] = []  # r0, c0, r1, c1
    row_header_rows: set[int] = set()
    spans = [o for o in objects if o.label in (SPAN, ROW_HEADER) and o.score >= span_thr]
    for o in sorted(spans, key=lambda o: (-o.score, o.box)):
        rr = _covered(ys, o.box[1], o.box[3], span_cover)
        if not rr:
            continue
        cc = list(range(nc)) if o.label == ROW_HEADER else _covered(xs, o.box[0], o.box[2], span_cover)
        if not cc:
            continue
        r0, r1, c0, c1 = rr[0], rr[-1] + 1, cc[0], cc[-1] + 1
        if o.label == ROW_HEADER:
            row_header_rows.update(range(r0, r1))
        if (r1 - r0) * (c1 - c0) < 2:
            continue
        if any(taken[i][j] for i in range(r0, r1) for j in range(c0, c1)):
            continue
        for i in range(r0, r1):
            for j in range(c0, c1):
                taken[i][j] = True
        rects.append((r0, c0, r1, c1))
    for i in range(nr):
        for j in range(nc):
            if not taken[i][j]:
                rects.append((i, j, i + 1, j + 1))

    header_rows = 0
    for o in objects:
        if o.label == HEADER and o.score >= threshold:
            rr = _covered(ys, o.box[1], o.box[3], span_cover)
            if rr:
                header_rows = max(header_rows, rr[-1] + 1)

    ys = [round(v, 2) for v in ys]
    xs = [round(v, 2) for v in xs]
    cells = []
    for r0, c0, r1, c1 in sorted(rects):
        cl, ct, cr, cb = xs[c0], ys[r0], xs[c1], ys[r1]
        cells.append(DetectedCell(row=r0, col=c0, row_span=r1 - r0, col_span=c1 - c0, bbox_px=(cl, ct, cr, cb),
                                  quad_px=[(cl, ct), (cr, ct), (cr, cb), (cl, cb)]))
    tb = (xs[0], ys[0], xs[-1], ys[-1])
    w, h = page_size if page_size is not None else (0, 0)
    return TatrTable(bbox_px=tb, quad_px=[(tb[0], tb[1]), (tb[2], tb[1]), (tb[2], tb[3]), (tb[0], tb[3])],
                     row_edges=ys, col_edges=xs, cells=cells, skew_deg=0.0, center=(w / 2, h / 2),
                     source=_source(), header_rows=min(header_rows, nr),
                     row_header_rows=sorted(row_header_rows))


# --------------------------------------------------------------------------------------------------
# models


def _import_torch() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as e:
        raise TableStructureUnavailable(
            f"the table-transformer backend needs torch and transformers ({e.name or e} not installed): "
            "pip install 'budgetdoc[transformers]'"
        ) from e
    return torch, transformers


class _Model:
    """One loaded TATR model: the torch module, its label names and its input normalisation."""

    def __init__(self, folder: Path, device: str):
        torch, transformers = _import_torch()
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            raise TableStructureUnavailable(f"table-transformer model folder not found: {folder} "
                                            "(see models/cards/transformers-backends.md)")
        if not (folder / "config.json").is_file():
            raise TableStructureUnavailable(f"no config.json in the table-transformer model folder {folder}")
        try:
            model = transformers.TableTransformerForObjectDetection.from_pretrained(
                str(folder), local_files_only=True)
        except ImportError as e:  # a timm backbone without timm, say
            raise TableStructureUnavailable(
                f"cannot load the table-transformer model in {folder}: {e} (a checkpoint with a timm "
                "backbone needs timm; see models/cards/transformers-backends.md)") from e
        except (OSError, ValueError) as e:
            raise TableStructureUnavailable(f"cannot load the table-transformer model in {folder}: {e}") from e
        self.torch = torch
        self.device = device
        self.model = model.to(device).eval()
        self.labels = {int(k): str(v).lower() for k, v in model.config.id2label.items()}
        self.mean, self.std = _IMAGENET_MEAN, _IMAGENET_STD
        pre = folder / "preprocessor_config.json"
        if pre.is_file():
            cfg = json.loads(pre.read_text(encoding="utf-8"))
            if cfg.get("do_normalize", True):
                self.mean = tuple(cfg.get("image_mean") or _IMAGENET_MEAN)
                self.std = tuple(cfg.get("image_std") or _IMAGENET_STD)
            else:
                self.mean, self.std = (0.0, 0.0, 0.0), (1.0, 1.0, 1.0)
        self.folder = folder

    def __call__(self, gray: np.ndarray, max_size: int) -> list[tuple[str, float, BoxPx]]:
        """Every query's best label, score and box ``(l, t, r, b)`` in ``gray``'s pixels."""
        import cv2

        torch = self.torch
        h, w = gray.shape[:2]
        s = max_size / max(h, w)
        nw, nh = max(1, round(w * s)), max(1, round(h * s))
        img = cv2.resize(gray, (nw, nh), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
        x = img.astype(np.float32) / 255.0
        chans = [(x - self.mean[k]) / self.std[k] for k in range(3)]
        pixels = torch.from_numpy(np.stack(chans)[None]).to(self.device)
        with torch.inference_mode():
            out = self.model(pixel_values=pixels)
        probs = out.logits[0].softmax(-1)[:, :-1].float().cpu().numpy()  # last class: "no object"
        boxes = out.pred_boxes[0].float().cpu().numpy()
        res = []
        for p, (cx, cy, bw, bh) in zip(probs, boxes):
            k = int(p.argmax())
            l, r = (cx - bw / 2) * w, (cx + bw / 2) * w
            t, b = (cy - bh / 2) * h, (cy + bh / 2) * h
            box = (float(min(max(l, 0), w)), float(min(max(t, 0), h)), float(min(max(r, 0), w)),
                   float(min(max(b, 0), h)))
            res.append((self.labels.get(k, str(k)), float(p[k]), box))
        return res


_MODELS: dict[tuple[str, str], _Model] = {}
_LOCK = threading.Lock()


def _load(folder: Path, device: str) -> _Model:
    key = (str(Path(folder).expanduser().resolve()), device)
    with _LOCK:
        m = _MODELS.get(key)
        if m is None:
            m = _Model(Path(folder), device)
            _MODELS[key] = m
    return m


def clear_model_cache() -> None:
    """Forget loaded models (tests)."""
    with _LOCK:
        _MODELS.clear()


# --------------------------------------------------------------------------------------------------
# backend


def _ink_box(gray: np.ndarray) -> BoxPx | None:
    from budgetdoc.ocr.crops import ink_bounds

    b = ink_bounds(gray)
    return None if b is None else (float(b[0]), float(b[1]), float(b[2]), float(b[3]))


def _overlap(a: BoxPx, b: BoxPx) -> float:
    """Intersection over the smaller box's area."""
    iw = min(a[2], b[2]) - max(a[0], b[0])
    ih = min(a[3], b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return iw * ih / small if small > 0 else 0.0


class TableTransformerStructure:
    """:class:`~budgetdoc.table_structure.backends.TableStructureBackend` running a Table Transformer.

    Models load when the backend is built (and once per process per folder and device).
    """

    name = "table-transformer"

    def __init__(self, options: TableTransformerOptions):
        self.options = options
        torch, _ = _import_torch()
        if options.num_threads is not None:
            torch.set_num_threads(options.num_threads)
        self._structure = _load(options.model_dir, options.device)
        labels = set(self._structure.labels.values())
        if not {ROW, COLUMN} <= labels:
            raise TableStructureUnavailable(
                f"{options.model_dir} is not a structure-recognition model (labels {sorted(labels)}; "
                f"need {ROW!r} and {COLUMN!r})")
        self._detector = _load(options.detection_model_dir, options.device) if options.detection_model_dir else None

    def detect(self, gray: np.ndarray) -> list[tuple[BoxPx, float]]:
        """Table boxes and scores from the detection model (``[]`` without one)."""
        if self._detector is None:
            return []
        objs = [TatrObject(lab, sc, box) for lab, sc, box in self._detector(gray, self.options.detection_max_size)
                if lab in _TABLE_LABELS and sc >= self.options.detection_threshold
                and box[2] - box[0] >= 1 and box[3] - box[1] >= 1]
        kept: list[TatrObject] = []
        for o in sorted(objs, key=lambda o: (-o.score, o.box)):
            if all(_overlap(o.box, k.box) < 0.5 for k in kept):
                kept.append(o)
        return [(o.box, o.score) for o in kept]

    def structure(self, gray: np.ndarray, region: BoxPx, *, dpi: float) -> TatrTable | None:
        """The grid of the table in ``region`` (page pixels) of ``gray``."""
        h, w = gray.shape[:2]
        pad = self.options.padding_pt * dpi / 72.0
        l = max(0, int(np.floor(region[0] - pad)))
        t = max(0, int(np.floor(region[1] - pad)))
        r = min(w, int(np.ceil(region[2] + pad)))
        b = min(h, int(np.ceil(region[3] + pad)))
        if r - l < 2 or b - t < 2:
            return None
        crop = np.ascontiguousarray(gray[t:b, l:r])
        objs = [TatrObject(lab, sc, (bx[0] + l, bx[1] + t, bx[2] + l, bx[3] + t))
                for lab, sc, bx in self._structure(crop, self.options.max_size)]
        bounds = (max(float(l), region[0]), max(float(t), region[1]), min(float(r), region[2]),
                  min(float(b), region[3]))
        return grid_from_objects(objs, bounds=bounds, threshold=self.options.threshold,
                                 span_threshold=self.options.span_threshold, nms_overlap=self.options.nms_overlap,
                                 span_cover=self.options.span_cover, page_size=(w, h))

    def find_tables(self, gray: np.ndarray, *, dpi: float, text_boxes: Sequence[TextBox] = (),
                    regions: Sequence[BoxPx] = (), skew_deg: float | None = None) -> list[DetectedTable]:
        """Tables on ``gray`` top to bottom (``text_boxes`` and ``skew_deg`` are not used)."""
        if gray.ndim == 3:
            import cv2

            gray = cv2.cvtColor(gray[:, :, :3], cv2.COLOR_BGR2GRAY)
        if gray.dtype != np.uint8:
            raise TypeError(f"expected a uint8 image, got {gray.dtype}")
        boxes: list[BoxPx] = [b for b, _ in self.detect(gray)]
        for reg in regions:
            reg = tuple(float(v) for v in reg)  # type: ignore[assignment]
            if not any(_overlap(b, reg) >= 0.5 for b in boxes):
                boxes.append(reg)
        if not boxes and self._detector is None and not regions and self.options.whole_page:
            ink = _ink_box(gray)
            if ink is not None:
                boxes.append(ink)
        tables: list[DetectedTable] = []
        for box in boxes:
            t = self.structure(gray, box, dpi=dpi)
            if t is not None and t.cells:
                tables.append(t)
        tables.sort(key=lambda t: (t.bbox_px[1], t.bbox_px[0]))
        return tables


def _factory(cfg: Any) -> TableTransformerStructure:
    data = dict(cfg)
    data.pop("kind", None)
    return TableTransformerStructure(TableTransformerOptions.model_validate(data))


register_structure("table-transformer", _factory)
