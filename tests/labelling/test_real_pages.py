"""Labels of real born-digital pages, checked against what was read by hand from the PDFs."""

from __future__ import annotations

import numpy as np
import pdfplumber
import pytest

from budgetdoc.labelling import grid as grid_mod
from budgetdoc.labelling.real_pdf import (
    RENDER_DPI,
    analyse_pdf,
    build_labels,
    degrade_page,
    raster_check,
    render_page,
)
from budgetdoc.labelling.textlayer import number_tokens, page_chars
from budgetdoc.model.vocab import TableType, Unit

from labelling_helpers import JIANGSU_2017, JIANGSU_2019, PUTUO, SHEGONGBU, analysis


def spans(table):
    return {(c.row, c.col): (c.row_span, c.col_span, c.text) for c in table.cells}


def test_jiangsu_2019_summary_table_rect_drawn():
    pa = analysis(JIANGSU_2019, 8)
    assert pa.ok, pa.detail
    (t,) = pa.tables
    assert (t.num_rows, t.num_cols, len(t.cells), t.header_rows) == (27, 6, 148, 3)
    s = spans(t)
    # header merges, checked on the rendered page
    assert s[(0, 0)] == (1, 2, "收入")
    assert s[(0, 2)] == (1, 4, "支出")
    assert s[(1, 0)] == (2, 1, "项目名称")
    assert s[(1, 1)] == (2, 1, "金额")
    assert s[(1, 2)] == (1, 1, "功能分类")
    assert s[(1, 3)] == (1, 3, "支出用途")
    assert s[(24, 2)] == (1, 3, "当年支出小计")
    # known amounts in their cells
    assert s[(3, 0)][2] == "一、财政拨款" and s[(3, 1)][2] == "37,188.34"
    assert s[(3, 4)][2] == "一、基本支出" and s[(3, 5)][2] == "21,968.00"
    row = next(c.row for c in t.cells if c.text == "四、公共安全支出")
    assert t.cell_at(row, 3).text == "27,488.23"
    assert s[(24, 0)][2] == "当年收入小计" and s[(24, 1)][2] == "37,188.34" and s[(24, 5)][2] == "37,188.34"
    # wrapped CJK joined without a space
    assert "七、文化旅游体育与传媒支出" in {c.text for c in t.cells}
    # header flags
    assert all(c.column_header == (c.row < 3) for c in t.cells)
    # text around the table
    assert (t.title, t.table_type, t.label, t.department, t.unit) == (
        "收支预算总表", TableType.revenue_expenditure_summary, "公开01表", "江苏省高级人民法院", Unit.ten_thousand_yuan)
    kinds = {r.kind: r.text for r in pa.regions}
    assert kinds["page_number"] == "8"
    assert kinds["heading"].replace(" ", "") == "第二部分2019年度部门预算表"


def test_shanghai_final_accounts_line_drawn_landscape():
    pa = analysis(SHEGONGBU, 6)
    assert pa.ok, pa.detail
    assert pa.width > pa.height
    (t,) = pa.tables
    assert (t.num_rows, t.num_cols, len(t.cells), t.header_rows) == (14, 9, 117, 2)
    s = spans(t)
    assert s[(0, 0)] == (1, 2, "项目")
    assert s[(0, 2)] == (2, 1, "本年收入合计")
    assert s[(0, 7)] == (2, 1, "附属单位上缴收入")  # wrapped over two lines
    assert s[(1, 0)] == (1, 1, "功能分类科目编码")
    assert s[(2, 0)] == (1, 2, "合计")  # the total row spans code and name
    assert s[(2, 2)][2] == "307.82" and s[(2, 3)][2] == "307.82"
    assert (t.title, t.table_type, t.unit) == ("收入决算表", TableType.final_revenue, Unit.ten_thousand_yuan)


def test_putuo_budget_rect_drawn_landscape_split_codes():
    pa = analysis(PUTUO, 10)
    assert pa.ok, pa.detail
    (t,) = pa.tables
    assert (t.num_rows, t.num_cols, len(t.cells), t.header_rows) == (15, 9, 120, 3)
    s = spans(t)
    assert s[(0, 0)] == (1, 4, "项目")
    assert s[(0, 4)] == (1, 5, "收入预算")
    assert s[(1, 0)] == (1, 3, "功能分类科目编码")
    assert s[(1, 3)] == (2, 1, "功能分类科目名称")
    assert [s[(2, k)][2] for k in range(3)] == ["类", "款", "项"]
    assert [s[(3, k)][2] for k in range(6)] == ["201", "", "", "一般公共服务支出", "22,186,440.80", "22,186,440.80"]
    assert (t.department, t.unit, t.table_type) == ("上海市普陀区财政局", Unit.yuan, TableType.revenue_summary)


def test_every_number_in_a_table_lands_in_exactly_one_cell(known_page):
    """Recomputed from the raw text layer, independently of the labeller's own verification."""
    pdf, page, pa = known_page
    assert pa.numbers_checked > 0
    boxes = [(t.id, c) for t in pa.tables for c in t.cells]
    with pdfplumber.open(str(pdf)) as doc:
        chars = page_chars(doc.pages[page - 1])
    seen = 0
    for tok in number_tokens(chars):
        inside_table = [any(t.grid.bbox[0] <= c.cx <= t.grid.bbox[2] and t.grid.bbox[1] <= c.cy <= t.grid.bbox[3]
                            for t in pa.tables) for c in tok.chars]
        if not any(inside_table):
            continue
        holders = [(tid, c) for tid, c in boxes
                   if all(c.bbox[0] <= ch.cx <= c.bbox[2] and c.bbox[1] <= ch.cy <= c.bbox[3] for ch in tok.chars)]
        assert len(holders) == 1, f"{tok.text!r} is in {len(holders)} cells"
        assert tok.text in holders[0][1].text
        seen += 1
    assert seen == pa.numbers_checked


def test_clean_raster_has_ink_in_filled_cells_and_none_in_empty_ones(known_page):
    pdf, page, pa = known_page
    img = render_page(pdf, page)
    assert abs(img.width - pa.width * RENDER_DPI / 72) <= 1 and abs(img.height - pa.height * RENDER_DPI / 72) <= 1
    assert raster_check(img, pa) is None
    # and on the delivered clean image through the labels' pixel boxes
    raster, fmt, _ = degrade_page(img, pa, preset="clean", rng=np.random.default_rng(0))
    assert fmt == "png" and raster.dpi == 200
    labels = build_labels(pa, raster=raster, preset="clean")
    gray = np.asarray(raster.image.convert("L"))
    shrink = 4
    for c in labels.cells:
        l, t, r, b = (int(v) for v in c.bbox_px)
        crop = gray[t + shrink:b - shrink, l + shrink:r - shrink]
        ink = float((crop < 128).mean())
        if c.text:
            assert ink > 0.002, f"no ink in ({c.row},{c.col}) {c.text!r}"
        else:
            assert ink == 0.0, f"ink in empty cell ({c.row},{c.col})"


def test_narrative_page_is_rejected_with_its_reason():
    (pa,) = analyse_pdf(JIANGSU_2019, pages=[3])[-1:]
    assert not pa.ok and pa.reason == "no_ruled_table" and not pa.tables


def test_table_cut_by_a_page_break_is_closed_and_continues_the_previous_title():
    pa = analysis(JIANGSU_2017, 17)
    assert pa.ok, pa.detail
    first = pa.tables[0]
    # the first row has no rule above it: it is closed where the vertical rules end
    assert [c.text for c in first.cells if c.row == 0] == ["30229", "福利费", "110.00"]
    # no title above it: it continues page 16's last table (十、…机关运行经费支出预算表)
    assert first.title_bbox is None and first.header_rows == 0
    assert first.title == "十、2017年度江苏省高级人民法院部门一般公共预算机关运行经费支出预算表"
    assert first.table_type == TableType.agency_operating_expenses and first.unit == Unit.ten_thousand_yuan
    assert not any(r.kind == "title" and r.ref == first.id for r in pa.regions)


def test_unclosed_row_is_rejected(monkeypatch):
    # without closing open edges, the cut row's numbers sit outside every cell: the page is rejected
    monkeypatch.setattr(grid_mod, "close_open_edges", lambda region: region)
    (pa,) = analyse_pdf(JIANGSU_2017, pages=[17])[-1:]
    assert pa.reason == "unruled_row" and "30229" in pa.detail


def test_number_split_across_cells_is_rejected(monkeypatch):
    # split every cell of the Putuo table at the middle of its width by adding a vertical rule
    # through the amounts column: the amounts then straddle two cells
    real_regions = grid_mod.table_regions

    def with_extra_rule(segs):
        regions = real_regions(segs)
        out = []
        for reg in regions:
            hs = [s for s in reg if s.orient == "h"]
            top, bottom = min(s.pos for s in hs), max(s.pos for s in hs)
            out.append(reg + [grid_mod.Segment("v", 500.0, top, bottom)])
        return out

    monkeypatch.setattr(grid_mod, "table_regions", with_extra_rule)
    (pa,) = analyse_pdf(PUTUO, pages=[10])[-1:]
    assert pa.reason == "number_split_across_cells"


@pytest.mark.parametrize("preset", ["office-scan", "poor-scan"])
def test_scan_presets_map_cells_through_the_transform(preset):
    pa = analysis(PUTUO, 10)
    img = render_page(PUTUO, 10)
    raster, fmt, quality = degrade_page(img, pa, preset=preset, rng=np.random.default_rng(7))
    assert fmt == "jpeg" and 1 <= quality <= 100
    labels = build_labels(pa, raster=raster, preset=preset)
    w, h = raster.image.size
    assert (labels.width_px, labels.height_px) == (w, h)
    for c in labels.cells:
        for x, y in c.quad_px:
            assert -1 <= x <= w + 1 and -1 <= y <= h + 1
        # the quad is the transform of the point box
        x, y = raster.transform.apply(c.bbox_pt[0], c.bbox_pt[1])
        assert abs(x - c.quad_px[0][0]) < 0.1 and abs(y - c.quad_px[0][1]) < 0.1
