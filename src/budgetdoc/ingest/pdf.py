"""PDF pages via pypdfium2: rendered once at the requested dpi with ``/Rotate`` applied, plus the
text layer (characters with boxes in upright points) when the page has one."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from budgetdoc.ingest.blank import ink_fraction
from budgetdoc.ingest.types import IngestError, IngestOptions, PageImage, TextChar, TextLayer, TextWord
from budgetdoc.model.geometry import POINTS_PER_INCH, BoundingBox


class PageBox:
    """Maps PDF user-space points (origin bottom-left, unrotated) to upright top-left points.

    ``bbox`` is the visible page box (cropbox within the mediabox); ``rotation`` the page's
    ``/Rotate`` (clockwise as displayed), which the renderer applies.
    """

    def __init__(self, bbox: tuple[float, float, float, float], rotation: int):
        self.x0, self.y0, self.x1, self.y1 = bbox
        self.rotation = rotation % 360
        self.w, self.h = self.x1 - self.x0, self.y1 - self.y0

    @property
    def size(self) -> tuple[float, float]:
        """Upright (displayed) width and height in points."""
        return (self.h, self.w) if self.rotation in (90, 270) else (self.w, self.h)

    def point(self, x: float, y: float) -> tuple[float, float]:
        u, v = x - self.x0, self.y1 - y  # unrotated, top-left origin
        if self.rotation == 90:
            return (self.h - v, u)
        if self.rotation == 180:
            return (self.w - u, self.h - v)
        if self.rotation == 270:
            return (v, self.w - u)
        return (u, v)

    def box(self, left: float, bottom: float, right: float, top: float) -> BoundingBox:
        a = self.point(left, top)
        b = self.point(right, bottom)
        return BoundingBox(l=min(a[0], b[0]), t=min(a[1], b[1]), r=max(a[0], b[0]), b=max(a[1], b[1]))


def _unmapped(ch: str) -> bool:
    o = ord(ch)
    return ch == "\ufffd" or o < 0x20 or 0xE000 <= o <= 0xF8FF


def read_text_layer(page: Any, box: PageBox) -> TextLayer | None:
    """Characters (and PDFium's text runs) of a page; None when the page has no text objects."""
    import pypdfium2.raw as pdfium_c

    tp = page.get_textpage()
    try:
        n = tp.count_chars()
        if n <= 0:
            return None
        chars: list[TextChar] = []
        unmapped = 0
        for i in range(n):
            if pdfium_c.FPDFText_IsGenerated(tp.raw, i) == 1:
                continue  # spaces and line breaks PDFium inserted
            code = pdfium_c.FPDFText_GetUnicode(tp.raw, i)
            ch = chr(code) if 0 < code < 0x110000 and not 0xD800 <= code <= 0xDFFF else "\ufffd"
            if ch.isspace():
                continue
            if _unmapped(ch):
                unmapped += 1
                continue
            left, bottom, right, top = tp.get_charbox(i)
            if right <= left or top <= bottom:
                continue  # generated or zero-size characters
            chars.append(TextChar(text=ch, bbox=box.box(left, bottom, right, top)))
        words: list[TextWord] = []
        for j in range(tp.count_rects()):
            left, bottom, right, top = tp.get_rect(j)
            t = "".join(tp.get_text_bounded(left, bottom, right, top).split())
            if t and right > left and top > bottom:
                words.append(TextWord(text=t, bbox=box.box(left, bottom, right, top)))
        if not chars and not unmapped:
            return None
        return TextLayer(chars=chars, words=words, unmapped_chars=unmapped)
    finally:
        tp.close()


_PAGE_OBJ = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_ZERO_COUNT = re.compile(rb"/Count\s*0(?![0-9.])")


def _load_error(data: str | bytes, name: str, exc: Exception, options: IngestOptions) -> IngestError:
    """Say why PDFium refused a file. PDFium refuses a PDF with no pages outright (reporting a
    password error or none), so an empty page tree and a real ``/Encrypt`` are told apart here."""
    try:
        raw = data if isinstance(data, bytes) else Path(data).read_bytes()
    except OSError:
        raw = b""
    encrypted = b"/Encrypt" in raw
    empty = bool(_ZERO_COUNT.search(raw)) and not _PAGE_OBJ.search(raw)
    if encrypted and "password" in str(exc).lower():
        return IngestError.make(name, "encrypted", "the PDF is password-protected" +
                                (" and the given password is wrong" if options.password else ""))
    if empty:
        return IngestError.make(name, "empty", "the PDF has no pages")
    return IngestError.make(name, "corrupt", f"not a readable PDF ({exc})")


def _render(page: Any, scale: float, color: str) -> np.ndarray:
    bitmap = page.render(scale=scale, grayscale=(color == "gray"), rev_byteorder=True, may_draw_forms=True)
    try:
        arr = np.array(bitmap.to_numpy(), dtype=np.uint8, copy=True)
    finally:
        bitmap.close()
    if color == "gray":
        return arr[..., 0] if arr.ndim == 3 else arr
    if arr.ndim == 2:
        return np.repeat(arr[..., None], 3, axis=2)
    return np.ascontiguousarray(arr[..., :3])


def read_pdf(data: str | bytes, name: str, options: IngestOptions) -> Iterator[PageImage | IngestError]:
    """Pages of one PDF (a path or its bytes), each rendered exactly once (``index`` left at 0:
    :func:`budgetdoc.ingest.read_pages` numbers the batch)."""
    import pypdfium2 as pdfium

    try:
        password = options.password.get_secret_value() if options.password else None
        doc = pdfium.PdfDocument(data, password=password)
    except (pdfium.PdfiumError, OSError, ValueError) as e:
        yield _load_error(data, name, e, options)
        return
    try:
        n = len(doc)
        if n == 0:
            yield IngestError.make(name, "empty", "the PDF has no pages")
            return
        scale = options.dpi / POINTS_PER_INCH
        for i in range(n):
            number = i + 1
            try:
                page = doc[i]
            except pdfium.PdfiumError as e:
                yield IngestError.make(name, "render_failed", f"cannot load the page ({e})", number)
                continue
            try:
                box = PageBox(page.get_bbox(), page.get_rotation())
                w_pt, h_pt = box.size
                if w_pt <= 0 or h_pt <= 0:
                    yield IngestError.make(name, "corrupt", f"page box {w_pt:g}x{h_pt:g} pt is empty", number)
                    continue
                w_px, h_px = math.ceil(w_pt * scale), math.ceil(h_pt * scale)
                if w_px * h_px > options.max_pixels:
                    yield IngestError.make(
                        name, "too_large", f"{w_pt:g}x{h_pt:g} pt at {options.dpi:g} dpi is {w_px}x{h_px} px, "
                        f"over the {options.max_pixels:,} pixel cap", number)
                    continue
                image = _render(page, scale, options.color)
                layer = read_text_layer(page, box) if options.text_layer else None
            except pdfium.PdfiumError as e:
                yield IngestError.make(name, "render_failed", str(e), number)
                continue
            finally:
                page.close()
            ink = ink_fraction(image)
            yield PageImage(
                image=image, dpi=options.dpi, source=name, page=number, index=0, width_pt=w_pt,
                height_pt=h_pt, media_type="application/pdf", dpi_source="render", rotation_applied=box.rotation,
                text_layer=layer, ink_fraction=ink, is_blank=ink < options.blank_ink_fraction,
            )
    finally:
        doc.close()
