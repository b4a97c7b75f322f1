"""Inputs for the ingest tests (helpers; fixtures in conftest.py), made in a temporary folder from the repository's own data: one page
of a real born-digital PDF (pypdfium2 ``import_pages``), sample page images, and hand-written broken
files whose bytes are given inline."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
REAL_PDF = ROOT / "datasets" / "real" / "jiangsu-gaoyuan-2017-budget.pdf"
REAL_PAGE = 11  # a table page with a text layer (1-based)
SAMPLES = ROOT / "datasets" / "samples"
SCAN_JPG = SAMPLES / "seed-poor-scan" / "pages" / "page-003.jpg"  # 150 dpi in its JFIF header
CLEAN_PNG = SAMPLES / "seed-clean" / "pages" / "page-003.png"  # 200 dpi, palette PNG


def minimal_pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A classic-xref PDF from numbered object bodies (object 1 is the catalogue)."""
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer_extra
    out += b">>\nstartxref\n%d\n%%%%EOF\n" % xref
    return out


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
ONE_PAGE_TREE = [CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]


def encrypted_pdf() -> bytes:
    """Standard security handler (RC4, R2) with a user password that is not empty: PDFium asks for it."""
    enc = b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>"
    return minimal_pdf([*ONE_PAGE_TREE, enc], b"/Encrypt 4 0 R /ID [<" + b"33" * 16 + b"> <" + b"33" * 16 + b">] ")


def empty_pdf() -> bytes:
    return minimal_pdf([CATALOG, b"<< /Type /Pages /Kids [] /Count 0 >>"])


def one_real_page(rotation: int = 0) -> bytes:
    """Page ``REAL_PAGE`` of the real Jiangsu PDF as a one-page PDF, optionally with ``/Rotate``."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(REAL_PDF))
    dst = pdfium.PdfDocument.new()
    try:
        dst.import_pages(src, [REAL_PAGE - 1])
        if rotation:
            dst[0].set_rotation(rotation)
        buf = io.BytesIO()
        dst.save(buf)
        return buf.getvalue()
    finally:
        dst.close()
        src.close()


def image_only_pdf(path: Path) -> bytes:
    import img2pdf

    return img2pdf.convert(str(path))


def png_bytes(arr: np.ndarray, **info) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="PNG", **info)
    return buf.getvalue()


def bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` pixels, with almost no data."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b"")
