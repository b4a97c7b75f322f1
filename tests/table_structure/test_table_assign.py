"""OCR boxes → cells: synthetic boxes on the fixture grids (split at borders, multi-line joins)."""

from __future__ import annotations

import numpy as np
import pytest
from table_structure_helpers import fixture_tables, load_fixture

from budgetdoc.table_structure.assign import (
    TextBox,
    assign_text,
    char_extents,
    ink_char_extents,
    join_fragments,
    split_box,
)
from budgetdoc.table_structure.grid import DetectedTable

# grid_open_bottom: columns x 100 | 200 | 300 | 400, rows y 100 | 130 | 160 | 200


@pytest.fixture()
def table() -> DetectedTable:
    return fixture_tables(load_fixture("grid_open_bottom.json"))[0]


def _texts(table: DetectedTable, boxes: list[TextBox]) -> dict[tuple[int, int], str]:
    return assign_text(table, boxes).texts()


def test_box_inside_cell(table: DetectedTable) -> None:
    got = _texts(table, [TextBox(text="合计", box_px=(110, 105, 150, 125))])
    assert got == {(0, 0): "合计"}


def test_box_crossing_border_split_by_width(table: DetectedTable) -> None:
    """No character positions: estimated by width (CJK one em, digits half)."""
    # 7 em over 100 px: "389.23" (about 3 em) ends near x=197, "一般公共" (4 em) fills the rest
    box = TextBox(text="389.23一般公共", box_px=(154, 135, 254, 155))
    got = _texts(table, [box])
    assert got == {(1, 0): "389.23", (1, 1): "一般公共"}


def test_box_crossing_border_split_by_char_positions(table: DetectedTable) -> None:
    chars = [(120 + 10 * i, 128 + 10 * i) for i in range(7)] + [(205 + 12 * i, 215 + 12 * i) for i in range(3)]
    box = TextBox(text="ABCDEFG甲乙丙", box_px=(120, 165, 239, 185), char_x=chars)
    out = assign_text(table, [box])
    assert out.texts() == {(2, 0): "ABCDEFG", (2, 1): "甲乙丙"}
    left = next(c for c in out.cells if c.col == 0).pieces[0]
    assert left.box_px[2] <= 200 and left.char_x is not None and len(left.char_x) == 7


def test_box_over_three_cells(table: DetectedTable) -> None:
    chars = [(150.0, 160.0), (250.0, 260.0), (350.0, 360.0)]
    got = _texts(table, [TextBox(text="甲乙丙", box_px=(150, 105, 360, 125), char_x=chars)])
    assert got == {(0, 0): "甲", (0, 1): "乙", (0, 2): "丙"}


def test_box_grazing_neighbour_not_split(table: DetectedTable) -> None:
    """An OCR box a few pixels over the border: no character centre is across it."""
    got = _texts(table, [TextBox(text="一般公共预算", box_px=(110, 105, 204, 125))])
    assert got == {(0, 0): "一般公共预算"}


def test_multiline_cjk_joined_without_space(table: DetectedTable) -> None:
    boxes = [TextBox(text="其中:一般公共", box_px=(205, 163, 295, 178)),
             TextBox(text="预算资金", box_px=(205, 180, 260, 195))]
    assert _texts(table, list(reversed(boxes))) == {(2, 1): "其中:一般公共预算资金"}


def test_multiline_latin_joined_with_space(table: DetectedTable) -> None:
    boxes = [TextBox(text="Total", box_px=(305, 163, 340, 178)), TextBox(text="amount", box_px=(305, 180, 350, 195))]
    assert _texts(table, boxes) == {(2, 2): "Total amount"}


def test_same_line_pieces_ordered_left_to_right(table: DetectedTable) -> None:
    boxes = [TextBox(text="B", box_px=(160, 105, 170, 125)), TextBox(text="A", box_px=(110, 105, 120, 125)),
             TextBox(text="C", box_px=(171, 105, 180, 125))]
    # A … B: a real gap (space between Latin tokens); B|C touch: no space
    assert _texts(table, boxes) == {(0, 0): "A BC"}


def test_outside_unassigned(table: DetectedTable) -> None:
    title = TextBox(text="2026年预算收支总表", box_px=(120, 60, 380, 85))
    part_out = TextBox(text="单位万元", box_px=(360, 105, 440, 125))  # starts in column 2, runs off
    out = assign_text(table, [title, part_out])
    assert out.unassigned[0] == title
    assert out.texts() == {(0, 2): "单位"}
    assert out.unassigned[1].text == "万元"


def test_skewed_table() -> None:
    fx = load_fixture("grid_open_bottom.json")
    t = fixture_tables(fx, skew_deg=0.8)[0]
    # a box drawn around the skewed cell (1, 1): its upright centre is inside
    cx, cy = t.from_upright(250, 145)
    got = _texts(t, [TextBox(text="11.87", box_px=(cx - 30, cy - 8, cx + 30, cy + 8))])
    assert got == {(1, 1): "11.87"}


def test_char_extents_by_width() -> None:
    ext = char_extents(TextBox(text="a中", box_px=(0, 0, 30, 10)))
    assert ext == [(0.0, 10.0), (10.0, 30.0)]


def test_split_box_drops_spaces_at_cut() -> None:
    box = TextBox(text="ab cd", box_px=(0, 0, 50, 10), char_x=[(0, 10), (10, 20), (20, 30), (30, 40), (40, 50)])
    parts = split_box(box, [25.0])
    assert [p.text if p else None for p in parts] == ["ab", "cd"]
    assert split_box(box, [-5.0])[0] is None


def test_join_fragments() -> None:
    assert join_fragments(["2026年合", "计"]) == "2026年合计"
    assert join_fragments(["资金总额(万", "元)"]) == "资金总额(万元)"
    assert join_fragments(["Total", "amount", "2026"]) == "Total amount 2026"
    assert join_fragments(["389.23", "万元"]) == "389.23万元"
    assert join_fragments([" ", "甲", ""]) == "甲"


def test_char_x_length_checked() -> None:
    with pytest.raises(ValueError):
        TextBox(text="abc", box_px=(0, 0, 10, 10), char_x=[(0, 1)])


def _page_with_blocks(blocks: list[tuple[int, int]], *, y: int = 108, h: int = 14) -> np.ndarray:
    """A 500x300 page: the fixture's rules and a dark block (a character) for each (x0, x1)."""
    img = np.full((300, 500), 245, np.uint8)
    for x in (100, 200, 300, 400):
        img[100:200, x - 1:x + 1] = 20
    for yy in (100, 130, 160):
        img[yy - 1:yy + 1, 100:400] = 20
    for x0, x1 in blocks:
        img[y:y + h, x0:x1] = 30
    return img


def test_merged_box_over_blank_split_with_image(table: DetectedTable) -> None:
    """"收入" left in column 0 and "支出" right in column 2, read as one OCR box across the blank
    column 1: by width alone the split is wrong; the page image puts the blank where it is."""
    img = _page_with_blocks([(110, 122), (124, 136), (366, 378), (380, 392)])
    box = TextBox(text="收入支出", box_px=(110, 106, 392, 124))
    assert _texts(table, [box]) != {(0, 0): "收入", (0, 2): "支出"}
    assert assign_text(table, [box], image=img).texts() == {(0, 0): "收入", (0, 2): "支出"}


def test_merged_box_amount_and_name_split_with_image(table: DetectedTable) -> None:
    """A right-aligned amount and a left-aligned name either side of a border (the common merge)."""
    digits = [(150 + 7 * i, 155 + 7 * i) for i in range(6)]  # "389.23" ends at x=190
    cjk = [(208 + 13 * i, 219 + 13 * i) for i in range(6)]  # "一般公共服务" from x=208
    img = _page_with_blocks(digits + cjk, y=138)
    box = TextBox(text="389.23一般公共服务", box_px=(150, 136, 286, 154))
    assert assign_text(table, [box], image=img).texts() == {(1, 0): "389.23", (1, 1): "一般公共服务"}


def test_ink_char_extents_blank_box() -> None:
    img = np.full((50, 100), 245, np.uint8)
    assert ink_char_extents(TextBox(text="甲", box_px=(10, 10, 40, 30)), img, [25.0]) is None
