"""Write a labelled sample folder (the format is documented in :mod:`budgetdoc.model.labels`).

Shared by the generator (``budgetdoc synth``) and the real-page labeller, so both produce the same
layout. Every file is written atomically and deterministically: the same inputs give the same bytes
(PNG/JPEG encoders are deterministic; the PDF carries no timestamps).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from budgetdoc.export.html import grid_to_html
from budgetdoc.model.document import DisclosureDocument
from budgetdoc.model.io import document_to_json
from budgetdoc.model.labels import PageLabels, SampleMeta
from budgetdoc.util.files import atomic_write_bytes, atomic_write_text


@dataclass
class PageOutput:
    """One delivered page: its image and labels (``labels.image`` is filled in by the writer)."""

    image: Image.Image
    labels: PageLabels
    image_format: str = "png"  # "png" or "jpeg"
    jpeg_quality: int = 85


def encode_image(page: PageOutput) -> bytes:
    buf = io.BytesIO()
    img = page.image
    dpi = (round(page.labels.dpi), round(page.labels.dpi))
    if page.image_format == "jpeg":
        img.convert("L" if img.mode in ("L", "1") else "RGB").save(
            buf, format="JPEG", quality=page.jpeg_quality, optimize=True, dpi=dpi
        )
    elif page.image_format == "png":
        img.save(buf, format="PNG", optimize=True, dpi=dpi)
    else:
        raise ValueError(f"unknown image format {page.image_format!r}")
    return buf.getvalue()


def images_to_pdf(images: list[bytes]) -> bytes:
    """An image-only PDF, one page per image at the dpi stored in the image, with no timestamps.

    img2pdf embeds JPEG bytes as they are (no re-encoding), so the PDF's pages are the page images.
    """
    import img2pdf

    return img2pdf.convert(images, nodate=True, engine=img2pdf.Engine.internal)


def write_sample(
    out_dir: Path,
    *,
    truth: DisclosureDocument,
    pages: list[PageOutput],
    meta: SampleMeta,
    write_images: bool = True,
    write_pdf: bool = True,
) -> Path:
    """Write ``truth.json``, ``meta.json``, ``pages/``, ``labels/``, ``tables/*.html``, ``document.pdf``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    encoded: list[bytes] = []
    for p in pages:
        data = encode_image(p)
        encoded.append(data)
        ext = "jpg" if p.image_format == "jpeg" else "png"
        name = f"pages/page-{p.labels.page:03d}.{ext}"
        p.labels.image = name if write_images else None
        if write_images:
            atomic_write_bytes(out_dir / name, data)
        atomic_write_text(
            out_dir / f"labels/page-{p.labels.page:03d}.json",
            # compact: label files hold thousands of boxes; `jq .` pretty-prints them
            json.dumps(p.labels.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")) + "\n",
        )
    if write_pdf and encoded:
        atomic_write_bytes(out_dir / "document.pdf", images_to_pdf(encoded))
    for t in truth.tables:
        atomic_write_text(out_dir / f"tables/{t.id}.html", grid_to_html(t) + "\n")
    for c in truth.cards:
        if c.form is not None:
            atomic_write_text(out_dir / f"tables/{c.id}.html", grid_to_html(c.form) + "\n")
    atomic_write_text(out_dir / "truth.json", document_to_json(truth, compact=True))
    atomic_write_text(
        out_dir / "meta.json", json.dumps(meta.model_dump(mode="json"), ensure_ascii=False, indent=1) + "\n"
    )
    return out_dir


def write_pdf_from_pages(sample_dir: Path) -> Path:
    """Write ``document.pdf`` of a sample folder from its page images (the same bytes
    :func:`write_sample` would have written): the committed sample set leaves it out to halve its size."""
    sample_dir = Path(sample_dir)
    images = []
    for lp in sorted((sample_dir / "labels").glob("page-*.json")):
        labels = PageLabels.model_validate_json(lp.read_text(encoding="utf-8"))
        if labels.image is None:
            raise ValueError(f"{lp}: no page image to build the PDF from")
        images.append((sample_dir / labels.image).read_bytes())
    if not images:
        raise ValueError(f"{sample_dir}: no labelled pages")
    return atomic_write_bytes(sample_dir / "document.pdf", images_to_pdf(images))
