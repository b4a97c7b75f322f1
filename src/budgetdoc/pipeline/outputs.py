"""What ``budgetdoc extract`` writes for one document, every file atomically:

* ``<out>/<name>.json`` — the document in our schema;
* ``<out>/<name>.xlsx`` — one sheet per table and card, merged header cells kept;
* ``<out>/<name>/*.csv`` — one CSV per table (and the indicators of each card);
* with ``debug``: ``<out>/<name>/debug/page-NNN.png`` — each upright page with its tables (blue),
  cells (green), the lines outside them by role, numbered in reading order;
* with ``page_images``: ``<out>/<name>/pages/page-NNN.jpg`` — each upright page as read (what the
  boxes in the JSON refer to; ``Page.image`` and ``Page.transform`` then point at it, for the
  review page).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from budgetdoc.model.geometry import PageTransform
from budgetdoc.model.io import document_to_json
from budgetdoc.pipeline.extract import DocumentResult
from budgetdoc.pipeline.page import PageExtraction
from budgetdoc.util.files import atomic_write_bytes, atomic_write_text

__all__ = ["draw_page_overlay", "write_outputs", "write_side_files"]

_ROLE_COLOURS = {
    "title": (220, 30, 30), "table_label": (200, 0, 200), "department_line": (230, 120, 0),
    "unit_line": (230, 120, 0), "page_number": (120, 120, 120), "note": (0, 150, 150),
    "heading": (160, 0, 0), "text": (90, 90, 90),
}


def draw_page_overlay(page: PageExtraction) -> Image.Image:
    """The upright page with tables, cells and the roles of the lines around them drawn on it."""
    if page.image is None:
        raise ValueError(f"page {page.page.number}: no image kept (extract with keep_images=True)")
    im = Image.fromarray(np.asarray(page.image)).convert("RGB")
    draw = ImageDraw.Draw(im, "RGBA")
    for det in page.detected:
        for c in det.cells:
            draw.polygon([tuple(p) for p in c.quad_px], outline=(0, 170, 0, 255))
        draw.polygon([tuple(p) for p in det.quad_px], outline=(30, 80, 230, 255), width=4)
    for n, block in enumerate(page.layout.blocks, start=1):
        l, t, r, b = block.line.box_px
        colour = _ROLE_COLOURS.get(block.kind, (90, 90, 90))
        draw.rectangle((l, t, r, b), outline=colour + (255,), fill=colour + (40,), width=2)
        draw.text((max(0, l - 4), max(0, t - 14)), f"{n} {block.kind}", fill=colour + (255,))
    return im


def write_side_files(result: DocumentResult, out_dir: Path, name: str, *, debug: bool = False,
                     page_images: bool = False) -> list[Path]:
    """The files that need the page pixels (extract with ``keep_images=True``): debug overlays and
    upright page images. Page images are linked from the document (``Page.image``, relative to the
    JSON in ``out_dir``)."""
    out_dir = Path(out_dir)
    written: list[Path] = []
    by_number = {p.number: p for p in result.document.pages}
    for page in result.pages:
        if page.image is None:
            continue
        number = page.page.number
        if debug:
            buf = io.BytesIO()
            draw_page_overlay(page).save(buf, format="PNG")
            written.append(atomic_write_bytes(out_dir / name / "debug" / f"page-{number:03d}.png", buf.getvalue()))
        if page_images:
            buf = io.BytesIO()
            Image.fromarray(np.asarray(page.image)).convert("RGB").save(buf, format="JPEG", quality=85)
            rel = f"{name}/pages/page-{number:03d}.jpg"
            written.append(atomic_write_bytes(out_dir / rel, buf.getvalue()))
            if number in by_number:
                # the boxes are in upright points: the image written is upright, so its transform is
                # a plain scale (the map to the input scan is dropped with it)
                model_page = by_number[number]
                h, w = np.asarray(page.image).shape[:2]
                model_page.image = rel
                model_page.transform = PageTransform(matrix=[w / model_page.width, 0.0, 0.0,
                                                             0.0, h / model_page.height, 0.0])
    return written


def write_outputs(result: DocumentResult, out_dir: Path, name: str, *, tables: bool = True,
                  debug: bool = False, page_images: bool = False) -> list[Path]:
    """Write one document's files under ``out_dir``; returns their paths. The JSON is written
    last, so its presence means the document's outputs are complete."""
    out_dir = Path(out_dir)
    written: list[Path] = []
    doc = result.document
    if tables and (doc.tables or doc.cards):
        from budgetdoc.export.tabular import write_document_exports

        for paths in write_document_exports(doc, out_dir, name).values():
            written += list(paths)
    if debug or page_images:
        written += write_side_files(result, out_dir, name, debug=debug, page_images=page_images)
    written.append(atomic_write_text(out_dir / f"{name}.json", document_to_json(doc)))
    return written
