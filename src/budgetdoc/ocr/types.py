"""Typed OCR output: characters, words, lines and one result per image.

All coordinates are **pixels of the image handed to the engine, origin top-left** (x right, y down).
A ``Quad`` is four ``(x, y)`` points in reading order: top-left, top-right, bottom-right,
bottom-left *as the text reads* (for a line rotated by the detector the points follow the text, not
the image axes). ``box`` is always the axis-aligned hull of ``quad``; :meth:`PixelBox.to_points` maps
it to the document model's :class:`~budgetdoc.model.geometry.BoundingBox` (PDF points) at a dpi.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from budgetdoc.model.geometry import BoundingBox

Point = tuple[float, float]
Quad = tuple[Point, Point, Point, Point]
#: A candidate character and its probability, e.g. ``("7", 0.31)``.
Candidate = tuple[str, float]


class PixelBox(BaseModel):
    """Axis-aligned box in image pixels, origin top-left (``l <= r``, ``t <= b``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    l: float
    t: float
    r: float
    b: float

    @model_validator(mode="after")
    def _ordered(self) -> PixelBox:
        if self.r < self.l or self.b < self.t:
            raise ValueError(f"box edges out of order: {self}")
        return self

    @classmethod
    def from_quad(cls, quad: Sequence[Sequence[float]]) -> PixelBox:
        xs = [float(p[0]) for p in quad]
        ys = [float(p[1]) for p in quad]
        return cls(l=min(xs), t=min(ys), r=max(xs), b=max(ys))

    @property
    def width(self) -> float:
        return self.r - self.l

    @property
    def height(self) -> float:
        return self.b - self.t

    @property
    def center(self) -> tuple[float, float]:
        return ((self.l + self.r) / 2, (self.t + self.b) / 2)

    def shifted(self, dx: float, dy: float) -> PixelBox:
        return PixelBox(l=self.l + dx, t=self.t + dy, r=self.r + dx, b=self.b + dy)

    def to_points(self, dpi: float) -> BoundingBox:
        """This box in PDF points of an upright raster rendered at ``dpi``."""
        return BoundingBox.from_pixels(self.l, self.t, self.r, self.b, dpi)


class _Boxed(BaseModel):
    """Frozen, strict base whose ``box`` defaults to the hull of its ``quad``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _fill_box(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("box") is None and data.get("quad") is not None:
            data = dict(data)
            data["box"] = PixelBox.from_quad(data["quad"])
        return data


def shift_quad(quad: Quad, dx: float, dy: float) -> Quad:
    a, b, c, d = quad
    return (
        (a[0] + dx, a[1] + dy),
        (b[0] + dx, b[1] + dy),
        (c[0] + dx, c[1] + dy),
        (d[0] + dx, d[1] + dy),
    )


class OcrChar(_Boxed):
    """One recognised character.

    ``score`` is the recogniser's probability for ``char`` (CTC: at its peak frame). ``alternatives``
    are the top-k candidates at that same frame, best first, ``char`` itself first, the CTC blank
    left out, so their probabilities sum to at most 1. ``None`` where the engine does not expose
    them (Tesseract's TSV, RapidOCR's own decoder, PaddleOCR). ``quad``/``box`` are ``None`` when
    the engine gives no character geometry; CTC character boxes are estimated from frame positions
    (good to a fraction of a character's width).
    """

    char: str = Field(min_length=1, max_length=1)
    quad: Quad | None = None
    box: PixelBox | None = None
    score: float | None = Field(default=None, ge=0.0, le=1.0)
    alternatives: tuple[Candidate, ...] | None = None

    def shifted(self, dx: float, dy: float) -> OcrChar:
        if self.quad is None:
            return self
        quad = shift_quad(self.quad, dx, dy)
        return self.model_copy(update={"quad": quad, "box": PixelBox.from_quad(quad)})


class OcrWord(_Boxed):
    """A word. From CTC engines (RapidOCR, PaddleOCR): a maximal run of non-space characters of
    one script class (ASCII vs. the rest), so ``"2026年预算"`` is two words, ``"2026"`` and
    ``"年预算"``, and a number is always its own word. Tesseract keeps its own words.
    """

    text: str
    quad: Quad
    box: PixelBox
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    chars: tuple[OcrChar, ...] = ()

    def shifted(self, dx: float, dy: float) -> OcrWord:
        return self.model_copy(
            update={
                "quad": shift_quad(self.quad, dx, dy),
                "box": self.box.shifted(dx, dy),
                "chars": tuple(c.shifted(dx, dy) for c in self.chars),
            }
        )


class OcrLine(_Boxed):
    """One detected text line (or one crop handed to :meth:`OcrEngine.recognize_crops`).

    ``confidence`` is the recogniser's (mean character probability for CTC engines); ``det_score``
    the detector's, when a detector ran.
    """

    text: str
    quad: Quad
    box: PixelBox
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    det_score: float | None = Field(default=None, ge=0.0, le=1.0)
    words: tuple[OcrWord, ...] = ()

    @property
    def chars(self) -> tuple[OcrChar, ...]:
        """The line's characters in reading order, spaces left out."""
        return tuple(c for w in self.words for c in w.chars)

    def shifted(self, dx: float, dy: float) -> OcrLine:
        """The same line with every coordinate moved by ``(dx, dy)`` (crop → page)."""
        return self.model_copy(
            update={
                "quad": shift_quad(self.quad, dx, dy),
                "box": self.box.shifted(dx, dy),
                "words": tuple(w.shifted(dx, dy) for w in self.words),
            }
        )


class OcrResult(BaseModel):
    """Everything one engine read on one image, with what produced it and how long it took."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_name: str = "budgetdoc.ocr_result"
    version: str = "1.0.0"
    engine: str = Field(description="backend kind, e.g. 'rapidocr'")
    engine_version: str | None = None
    models: tuple[str, ...] = Field(default=(), description="model files (or names) used")
    image_width: int = Field(ge=0)
    image_height: int = Field(ge=0)
    lines: tuple[OcrLine, ...] = ()
    timings: dict[str, float] = Field(
        default_factory=dict, description="seconds per step: 'det', 'rec', 'total', ..."
    )

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


# --------------------------------------------------------------------------------------------------
# Building words from characters (shared by the backends).


def char_class(ch: str) -> str:
    """``"space"``, ``"ascii"`` (digits, Latin, ASCII punctuation) or ``"wide"`` (CJK, full-width)."""
    if ch.isspace():
        return "space"
    return "ascii" if ord(ch) < 128 else "wide"


def join_texts(parts: Iterable[str]) -> str:
    """Join pieces of text read apart (words, wrapped lines): nothing between two wide (CJK)
    neighbours, one space otherwise. Empty pieces are skipped."""
    out = ""
    for p in parts:
        if not p:
            continue
        if out and not (char_class(out[-1]) == "wide" and char_class(p[0]) == "wide"):
            out += " "
        out += p
    return out


def quad_hull(quads: Iterable[Quad]) -> Quad:
    """Quad from the first quad's left edge to the last quad's right edge (reading order)."""
    qs = list(quads)
    if not qs:
        raise ValueError("quad_hull of no quads")
    first, last = qs[0], qs[-1]
    return (first[0], last[1], last[2], first[3])


def words_from_chars(chars: Sequence[OcrChar], line_quad: Quad) -> tuple[OcrWord, ...]:
    """Group characters into :class:`OcrWord` runs (split at spaces and at ASCII/wide changes).

    A word's quad spans its first to last character when all have quads; otherwise it is the
    line's quad. Spaces are dropped.
    """
    words: list[OcrWord] = []
    run: list[OcrChar] = []

    def flush() -> None:
        if not run:
            return
        char_quads = [c.quad for c in run if c.quad is not None]
        quad = quad_hull(char_quads) if len(char_quads) == len(run) else line_quad
        scores = [c.score for c in run if c.score is not None]
        words.append(
            OcrWord(
                text="".join(c.char for c in run),
                quad=quad,
                box=PixelBox.from_quad(quad),
                confidence=(sum(scores) / len(scores)) if scores else None,
                chars=tuple(run),
            )
        )
        run.clear()

    prev: str | None = None
    for c in chars:
        cls = char_class(c.char)
        if cls == "space":
            flush()
            prev = None
            continue
        if prev is not None and cls != prev:
            flush()
        run.append(c)
        prev = cls
    flush()
    return tuple(words)
