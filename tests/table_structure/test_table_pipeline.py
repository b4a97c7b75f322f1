"""Page image + OCR boxes → tables with text: a ruled table, and the borderless fallback."""

from __future__ import annotations

from table_structure_helpers import draw_grid

from budgetdoc.table_structure import TableStructureOptions, TextBox, extract_tables

XS = [100, 300, 520, 700]
YS = [150, 210, 270]


def _boxes() -> list[TextBox]:
    ruled = [TextBox(text="项目", box_px=(110, 165, 150, 190)), TextBox(text="389.23一般公共", box_px=(240, 225, 380, 250))]
    # a borderless block further down: two columns, three rows
    free = [TextBox(text=t, box_px=(x, y, x + 14 * len(t), y + 18))
            for y, row in zip((500, 530, 560), (["科目", "金额"], ["办公费", "12.00"], ["印刷费", "3.50"]))
            for x, t in zip((120, 400), row)]
    return ruled + free


def test_extract_ruled_and_borderless() -> None:
    img = draw_grid(XS, YS)
    out = extract_tables(img, _boxes(), dpi=150, regions=[(90, 140, 710, 280), (100, 480, 700, 600)])
    assert [t.table.source for t in out] == ["ruled", "borderless"]
    ruled, free = out
    assert ruled.text.texts() == {(0, 0): "项目", (1, 0): "389.23", (1, 1): "一般公共"}
    assert free.text.texts() == {(0, 0): "科目", (0, 1): "金额", (1, 0): "办公费", (1, 1): "12.00",
                                 (2, 0): "印刷费", (2, 1): "3.50"}
    grid = free.table.to_cell_grid(texts=free.text.texts())
    assert grid.grid[2] == ["印刷费", "3.50"]


def test_no_regions_no_fallback() -> None:
    out = extract_tables(draw_grid(XS, YS), _boxes(), dpi=150, options=TableStructureOptions())
    assert [t.table.source for t in out] == ["ruled"]
