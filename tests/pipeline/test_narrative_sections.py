"""Narrative sections in assembly: the lines outside tables and cards, in reading order across page
breaks, without page numbers, running headers, tables of contents or table titles; and, on real
pixels, the figures of a committed sample page equal to its truth's."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import page_paths, truth_of

from budgetdoc.evaluation.narrative import figure_differences, figure_key, figure_scores
from budgetdoc.layout import LayoutBlock, PageLayout, TableContext, TextLine
from budgetdoc.model.document import CellGrid, Page
from budgetdoc.model.geometry import BoundingBox
from budgetdoc.pipeline.assemble import assemble_document, narrative_lines
from budgetdoc.pipeline.page import PageExtraction, PageTable

DPI = 144.0  # 2 px per point
S = DPI / 72


def _line(text: str, l: float, t: float, r: float, kind: str = "text", table: int | None = None) -> LayoutBlock:
    """A line at (l, t)–(r, t+12) in points, as the layout stage hands it over (pixels)."""
    return LayoutBlock(kind=kind, table=table, line=TextLine(text=text, box_px=(l * S, t * S, r * S, (t + 12) * S),
                                                             confidence=0.99))


def _page(number: int, blocks: list[LayoutBlock], tables: list[PageTable] = ()) -> PageExtraction:
    return PageExtraction(page=Page(number=number, width=595, height=842, dpi=DPI),
                          layout=PageLayout(blocks=blocks), tables=list(tables))


def _table(number: int, t: float, b: float) -> PageTable:
    return PageTable(page=number, grid=CellGrid(), context=TableContext(title="2026年预算支出总表"),
                     bbox=BoundingBox(l=60, t=t, r=530, b=b))


def _pages() -> list[PageExtraction]:
    toc = _page(1, [_line("目 录", 270, 60, 320), _line("第一部分 概况.........1", 60, 100, 520),
                    _line("一、本部门职责.........1", 60, 120, 520)])
    p2 = _page(2, [
        _line("某某市某某局2026年部门预算", 150, 30, 440),  # running header
        _line("第三部分 2026年度部门预算情况说明", 170, 70, 420, kind="heading"),
        _line("三、支出预算情况说明", 60, 100, 200, kind="heading"),
        _line("2026年度某某市某某局支出预算389.23万元，其中：基本支出", 84, 120, 530),
        _line("200.14万元，占51.42%；项目支出189.0", 60, 135, 530),  # runs on to the next page
        _line("2026年预算支出总表", 200, 600, 400, kind="title", table=0),
        _line("单位：万元", 470, 620, 530, kind="unit_line", table=0),
        _line("合计 389.23", 70, 700, 300),  # beside the table (a stray cell reading): not prose
        _line("- 2 -", 280, 800, 315, kind="page_number"),
    ], [_table(2, 630, 780)])
    p3 = _page(3, [
        _line("某某市某某局2026年部门预算", 150, 30, 440),
        _line("9万元，占48.58%。", 60, 70, 160),
        _line("四、政府采购情况", 60, 100, 180, kind="heading"),
        _line("2026年某某市某某局政府采购预算总额32.97万元。", 84, 120, 330),
        _line("3", 295, 800, 301),  # a bare page number the layout took for text
    ])
    p4 = _page(4, [_line("某某市某某局2026年部门预算", 150, 30, 440), _line("第四部分 名词解释", 240, 70, 350),
                   _line("一、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支", 84, 100, 530),
                   _line("出。", 60, 115, 80)])
    return [toc, p2, p3, p4]


def test_narrative_lines_leave_out_what_is_not_prose():
    lines = narrative_lines(_pages())
    texts = [ln.text for ln in lines]
    assert texts == ["第三部分 2026年度部门预算情况说明", "三、支出预算情况说明",
                     "2026年度某某市某某局支出预算389.23万元，其中：基本支出", "200.14万元，占51.42%；项目支出189.0",
                     "9万元，占48.58%。", "四、政府采购情况", "2026年某某市某某局政府采购预算总额32.97万元。",
                     "第四部分 名词解释", "一、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支",
                     "出。"]
    hints = [(ln.starts_paragraph, ln.runs_on, ln.centred_heading) for ln in lines]
    assert hints[0] == (True, False, True)  # a centred part heading
    assert hints[2:5] == [(True, True, False), (False, True, False), (False, False, False)]  # indented, runs on, ends
    assert lines[2].bbox == BoundingBox(l=84, t=120, r=530, b=132) and lines[2].page == 2


def test_sections_join_a_paragraph_across_a_page_break_with_provenance():
    doc = assemble_document(_pages())
    assert [(s.part, s.heading, s.pages) for s in doc.sections] == [
        ("第三部分", "三、支出预算情况说明", [2, 3]), ("第三部分", "四、政府采购情况", [3]), ("第四部分", "名词解释", [4])]
    spend = doc.sections[0]
    assert spend.text == ("2026年度某某市某某局支出预算389.23万元，其中：基本支出200.14万元，占51.42%；"
                          "项目支出189.09万元，占48.58%。")
    assert [(f.kind, str(f.value), f.unit, f.label) for f in spend.figures] == [
        ("amount", "389.23", "万元", "支出预算"), ("amount", "200.14", "万元", "基本支出"),
        ("share", "51.42", "%", "基本支出"), ("amount", "189.09", "万元", "项目支出"), ("share", "48.58", "%", "项目支出")]
    project = spend.figures[3]
    assert (project.provenance.page, project.provenance.raw_text) == (2, "项目支出189.09万元")
    assert project.provenance.bbox == BoundingBox(l=60, t=135, r=530, b=147)  # where its number starts
    assert spend.figures[4].provenance.page == 3
    assert doc.sections[2].text.startswith("一、基本支出：指为保障") and not doc.sections[2].figures


# --------------------------------------------------------------------------------------------------
# real pixels


@pytest.mark.slow
@pytest.mark.parametrize(("sample", "page"), [("seed-poor-scan", 18)])  # 150 dpi JPEG, skewed: ~25 s of OCR
def test_figures_of_a_narrative_page_equal_its_truth(stages, sample, page):
    from budgetdoc.pipeline import DocumentInput, ExtractOptions, extract_document

    truth = truth_of(sample)
    want = [f for s in truth.sections for f in s.figures if f.provenance.page == page]
    assert len(want) >= 40
    result = extract_document(DocumentInput(name=sample, paths=page_paths(sample, page)), ExtractOptions(),
                              stages=stages)
    got = [f for s in result.document.sections for f in s.figures]
    # every kind, value and unit exactly, as a multiset; labels as the evaluator pairs them
    assert Counter(figure_key(f) for f in got) == Counter(figure_key(f) for f in want)
    assert figure_scores(pred=got, gt=want).f1 == 1.0, figure_differences(pred=got, gt=want)
    for f in got:
        assert f.provenance.page == 1 and f.provenance.source == "ocr" and f.provenance.raw_text
        box = f.provenance.bbox
        assert box is not None and 0 <= box.l < box.r <= 600 and 0 <= box.t < box.b <= 850
    headings = [s.heading for s in truth.sections if page in s.pages and s.part == "第三部分"]
    got_headings = [s.heading for s in result.document.sections]
    assert sum(h in got_headings for h in headings) >= len(headings) - 1  # a faint "一、" may be lost on a scan
