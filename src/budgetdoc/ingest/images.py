"""Raster images via Pillow: PNG, JPEG, BMP, WebP, and TIFF (every frame of a multi-page TIFF).

Each frame is decoded once. The pixel cap is checked on the header size before decoding, so a
decompression bomb is refused without allocating it. EXIF orientation is applied (and recorded as
``rotation_applied``), so a photographed page arrives the way the camera app showed it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from budgetdoc.ingest.blank import ink_fraction
from budgetdoc.ingest.types import IngestError, IngestOptions, MediaType, PageImage
from budgetdoc.model.geometry import POINTS_PER_INCH

FORMATS: dict[str, MediaType] = {
    "PNG": "image/png", "JPEG": "image/jpeg", "MPO": "image/jpeg", "TIFF": "image/tiff", "BMP": "image/bmp",
    "WEBP": "image/webp",
}
EXIF_TURNS = {3: 180, 6: 90, 8: 270}  # EXIF orientation -> clockwise turn applied to show it (like /Rotate)
MIN_PLAUSIBLE_DPI = 50.0


def _dpi(im: Image.Image, options: IngestOptions) -> tuple[float, str]:
    raw = im.info.get("dpi")
    try:
        if raw:
            x = float(raw[0] if isinstance(raw, (tuple, list)) else raw)
            if x >= MIN_PLAUSIBLE_DPI:
                return x, "metadata"
    except (TypeError, ValueError):
        pass
    return options.assumed_image_dpi, "assumed"


def _to_array(im: Image.Image, color: str) -> np.ndarray:
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        a = np.asarray(im, dtype=np.float64)
        top = max(1.0, float(a.max()))
        im = Image.fromarray((a * (255.0 / (65535.0 if top > 255 else 255.0))).clip(0, 255).astype(np.uint8))
    elif im.mode == "F":
        im = Image.fromarray(np.asarray(im, dtype=np.float64).clip(0, 255).astype(np.uint8))
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, rgba)
    return np.array(im.convert("L" if color == "gray" else "RGB"), dtype=np.uint8)


def read_image(data: str | bytes, name: str, options: IngestOptions) -> Iterator[PageImage | IngestError]:
    """Frames of one image file (a path or its bytes)."""
    src: Any = io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data
    try:
        im = Image.open(src)
    except Image.DecompressionBombError as e:
        yield IngestError.make(name, "too_large", f"refused by Pillow's decompression-bomb guard ({e})")
        return
    except UnidentifiedImageError:
        yield IngestError.make(name, "corrupt", "not a readable image")
        return
    except OSError as e:
        yield IngestError.make(name, "corrupt", f"not a readable image ({e})")
        return
    with im:
        media = FORMATS.get(im.format or "")
        if media is None:
            yield IngestError.make(name, "unsupported", f"image format {im.format} is not supported")
            return
        n = int(getattr(im, "n_frames", 1) or 1)
        for i in range(n):
            number = i + 1
            try:
                if i:
                    im.seek(i)
                w, h = im.size
                if w * h > options.max_pixels:
                    yield IngestError.make(name, "too_large", f"{w}x{h} px is over the {options.max_pixels:,} "
                                           "pixel cap", number)
                    continue
                if w == 0 or h == 0:
                    yield IngestError.make(name, "corrupt", "the image has no pixels", number)
                    continue
                dpi, dpi_source = _dpi(im, options)
                exif_turn = 0
                frame: Image.Image = im
                try:
                    orient = im.getexif().get(0x0112)
                except (OSError, ValueError, SyntaxError, KeyError, TypeError):  # a broken EXIF block must not lose the page
                    orient = None
                if orient and orient != 1:
                    frame = ImageOps.exif_transpose(im)
                    exif_turn = EXIF_TURNS.get(int(orient), 0)
                arr = _to_array(frame, options.color)
            except (OSError, ValueError, SyntaxError, EOFError) as e:
                yield IngestError.make(name, "render_failed", f"cannot decode the image ({e})", number)
                continue
            hh, ww = arr.shape[:2]
            ink = ink_fraction(arr)
            yield PageImage(
                image=arr, dpi=dpi, source=name, page=number, index=0,
                width_pt=ww * POINTS_PER_INCH / dpi, height_pt=hh * POINTS_PER_INCH / dpi, media_type=media,
                dpi_source=dpi_source, rotation_applied=exif_turn, ink_fraction=ink,
                is_blank=ink < options.blank_ink_fraction,
            )
