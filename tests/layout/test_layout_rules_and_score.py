"""The layout stage on hand-made lines (RulesLayout, classify_line), the layout scorer's matching
and box mapping, and the rapid-layout backend's plumbing on one sample page (when installed)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from budgetdoc.layout import (
    LayoutAnalyzer,
    LayoutBlock,
    PageLayout,
    RulesLayout,
    TextLine,
    build_layout,
    classify_line,
)
from budgetdoc.layout.score import (
    Counts,
    iou,
    label_boxes,
    match_boxes,
    predicted_boxes,
    score_page,
    to_label_px,
)
from budgetdoc.model.document import Page
from budgetdoc.model.geometry import PageTransform
from budgetdoc.model.labels import PageLabels, RegionLabel

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "datasets" / "samples" / "real-jiangsu-gaoyuan-2017-p013-office-scan"

# an A4 page at 200 dpi
W, H = 1654.0, 2339.0
TABLE = (150.0, 400.0, 1500.0, 1400.0)


def line(text: str, l: float, t: float, r: float, b: float) -> TextLine:
    return TextLine(text=text, box_px=(l, t, r, b))


def kinds_of(layout: PageLayout) -> dict[str, str]:
    return {b.line.text: b.kind for b in layout.blocks}


# --------------------------------------------------------------------------------------------------
# RulesLayout and classify_line


def test_title_over_table_is_its_title():
    title = line("2026年部门收支总表", 620, 300, 1030, 350)
    layout = RulesLayout().analyse([title], [TABLE], width=W, height=H)
    assert kinds_of(layout) == {"2026年部门收支总表": "title"}
    ctx = layout.tables[0]
    assert ctx.title == "2026年部门收支总表"
    assert ctx.title_box == title.box_px
    assert not ctx.continues_previous and not ctx.is_card
    assert layout.blocks[0].table == 0


def test_department_and_unit_on_one_line_is_a_department_line():
    lines = [line("2026年部门收支总表", 620, 280, 1030, 330), line("部门名称：某某局  单位：万元", 150, 350, 1500, 385)]
    layout = RulesLayout().analyse(lines, [TABLE], width=W, height=H)
    assert kinds_of(layout)["部门名称：某某局  单位：万元"] == "department_line"
    assert layout.tables[0].context_lines == ["部门名称：某某局  单位：万元"]


def test_department_and_unit_lines_on_one_baseline_are_context():
    lines = [line("2026年部门收支总表", 620, 280, 1030, 330),
             line("部门名称：某某局", 150, 350, 480, 385), line("单位：万元", 1340, 350, 1500, 385)]
    layout = RulesLayout().analyse(lines, [TABLE], width=W, height=H)
    ctx = layout.tables[0]
    assert ctx.title == "2026年部门收支总表"
    assert ctx.context_lines == ["部门名称：某某局", "单位：万元"]
    assert kinds_of(layout)["部门名称：某某局"] == "department_line"


def test_unit_line_alone_is_a_unit_line():
    assert classify_line(line("单位：万元", 1340, 350, 1500, 385), page_height=H) == "unit_line"


def test_amount_unit_line_is_a_unit_line():
    assert classify_line(line("金额单位：万元", 1300, 350, 1500, 385), page_height=H) == "unit_line"


def test_note_under_table_is_its_note():
    lines = [line("2026年部门收支总表", 620, 300, 1030, 350), line("注：1.本表反映部门本年度收支情况，", 150, 1410, 900, 1445),
             line("包括财政拨款和其他资金。", 150, 1450, 700, 1485), line("— 3 —", 780, 2250, 880, 2285)]
    layout = RulesLayout().analyse(lines, [TABLE], width=W, height=H)
    assert layout.tables[0].notes == ["注：1.本表反映部门本年度收支情况，", "包括财政拨款和其他资金。"]
    k = kinds_of(layout)
    assert k["注：1.本表反映部门本年度收支情况，"] == "note"
    assert k["— 3 —"] == "page_number"
    assert [b.table for b in layout.blocks if b.kind == "note"] == [0]


def test_paragraph_far_below_a_note_is_not_the_note():
    lines = [line("2026年部门收支总表", 620, 300, 1030, 350), line("注：本表无数据。", 150, 1410, 600, 1445),
             line("第二段正文说明文字", 150, 1600, 700, 1640)]
    layout = RulesLayout().analyse(lines, [TABLE], width=W, height=H)
    assert layout.tables[0].notes == ["注：本表无数据。"]


@pytest.mark.parametrize("text", ["— 3 —", "第3页", "12", "-5-"])
def test_page_number_at_the_foot(text):
    assert classify_line(line(text, 780, 2250, 880, 2285), page_height=H) == "page_number"


def test_number_mid_page_is_not_a_page_number():
    assert classify_line(line("12", 780, 1200, 820, 1230), page_height=H) != "page_number"


def test_table_with_no_title_continues_the_previous_page():
    top_table = (150.0, 150.0, 1500.0, 1800.0)
    lines = [line("注：本表无数据", 150, 1810, 600, 1840), line("— 4 —", 780, 2250, 880, 2285)]
    layout = RulesLayout().analyse(lines, [top_table], width=W, height=H)
    ctx = layout.tables[0]
    assert ctx.title == "" and ctx.title_box is None
    assert ctx.continues_previous
    assert kinds_of(layout)["— 4 —"] == "page_number"


def test_card_title_makes_a_card():
    title = line("2026年项目支出绩效目标表", 560, 300, 1090, 350)
    layout = RulesLayout().analyse([title], [TABLE], width=W, height=H)
    assert layout.tables[0].is_card
    assert layout.tables[0].title == "2026年项目支出绩效目标表"


def test_two_tables_each_take_the_title_above():
    t1, t2 = (150.0, 300.0, 1500.0, 900.0), (150.0, 1100.0, 1500.0, 1800.0)
    lines = [line("2026年部门收入总表", 620, 200, 1030, 250), line("2026年部门支出总表", 620, 1000, 1030, 1050)]
    layout = RulesLayout().analyse(lines, [t1, t2], width=W, height=H)
    assert [c.title for c in layout.tables] == ["2026年部门收入总表", "2026年部门支出总表"]


# --------------------------------------------------------------------------------------------------
# the scorer


def test_iou():
    assert iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert iou((0, 0, 10, 10), (5, 0, 15, 10)) == pytest.approx(50 / 150)
    assert iou((0, 0, 10, 10), (20, 20, 30, 30)) == 0.0


def test_matching_counts_known_precision_and_recall():
    gold = [(0, 0, 100, 100), (200, 0, 300, 100), (400, 0, 500, 100)]
    pred = [(0, 0, 100, 100),  # exact
            (200, 0, 240, 100),  # IoU 0.4: no match by IoU
            (900, 900, 950, 950)]  # nothing
    assert match_boxes(pred, gold) == [(0, 0)]
    c = Counts(tp=1, fp=2, fn=2)
    assert (c.precision, c.recall, c.f1) == (pytest.approx(1 / 3), pytest.approx(1 / 3), pytest.approx(1 / 3))
    # centre-inside matching (lines): the narrow prediction's centre lies in the second label box
    assert match_boxes(pred, gold, centre=True) == [(0, 0), (1, 1)]


def test_matching_is_one_to_one_best_iou_first():
    gold = [(0, 0, 100, 100)]
    pred = [(0, 0, 90, 100), (0, 0, 100, 100)]
    assert match_boxes(pred, gold) == [(1, 0)]
    assert Counts(tp=1, fp=1, fn=0).precision == 0.5


def test_counts_with_nothing_labelled_or_predicted():
    assert Counts().f1 is None and Counts().precision is None
    assert Counts(fp=3).f1 == 0.0 and Counts(fp=3).recall is None
    assert Counts(fn=2).f1 == 0.0 and Counts(fn=2).precision is None


def test_upright_pixels_map_through_the_page_transform():
    # 144 dpi: 2 px per point; the delivered image is the page scaled by 2 and shifted by (10, 20)
    page = Page(number=1, width=300, height=400, dpi=144, transform=PageTransform(matrix=[2, 0, 10, 0, 2, 20]))
    assert to_label_px((0, 0, 144, 72), page) == pytest.approx((10, 20, 154, 92))
    # no transform: the upright image is the delivered one
    assert to_label_px((5, 6, 7, 8), Page(number=1, width=300, height=400, dpi=144)) == pytest.approx((5, 6, 7, 8))
    # a quarter turn: the axis-aligned box around the turned corners
    turned = Page(number=1, width=300, height=400, dpi=72, transform=PageTransform(matrix=[0, -1, 400, 1, 0, 0]))
    assert to_label_px((10, 20, 30, 60), turned) == pytest.approx((340, 10, 380, 30))


def _region(kind: str, box, text: str | None = None) -> RegionLabel:
    l, t, r, b = box
    return RegionLabel(kind=kind, text=text, bbox_pt=box, bbox_px=box, quad_px=[(l, t), (r, t), (r, b), (l, b)])


def test_score_page_groups_a_wrapped_title_and_checks_its_text():
    lines = [line("2026年部门一般公共预算", 500, 100, 1100, 140), line("支出表", 700, 145, 900, 185)]
    layout = PageLayout(blocks=[
        LayoutBlock(kind="title", line=lines[0], table=0), LayoutBlock(kind="title", line=lines[1], table=0),
        LayoutBlock(kind="department_line", line=line("单位：万元", 1300, 200, 1500, 230), table=0),
        LayoutBlock(kind="page_number", line=line("— 3 —", 800, 2250, 860, 2280)),
    ])
    tables = [(150.0, 250.0, 1500.0, 2000.0)]
    assert [b for b, _ in predicted_boxes(layout, tables)["title"]] == [(500, 100, 1100, 185)]
    labels = PageLabels(page=1, width_px=1654, height_px=2339, dpi=200, width_pt=595.4, height_pt=842.0,
                        transform=PageTransform.identity_at(200), regions=[
                            _region("title", (498, 98, 1102, 188), "2026年部门一般公共预算支出表"),
                            _region("unit_line", (1305, 198, 1495, 232), "单位：万元"),
                            _region("page_number", (805, 2248, 858, 2282), "— 3 —"),
                            _region("card", (150, 251, 1500, 2001)),
                            _region("text", (0, 0, 10, 10), "ignored")])
    assert [k for k, v in label_boxes(labels).items() if v] == ["title", "unit_line", "page_number", "table"]
    page = Page(number=1, width=595.4, height=842.0, dpi=200)
    s = score_page(layout, tables, page, labels)
    assert (s.counts["title"].tp, s.counts["title"].fp, s.counts["title"].fn) == (1, 0, 0)
    assert s.titles == [("2026年部门一般公共预算支出表", "2026年部门一般公共预算支出表")] and s.titles_correct == 1
    assert (s.counts["unit_line"].tp, s.counts["unit_line"].fn) == (0, 1)
    assert (s.counts["department_line"].fp, s.counts["department_line"].labelled) == (1, 0)
    assert s.counts["page_number"].tp == 1
    assert s.counts["table"].tp == 1  # the card counts as a table
    assert s.counts["note"].f1 is None


# --------------------------------------------------------------------------------------------------
# the rapid-layout backend


def test_build_layout_names_the_missing_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "rapid_layout", None)
    with pytest.raises(ImportError, match="rapid-layout"):
        build_layout({"kind": "rapid-layout"})


def test_build_layout_rejects_an_unknown_backend():
    with pytest.raises(ValueError, match="rapid-layout"):
        build_layout({"kind": "nope"})


@pytest.fixture(scope="module")
def rapid_backend():
    pytest.importorskip("rapid_layout")
    return build_layout({"kind": "rapid-layout"})


@pytest.fixture(scope="module")
def sample_page():
    from PIL import Image

    labels = PageLabels.model_validate_json((SAMPLE / "labels" / "page-001.json").read_text(encoding="utf-8"))
    gray = np.asarray(Image.open(SAMPLE / labels.image).convert("L"))
    lines = [TextLine(text=r.text or "", box_px=r.bbox_px) for r in labels.regions
             if r.kind not in ("table", "card") and r.text]
    tables = [r.bbox_px for r in labels.regions if r.kind == "table"]
    return labels, gray, lines, tables


def test_rapid_layout_backend_on_a_sample_page(rapid_backend, sample_page):
    labels, gray, lines, tables = sample_page
    h, w = gray.shape
    assert isinstance(rapid_backend, LayoutAnalyzer)
    layout = rapid_backend.analyse(lines, tables, width=w, height=h, image=gray)
    regions = rapid_backend.last_regions
    assert regions and {r.label for r in regions} <= {"text", "title", "figure", "figure_caption", "table",
                                                      "table_caption", "header", "footer", "reference", "equation"}
    assert all(0 <= r.box_px[0] < r.box_px[2] <= w + 1 and 0 <= r.box_px[1] < r.box_px[3] <= h + 1 for r in regions)
    assert len(layout.tables) == len(tables) == 4
    assert sorted(b.line.text for b in layout.blocks) == sorted(ln.text for ln in lines)
    titled = [c.title for c in layout.tables if "2017年度" in c.title]
    assert len(titled) >= 2, [c.title for c in layout.tables]
    # scored against its own labels (the delivered image stands for the upright one here)
    page = Page(number=1, width=w * 72 / labels.dpi, height=h * 72 / labels.dpi, dpi=labels.dpi)
    s = score_page(layout, tables, page, labels)
    assert s.counts["table"].f1 == 1.0
    assert s.counts["title"].tp >= 2
    # the same regions again: no model run, the same layout
    again = rapid_backend.analyse(lines, tables, width=w, height=h, regions=regions)
    assert again == layout


def test_rapid_layout_backend_needs_the_image(rapid_backend, sample_page):
    _, gray, lines, tables = sample_page
    h, w = gray.shape
    with pytest.raises(ValueError, match="needs the upright page image"):
        rapid_backend.analyse(lines, tables, width=w, height=h)
    with pytest.raises(ValueError, match="upright page image the lines are on"):
        rapid_backend.analyse(lines, tables, width=w + 10, height=h, image=gray)
    from budgetdoc.layout.rapid_layout_backend import RapidLayoutBackend

    fallback = RapidLayoutBackend(without_image="rules")
    assert fallback.analyse(lines, tables, width=w, height=h) == RulesLayout().analyse(lines, tables, width=w, height=h)


def test_wrapped_title_opening_with_a_numbering_is_joined():
    lines = [line("六、2018年度某某中心部门财政拨款基本", 300, 230, 1350, 285),
             line("支出预算表（经济科目）", 560, 290, 1090, 345)]
    layout = RulesLayout().analyse(lines, [TABLE], width=W, height=H)
    assert layout.tables[0].title == "六、2018年度某某中心部门财政拨款基本支出预算表（经济科目）"


def test_wrapped_title_tail_below_is_joined():
    lines = [line("2026年一般公共预算安排基本支出分经济科目表（不含上年", 250, 230, 1400, 285),
             line("结转）", 780, 290, 880, 345)]
    layout = RulesLayout().analyse(lines, [TABLE], width=W, height=H)
    assert layout.tables[0].title == "2026年一般公共预算安排基本支出分经济科目表（不含上年结转）"
    assert layout.tables[0].context_lines == []
