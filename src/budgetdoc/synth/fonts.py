"""CJK fonts for the scan generator, found among the fonts installed from Debian packages.

Two families are used, as in the printed disclosures: **Song** (宋体, serif) for body text and
**Hei** (黑体, sans) for titles and headers.

=====================  ============================================  =======================
face                   file (index)                                  Debian package
=====================  ============================================  =======================
Noto Serif CJK SC      opentype/noto/NotoSerifCJK-Regular.ttc (2)    fonts-noto-cjk
Noto Serif CJK SC Bold opentype/noto/NotoSerifCJK-Bold.ttc (2)       fonts-noto-cjk
AR PL UMing CN         truetype/arphic/uming.ttc (0)                 fonts-arphic-uming
Noto Sans CJK SC       opentype/noto/NotoSansCJK-Regular.ttc (2)     fonts-noto-cjk
Noto Sans CJK SC Bold  opentype/noto/NotoSansCJK-Bold.ttc (2)        fonts-noto-cjk
WenQuanYi Zen Hei      truetype/wqy/wqy-zenhei.ttc (0)               fonts-wqy-zenhei
=====================  ============================================  =======================

The ``.ttc`` collections hold one face per region (JP, KR, SC, TC, HK); the index picks the
Simplified Chinese face, so 户/戶 and 骨 draw the mainland way. Text is laid out with Pillow's BASIC
layout engine (no libraqm), so the same font file gives the same pixels on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import ClassVar, Literal

from PIL import ImageFont

Family = Literal["song", "hei"]

FONT_ROOT = Path("/usr/share/fonts")


class FontMissingError(RuntimeError):
    """A font the generator needs is not installed."""


@dataclass(frozen=True)
class FontFace:
    """One face of an installed font file: where it is, which face of a collection, which package."""

    name: str
    family: Family
    path: Path
    index: int
    package: str
    bold: bool = False

    def require(self) -> FontFace:
        """Return the face if its file exists; otherwise raise :class:`FontMissingError`."""
        if not self.path.is_file():
            raise FontMissingError(
                f"font {self.name!r} not found at {self.path}: install the Debian package "
                f"{self.package!r} (apt-get install {self.package}; scripts/setup.sh installs all fonts "
                "the generator needs)"
            )
        return self


NOTO_SERIF_SC = FontFace("Noto Serif CJK SC", "song", FONT_ROOT / "opentype/noto/NotoSerifCJK-Regular.ttc",
                         2, "fonts-noto-cjk")
NOTO_SERIF_SC_BOLD = FontFace("Noto Serif CJK SC Bold", "song",
                              FONT_ROOT / "opentype/noto/NotoSerifCJK-Bold.ttc", 2, "fonts-noto-cjk", bold=True)
AR_PL_UMING = FontFace("AR PL UMing CN", "song", FONT_ROOT / "truetype/arphic/uming.ttc", 0, "fonts-arphic-uming")
NOTO_SANS_SC = FontFace("Noto Sans CJK SC", "hei", FONT_ROOT / "opentype/noto/NotoSansCJK-Regular.ttc",
                        2, "fonts-noto-cjk")
NOTO_SANS_SC_BOLD = FontFace("Noto Sans CJK SC Bold", "hei", FONT_ROOT / "opentype/noto/NotoSansCJK-Bold.ttc",
                             2, "fonts-noto-cjk", bold=True)
WQY_ZENHEI = FontFace("WenQuanYi Zen Hei", "hei", FONT_ROOT / "truetype/wqy/wqy-zenhei.ttc", 0, "fonts-wqy-zenhei")

#: Every face the generator may use, by role.
SONG_FACES: tuple[FontFace, ...] = (NOTO_SERIF_SC, AR_PL_UMING)
SONG_BOLD_FACES: tuple[FontFace, ...] = (NOTO_SERIF_SC_BOLD,)
HEI_FACES: tuple[FontFace, ...] = (NOTO_SANS_SC, WQY_ZENHEI)
HEI_BOLD_FACES: tuple[FontFace, ...] = (NOTO_SANS_SC_BOLD,)
ALL_FACES: tuple[FontFace, ...] = SONG_FACES + SONG_BOLD_FACES + HEI_FACES + HEI_BOLD_FACES

SETUP_HINT = "scripts/setup.sh"


def check_fonts(faces: tuple[FontFace, ...] = ALL_FACES) -> list[FontFace]:
    """Require every face; the first missing one raises :class:`FontMissingError`."""
    return [f.require() for f in faces]


@lru_cache(maxsize=512)
def _load(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index, layout_engine=ImageFont.Layout.BASIC)


def load_font(face: FontFace, size_px: int) -> ImageFont.FreeTypeFont:
    """The face at ``size_px`` pixels per em, cached per (path, index, size)."""
    face.require()
    return _load(str(face.path), face.index, max(1, int(round(size_px))))


class Typeface:
    """A face at one size on one raster: the PIL font, and widths in points measured with it.

    Widths are sums of the raster font's (hinted) advances, so text laid out in points is exactly
    as wide as the text drawn. Advances are cached per character.
    """

    _advances: ClassVar[dict[tuple[str, int, int], dict[str, float]]] = {}

    def __init__(self, face: FontFace, size_pt: float, dpi: float) -> None:
        self.face = face
        self.size_pt = float(size_pt)
        self.dpi = float(dpi)
        self.px_per_pt = self.dpi / 72.0
        self.size_px = max(1, int(round(self.size_pt * self.px_per_pt)))
        self.font = load_font(face, self.size_px)
        key = (str(face.path), face.index, self.size_px)
        self._adv = Typeface._advances.setdefault(key, {})
        ascent, descent = self.font.getmetrics()
        self.ascent_pt = ascent / self.px_per_pt
        self.descent_pt = descent / self.px_per_pt

    def advance_pt(self, ch: str) -> float:
        w = self._adv.get(ch)
        if w is None:
            w = self.font.getlength(ch)
            self._adv[ch] = w
        return w / self.px_per_pt

    def width_pt(self, text: str) -> float:
        """Width of ``text`` in points (sum of advances; BASIC layout has no kerning for CJK faces)."""
        return sum(self.advance_pt(ch) for ch in text)

    def __repr__(self) -> str:
        return f"Typeface({self.face.name!r}, {self.size_pt}pt @ {self.dpi:g}dpi)"
