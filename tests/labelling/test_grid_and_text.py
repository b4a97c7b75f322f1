"""Unit tests of the rule model (grid.py) and the text joining rule (textlayer.py) on made-up input."""

from __future__ import annotations

import pytest

from budgetdoc.labelling.grid import GridError, Segment, build_grid, merge_segments, table_regions
from budgetdoc.labelling.real_pdf import LabelledCell, header_row_count
from budgetdoc.labelling.textlayer import Char, join_text, number_tokens


def H(y, x0, x1):
    return Segment("h", y, x0, x1)


def V(x, y0, y1):
    return Segment("v", x, y0, y1)


def test_missing_interior_rule_merges_slots_into_a_spanning_cell():
    # 3 columns x 2 rows; the top row has no rule between columns 1 and 2 -> one cell spanning 2
    segs = [H(0, 0, 30), H(10, 0, 30), H(20, 0, 30), V(0, 0, 20), V(10, 0, 20), V(20, 10, 20), V(30, 0, 20)]
    g = build_grid(segs)
    spans = {(c.row, c.col): (c.row_span, c.col_span) for c in g.cells}
    assert spans == {(0, 0): (1, 1), (0, 1): (1, 2), (1, 0): (1, 1), (1, 1): (1, 1), (1, 2): (1, 1)}
    assert g.num_rows == 2 and g.num_cols == 3


def test_non_rectangular_merge_is_an_error():
    # a 2x2 grid where (0,0)-(0,1) and (0,1)-(1,1) are both open: an L-shaped region
    segs = [H(0, 0, 20), H(10, 0, 10), H(20, 0, 20), V(0, 0, 20), V(10, 10, 20), V(20, 0, 20)]
    with pytest.raises(GridError) as e:
        build_grid(segs)
    assert e.value.reason == "non_rectangular_cell"


def test_collinear_pieces_merge_and_small_gaps_are_bridged():
    # Jiangsu-style: each rule drawn as pieces with 0.48 pt junction gaps
    merged = merge_segments([H(5.0, 0, 9.8), H(5.2, 10.3, 20), V(0, 0, 10)])
    hs = [s for s in merged if s.orient == "h"]
    assert len(hs) == 1 and hs[0].a0 == 0 and hs[0].a1 == 20


def test_open_top_edge_is_closed_where_the_vertical_rules_end():
    # a table cut by a page break: verticals run 8 pt above the first horizontal rule
    segs = [H(20, 0, 30), H(30, 0, 30), V(0, 12, 30), V(15, 12, 30), V(30, 12, 30)]
    (region,) = table_regions(segs)
    g = build_grid(region)
    assert g.num_rows == 2 and g.ys[0] == 12
    assert [s for s in g.segments if s.virtual] == [Segment("h", 12, 0, 30, 0.0, True)]


def ch(t, x0, top, size=10.0, w=None):
    return Char(t, x0, x0 + (w if w is not None else size), top, top + size, size)


def test_join_text_cjk_and_latin_rules():
    # CJK with gaps: no spaces ("金 额" letter-spaced reads 金额)
    assert join_text([ch("金", 0, 0), ch("额", 25, 0)]) == "金额"
    # digits with tight spacing stay together; a visible gap between Latin tokens gives one space
    assert join_text([ch("1", 0, 0, w=5), ch("2", 5.2, 0, w=5), ch("A", 20, 0, w=6)]) == "12 A"
    # number next to CJK: never a space
    assert join_text([ch("2", 0, 0, w=5), ch("0", 5, 0, w=5), ch("年", 15, 0)]) == "20年"
    # wrapped CJK lines join without a space, wrapped Latin lines with one
    assert join_text([ch("支", 0, 0), ch("出", 0, 14)]) == "支出"
    assert join_text([ch("A", 0, 0, w=6), ch("B", 0, 14, w=6)]) == "A B"
    # reading order: lines top to bottom, characters left to right, whatever the input order
    assert join_text([ch("出", 0, 14), ch("他", 10, 0), ch("其", 0, 0)]) == "其他出"


def test_number_tokens_split_at_visible_gaps_only():
    chars = [ch(c, i * 5.0, 0, w=5) for i, c in enumerate("37,188.34")] + [ch("1", 80, 0, w=5)]
    assert [t.text for t in number_tokens(chars)] == ["37,188.34", "1"]


def cell(row, col, text, rs=1, cs=1):
    return LabelledCell(row, col, rs, cs, (0, 0, 1, 1), text, [])


def test_header_rows_stop_at_the_first_body_row():
    cells = [cell(0, 0, "项目", cs=2), cell(1, 0, "科目编码"), cell(1, 1, "金额"),
             cell(2, 0, "合计"), cell(2, 1, "12.00"), cell(3, 0, "201"), cell(3, 1, "1.00")]
    assert header_row_count(cells, 4) == 2
    # "合计" heading a column beside other headings is header; the numbers row is the body
    cells = [cell(0, 0, "合计"), cell(0, 1, "会议费"), cell(1, 0, "1.00"), cell(1, 1, "2.00")]
    assert header_row_count(cells, 2) == 1
    # a continued table without a repeated header: body from row 0 (ordinal item)
    cells = [cell(0, 0, "三、其他资金"), cell(0, 1, ""), cell(1, 0, ""), cell(1, 1, "")]
    assert header_row_count(cells, 2) == 0
    # an empty template: the first all-empty row ends the header; a year is not a code
    cells = [cell(0, 0, "2019年预算数"), cell(0, 1, "基本支出"), cell(1, 0, ""), cell(1, 1, "")]
    assert header_row_count(cells, 2) == 1
