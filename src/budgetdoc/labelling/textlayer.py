"""Characters of a PDF text layer: lines, reading order, text joining and number tokens.

The joining rule (used for cell text and for every other text the labeller reads):

* Whitespace characters of the text layer are dropped; spaces are decided from geometry only.
* Characters form a **line** when their vertical centres are within half a character height of
  the line's centre; lines are read top to bottom, characters in a line left to right.
* Inside a line, two neighbouring characters get one space between them only when the PDF shows a
  visible gap (more than :data:`GAP_EM` of the font size between one's right edge and the next's
  left edge) **and** neither of them is CJK (ideographs, CJK/full-width punctuation, curly quotes).
  So "3 0101" never appears from a kerned number, "金 额" letter-spaced headers read "金额", and
  "2019 年度" reads "2019年度", while "Total 12" keeps its space.
* Wrapped lines of one cell are joined with nothing when the end of one line or the start of the
  next is CJK, otherwise with one space.

A **number token** is a maximal match of :data:`NUMBER_RE` in a *run*: the characters of a line
between visible gaps (the same gap rule, regardless of script). Its characters must all fall in one
cell and that cell's text must contain it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

GAP_EM = 0.2
NUMBER_RE = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


@dataclass(frozen=True)
class Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    upright: bool = True

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 0.1)


def page_chars(page: Any) -> list[Char]:
    """Visible, non-whitespace characters of a pdfplumber page (duplicates from fake bold removed)."""
    try:
        page = page.dedupe_chars(tolerance=1)
    except Exception:  # pragma: no cover - older pdfplumber
        pass
    out = []
    for c in page.chars:
        t = c.get("text", "")
        if not t or t.isspace():
            continue
        out.append(Char(t, float(c["x0"]), float(c["x1"]), float(c["top"]), float(c["bottom"]),
                        float(c.get("size") or (c["bottom"] - c["top"])), bool(c.get("upright", True))))
    out.sort(key=lambda c: (round(c.top, 1), c.x0))
    return out


def is_cjk(ch: str) -> bool:
    o = ord(ch[0])
    return (
        0x2E80 <= o <= 0x9FFF  # radicals, CJK punctuation, kana, ideographs
        or 0xF900 <= o <= 0xFAFF
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or 0x2010 <= o <= 0x206F  # general punctuation: “ ” ‘ ’ — …
        or 0x3400 <= o <= 0x4DBF
        or 0x20000 <= o <= 0x2FFFF
    )


def group_lines(chars: list[Char]) -> list[list[Char]]:
    """Lines of characters, top to bottom, each left to right."""
    lines: list[list[Char]] = []
    centres: list[float] = []
    heights: list[float] = []
    for c in sorted(chars, key=lambda c: (c.cy, c.x0)):
        best = None
        for i in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            if abs(c.cy - centres[i]) <= 0.5 * min(c.height, heights[i]):
                best = i
                break
        if best is None:
            lines.append([c])
            centres.append(c.cy)
            heights.append(c.height)
        else:
            lines[best].append(c)
            n = len(lines[best])
            centres[best] = centres[best] + (c.cy - centres[best]) / n
    for ln in lines:
        ln.sort(key=lambda c: c.x0)
    order = sorted(range(len(lines)), key=lambda i: min(c.top for c in lines[i]))
    return [lines[i] for i in order]


def visible_gap(a: Char, b: Char) -> bool:
    return b.x0 - a.x1 > GAP_EM * min(a.size, b.size)


def join_line(line: list[Char]) -> str:
    parts: list[str] = []
    for i, c in enumerate(line):
        if i and visible_gap(line[i - 1], c) and not is_cjk(line[i - 1].text[-1]) and not is_cjk(c.text[0]):
            parts.append(" ")
        parts.append(c.text)
    return "".join(parts)


def join_text(chars: list[Char]) -> str:
    """Text of a block of characters (a cell) by the rule in the module docstring."""
    out = ""
    for line in group_lines(chars):
        s = join_line(line)
        if out and s:
            if not (is_cjk(out[-1]) or is_cjk(s[0])):
                out += " "
        out += s
    return out


def runs(line: list[Char]) -> list[list[Char]]:
    """Split a line at visible gaps."""
    out: list[list[Char]] = []
    for i, c in enumerate(line):
        if i == 0 or visible_gap(line[i - 1], c):
            out.append([c])
        else:
            out[-1].append(c)
    return out


@dataclass
class Token:
    text: str
    chars: list[Char]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (min(c.x0 for c in self.chars), min(c.top for c in self.chars),
                max(c.x1 for c in self.chars), max(c.bottom for c in self.chars))


def number_tokens(chars: list[Char]) -> list[Token]:
    """Every number token of the page's text layer (see the module docstring)."""
    out: list[Token] = []
    for line in group_lines(chars):
        for run in runs(line):
            text = "".join(c.text for c in run)
            # map string offsets back to characters (a char's text may be longer than one code point)
            offs: list[int] = []
            for k, c in enumerate(run):
                offs.extend([k] * len(c.text))
            for m in NUMBER_RE.finditer(text):
                idx = sorted(set(offs[m.start():m.end()]))
                out.append(Token(m.group(0), [run[k] for k in idx]))
    return out


def segments_of_line(line: list[Char], gap_em: float = 1.5) -> list[list[Char]]:
    """Split a line into phrases at wide gaps (more than ``gap_em`` font sizes)."""
    out: list[list[Char]] = []
    for i, c in enumerate(line):
        if i == 0 or c.x0 - line[i - 1].x1 > gap_em * min(c.size, line[i - 1].size):
            out.append([c])
        else:
            out[-1].append(c)
    return out


def bbox_of(chars: list[Char]) -> tuple[float, float, float, float]:
    return (min(c.x0 for c in chars), min(c.top for c in chars),
            max(c.x1 for c in chars), max(c.bottom for c in chars))
