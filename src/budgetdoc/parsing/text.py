"""Text normalisation shared by the parsers.

Printed and OCR-read Chinese budget text mixes full-width and half-width forms (＜ and <, （ and (,
１ and 1, ：and :), wraps cell text over lines, and scatters stray spaces ("金 额", "2010 350").
Every parser first runs :func:`normalize` so that its rules only have to know one spelling.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize", "fuzzy_contains", "strip_year", "YEAR_RE"]

_WS_RE = re.compile(r"\s+")

# NFKC keeps these as they are, but they mean the same as an ASCII character in our texts.
_EXTRA_FOLD = str.maketrans(
    {
        "−": "-",  # U+2212 MINUS SIGN
        "–": "-",  # EN DASH used as a minus by some typesetters
        "﹣": "-",  # SMALL HYPHEN-MINUS (NFKC keeps it in some Python versions)
        "〔": "[",
        "〕": "]",
        "【": "[",
        "】": "]",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "≦": "≤",  # U+2266, common in Chinese typesetting for ≤
        "≧": "≥",
        "⩽": "≤",
        "⩾": "≥",
    }
)

#: A printed year prefix: "2026年", "2026年度", "2026 年度" (after whitespace removal).
YEAR_RE = re.compile(r"(?:19|20)\d{2}年度?")


def normalize(text: str | None, *, keep_spaces: bool = False) -> str:
    """Return ``text`` in one canonical spelling: NFKC, folded dashes/quotes/≦≧, no whitespace.

    NFKC turns full-width digits, letters, punctuation and the ideographic space into their ASCII
    forms (＜１２．５％ → <12.5%). By default every whitespace character is then removed, because
    in these documents spaces are layout noise (wrapped cells, justified headers), never meaning.
    With ``keep_spaces=True`` runs of whitespace are folded to one space instead (for free text
    with Latin words).

    The curly quotes “ ” are folded to ``"`` so that “三公” and "三公" compare equal.
    """
    if not text:
        return ""
    s = unicodedata.normalize("NFKC", text).translate(_EXTRA_FOLD)
    folded = _WS_RE.sub(" ", s).strip() if keep_spaces else _WS_RE.sub("", s)
    if folded != s and not folded.isascii():
        # NFKC can turn a spacing accent into space + combining mark; once the space is gone the
        # mark composes with the letter before it, so compose again to stay idempotent.
        folded = unicodedata.normalize("NFKC", folded)
    return folded


def strip_year(text: str) -> str:
    """Remove printed year prefixes ("2026年", "2026年度") from normalised ``text``."""
    return YEAR_RE.sub("", text)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions each cost 1) of two short texts.

    >>> edit_distance("项目名称", "项目名祢"), edit_distance("实施单位", "实施单")
    (1, 1)
    """
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def fuzzy_contains(haystack: str, needle: str, max_edits: int = 1) -> bool:
    """True when ``needle`` occurs in ``haystack`` with at most ``max_edits`` edits.

    Edits are single-character substitutions, insertions or deletions (Levenshtein distance of
    ``needle`` to some substring of ``haystack``). This is the approximate-substring form used to
    recognise a keyword through light OCR noise ("财政拔款" for 财政拨款, "一般公共预箅" for 一般公共预算)
    without matching a different keyword: callers only use it for needles of four or more
    characters, which in this vocabulary differ from each other by at least two characters.
    """
    if needle in haystack:
        return True
    if max_edits <= 0 or not needle:
        return False
    # Sellers' algorithm: edit distance of needle to the best-matching substring of haystack.
    n = len(needle)
    prev = list(range(n + 1))  # column for the empty haystack prefix: cost of deleting needle chars
    for ch in haystack:
        cur = [0]  # a match may start anywhere in haystack: free leading skip
        for i in range(1, n + 1):
            cost = 0 if needle[i - 1] == ch else 1
            cur.append(min(prev[i - 1] + cost, prev[i] + 1, cur[i - 1] + 1))
        if cur[n] <= max_edits:
            return True
        prev = cur
    return prev[n] <= max_edits
