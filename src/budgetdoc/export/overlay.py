"""Overlays: page images with layout regions and cell boxes drawn on them, for people to inspect."""

from __future__ import annotations

from PIL import Image, ImageDraw

from budgetdoc.model.labels import PageLabels

#: Outline colour per region kind; cells are drawn in blue, header cells in orange.
REGION_COLOURS = {
    "title": (220, 30, 30), "table": (30, 160, 60), "card": (150, 60, 200), "text": (120, 120, 120),
    "heading": (200, 120, 0), "department_line": (0, 150, 150), "unit_line": (0, 150, 150),
    "table_label": (200, 0, 150), "note": (120, 80, 40), "page_number": (90, 90, 90), "other": (90, 90, 90),
}
CELL_COLOUR = (30, 90, 230)
HEADER_COLOUR = (240, 140, 0)


def draw_labels(image: Image.Image, labels: PageLabels, *, cells: bool = True, regions: bool = True) -> Image.Image:
    """A copy of ``image`` in colour with the labelled regions and cells outlined (quads, so skew shows)."""
    out = image.convert("RGB")
    draw = ImageDraw.Draw(out, "RGBA")
    width = max(1, round(labels.dpi / 100))
    if regions:
        for reg in labels.regions:
            colour = REGION_COLOURS.get(reg.kind, (90, 90, 90))
            draw.polygon([tuple(p) for p in reg.quad_px], outline=colour + (255,), width=width + 1)
    if cells:
        for cell in labels.cells:
            colour = HEADER_COLOUR if cell.column_header else CELL_COLOUR
            fill = colour + (40,) if cell.row_span > 1 or cell.col_span > 1 else None
            draw.polygon([tuple(p) for p in cell.quad_px], outline=colour + (255,), fill=fill, width=width)
    return out
