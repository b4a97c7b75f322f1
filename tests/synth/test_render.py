"""The page renderer: labels are the drawing's own geometry (ink inside text cells, blank empty
cells), cross-page tables without a repeated header, landscape pages for wide tables, a truth copy
with provenance, and byte-for-byte determinism."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from budgetdoc.model.io import document_to_json
from budgetdoc.model.labels import PageLabels
from budgetdoc.synth.fonts import ALL_FACES, FontFace, FontMissingError, Typeface, check_fonts
from budgetdoc.synth.render import (
    A4_LANDSCAPE,
    A4_PORTRAIT,
    STYLES,
    demo_document,
    render_document,
    wrap_text,
)

DPI = 150


@pytest.fixture(scope="module")
def rendered():
    return render_document(demo_document(long_rows=60), seed=7, dpi=DPI, style="shanxi")


def _px(box, dpi=DPI):
    s = dpi / 72.0
    return [box[0] * s, box[1] * s, box[2] * s, box[3] * s]


def test_fonts_installed_and_sc_faces():
    faces = check_fonts()
    assert len(faces) == len(ALL_FACES)
    names = {Typeface(f, 10, 100).font.getname()[0] for f in faces}
    assert "Noto Serif CJK SC" in names and "Noto Sans CJK SC" in names


def test_missing_font_names_package_and_setup(tmp_path):
    face = FontFace("Nope", "song", tmp_path / "nope.ttc", 0, "fonts-nope")
    with pytest.raises(FontMissingError, match="fonts-nope.*scripts/setup.sh"):
        face.require()


def test_every_text_cell_has_ink_and_every_empty_cell_is_blank(rendered):
    checked_text = checked_empty = 0
    for page in rendered.pages:
        a = np.asarray(page.image)
        for c in page.cells:
            l, t, r, b = _px(c.bbox_pt)
            inner = a[int(t) + 4:int(b) - 3, int(l) + 4:int(r) - 3]
            assert inner.size, c
            if c.text.strip():
                assert inner.min() < 100, f"no ink in cell {c.table_id or c.card_id} ({c.row},{c.col}) {c.text!r}"
                assert c.text_bbox_pt is not None
                tl, tt, tr, tb = c.text_bbox_pt
                assert c.bbox_pt[0] - 0.5 <= tl and tr <= c.bbox_pt[2] + 0.5, c
                assert c.bbox_pt[1] - 0.5 <= tt and tb <= c.bbox_pt[3] + 0.5, c
                checked_text += 1
            else:
                assert inner.min() > 245, f"ink in empty cell {c.table_id or c.card_id} ({c.row},{c.col})"
                assert c.text_bbox_pt is None
                checked_empty += 1
    assert checked_text > 100 and checked_empty > 20


def test_rules_are_drawn_on_cell_edges(rendered):
    page = next(p for p in rendered.pages if p.cells)
    a = np.asarray(page.image)
    m = np.asarray(page.line_mask)
    c = page.cells[0]
    l, t, r, _b = _px(c.bbox_pt)
    y = int(round(t))
    row = a[y - 1:y + 2, int(l) + 3:int(r) - 3].min(axis=0)
    assert (row < 128).all()  # a continuous horizontal rule along the top edge
    assert m[y - 1:y + 2, int(l) + 3:int(r) - 3].max(axis=0).min() == 255


def test_cross_page_table_has_no_repeated_header(rendered):
    t = next(t for t in rendered.truth.tables if t.id == "t04")
    assert len(t.pages) == 2
    first, second = (next(p for p in rendered.pages if p.number == n) for n in t.pages)
    c1 = [c for c in first.cells if c.table_id == "t04"]
    c2 = [c for c in second.cells if c.table_id == "t04"]
    assert c1 and c2
    assert any(c.column_header for c in c1)
    assert not any(c.column_header for c in c2)  # header not repeated
    assert not any(r.kind == "title" and r.ref == "t04" for r in second.regions)
    assert max(c.row for c in c1) < min(c.row for c in c2)  # whole-table row indices continue
    rows = sorted({c.row for c in c1} | {c.row for c in c2})
    assert rows == list(range(t.num_rows))
    assert set(t.bbox_by_page) == set(t.pages)
    assert sum(1 for c in c1 + c2 if c.text) == sum(1 for c in t.cells if c.text)


def test_wide_table_goes_on_a_landscape_page(rendered):
    t = next(t for t in rendered.truth.tables if t.id == "t03")  # 8 columns
    page = next(p for p in rendered.pages if p.number == t.pages[0])
    assert page.orientation == "landscape"
    assert (page.width_pt, page.height_pt) == A4_LANDSCAPE
    assert page.image.size[0] > page.image.size[1]
    narrow = next(t for t in rendered.truth.tables if t.id == "t01")
    p1 = next(p for p in rendered.pages if p.number == narrow.pages[0])
    assert (p1.width_pt, p1.height_pt) == A4_PORTRAIT


def test_truth_copy_carries_the_geometry(rendered):
    doc = rendered.truth
    assert [p.number for p in doc.pages] == [p.number for p in rendered.pages]
    assert all(p.dpi == DPI and p.orientation in ("portrait", "landscape") for p in doc.pages)
    for t in doc.tables:
        assert t.pages and t.title_provenance is not None and t.title_provenance.page == t.pages[0]
        for c in t.cells:
            pv = c.provenance
            assert pv is not None and pv.source == "label" and pv.confidence == 1.0 and pv.raw_text == c.text
            assert pv.page in t.pages
            page = doc.pages[pv.page - 1]
            assert 0 <= pv.bbox.l < pv.bbox.r <= page.width and 0 <= pv.bbox.t < pv.bbox.b <= page.height
    card = doc.cards[0]
    assert card.form is not None and card.pages
    assert all(c.provenance is not None for c in card.form.cells)
    assert all(i.provenance is not None and i.provenance.page in card.pages for i in card.indicators)
    figs = [f for s in doc.sections for f in s.figures]
    assert figs and all(f.provenance is not None for f in figs)
    assert all(s.pages for s in doc.sections)
    assert doc.pages[0].number == 1
    # the source document is untouched
    assert demo_document().tables[0].cells[0].provenance is None


def test_page_labels_validate_and_regions_present(rendered):
    kinds = set()
    for page in rendered.pages:
        lab = page.labels()
        again = PageLabels.model_validate(lab.model_dump(mode="json"))
        assert again.width_px == page.image.size[0] and again.dpi == DPI
        kinds |= {r.kind for r in lab.regions}
        for c in lab.cells:
            assert c.bbox_px[2] <= lab.width_px + 1 and c.bbox_px[3] <= lab.height_px + 1
    assert {"title", "table", "card", "text", "heading", "department_line", "unit_line", "table_label", "note",
            "page_number"} <= kinds


def test_notes_and_empty_table(rendered):
    t = next(t for t in rendered.truth.tables if t.id == "t02")
    page = next(p for p in rendered.pages if p.number == t.pages[-1])
    notes = [r for r in page.regions if r.kind == "note" and r.ref == "t02"]
    assert notes and notes[0].text == "注：本表无数据"
    grid_box = t.bbox_by_page[t.pages[-1]]
    assert notes[0].bbox_pt[1] >= grid_box.b - 0.5  # under the table


def test_render_is_deterministic():
    doc = demo_document(long_rows=12)
    a = render_document(doc, seed=3, dpi=100, style="jiangsu")
    b = render_document(doc, seed=3, dpi=100, style="jiangsu")
    ha = [hashlib.sha256(p.image.tobytes()).hexdigest() for p in a.pages]
    hb = [hashlib.sha256(p.image.tobytes()).hexdigest() for p in b.pages]
    assert ha == hb
    assert document_to_json(a.truth) == document_to_json(b.truth)
    c = render_document(doc, seed=4, dpi=100, style="jiangsu")
    assert c.params != a.params or [hashlib.sha256(p.image.tobytes()).hexdigest() for p in c.pages] != ha


@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_style_renders(style):
    r = render_document(demo_document(long_rows=8), seed=1, dpi=72, style=style)
    assert r.pages and r.style == style
    assert all(t.pages for t in r.truth.tables)


def test_tables_only_without_text_pages():
    r = render_document(demo_document(long_rows=8), seed=1, dpi=72, text_pages=False)
    kinds = {reg.kind for p in r.pages for reg in p.regions}
    assert "text" not in kinds
    assert all(not s.pages for s in r.truth.sections)


def test_wrap_text_rules():
    tf = Typeface(ALL_FACES[0], 10, 100)
    lines = wrap_text("一般公共服务支出，其他政府办公厅（室）及相关机构事务支出", tf, 10 * 8)
    assert len(lines) > 1 and "".join(lines) == "一般公共服务支出，其他政府办公厅（室）及相关机构事务支出"
    assert all(not ln[0] in "，。）" for ln in lines)
    assert all(tf.width_pt(ln) <= 80 + 1e-6 for ln in lines)
    assert wrap_text("12,345,678.90", tf, 200) == ["12,345,678.90"]  # a number stays whole
    assert wrap_text("a\nb", tf, 100) == ["a", "b"]
