"""Amount cells read by OCR carry the recogniser's per-character readings, aligned with their text.

Real pixels: committed sample pages are extracted end to end (render/ingest → preprocess → tables →
OCR of each cell crop → cleaning → alignment) and every amount cell's ``provenance.chars`` is checked
against its final ``text``; text cells and text-layer cells carry none.
"""

from __future__ import annotations

import json

from conftest import page_paths, truth_of

from budgetdoc.evaluation.text import parse_decimal
from budgetdoc.model.document import CellGrid, DisclosureDocument
from budgetdoc.model.io import document_to_json, parse_document
from budgetdoc.ocr.alignment import looks_like_amount
from budgetdoc.pipeline import DocumentInput, ExtractOptions, extract_document

TOP_K = ExtractOptions().ocr.get("top_k", 5)


def _extract(stages, sample: str, *pages: int, **opts) -> DisclosureDocument:
    doc = DocumentInput(name=sample, paths=page_paths(sample, *pages))
    # checks off: the cells as read (a repair would rewrite a text and its readings with it)
    return extract_document(doc, ExtractOptions(run_checks=False, **opts), stages=stages).document


def _grids(doc: DisclosureDocument) -> list[CellGrid]:
    return [*doc.tables, *(c.form for c in doc.cards if c.form is not None)]


def _check_aligned(grids: list[CellGrid]) -> tuple[int, int, int]:
    """Assert the invariants on every cell; return (amount cells, with readings, readings with alternatives)."""
    amounts = with_chars = with_alts = 0
    for g in grids:
        for c in g.cells:
            chars = c.provenance.chars if c.provenance else None
            if not looks_like_amount(c.text):
                assert chars is None, (c.text, chars)
                continue
            amounts += 1
            if chars is None:
                continue
            with_chars += 1
            assert c.provenance.source == "ocr"
            assert len(chars) == len(c.text) and "".join(ch.char for ch in chars) == c.text
            for ch in chars:
                assert ch.score is None or 0.0 <= ch.score <= 1.0
                assert ch.score is not None or not ch.alternatives  # inserted/changed: nothing to offer
                alts = ch.alternatives
                assert len(alts) <= TOP_K and all(a.char != ch.char for a in alts)
                assert all(0.001 <= a.score <= 1.0 and a.score == round(a.score, 4) for a in alts)
                assert [a.score for a in alts] == sorted((a.score for a in alts), reverse=True)
                if ch.score is not None:
                    assert ch.score == round(ch.score, 4)
                    # the read character was the best candidate at its frame
                    assert all(a.score <= ch.score for a in alts)
                with_alts += bool(alts)
    return amounts, with_chars, with_alts


def test_amount_cells_of_a_poor_scan_carry_aligned_readings_with_alternatives(stages):
    doc = _extract(stages, "synth-0003-shanxi-poor-scan", 1)
    assert len(doc.tables) == 1
    amounts, with_chars, with_alts = _check_aligned(_grids(doc))
    assert amounts >= 30 and with_chars == amounts
    assert with_alts >= 1  # a poor scan leaves the recogniser unsure of some characters
    # the texts are the right numbers: the readings belong to real amounts
    gt = {(c.row, c.col): c.text for c in truth_of("synth-0003-shanxi-poor-scan").tables[0].cells}
    t = doc.tables[0]
    right = sum(parse_decimal(c.text) == parse_decimal(gt.get((c.row, c.col), "")) for c in t.cells
                if c.provenance.chars)
    assert right >= 0.9 * with_chars
    # raw_text stays the raw OCR: where it differs from the text, the text is the cleaned reading
    for c in t.cells:
        if c.provenance.chars and c.provenance.raw_text is not None:
            assert c.provenance.raw_text != c.text
    # the readings survive the JSON round trip of the document
    again = parse_document(json.loads(document_to_json(doc)))
    assert _grids(again)[0].cells == _grids(doc)[0].cells


def test_card_form_amounts_carry_readings(stages):
    doc = _extract(stages, "synth-0006-jiangsu-poor-scan", 3)
    assert len(doc.cards) == 1 and doc.cards[0].funds
    amounts, with_chars, _ = _check_aligned(_grids(doc))
    assert amounts >= 5 and with_chars == amounts


def test_assigned_text_in_page_mode_carries_readings_too(stages):
    doc = _extract(stages, "synth-0003-shanxi-poor-scan", 1, cell_reading="page")
    amounts, with_chars, _ = _check_aligned(_grids(doc))
    assert amounts >= 30 and with_chars >= 0.9 * amounts


def test_born_digital_pages_carry_no_readings(tmp_path, ingest_helpers):
    from budgetdoc.pipeline import build_stages

    pdf = tmp_path / "born-digital.pdf"
    pdf.write_bytes(ingest_helpers.one_real_page())
    options = ExtractOptions(run_checks=False)
    doc = extract_document(DocumentInput(name="real", paths=(pdf,)), options,
                           stages=build_stages(options, need_ocr=False)).document
    cells = [c for g in _grids(doc) for c in g.cells]
    assert any(looks_like_amount(c.text) for c in cells)
    assert all(c.provenance is None or c.provenance.chars is None for c in cells)
