"""Cross-page merging on hand-made page results: what joins, what does not, and how."""

from __future__ import annotations

from budgetdoc.layout import TableContext
from budgetdoc.model.document import CellGrid, Page, TableCell
from budgetdoc.model.geometry import BoundingBox
from budgetdoc.pipeline import PageExtraction, PageTable, merge_grids, merge_pages
from budgetdoc.pipeline.assemble import align_edges


def _grid(rows: list[list[str]]) -> CellGrid:
    cells = [TableCell(text=t, row=r, col=c) for r, row in enumerate(rows) for c, t in enumerate(row)]
    return CellGrid(num_rows=len(rows), num_cols=len(rows[0]), cells=cells)


def _page(n: int, tables: list[tuple[CellGrid, str, list[float]]]) -> PageExtraction:
    pts = [PageTable(page=n, grid=g, context=TableContext(title=title), col_edges_pt=edges,
                     bbox=BoundingBox(l=edges[0], t=100, r=edges[-1], b=700)) for g, title, edges in tables]
    return PageExtraction(page=Page(number=n, width=595, height=842), tables=pts)


HEADER = ["科目编码", "科目名称", "合计"]
EDGES = [60.0, 160.0, 400.0, 530.0]


def test_an_untitled_table_on_the_next_page_continues_the_last_one():
    p1 = _page(1, [(_grid([HEADER, ["201", "一般公共服务支出", "326.40"]]), "2026年预算支出总表", EDGES)])
    # the next sheet lay 7 pt further right and 2 % larger on the scanner
    shifted = [67.0 + (x - 60.0) * 1.02 for x in EDGES]
    p2 = _page(2, [(_grid([HEADER, ["20103", "政府办公厅", "326.40"]]), "", shifted)])
    items = merge_pages([p1, p2])
    assert len(items) == 1 and items[0].pages == [1, 2]
    # the repeated header is dropped, the rows follow on
    assert items[0].grid.grid == [HEADER, ["201", "一般公共服务支出", "326.40"], ["20103", "政府办公厅", "326.40"]]


def test_a_titled_table_or_other_columns_do_not_continue():
    p1 = _page(1, [(_grid([HEADER, ["201", "一般", "1.00"]]), "2026年预算支出总表", EDGES)])
    titled = _page(2, [(_grid([HEADER, ["201", "一般", "1.00"]]), "2026年预算收入总表", EDGES)])
    assert len(merge_pages([p1, titled])) == 2
    narrow = _page(2, [(_grid([["a", "b", "c"]]), "", [60.0, 100.0, 200.0, 300.0])])
    assert len(merge_pages([p1, narrow])) == 2
    skipped_page = _page(3, [(_grid([["202", "外交", "2.00"]]), "", EDGES)])
    assert len(merge_pages([p1, skipped_page])) == 2


def test_align_edges_maps_outer_rules_onto_outer_rules_and_refuses_other_widths():
    assert align_edges(EDGES, [x + 5 for x in EDGES]) == EDGES
    assert align_edges(EDGES, [x * 1.5 for x in EDGES]) is None


def test_a_merged_cell_cut_by_the_page_break_is_joined_again():
    prev = CellGrid(num_rows=2, num_cols=2, cells=[
        TableCell(text="产出指标", row=0, col=0, row_span=2), TableCell(text="a", row=0, col=1),
        TableCell(text="b", row=1, col=1)])
    cont = CellGrid(num_rows=2, num_cols=2, cells=[
        TableCell(text="", row=0, col=0, row_span=2), TableCell(text="c", row=0, col=1),
        TableCell(text="d", row=1, col=1)])
    merged = merge_grids(prev, cont)
    first = [c for c in merged.cells if c.col == 0]
    assert len(first) == 1 and first[0].row_span == 4 and first[0].text == "产出指标"
    # an empty amount under a filled one is two cells: neither spans rows
    a = _grid([["x", "1.00"]])
    b = _grid([["y", ""]])
    assert len(merge_grids(a, b).cells) == 4
