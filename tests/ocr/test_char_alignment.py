"""Per-character OCR readings carried onto a cell's cleaned text (budgetdoc.ocr.alignment), on
synthetic OCR results: no engine, no pixels."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetdoc.ocr.alignment import align_readings, char_readings, looks_like_amount, text_readings
from budgetdoc.ocr.cells import CellReading
from budgetdoc.ocr.types import OcrChar, OcrLine, join_texts, words_from_chars
from budgetdoc.parsing import format_amount
from budgetdoc.pipeline.page import read_cell_text

QUAD = ((0.0, 0.0), (100.0, 0.0), (100.0, 20.0), (0.0, 20.0))


def line(text: str, alts: dict[int, list[tuple[str, float]]] | None = None, score: float = 0.99) -> OcrLine:
    """An OcrLine as the CTC decoder gives it: each non-space character with its score and its
    alternatives (itself first); ``alts`` maps a character index of ``text`` to the others."""
    chars = []
    for i, ch in enumerate(text):
        others = (alts or {}).get(i, [])
        s = score if not others else round(1.0 - sum(p for _, p in others) - 0.001, 6)
        chars.append(OcrChar(char=ch, score=s, alternatives=((ch, s), *others)))
    return OcrLine(text=text, quad=QUAD, confidence=score, words=words_from_chars(chars, QUAD))


def reading(*lines: OcrLine) -> CellReading:
    scores = [c.score for ln in lines for c in ln.chars if c.score is not None]
    return CellReading(text=join_texts(ln.text.strip() for ln in lines), lines=lines,
                       confidence=sum(scores) / len(scores) if scores else None)


def spelled(chars) -> str:
    return "".join(c.char for c in chars)


def test_cleaning_drops_a_speck_and_mends_a_separator_and_the_readings_follow():
    # ". 18;570.82": a speck read as ".", a space, the thousands separator read as ";"; the "8" had
    # "3" as its second candidate and "1" as its third
    ln = line(". 18;570.82", alts={3: [("3", 0.3), ("1", 0.05), ("7", 0.0004)]})
    cell = read_cell_text(reading(ln), top_k=5)
    assert cell.raw == ". 18;570.82" and cell.text == "18,570.82"
    chars = cell.chars
    assert chars is not None and spelled(chars) == cell.text
    # the mended separator has no reading; every other character keeps its own
    assert [c.score is None for c in chars] == [c == "," for c in cell.text]
    eight = chars[1]
    assert eight.char == "8" and eight.score == 0.6486
    # the character itself is left out, below 0.001 is dropped, best first
    assert [(a.char, a.score) for a in eight.alternatives] == [("3", 0.3), ("1", 0.05)]
    assert all(not c.alternatives for c in chars if c.char != "8")


def test_a_changed_character_gets_no_score_and_no_alternatives():
    ln = line("137:31", alts={3: [(".", 0.2)]})  # ":" had "." as a candidate, but the cleaning changed it
    cell = read_cell_text(reading(ln))
    assert cell.text == "137.31"
    assert [(c.char, c.score, c.alternatives) for c in cell.chars][3] == (".", None, [])
    assert all(c.score is not None for i, c in enumerate(cell.chars) if i != 3)


def test_the_surviving_point_is_the_one_that_was_read_between_the_digits():
    # ".6.46" → "6.46": the leading speck goes, the point read between 6 and 4 stays with its score
    ln = OcrLine(text=".6.46", quad=QUAD, words=words_from_chars(
        [OcrChar(char=c, score=s, alternatives=((c, s),)) for c, s in zip(".6.46", (0.51, 0.9, 0.77, 0.95, 0.96))],
        QUAD))
    chars = read_cell_text(reading(ln)).chars
    assert [(c.char, c.score) for c in chars] == [("6", 0.9), (".", 0.77), ("4", 0.95), ("6", 0.96)]


def test_lines_of_a_wrapped_cell_are_joined_as_read_cells_joins_them():
    lines = (line("1,234"), line("567.00"))
    r = reading(*lines)
    src = text_readings(lines)
    assert "".join(ch for ch, _ in src) == r.text == "1,234 567.00"
    assert [ch for ch, rd in src if rd is None] == [" "]
    # a text cell of two wide lines: no space between them
    wide = (line("国有资本"), line("经营预算"))
    assert "".join(ch for ch, _ in text_readings(wide)) == join_texts(ln.text for ln in wide) == "国有资本经营预算"


def test_text_cells_and_blank_readings_carry_no_chars():
    assert read_cell_text(reading(line("一般公共服务支出"))).chars is None
    assert read_cell_text(reading(line("2025年"))).chars is None
    assert read_cell_text(reading(line(","))).chars is None  # a speck: cleaned to nothing
    assert read_cell_text(reading()).chars is None


def test_no_chars_when_the_engine_gave_no_character_readings():
    # a line whose characters do not spell its text (an engine without character output)
    bare = OcrLine(text="389.23", quad=QUAD, confidence=0.9)
    cell = read_cell_text(reading(bare))
    assert cell.text == "389.23" and cell.chars is None
    # characters without a score (Tesseract, RapidOCR's own decoder): nothing worth keeping
    unscored = OcrLine(text="12.50", quad=QUAD, words=words_from_chars([OcrChar(char=c) for c in "12.50"], QUAD))
    assert read_cell_text(reading(unscored)).chars is None


def test_top_k_caps_the_alternatives():
    ln = line("7", alts={0: [("1", 0.2), ("2", 0.1), ("4", 0.05), ("9", 0.01)]})
    src = text_readings([ln])
    assert [a.char for a in char_readings(src, "7")[0].alternatives] == ["1", "2", "4", "9"]
    assert [a.char for a in char_readings(src, "7", top_k=2)[0].alternatives] == ["1", "2"]
    assert char_readings(src, "7", min_prob=0.06)[0].alternatives[-1].char == "2"


def test_alignment_never_pairs_different_characters():
    src = text_readings([line("1;234.5")])
    aligned = align_readings(src, "1,234.5")
    assert [r.char if r else None for r in aligned] == ["1", None, "2", "3", "4", ".", "5"]
    assert align_readings(src, "") == []
    assert align_readings(src, "x" * 500) is None  # too long to bother


@pytest.mark.parametrize("text, amount", [
    ("1,234.50", True), ("-12.5", True), ("（3.00）", True), ("0", True), ("1.959.99", True),
    ("2025年", False), ("95%", False), ("—", False), ("", False), ("合计", False), ("≤27.22", False),
])
def test_which_texts_look_like_amounts(text, amount):
    assert looks_like_amount(text) is amount


_amounts = st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2,
                       allow_nan=False, allow_infinity=False)
_noise = st.text(alphabet=".,，。、'’`;:·• ", max_size=3)


@given(_amounts, st.booleans(), st.booleans(), _noise, _noise)
def test_readings_spell_the_cleaned_text_and_every_digit_keeps_its_own(value, thousands, semicolons, before, after):
    printed = format_amount(value, places=2, thousands=thousands)
    raw = before + (printed.replace(",", ";") if semicolons else printed) + after
    # each raw character's score is its position, so we can tell which reading each one got
    chars = [OcrChar(char=c, score=round(i / 100, 4), alternatives=((c, round(i / 100, 4)),))
             for i, c in enumerate(raw) if not c.isspace()]
    ln = OcrLine(text=raw, quad=QUAD, words=words_from_chars(chars, QUAD))
    cell = read_cell_text(reading(ln))
    if not cell.text:
        return
    assert cell.chars is not None and spelled(cell.chars) == cell.text
    raw_digits = [c.score for c in chars if c.char.isdigit()]
    got_digits = [c.score for c in cell.chars if c.char.isdigit()]
    assert got_digits == raw_digits  # the i-th digit read is the i-th digit of the text, with its score
