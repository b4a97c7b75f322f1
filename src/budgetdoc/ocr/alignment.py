"""The recogniser's per-character readings carried onto a cell's *final* text.

A cell's text is not the engine's string as it came out: :func:`~budgetdoc.ocr.cells.read_cells`
joins the lines of a wrapped cell (one space between Latin/number neighbours), and the pipeline's
cleaning (:func:`budgetdoc.pipeline.page.clean_cell_text`, which uses
:func:`budgetdoc.parsing.clean_number_reading`) drops marks read off specks (``".3,258.06"`` →
``"3,258.06"``), collapses doubled points (``"397..23"``) and mends misread separators
(``"18;570.82"`` → ``"18,570.82"``, ``"137:31"`` → ``"137.31"``). The readings — each character's
probability and the other candidates the recogniser saw there (:class:`OcrChar.alternatives`) —
belong to the raw string; the repair search wants them one-to-one with the text it repairs.

How they are carried over:

1. :func:`text_readings` spells the raw cell text (the lines joined as ``read_cells`` joins them)
   character by character, each non-space character with its :class:`OcrChar`. A space, or every
   character of a line whose characters do not spell its text, has no reading (``None``).
2. :func:`align_readings` aligns that sequence with the final text by a longest common
   subsequence of *equal* characters, a digit weighing more than anything else (the cleaning never
   changes a digit, so every digit is matched to the digit it was read as, in order; ties among
   equal marks, as in ``"397..23"``, go to either mark, both read as that mark). A final character
   matched to a raw one gets that one's reading; one the cleaning inserted or changed (``;`` → ``,``,
   a full-width ``．`` → ``.``) is unmatched and gets none.
3. :func:`char_readings` turns the aligned readings into the schema's
   :class:`~budgetdoc.model.document.CharReading` list, exactly as long as the final text and
   spelling it: unmatched characters get ``score=None`` and no alternatives; alternatives leave the
   character itself out, keep those with probability ``>= min_prob`` (at most ``top_k``, best
   first), and scores are rounded. When no character of the final text has a reading (an engine
   without character readings, text typed over) the result is ``None``: no readings at all rather
   than a list of blanks.

Only numbers are worth the bytes: :func:`looks_like_amount` says which final texts get readings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from budgetdoc.model.document import CharCandidate, CharReading
from budgetdoc.ocr.types import OcrChar, OcrLine, char_class

__all__ = [
    "Reading",
    "align_readings",
    "char_readings",
    "line_readings",
    "looks_like_amount",
    "text_readings",
]

#: One character of a text and the recogniser's reading of it (``None``: no reading).
Reading = tuple[str, OcrChar | None]

#: What an amount cell may hold: digits, separators (and the marks they are misread as), a decimal
#: point, a sign, accounting parentheses, stray spaces; at least one ASCII digit.
_AMOUNT_RE = re.compile(r"^[\s0-9.,，．:;：；\-+−－–()（）]*[0-9][\s0-9.,，．:;：；\-+−－–()（）]*$")

#: Longest texts aligned (characters on each side); amounts are far shorter.
MAX_ALIGN = 200


def looks_like_amount(text: str) -> bool:
    """Whether a cell's final text reads as a number (digits, separators, point, sign only).

    >>> looks_like_amount("1,234.50"), looks_like_amount("-12.5"), looks_like_amount("（3.00）")
    (True, True, True)
    >>> looks_like_amount("2025年"), looks_like_amount("95%"), looks_like_amount("—"), looks_like_amount("")
    (False, False, False, False)
    """
    return bool(_AMOUNT_RE.match(text))


def line_readings(line: OcrLine) -> list[Reading]:
    """The stripped text of one line, each non-space character with its :class:`OcrChar`.

    ``line.chars`` leaves the spaces out; when the remaining characters do not spell the line's
    text (an engine that gives none, or other ones), no character gets a reading.
    """
    text = line.text.strip()
    chars = line.chars
    spelled = [ch for ch in text if not ch.isspace()]
    ok = len(spelled) == len(chars) and all(c.char == s for c, s in zip(chars, spelled))
    it = iter(chars)
    return [(ch, None if ch.isspace() or not ok else next(it)) for ch in text]


def text_readings(lines: Sequence[OcrLine]) -> list[Reading]:
    """The lines' texts joined as :func:`~budgetdoc.ocr.types.join_texts` joins them (no space
    between two wide neighbours, one otherwise; blank lines skipped), with each character's reading."""
    out: list[Reading] = []
    for ln in lines:
        part = line_readings(ln)
        if not part:
            continue
        if out and not (char_class(out[-1][0]) == "wide" and char_class(part[0][0]) == "wide"):
            out.append((" ", None))
        out.extend(part)
    return out


def _weight(ch: str) -> int:
    return 3 if ch.isdigit() else 1


def align_readings(source: Sequence[Reading], target: str) -> list[OcrChar | None] | None:
    """For each character of ``target``, the reading of the ``source`` character it is aligned with.

    The alignment is a maximum-weight common subsequence of equal characters (digits weigh 3,
    anything else 1; ties prefer matching the earlier source character), so characters the
    cleaning dropped are skipped and ones it inserted or changed stay unmatched (``None``).
    ``None`` (no alignment at all) when either side is longer than :data:`MAX_ALIGN`.
    """
    n, m = len(source), len(target)
    if n > MAX_ALIGN or m > MAX_ALIGN:
        return None
    if not m:
        return []
    src = [s for s, _ in source]
    # best[i][j]: the best weight aligning source[i:] with target[j:]
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = best[i], best[i + 1]
        for j in range(m - 1, -1, -1):
            v = max(below[j], row[j + 1])
            if src[i] == target[j]:
                v = max(v, _weight(src[i]) + below[j + 1])
            row[j] = v
    out: list[OcrChar | None] = [None] * m
    i = j = 0
    while i < n and j < m:
        if src[i] == target[j] and best[i][j] == _weight(src[i]) + best[i + 1][j + 1]:
            out[j] = source[i][1]
            i += 1
            j += 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return out


def _char_reading(ch: str, reading: OcrChar | None, *, top_k: int | None, min_prob: float,
                  ndigits: int) -> CharReading:
    if reading is None or reading.char != ch:
        return CharReading(char=ch)
    score = None if reading.score is None else round(min(max(reading.score, 0.0), 1.0), ndigits)
    alts: list[CharCandidate] = []
    for c, p in reading.alternatives or ():
        if c == ch or p < min_prob or len(c) != 1:
            continue
        alts.append(CharCandidate(char=c, score=round(min(max(p, 0.0), 1.0), ndigits)))
        if top_k is not None and len(alts) >= top_k:
            break
    return CharReading(char=ch, score=score, alternatives=alts)


def char_readings(
    source: Sequence[Reading],
    text: str,
    *,
    top_k: int | None = None,
    min_prob: float = 0.001,
    ndigits: int = 4,
) -> list[CharReading] | None:
    """The schema's per-character readings of the final ``text``, one per character (see the module
    docstring); ``None`` when no character of ``text`` could be given a reading.

    ``source`` is the raw reading (:func:`text_readings`); ``top_k`` caps the alternatives kept per
    character (``None``: as many as the engine gave), ``min_prob`` drops unlikely ones, ``ndigits``
    rounds the probabilities.
    """
    aligned = align_readings(source, text)
    if aligned is None or not any(r is not None and r.score is not None for r in aligned):
        return None
    return [_char_reading(ch, r, top_k=top_k, min_prob=min_prob, ndigits=ndigits) for ch, r in zip(text, aligned)]
