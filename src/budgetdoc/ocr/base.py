"""What every OCR backend provides, and the errors they raise."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from budgetdoc.ocr.types import OcrLine, OcrResult


class OcrUnavailable(ImportError):
    """A backend cannot run here: its package, binary or model files are missing.

    The message says what to install or where to put what.
    """


class ModelIntegrityError(RuntimeError):
    """A model file does not match the checksum in ``models/manifest.json``."""


@runtime_checkable
class OcrEngine(Protocol):
    """An OCR backend built once per process from its options (see :func:`build_engine`).

    Both methods are pure with respect to the engine: no call changes what a later call returns.
    Images are ``uint8`` arrays, ``H×W`` grey or ``H×W×3`` BGR (OpenCV order) or ``H×W×4`` BGRA.
    """

    name: str

    @property
    def version(self) -> str: ...

    def recognize_page(self, image: np.ndarray) -> OcrResult:
        """Detect text lines on the whole image and recognise each (det + rec)."""
        ...

    def recognize_crops(self, crops: list[np.ndarray]) -> list[OcrLine]:
        """Recognise each crop as one text line (rec only, batched), one :class:`OcrLine` per crop.

        Coordinates are in the crop's own pixels (``OcrLine.shifted`` moves them onto the page).
        An empty crop, or one where nothing was read, gives a line with ``text == ""``.
        """
        ...


def as_bgr(image: np.ndarray) -> np.ndarray:
    """The image as a contiguous ``H×W×3`` BGR ``uint8`` array (grey, bool and BGRA accepted;
    alpha is dropped)."""
    if not isinstance(image, np.ndarray):
        raise TypeError(f"expected a numpy array, got {type(image).__name__}")
    img = image
    if img.dtype == bool:
        img = img.astype(np.uint8) * 255
    elif img.dtype != np.uint8:
        raise TypeError(f"expected a uint8 image, got {img.dtype}")
    if img.ndim == 2:
        img = np.repeat(img[:, :, None], 3, axis=2)
    elif img.ndim == 3 and img.shape[2] == 1:
        img = np.repeat(img, 3, axis=2)
    elif img.ndim == 3 and img.shape[2] == 4:
        img = img[:, :, :3]
    elif not (img.ndim == 3 and img.shape[2] == 3):
        raise ValueError(f"expected H×W, H×W×3 or H×W×4, got shape {image.shape}")
    return np.ascontiguousarray(img)
